// tests/lib/harness.mjs -- a real cairnd behind a real nginx on loopback,
// one pair per test file, torn down when the file's tests end.
//
// Where the programs come from (first match wins):
//
//   CAIRN_BUILD=/path/to/build   a build directory (configure was run
//                                there): cairnd and cairn at its top or in
//                                core/, the program plugin at
//                                plugins/program/.libs/program.so.  Schemas,
//                                views and data come from the source tree
//                                (the repository this file is in).
//   CAIRN_PREFIX=/usr/local      an installed prefix (`make install`):
//                                bin/ or sbin/ for the programs,
//                                lib/cairn/plugins/ (or lib/cairn/) for
//                                program.so, share/cairn/ for schemas,
//                                views, static and data (the nginx
//                                template from share/cairn/ if installed,
//                                else from this source tree).
//   neither                      the repository's _build/ if it has a
//                                cairnd, else the repository itself (an
//                                in-tree build).
//
// Single paths can be forced with CAIRND, CAIRN_CLI, CAIRN_PLUGIN_PROGRAM,
// CAIRN_SCHEMAS, CAIRN_VIEWS, CAIRN_DATA, CAIRN_STATIC; NGINX names the
// nginx binary (default: nginx on PATH, then /usr/sbin/nginx).
// CAIRN_FRONT=apache puts Apache httpd with mod_proxy_fcgi in front of
// cairnd instead of nginx (www/apache.conf.in; APACHE names the binary,
// default /usr/sbin/apache2, APACHE_MODULES its modules directory,
// default /usr/lib/apache2/modules).  srv.nginx is then the Apache process.
// CAIRN_KEEP_TMP=1 keeps each test file's temporary directory (config,
// database, logs) and prints where it is.
//
// Usage in a test file:
//
//   import { useCairn } from '../lib/harness.mjs';
//   const srv = useCairn({ importTrial: true });   // before()/after() hooks
//   before(async () => { await srv.ready; ... });  // a file's own set-up
//   test('home', async () => { const r = await srv.get('/'); ... });
//
// srv.get/post/request speak HTTP to nginx without any session (a
// visitor); srv.fcgiAddress is cairnd's own socket for tests/lib/fcgi.mjs;
// srv.cli(...) runs the `cairn` CLI on the same config and database.
//
// Staff (issue 3): every program page needs a signed-in staff member.  The
// harness creates one account per role before cairnd starts (STAFF below;
// `cairn user add`, password on standard input) and signs in on request:
//
//   const web = await srv.as('clinician');    // a Client, signed in once
//   const r = await web.get('/patients');     // sends its session cookie
//   await web.postForm(url, fields);          // adds the csrf field
//   await web.postXml(url, xml);              // adds X-CSRF-Token
//
// A Client is a cookie jar plus the session's form token (read from the
// sign-in form, then from the X-CSRF-Token header of an XML GET).
// srv.client() is a fresh visitor with an empty jar; client.signIn(user,
// password) signs it in and returns the sign-in response.  Pass
// { csrf: false } to a post to leave the token out (or put your own in).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync,
         chmodSync, statSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';

// The web server in front of cairnd: 'nginx' (default) or 'apache'.
export const FRONT = process.env.CAIRN_FRONT || 'nginx';
if (!['nginx', 'apache'].includes(FRONT)) throw new Error(`CAIRN_FRONT=${FRONT}: nginx or apache`);

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TRIAL_CSV = path.join(REPO, 'data', 'headache-trial-2004.csv');
export const TRIAL_MAP = path.join(REPO, 'data', 'headache-trial-2004.map.xml');

// How long cairnd + nginx may take to come up: cairnd compiles every
// schema, view and route and opens the database before it listens; a few
// seconds on a slow CI machine (or under ASan), never a minute.
const START_TIMEOUT_MS = 30000;
// How long a SIGTERM'd process may take to drain before SIGKILL.
const STOP_TIMEOUT_MS = 10000;
// One CLI command (an import of the 401-patient trial included).
const CLI_TIMEOUT_MS = 120000;

function firstExisting(cands) {
  for (const c of cands) if (c && existsSync(c)) return c;
  return null;
}

function which(prog) {
  for (const d of (process.env.PATH ?? '').split(':')) {
    const p = path.join(d || '.', prog);
    try { if (statSync(p).isFile()) return p; } catch { /* not here */ }
  }
  return null;
}

