// Writing observations through the form and the XML API, and every
// refusal: bad form input and bad XML get a 4xx that names the field or
// the problem, the typed values are kept, nothing is stored (the record
// counts of `cairn stats` and of the database file do not move), and the
// worker that refused it is the same process, still serving.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, patientId, TRIAL_CSV } from '../lib/harness.mjs';
import { checkHtml, htmlText, parseXml } from '../lib/xml.mjs';
import { observations, errorFields, errorMessages, itemFieldNames } from '../lib/views.mjs';
import { readCsv } from '../lib/outcomes-from-csv.mjs';

const srv = useCairn({ importTrial: true });
const { rows } = readCsv(TRIAL_CSV);
const OBS = 'program:Observation';
let pid;            // record id of the patient we write to
let formNames;      // item id -> form field name, per instrument
let web;            // a signed-in clinician (forms carry its csrf token)

function pegForm({ pain = '6', enjoyment = '7', activity = '4', effective = '2024-01-15', timepoint = 'week-2', instrument = 'peg' } = {}) {
  const f = formNames.peg;
  return [
    ['instrument', instrument], ['effective', effective], ['timepoint', timepoint],
    [f.pain, pain], [f.enjoyment, enjoyment], [f.activity, activity],
  ];
}

function obsXml({ instrument = 'peg', effective = '2024-02-01', answers = { pain: 3, enjoyment: 4, activity: 5 }, extra = '' } = {}) {
  const a = Object.entries(answers).map(([k, v]) => `<answer item="${k}">${v}</answer>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Observation xmlns="urn:cairn:program"><instrument>${instrument}</instrument><effective>${effective}</effective><timepoint>week-4</timepoint>${a}${extra}</Observation>`;
}

async function chartObservations() {
  const r = await web.getXml(`/patients/${pid}`);
  assert.equal(r.status, 200);
  return observations(parseXml(r.body));
}

// Run `fn` (a refused request) and check that nothing was stored and no
// worker died.  Returns fn's response.
async function refusedWithoutTrace(fn) {
  const counts = srv.stats();
  const db = srv.dbCounts();
  const workers = srv.workerPids();
  const r = await fn();
  assert.ok(r.status >= 400 && r.status < 500, `expected a 4xx, got ${r.status}: ${r.body.slice(0, 400)}`);
  assert.deepEqual(srv.stats(), counts, 'record counts (cairn stats) unchanged');
  assert.deepEqual(srv.dbCounts(), db, 'projection rows in the database unchanged');
  const after = await web.get('/');
  assert.equal(after.status, 200, 'the next request is served');
  assert.deepEqual(srv.workerPids(), workers, 'no worker died or was replaced');
  return r;
}

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
  pid = await patientId(web, rows[1].id);
  formNames = { peg: await itemFieldNames(web, pid, 'peg', ['pain', 'enjoyment', 'activity']) };
});

test('a valid form post is stored, answers 303 to the chart, and the chart shows it scored', async () => {
  const before = srv.stats()[OBS];
  const r = await web.postForm(`/patients/${pid}/observations`, pegForm());
  assert.equal(r.status, 303, r.body.slice(0, 400));
  assert.equal(new URL(r.headers.location, srv.base).pathname, `/patients/${pid}`);
  assert.equal(srv.stats()[OBS], before + 1);
  const obs = (await chartObservations()).filter((o) => o.instrument === 'peg' && o.effective === '2024-01-15');
  assert.equal(obs.length, 1);
  assert.equal(obs[0].score, 5.7, 'PEG 6, 7, 4 scores 5.7');
  const html = await web.get(`/patients/${pid}`);
  assert.ok(htmlText(html.body).includes('5.7'), 'the chart shows the score');
});

test('a valid Observation posted as XML is stored and the score is computed by the server', async () => {
  const before = srv.stats()[OBS];
  const r = await web.postXml(`/patients/${pid}/observations`, obsXml({ extra: '<score>9.9</score>' }));
  assert.ok([200, 201, 303].includes(r.status), `status ${r.status}: ${r.body.slice(0, 400)}`);
  assert.equal(srv.stats()[OBS], before + 1);
  const o = (await chartObservations()).find((x) => x.instrument === 'peg' && x.effective === '2024-02-01');
  assert.ok(o, 'the chart lists it');
  assert.equal(o.score, 4, 'mean of 3, 4, 5 is 4.0; the client\'s 9.9 was replaced');
});

// Form refusals: field at fault, status 422, typed values kept.
const formCases = [
  { name: 'missing instrument', fields: () => pegForm({ instrument: '' }), field: 'instrument', kept: null },
  { name: 'answer out of range', fields: () => pegForm({ pain: '11' }), field: () => formNames.peg.pain, kept: '11', item: 'pain' },
  { name: 'answer not a number', fields: () => pegForm({ enjoyment: 'abc' }), field: () => formNames.peg.enjoyment, kept: 'abc', item: 'enjoyment' },
  { name: 'date that does not exist', fields: () => pegForm({ effective: '2024-02-30' }), field: 'effective', kept: '2024-02-30' },
  { name: 'unknown instrument', fields: () => pegForm({ instrument: 'no-such-instrument' }), field: 'instrument', kept: null },
];

