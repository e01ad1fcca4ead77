// Markup and script in every text field that can be stored or
// echoed, then viewed where it shows: a patient name (CSV import with a
// name format that holds markup) in the patient list, the chart and its
// print view (the chart's own print styles: there is no separate print
// route yet); an observation's timepoint (form and XML API: refused by the
// schema, and the refusal re-renders what was typed); a staff display name
// (/admin/users) in the staff list and the page header of that person; a
// sign-in user name, which lands in the audit trail, on the audit page;
// query values echoed back (search, audit filter, next=).  The raw markup
// never appears unescaped and no page has a live script.  Control
// characters in audited values are escaped.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, patientId, xmlEscape, STAFF, COOKIE_PRE, TRIAL_CSV, TRIAL_MAP } from '../lib/harness.mjs';
import * as fcgi from '../lib/fcgi.mjs';
import { htmlText } from '../lib/xml.mjs';
import { itemFieldNames } from '../lib/views.mjs';
import { HOSTILE, assertInert, sqlJson, newToken } from '../lib/access.mjs';

const srv = useCairn({ importTrial: false });
const MARK = `${HOSTILE[0]}${HOSTILE[1]}`;
let clin; let admin; let tmp;
const IDS = ['900001', '900002'];

before(async () => {
  await srv.ready;
  [clin, admin] = await Promise.all([srv.as('clinician'), srv.as('admin')]);
  // Two trial rows under new identifiers, imported with a name format
  // that carries the markup: "<script>...<img ...> {id}".
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cairn-markup-'));
  const lines = readFileSync(TRIAL_CSV, 'utf8').split('\n');
  const rows = lines.slice(1, 3).map((l, i) => l.replace(/^\d+,/, `${IDS[i]},`));
  writeFileSync(path.join(tmp, 'm.csv'), [lines[0], ...rows, ''].join('\n'));
  const map = readFileSync(TRIAL_MAP, 'utf8').replace(/name="Trial patient \{id\}"/, `name="${xmlEscape(MARK)} {id}"`);
  assert.ok(map.includes('onerror'), 'the map carries the markup');
  writeFileSync(path.join(tmp, 'm.map.xml'), map);
  const r = srv.importCsv(path.join(tmp, 'm.csv'), path.join(tmp, 'm.map.xml'));
  assert.equal(r.code, 0, `import: ${r.stderr}`);
  rmSync(tmp, { recursive: true, force: true });
});

test('a patient name with markup is text in the patient list, the search, the chart (and its print view) and the XML', async () => {
  const pid = await patientId(clin, IDS[0]);
  for (const url of ['/patients', `/patients?q=${IDS[0]}`, `/patients/${pid}`, '/']) {
    const r = await clin.get(url);
    assert.equal(r.status, 200, url);
    assertInert(r.body, url);
  }
  const chart = await clin.get(`/patients/${pid}`);
  assert.ok(htmlText(chart.body).includes(`${MARK} ${IDS[0]}`), 'the name is shown, as text');
  const x = await clin.getXml(`/patients/${pid}`);
  assert.ok(!x.body.includes('<script>'), 'the XML escapes it too');
  assert.ok(x.body.includes('&lt;script&gt;'), 'as escaped text');
  // The front desk's list too.
  assertInert((await (await srv.as('front-desk')).get('/patients')).body, 'front desk list');
});

test('markup in an observation timepoint (form and XML) is refused by the schema; the re-rendered form shows it as text; nothing stored', async () => {
  const pid = await patientId(clin, IDS[1]);
  const f = await itemFieldNames(clin, pid, 'peg', ['pain', 'enjoyment', 'activity']);
  const before = srv.stats()['program:Observation'];
  for (const h of HOSTILE) {
    const r = await clin.postForm(`/patients/${pid}/observations`, [['instrument', 'peg'], ['effective', '2024-01-01'], ['timepoint', h],
      [f.pain, '1'], [f.enjoyment, '1'], [f.activity, '1']]);
    assert.equal(r.status, 422, `form timepoint ${h}: ${r.status}`);
    assertInert(r.body, `form re-rendered with ${h}`);
    assert.ok(htmlText(r.body).includes(h) || r.body.includes(xmlEscape(h).replace(/&apos;/g, "'")) || r.body.includes(h.replace(/</g, '&lt;')),
      'the typed value is kept (as text)');
    const x = await clin.postXml(`/patients/${pid}/observations`,
      `<Observation xmlns="urn:cairn:program"><instrument>peg</instrument><effective>2024-01-01</effective><timepoint>${xmlEscape(h)}</timepoint>` +
      '<answer item="pain">1</answer><answer item="enjoyment">1</answer><answer item="activity">1</answer></Observation>');
    assert.ok(x.status >= 400 && x.status < 500, `xml timepoint: ${x.status}`);
    assert.ok(!x.body.includes(h), 'the XML error escapes the value');
    // Markup in an answer and in the date field, too.
    const a = await clin.postForm(`/patients/${pid}/observations`, [['instrument', 'peg'], ['effective', h], ['timepoint', 'x'],
      [f.pain, h], [f.enjoyment, '1'], [f.activity, '1']]);
    assert.equal(a.status, 422);
    assertInert(a.body, `form with ${h} in the date and an answer`);
  }
  assert.equal(srv.stats()['program:Observation'], before, 'nothing stored');
  const chart = await clin.get(`/patients/${pid}`);
  assertInert(chart.body, 'chart after the refusals');
});