// Find every file the harness needs; throws a message that says what is
// missing and which variable to set.
export function locate({ program = true } = {}) {
  const env = process.env;
  let root;
  let kind;
  if (env.CAIRN_BUILD) { root = path.resolve(env.CAIRN_BUILD); kind = 'build'; }
  else if (env.CAIRN_PREFIX) { root = path.resolve(env.CAIRN_PREFIX); kind = 'prefix'; }
  else if (existsSync(path.join(REPO, '_build', 'cairnd')) || existsSync(path.join(REPO, '_build', 'core', 'cairnd'))) {
    root = path.join(REPO, '_build'); kind = 'build';
  } else { root = REPO; kind = 'build'; }

  const share = kind === 'prefix' ? path.join(root, 'share', 'cairn') : null;
  const prog = (name) => (kind === 'prefix'
    ? [path.join(root, 'bin', name), path.join(root, 'sbin', name)]
    : [path.join(root, name), path.join(root, 'core', name)]);
  const loc = {
    kind,
    root,
    cairnd: env.CAIRND || firstExisting(prog('cairnd')),
    cairn: env.CAIRN_CLI || firstExisting(prog('cairn')),
    plugin: env.CAIRN_PLUGIN_PROGRAM || firstExisting(kind === 'prefix'
      ? [path.join(root, 'lib', 'cairn', 'plugins', 'program.so'), path.join(root, 'lib', 'cairn', 'program.so'),
         ...(() => { try { return readdirSync(path.join(root, 'lib')).map((d) => path.join(root, 'lib', d, 'cairn', 'plugins', 'program.so')); } catch { return []; } })()]
      : [path.join(root, 'plugins', 'program', '.libs', 'program.so'), path.join(root, 'plugins', 'program', 'program.so')]),
    schemas: env.CAIRN_SCHEMAS || (share ? firstExisting([path.join(share, 'schemas')]) : path.join(REPO, 'schemas')),
    views: env.CAIRN_VIEWS || (share ? firstExisting([path.join(share, 'views'), path.join(share, 'www', 'views')]) : path.join(REPO, 'www', 'views')),
    static: env.CAIRN_STATIC || (share ? firstExisting([path.join(share, 'static'), path.join(share, 'www', 'static')]) : path.join(REPO, 'www', 'static')),
    data: env.CAIRN_DATA || (share ? firstExisting([path.join(share, 'data')]) : path.join(REPO, 'data')),
    nginxTemplate: env.CAIRN_NGINX_TEMPLATE || (share
      ? firstExisting([path.join(share, 'nginx.conf.in'), path.join(share, 'www', 'nginx.conf.in'),
                       path.join(REPO, 'www', 'nginx.conf.in')])
      : path.join(REPO, 'www', 'nginx.conf.in')),
    nginx: env.NGINX || which('nginx') || firstExisting(['/usr/sbin/nginx']),
    ...(FRONT === 'apache' ? {
      apacheTemplate: env.CAIRN_APACHE_TEMPLATE || (share
        ? firstExisting([path.join(share, 'apache.conf.in'), path.join(REPO, 'www', 'apache.conf.in')])
        : path.join(REPO, 'www', 'apache.conf.in')),
      apache: env.APACHE || firstExisting(['/usr/sbin/apache2', '/usr/sbin/httpd']) || which('apache2'),
      apacheModules: env.APACHE_MODULES || firstExisting(['/usr/lib/apache2/modules', '/usr/lib64/httpd/modules']),
    } : {}),
  };
  // A server without the program plugin (tests of the core's own services
  // pass { program: false }) does not need it.
  if (!program && !loc.plugin) delete loc.plugin;
  const missing = Object.entries(loc).filter(([k, v]) => k !== 'kind' && (!v || !existsSync(v)))
    .map(([k, v]) => `${k}${v ? ` (${v})` : ''}`);
  if (missing.length) {
    throw new Error(`tests/lib/harness.mjs: not found: ${missing.join(', ')}. ` +
      `Build Cairn and set CAIRN_BUILD=<build dir> or CAIRN_PREFIX=<install prefix> ` +
      `(looked in ${kind} ${root}).`);
  }
  // The intake plugin, loaded after program when it was built (optional:
  // CAIRN_PLUGIN_INTAKE forces a path).
  if (!loc.plugin) return loc;
  const pdir = path.dirname(loc.plugin);
  loc.intakePlugin = env.CAIRN_PLUGIN_INTAKE || firstExisting(path.basename(pdir) === '.libs'
    ? [path.join(pdir, '..', '..', 'intake', '.libs', 'intake.so')]
    : [path.join(pdir, 'intake.so'), path.join(pdir, '..', 'intake', 'intake.so')]);
  // The herbal plugin, loaded last when it was built (optional:
  // CAIRN_PLUGIN_HERBAL forces a path).
  loc.herbalPlugin = env.CAIRN_PLUGIN_HERBAL || firstExisting(path.basename(pdir) === '.libs'
    ? [path.join(pdir, '..', '..', 'herbal', '.libs', 'herbal.so')]
    : [path.join(pdir, 'herbal.so'), path.join(pdir, '..', 'herbal', 'herbal.so')]);
  // The exercise plugin, loaded after program when it was built (optional:
  // CAIRN_PLUGIN_EXERCISE forces a path).
  loc.exercisePlugin = env.CAIRN_PLUGIN_EXERCISE || firstExisting(path.basename(pdir) === '.libs'
    ? [path.join(pdir, '..', '..', 'exercise', '.libs', 'exercise.so')]
    : [path.join(pdir, 'exercise.so'), path.join(pdir, '..', 'exercise', 'exercise.so')]);
  // The referral plugin, loaded last when it was built (optional:
  // CAIRN_PLUGIN_REFERRAL forces a path).
  loc.referralPlugin = env.CAIRN_PLUGIN_REFERRAL || firstExisting(path.basename(pdir) === '.libs'
    ? [path.join(pdir, '..', '..', 'referral', '.libs', 'referral.so')]
    : [path.join(pdir, 'referral.so'), path.join(pdir, '..', 'referral', 'referral.so')]);
  // The maintenance plugin, after the program when it was built (optional:
  // CAIRN_PLUGIN_MAINTENANCE forces a path).
  loc.maintenancePlugin = env.CAIRN_PLUGIN_MAINTENANCE || firstExisting(path.basename(pdir) === '.libs'
    ? [path.join(pdir, '..', '..', 'maintenance', '.libs', 'maintenance.so')]
    : [path.join(pdir, 'maintenance.so'), path.join(pdir, '..', 'maintenance', 'maintenance.so')]);
  return loc;
}

