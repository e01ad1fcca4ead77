// tests/lib/access.mjs -- what the access tests (issue 3) share: the route
// table as `cairn routes` prints it, a concrete path for each pattern,
// what counts as patient data in a response body, the headers every
// response must carry, the audit trail and the core tables read straight
// from the database file (sqlite3 CLI), and tokens the way the core makes
// and hashes them.

import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { run } from './harness.mjs';
import { checkHtml } from './xml.mjs';

// Every route of every loaded plugin: [{ method, pattern, audience: [..],
// plugin }].  `cairn routes` prints a header line, then one route a line:
// METHOD PATTERN AUDIENCE PLUGIN, separated by white space (a pattern has
// none).  Throws on any line it cannot read, so a change of format fails
// loudly instead of walking fewer routes.
export function parseRoutes(stdout) {
  const lines = stdout.split('\n').filter((l) => l.trim());
  assert.match(lines[0] ?? '', /^METHOD\s+PATTERN\s+AUDIENCE\s+PLUGIN\s*$/, `cairn routes header: ${lines[0]}`);
  return lines.slice(1).map((l) => {
    const f = l.trim().split(/\s+/);
    if (f.length !== 4 || !/^[A-Z]+$/.test(f[0]) || !f[1].startsWith('/')) throw new Error(`cairn routes: cannot read line: ${l}`);
    return { method: f[0], pattern: f[1], audience: f[2].split(','), plugin: f[3] };
  });
}

// A path that the route's pattern matches.  Named groups take a value
// from `samples` by name; an unnamed class with a repeat count takes its
// first character that many times.  Throws for a pattern it cannot fill
// (then add a sample: a route the walk skips would be a hole).
export function samplePath(pattern, samples) {
  let out = pattern.replace(/\(\?<([a-z_][a-z0-9_]*)>((?:\\.|\[[^\]]*\]|[^()])*)\)/gi, (m, name, body) => {
    if (samples[name] === undefined) {
      // A run of classes, each with an optional count: "[1-9][0-9]{0,17}".
      if (!/^(?:\[[^\]]+\](?:\{\d+(?:,\d*)?\}|\+)?)+$/.test(body))
        throw new Error(`no sample for (?<${name}>${body}) in ${pattern}`);
      let fill = '';
      for (const g of body.matchAll(/\[([^\]]+)\](?:\{(\d+)(?:,\d*)?\}|(\+))?/g)) {
        const first = g[1].startsWith('\\') ? g[1][1] : g[1][0];
        fill += first.repeat(g[2] !== undefined ? Number(g[2]) : 1);
      }
      if (!fill) throw new Error(`no sample for (?<${name}>${body}) in ${pattern}`);
      return fill;
    }
    return String(samples[name]);
  });
  if (/[()[\]{}*+?|^$\\]/.test(out)) throw new Error(`pattern ${pattern} left regex syntax in ${out}`);
  const re = new RegExp(`^${pattern.replace(/\(\?<([a-z_][a-z0-9_]*)>/gi, '(?<$1>')}$`);
  assert.match(out, re, `sample path ${out} does not match ${pattern}`);
  return out;
}

// Patient data a denial must never contain: the imported trial's patient
// names, its identifier system, record bodies of the program's types, the
// projection tables, and the cohort names of the outcomes report.
export const PATIENT_DATA = [
  /Trial patient/i,
  /urn:cairn:trial/,
  /<(?:[a-z]+:)?(?:Patient|Observation|EpisodeOfCare)\b/,
  /\bp_program_/,
  /acupuncture/i,
  /usual[- ]care/i,
];

export function assertNoPatientData(body, what) {
  for (const re of PATIENT_DATA) assert.doesNotMatch(body, re, `${what}: the body holds patient data (${re})`);
}

// Headers every response of cairnd carries (core/server/serve.c SECURITY_HEADERS).
export function assertSecurityHeaders(r, what) {
  const csp = r.headers['content-security-policy'] ?? '';
  const dirs = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean)
    .map((d) => { const [k, ...v] = d.split(/\s+/); return [k.toLowerCase(), v.join(' ')]; }));
  assert.equal(dirs['default-src'], "'self'", `${what}: CSP default-src 'self' (${csp})`);
  assert.equal(dirs['frame-ancestors'], "'none'", `${what}: CSP frame-ancestors 'none' (${csp})`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
}

