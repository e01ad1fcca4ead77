// Backups a clinic can trust (cairn backup, cairn restore, cairn audit
// verify --anchor; core/cli/backup.c, core/store/backup.c):
//
//   - a backup taken while clients post observations through nginx,
//     restored into a fresh directory, holds every write acknowledged
//     before the backup began and passes `cairn audit verify --anchor`;
//   - a truncated backup and one with a single byte changed are refused by
//     restore, with a message naming what is wrong, and nothing is replaced;
//   - dropping the newest audit entries after a backup passes the plain
//     chain check (the chain is still linear) but not the anchor check;
//   - a restore while cairnd runs is refused, unless --force copies the
//     backup into the open database, which cairnd then serves;
//   - the job core:backup, configured by <backup dir keep>, takes one
//     checked, anchored backup a day and keeps the newest N.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync,
         statSync, truncateSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, patientId, configXml, run, sleep, TRIAL_CSV } from '../lib/harness.mjs';
import { itemFieldNames } from '../lib/views.mjs';
import { readCsv } from '../lib/outcomes-from-csv.mjs';
import { sqlJson, sqlExec } from '../lib/access.mjs';

const WRITERS = 6;
// Writes acknowledged before the backup begins, at least.
const WARMUP_WRITES = 60;
// Writing goes on this long after the backup has finished.
const AFTER_MS = 300;
const TIMEPOINT = 'backup-load';

const srv = useCairn({ importTrial: true, workers: 4 });
const { rows } = readCsv(TRIAL_CSV);
let scratch;             // this file's own directory: backups, fresh clinics
let backup;              // the backup taken under load
let fresh;               // the clinic restored from it

before(async () => {
  await srv.ready;
  scratch = mkdtempSync(path.join(os.tmpdir(), 'cairn-backup-'));
});

// A config for a new clinic directory with the test server's plugins.
function freshClinic(name) {
  const dir = path.join(scratch, name);
  run('mkdir', ['-p', dir]);
  const cfg = path.join(dir, 'cairn.xml');
  const loc = srv.loc;
  writeFileSync(cfg, configXml({
    listen: `unix:${path.join(dir, 'cairnd.sock')}`, workers: 1,
    database: path.join(dir, 'clinic.db'), schemas: loc.schemas, views: loc.views,
    clinicName: 'Restored clinic', timezone: 'UTC', plugin: loc.plugin,
    instruments: path.join(loc.data, 'instruments.xml'),
    intake: loc.intakePlugin ? { plugin: loc.intakePlugin, content: path.join(loc.data, 'intake-content.xml') } : null,
  }));
  const cli = (args) => run(loc.cairn, ['-c', cfg, ...args], { env: { CAIRN_SCHEMAS: loc.schemas } });
  return { dir, cfg, database: path.join(dir, 'clinic.db'), cli };
}

