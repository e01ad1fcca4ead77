// Pages of the program plugin through nginx and cairnd, on the imported
// trial: each answers 200 with a well-formed HTML page, and the same URL
// with `Accept: application/xml` answers the view XML whose root names the
// view.  Unknown paths are 404, unknown methods 405.  A signed-in clinician
// asks (access.test.mjs covers everyone else).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, patientId } from '../lib/harness.mjs';
import { checkHtml, htmlText, parseXml } from '../lib/xml.mjs';
import { VIEW_ROOTS, patients, observations, val } from '../lib/views.mjs';
import { readCsv, readCsvMap, cell } from '../lib/outcomes-from-csv.mjs';
import { TRIAL_CSV, TRIAL_MAP } from '../lib/harness.mjs';

const srv = useCairn({ importTrial: true });
const { rows } = readCsv(TRIAL_CSV);
const map = await readCsvMap(TRIAL_MAP);
const PAGE_SIZE = 25;
// Every page here is the program's, for staff: a clinician (the role that
// may open all of them) signed in through the form.
let web;
before(async () => { await srv.ready; web = await srv.as('clinician'); });

function assertHtmlPage(r, what) {
  assert.equal(r.status, 200, `${what}: status ${r.status}: ${r.body.slice(0, 500)}`);
  assert.match(r.headers['content-type'] ?? '', /^text\/html\b/, `${what}: content-type`);
  const h = checkHtml(r.body);
  assert.deepEqual(h.errors, [], `${what}: HTML not well-formed`);
  assert.ok(h.title && h.title.length > 0, `${what}: no <title>`);
  return h;
}