// A denial: the status expected for who asked and how, no patient data.
//   anonymous HTML GET/HEAD -> 303 to /sign-in?next=<that path>, except
//                              on a route that capability links open
//                              (the person has no account: 401)
//   anonymous XML or POST   -> 401 (403 accepted)
//   signed in, wrong role   -> 403
export function assertDenied(r, { method, path, signedIn, xml, capability = false }, what) {
  assertSecurityHeaders(r, what);
  assertNoPatientData(r.body, what);
  if (!signedIn && !xml && method !== 'POST' && !capability) {
    assert.equal(r.status, 303, `${what}: ${r.status} ${r.body.slice(0, 200)}`);
    const loc = new URL(r.headers.location, 'http://cairn.test/');
    assert.equal(loc.host, 'cairn.test', `${what}: redirect stays on this host (${r.headers.location})`);
    assert.equal(loc.pathname, '/sign-in', `${what}: redirect to the sign-in form (${r.headers.location})`);
    assert.equal(loc.searchParams.get('next'), path, `${what}: next= names the page asked for`);
  } else if (!signedIn) {
    assert.ok([401, 403].includes(r.status), `${what}: expected 401, got ${r.status} ${r.body.slice(0, 200)}`);
  } else {
    assert.equal(r.status, 403, `${what}: ${r.status} ${r.body.slice(0, 200)}`);
  }
  if (!signedIn) assert.equal(r.headers['x-csrf-token'], undefined, `${what}: no form token for a visitor`);
}

// Markup that must come back as text, never as markup.
export const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];

// The hostile markup is not live in an HTML page: the page parses, has no
// <script> element and no element with an event-handler attribute, and
// the raw strings do not appear unescaped.
export function assertInert(body, what) {
  for (const h of HOSTILE) {
    assert.ok(!body.includes(h), `${what}: raw markup ${h} in the page`);
  }
  assert.ok(!/<img[^>]*onerror/i.test(body), `${what}: a live <img onerror>`);
  const c = checkHtml(body);
  assert.deepEqual(c.errors, [], `${what}: the page is well-formed`);
  assert.equal(c.elements.filter((e) => e.name === 'script').length, 0, `${what}: no <script> element`);
  const handlers = c.elements.filter((e) => Object.keys(e.attrs).some((a) => /^on/i.test(a)));
  assert.deepEqual(handlers.map((e) => e.name), [], `${what}: no element with an on* attribute`);
}

// Rows of a query on the database file (sqlite3 CLI, read-only).
export function sqlJson(database, sql) {
  const r = run('sqlite3', ['-readonly', '-json', database, sql]);
  if (r.code !== 0) throw new Error(`sqlite3 ${sql}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim() || '[]');
}

// Run statements that write (a hand edit); throws on failure.
export function sqlExec(database, sql) {
  const r = run('sqlite3', ['-bail', '-cmd', '.timeout 5000', database, sql]);
  if (r.code !== 0) throw new Error(`sqlite3 ${sql}: ${r.stderr}`);
  return r.stdout;
}

export function auditRows(database, where = '1') {
  return sqlJson(database, `SELECT * FROM audit WHERE ${where} ORDER BY seq`);
}

// A token in the core's shape: 256 random bits, URL-safe base64, no padding.
export function newToken() {
  return randomBytes(32).toString('base64url');
}

// The core's hash of a token (core/server/access.c cairn_secret_hash: unkeyed
// BLAKE2b with a 32-byte digest, as hex).  Node's crypto offers BLAKE2b
// only with a 64-byte digest (a different function: the digest length is
// a parameter of BLAKE2b), so Python's hashlib computes it.  null when
// python3 is not there.
export function blake2b256Hex(token) {
  const r = run('python3', ['-c', 'import hashlib,sys; print(hashlib.blake2b(sys.argv[1].encode(), digest_size=32).hexdigest())', token]);
  if (r.code !== 0) return null;
  return r.stdout.trim();
}

// SHA-256 hex, for recomputing an audit entry's hash the way core/store/audit.c
// does (a forger who knows the construction).
export function auditEntryHash(prev, e) {
  const fields = [e.time, e.actor, e.role, e.method, e.route, e.path,
    e.patient === null || e.patient === undefined ? '' : String(e.patient),
    e.record === null || e.record === undefined ? '' : String(e.record), e.outcome, e.remote];
  const h = createHash('sha256');
  h.update(prev);
  for (const f of fields) h.update(`\x1f${f}`);
  return h.digest('hex');
}
