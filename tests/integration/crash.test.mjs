// kill -9 of a cairnd worker under traffic: the master replaces it, the
// service answers again after a short gap, and every write that was
// acknowledged (303) is in the database afterwards.  Then SIGTERM with a
// request in flight: it is answered in full before cairnd exits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, patientId, sleep, TRIAL_CSV } from '../lib/harness.mjs';
import { parseXml } from '../lib/xml.mjs';
import { observations, itemFieldNames } from '../lib/views.mjs';
import { readCsv } from '../lib/outcomes-from-csv.mjs';
import { formEncode, STAFF, COOKIE_PRE, COOKIE_SESSION } from '../lib/harness.mjs';
import { newToken } from '../lib/access.mjs';
import { FCGI, cgiParams, encodeBeginRequest, encodeStream, encodeParams, encodeRecord,
         exchange, parseCgiResponse } from '../lib/fcgi.mjs';

const WORKERS = 2;
// Traffic: this many concurrent clients, each looping until told to stop;
// bounded in time and count (loopback only).
const CLIENTS = 6;
const MAX_REQUESTS = 3000;
const TRAFFIC_MS = 6000;
const KILL_AT_MS = 1500;
// How long the master may take to replace a worker (its back-off starts
// at 100 ms and only grows for workers that die young).
const REPLACE_MS = 10000;

const srv = useCairn({ importTrial: true, workers: WORKERS });
const { rows } = readCsv(TRIAL_CSV);

async function waitFor(pred, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await sleep(50);
  }
  assert.fail(`timed out after ${ms} ms waiting for ${what}`);
}

test('a worker killed with SIGKILL under traffic is replaced and no acknowledged write is lost', async () => {
  const web = await srv.as('clinician');
  const pid = await patientId(web, rows[2].id);
  const f = await itemFieldNames(web, pid, 'peg', ['pain', 'enjoyment', 'activity']);
  assert.ok(f.pain && f.enjoyment && f.activity, 'PEG form fields found');
  await waitFor(() => srv.workerPids().length === WORKERS, 5000, `${WORKERS} workers`);
  const before = srv.workerPids();
  assert.equal(before.length, WORKERS);

  // Each write gets a unique date: 2010-01-01 plus k days.
  const dateOf = (k) => new Date(Date.UTC(2010, 0, 1) + k * 86400000).toISOString().slice(0, 10);
  let k = 0;
  let sent = 0;
  let stop = false;
  const acked = [];            // dates of writes that got a 303
  const results = [];          // { t, ok, status|error }
  const t0 = Date.now();
  const client = async (c) => {
    while (!stop && sent < MAX_REQUESTS) {
      sent++;
      const write = c % 2 === 0;
      const t = Date.now() - t0;
      try {
        if (write) {
          const date = dateOf(k++);
          const r = await web.postForm(`/patients/${pid}/observations`, [
            ['instrument', 'peg'], ['effective', date], ['timepoint', 'crash-test'],
            [f.pain, String(k % 11)], [f.enjoyment, '5'], [f.activity, '5'],
          ]);
          if (r.status === 303) acked.push(date);
          results.push({ t, ok: r.status === 303, status: r.status, what: `POST ${date}`, body: r.status === 303 ? undefined : r.body.slice(0, 300) });
        } else {
          const url = c % 4 === 1 ? '/outcomes' : `/patients/${pid}`;
          const r = await web.get(url);
          results.push({ t, ok: r.status === 200, status: r.status, what: `GET ${url}`, body: r.status === 200 ? undefined : r.body.slice(0, 300) });
        }
      } catch (e) {
        results.push({ t, ok: false, error: e.message, what: write ? 'POST' : 'GET' });
      }
    }
  };
  const traffic = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  await sleep(KILL_AT_MS);
  const victim = before[0];
  process.kill(victim, 'SIGKILL');
  const killedAt = Date.now() - t0;
  await waitFor(() => {
    const now = srv.workerPids();
    return now.length === WORKERS && !now.includes(victim);
  }, REPLACE_MS, 'a replacement worker');
  const after = srv.workerPids();
  const fresh = after.filter((p) => !before.includes(p));
  assert.equal(fresh.length, 1, `one new worker (before ${before}, after ${after})`);
  assert.ok(after.includes(before[1]), 'the other worker was left alone');
  await sleep(Math.max(0, TRAFFIC_MS - (Date.now() - t0)));
  stop = true;
  await traffic;
  assert.ok(srv.masterAlive(), 'the master is alive');

  const failures = results.filter((r) => !r.ok);
  const late = results.filter((r) => r.t > killedAt + 2000);
  console.log(`${results.length} requests, ${acked.length} acknowledged writes, ${failures.length} failed ` +
    `(statuses: ${[...new Set(failures.map((x) => x.status ?? x.error))].join(', ') || 'none'}); ` +
    `worker ${victim} killed at ${killedAt} ms, replaced by ${fresh[0]}`);
  assert.ok(acked.length > 10, 'writes were acknowledged during the test');
  assert.ok(results.some((r) => r.ok && r.t > killedAt), 'requests succeeded after the kill');
  assert.ok(late.length > 0, 'traffic went on 2 s after the kill');
  assert.deepEqual(late.filter((r) => !r.ok).slice(0, 5), [], `every request 2 s after the kill succeeded\n${srv.logs().cairnd.slice(-2000)}`);
  // Failures are confined to the moment of the kill (the requests the dead
  // worker held), never 5xx from a live worker.
  assert.ok(failures.length <= CLIENTS, `at most one failed request per client (${failures.length})`);

  // Every acknowledged write is there, exactly once.
  const r = await web.getXml(`/patients/${pid}`);
  assert.equal(r.status, 200);
  const stored = observations(parseXml(r.body)).filter((o) => o.timepoint === 'crash-test').map((o) => o.effective);
  const missing = acked.filter((d) => !stored.includes(d));
  assert.deepEqual(missing, [], 'no acknowledged write lost');
  const dup = stored.filter((d, i) => stored.indexOf(d) !== i);
  assert.deepEqual(dup, [], 'no write stored twice');
  // Writes that were not acknowledged may or may not be there; nothing else is.
  assert.ok(stored.length <= k, 'nothing stored that was not sent');

  // And the service is fully up: a burst of sequential requests all succeed.
  for (let i = 0; i < 20; i++) assert.equal((await web.get('/')).status, 200);
});

