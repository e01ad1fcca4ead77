// Capability links (core/server/corepages.c GET /c/<token>).  No plugin
// issues one yet, so links are made here as the core stores them: a
// capability row whose token_hash is the BLAKE2b-256 (unkeyed, 32-byte
// digest, hex) of a token only the test knows, written with the sqlite3
// CLI.  Opening a link exchanges the token for a short-lived cookie and
// redirects to a URL without the token; no-store and no-referrer; single
// and limited use, expiry and revocation are enforced; every use is
// audited; a link's cookie never opens a staff page.

import { test, before } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { useCairn, patientId, COOKIE_CAPABILITY, COOKIE_SESSION, setCookies, TRIAL_CSV } from '../lib/harness.mjs';
import { readCsv } from '../lib/outcomes-from-csv.mjs';
import {
  sqlJson, sqlExec, newToken, blake2b256Hex, assertSecurityHeaders, assertNoPatientData, auditRows,
} from '../lib/access.mjs';

const srv = useCairn({ importTrial: true });
const { rows } = readCsv(TRIAL_CSV);
const HAVE_PYTHON = blake2b256Hex('x') !== null;
let pid;

before(async () => {
  await srv.ready;
  pid = await patientId(await srv.as('clinician'), rows[20].id);
});

// Store a link as cairn_capability_issue would; returns { token, id }.
function issue({ target = `/patients/${pid}`, ttl = 3600, uses = 1, revoked = 0, scope = 'test:link', patient = pid } = {}) {
  const token = newToken();
  const hash = blake2b256Hex(token);
  const now = Math.floor(Date.now() / 1000);
  sqlExec(srv.database, 'INSERT INTO capability(token_hash, scope, target, patient, created, created_by, expires, uses_left, revoked) ' +
    `VALUES('${hash}', '${scope}', '${target}', ${patient ?? 'NULL'}, ${now}, 'test', ${now + ttl}, ${uses === null ? 'NULL' : uses}, ${revoked});`);
  const id = sqlJson(srv.database, `SELECT id FROM capability WHERE token_hash = '${hash}'`)[0].id;
  return { token, id, hash };
}

