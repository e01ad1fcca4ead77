// A referral onward to a trainer shares the exercise stage and the home
// routine.  The referral plugin read a stage column and <item> text that
// the exercise plugin does not have (its stage table has to_stage; its
// routine items are attributes), so the compose page never offered
// "Exercise stage and home routine" and the partner never saw the routine.
// Now the offer is there, and the handoff page shows the stage and each
// routine item in words, with no internal code; a shared herbal
// prescription names its formula in words, not by its id.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';
import { patientWithEpisode, addPartner, writeReferral, send, openLink, ago } from '../lib/referral.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-breakit-refex-'));
const sinkDir = path.join(work, 'sink');
const sink = await spawnSink(sinkDir);
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';
const srv = useCairn({ publicUrl: PUBLIC,
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' } });
after(() => { sink.stop(); rmSync(work, { recursive: true, force: true }); });

const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:exercise">${body}</${root}>`;
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
let web; let who; let partner;

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
  who = await patientWithEpisode(web, 'REFEX-1', 'Rita Trainer');
  const E = `/patients/${who.pid}/episodes/${who.eid}/exercise`;
  let r = await web.postXml(`${E}/stages`, X('Stage',
    `<episode>${who.eid}</episode><date>${ago(30)}</date><from>not-started</from><to>corrective</to><kind>start</kind><reason>Started early: she asked for exercises to do at home.</reason>`));
  assert.equal(r.status, 303, r.body.slice(0, 1200));
  // Three sessions inside the pain-monitoring model: both mastered.
  for (const d of [29, 27, 25]) {
    r = await web.postXml(`${E}/sessions`, X('Session', `<episode>${who.eid}</episode><date>${ago(d)}</date><stage>corrective</stage>`
      + '<done exercise="dead-bug" sets="2" reps="8"/><done exercise="glute-bridge" sets="2" reps="10"/><pain>2</pain><nextMorning>same</nextMorning>'));
    assert.equal(r.status, 303, r.body.slice(0, 1200));
  }
  r = await web.postXml(`${E}/routine`, X('HomeRoutine', `<episode>${who.eid}</episode><date>${ago(3)}</date><since>${ago(3)}</since>`
    + '<item exercise="dead-bug" sets="2" reps="8" load="0" perWeek="5"/><item exercise="glute-bridge" sets="2" reps="10" load="0" perWeek="7"/>'
    + '<tool>breathing</tool>'));
  assert.equal(r.status, 303, r.body.slice(0, 1200));
  r = await web.postXml(`/patients/${who.pid}/herbal/prescriptions`, `<Prescription xmlns="urn:cairn:herbal">
  <subject>${who.pid}</subject><episode>${who.eid}</episode>
  <formula kind="modified">du-huo-ji-sheng-tang</formula><form>granules</form><ratio>5</ratio>
  <days>14</days><startDate>${ago(4)}</startDate><prescriber>test-clinician</prescriber>
  <instructions>Take it warm, away from meals.</instructions>
  <herb><name>Du Huo</name><grams>1.8</grams></herb><herb><name>Sang Ji Sheng</name><grams>2.4</grams></herb>
  <herb><name>Du Zhong</name><grams>2</grams></herb><herb><name>Niu Xi</name><grams>2</grams></herb>
  <acknowledged/>
</Prescription>`);
  assert.equal(r.status, 201, r.body.slice(0, 600));
  partner = await addPartner(web, { name: 'Tess Trainer', email: 'tess@example.org', discipline: 'personal-trainer' });
});

test('the compose page offers the exercise stage and the home routine, in words', async () => {
  const r = await web.get(`/patients/${who.pid}/referrals/new?kind=onward&episode=${who.eid}`);
  assert.equal(r.status, 200);
  assert.match(r.body, /name="share\.exercise"/);
  assert.match(text(r.body), /Stage: Corrective exercise; 2 routine items/);
});

test('the partner reads the stage and each routine item, and no exercise code', async () => {
  const id = await writeReferral(web, who, partner, ['exercise', 'herbs']);
  const { link } = await send(srv, sinkDir, PUBLIC, web, who, id, 'tess@example.org');
  const { page } = await openLink(srv.base, link);
  assert.equal(page.status, 200);
  const t = text(page.body);
  assert.match(t, /Stage: Corrective exercise/);
  assert.match(t, /Dead bug: 2 sets of 8, 5 times a week/);
  assert.match(t, /Glute bridge: 2 sets of 10, 7 times a week/);
  assert.match(t, /Du Huo Ji Sheng Tang \(granules\): Du Huo 1\.8 g\/day/);
  assert.doesNotMatch(t, /dead-bug|glute-bridge|\bcorrective\b|du-huo-ji-sheng-tang/);
});