test('SIGTERM drains: a sign-in whose body is still arriving completes with its full answer, then the master and its workers exit', async () => {
  const workers = srv.workerPids();
  assert.equal(workers.length, WORKERS);
  // A sign-in sent straight to cairnd's socket, its body held back: the
  // first bytes now, the rest 1.5 s later.  SIGTERM arrives while the
  // worker is reading it.
  const token = newToken();
  const body = formEncode({ csrf: token, username: STAFF.clinician.username, password: STAFF.clinician.password });
  const params = cgiParams({ method: 'POST', path: '/sign-in', body,
                             contentType: 'application/x-www-form-urlencoded',
                             headers: { Cookie: `${COOKIE_PRE}=${token}`, Host: '127.0.0.1' } });
  const head = Buffer.concat([encodeBeginRequest(1), encodeStream(FCGI.PARAMS, 1, encodeParams(params)),
                              encodeRecord(FCGI.STDIN, 1, Buffer.from(body.slice(0, 10)))]);
  const tail = Buffer.concat([encodeRecord(FCGI.STDIN, 1, Buffer.from(body.slice(10))), encodeRecord(FCGI.STDIN, 1)]);
  const answer = exchange(srv.fcgiAddress, [head, tail], { pauseMs: 1500, timeoutMs: 15000 });
  await sleep(400);
  srv.cairnd.child.kill('SIGTERM');
  await sleep(400);
  assert.equal(srv.cairnd.exitedYet(), false, 'cairnd waits for the request in flight');

  const r = await answer;
  assert.ok(r.ended, `the request ended with END_REQUEST (closed ${r.closed}, timed out ${r.timedOut})`);
  const stdout = Buffer.concat(r.records.filter((x) => x.type === FCGI.STDOUT).map((x) => x.content));
  const res = parseCgiResponse(stdout);
  assert.equal(res.status, 303, `the sign-in was answered in full: ${stdout.toString('utf8').slice(0, 300)}`);
  assert.equal(res.headers.location, '/');
  assert.match(res.headers['set-cookie'] ?? '', new RegExp(`${COOKIE_SESSION}=[A-Za-z0-9_-]{43};`), 'a session was opened');
  assert.equal(res.headers['content-length'], '0');

  const exit = await srv.cairnd.exited;
  assert.equal(exit.code, 0, `exit status ${JSON.stringify(exit)}`);
  for (const w of workers) {
    let alive = true;
    try { process.kill(w, 0); } catch { alive = false; }
    assert.equal(alive, false, `worker ${w} is gone`);
  }
});
