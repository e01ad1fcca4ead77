// Messages: a plugin queues an email through the host table, `cairn jobs
// run` delivers it to a real SMTP server on loopback (tests/lib/smtp-sink.mjs,
// run as its own process), and the message that arrives is read back:
// headers, the full link on the public URL, nothing clinical.  Then the
// failures: a refused address queues nothing, an unreachable relay leaves
// the message queued with its error on /admin/outbox (and the retry
// button puts it back in line), a sender killed mid-delivery does not send
// twice, and two job runners started at once run a job once.
//
// Needs the test plugin tests/unit/plugins/jobtest.so (built by `make
// check`): CAIRN_TEST_PLUGIN_DIR, or the build tree's tests/unit/plugins/.libs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, sleep, REPO } from '../lib/harness.mjs';
import { readSinkDir, spawnSink } from '../lib/smtp-sink.mjs';
import { checkHtml } from '../lib/xml.mjs';
import { spawnSync } from 'node:child_process';

// One value from the database, read with the sqlite3 CLI (read-only).
function sqlOne(db, sql) {
  const r = spawnSync('sqlite3', ['-readonly', db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

const pluginDir = [process.env.CAIRN_TEST_PLUGIN_DIR,
  process.env.CAIRN_BUILD && path.join(process.env.CAIRN_BUILD, 'tests', 'unit', 'plugins', '.libs'),
  path.join(REPO, '_build', 'tests', 'unit', 'plugins', '.libs')]
  .find((d) => d && existsSync(path.join(d, 'jobtest.so')));
if (!pluginDir) throw new Error('mail.test.mjs: jobtest.so not found: run make check, or set CAIRN_TEST_PLUGIN_DIR');

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-mail-'));
const sinkDir = path.join(work, 'sink');
// The sink starts before cairnd's config is written: it names its port.
const sink = await spawnSink(sinkDir);
const sinkPort = sink.port;
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';

const srv = useCairn({
  program: false,
  publicUrl: PUBLIC,
  clinicName: 'Riverside Pain Clinic',
  // timeout 2 s: a hung relay is given up on quickly; stale-claim 4 s: a
  // killed sender's message is sent again after 4 s, not 15 minutes.
  mail: { port: sinkPort, user: 'desk', passwordFile, timeout: 2, staleClaim: 4,
          from: 'desk@clinic.example' },
  extraPlugins: [{ path: path.join(pluginDir, 'jobtest.so'),
                   settings: { 'sleep-ms': '1500', log: path.join(work, 'ticks') } }],
});

before(async () => {
  await srv.ready;
});
after(() => {
  sink.stop();
  rmSync(work, { recursive: true, force: true });
});

const setMode = (m) => writeFileSync(path.join(sinkDir, 'mode'), m);

// Outbox rows from `cairn outbox list`: { id, status, attempts, to, messageId, subject, error }.
function outbox() {
  const r = srv.cli(['outbox', 'list']);
  assert.equal(r.code, 0, r.stderr);
  const rows = [];
  for (const line of r.stdout.split('\n')) {
    const f = line.split('\t');
    if (/^\d+$/.test(f[0])) {
      rows.push({ id: Number(f[0]), status: f[1], attempts: Number(f[2]), to: f[4], messageId: f[5], subject: f[6] });
    } else if (f[1]?.startsWith('last error: ')) {
      rows.at(-1).error = f[1].slice('last error: '.length);
    }
  }
  return rows;
}

async function queueByPlugin(to, name) {
  const web = await srv.as('admin');
  return web.postForm('/test/jobtest/mail', { to, name }, { headers: { Accept: 'application/xml' } });
}

test('a message queued by a plugin arrives with its headers, the full link and nothing clinical', async () => {
  setMode('ok');
  const r = await queueByPlugin('zoe@example.org', 'Zoë Pat');
  assert.equal(r.status, 200, r.body);
  const row = outbox().find((m) => m.to === 'zoe@example.org');
  assert.equal(row.status, 'queued');
  assert.match(row.messageId, /^<[A-Za-z0-9_-]{43}@clinic\.example>$/);

  const run = srv.cli(['jobs', 'run', '--force', 'core:send-mail']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /job core:send-mail ran: 1 done/);
  assert.equal(outbox().find((m) => m.id === row.id).status, 'sent');

  const got = readSinkDir(sinkDir).filter((m) => m.headers['message-id'] === row.messageId);
  assert.equal(got.length, 1);
  const m = got[0];
  assert.equal(m.from, 'desk@clinic.example');                 // the envelope
  assert.deepEqual(m.to, ['zoe@example.org']);
  assert.equal(m.user, 'desk');                                 // AUTH from the config
  assert.equal(m.headers.from, '"Riverside Pain Clinic" <desk@clinic.example>');
  assert.match(m.headers.to, /<zoe@example\.org>$/);
  assert.equal(m.headers.subject, 'Test message from Riverside Pain Clinic');
  assert.doesNotMatch(m.headers.subject, /Zo/);                 // no patient in a subject
  assert.match(m.headers.date, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  assert.match(m.text, new RegExp(`${PUBLIC}/c/jobtest-link`));  // the full link
  assert.match(m.html, new RegExp(`href="${PUBLIC}/c/jobtest-link"`));
  assert.match(m.text, /Riverside Pain Clinic/);                // in the clinic's name
  assert.doesNotMatch(m.raw, /not-a-real-password/);
  for (const word of [/pain score/i, /diagnos/i, /red flag/i, /NRS|PEG|ODI/]) assert.doesNotMatch(m.text, word);
  console.log(`--- the message as it arrived ---\n${m.raw}--- end ---`);
});

test('the core\'s link message greets by first name only and keeps the patient out of the subject', async () => {
  setMode('ok');
  const web = await srv.as('admin');
  const r = await web.postForm('/test/jobtest/mail', { to: 'ann@example.org', name: 'Ann Example', 'first-name': 'Ann' },
                               { headers: { Accept: 'application/xml' } });
  assert.equal(r.status, 200, r.body);
  assert.match(srv.cli(['jobs', 'run', '--force', 'core:send-mail']).stdout, /ran: 1 done/);
  const m = readSinkDir(sinkDir).find((x) => x.to.includes('ann@example.org'));
  assert.equal(m.headers.subject, 'Your personal link from Riverside Pain Clinic');
  assert.doesNotMatch(m.headers.subject, /Ann/);
  assert.match(m.text, /^Hello Ann,\r\n\r\nHere is your personal link to fill in your questionnaire before your first visit:\r\n\r\nhttps:\/\/clinic\.example\/riverside\/c\/jobtest-link\r\n/);
  assert.match(m.text, /It works until 2026-12-10\./);
  assert.doesNotMatch(m.text, /Example/);              // the surname stays in the To: header only
  assert.match(m.html, /<p>Hello Ann,<\/p>/);
  console.log(`--- the link message as it arrived ---\n${m.raw}--- end ---`);
});

test('an invalid address is refused with the field named, and nothing is queued', async () => {
  const before = outbox().length;
  for (const [to, name, field] of [['not-an-address', 'A', 'to'], ['a@b.org\r\nBcc: x@y.org', 'A', 'to'],
                                   ['a@b.org', 'Eve\nBcc: x@y.org', 'to_name'], ['a@b.org', 'Eve\rX', 'to_name']]) {
    const r = await queueByPlugin(to, name);
    assert.equal(r.status, 422, `${JSON.stringify(to)} ${JSON.stringify(name)}: ${r.body}`);
    assert.match(r.body, new RegExp(`<field>${field}</field>`));
  }
  const cli = srv.cli(['outbox', 'test', 'a@b.org\nBcc: x@y.org']);
  assert.equal(cli.code, 2);
  assert.match(cli.stderr, /to: An email address cannot contain a line break/);
  const cli2 = srv.cli(['outbox', 'test', 'a@b.org', 'Eve\r\nBcc: x@y.org']);
  assert.equal(cli2.code, 2);
  assert.match(cli2.stderr, /to_name: A name cannot contain a line break/);
  assert.equal(outbox().length, before);
});

test('a message queued in a transaction that fails is not queued', async () => {
  const before = outbox().length;
  const web = await srv.as('admin');
  const r = await web.postForm('/test/jobtest/mail', { to: 'rolled@example.org', name: 'R', rollback: 'yes' },
                               { headers: { Accept: 'application/xml' } });
  assert.equal(r.status, 422, r.body);
  assert.match(r.body, /the step after queueing failed/);
  assert.equal(outbox().length, before);
});

test('a link issued and emailed in one transaction: both commit, with the audit entry, or neither does', async () => {
  setMode('ok');
  const web = await srv.as('admin');
  const links = () => Number(sqlOne(srv.database, 'SELECT count(*) FROM capability'));
  const issued = () => Number(sqlOne(srv.database, "SELECT count(*) FROM audit WHERE outcome LIKE 'link % issued (jobtest:1)'"));
  const [l0, a0, m0] = [links(), issued(), outbox().length];
  const bad = await web.postForm('/test/jobtest/mail', { to: 'x@example.org', issue: 'yes', 'first-name': 'X', rollback: 'yes' },
                                 { headers: { Accept: 'application/xml' } });
  assert.equal(bad.status, 422, bad.body);
  assert.deepEqual([links(), issued(), outbox().length], [l0, a0, m0], 'nothing of a rolled-back change is left');
  const ok = await web.postForm('/test/jobtest/mail', { to: 'linked@example.org', issue: 'yes', 'first-name': 'Lin' },
                                { headers: { Accept: 'application/xml' } });
  assert.equal(ok.status, 200, ok.body);
  assert.deepEqual([links(), issued(), outbox().length], [l0 + 1, a0 + 1, m0 + 1]);
  assert.match(srv.cli(['jobs', 'run', '--force', 'core:send-mail']).stdout, /ran: 1 done/);
  const m = readSinkDir(sinkDir).find((x) => x.to.includes('linked@example.org'));
  const link = /https:\/\/clinic\.example\/riverside\/c\/[A-Za-z0-9_-]{43}/.exec(m.text)?.[0];
  assert.ok(link, m.text);
  // The emailed link opens: the path after the public base is a live /c/ link.
  const open = await srv.client().get(link.slice(PUBLIC.length));
  assert.equal(open.status, 303);
  assert.equal(open.headers.location, '/test/jobtest/mail');
});

test('with STARTTLS on, a relay that does not offer it gets nothing, not plain text', async () => {
  setMode('ok');
  const tlsConfig = path.join(work, 'starttls.xml');
  writeFileSync(tlsConfig, readFileSync(srv.configPath, 'utf8').replace('<starttls>off</starttls>', '<starttls>on</starttls>'));
  assert.equal(srv.cli(['outbox', 'test', 'tls@example.org']).code, 0);
  const r = spawnSync(srv.loc.cairn, ['-c', tlsConfig, 'outbox', 'send'], { encoding: 'utf8', env: { ...process.env, ...srv.env() } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sent 0/);
  const row = outbox().find((m) => m.to === 'tls@example.org');
  assert.equal(row.status, 'queued');
  assert.match(row.error, /TLS|SSL/i);
  assert.equal(readSinkDir(sinkDir).filter((m) => m.to.includes('tls@example.org')).length, 0);
  // With STARTTLS off (this loopback sink), the same message goes.
  assert.equal(srv.cli(['outbox', 'retry', String(row.id)]).code, 0);
  assert.match(srv.cli(['outbox', 'send']).stdout, /sent 1/);
});

test('an unreachable relay leaves the message queued with its error on /admin/outbox, and retry sends it', async () => {
  setMode('refuse');
  const q = srv.cli(['outbox', 'test', 'refused@example.org']);
  assert.equal(q.code, 0, q.stderr);
  const send = srv.cli(['outbox', 'send']);
  assert.equal(send.code, 0, send.stderr);
  const row = outbox().find((m) => m.to === 'refused@example.org');
  assert.equal(row.status, 'queued');
  assert.equal(row.attempts, 1);
  assert.match(row.error, /cannot deliver through 127\.0\.0\.1:\d+/);

  const web = await srv.as('admin');
  const page = await web.get('/admin/outbox');
  assert.equal(page.status, 200);
  assert.match(page.body, /cannot deliver through 127\.0\.0\.1/);
  assert.match(page.body, new RegExp(`action="/admin/outbox/${row.id}/retry"`));
  // Not due for a minute; the retry button puts it back in line now.
  setMode('ok');
  assert.match(srv.cli(['outbox', 'send']).stdout, /sent 0/);
  const noToken = await web.postForm(`/admin/outbox/${row.id}/retry`, {}, { csrf: false });
  assert.equal(noToken.status, 403);
  const retry = await web.postForm(`/admin/outbox/${row.id}/retry`, {});
  assert.equal(retry.status, 303);
  assert.equal(retry.headers.location, '/admin/outbox');
  assert.match(srv.cli(['outbox', 'send']).stdout, /sent 1/);
  assert.equal(outbox().find((m) => m.id === row.id).status, 'sent');
  // Staff cannot retry what was sent; only admins see the page.
  assert.equal((await web.postForm(`/admin/outbox/${row.id}/retry`, {})).status, 409);
  assert.equal((await (await srv.as('clinician')).get('/admin/outbox')).status, 403);
});

test('a sender killed mid-delivery does not send twice; after the stale-claim time it resends with the same Message-ID', async () => {
  setMode('hang');
  assert.equal(srv.cli(['outbox', 'test', 'hang@example.org']).code, 0);
  const row = outbox().find((m) => m.to === 'hang@example.org');
  const copies = () => readSinkDir(sinkDir).filter((m) => m.headers['message-id'] === row.messageId).length;
  const sender = spawn(srv.loc.cairn, ['-c', srv.configPath, 'outbox', 'send'], { env: { ...process.env, ...srv.env() } });
  for (let i = 0; i < 100 && copies() === 0; i++) await sleep(50);
  assert.equal(copies(), 1, 'the relay received the message');
  sender.kill('SIGKILL');
  await new Promise((r) => sender.on('exit', r));
  assert.equal(outbox().find((m) => m.id === row.id).status, 'sending');

  setMode('ok');
  const again = srv.cli(['outbox', 'send']);
  assert.match(again.stdout, /sent 0/);
  assert.equal(copies(), 1, 'no duplicate while the claim is fresh');
  // Claims are whole seconds: "older than 4 s" holds from the 5th second.
  await sleep(5200);
  assert.match(srv.cli(['outbox', 'send']).stdout, /sent 1/);
  assert.equal(copies(), 2, 'sent again once the claim went stale');
  assert.equal(outbox().find((m) => m.id === row.id).status, 'sent');
});

test('a relay that takes the message but never confirms leaves it claimed, not queued', async () => {
  setMode('hang');
  assert.equal(srv.cli(['outbox', 'test', 'silent@example.org']).code, 0);
  const send = srv.cli(['outbox', 'send']);         // gives up after the 2 s timeout
  assert.equal(send.code, 0, send.stderr);
  const row = outbox().find((m) => m.to === 'silent@example.org');
  assert.equal(row.status, 'sending');
  assert.match(row.error, /did not confirm.*may have been delivered/);
  setMode('ok');
  assert.match(srv.cli(['outbox', 'send']).stdout, /sent 0/);
});

test('two `cairn jobs run` at once: one runs the job, the other says it is running elsewhere', async () => {
  const start = () => new Promise((resolve) => {
    const p = spawn(srv.loc.cairn, ['-c', srv.configPath, 'jobs', 'run', '--force', 'jobtest:tick'],
                    { env: { ...process.env, ...srv.env() } });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('exit', (code) => resolve({ code, out }));
  });
  const a = start();
  await sleep(400);              // the first holds the lease (its job sleeps 1.5 s)
  const b = start();
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(ra.code, 0);
  assert.equal(rb.code, 0);
  const outs = [ra.out, rb.out];
  assert.equal(outs.filter((o) => /job jobtest:tick ran: 1 done/.test(o)).length, 1, outs.join('|'));
  assert.equal(outs.filter((o) => /job jobtest:tick is running elsewhere/.test(o)).length, 1, outs.join('|'));
  assert.equal(readFileSync(path.join(work, 'ticks'), 'utf8').trim().split('\n').length, 1);
});

test('/admin/jobs shows each job with its last run, outcome and next run', async () => {
  const web = await srv.as('admin');
  const r = await web.get('/admin/jobs');
  assert.equal(r.status, 200);
  for (const name of ['core:send-mail', 'core:expire-links', 'jobtest:tick']) assert.match(r.body, new RegExp(name));
  assert.match(r.body, /done: 1/);
  const list = srv.cli(['jobs', 'list']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /jobtest:tick\s+60s\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\s+ok/);
});

test('/admin/outbox and /admin/jobs are well-formed pages that escape what they show', async () => {
  assert.equal(srv.cli(['outbox', 'test', 'tom@example.org', "Tom & Jerry's <clinic>"]).code, 2);
  assert.equal(srv.cli(['outbox', 'test', 'tom@example.org', "Tom & Jerry's"]).code, 0);
  const web = await srv.as('admin');
  for (const page of ['/admin/outbox', '/admin/jobs']) {
    const r = await web.get(page);
    assert.equal(r.status, 200);
    assert.deepEqual(checkHtml(r.body).errors, [], page);
  }
  const r = await web.get('/admin/outbox');
  assert.match(r.body, /Tom &amp; Jerry/);
  assert.match(r.body, /href="\/admin\/outbox" aria-current="page"|aria-current="page"[^>]*href="\/admin\/outbox"/);
});
