// Running as a system service (systemd/, man/, core/lib/log.c,
// core/server/sdlisten.c):
//
//   - each installed man page renders without a warning from man and groff;
//   - the installed systemd units pass `systemd-analyze verify` (with the
//     installed man pages on MANPATH, so their Documentation= is checked
//     too), and a unit with a mistake does not; the sysusers.d file makes
//     the user cairn (systemd-sysusers into a scratch root);
//   - cairnd takes a socket-activated socket (listen systemd, through
//     systemd-socket-activate) and serves on it, and without one says why;
//   - log lines carry syslog priorities when stderr is the journal
//     (JOURNAL_STREAM names it) and read as before otherwise.
//
// A tool that is missing (man, systemd-analyze, systemd-socket-activate)
// skips its test with the Debian package to install.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync,
         writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { locate, configXml, run, sleep, REPO } from '../lib/harness.mjs';
import { request, cgiParams } from '../lib/fcgi.mjs';

const loc = locate();
const MAN_PAGES = ['man1/cairn.1', 'man5/cairn.xml.5', 'man7/cairn-plugin.7', 'man8/cairnd.8'];
const UNITS = ['cairnd.socket', 'cairnd.service', 'cairn-jobs.service', 'cairn-jobs.timer'];

const has = (prog) => run('sh', ['-c', `command -v ${prog}`]).code === 0;
// Installed man pages under a prefix, else the source tree's man/.
const manDir = loc.kind === 'prefix' ? path.join(loc.root, 'share', 'man') : null;
const manFile = (p) => (manDir ? path.join(manDir, p) : path.join(REPO, 'man', path.basename(p)));
const unitDir = loc.kind === 'prefix' ? path.join(loc.root, 'lib', 'systemd', 'system') : null;

const scratch = () => mkdtempSync(path.join(os.tmpdir(), 'cairn-service-'));

test('every man page renders without warnings', { skip: !has('man') && 'man is not installed (apt-get install man-db groff-base)' }, () => {
  for (const p of MAN_PAGES) {
    const file = manFile(p);
    assert.ok(existsSync(file), `${file} is installed`);
    const r = run('sh', ['-c', 'man --warnings -E UTF-8 -l "$1" 2>&1 >/dev/null', 'sh', file],
                  { env: { LC_ALL: 'C.UTF-8', MANROFFSEQ: '', MANWIDTH: '80' } });
    assert.equal(r.stdout + r.stderr, '', `man --warnings ${p}`);
    const text = run('man', ['-l', file], { env: { LC_ALL: 'C.UTF-8', MANWIDTH: '80' } }).stdout;
    assert.match(text, /NAME/, `${p} renders`);
  }
  // The check can fail: a page with a roff mistake warns.
  const dir = scratch();
  const bad = path.join(dir, 'bad.1');
  writeFileSync(bad, '.TH BAD 1\n.SH NAME\nbad \\- a page\n.XY unknown macro\n');
  const r = run('sh', ['-c', 'man --warnings -E UTF-8 -l "$1" 2>&1 >/dev/null', 'sh', bad],
                { env: { LC_ALL: 'C.UTF-8', MANROFFSEQ: '', MANWIDTH: '80' } });
  assert.notEqual(r.stdout + r.stderr, '', 'an unknown macro is warned about');
  rmSync(dir, { recursive: true, force: true });
});

const noVerify = !has('systemd-analyze') ? 'systemd-analyze is not installed (apt-get install systemd)'
  : !unitDir || !existsSync(path.join(unitDir ?? '', 'cairnd.service'))
    ? `no installed units under ${unitDir ?? 'a build directory'} (run with CAIRN_PREFIX= after make install)` : false;

test('the installed systemd units pass systemd-analyze verify', { skip: noVerify }, () => {
  const env = { MANPATH: manDir, SYSTEMD_LOG_COLOR: '0' };
  const r = run('systemd-analyze', ['verify', ...UNITS.map((u) => path.join(unitDir, u))], { env, cwd: unitDir });
  assert.equal(r.code, 0, `systemd-analyze verify: ${r.stdout}${r.stderr}`);
  assert.equal(r.stderr.trim(), '', 'no complaint');
  const service = readFileSync(path.join(unitDir, 'cairnd.service'), 'utf8');
  for (const line of ['User=cairn', 'ProtectSystem=strict', 'PrivateTmp=yes', 'NoNewPrivileges=yes', 'ProtectHome=yes',
                      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6', 'ReadWritePaths=/var/lib/cairn',
                      'ExecReload=/bin/kill -HUP $MAINPID']) {
    assert.ok(service.split('\n').includes(line), `cairnd.service has ${line}`);
  }
  assert.match(service, new RegExp(`^ExecStart=${loc.cairnd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -c `, 'm'),
               'ExecStart names the installed cairnd');
  // The user the services run as is created by systemd-sysusers.
  const sysusers = path.join(loc.root, 'lib', 'sysusers.d', 'cairn.conf');
  assert.match(readFileSync(sysusers, 'utf8'), /^u cairn - "Cairn practice server" \/var\/lib\/cairn$/m, `${sysusers}`);
  if (has('systemd-sysusers')) {
    const root = scratch();
    run('mkdir', ['-p', path.join(root, 'etc')]);
    const su = run('systemd-sysusers', [`--root=${root}`, sysusers]);
    assert.equal(su.code, 0, su.stderr);
    assert.match(readFileSync(path.join(root, 'etc', 'passwd'), 'utf8'),
                 /^cairn:x:\d+:\d+:Cairn practice server:\/var\/lib\/cairn:\/usr\/sbin\/nologin$/m,
                 'systemd-sysusers makes the system user cairn, without a login shell');
    rmSync(root, { recursive: true, force: true });
  }
  // And a unit with a mistake is refused.
  const dir = scratch();
  writeFileSync(path.join(dir, 'cairnd.service'), service.replace('ProtectSystem=strict', 'ProtectSystem=sometimes')
    .replace(/^ExecStart=.*$/m, 'ExecStart=/nonexistent/cairnd'));
  writeFileSync(path.join(dir, 'cairnd.socket'), readFileSync(path.join(unitDir, 'cairnd.socket')));
  const bad = run('systemd-analyze', ['verify', path.join(dir, 'cairnd.socket'), path.join(dir, 'cairnd.service')], { env, cwd: dir });
  assert.notEqual(bad.code, 0, 'a broken unit fails verify');
  assert.match(bad.stderr, /nonexistent/);
  rmSync(dir, { recursive: true, force: true });
});

