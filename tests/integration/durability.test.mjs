// Durability under kill -9: clients write observations without pause
// while cairnd's workers are killed with SIGKILL, one at a time, 50
// times.  Afterwards the database passes PRAGMA integrity_check, every
// write that was acknowledged (303) is stored exactly once, every stored
// record version has its projection row (no half-written record), and the
// service answers normally.  Bounded: the kills take about 35 s.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, patientId, sleep, TRIAL_CSV } from '../lib/harness.mjs';
import { itemFieldNames } from '../lib/views.mjs';
import { readCsv } from '../lib/outcomes-from-csv.mjs';
import { sqlJson } from '../lib/access.mjs';

const WORKERS = 4;
const KILLS = 50;
// Writers, each on its own patient, and readers of the charts written to.
const WRITERS = 8;
const READERS = 2;
// The master backs off before replacing a worker that dies younger than
// 2 s (core/server/cairnd.c YOUNG_DEATH_S): only workers older than this are
// killed, so every kill is answered by an immediate replacement.
const MIN_AGE_MS = 2200;
// How long a replacement may take to appear.
const REPLACE_MS = 10000;
// The whole kill phase may not take longer than this.
const KILL_PHASE_MS = 90000;
const TIMEPOINT = 'durability';

const srv = useCairn({ importTrial: true, workers: WORKERS });
const { rows } = readCsv(TRIAL_CSV);

const sql = (query) => sqlJson(srv.database, query);

test(`${KILLS} SIGKILLs of workers under writes: integrity_check ok, no acknowledged write lost`, { timeout: 150000 }, async () => {
  const web = await srv.as('clinician');
  const pids = [];
  for (let i = 0; i < WRITERS; i++) pids.push(await patientId(web, rows[10 + i].id));
  const f = await itemFieldNames(web, pids[0], 'peg', ['pain', 'enjoyment', 'activity']);

  const seen = new Map();      // worker pid -> when first seen (ms)
  const workers = () => {
    const now = Date.now();
    const ws = srv.workerPids();
    for (const w of ws) if (!seen.has(w)) seen.set(w, now);
    return ws;
  };
  const start = Date.now();
  while (workers().length < WORKERS) {
    assert.ok(Date.now() - start < REPLACE_MS, `${WORKERS} workers at start`);
    await sleep(50);
  }

  let stop = false;
  const acked = [];            // { pid, date }
  const statuses = new Map();  // status or error -> count
  const note = (s) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
  let writes = 0;
  const dateOf = (k) => new Date(Date.UTC(2011, 0, 1) + k * 86400000).toISOString().slice(0, 10);

  const writer = async (c) => {
    for (let k = 0; !stop; k++) {
      const date = dateOf(k);
      writes++;
      try {
        const r = await web.postForm(`/patients/${pids[c]}/observations`, [
          ['instrument', 'peg'], ['effective', date], ['timepoint', TIMEPOINT],
          [f.pain, String(k % 11)], [f.enjoyment, String((k + c) % 11)], [f.activity, '5'],
        ]);
        note(r.status);
        if (r.status === 303) acked.push({ pid: pids[c], date });
      } catch (e) {
        note(e.code ?? e.message.slice(0, 40));
      }
    }
  };
  const reader = async (c) => {
    while (!stop) {
      try { note((await web.get(`/patients/${pids[c % WRITERS]}`)).status); } catch (e) { note(e.code ?? 'error'); }
    }
  };
  const traffic = Promise.all([
    ...Array.from({ length: WRITERS }, (_, c) => writer(c)),
    ...Array.from({ length: READERS }, (_, c) => reader(c)),
  ]);

  const t0 = Date.now();
  let kills = 0;
  try {
    while (kills < KILLS) {
      assert.ok(Date.now() - t0 < KILL_PHASE_MS, `${KILLS} kills within ${KILL_PHASE_MS} ms (did ${kills})`);
      const ws = workers();
      const now = Date.now();
      const old = ws.filter((w) => now - seen.get(w) >= MIN_AGE_MS).sort((a, b) => seen.get(a) - seen.get(b));
      if (ws.length < WORKERS || old.length === 0) { await sleep(25); continue; }
      const victim = old[0];
      process.kill(victim, 'SIGKILL');
      kills++;
      const end = Date.now() + REPLACE_MS;
      for (;;) {
        const now2 = workers();
        if (now2.length === WORKERS && !now2.includes(victim)) break;
        assert.ok(Date.now() < end, `worker ${victim} replaced within ${REPLACE_MS} ms (kill ${kills})`);
        await sleep(20);
      }
    }
  } finally {
    // A little traffic after the last replacement, then stop.
    await sleep(500);
    stop = true;
    await traffic;
  }
  const killMs = Date.now() - t0;
  const summary = [...statuses].map(([s, n]) => `${s}: ${n}`).join(', ');
  console.log(`${kills} workers killed in ${killMs} ms; ${writes} writes sent, ${acked.length} acknowledged; responses ${summary}`);

  assert.ok(srv.masterAlive(), 'the master survived');
  assert.ok(acked.length >= KILLS, `writes went on between kills (${acked.length} acknowledged)`);
  // A request the dead worker held ends as 502 (nginx) or a reset; a live
  // worker never answers 500 or 503.
  for (const bad of [500, 503]) assert.equal(statuses.get(bad) ?? 0, 0, `no ${bad} (${summary})`);

  // The database file is sound.
  const ic = sql('PRAGMA integrity_check');
  assert.deepEqual(ic.map((x) => Object.values(x)[0]), ['ok'], 'PRAGMA integrity_check');
  // Every acknowledged write is stored, once.
  const stored = sql(`SELECT patient, effective, count(*) AS n FROM p_program_observation
                      WHERE timepoint = '${TIMEPOINT}' GROUP BY patient, effective`);
  const have = new Map(stored.map((x) => [`${x.patient} ${x.effective}`, x.n]));
  const missing = acked.filter((a) => !have.has(`${a.pid} ${a.date}`));
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged writes missing`);
  const twice = stored.filter((x) => x.n !== 1);
  assert.deepEqual(twice, [], 'no write stored twice');
  assert.ok(stored.length <= writes, 'nothing stored that was not sent');
  // Every record version of an observation has its projection row: no
  // record was committed without the rest of its transaction.
  const versions = srv.stats()['program:Observation'];
  const projected = sql('SELECT count(*) AS n FROM p_program_observation')[0].n;
  assert.equal(versions, projected, 'observation versions = projection rows');

  // And the service is fully up.
  for (let i = 0; i < 20; i++) assert.equal((await web.get(`/patients/${pids[0]}`)).status, 200);
});
