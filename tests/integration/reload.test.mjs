// SIGHUP reloads cairnd (core/server/cairnd.c reload(), core/server/reload.c):
//
//   - the clinic's name is changed in the config and the master gets SIGHUP
//     while clients keep sending requests (page reads, sign-ins' form and
//     observation writes): no request fails, the new name appears, and the
//     old workers are replaced by new ones;
//   - a broken config and SIGHUP: cairnd keeps serving with the old name
//     and the same workers, and its log says "reload refused:" and why.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { useCairn, patientId, sleep, TRIAL_CSV } from '../lib/harness.mjs';
import { itemFieldNames } from '../lib/views.mjs';
import { readCsv } from '../lib/outcomes-from-csv.mjs';

const WORKERS = 3;
const READERS = 4;
const WRITERS = 2;
// How long the new name may take to appear after SIGHUP: the check child
// and the new load each compile every schema and view (about a second).
const RELOAD_MS = 20000;
const OLD_NAME = 'Clinic before the reload';
const NEW_NAME = 'Clinic after the reload';

const srv = useCairn({ importTrial: true, workers: WORKERS, clinicName: OLD_NAME });
const { rows } = readCsv(TRIAL_CSV);

// The traffic: readers of a public page, readers of a staff page and
// writers of observations, counting every outcome, until stopped.
let stop = false;
let traffic;
const outcomes = new Map();
const names = [];              // [time sent, name seen on /sign-in]
let writes = 0;
const note = (k) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
const nameOf = (html) => (html.includes(NEW_NAME) ? NEW_NAME : html.includes(OLD_NAME) ? OLD_NAME : null);

before(async () => {
  await srv.ready;
  const web = await srv.as('clinician');
  const pids = [];
  for (let i = 0; i < WRITERS; i++) pids.push(await patientId(web, rows[40 + i].id));
  const f = await itemFieldNames(web, pids[0], 'peg', ['pain', 'enjoyment', 'activity']);
  const reader = async () => {
    while (!stop) {
      try {
        const sent = Date.now();
        const r = await srv.get('/sign-in');
        note(r.status);
        names.push([sent, nameOf(r.body)]);
      } catch (e) { note(`error ${e.code ?? e.message}`); }
    }
  };
  const staffReader = async (c) => {
    while (!stop) {
      try { note((await web.get(`/patients/${pids[c % WRITERS]}`)).status); } catch (e) { note(`error ${e.code ?? e.message}`); }
    }
  };
  const writer = async (c) => {
    for (let k = 0; !stop; k++) {
      try {
        const r = await web.postForm(`/patients/${pids[c]}/observations`, [
          ['instrument', 'peg'], ['effective', new Date(Date.UTC(2013, 0, 1) + k * 86400000).toISOString().slice(0, 10)],
          ['timepoint', 'reload'], [f.pain, String(k % 11)], [f.enjoyment, '3'], [f.activity, '4'],
        ]);
        note(r.status);
        writes++;
      } catch (e) { note(`error ${e.code ?? e.message}`); }
    }
  };
  traffic = Promise.all([
    ...Array.from({ length: READERS }, () => reader()),
    ...Array.from({ length: 2 }, (_, c) => staffReader(c)),
    ...Array.from({ length: WRITERS }, (_, c) => writer(c)),
  ]);
  await sleep(500);
});

after(async () => { stop = true; await traffic; });

const summary = () => [...outcomes].map(([k, n]) => `${k}: ${n}`).join(', ');
const failures = () => [...outcomes].filter(([k]) => ![200, 303].includes(k));

async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    assert.ok(Date.now() < end, `${what} within ${ms} ms (${summary()})\n${srv.logs().cairnd.slice(-3000)}`);
    await sleep(50);
  }
}

test('SIGHUP under a stream of requests: the new clinic name appears and no request fails', { timeout: 60000 }, async () => {
  // The traffic is flowing (on a loaded machine the first page may take
  // longer than before() waited).
  await waitFor(() => names.length >= READERS && writes > 0, RELOAD_MS, 'pages and writes before the reload');
  const oldWorkers = srv.workerPids();
  assert.equal(oldWorkers.length, WORKERS);
  assert.equal(names.at(-1)?.[1], OLD_NAME, 'the old name is served before the reload');
  const config = readFileSync(srv.configPath, 'utf8');
  writeFileSync(srv.configPath, config.replace(`<name>${OLD_NAME}</name>`, `<name>${NEW_NAME}</name>`));
  const writesBefore = writes;
  const t0 = Date.now();
  process.kill(srv.cairnd.pid, 'SIGHUP');
  await waitFor(() => names.length && names.at(-1)[1] === NEW_NAME, RELOAD_MS, 'the new name is served');
  const ms = Date.now() - t0;
  // Every old worker finishes its request and exits; as many new ones run.
  await waitFor(() => { const w = srv.workerPids(); return w.length === WORKERS && w.every((p) => !oldWorkers.includes(p)); },
                RELOAD_MS, 'the old workers are retired and new ones run');
  // Requests the old workers had accepted may still answer with the old
  // name; a request sent once they are gone gets only the new name.
  const retiredAt = Date.now();
  await sleep(1000);        // traffic on the new generation
  const after = names.filter(([sent]) => sent > retiredAt);
  const later = after.filter(([, n]) => n !== NEW_NAME);
  assert.ok(after.length > 0, 'pages were served by the new generation');
  console.log(`reload: new name after ${ms} ms; ${names.length} public pages, ${writes - writesBefore} writes during it; ${summary()}`);
  assert.deepEqual(later.slice(0, 3), [], 'once the old workers are gone, only the new name');
  assert.deepEqual(failures(), [], `no request failed (${summary()})`);
  assert.ok(writes > writesBefore, 'writes went on through the reload');
  assert.match(srv.logs().cairnd, /reloaded .*: 3 new workers; \d old ones finish their request in hand and exit/);
  assert.ok(srv.masterAlive(), 'the master is the same process');
});

test('a broken config and SIGHUP: cairnd keeps serving with the old state and logs why', { timeout: 60000 }, async () => {
  const workers = srv.workerPids();
  const good = readFileSync(srv.configPath, 'utf8');
  // 0 workers: refused by schemas/config.xsd.
  writeFileSync(srv.configPath, good.replace(/<workers>\d+<\/workers>/, '<workers>0</workers>')
    .replace(`<name>${NEW_NAME}</name>`, '<name>A name that must not appear</name>'));
  const seen = names.length;
  process.kill(srv.cairnd.pid, 'SIGHUP');
  await waitFor(() => /reload refused: /.test(srv.logs().cairnd), RELOAD_MS, 'the log says the reload was refused');
  await sleep(1000);
  const log = srv.logs().cairnd;
  const line = log.split('\n').find((l) => l.includes('reload refused: '));
  console.log(line);
  assert.match(line, /reload refused: .*workers.*; still serving with the configuration loaded before/);
  assert.ok(names.length > seen, 'pages were served after the refused reload');
  assert.deepEqual(names.slice(seen).filter(([, n]) => n !== NEW_NAME), [], 'the name loaded before is still served');
  assert.deepEqual(srv.workerPids(), workers, 'the same workers serve');
  assert.deepEqual(failures(), [], `no request failed (${summary()})`);
  writeFileSync(srv.configPath, good);
});