function assertXmlView(r, roots, what) {
  assert.equal(r.status, 200, `${what}: status ${r.status}: ${r.body.slice(0, 500)}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/xml\b/, `${what}: content-type`);
  const doc = parseXml(r.body);
  assert.ok(roots.includes(doc.local), `${what}: root <${doc.local}>, expected one of ${roots.join(', ')}`);
  assert.equal(doc.ns, null, `${what}: a view's root has no namespace`);
  return doc;
}

// Links of an HTML page to patient charts: distinct ids.
function chartLinks(h) {
  const ids = new Set();
  for (const e of h.elements) {
    const m = e.name === 'a' && /^\/patients\/(\d+)$/.exec(e.attrs.href ?? '');
    if (m) ids.add(Number(m[1]));
  }
  return [...ids];
}

test('home page is HTML with the clinic name and links to patients and outcomes', async () => {
  const r = await web.get('/');
  const h = assertHtmlPage(r, 'GET /');
  assert.ok(htmlText(r.body).includes('Cairn test clinic'), 'the clinic name from the config is shown');
  const hrefs = h.elements.filter((e) => e.name === 'a').map((e) => e.attrs.href);
  assert.ok(hrefs.includes('/patients'), `link to /patients among ${hrefs}`);
  assert.ok(hrefs.includes('/outcomes'), `link to /outcomes among ${hrefs}`);
  assert.ok(hrefs.includes('/instruments'), `link to /instruments among ${hrefs}`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.ok(r.headers['content-security-policy'], 'a CSP header');
});

test('home page as XML carries the record counts of the imported trial', async () => {
  const doc = assertXmlView(await web.getXml('/'), VIEW_ROOTS.home, 'GET / (xml)');
  const counts = doc.child('counts');
  assert.ok(counts, '<counts>');
  const obs = rows.reduce((n, r) => n + ['pk1', 'pk2', 'pk5'].filter((c) => cell(r[c]) !== null).length, 0);
  assert.equal(Number(val(counts, 'patients')), rows.length);
  assert.equal(Number(val(counts, 'episodes')), rows.length);
  assert.equal(Number(val(counts, 'observations')), obs);
  const cohorts = Object.fromEntries(doc.childrenNamed('cohort').map((c) => [val(c, 'name'), Number(val(c, 'patients'))]));
  const want = {};
  for (const r of rows) want[map.cohorts[r[map.cohortColumn]]] = (want[map.cohorts[r[map.cohortColumn]]] ?? 0) + 1;
  assert.deepEqual(cohorts, want, 'patients per cohort');
});

test('patient list shows 25 patients per page and pages through all 401', async () => {
  const first = await web.get('/patients');
  const h1 = assertHtmlPage(first, 'GET /patients');
  const ids1 = chartLinks(h1);
  assert.equal(ids1.length, PAGE_SIZE, 'first page links 25 charts');
  const last = Math.ceil(rows.length / PAGE_SIZE);           // 17
  const r2 = await web.get('/patients?page=2');
  const ids2 = chartLinks(assertHtmlPage(r2, 'GET /patients?page=2'));
  assert.equal(ids2.length, PAGE_SIZE);
  assert.equal(ids1.filter((x) => ids2.includes(x)).length, 0, 'page 2 shows other patients than page 1');
  const rl = await web.get(`/patients?page=${last}`);
  const idsl = chartLinks(assertHtmlPage(rl, `GET /patients?page=${last}`));
  assert.equal(idsl.length, rows.length - (last - 1) * PAGE_SIZE, 'the last page holds the rest');

  // All pages together: every patient once.
  const all = new Set();
  for (let p = 1; p <= last; p++) {
    const doc = assertXmlView(await web.getXml(`/patients?page=${p}`), VIEW_ROOTS.patients, `page ${p} (xml)`);
    for (const pt of patients(doc)) all.add(pt.identifier);
  }
  assert.equal(all.size, rows.length, 'every patient appears on exactly one page');
  assert.deepEqual([...all].sort(), rows.map((r) => r.id).sort());
});

test('patient list as XML: 25 patients on page 1, the total and the page count', async () => {
  const doc = assertXmlView(await web.getXml('/patients'), VIEW_ROOTS.patients, 'GET /patients (xml)');
  assert.equal(Number(val(doc, 'total')), rows.length);
  assert.equal(Number(val(doc, 'pages')), Math.ceil(rows.length / PAGE_SIZE));
  const ps = patients(doc);
  assert.equal(ps.length, PAGE_SIZE);
  for (const p of ps) {
    assert.ok(Number.isInteger(p.id) && p.id > 0, `patient ${p.identifier} has a record id`);
    assert.ok(rows.some((r) => r.id === p.identifier), `identifier ${p.identifier} comes from the CSV`);
  }
});

test('search by identifier finds that patient; a search with no match lists none', async () => {
  const target = rows[137].id;
  const doc = assertXmlView(await web.getXml(`/patients?q=${target}`), VIEW_ROOTS.patients, 'search (xml)');
  const ids = patients(doc).map((p) => p.identifier);
  assert.ok(ids.includes(target), `q=${target} finds ${target} (got ${ids})`);
  assert.ok(ids.length < rows.length / 2, 'the search narrows the list');
  const html = await web.get(`/patients?q=${target}`);
  assertHtmlPage(html, 'search (html)');
  assert.ok(htmlText(html.body).includes(target));
  const none = assertXmlView(await web.getXml('/patients?q=no-such-patient-xyz'), VIEW_ROOTS.patients, 'empty search');
  assert.equal(patients(none).length, 0);
  // The search term is shown back escaped, never as markup.
  const hostile = await web.get(`/patients?q=${encodeURIComponent('<script>alert(1)</script>')}`);
  assertHtmlPage(hostile, 'hostile search');
  assert.ok(!hostile.body.includes('<script>alert(1)</script>'), 'the query is escaped');
});

test('a page number that is not a number is refused or ignored, never a 5xx', async () => {
  for (const q of ['page=abc', 'page=-1', 'page=0', 'page=99999999999999999999']) {
    const r = await web.get(`/patients?${q}`);
    assert.ok(r.status < 500, `${q}: ${r.status}`);
    assert.ok(checkHtml(r.body).ok, `${q}: well-formed page`);
  }
});

test('patient chart: observations table with the CSV scores and an SVG trajectory', async () => {
  // A patient with baseline and 12-month scores and a fractional value.
  const row = rows.find((r) => r.pk1 && r.pk5 && r.pk5.includes('.') && r.pk2);
  const id = await patientId(web, row.id);
  const r = await web.get(`/patients/${id}`);
  const h = assertHtmlPage(r, `GET /patients/${id}`);
  assert.ok(h.tags.get('table') >= 1, 'an observations table');
  assert.ok(h.tags.get('svg') >= 1, 'an SVG trajectory');
  assert.ok(htmlText(r.body).includes(row.id), 'the identifier is shown');

  const doc = assertXmlView(await web.getXml(`/patients/${id}`), VIEW_ROOTS.chart, 'chart (xml)');
  const obs = observations(doc).filter((o) => o.instrument === 'headache');
  const scores = obs.map((o) => o.score).sort((a, b) => a - b);
  const expected = ['pk1', 'pk2', 'pk5'].map((c) => cell(row[c])).filter((x) => x !== null).sort((a, b) => a - b);
  assert.equal(scores.length, expected.length, `observations of ${row.id}`);
  scores.forEach((s, i) => assert.ok(Math.abs(s - expected[i]) < 1e-9, `score ${s} vs CSV ${expected[i]}`));
  const baseline = obs.find((o) => o.timepoint === 'baseline');
  assert.ok(baseline, 'a baseline observation');
  assert.equal(baseline.score, cell(row.pk1));
});

test('observation form: a POST form with instrument, date and timepoint', async () => {
  const id = await patientId(web, rows[0].id);
  const r = await web.get(`/patients/${id}/observations/new`);
  const h = assertHtmlPage(r, 'observation form');
  // The layout has its own sign-out form; the observation form is the
  // post form that is not that one.
  const posts = h.elements.filter((e) => e.name === 'form' && (e.attrs.method ?? '').toLowerCase() === 'post');
  const form = posts.find((e) => e.attrs.action !== '/sign-out');
  assert.ok(form, `a <form method="post"> besides sign-out (actions: ${posts.map((e) => e.attrs.action)})`);
  assert.equal(form.attrs.action, `/patients/${id}/observations`);
  const names = h.elements.filter((e) => ['input', 'select', 'textarea'].includes(e.name)).map((e) => e.attrs.name);
  for (const n of ['instrument', 'effective', 'timepoint']) assert.ok(names.includes(n), `field ${n} among ${names}`);
  const options = h.elements.filter((e) => e.name === 'option').map((e) => e.attrs.value);
  for (const ins of ['nrs', 'peg', 'headache']) assert.ok(options.includes(ins), `instrument ${ins} offered`);
  assertXmlView(await web.getXml(`/patients/${id}/observations/new`), VIEW_ROOTS.form, 'form (xml)');
});

test('outcomes page: a table per cohort, HTML and XML', async () => {
  const r = await web.get('/outcomes');
  const h = assertHtmlPage(r, 'GET /outcomes');
  assert.ok(h.tags.get('table') >= 1, 'a table');
  const text = htmlText(r.body);
  for (const label of Object.values(map.cohorts)) assert.ok(text.includes(label), `cohort ${label} shown`);
  const doc = assertXmlView(await web.getXml('/outcomes'), VIEW_ROOTS.outcomes, 'outcomes (xml)');
  const cohorts = new Set(doc.findAll('group').map((g) => val(g, 'cohort')));
  assert.deepEqual([...cohorts].sort(), Object.values(map.cohorts).sort(), 'a group per cohort');
});

test('instruments page lists NRS, PEG and the headache score with their items', async () => {
  const r = await web.get('/instruments');
  assertHtmlPage(r, 'GET /instruments');
  const text = htmlText(r.body);
  for (const s of ['NRS', 'PEG', 'Headache']) assert.ok(text.includes(s), `${s} shown`);
  const doc = assertXmlView(await web.getXml('/instruments'), VIEW_ROOTS.instruments, 'instruments (xml)');
  const ids = doc.findAll('instrument').map((i) => val(i, 'id')).filter(Boolean);
  for (const id of ['nrs', 'peg', 'headache']) assert.ok(ids.includes(id), `instrument ${id} in ${ids}`);
  const peg = doc.findAll('instrument').find((i) => val(i, 'id') === 'peg');
  assert.equal(peg.findAll('item').length, 3, 'PEG has three items');
});

test('an unknown path is 404 with an error page, in HTML and in XML', async () => {
  const r = await web.get('/no/such/page');
  assert.equal(r.status, 404);
  assert.match(r.headers['content-type'] ?? '', /^text\/html\b/);
  assert.deepEqual(checkHtml(r.body).errors, []);
  const x = await web.getXml('/no/such/page');
  assert.equal(x.status, 404);
  const doc = parseXml(x.body);
  assert.equal(doc.local, 'error');
  assert.equal(val(doc, 'status'), '404');
  const missing = await web.get('/patients/987654321');
  assert.equal(missing.status, 404, 'a chart of a patient that does not exist');
});

test('a method the server does not answer is 405; so is a method a route does not take', async () => {
  const del = await web.request('DELETE', '/');
  assert.equal(del.status, 405);
  assert.match(del.headers.allow ?? '', /GET/);
  const put = await web.request('PUT', '/patients', { body: 'x', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(put.status, 405);
  const post = await web.postForm('/outcomes', { a: '1' });
  assert.equal(post.status, 405, 'POST /outcomes');
  // The worker that answered all of that is still serving.
  assert.equal((await web.get('/')).status, 200);
});