for (const c of formCases) {
  test(`form refusal, ${c.name}: 422, the field named, the typed value kept, nothing stored`, async () => {
    const fieldName = typeof c.field === 'function' ? c.field() : c.field;
    const r = await refusedWithoutTrace(() => web.postForm(`/patients/${pid}/observations`, c.fields()));
    assert.equal(r.status, 422);
    assert.match(r.headers['content-type'] ?? '', /^text\/html\b/);
    const h = checkHtml(r.body);
    assert.deepEqual(h.errors, [], 'the re-rendered form is well-formed');
    assert.ok(h.elements.some((e) => e.name === 'form'), 'the form is shown again');
    if (c.kept !== null) {
      const input = h.elements.find((e) => e.attrs.name === fieldName);
      assert.ok(input, `field ${fieldName} present`);
      assert.equal(input.attrs.value, c.kept, `the typed value of ${fieldName} is kept`);
    }
    // Other typed values are kept too.
    const eff = h.elements.find((e) => e.attrs.name === 'effective');
    if (c.field !== 'effective') assert.equal(eff?.attrs.value, '2024-01-15', 'the date typed is kept');

    // The same post asking for XML names the field.
    const x = await web.postForm(`/patients/${pid}/observations`, c.fields(), { headers: { Accept: 'application/xml' } });
    assert.equal(x.status, 422);
    const doc = parseXml(x.body);
    const fields = errorFields(doc);
    const accepted = [fieldName, c.item].filter(Boolean);
    assert.ok(fields.some((f) => accepted.includes(f)), `the XML names ${accepted.join(' or ')} (got ${fields.join(', ')})`);
    // The message in the XML is the one shown next to the field in HTML.
    const msgs = errorMessages(doc);
    assert.ok(msgs.length > 0, 'an error message');
    assert.ok(msgs.some((m) => htmlText(r.body).includes(m)), `the HTML shows the message (${msgs[0]})`);
  });
}

// XML refusals: a 4xx whose body says what is wrong.
const xmlCases = [
  { name: 'not well-formed', body: obsXml().replace('</instrument>', ''), says: /instrument|line|well-formed|parse|mismatch/i },
  { name: 'wrong root element', body: '<Patient xmlns="urn:cairn:program"><identifier>1</identifier><name>x</name></Patient>', says: /Observation/ },
  { name: 'a DOCTYPE with an entity', body: `<?xml version="1.0"?>
<!DOCTYPE Observation [<!ENTITY peg "peg">]>
<Observation xmlns="urn:cairn:program"><instrument>&peg;</instrument><effective>2024-03-01</effective></Observation>`, says: /DOCTYPE|DTD|entit/i },
  { name: 'an external entity', body: `<?xml version="1.0"?>
<!DOCTYPE Observation [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Observation xmlns="urn:cairn:program"><instrument>peg</instrument><effective>2024-03-01</effective><timepoint>&x;</timepoint></Observation>`, says: /DOCTYPE|DTD|entit/i, never: /root:/ },
  { name: 'an element the schema does not allow', body: obsXml({ extra: '<bogus>1</bogus>' }), says: /bogus/ },
  { name: 'an answer out of range', body: obsXml({ answers: { pain: 11, enjoyment: 1, activity: 1 } }), says: /pain/, field: 'answer.pain' },
  { name: 'a date that does not exist', body: obsXml({ effective: '2024-02-30' }), says: /effective|date/i },
  { name: 'an unknown instrument', body: obsXml({ instrument: 'nosuch' }), says: /instrument|nosuch/i },
  { name: 'a body that is not XML at all', body: 'instrument=peg', says: /.+/ },
];

for (const c of xmlCases) {
  test(`XML refusal, ${c.name}: a 4xx naming the problem, nothing stored`, async () => {
    const r = await refusedWithoutTrace(() => web.postXml(`/patients/${pid}/observations`, c.body));
    assert.match(r.headers['content-type'] ?? '', /^application\/xml\b/, 'the API answers in XML');
    const doc = parseXml(r.body);
    const text = [...errorMessages(doc), ...errorFields(doc)].join(' | ');
    assert.match(text, c.says, `the answer says what is wrong: ${text}`);
    if (c.never) assert.doesNotMatch(r.body, c.never, 'no file content leaks');
    if (c.field) assert.ok(errorFields(doc).includes(c.field), `names field ${c.field}`);
  });
}

test('an Observation with 10,000 attributes on one element is refused as too costly, at once, and nothing is stored', async () => {
  const attrs = Array.from({ length: 10000 }, (_, i) => ` a${i}="v"`).join('');
  const body = obsXml().replace('<instrument>', `<instrument${attrs}>`);
  const t0 = process.hrtime.bigint();
  const r = await refusedWithoutTrace(() => web.postXml(`/patients/${pid}/observations`, body));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok([400, 413, 422].includes(r.status), `status ${r.status}`);
  assert.match(r.body, /more than 64 attributes/, 'the answer says why');
  console.log(`# 10,000 attributes refused in ${ms.toFixed(1)} ms (status ${r.status})`);
});

test('a write to a patient that does not exist is 404 and stores nothing', async () => {
  const r = await refusedWithoutTrace(() => web.postForm('/patients/987654321/observations', pegForm()));
  assert.equal(r.status, 404);
  const x = await refusedWithoutTrace(() => web.postXml('/patients/987654321/observations', obsXml()));
  assert.equal(x.status, 404);
});

test('a form post with a content type the server does not read is 415', async () => {
  const r = await refusedWithoutTrace(() => web.request('POST', `/patients/${pid}/observations`, {
    body: '{"instrument":"peg"}', headers: { 'Content-Type': 'application/json' } }));
  assert.equal(r.status, 415);
});

test('after every refusal the valid write still works', async () => {
  const before = srv.stats()[OBS];
  const r = await web.postForm(`/patients/${pid}/observations`, pegForm({ effective: '2024-03-03', pain: '0', enjoyment: '0', activity: '1' }));
  assert.equal(r.status, 303);
  assert.equal(srv.stats()[OBS], before + 1);
  const o = (await chartObservations()).find((x) => x.effective === '2024-03-03');
  assert.equal(o.score, 0.3);
});
