// Sign-in and sessions: a wrong password and an unknown user get the same
// answer; repeated failures are slowed per account and address, with a
// ceiling per address (429 with Retry-After), and a stranger elsewhere
// never locks the owner out; a new session id at every sign-in (a
// planted cairn_sid is never adopted); sign-out ends the session; a
// disabled account cannot sign in and its sessions end; idle and absolute
// expiry are enforced by the server; cookies are HttpOnly, SameSite=Strict,
// Path=/, no Domain, and Secure unless the config says plain-http-demo
// (both configurations are started here).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, sleep, STAFF, COOKIE_SESSION, COOKIE_PRE, COOKIE_PLAIN, setCookies, Client } from '../lib/harness.mjs';
import * as fcgi from '../lib/fcgi.mjs';
import { parseXml } from '../lib/xml.mjs';
import { sqlJson, sqlExec, newToken, assertSecurityHeaders, assertNoPatientData } from '../lib/access.mjs';

const srv = useCairn({ importTrial: true });
const demo = useCairn({ importTrial: false, plainHttpDemo: true, workers: 1 });
const PW = 'a password long enough';

before(async () => {
  await srv.ready;
  await demo.ready;
  for (const [u, role] of [['throttle-me', 'clinician'], ['leaver', 'clinician'], ['leaver2', 'front-desk'], ['idle', 'clinician'], ['planted', 'clinician'], ['owner', 'front-desk']]) {
    const r = srv.addStaff(u, role, `Test ${u}`, PW);
    assert.equal(r.code, 0, r.stderr);
  }
});

// A sign-in attempt straight to cairnd with a chosen REMOTE_ADDR (nginx
// always says 127.0.0.1; the per-address throttle needs others) and a
// visitor token of our own (double submit: any 43-character token that
// equals the cairn_pre cookie).
async function fcgiSignIn(username, password, remote, { accept = 'application/xml' } = {}) {
  const token = newToken();
  const body = new URLSearchParams({ username, password, csrf: token }).toString();
  const r = await fcgi.request(srv.fcgiAddress, {
    params: fcgi.cgiParams({ method: 'POST', path: '/sign-in', body, contentType: 'application/x-www-form-urlencoded', accept,
      headers: { Cookie: `${COOKIE_PRE}=${token}` }, extra: { REMOTE_ADDR: remote } }),
    stdin: body, timeoutMs: 10000 });
  assert.equal(r.ended, true, `sign-in as ${username} from ${remote} ended`);
  return r;
}

const sidOf = (r) => setCookies(r).find((c) => c.name === COOKIE_SESSION && c.value);
const errorText = (r) => {
  try { return parseXml(r.text ?? r.body).findAll('error').map((e) => e.text.trim()).join(' '); } catch { return ''; }
};

test('the right password signs in: 303, a session cookie, and the pages open', async () => {
  const c = srv.client();
  const r = await c.signIn(STAFF.clinician.username, STAFF.clinician.password);
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/');
  assert.ok(c.cookie(COOKIE_SESSION));
  assert.equal((await c.get('/patients')).status, 200);
});

test('a wrong password and an unknown user get the same status and the same message, and no session', async () => {
  const wrong = await fcgiSignIn(STAFF.clinician.username, 'not the password at all', '10.0.0.1');
  const unknown = await fcgiSignIn('nobody-here', 'not the password at all', '10.0.0.2');
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, wrong.status);
  assert.ok(errorText(wrong).length > 5, `a message: ${errorText(wrong)}`);
  assert.equal(errorText(unknown), errorText(wrong), 'the same message');
  assert.equal(sidOf(wrong), undefined);
  assert.equal(sidOf(unknown), undefined);
  // Through nginx as HTML too: the same page apart from the typed name.
  const a = srv.client();
  const b = srv.client();
  const ra = await a.signIn(STAFF.admin.username, 'wrong password here');
  const rb = await b.signIn('no-such-user', 'wrong password here');
  assert.equal(ra.status, 401);
  assert.equal(rb.status, 401);
  const strip = (r) => r.body.replace(/value="[^"]*"/g, 'value=""');
  assert.equal(strip(ra), strip(rb), 'the two pages differ only in the values typed (and the visitor token)');
  assertNoPatientData(ra.body, 'wrong password page');
  // An empty or overlong user name is refused without a session too.
  for (const [u, p] of [['', 'x'], [STAFF.admin.username, ''], ['u'.repeat(65), 'whatever it is'], [STAFF.admin.username, 'p'.repeat(4000)]]) {
    const r = await fcgiSignIn(u, p, '10.0.0.3');
    assert.ok(r.status >= 400 && r.status < 500, `${u.length}/${p.length}: ${r.status}`);
    assert.equal(sidOf(r), undefined);
  }
});