// `cairn backup` without blocking the event loop (the writers go on).
function backupAsync(args) {
  return new Promise((resolve) => {
    const c = spawn(srv.loc.cairn, ['-c', srv.configPath, 'backup', ...args],
                    { env: { ...process.env, ...srv.env() } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => { stdout += d; });
    c.stderr.on('data', (d) => { stderr += d; });
    c.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('a backup under write load, restored into a fresh directory, holds every write acknowledged before it began', { timeout: 120000 }, async () => {
  const web = await srv.as('clinician');
  const pids = [];
  for (let i = 0; i < WRITERS; i++) pids.push(await patientId(web, rows[20 + i].id));
  const f = await itemFieldNames(web, pids[0], 'peg', ['pain', 'enjoyment', 'activity']);
  const dateOf = (k) => new Date(Date.UTC(2012, 0, 1) + k * 86400000).toISOString().slice(0, 10);

  let stop = false;
  let backupStarted = false;
  const before = [];           // acknowledged before the backup began
  const during = [];           // acknowledged after it began
  const statuses = new Map();
  const writer = async (c) => {
    for (let k = 0; !stop; k++) {
      const r = await web.postForm(`/patients/${pids[c]}/observations`, [
        ['instrument', 'peg'], ['effective', dateOf(k)], ['timepoint', TIMEPOINT],
        [f.pain, String(k % 11)], [f.enjoyment, String((k + c) % 11)], [f.activity, '4'],
      ]);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      // Read the flag when the answer is in hand: a write acknowledged
      // before the backup process was started must be in the backup.
      if (r.status === 303) (backupStarted ? during : before).push({ pid: pids[c], date: dateOf(k) });
    }
  };
  const traffic = Promise.all(Array.from({ length: WRITERS }, (_, c) => writer(c)));
  while (before.length < WARMUP_WRITES) await sleep(20);

  backup = path.join(scratch, 'under-load.db');
  backupStarted = true;
  const t0 = Date.now();
  const b = await backupAsync([backup]);
  const ms = Date.now() - t0;
  await sleep(AFTER_MS);
  stop = true;
  await traffic;
  console.log(`cairn backup under load: ${ms} ms; ${before.length} writes acknowledged before it, ` +
              `${during.length} during and after; statuses ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}\n${b.stdout}`);
  assert.equal(b.code, 0, `cairn backup: ${b.stderr}`);
  assert.deepEqual([...statuses.keys()], [303], 'every write was acknowledged');
  assert.match(b.stdout, /checked: integrity ok, audit trail intact \(\d+ entries\)/);
  assert.match(b.stderr, /backup: 100% \(\d+ of \d+ pages\)/, 'progress on stderr');
  assert.ok(existsSync(`${backup}.anchor`), 'the anchor is written beside the backup');
  const anchor = readFileSync(`${backup}.anchor`, 'utf8');
  assert.match(anchor, /^cairn-backup-anchor 1\n/);
  assert.equal(/\nsha256 ([0-9a-f]{64})\n/.exec(anchor)[1], sha256(backup), 'the anchor carries the SHA-256 of the backup');
  assert.equal(Number(/\nsize (\d+)\n/.exec(anchor)[1]), statSync(backup).size, 'and its size');
  assert.ok(Number(/\naudit-seq (\d+)\n/.exec(anchor)[1]) > 0, 'and the audit head');
  assert.deepEqual(readdirSync(scratch).filter((n) => n.includes('.tmp')), [], 'no temporary file left');

  fresh = freshClinic('fresh');
  const r = fresh.cli(['restore', backup]);
  assert.equal(r.code, 0, `cairn restore: ${r.stderr}`);
  assert.match(r.stdout, /restored .* integrity ok, audit trail intact/);

  const stored = sqlJson(fresh.database, `SELECT patient, effective FROM p_program_observation WHERE timepoint = '${TIMEPOINT}'`);
  const have = new Set(stored.map((x) => `${x.patient} ${x.effective}`));
  const missing = before.filter((a) => !have.has(`${a.pid} ${a.date}`));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of ${before.length} writes acknowledged before the backup are missing`);
  assert.ok(stored.length <= before.length + during.length, 'nothing in the backup that was not written');

  const v = fresh.cli(['audit', 'verify', '--anchor', `${backup}.anchor`]);
  assert.equal(v.code, 0, `audit verify --anchor: ${v.stdout}${v.stderr}`);
  assert.match(v.stdout, /audit trail intact: \d+ entries, and holds the anchored entry \d+/);
  // The restored clinic opens as a whole clinic.
  const s = fresh.cli(['stats']);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /program:Observation\s+\d+/);
});

for (const [what, spoil, message] of [
  ['a truncated backup', (f) => truncateSync(f, statSync(f).size - 4096), /truncated/],
  ['a backup with one byte changed', (f) => {
    const fd = openSync(f, 'r+');
    const at = Math.floor(statSync(f).size / 2);
    const b = readFileSync(f).subarray(at, at + 1);
    writeSync(fd, Buffer.from([b[0] ^ 0x01]), 0, 1, at);
    closeSync(fd);
  }, /altered/],
]) {
  test(`${what} is refused by restore and nothing is replaced`, async () => {
    assert.ok(fresh, 'the restore under load ran');
    const bad = path.join(scratch, `spoilt-${what.length}.db`);
    copyFileSync(backup, bad);
    copyFileSync(`${backup}.anchor`, `${bad}.anchor`);
    spoil(bad);
    const beforeSha = sha256(fresh.database);
    const listing = readdirSync(fresh.dir).sort();
    const r = fresh.cli(['restore', bad]);
    assert.equal(r.code, 1, `restore of ${what} must fail: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /refused/);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /nothing was replaced/);
    assert.equal(sha256(fresh.database), beforeSha, 'the database is untouched');
    assert.deepEqual(readdirSync(fresh.dir).sort(), listing, 'no file added or removed beside it');
  });
}

test('a restore while cairnd holds the database is refused and says how to stop cairnd', () => {
  // The test server's own database is open in its workers.
  const r = srv.cli(['restore', backup]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /is open in process \d+/);
  assert.match(r.stderr, /systemctl stop cairnd/);
  assert.match(r.stderr, /--force/);
});

test('dropping the newest audit entries after a backup is found by verify --anchor', () => {
  assert.ok(fresh, 'the restore under load ran');
  // An intruder with the file: the chain's newest entries go, triggers
  // and all.  What is left is still a well-formed chain.
  const max = sqlJson(fresh.database, 'SELECT max(seq) AS m FROM audit')[0].m;
  sqlExec(fresh.database, `DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > ${max - 3};`);
  const plain = fresh.cli(['audit', 'verify']);
  assert.equal(plain.code, 0, 'without the anchor the shortened chain looks whole');
  const v = fresh.cli(['audit', 'verify', '--anchor', `${backup}.anchor`]);
  assert.equal(v.code, 1, v.stdout);
  assert.match(v.stdout, new RegExp(`audit trail BROKEN: the audit trail ends at entry ${max - 3} but the anchor holds entry ${max}: the newest 3 entries were dropped`));
});

test('backup --dir --keep names backups by date and keeps the newest N', { timeout: 60000 }, async () => {
  const dir = path.join(scratch, 'daily');
  run('mkdir', ['-p', dir]);
  for (let i = 0; i < 3; i++) {
    const r = await backupAsync(['--dir', dir, '--keep', '2']);
    assert.equal(r.code, 0, r.stderr);
    await sleep(1100);   // one name per second
  }
  const names = readdirSync(dir).sort();
  assert.equal(names.length, 4, names.join(' '));
  for (const n of names) assert.match(n, /^cairn-\d{4}-\d\d-\d\dT\d{6}Z\.db(\.anchor)?$/);
});

test('the job core:backup takes one checked backup a day from <backup dir keep> and prunes beyond keep', { timeout: 60000 }, async () => {
  const c = freshClinic('job');
  copyFileSync(backup, c.database);
  writeFileSync(c.cfg, readFileSync(c.cfg, 'utf8').replace('  <plugins>', '  <backup dir="nightly" keep="2"/>\n  <plugins>'));
  const dir = path.join(c.dir, 'nightly');
  run('mkdir', ['-p', dir]);
  const old = ['cairn-2026-01-01T010000Z.db', 'cairn-2026-01-02T010000Z.db'];
  for (const n of old) { writeFileSync(path.join(dir, n), 'old'); writeFileSync(path.join(dir, `${n}.anchor`), 'old'); }
  writeFileSync(path.join(dir, 'keep-me.txt'), 'not a dated backup');
  const r = c.cli(['jobs', 'run', '--force', 'core:backup']);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /job core:backup ran: 1 done/);
  const names = readdirSync(dir).sort();
  const mine = names.filter((n) => /^cairn-\d{4}-\d\d-\d\dT\d{6}Z\.db$/.test(n) && !old.includes(n));
  assert.equal(mine.length, 1, names.join(' '));
  assert.deepEqual(names, [old[1], `${old[1]}.anchor`, mine[0], `${mine[0]}.anchor`, 'keep-me.txt'].sort());
  // checked and anchored: the anchor's hash is the file's, and the clinic's
  // chain holds the anchored head
  const anchor = readFileSync(path.join(dir, `${mine[0]}.anchor`), 'utf8');
  const sha = createHash('sha256').update(readFileSync(path.join(dir, mine[0]))).digest('hex');
  assert.match(anchor, new RegExp(`^sha256 ${sha}$`, 'm'));
  const v = c.cli(['audit', 'verify', '--anchor', path.join(dir, `${mine[0]}.anchor`)]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  // the same day again: nothing taken, nothing removed
  const again = c.cli(['jobs', 'run', '--force', 'core:backup']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /job core:backup ran: 0 done/);
  assert.deepEqual(readdirSync(dir).sort(), names);
});

test('restore --force copies a backup into the database cairnd is serving, and cairnd serves it', async () => {
  const web = await srv.as('clinician');
  const count = (db) => sqlJson(db, `SELECT count(*) AS n FROM p_program_observation WHERE timepoint = '${TIMEPOINT}'`)[0].n;
  const inBackup = count(backup);
  assert.ok(count(srv.database) > inBackup, 'the live database has writes made after the backup');
  const r = srv.cli(['restore', '--force', backup]);
  assert.equal(r.code, 0, `restore --force: ${r.stderr}`);
  assert.match(r.stdout, /restored .* into the open database/);
  assert.equal(count(srv.database), inBackup, 'the live database is the backup now');
  const pid = sqlJson(srv.database, 'SELECT patient FROM p_program_observation LIMIT 1')[0].patient;
  assert.equal((await web.get(`/patients/${pid}`)).status, 200, 'cairnd serves the restored database');
  const v = srv.cli(['audit', 'verify', '--anchor', `${backup}.anchor`]);
  assert.equal(v.code, 0, `the chain goes on from the restored head: ${v.stdout}`);
});

test('clean up', () => { if (!process.env.CAIRN_KEEP_TMP) rmSync(scratch, { recursive: true, force: true }); });