// A clinic directory with listen=systemd.
function clinic() {
  const dir = scratch();
  const cfg = path.join(dir, 'cairn.xml');
  writeFileSync(cfg, configXml({
    listen: 'systemd', workers: 2, database: path.join(dir, 'clinic.db'), schemas: loc.schemas, views: loc.views,
    clinicName: 'Socket-activated clinic', timezone: 'UTC', plugin: loc.plugin,
    instruments: path.join(loc.data, 'instruments.xml'),
  }));
  const init = run(loc.cairn, ['-c', cfg, '-S', loc.schemas, 'init']);
  assert.equal(init.code, 0, init.stderr);
  return { dir, cfg };
}

test('cairnd serves on the socket systemd passes (listen systemd)', { timeout: 60000, skip: !has('systemd-socket-activate') && 'systemd-socket-activate is not installed (apt-get install systemd)' }, async () => {
  const { dir, cfg } = clinic();
  const sock = path.join(dir, 'cairnd.sock');
  const log = [];
  const child = spawn('systemd-socket-activate', ['-l', sock, loc.cairnd, '-c', cfg, '-S', loc.schemas],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  try {
    // systemd-socket-activate listens at once and starts cairnd on the
    // first connection, handing it the socket: that request is answered.
    const end = Date.now() + 20000;
    while (!existsSync(sock)) { assert.ok(Date.now() < end, `socket created: ${log.join('')}`); await sleep(50); }
    const r = await request(`unix:${sock}`, { params: cgiParams({ path: '/sign-in', accept: 'text/html' }), timeoutMs: 20000 });
    assert.equal(r.status, 200, `GET /sign-in through the passed socket: ${r.status} ${r.text.slice(0, 300)}\n${log.join('')}`);
    assert.match(r.text, /Socket-activated clinic/);
    const until = Date.now() + 5000;
    while (!/listening on systemd with 2 workers/.test(log.join('')) && Date.now() < until) await sleep(50);
    assert.match(log.join(''), /listening on systemd with 2 workers/);
    // Without a passed socket, cairnd refuses and says how to start it.
    const plain = run(loc.cairnd, ['-c', cfg, '-S', loc.schemas], { timeoutMs: 20000 });
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /listen is systemd but systemd passed no socket .* start cairnd through cairnd.socket/);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('log lines carry syslog priorities when stderr is the journal, and only then', { timeout: 30000 }, () => {
  const { dir, cfg } = clinic();
  const go = (args, journal, wrong) => {
    const d = scratch();
    const file = path.join(d, 'stderr');
    const fd = openSync(file, 'w');
    const st = fstatSync(fd);
    const env = { ...process.env };
    delete env.JOURNAL_STREAM;
    if (journal) env.JOURNAL_STREAM = `${st.dev}:${wrong ? st.ino + 1 : st.ino}`;
    const r = spawnSync(args[0], args.slice(1), { env, stdio: ['ignore', 'ignore', fd], timeout: 20000 });
    closeSync(fd);
    const out = readFileSync(file, 'utf8');
    rmSync(d, { recursive: true, force: true });
    return { code: r.status, out };
  };
  const stats = [loc.cairn, '-v', '-c', cfg, '-S', loc.schemas, 'stats'];   // -v: info lines too
  const broken = [loc.cairnd, '-c', path.join(dir, 'missing.xml'), '-S', loc.schemas];

  const j = go(stats, true);
  assert.equal(j.code, 0, j.out);
  assert.match(j.out, /^<6>cairn\[\d+\]: info: program: /m, 'information at priority 6');
  for (const line of j.out.trim().split('\n')) assert.match(line, /^<[346]>/, `every line has a priority: ${line}`);
  const e = go(broken, true);
  assert.equal(e.code, 1);
  assert.match(e.out, /^<3>cairnd: .*missing\.xml/m, 'a start-up error at priority 3');

  for (const [what, out] of [['without JOURNAL_STREAM', go(stats, false).out],
                             ['when JOURNAL_STREAM names another stream', go(stats, true, true).out]]) {
    assert.match(out, /^cairn\[\d+\]: info: program: /m, `the human format ${what}`);
    assert.doesNotMatch(out, /^<\d>/m, `no priority ${what}`);
  }
  rmSync(dir, { recursive: true, force: true });
});
