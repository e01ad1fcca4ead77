// The audit trail: reads and writes of patient data are logged
// with the actor from the session (never from the request), the route,
// the patient and the outcome; denials and sign-ins too.  The database
// refuses UPDATE and DELETE on it.  `cairn audit verify` says "intact" on
// the real trail and names the entry when one is changed by hand (with
// the trigger dropped), changed and re-hashed, removed, or inserted (at
// the end, or in the middle with a valid hash of its own).  The tampering
// is done on copies of the database, one per case.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { useCairn, patientId, run, TRIAL_CSV } from '../lib/harness.mjs';
import { readCsv } from '../lib/outcomes-from-csv.mjs';
import { itemFieldNames } from '../lib/views.mjs';
import { sqlJson, sqlExec, auditRows, auditEntryHash } from '../lib/access.mjs';

const srv = useCairn({ importTrial: true });
const { rows } = readCsv(TRIAL_CSV);
let clin; let desk; let admin; let pid;

before(async () => {
  await srv.ready;
  [clin, desk, admin] = await Promise.all([srv.as('clinician'), srv.as('front-desk'), srv.as('admin')]);
  pid = await patientId(clin, rows[10].id);
  // Some traffic: reads, a write, a denial, a failed sign-in.
  assert.equal((await clin.get(`/patients/${pid}`)).status, 200);
  const f = await itemFieldNames(clin, pid, 'peg', ['pain', 'enjoyment', 'activity']);
  assert.equal((await clin.postForm(`/patients/${pid}/observations`, [['instrument', 'peg'], ['effective', '2024-04-04'], ['timepoint', 'audit'],
    [f.pain, '2'], [f.enjoyment, '2'], [f.activity, '2'], ['actor', 'someone-else']],
    { headers: { 'X-Actor': 'someone-else', 'X-Remote-User': 'someone-else' } })).status, 303);
  assert.equal((await desk.get(`/patients/${pid}`)).status, 403);
  assert.equal((await srv.client().signIn('no-such-user', 'wrong password')).status, 401);
  assert.equal((await srv.get(`/patients/${pid}`)).status, 303);
});

test('a chart read, a write, a denial and a failed sign-in are each in the audit trail, actor from the session', () => {
  const all = auditRows(srv.database);
  const read = all.find((e) => e.actor === 'test-clinician' && e.method === 'GET' && e.path === `/patients/${pid}` && e.outcome === '200');
  assert.ok(read, 'the chart read');
  assert.equal(read.patient, pid);
  assert.equal(read.role, 'clinician');
  assert.match(read.route, /^\/patients\/\(\?<patient>/, 'the route pattern');
  assert.match(read.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(read.remote, '127.0.0.1');
  const write = all.find((e) => e.method === 'POST' && e.path === `/patients/${pid}/observations`);
  assert.ok(write, 'the write');
  assert.equal(write.actor, 'test-clinician', 'the actor is the session\'s, not the form field or a header');
  assert.equal(write.patient, pid);
  assert.equal(write.outcome, '303');
  assert.ok(!all.some((e) => e.actor === 'someone-else'), 'no entry takes its actor from the request');
  const denied = all.find((e) => e.actor === 'test-desk' && e.path === `/patients/${pid}`);
  assert.ok(denied, 'the front desk\'s denied read');
  assert.equal(denied.outcome, 'denied: role');
  assert.equal(denied.patient, null, 'a denied read did not reach the patient (no patient named as read)');
  assert.ok(all.some((e) => e.actor === 'public' && e.outcome === 'denied: not signed in' && e.path === `/patients/${pid}`), 'the anonymous denial');
  assert.ok(all.some((e) => /^sign-in refused for no-such-user$/.test(e.outcome)), 'the failed sign-in');
  assert.ok(all.some((e) => e.outcome === 'signed in' && e.actor === 'test-clinician'), 'the sign-in');
});

test('the admin audit page lists entries, filters by actor and patient, and refuses a bad page number', async () => {
  const r = await admin.getXml(`/admin/audit?patient=${pid}`);
  assert.equal(r.status, 200);
  assert.ok(r.body.includes(`/patients/${pid}`));
  const other = sqlJson(srv.database, `SELECT count(*) AS n FROM audit WHERE patient IS NOT NULL AND patient != ${pid}`)[0].n;
  assert.ok(!/patient="(?!\d+")/.test(r.body));
  for (const m of r.body.matchAll(/<entry [^>]*patient="(\d+)"/g)) assert.equal(Number(m[1]), pid, 'only that patient');
  assert.ok(other >= 0);
  const a = await admin.getXml('/admin/audit?actor=test-desk');
  for (const m of a.body.matchAll(/<entry [^>]*actor="([^"]*)"/g)) assert.equal(m[1], 'test-desk');
  for (const bad of ['page=0', 'page=-1', 'page=abc', 'page=99999999999', 'patient=abc', 'patient=-3']) {
    const b = await admin.get(`/admin/audit?${bad}`);
    assert.equal(b.status, 400, `${bad}: ${b.status}`);
  }
});

test('the database refuses UPDATE and DELETE on the audit trail', () => {
  for (const sql of ['UPDATE audit SET actor = \'x\' WHERE seq = 1', 'DELETE FROM audit WHERE seq = 1']) {
    const r = run('sqlite3', ['-cmd', '.timeout 5000', srv.database, sql]);
    assert.notEqual(r.code, 0, `${sql} was allowed`);
    assert.match(r.stderr, /append-only/);
  }
  assert.equal(auditRows(srv.database, 'seq = 1')[0].actor !== 'x', true);
});

test('cairn audit verify says intact on the real trail, counting every entry', () => {
  const r = srv.cli(['audit', 'verify']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const n = sqlJson(srv.database, 'SELECT count(*) AS n FROM audit')[0].n;
  assert.ok(n >= 10, `${n} entries`);
  const said = Number(/intact: (\d+) entries/.exec(r.stdout)?.[1]);
  assert.ok(said >= n - 5 && said <= n + 5, `intact: ${r.stdout.trim()} (${n} in the table while the server runs)`);
});

// A copy of the database (consistent: sqlite3 .backup) and a config that
// points at it; `tamper` is the SQL to run on the copy.
let copies = 0;
function verifyTampered(tamper) {
  const n = ++copies;
  const db = path.join(srv.dir, `tampered-${n}.db`);
  const cfg = path.join(srv.dir, `tampered-${n}.xml`);
  const b = run('sqlite3', ['-cmd', '.timeout 5000', srv.database, `.backup '${db}'`]);
  assert.equal(b.code, 0, b.stderr);
  writeFileSync(cfg, readFileSync(srv.configPath, 'utf8').replace(/<database>[^<]*<\/database>/, `<database>${db}</database>`));
  const intact = run(srv.loc.cairn, ['-c', cfg, 'audit', 'verify'], { env: srv.env() });
  assert.equal(intact.code, 0, `the copy is intact before: ${intact.stdout}${intact.stderr}`);
  const entries = sqlJson(db, 'SELECT * FROM audit ORDER BY seq');
  sqlExec(db, typeof tamper === 'function' ? tamper(entries) : tamper);
  const r = run(srv.loc.cairn, ['-c', cfg, 'audit', 'verify'], { env: srv.env() });
  return { ...r, entries };
}

const DROP = 'DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;';

test('verify names an entry changed by hand (trigger dropped): who read a chart', () => {
  const r = verifyTampered((es) => {
    const k = es.find((e) => e.actor === 'test-clinician' && e.patient === pid).seq;
    return `${DROP} UPDATE audit SET actor = 'test-desk' WHERE seq = ${k}; SELECT ${k};`;
  });
  const k = r.entries.find((e) => e.actor === 'test-clinician' && e.patient === pid).seq;
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, new RegExp(`audit entry ${k} was changed`), r.stdout);
});

test('verify names an entry changed by hand in the patient or outcome column', () => {
  for (const col of ['patient = 987654', "outcome = 'tampered'", "time = '2001-01-01T00:00:00Z'", "remote = '10.0.0.1'", "route = '/x'", 'record = 42']) {
    const r = verifyTampered(`${DROP} UPDATE audit SET ${col} WHERE seq = 5;`);
    assert.equal(r.code, 1, `${col}: ${r.stdout}`);
    assert.match(r.stdout, /audit entry 5 was changed/, `${col}: ${r.stdout}`);
  }
});

test('verify names the next entry when a changed entry was also re-hashed by the forger', () => {
  const r = verifyTampered((es) => {
    const e = { ...es[6], actor: 'forged-actor' };
    return `${DROP} UPDATE audit SET actor = 'forged-actor', hash = '${auditEntryHash(e.prev, e)}' WHERE seq = ${e.seq};`;
  });
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, new RegExp(`audit entry ${r.entries[7].seq} does not follow entry ${r.entries[6].seq}`), r.stdout);
});