function assertLinkHeaders(r, what) {
  assertSecurityHeaders(r, what);
  assert.equal(r.headers['cache-control'], 'no-store', `${what}: Cache-Control: no-store`);
  assert.equal(r.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy: no-referrer`);
}

test('a token that was never issued, or of the wrong shape: 404, no cookie, no-store and no-referrer', async () => {
  for (const t of [newToken(), 'A'.repeat(43)]) {
    const r = await srv.get(`/c/${t}`);
    assert.equal(r.status, 404, t);
    assertLinkHeaders(r, `unknown ${t}`);
    assert.ok(!setCookies(r).some((c) => c.name === COOKIE_CAPABILITY));
    assert.ok(!r.body.includes(t), 'the token is not echoed');
  }
  const tokensInAudit = auditRows(srv.database).filter((e) => JSON.stringify(e).includes('A'.repeat(43)));
  assert.deepEqual(tokensInAudit, [], 'a refused token is not kept in the audit trail either');
  for (const t of ['short', `${newToken()}A`, `${newToken().slice(0, 42)}=`, `${newToken().slice(0, 42)}%2B`, '']) {
    const r = await srv.get(`/c/${t}`);
    assert.ok(r.status === 404 || r.status === 400, `${t}: ${r.status}`);
    assertSecurityHeaders(r, t);
  }
});

test('opening a link: 303 to its target without the token, a short-lived HttpOnly SameSite=Strict cookie, no-store, no-referrer, audited', { skip: !HAVE_PYTHON && 'python3 is needed for BLAKE2b-256' }, async () => {
  const { token, id, hash } = issue();
  const stored = sqlJson(srv.database, `SELECT * FROM capability WHERE id = ${id}`)[0];
  assert.equal(stored.token_hash, hash);
  assert.ok(!JSON.stringify(sqlJson(srv.database, 'SELECT * FROM capability')).includes(token), 'the token itself is not stored');
  const r = await srv.get(`/c/${token}`);
  assert.equal(r.status, 303, r.body.slice(0, 300));
  assertLinkHeaders(r, 'open');
  assert.equal(r.headers.location, `/patients/${pid}`, 'to the target');
  assert.ok(!r.headers.location.includes(token), 'a URL without the token');
  const cap = setCookies(r).find((c) => c.name === COOKIE_CAPABILITY);
  assert.ok(cap && cap.value.length === 43 && cap.value !== token, 'a cookie with a new secret, not the token');
  assert.equal(cap.attrs.httponly, true);
  assert.equal(String(cap.attrs.samesite).toLowerCase(), 'strict');
  assert.equal(cap.attrs.secure, true);
  assert.equal(cap.attrs.path, '/');
  const maxAge = Number(cap.attrs['max-age']);
  assert.ok(maxAge > 0 && maxAge <= 3600, `short-lived: Max-Age ${cap.attrs['max-age']}`);
  const entry = auditRows(srv.database, `outcome LIKE 'link ${id} opened%'`);
  assert.equal(entry.length, 1, 'the use is audited');
  assert.equal(entry[0].patient, pid, 'with the patient the link is about');
  assert.ok(!entry[0].path.includes(token), 'the audit trail does not keep the token');
  assert.equal(sqlJson(srv.database, `SELECT uses_left FROM capability WHERE id = ${id}`)[0].uses_left, 0, 'one use spent');
});

test('a single-use link opens once: the second time 410, audited, no cookie', { skip: !HAVE_PYTHON && 'python3 is needed' }, async () => {
  const { token, id } = issue({ uses: 1 });
  assert.equal((await srv.get(`/c/${token}`)).status, 303);
  const again = await srv.get(`/c/${token}`);
  assert.equal(again.status, 410);
  assertLinkHeaders(again, 'used');
  assert.ok(!setCookies(again).some((c) => c.name === COOKIE_CAPABILITY));
  assertNoPatientData(again.body, 'used link');
  assert.equal(auditRows(srv.database, "outcome LIKE 'link refused:%already been used%'").length >= 1, true, 'the refusal is audited');
  assert.ok(id);
});

test('a link with three uses opens three times; an unlimited one keeps opening', { skip: !HAVE_PYTHON && 'python3 is needed' }, async () => {
  const three = issue({ uses: 3 });
  const got = [];
  for (let i = 0; i < 4; i++) got.push((await srv.get(`/c/${three.token}`)).status);
  assert.deepEqual(got, [303, 303, 303, 410]);
  const many = issue({ uses: null });
  for (let i = 0; i < 5; i++) assert.equal((await srv.get(`/c/${many.token}`)).status, 303);
});

test('an expired link: 410 and no cookie', { skip: !HAVE_PYTHON && 'python3 is needed' }, async () => {
  const { token } = issue({ ttl: -1 });
  const r = await srv.get(`/c/${token}`);
  assert.equal(r.status, 410);
  assertLinkHeaders(r, 'expired');
  assert.ok(!setCookies(r).some((c) => c.name === COOKIE_CAPABILITY));
  assert.match(r.body, /expired/i);
});

test('a revoked link: 410; revoking an opened link ends its cookie too', { skip: !HAVE_PYTHON && 'python3 is needed' }, async () => {
  const rv = issue({ revoked: 1 });
  const r = await srv.get(`/c/${rv.token}`);
  assert.equal(r.status, 410);
  assert.ok(!setCookies(r).some((c) => c.name === COOKIE_CAPABILITY));
  // Open a link, then revoke it (as cairn_capability_revoke does): the
  // cookie no longer speaks for the link.  No route takes capability
  // cookies yet, so the audit trail shows who the core took the request
  // for: "link:<id>" before, "public" after.
  const live = issue({ uses: null });
  const o = await srv.get(`/c/${live.token}`);
  const cookie = setCookies(o).find((c) => c.name === COOKIE_CAPABILITY).value;
  const probe = async () => {
    await srv.get('/outcomes', { headers: { Cookie: `${COOKIE_CAPABILITY}=${cookie}` } });
    return auditRows(srv.database, "path = '/outcomes'").at(-1).actor;
  };
  assert.equal(await probe(), `link:${live.id}`);
  sqlExec(srv.database, `UPDATE capability SET revoked = 1 WHERE id = ${live.id}; DELETE FROM capability_session WHERE capability = ${live.id};`);
  assert.equal(await probe(), 'public');
  assert.equal((await srv.get(`/c/${live.token}`)).status, 410);
});

test('a link\'s cookie never opens a staff page (its target included) and never counts as a session', { skip: !HAVE_PYTHON && 'python3 is needed' }, async () => {
  const { token } = issue({ uses: null, target: `/patients/${pid}` });
  const o = await srv.get(`/c/${token}`);
  const cookie = setCookies(o).find((c) => c.name === COOKIE_CAPABILITY).value;
  for (const url of [`/patients/${pid}`, '/patients', '/', '/admin/audit', '/outcomes']) {
    for (const accept of [undefined, 'application/xml']) {
      const r = await srv.get(url, { accept, headers: { Cookie: `${COOKIE_CAPABILITY}=${cookie}` } });
      assert.ok([303, 401, 403].includes(r.status), `${url} with a link cookie: ${r.status}`);
      assertNoPatientData(r.body, `${url} with a link cookie`);
    }
  }
  // The link's secret in the session cookie's place is nothing either.
  const s = await srv.get(`/patients/${pid}`, { headers: { Cookie: `${COOKIE_SESSION}=${cookie}` } });
  assert.equal(s.status, 303);
  const t = await srv.get(`/patients/${pid}`, { headers: { Cookie: `${COOKIE_SESSION}=${token}` } });
  assert.equal(t.status, 303);
});

test('a stored link target that points off-site is never followed (defence behind cairn_capability_issue\'s own check)', () => {
  // cairn_capability_issue refuses such targets; a row written by hand
  // bypasses that, and still the redirect stays on this site.
  if (!HAVE_PYTHON) return;
  const { token } = issue({ target: '//evil.example/x', uses: null });
  return srv.get(`/c/${token}`).then((r) => {
    if (r.status === 303) {
      const u = new URL(r.headers.location, srv.base);
      assert.equal(u.origin, srv.base, `a stored off-site target was followed: ${r.headers.location}`);
    } else {
      assert.ok(r.status >= 400 && r.status < 500, String(r.status));
    }
  });
});

test('the web server\'s access log never holds a link\'s token: a use is logged as /c/[token]', { skip: !HAVE_PYTHON && 'python3 is needed' }, async () => {
  const { token } = issue({ uses: 2 });
  assert.equal((await srv.get(`/c/${token}`)).status, 303);
  assert.equal((await srv.get(`/c/${token}?x=1`)).status, 303);
  const front = process.env.CAIRN_FRONT === 'apache' ? 'apache' : 'nginx';
  const logFile = path.join(srv.dir, `${front}-access.log`);
  // The front end writes its log line after the response; give it a moment.
  let log = '';
  for (let i = 0; i < 50 && !log.includes('/c/[token]'); i++) {
    log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    if (!log.includes('/c/[token]')) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(log.length > 0, `${logFile} exists and has lines`);
  assert.ok(!log.includes(token), 'the token is not in the access log');
  assert.ok(!log.includes(token.slice(0, 20)), 'no part of the token either');
  assert.ok(log.includes('/c/[token]'), 'the use is logged with the token masked');
});
