// The care program's rules found missing by a new-user test, each with the
// input that used to get through:
//   1. checkpoints passed on the enrolment day (introductory -> first-month
//      -> monthly all on day 0): moving on before the checkpoint is due
//      needs a written clinical justification for the early move (422
//      without); exit stays possible any day.
//   2. the same visits counted to two phases: a visit counts to the phase
//      in force on its day, alike on the checkpoint page, the episode page
//      and /economics.
//   3. a visit dated before the episode began: refused (422, message next
//      to the date field, nothing stored), and every /economics table
//      counts the same visits.
//   4. GET .../graduation before graduation and GET .../checkpoint in the
//      monthly program: 404 with a plain message, not 409 "Changed by
//      someone else".
// Dates count back from today, so the suite runs on any day.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn } from '../lib/harness.mjs';

const srv = useCairn();
let web;

const DAY = 86400000;
const today = new Date(Date.now());
const ago = (n) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;
const JUST = 'Travelling abroad for three months from next week; moving on early after review with the patient.';

async function xmlPost(path, xml, status = 303) {
  const r = await web.postXml(path, xml);
  assert.equal(r.status, status, `${path}: ${r.status} ${r.body.slice(0, 1200)}`);
  return r;
}

// A patient with an episode enrolled `start` days ago, an NRS baseline on
// that day, the introductory phase begun the same day.
async function episode(identifier, start, introAgo = start) {
  let r = await xmlPost('/patients', X('Patient', `<identifier>${identifier}</identifier><name>${identifier} Tester</name><gender>female</gender>`));
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  r = await xmlPost(`/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(start)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase>`));
  const eid = Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
  await nrs(pid, eid, start, 8, '<timepoint>baseline</timepoint>');
  await xmlPost(`/patients/${pid}/episodes/${eid}/moves`, mv(eid, 'introductory', ago(introAgo)));
  return { pid, eid, E: `/patients/${pid}/episodes/${eid}` };
}
const nrs = (pid, eid, d, pain, extra = '') => xmlPost(`/patients/${pid}/observations`, X('Observation',
  `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(d)}</effective>${extra}<answer item="pain">${pain}</answer>`));
