// The medicines a patient gives in the intake questionnaire reach the
// herbal checks from the first prescription: the intake journey's patient
// takes warfarin, is enrolled, and Dan Shen is blocked for them before any
// clinician has saved a herbal medicines list; the medicines page offers
// the intake's list to review and save.  Needs the program and intake
// plugins built; without the intake plugin the test is skipped.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn } from '../lib/harness.mjs';
import { Visitor, sendRequest, sections, goodFit, issueLink, openLink } from '../lib/intake.mjs';

const srv = useCairn({ intakeSettings: { 'min-seconds': '1' } });
let desk, clinician;

before(async () => {
  await srv.ready;
  desk = await srv.as('front-desk');
  clinician = await srv.as('clinician');
});

test('a patient who declared warfarin at intake: Dan Shen is blocked before any herbal medicines list is saved', async (t) => {
  if (!srv.loc.intakePlugin) { t.skip('the intake plugin is not built'); return; }
  await sendRequest(new Visitor(srv.base, '127.0.0.9'), { name: 'Hana Herbal' });
  const { intakeId } = await goodFit(desk, 'Hana Herbal');
  const { patient } = await openLink(srv.base, await issueLink(desk, intakeId));
  for (const s of sections({ name: 'Hana Herbal' })) {
    const r = await patient.postForm(`/intake/${intakeId}/form`, s);
    assert.ok(r.status === 303 || r.status === 200, `${s.section}: ${r.status} ${r.body.slice(0, 500)}`);
  }
  const e = await clinician.postForm(`/intake/${intakeId}/enrol`, { primary: 'nrs' });
  assert.equal(e.status, 303, e.body.slice(0, 800));
  const pid = Number(/\/patients\/(\d+)$/.exec(e.headers.location)[1]);

  const before = srv.stats()['herbal:Prescription'] ?? 0;
  const r = await clinician.postXml(`/patients/${pid}/herbal/prescriptions`, `<Prescription xmlns="urn:cairn:herbal">
  <subject>${pid}</subject><formula kind="custom"></formula><form>raw</form><days>14</days>
  <startDate>2026-12-03</startDate><prescriber>test-clinician</prescriber>
  <herb><name>Dan Shen</name><grams>12</grams></herb>
</Prescription>`);
  assert.equal(r.status, 422, r.body.slice(0, 500));
  assert.match(r.body, /Dan Shen \(丹参\) with warfarin \(the patient's &quot;Warfarin 2.5 mg once daily&quot;\)|Dan Shen \(丹参\) with warfarin \(the patient's "Warfarin 2.5 mg once daily"\)/);
  assert.equal(srv.stats()['herbal:Prescription'] ?? 0, before, 'nothing stored');

  const page = await clinician.get(`/patients/${pid}/herbal/medicines`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Filled in from the patient's intake questionnaire/);
  assert.match(page.body, /value="Warfarin 2.5 mg once daily"/);
  assert.match(page.body, /value="Ibuprofen 400 mg three times daily"/);
});
