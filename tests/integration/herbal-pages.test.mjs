// The herbal staff pages over HTTP (real nginx, real cairnd, the program
// plugin for patients): the reference at /herbs with a source per fact;
// each rule through the XML API with nothing stored on refusal; the
// prescribing form from Du Huo Ji Sheng Tang with findings beside each
// herb, saved once the warnings are acknowledged; a change as a new
// version with a reason and the history saying what changed; printable
// instructions without internal codes; the dispensing sheet's totals;
// and a prescription that became unsafe after a medicines change listed
// on the alerts.  The tests run in order on one database.
//
// Needs the program plugin built (patients); the herbal plugin alone is
// tested through the CLI in herbal.test.mjs.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, patientId } from '../lib/harness.mjs';

const srv = useCairn({ importTrial: true });
let clinician, pid, pid2, rxPath;
const RX = 'herbal:Prescription';
const stored = () => srv.stats()[RX] ?? 0;
const REASON = 'Specialist advice documented in the chart today';

function xml(herbs, { subject, form = 'raw', ratio = null, acknowledged = false, justification = null } = {}) {
  return `<Prescription xmlns="urn:cairn:herbal">
  <subject>${subject}</subject>
  <formula kind="custom"></formula>
  <form>${form}</form>
${ratio ? `  <ratio>${ratio}</ratio>\n` : ''}  <days>14</days>
  <startDate>2026-12-03</startDate>
  <prescriber>test-clinician</prescriber>
${herbs.map(([n, g]) => `  <herb><name>${n}</name><grams>${g}</grams></herb>`).join('\n')}
${acknowledged ? '  <acknowledged/>\n' : ''}${justification ? `  <justification>${justification}</justification>\n` : ''}</Prescription>`;
}

before(async () => {
  await srv.ready;
  clinician = await srv.as('clinician');
  pid = await patientId(clinician, '100');
  pid2 = await patientId(clinician, '101');
});

test('/herbs lists monographs, formulas and rules, each fact with its source, and searches', async () => {
  let r = await clinician.get('/herbs');
  assert.equal(r.status, 200);
  assert.match(r.body, /Du Huo \(独活\)/);
  assert.match(r.body, /Du Huo Ji Sheng Tang/);
  assert.match(r.body, /eighteen incompatibilities/);
  assert.match(r.body, /source: <a href="#src-chp2020">chp2020<\/a>, 独活/);
  assert.match(r.body, /not yet been checked against its printed/);
  r = await clinician.get('/herbs?q=dan%20shen');
  assert.equal(r.status, 200);
  assert.match(r.body, /Dan Shen \(丹参\)/);
  assert.match(r.body, /Raised INR with serious bleeding/);
  assert.doesNotMatch(r.body, /Du Huo \(独活\)/);
});

