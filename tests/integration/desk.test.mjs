// The front desk's side of the care program, each with the input that used
// to fail:
//   5. a refused visit posted by front desk (an empty form, Accept:
//      application/xml) answered 422 with the whole clinician-only episode
//      page (goals, move notes, visit notes, flare triggers): it now comes
//      back on the episode's visits page, which holds none of them; and
//      the core refuses to send a view outside its declared audience;
//  14. front desk books and records visits (book, attended, missed) from
//      the episode's visits page, the schedule and their home page (today's
//      visits, the call queue, intakes waiting; no cohort statistics);
//  15. a newly created patient links to enrolment.
// Dates count back from today, so the suite runs on any day.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn } from '../lib/harness.mjs';
import { sqlJson } from '../lib/access.mjs';

const srv = useCairn();
let clin; let desk; let admin;

const DAY = 86400000;
const today = new Date(Date.now());
const ago = (n) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

// Clinical text the front desk may not read: seeded into every note.
const CANARY = {
  goal: 'CANARY-GOAL-walk-the-dog',
  visitNote: 'CANARY-VISITNOTE-left-shoulder',
  trigger: 'CANARY-TRIGGER-gardening',
  moveNote: 'CANARY-MOVENOTE-reviewed',
};

async function xmlPost(c, path, xml, status = 303) {
  const r = await c.postXml(path, xml);
  assert.equal(r.status, status, `${path}: ${r.status} ${r.body.slice(0, 1200)}`);
  return r;
}

// A patient in the introductory phase, with clinical notes everywhere.
async function episode(identifier) {
  let r = await xmlPost(clin, '/patients', X('Patient', `<identifier>${identifier}</identifier><name>${identifier} Person</name><gender>female</gender><birthDate>1961-02-03</birthDate>`));
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  r = await xmlPost(clin, `/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(10)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase><activity item="a1" goal="8">${CANARY.goal}</activity>`));
  const eid = Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
  const E = `/patients/${pid}/episodes/${eid}`;
  await xmlPost(clin, `/patients/${pid}/observations`, X('Observation',
    `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(10)}</effective><timepoint>baseline</timepoint><answer item="pain">8</answer>`));
  await xmlPost(clin, `${E}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>introductory</to><date>${ago(10)}</date><note>${CANARY.moveNote}</note>`));
  await xmlPost(clin, `${E}/visits`, X('Encounter', `<episode>${eid}</episode><date>${ago(9)}</date><type>needling</type><state>finished</state><notes>${CANARY.visitNote}</notes>`));
  await xmlPost(clin, `${E}/flares`, X('Flare', `<episode>${eid}</episode><start>${ago(5)}</start><severity>moderate</severity><trigger>${CANARY.trigger}</trigger>`));
  return { pid, eid, E };
}

function assertNoClinical(body, what) {
  for (const [k, v] of Object.entries(CANARY)) assert.ok(!body.includes(v), `${what}: the body holds the ${k} (${v})`);
  assert.doesNotMatch(body, /<episode-page\b/, `${what}: the clinician's episode page`);
}

const visitCount = (eid) => sqlJson(srv.database, `SELECT count(*) AS n FROM p_program_encounter WHERE episode = ${Number(eid)}`)[0].n;

before(async () => {
  await srv.ready;
  [clin, desk, admin] = await Promise.all([srv.as('clinician'), srv.as('front-desk'), srv.as('admin')]);
});