const mv = (eid, to, date, extra = '') => X('PhaseChange', `<episode>${eid}</episode><to>${to}</to><date>${date}</date>${extra}`);
const visitXml = (eid, date) => X('Encounter', `<episode>${eid}</episode><date>${date}</date><type>needling</type><state>finished</state>`);
const attrs = (xml, el, key, val) => {
  const m = new RegExp(`<${el} [^>]*${key}="${val}"[^>]*/?>`).exec(xml);
  assert.ok(m, `no <${el} ${key}="${val}">`);
  return Object.fromEntries([...m[0].matchAll(/([a-z-]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
};

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
});

test('1. checkpoints cannot be passed before they are due without a justification for the early move', async () => {
  const a = await episode('R-EARLY', 0);
  await nrs(a.pid, a.eid, 0, 3);
  // The new user's input: first-month on the enrolment day.
  let r = await web.postForm(`${a.E}/moves`, { form: 'move', to: 'first-month', date: ago(0) });
  assert.equal(r.status, 422, r.body.slice(0, 800));
  assert.match(r.body, /not due until/);
  assert.match(r.body, /name="justification"/, 'the form offers the justification field');
  // The page says so before anyone tries.
  r = await web.get(`${a.E}/checkpoint`);
  assert.equal(r.status, 200);
  assert.match(r.body, /not due until/);
  // XML API alike; nothing stored.
  r = await xmlPost(`${a.E}/moves`, mv(a.eid, 'first-month', ago(0)), 422);
  assert.match(r.body, /justification/);
  r = await xmlPost(`${a.E}/moves`, mv(a.eid, 'first-month', ago(0), '<justification>early</justification>'), 422);
  assert.match((await web.getXml(a.E)).body, /<episode [^>]*phase="introductory"/);
  // With a written justification the early move is allowed and kept.
  await xmlPost(`${a.E}/moves`, mv(a.eid, 'first-month', ago(0), `<justification>${JUST}</justification>`));
  assert.match((await web.getXml(a.E)).body, /<episode [^>]*phase="first-month"/);
  // The first-month checkpoint is not due either: refused without one.
  await xmlPost(`${a.E}/moves`, mv(a.eid, 'monthly', ago(0)), 422);
  // Exit stays possible any day, with no justification.
  await xmlPost(`${a.E}/moves`, mv(a.eid, 'exited', ago(0), '<reason>patient-choice</reason>'));
  assert.match((await web.getXml(a.E)).body, /<episode [^>]*phase="exited"/);

  // An introductory phase exited on day 0 is fine too.
  const b = await episode('R-EXIT0', 0);
  await xmlPost(`${b.E}/moves`, mv(b.eid, 'exited', ago(0), '<reason>moved</reason>'));

  // On the due day no justification is needed (14 days in the definition).
  const c = await episode('R-ONTIME', 14);
  await nrs(c.pid, c.eid, 0, 3);
  await xmlPost(`${c.E}/moves`, mv(c.eid, 'first-month', ago(0)));
});

test('2. visits count to the phase in force on their day, alike on every page', async () => {
  const a = await episode('R-PHASES', 40);
  for (const d of [40, 37]) await xmlPost(`${a.E}/visits`, visitXml(a.eid, ago(d)));
  await nrs(a.pid, a.eid, 27, 4);
  let r = await web.getXml(`${a.E}/checkpoint`);
  assert.equal(attrs(r.body, 'visits', 'phase-planned', '\\d+')['phase-needling'], '2');
  await xmlPost(`${a.E}/moves`, mv(a.eid, 'first-month', ago(26)));
  // At the first-month checkpoint the introductory visits are not this
  // phase's.
  r = await web.getXml(`${a.E}/checkpoint`);
  const v = attrs(r.body, 'visits', 'phase-planned', '\\d+');
  assert.equal(v['phase-needling'], '0', 'the introductory visits are not the first-month phase\'s');
  assert.equal(v['program-needling'], '2');
  await xmlPost(`${a.E}/visits`, visitXml(a.eid, ago(20)));
  r = await web.getXml(`${a.E}/checkpoint`);
  assert.equal(attrs(r.body, 'visits', 'phase-planned', '\\d+')['phase-needling'], '1');
  // The episode page agrees.
  const ep = (await web.getXml(a.E)).body;
  assert.equal(attrs(ep, 'phase-visits', 'phase', 'introductory').needling, '2');
  assert.equal(attrs(ep, 'phase-visits', 'phase', 'first-month').needling, '1');

  // The new user's case: two visits and an (early, justified) move on the
  // same day: the visits are the first-month phase's on every page, never
  // both phases'.
  const b = await episode('R-SAMEDAY', 0);
  for (let i = 0; i < 2; i++) await xmlPost(`${b.E}/visits`, visitXml(b.eid, ago(0)));
  await nrs(b.pid, b.eid, 0, 4);
  await xmlPost(`${b.E}/moves`, mv(b.eid, 'first-month', ago(0), `<justification>${JUST}</justification>`));
  r = await web.getXml(`${b.E}/checkpoint`);
  const cv = attrs(r.body, 'visits', 'phase-planned', '\\d+');
  const eb = (await web.getXml(b.E)).body;
  assert.equal(cv['phase-needling'], attrs(eb, 'phase-visits', 'phase', 'first-month').needling);
  assert.equal(cv['program-needling'], '2');
  assert.equal(Number(attrs(eb, 'phase-visits', 'phase', 'introductory').needling || 0) +
    Number(attrs(eb, 'phase-visits', 'phase', 'first-month').needling), 2, 'each visit in one phase');
});

test('3. a visit before the episode began is refused; /economics tables count the same visits', async () => {
  const a = await episode('R-BEFORE', 10);
  // The new user's input: a visit before enrolment (form and XML).
  let r = await web.postForm(`${a.E}/visits`, { date: ago(15), type: 'needling', state: 'finished', notes: '' });
  assert.equal(r.status, 422, r.body.slice(0, 600));
  assert.match(r.body, /before the episode began/);
  assert.match(r.body, /class="field invalid"[\s\S]{0,600}name="date"|name="date"[\s\S]{0,600}before the episode began/,
    'the message sits by the date field');
  r = await xmlPost(`${a.E}/visits`, visitXml(a.eid, ago(11)), 422);
  assert.match(r.body, /date/);
  const ep = (await web.getXml(a.E)).body;
  assert.doesNotMatch(ep, new RegExp(`<visit [^>]*date="${ago(15)}"`));
  assert.doesNotMatch(ep, new RegExp(`<visit [^>]*date="${ago(11)}"`));
  await xmlPost(`${a.E}/visits`, visitXml(a.eid, ago(10)));
  await xmlPost(`${a.E}/visits`, visitXml(a.eid, ago(7)));

  // A visit after enrolment but before the introductory phase began is
  // in no paid phase: no table counts it as delivered in one.
  const b = await episode('R-ENROLLED', 12, 8);
  await xmlPost(`${b.E}/visits`, visitXml(b.eid, ago(10)));
  await xmlPost(`${b.E}/visits`, visitXml(b.eid, ago(8)));

  // Every table of /economics counts the same visits.
  const x = (await web.getXml('/economics')).body;
  const sum = (re) => [...x.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
  const perPhase = sum(/<phase id="[a-z-]+"[^>]*\bvisits="(\d+)"/g) + Number((/visits-outside-phases="(\d+)"/.exec(x) || [0, 0])[1]);
  const perMonth = sum(/<month [^>]*\bvisits="(\d+)"/g);
  const perEpisode = sum(/<episode [^>]*\bvisits="(\d+)"/g);
  assert.equal(perMonth, perEpisode, x);
  assert.equal(sum(/<phase id="[a-z-]+"[^>]*\bvisits="(\d+)"/g), perMonth, x);
  assert.ok(perPhase > perMonth, 'the enrolled-phase visit is reported as outside the phases');
});

test('4. graduation and checkpoint pages that do not apply say so plainly', async () => {
  const a = await episode('R-NOGRAD', 40);
  let r = await web.get(`${a.E}/graduation`);
  assert.equal(r.status, 404);
  assert.match(r.body, /has not graduated yet/);
  assert.doesNotMatch(r.body, /Changed by someone else/);
  await nrs(a.pid, a.eid, 26, 3);
  await xmlPost(`${a.E}/moves`, mv(a.eid, 'first-month', ago(26)));
  await nrs(a.pid, a.eid, 10, 2);
  await xmlPost(`${a.E}/moves`, mv(a.eid, 'monthly', ago(10)));
  r = await web.get(`${a.E}/checkpoint`);
  assert.equal(r.status, 404);
  assert.match(r.body, /No checkpoint is due/);
  assert.doesNotMatch(r.body, /Changed by someone else/);
});
