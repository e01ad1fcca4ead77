// What a new-user run found on the episode page during an open flare, and
// on the front desk's home page:
//   1. the taper recommended 1 visit a week while the flare's response
//      said 2: a flare may say how many visits a week it asks
//      (visitsPerWeek, form and XML), and while it is open the taper
//      recommends that, then tapers from it; an open flare that says
//      nothing holds the taper;
//   2. graduation was offered during an open flare: the episode page says
//      why it waits instead of the form, and the move is refused (409,
//      nothing stored) until the flare has ended;
//      (and the flare form no longer files a flare as mild, 1 visit a week,
//      by default: its lists open on an empty choice);
//   3. the front desk's "Calls to make" showed the booked call as a raw
//      "2026-12-04T10:30": it reads "2026-12-04 10:30" as the intake queue
//      and the rest of the product show a time.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, sleep } from '../lib/harness.mjs';
import { parseXml } from '../lib/xml.mjs';
import { openRequestForm, REQUEST } from '../lib/intake.mjs';

const srv = useCairn({ intakeSettings: { 'min-seconds': '1', 'rate-max': '3', 'answer-days': '2' } });
let web;

const DAY = 86400000;
const now = new Date(Date.now());
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

async function xmlPost(path, xml, status = 303) {
  const r = await web.postXml(path, xml);
  assert.equal(r.status, status, `${path}: ${r.status} ${r.body.slice(0, 1200)}`);
  return r;
}
const stored = (type) => Number(new RegExp(`^${type}\\s+(\\d+)`, 'm').exec(srv.cli(['stats']).stdout)?.[1] ?? 0);

// A patient in the monthly program for ten weeks with NRS 8 at baseline
// and 3 every week since the first month (gains held), PSFS goals met: the
// taper has come down to the floor (1 a week) and graduation is offered.
async function monthly(identifier) {
  let r = await xmlPost('/patients', X('Patient', `<identifier>${identifier}</identifier><name>${identifier} Flare</name><gender>male</gender><birthDate>1961-05-30</birthDate>`));
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  r = await xmlPost(`/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(101)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase>` +
    '<activity item="a1" goal="8">Reverse the car</activity><activity item="a2" goal="8">Read for an hour</activity>' +
    '<activity item="a3" goal="8">Sleep through the night</activity>'));
  const eid = Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
  const E = `/patients/${pid}/episodes/${eid}`;
  const obs = (d, instrument, answers, tp = '') => xmlPost(`/patients/${pid}/observations`, X('Observation',
    `<episode>${eid}</episode><instrument>${instrument}</instrument><effective>${ago(d)}</effective>${tp ? `<timepoint>${tp}</timepoint>` : ''}${answers}`));
  await obs(101, 'nrs', '<answer item="pain">8</answer>', 'baseline');
  await obs(101, 'psfs', '<answer item="a1">2</answer><answer item="a2">3</answer><answer item="a3">2</answer>', 'baseline');
  await xmlPost(`${E}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>introductory</to><date>${ago(100)}</date>`));
  await obs(87, 'nrs', '<answer item="pain">5</answer>');
  await xmlPost(`${E}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>first-month</to><date>${ago(86)}</date>`));
  for (let d = 73; d >= 3; d -= 7) await obs(d, 'nrs', '<answer item="pain">3</answer>');
  await obs(3, 'psfs', '<answer item="a1">9</answer><answer item="a2">8</answer><answer item="a3">9</answer>');
  await xmlPost(`${E}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>monthly</to><date>${ago(72)}</date>`));
  return { pid, eid, E };
}

const page = async (a) => {
  const r = await web.getXml(a.E);
  assert.equal(r.status, 200, r.body.slice(0, 600));
  return parseXml(r.body);
};

before(async () => { await srv.ready; web = await srv.as('clinician'); });