// A TCP port on 127.0.0.1 that was free a moment ago.
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Escape text for an XML text node or attribute value.
export function xmlEscape(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

// The <mail> element for a relay on loopback (tests/lib/smtp-sink.mjs):
// { host, port, user, passwordFile, timeout, from, fromName, staleClaim }.
function mailXml(m) {
  if (!m) return '';
  const opt = (name, v) => (v === undefined || v === null ? '' : `<${name}>${xmlEscape(v)}</${name}>`);
  return `  <mail>
    <smtp>${opt('host', m.host ?? '127.0.0.1')}${opt('port', m.port)}<starttls>${m.starttls ? 'on' : 'off'}</starttls>${opt('user', m.user)}${opt('password-file', m.passwordFile)}${opt('timeout-seconds', m.timeout)}</smtp>
    ${opt('from-address', m.from ?? 'desk@clinic.example')}${opt('from-name', m.fromName)}${opt('stale-claim-seconds', m.staleClaim)}
  </mail>
`;
}

// The program plugin's settings that say which other plugins are loaded
// beside it: the patient home's cards (docs/patient.md), one per loaded
// plugin with a page of the patient's own, and exercise=yes (graduation's
// home routine computed from the exercise plugin's).
function programSettings({ herbal, exercise }) {
  const cards = [herbal ? 'herbs=Your herbs today' : null,
    exercise ? 'routine=Your home routine' : null].filter(Boolean);
  return (exercise ? '      <setting name="exercise">yes</setting>\n' : '')
    + (cards.length ? `      <setting name="patient-cards">${xmlEscape(cards.join(','))}</setting>\n` : '');
}

// The config file cairnd and cairn read (schemas/config.xsd).  Besides the
// program (and intake) plugin: publicUrl, mail (see mailXml), jobsInterval
// (the master's), and extraPlugins [{ path, settings: { name: value } }].
export function configXml({ listen, listenGroup = null, workers, database, schemas, views, clinicName, timezone, plugin, instruments,
                            plainHttpDemo = false, intake = null, publicUrl = null, mail = null,
                            jobsInterval = null, extraPlugins = [], herbal = null, exercise = null, referral = null, maintenance = null }) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<cairn xmlns="urn:cairn:config">
  <listen${listenGroup ? ` group="${xmlEscape(listenGroup)}"` : ''}>${xmlEscape(listen)}</listen>
  <workers>${workers}</workers>
  <database>${xmlEscape(database)}</database>
  <schemas>${xmlEscape(schemas)}</schemas>
  <views>${xmlEscape(views)}</views>
  <clinic>
    <name>${xmlEscape(clinicName)}</name>
    <timezone>${xmlEscape(timezone)}</timezone>
  </clinic>
${publicUrl ? `  <public-url>${xmlEscape(publicUrl)}</public-url>\n` : ''}${plainHttpDemo ? '  <security><plain-http-demo/></security>\n' : ''}${mailXml(mail)}${jobsInterval ? `  <jobs><interval-seconds>${jobsInterval}</interval-seconds></jobs>\n` : ''}  <plugins>
${plugin ? `    <plugin path="${xmlEscape(plugin)}">
      <setting name="instruments" kind="path">${xmlEscape(instruments)}</setting>
${programSettings({ herbal, exercise })}    </plugin>
` : ''}${extraPlugins.map((x) => `    <plugin path="${xmlEscape(x.path)}">
${Object.entries(x.settings ?? {}).map(([k, v]) => `      <setting name="${xmlEscape(k)}">${xmlEscape(v)}</setting>\n`).join('')}    </plugin>
`).join('')}${intake ? `    <plugin path="${xmlEscape(intake.plugin)}">
      <setting name="content" kind="path">${xmlEscape(intake.content)}</setting>
      <setting name="instruments" kind="path">${xmlEscape(instruments)}</setting>
${referral ? '      <setting name="referrals">yes</setting>\n' : ''}${Object.entries(intake.settings ?? {}).map(([k, v]) => `      <setting name="${xmlEscape(k)}">${xmlEscape(v)}</setting>\n`).join('')}    </plugin>
` : ''}${herbal ? `    <plugin path="${xmlEscape(herbal.plugin)}">
      <setting name="data" kind="path">${xmlEscape(herbal.data)}</setting>
    </plugin>
` : ''}${exercise ? `    <plugin path="${xmlEscape(exercise.plugin)}">
      <setting name="library" kind="path">${xmlEscape(exercise.library)}</setting>
      <setting name="instruments" kind="path">${xmlEscape(instruments)}</setting>
${exercise.local ? `      <setting name="local" kind="path">${xmlEscape(exercise.local)}</setting>\n` : ''}    </plugin>
` : ''}${referral ? `    <plugin path="${xmlEscape(referral.plugin)}">
      <setting name="instruments" kind="path">${xmlEscape(instruments)}</setting>
${Object.entries(referral.settings ?? {}).map(([k, v]) => `      <setting name="${xmlEscape(k)}">${xmlEscape(v)}</setting>\n`).join('')}    </plugin>
` : ''}${maintenance ? `    <plugin path="${xmlEscape(maintenance.plugin)}">
      <setting name="plans" kind="path">${xmlEscape(maintenance.plans)}</setting>
      <setting name="instruments" kind="path">${xmlEscape(instruments)}</setting>
      <setting name="definition" kind="path">${xmlEscape(maintenance.definition)}</setting>
${referral ? '      <setting name="referrals">yes</setting>\n' : ''}    </plugin>
` : ''}  </plugins>
</cairn>
`;
}

// Fill www/nginx.conf.in.  Placeholders are @NAME@ (autoconf style);
// every one the template uses must be known here, so a new placeholder
// fails loudly instead of reaching nginx.
export function nginxConf(template, values) {
  const out = template.replace(/@([A-Z][A-Z0-9_]*)@/g, (m, k) => {
    if (!(k in values)) throw new Error(`nginx.conf.in: unknown placeholder ${m}`);
    return values[k];
  });
  return out;
}

// Run a program to completion; never throws for a non-zero exit.
export function run(cmd, args, { cwd, env, input, timeoutMs = CLI_TIMEOUT_MS } = {}) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, input,
                                   encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

// One HTTP request.  Returns { status, headers, body (string), buffer }.
// No redirects are followed; no keep-alive (each request on its own
// connection, so a killed worker cannot poison a pooled socket).  A
// pathname that begins with '/' is sent exactly as written (no dot
// segments removed, no escapes added or decoded: WHATWG URL parsing would
// turn "/a/./b" into "/a/b" and "\\" into "/", hiding what a test means to
// send); node itself refuses control characters and spaces in it.
export function httpRequest(base, method, pathname, { headers = {}, body, timeoutMs = 15000 } = {}) {
  const b = new URL(base);
  const url = pathname.startsWith('/') ? null : new URL(pathname, base);
  const target = url
    ? { hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}` }
    : { hostname: b.hostname, port: b.port, path: pathname };
  return new Promise((resolve, reject) => {
    const req = http.request({ ...target, method, headers: { Connection: 'close', ...headers }, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: buffer.toString('utf8'), buffer });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${pathname}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// Form-encode an object or an array of pairs (application/x-www-form-urlencoded).
export function formEncode(fields) {
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`.replace(/%20/g, '+')).join('&');
}

// The staff accounts every test server has (created before cairnd starts):
// one per role, each with a password that passes the core's checks.
export const STAFF = Object.freeze({
  admin: Object.freeze({ username: 'test-admin', role: 'admin', name: 'Ada Admin', password: 'admin password for tests' }),
  clinician: Object.freeze({ username: 'test-clinician', role: 'clinician', name: 'Cleo Clinician', password: 'clinician password for tests' }),
  'front-desk': Object.freeze({ username: 'test-desk', role: 'front-desk', name: 'Frank Desk', password: 'front desk password for tests' }),
});

// Cookie names of the core (core/server/access.h).
// With Secure cookies (every test server but the plain-HTTP demo's) the
// names carry the __Host- prefix, so a sibling subdomain cannot plant one;
// COOKIE_PLAIN holds the demo's names.
export const COOKIE_SESSION = '__Host-cairn_sid';
export const COOKIE_PRE = '__Host-cairn_pre';
export const COOKIE_CAPABILITY = '__Host-cairn_cap';
export const COOKIE_PLAIN = Object.freeze({ session: 'cairn_sid', pre: 'cairn_pre', capability: 'cairn_cap' });
// A signed-in session as a browser context's cookie (playwright's
// addCookies): Secure, Path=/ and a domain without a leading dot (a
// host-only cookie), as the __Host- prefix requires.
export function browserSessionCookie(base, sid) {
  return { name: COOKIE_SESSION, value: sid, domain: new URL(base).hostname, path: '/', httpOnly: true, secure: true, sameSite: 'Strict' };
}

// One Set-Cookie header: { name, value, attrs: { lower-case name: value|true } }.
export function parseSetCookie(line) {
  const parts = line.split(';').map((x) => x.trim());
  const eq = parts[0].indexOf('=');
  const attrs = {};
  for (const a of parts.slice(1)) {
    if (!a) continue;
    const i = a.indexOf('=');
    if (i < 0) attrs[a.toLowerCase()] = true;
    else attrs[a.slice(0, i).trim().toLowerCase()] = a.slice(i + 1).trim();
  }
  return { name: parts[0].slice(0, eq).trim(), value: parts[0].slice(eq + 1).trim(), attrs };
}

// Every Set-Cookie of a response, parsed.
export function setCookies(res) {
  const h = res.headers['set-cookie'];
  return (Array.isArray(h) ? h : h ? [h] : []).map(parseSetCookie);
}

// The value of the hidden csrf input of an HTML form page, or null.
export function csrfFromHtml(html) {
  const m = /<input\b[^>]*\bname="csrf"[^>]*>/.exec(html);
  if (!m) return null;
  const v = /\bvalue="([^"]*)"/.exec(m[0]);
  return v ? v[1] : null;
}

// A browser-like HTTP client of one nginx: a cookie jar (no Domain, Path
// or expiry logic beyond Max-Age=0 and empty values deleting a cookie: the
// core sets Path=/ only) and the session's form token.  Never follows
// redirects.
export class Client {
  constructor(base) {
    this.base = base;
    this.jar = new Map();
    this.csrf = null;
    this.who = null;
  }

  cookie(name) { return this.jar.get(name); }
  setCookie(name, value) { if (value === undefined || value === null) this.jar.delete(name); else this.jar.set(name, value); }
  cookieHeader() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }

  absorb(res) {
    for (const c of setCookies(res)) {
      if (c.value === '' || c.attrs['max-age'] === '0') this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    const t = res.headers['x-csrf-token'];
    if (t) this.csrf = t;
    return res;
  }

  async request(method, pathname, { headers = {}, body, timeoutMs, cookies = true } = {}) {
    const h = { ...headers };
    if (cookies && this.jar.size && !Object.keys(h).some((k) => k.toLowerCase() === 'cookie')) h.Cookie = this.cookieHeader();
    return this.absorb(await httpRequest(this.base, method, pathname, { headers: h, body, timeoutMs }));
  }
  get(pathname, { accept, headers = {} } = {}) {
    return this.request('GET', pathname, { headers: { ...(accept ? { Accept: accept } : {}), ...headers } });
  }
  getXml(pathname, { headers = {} } = {}) { return this.get(pathname, { accept: 'application/xml', headers }); }
  // A form post.  The session's token is added as the last field unless
  // csrf is false or the fields already carry one; csrf may also be a
  // string to send instead.
  postForm(pathname, fields, { headers = {}, csrf = true } = {}) {
    const pairs = Array.isArray(fields) ? [...fields] : Object.entries(fields);
    const token = typeof csrf === 'string' ? csrf : csrf ? this.csrf : null;
    if (token !== null && token !== undefined && !pairs.some(([k]) => k === 'csrf')) pairs.push(['csrf', token]);
    const body = formEncode(pairs);
    return this.request('POST', pathname, { body, headers: {
      'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...headers } });
  }
  // An XML post; the token goes in the X-CSRF-Token header.
  postXml(pathname, xml, { accept = 'application/xml', contentType = 'application/xml', headers = {}, csrf = true } = {}) {
    const token = typeof csrf === 'string' ? csrf : csrf ? this.csrf : null;
    return this.request('POST', pathname, { body: xml, headers: {
      'Content-Type': contentType, Accept: accept, 'Content-Length': Buffer.byteLength(xml),
      ...(token ? { 'X-CSRF-Token': token } : {}), ...headers } });
  }

  // Read the form token: from the sign-in form (visitors) or from the
  // X-CSRF-Token header of an XML GET (signed in).
  async refreshCsrf() {
    if ((this.jar.has(COOKIE_SESSION) || this.jar.has(COOKIE_PLAIN.session))) {
      const r = await this.getXml('/');
      if (r.headers['x-csrf-token']) return this.csrf;
    }
    const f = await this.get('/sign-in');
    const t = csrfFromHtml(f.body);
    if (t) this.csrf = t;
    return this.csrf;
  }

  // Sign in through the form as a person would: GET /sign-in (a visitor
  // token in cairn_pre and the form), POST /sign-in.  Returns the POST's
  // response; on success the jar holds cairn_sid and csrf is the
  // session's token.  Never throws for a refusal (check the status).
  async signIn(username, password, { next, headers = {} } = {}) {
    const form = await this.get(next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in');
    // Signed in already, the form redirects away: post with the session's
    // own token (the core checks a signed-in POST against the session's).
    const token = form.status === 303 && (this.jar.has(COOKIE_SESSION) || this.jar.has(COOKIE_PLAIN.session)) ? this.csrf : csrfFromHtml(form.body);
    if (!token) throw new Error(`GET /sign-in has no csrf field (${form.status}): ${form.body.slice(0, 500)}`);
    this.csrf = token;
    const fields = [['username', username], ['password', password]];
    if (next !== undefined) fields.push(['next', next]);
    const r = await this.postForm('/sign-in', fields, { headers });
    if (r.status === 303 && (this.jar.has(COOKIE_SESSION) || this.jar.has(COOKIE_PLAIN.session))) {
      this.who = username;
      let x = await this.getXml('/');
      // A server without the program plugin has no home page: the sign-in
      // page (a redirect once signed in) carries the token as well.
      if (!x.headers['x-csrf-token']) x = await this.getXml('/sign-in');
      if (!x.headers['x-csrf-token']) throw new Error(`signed in as ${username} but GET / (xml) gave no X-CSRF-Token (${x.status})`);
    }
    return r;
  }

  async signOut() {
    const r = await this.postForm('/sign-out', []);
    this.who = null;
    return r;
  }
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

// The direct children of `pid` (from /proc/<pid>/task/*/children when the
// kernel has it, else by scanning /proc/*/stat for the parent id).
export function childPids(pid) {
  const out = new Set();
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const s = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (s) for (const c of s.split(/\s+/)) out.add(Number(c));
    }
    return [...out].sort((a, b) => a - b);
  } catch { /* fall back */ }
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and ')'.
      const rest = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === pid) out.add(Number(d));
    } catch { /* gone */ }
  }
  return [...out].sort((a, b) => a - b);
}

// A started process with its output captured to a log file in `dir`.
function startProcess(name, cmd, args, { cwd, dir, env }) {
  const logPath = path.join(dir, `${name}.log`);
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const sink = (d) => { lines.push(d.toString('utf8')); writeFileSync(logPath, lines.join('')); };
  child.stdout.on('data', sink);
  child.stderr.on('data', sink);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.on('error', (e) => { lines.push(`spawn error: ${e.message}\n`); });
  return { name, child, pid: child.pid, exited, log: () => lines.join(''), logPath, exitedYet: () => child.exitCode !== null || child.signalCode !== null };
}

async function stopProcess(p, signal = 'SIGTERM') {
  if (!p || p.exitedYet()) return p ? await p.exited : null;
  try { p.child.kill(signal); } catch { /* gone */ }
  let timer;
  const res = await Promise.race([p.exited,
    new Promise((r) => { timer = setTimeout(() => r(null), STOP_TIMEOUT_MS); })]);
  clearTimeout(timer);
  if (res) return res;
  try { p.child.kill('SIGKILL'); } catch { /* gone */ }
  return { ...(await p.exited), forced: true };
}

const live = new Set();
process.on('exit', () => {
  for (const p of live) { try { p.child.kill('SIGKILL'); } catch { /* gone */ } }
});

// A Cairn test server.  Call start() once, stop() once.
export class CairnServer {
  constructor(opts = {}) {
    this.opts = {
      workers: 2,
      listen: 'unix',            // 'unix' or 'tcp' for cairnd's socket
      importTrial: false,        // import data/headache-trial-2004.csv before start
      csv: null,                 // or import this CSV (with map)
      map: TRIAL_MAP,
      clinicName: 'Cairn test clinic',
      timezone: 'UTC',
      staff: true,               // create the STAFF accounts before start
      plainHttpDemo: false,      // <security><plain-http-demo/>: cookies without Secure
      ...opts,
    };
    this.loc = null;
    this.dir = null;
  }

  async start() {
    const o = this.opts;
    const loc = this.loc = locate({ program: o.program !== false });
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-test-'));
    // nginx's workers may run as another user: let them reach the socket.
    chmodSync(this.dir, 0o755);
    this.socketPath = path.join(this.dir, 'cairnd.sock');
    if (o.listen === 'tcp') {
      this.fcgiPort = await freePort();
      this.fcgiAddress = `127.0.0.1:${this.fcgiPort}`;
    } else {
      this.fcgiAddress = `unix:${this.socketPath}`;
    }
    this.database = path.join(this.dir, 'clinic.db');
    this.configPath = path.join(this.dir, 'cairn.xml');
    writeFileSync(this.configPath, configXml({
      listen: this.fcgiAddress,
      listenGroup: o.listenGroup ?? this.frontGroup(),
      workers: o.workers,
      database: this.database,
      schemas: loc.schemas,
      views: loc.views,
      clinicName: o.clinicName,
      timezone: o.timezone,
      plugin: loc.plugin,
      instruments: path.join(loc.data, 'instruments.xml'),
      plainHttpDemo: o.plainHttpDemo,
      publicUrl: o.publicUrl,
      mail: o.mail,
      jobsInterval: o.jobsInterval,
      extraPlugins: o.extraPlugins ?? [],
      intake: loc.intakePlugin
        ? { plugin: loc.intakePlugin, content: path.join(loc.data, 'intake-content.xml'), settings: o.intakeSettings }
        : null,
      // A test that points loc.data at its own copy without herbal/ still
      // gets the herbal reference data of the tree.
      herbal: loc.herbalPlugin ? { plugin: loc.herbalPlugin,
        data: path.dirname(firstExisting([path.join(loc.data, 'herbal', 'sources.xml'),
                                          path.join(REPO, 'data', 'herbal', 'sources.xml')])) } : null,
      exercise: loc.exercisePlugin
        ? { plugin: loc.exercisePlugin, library: path.join(loc.data, 'exercise-library.xml'), local: o.exerciseLocal }
        : null,
      referral: loc.referralPlugin ? { plugin: loc.referralPlugin, settings: o.referralSettings } : null,
      // The maintenance plugin needs the program's tables: only with it.
      maintenance: loc.maintenancePlugin && loc.plugin ? { plugin: loc.maintenancePlugin,
        plans: firstExisting([path.join(loc.data, 'maintenance-plans.xml'),
                              path.join(REPO, 'data', 'maintenance-plans.xml')]),
        definition: firstExisting([path.join(loc.data, 'program-definition.xml'),
                                   path.join(REPO, 'data', 'program-definition.xml')]) } : null,
    }));

    const init = this.cli(['init']);
    if (init.code !== 0) throw new Error(`cairn init failed (${init.code}): ${init.stderr}${init.stdout}`);
    const csv = o.csv ?? (o.importTrial ? path.join(loc.data, 'headache-trial-2004.csv') : null);
    if (csv) {
      const map = o.map === TRIAL_MAP ? path.join(loc.data, 'headache-trial-2004.map.xml') : o.map;
      const imp = this.importCsv(csv, map);
      if (imp.code !== 0) throw new Error(`cairn import-csv failed (${imp.code}): ${imp.stderr}${imp.stdout}`);
      this.importResult = imp;
    }
    this.clients = new Map();
    if (o.staff) {
      for (const a of Object.values(STAFF)) {
        const r = this.addStaff(a.username, a.role, a.name, a.password);
        if (r.code !== 0) throw new Error(`cairn user add ${a.username} failed (${r.code}): ${r.stderr}${r.stdout}`);
      }
    }

    this.cairnd = startProcess('cairnd', loc.cairnd, this.cairndArgs(), { cwd: this.dir, dir: this.dir, env: this.env() });
    live.add(this.cairnd);
    await this.waitForFcgi();

    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    if (FRONT === 'apache') {
      this.nginx = this.startApache();    // the front end, whichever it is
      live.add(this.nginx);
      await this.waitForHttp();
      return this;
    }
    const template = readFileSync(loc.nginxTemplate, 'utf8');
    const fcgiPass = o.listen === 'tcp' ? this.fcgiAddress : `unix:${this.socketPath}`;
    const conf = nginxConf(template, {
      LISTEN: `127.0.0.1:${this.port}`,
      SOCKET: fcgiPass,
      STATIC: loc.static,
      PREFIX: this.dir,       // nginx's -p: pid, logs and temp files
      RUNDIR: this.dir,       // (the template's earlier name for it)
      // When the tests run as root, nginx's workers must still reach a
      // socket cairnd made 0660: run them as the user cairnd runs as.
      USER: os.userInfo().username,
    });
    this.nginxConfPath = path.join(this.dir, 'nginx.conf');
    writeFileSync(this.nginxConfPath, conf);
    // The template says daemon off, pid, user and error_log itself; add
    // here only what it leaves out.
    const globals = [];
    if (!/^\s*daemon\s/m.test(conf)) globals.push('daemon off;');
    if (!/^\s*pid\s/m.test(conf)) globals.push(`pid ${path.join(this.dir, 'nginx.pid')};`);
    if (process.getuid?.() === 0 && !/^\s*user\s/m.test(conf)) globals.push('user root;');
    this.nginx = startProcess('nginx', loc.nginx,
      ['-e', path.join(this.dir, 'nginx-error.log'), '-p', this.dir, '-c', this.nginxConfPath,
       ...(globals.length ? ['-g', globals.join(' ')] : [])],
      { cwd: this.dir, dir: this.dir });
    live.add(this.nginx);
    await this.waitForHttp();
    return this;
  }

  // The group cairnd's socket is given (<listen group=>): under Apache
  // started by root, the group of the user Apache serves as; else none.
  frontGroup() {
    if (FRONT !== 'apache' || process.getuid?.() !== 0 || this.opts.listen === 'tcp') return null;
    const who = ['www-data', 'apache', 'nobody'].find((u) => run('id', ['-u', u]).code === 0);
    return who ? run('id', ['-gn', who]).stdout.trim() : null;
  }

  // Apache httpd with www/apache.conf.in, in the foreground.  Started by
  // root, Apache serves as another user (it refuses root): www-data, and
  // cairnd's socket (0660) has that user's group (frontGroup) so its
  // children can connect.
  startApache() {
    const loc = this.loc;
    if (this.opts.listen === 'tcp') throw new Error('CAIRN_FRONT=apache: the template proxies to a unix socket');
    let user = os.userInfo().username;
    let group = run('id', ['-gn']).stdout.trim();
    if (process.getuid?.() === 0) {
      const who = ['www-data', 'apache', 'nobody'].find((u) => run('id', ['-u', u]).code === 0);
      if (!who) throw new Error('CAIRN_FRONT=apache as root needs a user to serve as (www-data)');
      user = who;
      group = run('id', ['-gn', who]).stdout.trim();
    }
    const conf = nginxConf(readFileSync(loc.apacheTemplate, 'utf8'), {
      LISTEN: `127.0.0.1:${this.port}`,
      SOCKETPATH: this.socketPath,
      STATIC: loc.static,
      PREFIX: this.dir,
      MODULES: loc.apacheModules,
      USER: user,
      GROUP: group,
    });
    this.apacheConfPath = path.join(this.dir, 'apache.conf');
    writeFileSync(this.apacheConfPath, conf);
    // waitForHttp() shows nginx-error.log when the front end dies.
    try { symlinkSync('apache-error.log', path.join(this.dir, 'nginx-error.log')); } catch { /* there */ }
    return startProcess('apache', loc.apache, ['-f', this.apacheConfPath, '-DFOREGROUND'],
                        { cwd: this.dir, dir: this.dir, env: { APACHE_RUN_DIR: this.dir, APACHE_LOG_DIR: this.dir } });
  }

  // cairnd's command line: the config, and where config.xsd is (the
  // config names everything else).
  cairndArgs() {
    return ['-c', this.configPath, '-S', this.loc.schemas];
  }

  // The environment of cairnd and the CLI: the same config and schemas
  // again, for a program that reads them from there.
  env() {
    return { CAIRN_CONFIG: this.configPath, CAIRN_SCHEMAS: this.loc.schemas, ...(this.opts.env ?? {}) };
  }

  // Run the `cairn` CLI against this server's config (and so database).
  cli(args, opts = {}) {
    return run(this.loc.cairn, ['-c', this.configPath, ...args],
               { cwd: this.dir, ...opts, env: { ...this.env(), ...(opts.env ?? {}) } });
  }

  // `cairn user add NAME --role ROLE --name NAME`, the password on stdin.
  addStaff(username, role, name, password) {
    return this.cli(['user', 'add', username, '--role', role, '--name', name], { input: `${password}\n` });
  }

  // A new visitor (empty cookie jar) of this server's nginx.
  client() { return new Client(this.base); }

  // A client signed in as the STAFF account of `role`, one per role and
  // server (signed in on first use).  Throws when the sign-in fails.
  as(role) {
    if (!this.clients.has(role)) {
      const a = STAFF[role];
      if (!a) throw new Error(`no test account for role ${role} (have ${Object.keys(STAFF).join(', ')})`);
      const p = (async () => {
        const c = this.client();
        const r = await c.signIn(a.username, a.password);
        if (r.status !== 303 || !(c.cookie(COOKIE_SESSION) || c.cookie(COOKIE_PLAIN.session))) {
          throw new Error(`sign-in as ${a.username} failed: ${r.status} ${r.body.slice(0, 500)}`);
        }
        return c;
      })();
      p.catch(() => this.clients.delete(role));
      this.clients.set(role, p);
    }
    return this.clients.get(role);
  }

  importCsv(csv, map = path.join(this.loc.data, 'headache-trial-2004.map.xml')) {
    return this.cli(['import-csv', '--map', map, csv]);
  }

  // Record counts by type from `cairn stats`.  The parser accepts lines
  // "program:Observation 1028" or "program:Observation: 1028" or
  // "program:Observation = 1028"; any other line is ignored.
  stats() {
    const r = this.cli(['stats']);
    if (r.code !== 0) throw new Error(`cairn stats failed (${r.code}): ${r.stderr}`);
    const counts = {};
    for (const line of r.stdout.split('\n')) {
      const m = /^\s*([a-z][a-z0-9_]*:[A-Za-z][A-Za-z0-9]*)\s*[:=]?\s+(\d+)\b/.exec(line);
      if (m) counts[m[1]] = Number(m[2]);
    }
    if (!Object.keys(counts).length) throw new Error(`cairn stats printed no counts: ${r.stdout}`);
    return counts;
  }

  // The same counts read from the database file itself (sqlite3 CLI,
  // read-only), independent of the CLI: record versions per type.
  dbCounts() {
    const r = run('sqlite3', ['-readonly', '-json', this.database,
      "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"]);
    if (r.code !== 0) throw new Error(`sqlite3: ${r.stderr}`);
    const tables = JSON.parse(r.stdout || '[]').map((x) => x.name);
    const counts = {};
    for (const t of tables.filter((x) => /^p_/.test(x))) {
      const c = run('sqlite3', ['-readonly', this.database, `SELECT count(*) FROM "${t}"`]);
      counts[t] = Number(c.stdout.trim());
    }
    return counts;
  }

  async waitForFcgi() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    const addr = this.opts.listen === 'tcp' ? { host: '127.0.0.1', port: this.fcgiPort } : { path: this.socketPath };
    while (Date.now() < deadline) {
      if (this.cairnd.exitedYet()) {
        throw new Error(`cairnd exited during start-up (${JSON.stringify(await this.cairnd.exited)}):\n${this.cairnd.log()}`);
      }
      const ok = await new Promise((resolve) => {
        const s = net.connect(addr);
        s.on('connect', () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      });
      if (ok) return;
      await sleep(50);
    }
    throw new Error(`cairnd did not listen on ${this.fcgiAddress} within ${START_TIMEOUT_MS} ms:\n${this.cairnd.log()}`);
  }

  async waitForHttp() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      if (this.nginx.exitedYet()) {
        const errlog = (() => { try { return readFileSync(path.join(this.dir, 'nginx-error.log'), 'utf8'); } catch { return ''; } })();
        throw new Error(`nginx exited during start-up:\n${this.nginx.log()}\n${errlog}`);
      }
      try {
        const r = await httpRequest(this.base, 'GET', '/', { timeoutMs: 2000 });
        if (r.status !== 502 && r.status !== 504) return;
        last = `status ${r.status}`;
      } catch (e) { last = e.message; }
      await sleep(50);
    }
    throw new Error(`nginx on ${this.base} did not answer within ${START_TIMEOUT_MS} ms (${last})`);
  }

  // HTTP through nginx.
  request(method, pathname, opts = {}) { return httpRequest(this.base, method, pathname, opts); }
  get(pathname, { accept, headers = {} } = {}) {
    return httpRequest(this.base, 'GET', pathname, { headers: { ...(accept ? { Accept: accept } : {}), ...headers } });
  }
  getXml(pathname) { return this.get(pathname, { accept: 'application/xml' }); }
  postForm(pathname, fields, { headers = {} } = {}) {
    const body = formEncode(fields);
    return httpRequest(this.base, 'POST', pathname, { body, headers: {
      'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...headers } });
  }
  postXml(pathname, xml, { accept = 'application/xml', contentType = 'application/xml', headers = {} } = {}) {
    return httpRequest(this.base, 'POST', pathname, { body: xml, headers: {
      'Content-Type': contentType, Accept: accept, 'Content-Length': Buffer.byteLength(xml), ...headers } });
  }

  // The worker processes: children of the cairnd master.
  workerPids() { return childPids(this.cairnd.pid); }
  masterAlive() { return pidAlive(this.cairnd.pid) && !this.cairnd.exitedYet(); }

  logs() {
    const read = (f) => { try { return readFileSync(path.join(this.dir, f), 'utf8'); } catch { return ''; } };
    return { cairnd: this.cairnd?.log() ?? '', nginx: this.nginx?.log() ?? '', nginxError: read('nginx-error.log') };
  }

  async stop() {
    const res = {};
    if (this.nginx) { res.nginx = await stopProcess(this.nginx); live.delete(this.nginx); }
    if (this.cairnd) { res.cairnd = await stopProcess(this.cairnd); live.delete(this.cairnd); }
    if (this.dir) {
      if (process.env.CAIRN_KEEP_TMP) console.log(`kept ${this.dir}`);
      else rmSync(this.dir, { recursive: true, force: true });
    }
    return res;
  }
}

// Register before()/after() hooks for one server shared by a test file and
// return it (started when the tests run).
export function useCairn(opts = {}) {
  const srv = new CairnServer(opts);
  // node 20 runs a file's top-level before() hooks concurrently, so a test
  // file's own before() must `await srv.ready` before it uses the server.
  let ready;
  srv.ready = new Promise((resolve, reject) => { ready = { resolve, reject }; });
  srv.ready.catch(() => {});
  before(async () => {
    try { await srv.start(); ready.resolve(srv); } catch (e) { ready.reject(e); throw e; }
  }, { timeout: START_TIMEOUT_MS + CLI_TIMEOUT_MS });
  after(async () => {
    const res = await srv.stop();
    // A server that crashed on the way out is a finding, not noise.
    if (res.cairnd && res.cairnd.forced) console.log('cairnd did not stop on SIGTERM within the timeout');
  }, { timeout: 2 * STOP_TIMEOUT_MS + 5000 });
  return srv;
}

// Patient record id for a trial identifier ("100"), read from the patient
// list's view XML (see tests/lib/views.mjs patients()).
export async function patientId(srv, identifier) {
  const { parseXml } = await import('./xml.mjs');
  const { patients } = await import('./views.mjs');
  const r = await srv.getXml(`/patients?q=${encodeURIComponent(identifier)}`);
  if (r.status !== 200) throw new Error(`GET /patients?q=${identifier}: ${r.status} ${r.body.slice(0, 300)}`);
  const found = patients(parseXml(r.body)).filter((p) => p.identifier === String(identifier));
  if (found.length !== 1 || !Number.isInteger(found[0].id)) {
    throw new Error(`not exactly one patient ${identifier} in /patients?q=${identifier}:\n${r.body.slice(0, 2000)}`);
  }
  return found[0].id;
}
