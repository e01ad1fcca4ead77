// Views compiled on first use (core/view/view.c): start-up only parses
// the views; a worker compiles a view the first time it renders it.
//
//   - a view that parses but does not compile (an XPath that is not one)
//     does not stop start-up; its page answers 500, the log names the
//     view's file and why, the worker lives on and other pages answer;
//   - `cairnd -t` compiles every view and fails naming that file, and a
//     SIGHUP with it is refused (the reload's check compiles them all);
//   - once the view is mended, `cairnd -t` passes and after SIGHUP the new
//     workers render the new view.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, locate, run, sleep } from '../lib/harness.mjs';

// How long a reload may take: the check child compiles every view.
const RELOAD_MS = 20000;
const GOOD_SELECT = 'select="$d/@name"/>: pricing';
const BAD_SELECT = 'select="count(("/>: pricing';
const MENDED = 'select="$d/@name"/>: pricing, mended';

// The server's views: a copy of the tree's, with /pricing's view broken.
const views = mkdtempSync(path.join(os.tmpdir(), 'cairn-views-'));
cpSync(locate().views, views, { recursive: true });
const pricing = path.join(views, 'program', 'pricing.xsl');
const original = readFileSync(pricing, 'utf8');
assert.ok(original.includes(GOOD_SELECT), 'program/pricing.xsl has the line this test breaks');
writeFileSync(pricing, original.replace(GOOD_SELECT, BAD_SELECT));
process.env.CAIRN_VIEWS = views;

const srv = useCairn({ workers: 1 });

before(async () => { await srv.ready; });
after(() => { rmSync(views, { recursive: true, force: true }); });

const checkConfig = () => run(srv.loc.cairnd, ['-t', ...srv.cairndArgs()], { cwd: srv.dir, env: srv.env() });

async function waitFor(cond, what) {
  const end = Date.now() + RELOAD_MS;
  while (!(await cond())) {
    assert.ok(Date.now() < end, `${what} within ${RELOAD_MS} ms\n${srv.logs().cairnd.slice(-3000)}`);
    await sleep(50);
  }
}

test('a view that does not compile: start-up takes it, its page answers 500 and names the file in the log, the worker lives on', async () => {
  const workers = srv.workerPids();
  assert.equal(workers.length, 1);
  for (let i = 0; i < 2; i++) {
    const r = await srv.get('/pricing');
    assert.equal(r.status, 500);
    assert.match(r.body, /Something went wrong on our side/);
  }
  const log = srv.logs().cairnd;
  assert.match(log, /GET \/pricing: view \S*program\/pricing\.xsl does not compile: .*count\(\(/);
  assert.equal((await srv.get('/request-a-call')).status, 200);
  assert.equal((await srv.get('/sign-in')).status, 200);
  assert.deepEqual(srv.workerPids(), workers, 'the same worker serves');
  assert.ok(srv.masterAlive());
});

test('cairnd -t compiles every view and names the one that does not compile; SIGHUP with it is refused', async () => {
  const t = checkConfig();
  assert.equal(t.code, 1, t.stdout + t.stderr);
  assert.match(t.stderr, /cairnd: view \S*program\/pricing\.xsl does not compile/);
  const workers = srv.workerPids();
  process.kill(srv.cairnd.pid, 'SIGHUP');
  await waitFor(() => /reload refused: .*pricing\.xsl does not compile/.test(srv.logs().cairnd),
                'the log says the reload was refused for program/pricing.xsl');
  await sleep(300);
  assert.deepEqual(srv.workerPids(), workers, 'the same worker serves');
  assert.equal((await srv.get('/pricing')).status, 500);
});

test('the view mended: cairnd -t passes, and after SIGHUP the new workers render the new view', async () => {
  writeFileSync(pricing, original.replace(GOOD_SELECT, MENDED));
  const t = checkConfig();
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /is fine/);
  const workers = srv.workerPids();
  process.kill(srv.cairnd.pid, 'SIGHUP');
  await waitFor(async () => {
    const now = srv.workerPids();
    return now.length === 1 && !workers.includes(now[0]);
  }, 'a new worker');
  await waitFor(async () => (await srv.get('/pricing')).status === 200, '/pricing answers 200');
  const r = await srv.get('/pricing');
  assert.match(r.body, /: pricing, mended/);
});
