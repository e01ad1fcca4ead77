// The FastCGI socket is cairnd's trust boundary: whoever can open it can
// send any FastCGI record (an oversized parameter length aborts a worker
// inside libfcgi).  So the socket is 0660 and owned by the group named by
// <listen group=>, the web server's; a group that does not exist stops
// cairnd at start-up with a message that names it.  And a worker that keeps
// dying young (such a peer, or a crash loop) never delays the replacement
// of another worker: the master's back-off is per worker slot.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, run, sleep, configXml, locate, FRONT } from '../lib/harness.mjs';

const GROUP = 'nogroup';            // exists on every Debian system
const srv = useCairn({ workers: 2, listenGroup: FRONT === 'apache' ? undefined : GROUP });

before(async () => { await srv.ready; });

test('the socket is 0660 and belongs to the configured group', { skip: FRONT === 'apache' && 'Apache sets its own group' }, () => {
  const st = statSync(srv.socketPath);
  assert.ok(st.isSocket(), 'a unix socket');
  assert.equal(st.mode & 0o777, 0o660, `mode ${(st.mode & 0o777).toString(8)}`);
  const gid = Number(run('getent', ['group', GROUP]).stdout.split(':')[2]);
  assert.equal(st.gid, gid, `group ${GROUP} (${gid})`);
});

test('a listen group that does not exist stops cairnd at start-up, naming it', () => {
  const loc = locate();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-sock-'));
  const cfg = path.join(dir, 'cairn.xml');
  writeFileSync(cfg, configXml({
    listen: `unix:${path.join(dir, 'c.sock')}`, listenGroup: 'no-such-group-x', workers: 1,
    database: path.join(dir, 'c.db'), schemas: loc.schemas, views: loc.views, clinicName: 'T',
    timezone: 'UTC', plugin: loc.plugin, instruments: path.join(loc.data, 'instruments.xml'),
  }));
  const env = { ...srv.env(), CAIRN_CONFIG: cfg };   // schemas of this build
  const r = run(loc.cairn, ['-c', cfg, 'init'], { env });
  assert.equal(r.code, 0, r.stderr);
  const d = run(loc.cairnd, ['-c', cfg], { env, timeoutMs: 15000 });
  assert.notEqual(d.code, 0, 'cairnd does not start');
  assert.match(d.stderr, /no-such-group-x.*no such group|no such group.*no-such-group-x/);
});

async function newPid(except, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const p = srv.workerPids().find((x) => !except.includes(x));
    if (p) return p;
    await sleep(20);
  }
  return null;
}

test('a worker that keeps dying young does not delay the replacement of another worker', async () => {
  await sleep(2200);                 // both workers are past "young" (2 s)
  let [a, b] = srv.workerPids();
  assert.ok(a && b, 'two workers');
  const dead = [];
  // Four young deaths in slot A: its back-off grows 100, 200, 400, 800 ms.
  for (let i = 0; i < 4; i++) {
    process.kill(a, 'SIGKILL');
    dead.push(a);
    a = await newPid([...dead, b], 5000);
    assert.ok(a, `slot A refilled after death ${i + 1}`);
  }
  // A fifth young death (back-off 1.6 s), then B, which is old, dies.
  process.kill(a, 'SIGKILL');
  dead.push(a);
  await sleep(30);
  const t0 = Date.now();
  process.kill(b, 'SIGKILL');
  dead.push(b);
  const first = await newPid(dead, 3000);
  const ms = Date.now() - t0;
  assert.ok(first, 'a worker is back');
  assert.ok(ms < 1000, `B's slot refilled in ${ms} ms, not held behind A's 1.6 s back-off`);
  // Both slots are filled again in the end.
  const second = await newPid([...dead, first], 5000);
  assert.ok(second, 'slot A refilled after its back-off');
});