test('the patient is on warfarin (by brand): a new medicines version', async () => {
  const r = await clinician.postForm(`/patients/${pid}/herbal/medicines`,
    { pregnancy: 'not-pregnant', 'medicine-1': 'Coumadin 5 mg at night', 'medicine-2': 'paracetamol 1 g' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const page = await clinician.get(`/patients/${pid}/herbal`);
  assert.match(page.body, /Coumadin 5 mg at night/);
});

test('XML API: each rule refuses and stores nothing', async () => {
  const cases = [
    [[['Du Huo', 9], ['Guan Mu Tong', 3]], { acknowledged: true, justification: REASON }, /aristolochic acid/],
    [[['Gan Cao', 6], ['Gan Sui', 1]], {}, /eighteen incompatibilities/],
    [[['Fu Zi', 6], ['Fa Ban Xia', 9]], { acknowledged: true }, /eighteen incompatibilities/],
    [[['Dan Shen', 12]], {}, /Dan Shen \(丹参\) with warfarin/],
    [[['Xi Xin', 1]], { form: 'granules', ratio: 5 }, /5 g of raw herb a day/],
    [[['Du Hou', 9]], { acknowledged: true, justification: REASON }, /Did you mean Du Huo/],
  ];
  for (const [herbs, o, pattern] of cases) {
    const before = stored();
    const r = await clinician.postXml(`/patients/${pid}/herbal/prescriptions`, xml(herbs, { subject: pid, ...o }));
    assert.equal(r.status, 422, `${herbs.map((h) => h[0])}: ${r.body.slice(0, 500)}`);
    assert.match(r.body, pattern);
    assert.equal(stored(), before, 'nothing stored');
  }
  const r = await clinician.postXml(`/patients/${pid}/herbal/prescriptions`,
    xml([['Dan Shen', 12]], { subject: pid, justification: REASON }));
  assert.equal(r.status, 201, r.body.slice(0, 500));
});

test('the form from Du Huo Ji Sheng Tang shows findings beside each herb and stores nothing until acknowledged', async () => {
  let r = await clinician.get(`/patients/${pid}/herbal/prescribe?formula=du-huo-ji-sheng-tang`);
  assert.equal(r.status, 200);
  assert.match(r.body, /name="herb-5-name"[^>]*value="Xi Xin"/);
  const fields = { formula: 'du-huo-ji-sheng-tang', form: 'raw', days: '14', dosesPerDay: '2', startDate: '2026-12-03',
    instructions: 'Take warm, twice a day.' };
  const herbs = [['Du Huo', 9], ['Sang Ji Sheng', 6], ['Du Zhong', 6], ['Niu Xi', 6], ['Xi Xin', 6], ['Qin Jiao', 6],
    ['Fu Ling', 6], ['Rou Gui', 6], ['Fang Feng', 6], ['Chuan Xiong', 6], ['Ren Shen', 6], ['Gan Cao', 6],
    ['Dang Gui', 6], ['Bai Shao', 6], ['Sheng Di Huang', 6]];
  herbs.forEach(([n, g], i) => { fields[`herb-${i + 1}-name`] = n; fields[`herb-${i + 1}-grams`] = String(g); });
  const before = stored();
  r = await clinician.postForm(`/patients/${pid}/herbal/prescribe`, fields);
  assert.equal(r.status, 422, r.body.slice(0, 500));
  assert.equal(stored(), before);
  assert.match(r.body, /Xi Xin \(细辛\): 6 g of raw herb a day is above the usual 1-3 g/);
  assert.match(r.body, /Dang Gui \(当归\) with warfarin/);
  assert.match(r.body, /I have read the warnings/);
  r = await clinician.postForm(`/patients/${pid}/herbal/prescribe`, { ...fields, acknowledged: 'yes' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  assert.equal(stored(), before + 1);
  const loc = r.headers.location;
  assert.match(loc, new RegExp(`^/patients/${pid}/herbal/prescriptions/\\d+$`));
  rxPath = loc;
});

test('a change is a new version with a reason, and the history says what changed', async () => {
  const loc = rxPath;
  let r = await clinician.get(`${loc}/revise`);
  assert.equal(r.status, 200);
  const version = r.body.match(/name="version" value="(\d+)"/)[1];
  assert.match(r.body, /name="herb-15-name"[^>]*value="Sheng Di Huang"/, 'the form holds the stored herbs');
  const fields = { version, form: 'raw', days: '14', dosesPerDay: '2', startDate: '2026-12-03', acknowledged: 'yes',
    instructions: 'Take warm, twice a day.',
    formula: 'du-huo-ji-sheng-tang', 'herb-1-name': 'Du Huo', 'herb-1-grams': '12', 'herb-2-name': 'Sang Ji Sheng', 'herb-2-grams': '12' };
  r = await clinician.postForm(`${loc}/revise`, fields);
  assert.equal(r.status, 422, 'a change needs a reason');
  r = await clinician.postForm(`${loc}/revise`, { ...fields, reason: 'Pain worse at night; simpler formula.' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  r = await clinician.get(loc);
  assert.match(r.body, /Version 2, \d{4}-\d{2}-\d{2}, test-clinician:\s+Du Huo 9 g -&gt; 12 g; Sang Ji Sheng 6 g -&gt; 12 g; removed Du Zhong/);
  assert.match(r.body, /Pain worse at night/);
});

test('printed instructions are plain, with the clinic name and no internal codes; the dispensing sheet totals', async () => {
  const loc = rxPath;
  let r = await clinician.get(`${loc}/instructions`);
  assert.equal(r.status, 200);
  assert.match(r.body, /Your herbal medicine/);
  assert.match(r.body, /Take warm, twice a day\./);
  assert.match(r.body, /Du Huo \(独活\)/);
  const article = r.body.slice(r.body.indexOf('<article'), r.body.indexOf('</article>'));
  assert.doesNotMatch(article, /du-huo|chp2020|herbal:|\bversion\b/i, 'no internal codes');
  r = await clinician.get(`${loc}/dispensing`);
  assert.equal(r.status, 200);
  assert.match(r.body, /<td>12<\/td><td>6<\/td><td>14<\/td><td>168<\/td>/, '12 g a day, 6 g a dose twice a day, for 14 days is 168 g');
  assert.match(r.body, /Total for the whole prescription: <strong>336 g/);
});

test('a prescription that became unsafe after a medicines change shows on the alerts', async () => {
  // Patient 101 takes nothing; Dan Shen is saved clean.
  let r = await clinician.postXml(`/patients/${pid2}/herbal/prescriptions`, xml([['Dan Shen', 12]], { subject: pid2 }));
  assert.equal(r.status, 201, r.body.slice(0, 500));
  r = await clinician.get('/herbal/alerts');
  assert.doesNotMatch(r.body, new RegExp(`/patients/${pid2}/`));
  r = await clinician.postForm(`/patients/${pid2}/herbal/medicines`, { pregnancy: 'not-pregnant', 'medicine-1': 'warfarin 3 mg' });
  assert.equal(r.status, 303);
  r = await clinician.get('/herbal/alerts');
  assert.match(r.body, new RegExp(`/patients/${pid2}/herbal/prescriptions/\\d+`));
  assert.match(r.body, /Dan Shen \(丹参\) with warfarin/);
});

test('adherence and adverse effects: a serious effect must stop or change the herbs, and shows on the alerts', async () => {
  const loc = rxPath;
  const today = new Date().toISOString().slice(0, 10);
  let r = await clinician.postForm(`${loc}/adherence`, { weekStart: today, dosesTaken: '12', dosesPrescribed: '14' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  const before = srv.stats()['herbal:AdverseEffect'] ?? 0;
  const effect = { date: today, what: 'Severe abdominal pain and vomiting', severity: 'serious', action: 'continue' };
  r = await clinician.postForm(`${loc}/adverse`, effect);
  assert.equal(r.status, 422);
  assert.match(r.body, /stopped or changed, not continued/);
  assert.equal(srv.stats()['herbal:AdverseEffect'] ?? 0, before, 'nothing stored');
  r = await clinician.postForm(`${loc}/adverse`, { ...effect, action: 'stop' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  r = await clinician.get(loc);
  assert.match(r.body, /week of \d{4}-\d{2}-\d{2}: 12 of 14/);
  assert.match(r.body, /Severe abdominal pain and vomiting \(serious; herbs: stop\)/);
  r = await clinician.get('/herbal/alerts');
  assert.match(r.body, new RegExp(`${loc}">Trial patient 100</a>,\\s+${today}: herbs stop`));
});

test('XML API: a prescription whose subject is another patient is refused, nothing stored', async () => {
  const before = stored();
  let r = await clinician.postXml(`/patients/${pid}/herbal/prescriptions`, xml([['Fu Ling', 12]], { subject: pid2 }));
  assert.equal(r.status, 422);
  assert.match(r.body, /must be this patient's id/);
  r = await clinician.postXml(`/patients/${pid}/herbal/prescriptions`,
    xml([['Fu Ling', 12]], { subject: pid }).replace(/<subject>\d+<\/subject>\n/, ''));
  assert.equal(r.status, 422);
  assert.equal(stored(), before);
});

test('a prescription that became unsafe can always be stopped, with a reason; it leaves the alerts', async () => {
  let r = await clinician.get('/herbal/alerts');
  const m = new RegExp(`/patients/${pid2}/herbal/prescriptions/(\\d+)`).exec(r.body);
  assert.ok(m, 'the Dan Shen prescription is on the alerts');
  const loc = `/patients/${pid2}/herbal/prescriptions/${m[1]}`;
  r = await clinician.postForm(`${loc}/stop`, { reason: 'Now on warfarin: Dan Shen stopped.' });
  assert.equal(r.status, 303);
  r = await clinician.get(loc);
  assert.match(r.body, /Version 2 · stopped/);
  assert.match(r.body, /Stopped<\/strong> \d{4}-\d{2}-\d{2}: Now on warfarin: Dan Shen stopped\./);
  r = await clinician.get('/herbal/alerts');
  assert.doesNotMatch(r.body, new RegExp(`${loc}"`));
});

test('a pregnant patient: a prohibited herb is blocked through the XML API, stored with a justification', async () => {
  let r = await clinician.postForm(`/patients/${pid2}/herbal/medicines`,
    { pregnancy: 'pregnant', 'medicine-1': 'warfarin 3 mg', version: '1' });
  assert.equal(r.status, 303, r.body.slice(0, 500));
  const before = stored();
  r = await clinician.postXml(`/patients/${pid2}/herbal/prescriptions`, xml([['San Leng', 6]], { subject: pid2 }));
  assert.equal(r.status, 422);
  assert.match(r.body, /San Leng \(三棱\) is prohibited in pregnancy, and the patient is pregnant/);
  assert.equal(stored(), before);
  r = await clinician.postXml(`/patients/${pid2}/herbal/prescriptions`, xml([['San Leng', 6]], { subject: pid2, justification: REASON }));
  assert.equal(r.status, 201);
  assert.equal(stored(), before + 1);
});