test('an open flare whose response asks 2 visits a week: the taper recommends 2; graduation waits and is refused', async () => {
  const a = await monthly('FL-ASKS');
  let doc = await page(a);
  assert.equal(doc.childrenNamed('taper')[0].attr('current'), '1', 'tapered to the floor before the flare');
  assert.ok(doc.findAll('form').some((f) => f.attr('id') === 'move'), 'graduation offered before the flare');

  // The flare form chooses neither a severity nor visits a week for the
  // clinician: both lists open on an empty choice.
  const form = /<form[^>]*action="[^"]*\/flares"[\s\S]*?<\/form>/.exec((await web.get(a.E)).body)[0];
  for (const name of ['severity', 'visitsPerWeek']) {
    const sel = new RegExp(`<select[^>]*name="${name}"[^>]*>\\s*<option value=""[ >]`).exec(form);
    assert.ok(sel, `${name}: the first choice is empty`);
    assert.doesNotMatch(new RegExp(`<select[^>]*name="${name}"[\\s\\S]*?</select>`).exec(form)[0], /<option value="[^"]+" selected/);
  }
  // A refused flare form (9 visits a week is not a choice) stores nothing.
  const flares = stored('program:Flare');
  let r = await web.postForm(`${a.E}/flares`, { start: ago(2), severity: 'moderate', visitsPerWeek: '9' });
  assert.equal(r.status, 422);
  assert.equal(stored('program:Flare'), flares);

  r = await web.postForm(`${a.E}/flares`, { start: ago(2), severity: 'moderate', trigger: 'Long drive',
    response: 'Extra session this week; back to two visits a week until it settles.', visitsPerWeek: '2' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  doc = await page(a);
  const weeks = doc.findAll('week');
  assert.equal(doc.childrenNamed('taper')[0].attr('current'), '2', 'the recommendation follows the flare response');
  assert.match(weeks[weeks.length - 1].attr('why'), /open flare/);
  assert.equal(doc.findAll('flare').find((f) => !f.attr('end')).attr('visits-per-week'), '2');
  assert.ok(doc.find('graduation-waits'), 'the page says why graduation waits');
  assert.ok(!doc.findAll('form').some((f) => f.attr('id') === 'move'), 'no graduation form during an open flare');
  const html = (await web.get(a.E)).body;
  assert.match(html, /Graduation waits: a flare is open since/);
  assert.match(html, /2 visits a week while it lasts/);

  // The move itself is refused while the flare is open; nothing stored.
  const moves = stored('program:PhaseChange');
  r = await web.postXml(`${a.E}/moves`, X('PhaseChange', `<episode>${a.eid}</episode><to>graduated</to><date>${ago(0)}</date>` +
    '<goalsMet>yes</goalsMet><gainsHeld>yes</gainsHeld><homeRoutine>yes</homeRoutine>'));
  assert.equal(r.status, 409, r.body.slice(0, 600));
  assert.match(r.body, /flare is open since/);
  assert.equal(stored('program:PhaseChange'), moves);

  // Ended: the count is kept on the new version, graduation is offered again.
  const fid = doc.findAll('flare').find((f) => !f.attr('end')).attr('id');
  r = await web.postForm(`${a.E}/flares/${fid}/end`, { end: ago(0) });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  doc = await page(a);
  assert.equal(doc.findAll('flare').find((f) => f.attr('id') === fid).attr('visits-per-week'), '2');
  assert.ok(!doc.find('graduation-waits'));
  assert.ok(doc.findAll('form').some((f) => f.attr('id') === 'move'), 'graduation offered once the flare has ended');
});

test('an open flare that says nothing about visits holds the taper (never steps it down), through XML too', async () => {
  const a = await monthly('FL-HOLD');
  await xmlPost(`${a.E}/flares`, X('Flare', `<episode>${a.eid}</episode><start>${ago(1)}</start><severity>mild</severity>`));
  const doc = await page(a);
  const weeks = doc.findAll('week');
  assert.equal(doc.childrenNamed('taper')[0].attr('current'), '1');
  assert.equal(weeks[weeks.length - 1].attr('why'), 'an open flare: hold');
  assert.ok(doc.find('graduation-waits'));
  // visitsPerWeek through the XML API is checked by the schema.
  await xmlPost(`${a.E}/flares`, X('Flare', `<episode>${a.eid}</episode><start>${ago(1)}</start><severity>mild</severity><visitsPerWeek>0</visitsPerWeek>`), 400);
});

test('the front desk\'s calls to make show a booked call as a date and time, not a raw timestamp', async () => {
  const v = srv.client();
  const { stamp } = await openRequestForm(v);
  await sleep(1100);
  let r = await v.postForm('/request-a-call', { ...REQUEST, name: 'Cal Booked', stamp });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  const desk = await srv.as('front-desk');
  const id = /<request id="(\d+)" name="Cal Booked"/.exec((await desk.getXml('/intake')).body)[1];
  const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10);
  r = await desk.postForm(`/intake/requests/${id}/schedule`, { call: `${tomorrow}T10:30` });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  const home = (await desk.get('/')).body;
  assert.match(home, new RegExp(`Cal Booked</a> · call booked for ${tomorrow} 10:30`));
  assert.doesNotMatch(home, /T10:30/);
  const queue = (await desk.get('/intake')).body;
  assert.match(queue, new RegExp(`${tomorrow} 10:30`));
});
