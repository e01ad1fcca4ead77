// Concurrency: 8 workers and 50 clients for 30 seconds, mixing
// observation writes with chart, outcomes, list and home reads.  No
// response is a 5xx, no response says "database is locked", every write
// that was acknowledged (303) is stored exactly once, and the database
// passes PRAGMA integrity_check afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, patientId, TRIAL_CSV } from '../lib/harness.mjs';
import { itemFieldNames } from '../lib/views.mjs';
import { readCsv } from '../lib/outcomes-from-csv.mjs';
import { sqlJson } from '../lib/access.mjs';

const WORKERS = 8;
const CLIENTS = 50;
// One client in WRITE_EVERY writes (each writer on its own patient); the
// rest read.
const WRITE_EVERY = 3;
const DURATION_MS = 30000;
// Any single request slower than this under the load is a failure (a
// writer stuck behind the lock is what the busy timeout is for).
const REQUEST_TIMEOUT_MS = 15000;
const TIMEPOINT = 'concurrency';

const srv = useCairn({ importTrial: true, workers: WORKERS });
const { rows } = readCsv(TRIAL_CSV);

const sql = (query) => sqlJson(srv.database, query);

test(`${WORKERS} workers, ${CLIENTS} clients, ${DURATION_MS / 1000} s of writes and reads: no 5xx, no lost write, no "database is locked"`, { timeout: DURATION_MS + 90000 }, async () => {
  const web = await srv.as('clinician');
  const writers = Array.from({ length: CLIENTS }, (_, c) => c).filter((c) => c % WRITE_EVERY === 0);
  const pidOf = new Map();
  for (const c of writers) pidOf.set(c, await patientId(web, rows[20 + c].id));
  const f = await itemFieldNames(web, pidOf.get(0), 'peg', ['pain', 'enjoyment', 'activity']);
  const someChart = `/patients/${pidOf.get(0)}`;

  const acked = [];
  const bad = [];              // { what, status|error, body }
  const statuses = new Map();
  const note = (s) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
  let writes = 0;
  let reads = 0;
  const dateOf = (k) => new Date(Date.UTC(2012, 0, 1) + k * 86400000).toISOString().slice(0, 10);
  const end = Date.now() + DURATION_MS;
  const reads_ = ['/outcomes', someChart, '/patients?q=Trial', '/', '/patients?page=3'];

  const check = (what, r, want) => {
    note(r.status);
    if (r.status !== want || /database is locked/i.test(r.body)) {
      bad.push({ what, status: r.status, body: r.body.slice(0, 300) });
    }
  };
  const client = async (c) => {
    for (let k = 0; Date.now() < end; k++) {
      if (pidOf.has(c)) {
        const pid = pidOf.get(c);
        const date = dateOf(k);
        writes++;
        try {
          const r = await web.postForm(`/patients/${pid}/observations`, [
            ['instrument', 'peg'], ['effective', date], ['timepoint', TIMEPOINT],
            [f.pain, String(k % 11)], [f.enjoyment, String(c % 11)], [f.activity, '4'],
          ], { timeoutMs: REQUEST_TIMEOUT_MS });
          check(`POST ${pid} ${date}`, r, 303);
          if (r.status === 303) acked.push(`${pid} ${date}`);
        } catch (e) {
          note('error');
          bad.push({ what: `POST ${pid} ${date}`, error: e.message });
        }
      } else {
        const url = reads_[(c + k) % reads_.length];
        reads++;
        try {
          check(`GET ${url}`, await web.get(url, { timeoutMs: REQUEST_TIMEOUT_MS }), 200);
        } catch (e) {
          note('error');
          bad.push({ what: `GET ${url}`, error: e.message });
        }
      }
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const secs = (Date.now() - t0) / 1000;
  const summary = [...statuses].map(([s, n]) => `${s}: ${n}`).join(', ');
  console.log(`${writes} writes and ${reads} reads in ${secs.toFixed(1)} s ` +
    `(${((writes + reads) / secs).toFixed(0)} requests/s); responses ${summary}`);

  assert.deepEqual(bad.slice(0, 5), [], `${bad.length} requests failed`);
  assert.ok(acked.length > 100, `writes were acknowledged (${acked.length})`);
  const log = srv.logs().cairnd;
  assert.ok(!/database is locked/i.test(log), 'cairnd never met "database is locked"');

  const ic = sql('PRAGMA integrity_check');
  assert.deepEqual(ic.map((x) => Object.values(x)[0]), ['ok'], 'PRAGMA integrity_check');
  const stored = sql(`SELECT patient, effective, count(*) AS n FROM p_program_observation
                      WHERE timepoint = '${TIMEPOINT}' GROUP BY patient, effective`);
  const have = new Map(stored.map((x) => [`${x.patient} ${x.effective}`, x.n]));
  const missing = acked.filter((a) => !have.has(a));
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged writes missing`);
  assert.deepEqual(stored.filter((x) => x.n !== 1), [], 'no write stored twice');
  assert.equal(stored.length, acked.length, 'exactly the acknowledged writes are stored');
});