test('5. a refused visit from front desk comes back on the visits page, without clinical notes; nothing stored', async () => {
  const a = await episode('DESK-LEAK');
  const n = visitCount(a.eid);
  // The attack as found: an empty form, asking for XML.
  let r = await desk.postForm(`${a.E}/visits`, {}, { headers: { Accept: 'application/xml' } });
  assert.equal(r.status, 422, r.body.slice(0, 600));
  assertNoClinical(r.body, 'empty form, XML');
  assert.match(r.body, /<visits-page\b/);
  assert.match(r.body, /<error field="date">/);
  // As HTML, with a bad date: the message is next to the field.
  r = await desk.postForm(`${a.E}/visits`, { date: 'not-a-date', type: 'needling', state: 'planned' });
  assert.equal(r.status, 422);
  assertNoClinical(r.body, 'bad date, HTML');
  assert.match(r.body, /Write a real date/);
  // A delivered visit in the future: refused by the check hook, same page.
  r = await desk.postForm(`${a.E}/visits`, { date: ago(-3), type: 'needling', state: 'finished' }, { headers: { Accept: 'application/xml' } });
  assert.equal(r.status, 422);
  assertNoClinical(r.body, 'future delivered visit');
  assert.equal(visitCount(a.eid), n, 'nothing stored');
  // The clinician still gets the episode page back.
  r = await clin.postForm(`${a.E}/visits`, {}, { headers: { Accept: 'application/xml' } });
  assert.equal(r.status, 422);
  assert.match(r.body, /<episode-page\b/);
});

test('5. the core refuses to send a view outside its declared audience (program/episode is clinician and admin)', async () => {
  // The visits page's GET is staff; the episode page's is clinical: front
  // desk is refused by the route, and would be by the view.
  const a = await episode('DESK-AUD');
  const r = await desk.getXml(a.E);
  assert.equal(r.status, 403);
  assertNoClinical(r.body, 'GET episode as front desk');
  const log = srv.cli(['routes']);
  assert.match(log.stdout, /\/visits\s+admin,clinician,front-desk/);
});