test('repeated failures for one account from one address are slowed: 429 with Retry-After there, even for the right password; later it works and clears the counts', async () => {
  const statuses = [];
  let throttled = null;
  for (let i = 0; i < 9 && !throttled; i++) {
    const r = await fcgiSignIn('throttle-me', `wrong password ${i}`, '10.1.0.1');
    statuses.push(r.status);
    if (r.status === 429) throttled = r;
  }
  assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401], 'five tries are free');
  assert.ok(throttled, `a 429 after the free tries (${statuses})`);
  const ra = Number(throttled.headers['retry-after']);
  assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= 900, `Retry-After ${throttled.headers['retry-after']}`);
  assert.match(errorText(throttled), /again/i);
  assertSecurityHeaders(throttled, '429');
  const right = await fcgiSignIn('throttle-me', PW, '10.1.0.1');
  assert.equal(right.status, 429, 'the right password waits too from that address (no oracle while throttled)');
  assert.equal(sidOf(right), undefined);
  // After the wait, the right password works and clears the counts.
  await sleep((Number(right.headers['retry-after'] ?? ra) + 0.5) * 1000);
  const later = await fcgiSignIn('throttle-me', PW, '10.1.0.1');
  assert.equal(later.status, 303, `after Retry-After: ${later.status} ${errorText(later)}`);
  assert.ok(sidOf(later));
  const left = sqlJson(srv.database, "SELECT key FROM signin_failure WHERE key IN ('user:throttle-me', 'pair:throttle-me|10.1.0.1', 'addr:10.1.0.1')");
  assert.deepEqual(left, [], 'the account, pair and address counts are cleared by the success');
});

test('a stranger cannot lock an account out: failures from other addresses never make its owner wait', async () => {
  // A stranger fails 8 times from one address, then more from a dozen others.
  const seen = [];
  for (let i = 0; i < 8; i++) seen.push((await fcgiSignIn('owner', `stranger guess ${i}`, '10.3.0.1')).status);
  assert.ok(seen.includes(429), `the stranger's own address is slowed (${seen})`);
  for (let i = 0; i < 12; i++) await fcgiSignIn('owner', `stranger guess ${i}`, `10.3.1.${i + 1}`);
  // The owner, from their own address, signs in at once.
  const owner = await fcgiSignIn('owner', PW, '10.3.9.9');
  assert.equal(owner.status, 303, `the owner is not locked out: ${owner.status} ${errorText(owner)}`);
  assert.ok(sidOf(owner));
});

test('repeated failures from one address across many accounts hit the address ceiling: 429 for any account from there, not from elsewhere', async () => {
  const statuses = [];
  for (let i = 0; i < 24 && !statuses.includes(429); i++) {
    statuses.push((await fcgiSignIn(`guess-${i}`, 'password guess', '10.2.0.9')).status);
  }
  assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401), 'twenty tries across accounts are free (a clinic behind one NAT address)');
  assert.ok(statuses.includes(429), `a 429 past the ceiling (${statuses})`);
  const other = await fcgiSignIn(STAFF.admin.username, STAFF.admin.password, '10.2.0.9');
  assert.equal(other.status, 429, 'a real account from that address waits too');
  assert.ok(Number(other.headers['retry-after']) >= 1);
  // Another address is not affected.
  assert.equal((await fcgiSignIn(STAFF.admin.username, STAFF.admin.password, '10.2.0.10')).status, 303);
});