test('a staff display name with markup (added on /admin/users) is text in the staff list and in that person\'s page header', async () => {
  const r = await admin.postForm('/admin/users', [['username', 'markup-name'], ['display_name', MARK], ['role', 'front-desk'],
    ['password', 'a long enough password']]);
  assert.equal(r.status, 303, r.body.slice(0, 300));
  assert.equal(sqlJson(srv.database, "SELECT display_name FROM staff WHERE username = 'markup-name'")[0].display_name, MARK, 'stored as typed');
  const list = await admin.get('/admin/users');
  assertInert(list.body, '/admin/users');
  assert.ok(htmlText(list.body).includes(MARK), 'shown as text');
  const who = srv.client();
  assert.equal((await who.signIn('markup-name', 'a long enough password')).status, 303);
  for (const url of ['/', '/patients', '/instruments', '/outcomes', '/no/such/page']) {
    const p = await who.get(url);
    assertInert(p.body, `${url} as markup-name (${p.status})`);
  }
  // A refused add re-renders the typed values: inert too.
  const bad = await admin.postForm('/admin/users', [['username', HOSTILE[1]], ['display_name', MARK], ['role', HOSTILE[0]], ['password', 'short']]);
  assert.ok(bad.status === 422 || bad.status === 409, String(bad.status));
  assertInert(bad.body, 'refused add');
  assert.equal(sqlJson(srv.database, 'SELECT count(*) AS n FROM staff')[0].n, Object.keys(STAFF).length + 1, 'nothing else stored');
});

test('a sign-in user name with markup is text on the sign-in form and in the audit trail page', async () => {
  for (const h of HOSTILE) {
    const c = srv.client();
    const r = await c.signIn(h, 'wrong password for markup');
    assert.equal(r.status, 401);
    assertInert(r.body, `sign-in form echo of ${h}`);
  }
  const refused = sqlJson(srv.database, "SELECT outcome FROM audit WHERE outcome LIKE 'sign-in refused for %' ORDER BY seq");
  assert.ok(refused.some((x) => x.outcome.includes('<script>')), `the audit holds the name as typed: ${JSON.stringify(refused)}`);
  const page = await admin.get('/admin/audit');
  assert.equal(page.status, 200);
  assertInert(page.body, '/admin/audit');
  assert.ok(htmlText(page.body).includes('sign-in refused for <script>'), 'shown as text');
});

test('control characters in audited values are escaped (user name, client address)', async () => {
  const token = newToken();
  const username = 'evil\r\nFORGED ENTRY\tx';
  const body = new URLSearchParams({ username, password: 'wrong password here', csrf: token }).toString();
  const r = await fcgi.request(srv.fcgiAddress, {
    params: fcgi.cgiParams({ method: 'POST', path: '/sign-in', body, contentType: 'application/x-www-form-urlencoded', accept: 'application/xml',
      headers: { Cookie: `${COOKIE_PRE}=${token}` }, extra: { REMOTE_ADDR: '10.9.9.9\r\nforged' } }),
    stdin: body });
  assert.equal(r.status, 401);
  const row = sqlJson(srv.database, "SELECT * FROM audit WHERE outcome LIKE 'sign-in refused for evil%' ORDER BY seq DESC LIMIT 1")[0];
  assert.ok(row, 'an audit entry for the attempt');
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'string') assert.doesNotMatch(v, /[\x00-\x1f\x7f]/, `audit.${k} holds no control character: ${JSON.stringify(v)}`);
  }
  assert.match(row.outcome, /evil\\x0D\\x0AFORGED ENTRY\\x09x/, `escaped: ${row.outcome}`);
  assert.match(row.remote, /10\.9\.9\.9\\x0D\\x0Aforged/, `escaped: ${row.remote}`);
  assertInert((await admin.get('/admin/audit')).body, 'audit page with escaped values');
});

test('query values echoed back are text: the search box, the audit filters, next= on the sign-in form', async () => {
  for (const h of HOSTILE) {
    const e = encodeURIComponent(h);
    for (const [c, url] of [[clin, `/patients?q=${e}`], [admin, `/admin/audit?actor=${e}`], [srv.client(), `/sign-in?next=${encodeURIComponent(`/patients/${h}`)}`],
      [srv.client(), `/sign-in?next=${encodeURIComponent(`/${h.replace(/ /g, '')}`)}`], [admin, `/admin/audit?patient=${e}`], [clin, `/patients?page=${e}`]]) {
      const r = await c.get(url);
      assert.ok(r.status < 500, `${url}: ${r.status}`);
      assertInert(r.body, `${url} (${r.status})`);
    }
  }
});