test('verify names a removed entry', () => {
  const r = verifyTampered(`${DROP} DELETE FROM audit WHERE seq = 4;`);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /audit entry 4 is missing/, r.stdout);
});

test('verify names an entry inserted at the end with a made-up chain link', () => {
  const r = verifyTampered((es) => {
    const last = es.at(-1);
    return `INSERT INTO audit(seq, time, actor, role, method, route, path, patient, record, outcome, remote, prev, hash) VALUES(` +
      `${last.seq + 1}, '${last.time}', 'test-admin', 'admin', 'GET', '/', '/', NULL, NULL, '200', '127.0.0.1', '${'0'.repeat(64)}', '${'1'.repeat(64)}');`;
  });
  const last = r.entries.at(-1).seq;
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, new RegExp(`audit entry ${last + 1} does not follow`), r.stdout);
});

test('verify names the place of an entry inserted in the middle, even with a valid hash of its own', () => {
  const k = 6;
  const r = verifyTampered((es) => {
    const prev = es.find((e) => e.seq === k - 1).hash;
    const fake = { time: es[k - 1].time, actor: 'test-admin', role: 'admin', method: 'GET', route: '/', path: '/', patient: null, record: null,
      outcome: '200', remote: '127.0.0.1' };
    const shift = es.filter((e) => e.seq >= k).map((e) => e.seq).sort((a, b) => b - a)
      .map((s) => `UPDATE audit SET seq = ${s + 1} WHERE seq = ${s};`).join(' ');
    return `${DROP} ${shift} INSERT INTO audit(seq, time, actor, role, method, route, path, patient, record, outcome, remote, prev, hash) VALUES(` +
      `${k}, '${fake.time}', 'test-admin', 'admin', 'GET', '/', '/', NULL, NULL, '200', '127.0.0.1', '${prev}', '${auditEntryHash(prev, fake)}');`;
  });
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, new RegExp(`audit entry ${k + 1} does not follow entry ${k}`), r.stdout);
});

test('the audit trail keeps being written and stays intact after all of that (tampering touched copies only)', async () => {
  assert.equal((await clin.get(`/patients/${pid}`)).status, 200);
  const r = srv.cli(['audit', 'verify']);
  assert.equal(r.code, 0, r.stdout);
});