test('a disabled account takes as long to refuse as a wrong password (the hash is always verified)', async () => {
  const r = srv.addStaff('slow-leaver', 'clinician', 'Test slow leaver', PW);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(srv.cli(['user', 'disable', 'slow-leaver']).code, 0);
  const time = async (u, p, addr) => {
    const t0 = process.hrtime.bigint();
    const x = await fcgiSignIn(u, p, addr);
    assert.equal(x.status, 401, `${u}: ${x.status}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const med = (a) => a.sort((x, y) => x - y)[1];
  const disabled = []; const wrong = [];
  for (let i = 0; i < 3; i++) {
    disabled.push(await time('slow-leaver', PW, `10.4.0.${i + 1}`));
    wrong.push(await time('throttle-me', 'a wrong password here', `10.4.1.${i + 1}`));
  }
  console.log(`# disabled ${med(disabled).toFixed(1)} ms, wrong password ${med(wrong).toFixed(1)} ms (medians of 3)`);
  assert.ok(med(disabled) > med(wrong) * 0.4, `disabled ${med(disabled)} ms vs wrong ${med(wrong)} ms: the refusal must cost an argon2id verify`);
});

test('a planted session id is never adopted: sign-in issues a new one, and the planted one opens nothing', async () => {
  const planted = newToken();
  const c = srv.client();
  c.setCookie(COOKIE_SESSION, planted);
  assert.equal((await c.get('/')).status, 303, 'the planted id is no session');
  const r = await c.signIn('planted', PW);
  assert.equal(r.status, 303);
  const issued = sidOf(r)?.value;
  assert.ok(issued, 'a session cookie was set');
  assert.notEqual(issued, planted, 'a new id, not the planted one');
  assert.equal(issued.length, 43, '256 bits as URL-safe base64');
  const attacker = srv.client();
  attacker.setCookie(COOKIE_SESSION, planted);
  const a = await attacker.get('/patients');
  assert.equal(a.status, 303, 'the planted id opens nothing after the victim signed in');
  assertNoPatientData(a.body, 'planted id');
  // The database keeps only hashes of session ids.
  const hashes = sqlJson(srv.database, 'SELECT id_hash FROM staff_session').map((x) => x.id_hash);
  assert.ok(!hashes.includes(issued) && !hashes.includes(planted), 'no raw id stored');
  assert.ok(hashes.every((h) => /^[0-9a-f]{64}$/.test(h)));
});

test('signing in again while signed in gives a new id and ends the old session', async () => {
  const c = srv.client();
  assert.equal((await c.signIn('planted', PW)).status, 303);
  const first = c.cookie(COOKIE_SESSION);
  const r = await c.signIn('planted', PW);
  assert.equal(r.status, 303);
  const second = c.cookie(COOKIE_SESSION);
  assert.notEqual(second, first);
  const old = srv.client();
  old.setCookie(COOKIE_SESSION, first);
  assert.equal((await old.get('/')).status, 303, 'the old id no longer works');
  assert.equal((await c.get('/')).status, 200, 'the new one does');
});

test('sign-out ends the session on the server and clears the cookie', async () => {
  const c = srv.client();
  assert.equal((await c.signIn(STAFF['front-desk'].username, STAFF['front-desk'].password)).status, 303);
  const sid = c.cookie(COOKIE_SESSION);
  const r = await c.signOut();
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/sign-in');
  const cleared = setCookies(r).find((k) => k.name === COOKIE_SESSION);
  assert.ok(cleared && cleared.value === '' && cleared.attrs['max-age'] === '0', `the cookie is cleared (${JSON.stringify(cleared)})`);
  const replay = srv.client();
  replay.setCookie(COOKIE_SESSION, sid);
  assert.equal((await replay.get('/')).status, 303, 'the id replayed after sign-out opens nothing');
  assert.equal((await replay.getXml('/patients')).status, 401);
});

test('a disabled account cannot sign in and its open sessions end (admin page and CLI); enabled again, it can', async () => {
  const admin = await srv.as('admin');
  const l = srv.client();
  assert.equal((await l.signIn('leaver', PW)).status, 303);
  assert.equal((await l.get('/patients')).status, 200);
  const d = await admin.postForm('/admin/users/leaver/disable', []);
  assert.equal(d.status, 303, d.body.slice(0, 300));
  const after = await l.get('/patients');
  assert.equal(after.status, 303, 'the open session ended');
  assertNoPatientData(after.body, 'disabled session');
  const again = await fcgiSignIn('leaver', PW, '10.3.0.1');
  const wrong = await fcgiSignIn('leaver', 'not it at all', '10.3.0.2');
  assert.equal(again.status, 401, 'the right password of a disabled account is refused');
  assert.equal(errorText(again), errorText(wrong), 'with the message of a wrong password (nothing tells it is disabled)');
  assert.equal(sqlJson(srv.database, "SELECT count(*) AS n FROM staff_session s JOIN staff t ON t.id = s.staff WHERE t.username = 'leaver'")[0].n, 0);
  // An admin cannot disable itself.
  const self = await admin.postForm(`/admin/users/${STAFF.admin.username}/disable`, []);
  assert.equal(self.status, 422);
  assert.equal((await admin.get('/admin/users')).status, 200, 'still signed in');
  // The CLI does the same.
  const l2 = srv.client();
  assert.equal((await l2.signIn('leaver2', PW)).status, 303);
  assert.equal(srv.cli(['user', 'disable', 'leaver2']).code, 0);
  assert.equal((await l2.get('/')).status, 303, 'the CLI ended the session');
  assert.equal((await fcgiSignIn('leaver2', PW, '10.3.0.3')).status, 401);
  // Enabled again: a new sign-in works (the old session stays ended).
  assert.equal((await admin.postForm('/admin/users/leaver/enable', [])).status, 303);
  assert.equal((await fcgiSignIn('leaver', PW, '10.3.0.4')).status, 303);
  assert.equal((await l.get('/')).status, 303, 'the session ended by disabling does not come back');
});

test('a new password ends the sessions opened with the old one', async () => {
  const c = srv.client();
  assert.equal((await c.signIn('idle', PW)).status, 303);
  const r = srv.cli(['user', 'passwd', 'idle'], { input: 'another long password\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await c.get('/')).status, 303);
  assert.equal((await fcgiSignIn('idle', PW, '10.4.0.1')).status, 401, 'the old password is gone');
  assert.equal((await fcgiSignIn('idle', 'another long password', '10.4.0.2')).status, 303);
});

test('idle and absolute expiry are enforced by the server (session rows aged by hand)', async () => {
  const c = srv.client();
  assert.equal((await c.signIn('idle', 'another long password')).status, 303);
  const now = Math.floor(Date.now() / 1000);
  const staffId = sqlJson(srv.database, "SELECT id FROM staff WHERE username = 'idle'")[0].id;
  // 31 minutes without a request (the idle limit is 30).
  sqlExec(srv.database, `UPDATE staff_session SET seen = ${now - 31 * 60} WHERE staff = ${staffId}`);
  assert.equal((await c.get('/')).status, 303, 'idle for 31 minutes: signed out');
  // A fresh session, seen a moment ago but created 12 h 1 min ago.
  const d = srv.client();
  assert.equal((await d.signIn('idle', 'another long password')).status, 303);
  assert.equal((await d.get('/')).status, 200);
  sqlExec(srv.database, `UPDATE staff_session SET created = ${now - 12 * 3600 - 60}, seen = ${now} WHERE staff = ${staffId}`);
  assert.equal((await d.get('/')).status, 303, 'older than 12 hours: signed out, however active');
  // Seen 29 minutes ago: still valid (the control case).
  const e = srv.client();
  assert.equal((await e.signIn('idle', 'another long password')).status, 303);
  sqlExec(srv.database, `UPDATE staff_session SET seen = ${now - 29 * 60}, created = ${now - 29 * 60} WHERE staff = ${staffId}`);
  assert.equal((await e.get('/')).status, 200, '29 minutes idle is still signed in');
});

// ------------------------------------------------------------- cookies

function checkCookie(c, { secure }, what) {
  assert.equal(c.attrs.httponly, true, `${what}: HttpOnly`);
  assert.equal(String(c.attrs.samesite).toLowerCase(), 'strict', `${what}: SameSite=Strict`);
  assert.equal(c.attrs.path, '/', `${what}: Path=/`);
  assert.equal(c.attrs.domain, undefined, `${what}: no Domain`);
  assert.equal(c.attrs.secure === true, secure, `${what}: Secure ${secure ? 'set' : 'not set'}`);
}

for (const [label, server, secure] of [['default config', srv, true], ['plain-http-demo config', demo, false]]) {
  test(`cookie flags, ${label}: HttpOnly, SameSite=Strict, Path=/, no Domain, Secure ${secure ? 'on' : 'off'}`, async () => {
    const c = server.client();
    const form = await c.get('/sign-in');
    const pre = setCookies(form).find((k) => k.name === (secure ? COOKIE_PRE : COOKIE_PLAIN.pre));
    assert.ok(pre, 'the visitor token cookie');
    checkCookie(pre, { secure }, 'cairn_pre');
    const r = await c.signIn(STAFF.clinician.username, STAFF.clinician.password);
    assert.equal(r.status, 303);
    const sid = setCookies(r).find((k) => k.name === (secure ? COOKIE_SESSION : COOKIE_PLAIN.session));
    checkCookie(sid, { secure }, 'cairn_sid');
    assert.equal(sid.attrs['max-age'], undefined, 'a session cookie (no Max-Age): gone when the browser closes');
    const out = await c.signOut();
    checkCookie(setCookies(out).find((k) => k.name === (secure ? COOKIE_SESSION : COOKIE_PLAIN.session)), { secure }, 'cleared cairn_sid');
  });
}

test('forty cookies from other software do not lock a signed-in browser out, and a session cookie without __Host- is not read', async () => {
  const c = await srv.as('clinician');
  for (let i = 0; i < 40; i++) c.setCookie(`other${i}`, 'x');
  const r = await c.get('/patients');
  assert.equal(r.status, 200, `with 40 foreign cookies: ${r.status}`);
  // The same session id under the unprefixed name, as a sibling subdomain
  // could plant it, opens nothing on a server with Secure cookies.
  const planted = srv.client();
  planted.setCookie(COOKIE_PLAIN.session, c.cookie(COOKIE_SESSION));
  assert.equal((await planted.get('/patients')).status, 303, 'not signed in');
});

test('the plain-http-demo server says so at start-up', () => {
  const log = demo.logs().cairnd;
  assert.match(log, /plain|Secure|demo/i, `a warning in cairnd's log:\n${log.slice(0, 1500)}`);
});

test('the workers lived through all of it', async () => {
  assert.ok(srv.masterAlive());
  assert.equal(srv.workerPids().length, 2);
  const c = await srv.as('clinician');
  assert.equal((await c.get('/')).status, 200);
  assert.ok(Client);
});
