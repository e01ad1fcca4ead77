// Scheduled work from the cairnd master (<jobs><interval-seconds>): with
// no timer and no CLI run, a message queued while cairnd runs is delivered
// and a plugin's job runs, each from a forked runner, and cairnd still
// stops cleanly on SIGTERM.  Needs tests/unit/plugins/jobtest.so (see
// mail.test.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, sleep, REPO } from '../lib/harness.mjs';
import { readSinkDir, spawnSink } from '../lib/smtp-sink.mjs';

const pluginDir = [process.env.CAIRN_TEST_PLUGIN_DIR,
  process.env.CAIRN_BUILD && path.join(process.env.CAIRN_BUILD, 'tests', 'unit', 'plugins', '.libs'),
  path.join(REPO, '_build', 'tests', 'unit', 'plugins', '.libs')]
  .find((d) => d && existsSync(path.join(d, 'jobtest.so')));
if (!pluginDir) throw new Error('jobs-master.test.mjs: jobtest.so not found: run make check, or set CAIRN_TEST_PLUGIN_DIR');

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-master-'));
const sinkDir = path.join(work, 'sink');
// The sink starts before cairnd's config is written: it names its port.
const sink = await spawnSink(sinkDir);
const sinkPort = sink.port;
const ticks = path.join(work, 'ticks');

const srv = useCairn({
  program: false,
  publicUrl: 'https://clinic.example',
  jobsInterval: 1,
  mail: { port: sinkPort, timeout: 5, staleClaim: 60 },
  extraPlugins: [{ path: path.join(pluginDir, 'jobtest.so'), settings: { log: ticks } }],
});

before(async () => {
  await srv.ready;
});
after(() => {
  sink.stop();
  rmSync(work, { recursive: true, force: true });
});

async function until(what, fn, ms = 15000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) if (fn()) return;
  assert.fail(`timed out waiting for ${what}`);
}

test('the master runs a plugin job when it falls due, as job:jobtest:tick', async () => {
  await until('the tick job', () => existsSync(ticks));
  assert.match(readFileSync(ticks, 'utf8'), /^tick by job:jobtest:tick$/m);
  // Every second the master starts a runner, but the job's interval is a
  // minute: it ran once.
  await sleep(2500);
  assert.equal(readFileSync(ticks, 'utf8').trim().split('\n').length, 1);
});

test('a message queued while cairnd runs is delivered by the master, with no CLI run', async () => {
  const q = srv.cli(['outbox', 'test', 'master@example.org']);
  assert.equal(q.code, 0, q.stderr);
  // core:send-mail runs every minute; its first run was at start, so
  // force the timing here by making the row due and the job due: the
  // master's next runner picks it up within a second or two.
  const sql = spawn('sqlite3', [srv.database, "UPDATE job SET next_due = 0 WHERE name = 'core:send-mail'"]);
  await new Promise((r) => sql.on('exit', r));
  await until('the message at the sink', () => readSinkDir(sinkDir).some((m) => m.to.includes('master@example.org')));
  const list = srv.cli(['jobs', 'list']);
  assert.match(list.stdout, /core:send-mail\s+60s\s+\S+ \S+ UTC\s+ok/);
});