test('14. front desk books a visit, marks it attended or missed; the visits page shows no notes', async () => {
  const a = await episode('DESK-BOOK');
  let r = await desk.get(`${a.E}/visits`);
  assert.equal(r.status, 200, r.body.slice(0, 400));
  assertNoClinical(r.body, 'visits page');
  assert.match(r.body, /DESK-BOOK Person/);
  // Book one for today and one for next week.
  r = await desk.postForm(`${a.E}/visits`, { date: ago(0), type: 'needling', state: 'planned' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  assert.equal(r.headers.location, `${a.E}/visits`);
  r = await desk.postForm(`${a.E}/visits`, { date: ago(-7), type: 'herbal-review', state: 'planned' });
  assert.equal(r.status, 303);
  const rows = sqlJson(srv.database, `SELECT record, visit_date, state FROM p_program_encounter WHERE episode = ${a.eid} AND state = 'planned' ORDER BY visit_date LIMIT 2`);
  assert.equal(rows.length, 2);
  const [todays, later] = rows;
  // Today's is due: it has the buttons; next week's has none.
  r = await desk.getXml(`${a.E}/visits`);
  assert.match(r.body, new RegExp(`visits/${todays.record}/attendance`));
  assert.doesNotMatch(r.body, new RegExp(`visits/${later.record}/attendance`));
  // Through the XML API too, front desk is sent to the visits page.
  r = await desk.postXml(`${a.E}/visits`, X('Encounter', `<episode>${a.eid}</episode><date>${ago(-14)}</date><type>needling</type><state>planned</state>`));
  assert.equal(r.status, 303, r.body.slice(0, 400));
  assert.equal(r.headers.location, `${a.E}/visits`);
  // The patient list opens the visits page for front desk.
  r = await desk.get('/patients?q=DESK-BOOK');
  assert.match(r.body, new RegExp(`href="${a.E}/visits"`));
  // Next week's cannot be missed yet: refused, nothing changed.
  r = await desk.postForm(`${a.E}/visits/${later.record}/attendance`, { attended: 'no' });
  assert.equal(r.status, 422, r.body.slice(0, 400));
  assertNoClinical(r.body, 'refused attendance');
  assert.equal(sqlJson(srv.database, `SELECT state FROM p_program_encounter WHERE record = ${later.record}`)[0].state, 'planned');
  // Neither yes nor no: refused.
  r = await desk.postForm(`${a.E}/visits/${todays.record}/attendance`, { attended: 'maybe' });
  assert.equal(r.status, 422);
  // From the home page: attended.
  r = await desk.postForm(`${a.E}/visits/${todays.record}/attendance`, { attended: 'yes', from: 'home' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/');
  assert.equal(sqlJson(srv.database, `SELECT state FROM p_program_encounter WHERE record = ${todays.record}`)[0].state, 'finished');
  // Twice: it is no longer booked.
  r = await desk.postForm(`${a.E}/visits/${todays.record}/attendance`, { attended: 'no' });
  assert.equal(r.status, 409);
  // Another patient's visit through this episode's address: 404.
  const b = await episode('DESK-OTHER');
  r = await desk.postForm(`${b.E}/visits/${todays.record}/attendance`, { attended: 'no' });
  assert.equal(r.status, 404);
  // A visit booked yesterday and missed, from the schedule.
  r = await desk.postForm(`${a.E}/visits`, { date: ago(1), type: 'needling', state: 'planned' });
  assert.equal(r.status, 303);
  const y = sqlJson(srv.database, `SELECT record FROM p_program_encounter WHERE episode = ${a.eid} AND visit_date = '${ago(1)}' AND state = 'planned'`)[0].record;
  r = await desk.postForm(`${a.E}/visits/${y}/attendance`, { attended: 'no', from: 'schedule' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, `/schedule?week=${ago(1)}`);
  assert.equal(sqlJson(srv.database, `SELECT state FROM p_program_encounter WHERE record = ${y}`)[0].state, 'missed');
});

test('14. the schedule links front desk to the visits page, with attended / missed for booked visits', async () => {
  const a = await episode('DESK-SCHED');
  assert.equal((await desk.postForm(`${a.E}/visits`, { date: ago(0), type: 'needling', state: 'planned' })).status, 303);
  const r = await desk.get(`/schedule?week=${ago(0)}`);
  assert.equal(r.status, 200);
  assert.match(r.body, new RegExp(`href="${a.E}/visits"`));
  assert.match(r.body, /name="attended" value="yes"/);
  assertNoClinical(r.body, 'schedule');
});

test('14. front desk starts on today\'s visits, the call queue and intakes waiting, not cohort statistics', async () => {
  const a = await episode('DESK-HOME');
  assert.equal((await desk.postForm(`${a.E}/visits`, { date: ago(0), type: 'needling', state: 'planned' })).status, 303);
  let r = await desk.getXml('/');
  assert.equal(r.status, 200);
  assert.match(r.body, /<desk-home\b/);
  assert.match(r.body, /DESK-HOME Person/);
  assert.doesNotMatch(r.body, /<cohort\b|<counts\b|<flare\b/);
  assertNoClinical(r.body, 'desk home');
  r = await desk.get('/');
  assert.match(r.body, /Calls to make/);
  assert.match(r.body, /Intakes waiting/);
  // Clinicians keep the overview.
  r = await clin.getXml('/');
  assert.match(r.body, /<home\b/);
  r = await admin.getXml('/');
  assert.match(r.body, /<home\b/);
});

test('15. a new patient links to enrolment (chart and patient list, for clinicians)', async () => {
  const r = await clin.postForm('/patients', { identifier: 'DESK-NEW-1', name: 'Nina Newcomer', gender: 'female', birthDate: '1970-01-02' });
  assert.equal(r.status, 303);
  const pid = Number(/^\/patients\/(\d+)$/.exec(r.headers.location)[1]);
  let page = await clin.get(`/patients/${pid}`);
  assert.match(page.body, new RegExp(`href="/patients/${pid}/enrol"`));
  page = await clin.get('/patients?q=DESK-NEW-1');
  assert.match(page.body, new RegExp(`href="/patients/${pid}/enrol"`));
  // Enrolled: the link goes.
  const e = await clin.postForm(`/patients/${pid}/enrol`.replace('/enrol', '/episodes'), { cohort: 'program', periodStart: ago(0), primaryInstrument: 'nrs' });
  assert.equal(e.status, 303, e.body.slice(0, 800));
  page = await clin.get(`/patients/${pid}`);
  assert.doesNotMatch(page.body, new RegExp(`href="/patients/${pid}/enrol"`));
});
