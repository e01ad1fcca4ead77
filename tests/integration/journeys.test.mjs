// The care program end to end over HTTP: three scripted
// journeys through the pages (forms, as a clinician would) and through the
// XML API, every refusal the state machine owes (illegal moves, missing
// reason, missing justification, missing graduation checklist, invalid
// answers, impossible dates), and the economics report on the result.
//
//   Rosa, a responder: PEG 7 -> 4 (43%) at the introductory checkpoint,
//     2.7 (61%) at the first-month benchmark, taper 3 -> 2 -> 1 a week,
//     graduates with the checklist.  Pages (form posts).
//   Noah, a non-responder: NRS 7 -> 7, PGIC "no change"; exits honestly at
//     two weeks (no meaningful response).  Pages.
//   Paula, a partial responder: ODI 60 -> 40 (33%) -> 36 (40%), two
//     flares; misses the 50% benchmark and continues into the monthly
//     program with a written justification.  XML API only.
//   Olive: in the introductory phase for 20 days with no decision: an
//     overdue checkpoint on the dashboard.
//
// Episodes happen in the past: every date is counted back from today, so
// the suite runs on any day (observations cannot be in the future).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn } from '../lib/harness.mjs';

const srv = useCairn();
let web;        // a signed-in clinician
let desk;       // a signed-in front-desk member

const DAY = 86400000;
const today = new Date(Date.now());
// The date n days ago, YYYY-MM-DD (UTC: the test clinic's time zone).
const ago = (n) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);

const FEES = { introductory: 420, 'first-month': 560, monthly: 1680 };

function locationOf(r) {
  assert.equal(r.status, 303, `expected 303, got ${r.status}: ${r.body.slice(0, 600)}`);
  return r.headers.location;
}

async function newPatient(client, identifier, name) {
  const r = await client.postForm('/patients', { identifier, name, gender: 'female', birthDate: '1970-05-01' });
  const loc = locationOf(r);
  // Front desk cannot open a chart: it is sent to the list, found by the
  // new identifier.
  if (loc.startsWith('/patients?q=')) {
    const l = await client.getXml(loc);
    const m = /<patient [^>]*\bid="(\d+)"/.exec(l.body);
    assert.ok(m, l.body.slice(0, 800));
    return Number(m[1]);
  }
  const m = /^\/patients\/(\d+)$/.exec(loc);
  assert.ok(m, r.headers.location);
  return Number(m[1]);
}

async function enrol(pid, fields) {
  const r = await web.postForm(`/patients/${pid}/episodes`, { cohort: 'program', ...fields });
  const m = /^\/patients\/\d+\/episodes\/(\d+)$/.exec(locationOf(r));
  return Number(m[1]);
}

async function observe(pid, eid, instrument, date, answers, timepoint = '') {
  const f = { instrument, effective: date, timepoint, episode: String(eid) };
  for (const [k, v] of Object.entries(answers)) f[`answer.${k}`] = String(v);
  const r = await web.postForm(`/patients/${pid}/observations`, f);
  assert.equal(r.status, 303, `observation ${instrument} ${date}: ${r.status} ${r.body.slice(0, 800)}`);
}

async function move(pid, eid, fields, status = 303) {
  const r = await web.postForm(`/patients/${pid}/episodes/${eid}/moves`, { form: 'move', ...fields });
  assert.equal(r.status, status, `move ${JSON.stringify(fields)}: ${r.status} ${r.body.slice(0, 1500)}`);
  return r;
}

async function visit(client, pid, eid, date, type = 'needling', state = 'finished') {
  const r = await client.postForm(`/patients/${pid}/episodes/${eid}/visits`, { date, type, state, notes: '' });
  assert.equal(r.status, 303, `visit ${date}: ${r.status} ${r.body.slice(0, 800)}`);
}

async function episodeXml(pid, eid) {
  const r = await web.getXml(`/patients/${pid}/episodes/${eid}`);
  assert.equal(r.status, 200, r.body.slice(0, 500));
  return r.body;
}

const phaseOf = (xml) => /<episode [^>]*phase="([a-z-]+)"/.exec(xml)[1];
const attr = (xml, el, name) => {
  const m = new RegExp(`<${el}\\b[^>]*\\b${name}="([^"]*)"`).exec(xml);
  return m ? m[1] : null;
};

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
  desk = await srv.as('front-desk');
});

// ------------------------------------------------------------ Rosa

const rosa = {};

test('Rosa, a responder, goes from enrolment to graduation through the pages', async () => {
  rosa.pid = await newPatient(desk, 'J-ROSA', 'Rosa Responder');
  rosa.eid = await enrol(rosa.pid, {
    periodStart: ago(112), primaryInstrument: 'peg',
    a1: 'Walking the dog for 30 minutes', goal1: '8',
    a2: 'Gardening', goal2: '7', a3: 'Lifting my grandson', goal3: '8',
  });
  assert.equal(phaseOf(await episodeXml(rosa.pid, rosa.eid)), 'enrolled');

  // No baseline yet: the introductory phase cannot start.
  let r = await move(rosa.pid, rosa.eid, { to: 'introductory', date: ago(110) }, 422);
  assert.match(r.body, /baseline/i);

  await observe(rosa.pid, rosa.eid, 'peg', ago(111), { pain: 7, enjoyment: 7, activity: 7 }, 'baseline');
  await observe(rosa.pid, rosa.eid, 'psfs', ago(111), { a1: 2, a2: 3, a3: 2 }, 'baseline');
  await move(rosa.pid, rosa.eid, { to: 'introductory', date: ago(110) });
  for (const d of [110, 107, 103, 100]) await visit(desk, rosa.pid, rosa.eid, ago(d));
  await visit(web, rosa.pid, rosa.eid, ago(103), 'herbal-review');
  await observe(rosa.pid, rosa.eid, 'peg', ago(97), { pain: 4, enjoyment: 4, activity: 4 });
  await observe(rosa.pid, rosa.eid, 'pgic', ago(97), { change: 2 });

  // The checkpoint page: 43% against the 30% threshold -> continue.
  r = await web.get(`/patients/${rosa.pid}/episodes/${rosa.eid}/checkpoint`);
  assert.equal(r.status, 200);
  assert.match(r.body, /Improvement 43% reaches the 30% threshold/);
  assert.match(r.body, /much improved/);
  assert.match(r.body, /<svg/);

  // Skipping a phase is refused with what is possible.
  r = await move(rosa.pid, rosa.eid, { to: 'monthly', date: ago(96) }, 409);
  assert.match(r.body, /can move only to the First-month continuation or exit/);

  await move(rosa.pid, rosa.eid, { to: 'first-month', date: ago(96) });
  for (const d of [93, 89, 86, 82]) await visit(web, rosa.pid, rosa.eid, ago(d));
  await observe(rosa.pid, rosa.eid, 'peg', ago(82), { pain: 2, enjoyment: 3, activity: 3 });
  r = await web.get(`/patients/${rosa.pid}/episodes/${rosa.eid}/checkpoint`);
  // PEG 7 -> 2.67 exactly (2,3,3): 62%; the rounded 2.7 made it 61%.
  assert.match(r.body, /Improvement 62% reaches the 50% threshold/);
  // The benchmark is reached: no justification needed.
  await move(rosa.pid, rosa.eid, { to: 'monthly', date: ago(81) });

  // Monthly program: visits follow the taper; measures hold the gains.
  const monthlyVisits = [81, 79, 77, 74, 72, 70, 67, 64, 60, 57, 53, 46, 39, 32, 25, 18, 11];
  for (const d of monthlyVisits) await visit(web, rosa.pid, rosa.eid, ago(d));
  for (const [d, v] of [[74, 3], [67, 2], [60, 2], [53, 2], [46, 2], [39, 1], [32, 1], [25, 1], [18, 1], [11, 1]])
    await observe(rosa.pid, rosa.eid, 'peg', ago(d), { pain: v, enjoyment: v, activity: v });
  await observe(rosa.pid, rosa.eid, 'psfs', ago(10), { a1: 8, a2: 8, a3: 9 });

  const xml = await episodeXml(rosa.pid, rosa.eid);
  const weeks = [...xml.matchAll(/<week [^>]*recommended="(\d)"/g)].map((m) => Number(m[1]));
  assert.equal(weeks[0], 3, 'the taper starts at 3 a week');
  assert.ok(weeks.includes(2) && weeks.at(-1) === 1, `the taper steps down to 1: ${weeks}`);

  // Graduation needs the whole checklist.
  r = await move(rosa.pid, rosa.eid, { to: 'graduated', date: ago(8), goalsMet: 'yes', gainsHeld: 'yes' }, 422);
  assert.match(r.body, /home routine handed over/);
  // Goals and gains are computed from the data and shown; the home
  // routine is the clinician's to record.
  assert.match(r.body, /Functional goals met/);
  assert.match(r.body, /Gains held/);
  assert.doesNotMatch(r.body, /name="homeRoutine" value="yes" checked/);
  await move(rosa.pid, rosa.eid, { to: 'graduated', date: ago(8), goalsMet: 'yes', gainsHeld: 'yes', homeRoutine: 'yes' });

  const done = await episodeXml(rosa.pid, rosa.eid);
  assert.equal(phaseOf(done), 'graduated');
  const path = [...done.matchAll(/<move [^>]*to="([a-z-]+)"/g)].map((m) => m[1]);
  assert.deepEqual(path, ['introductory', 'first-month', 'monthly', 'graduated']);

  r = await web.get(`/patients/${rosa.pid}/episodes/${rosa.eid}/graduation`);
  assert.equal(r.status, 200);
  assert.match(r.body, /Walking the dog for 30 minutes/);
  assert.match(r.body, /improvement of\s*<strong>86%/);

  // Nothing follows graduation.
  r = await move(rosa.pid, rosa.eid, { to: 'exited', date: ago(2), reason: 'moved' }, 409);
  assert.match(r.body, /already graduated/);

  // The chart shows the path (phase lines) on the trajectory.
  r = await web.get(`/patients/${rosa.pid}`);
  assert.match(r.body, /class="phase-line"/);
});

// ------------------------------------------------------------ Noah

const noah = {};

test('Noah, a non-responder, exits honestly at two weeks through the pages', async () => {
  noah.pid = await newPatient(web, 'J-NOAH', 'Noah Nonresponder');
  noah.eid = await enrol(noah.pid, { periodStart: ago(31), primaryInstrument: 'nrs' });
  await observe(noah.pid, noah.eid, 'nrs', ago(31), { pain: 7 }, 'baseline');
  await move(noah.pid, noah.eid, { to: 'introductory', date: ago(30) });
  for (const d of [30, 27, 23, 20]) await visit(web, noah.pid, noah.eid, ago(d));

  // A checkpoint decision needs a measure after the baseline.
  let r = await move(noah.pid, noah.eid, { to: 'first-month', date: ago(17) }, 422);
  assert.match(r.body, /measure taken after the baseline/);

  await observe(noah.pid, noah.eid, 'nrs', ago(17), { pain: 7 });
  await observe(noah.pid, noah.eid, 'pgic', ago(17), { change: 4 });
  r = await web.get(`/patients/${noah.pid}/episodes/${noah.eid}/checkpoint`);
  assert.match(r.body, /Improvement 0%, below the 30% threshold: the recommendation is to exit \(no meaningful response\)/);
  assert.match(r.body, /no change/);

  // An exit needs a reason; the typed date stays in the form.
  r = await web.postForm(`/patients/${noah.pid}/episodes/${noah.eid}/moves`,
    { form: 'exit', to: 'exited', date: ago(16), reason: '', note: 'talked it through' });
  assert.equal(r.status, 422);
  assert.match(r.body, /Choose why the episode ends/);
  assert.ok(r.body.includes(`value="${ago(16)}"`), 'typed date kept');
  assert.match(r.body, /talked it through/);
  // "other" needs a note.
  r = await move(noah.pid, noah.eid, { form: 'exit', to: 'exited', date: ago(16), reason: 'other' }, 422);
  assert.match(r.body, /write it in the note/);
  // A date that is not a date is refused, nothing stored.
  r = await move(noah.pid, noah.eid, { form: 'exit', to: 'exited', date: '2024-02-30', reason: 'no-meaningful-response' }, 422);
  assert.match(r.body, /real date/);
  assert.equal(phaseOf(await episodeXml(noah.pid, noah.eid)), 'introductory');

  await move(noah.pid, noah.eid, { form: 'exit', to: 'exited', date: ago(16), reason: 'no-meaningful-response',
    note: 'Referred to a physiotherapist for graded exercise.' });
  const xml = await episodeXml(noah.pid, noah.eid);
  assert.equal(phaseOf(xml), 'exited');
  assert.match(xml, /reason="no-meaningful-response"/);
  assert.match(xml, /status="finished"/);

  r = await move(noah.pid, noah.eid, { to: 'first-month', date: ago(10) }, 409);
  assert.match(r.body, /already exited/);
});

// ------------------------------------------------------------ Paula (XML)

const paula = {};
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;
const odi = (sum) => {
  // Ten sections adding to `sum`.
  const s = Array(10).fill(0);
  for (let i = 0; i < sum; i++) s[i % 10]++;
  return s.map((v, i) => `<answer item="s${i + 1}">${v}</answer>`).join('');
};

async function xmlPost(path, xml, status = 303) {
  const r = await web.postXml(path, xml);
  assert.equal(r.status, status, `${path}: ${r.status} ${r.body.slice(0, 1200)}`);
  return r;
}

test('Paula, a partial responder with two flares, continues below the benchmark with a justification (XML API)', async () => {
  let r = await xmlPost('/patients', X('Patient', '<identifier>J-PAULA</identifier><name>Paula Partial</name><gender>female</gender>'));
  paula.pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);

  // An episode must start in phase enrolled.
  r = await xmlPost(`/patients/${paula.pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(75)}</periodStart><primaryInstrument>odi</primaryInstrument><phase>monthly</phase>`), 409);
  r = await xmlPost(`/patients/${paula.pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(75)}</periodStart><primaryInstrument>odi</primaryInstrument><phase>enrolled</phase>`));
  paula.eid = Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
  const E = `/patients/${paula.pid}/episodes/${paula.eid}`;

  // Invalid answers: an ODI section scored 6, two sections missing.
  r = await xmlPost(`/patients/${paula.pid}/observations`, X('Observation',
    `<episode>${paula.eid}</episode><instrument>odi</instrument><effective>${ago(75)}</effective><answer item="s1">6</answer>`), 422);
  assert.match(r.body, /s1/);
  r = await xmlPost(`/patients/${paula.pid}/observations`, X('Observation',
    `<episode>${paula.eid}</episode><instrument>odi</instrument><effective>${ago(75)}</effective>${odi(16).replace(/<answer item="s(9|10)">\d<\/answer>/g, '')}`), 422);
  // A measure in the future.
  r = await xmlPost(`/patients/${paula.pid}/observations`, X('Observation',
    `<episode>${paula.eid}</episode><instrument>odi</instrument><effective>${ago(-3)}</effective>${odi(20)}`), 422);

  await xmlPost(`/patients/${paula.pid}/observations`, X('Observation',
    `<episode>${paula.eid}</episode><instrument>odi</instrument><effective>${ago(75)}</effective><timepoint>baseline</timepoint>${odi(30)}`));
  const mv = (to, date, extra = '') => X('PhaseChange', `<episode>${paula.eid}</episode><to>${to}</to><date>${date}</date>${extra}`);
  await xmlPost(`${E}/moves`, mv('introductory', ago(74)));
  const v = (date, type = 'needling') => X('Encounter', `<episode>${paula.eid}</episode><date>${date}</date><type>${type}</type><state>finished</state>`);
  for (const d of [74, 71, 67, 64]) await xmlPost(`${E}/visits`, v(ago(d)));
  // A delivered visit in the future is refused; a scheduled one is fine.
  await xmlPost(`${E}/visits`, v(ago(-2)), 422);
  await xmlPost(`${E}/visits`, X('Encounter', `<episode>${paula.eid}</episode><date>${ago(-2)}</date><type>needling</type><state>planned</state>`));

  await xmlPost(`/patients/${paula.pid}/observations`, X('Observation',
    `<episode>${paula.eid}</episode><instrument>odi</instrument><effective>${ago(61)}</effective>${odi(20)}`));
  await xmlPost(`${E}/moves`, mv('first-month', ago(60)));
  r = await web.getXml(E);
  assert.match(r.body, /improvement="0.3333"/);

  // Flare 1: moderate, ended.
  await xmlPost(`${E}/flares`, X('Flare', `<episode>${paula.eid}</episode><start>${ago(55)}</start><end>${ago(51)}</end><severity>moderate</severity><trigger>Lifting boxes while moving house</trigger><response>Extra needling session; loading stepped back</response>`));
  // A flare cannot end before it starts.
  await xmlPost(`${E}/flares`, X('Flare', `<episode>${paula.eid}</episode><start>${ago(40)}</start><end>${ago(45)}</end><severity>mild</severity>`), 422);
  for (const d of [58, 54, 51, 47]) await xmlPost(`${E}/visits`, v(ago(d)));
  await xmlPost(`/patients/${paula.pid}/observations`, X('Observation',
    `<episode>${paula.eid}</episode><instrument>odi</instrument><effective>${ago(46)}</effective>${odi(18)}`));

  // 40% < 50%: the monthly program needs a written clinical justification.
  r = await xmlPost(`${E}/moves`, mv('monthly', ago(45)), 422);
  assert.match(r.body, /justification/);
  assert.match(r.body, /Improvement is 40%/);
  r = await xmlPost(`${E}/moves`, mv('monthly', ago(45), '<justification>too short</justification>'), 422);
  paula.justification = 'Steady functional gains (ODI 60 to 36) despite a flare from moving house; sitting tolerance doubled. Continue with a slower taper and review in four weeks.';
  await xmlPost(`${E}/moves`, mv('monthly', ago(45), `<justification>${paula.justification}</justification>`));

  for (const d of [45, 43, 41, 38, 36, 34, 31, 29, 24, 22, 17, 15, 10, 8, 3]) await xmlPost(`${E}/visits`, v(ago(d)));
  for (const [d, s] of [[38, 17], [31, 16], [24, 16], [17, 15], [10, 17]])
    await xmlPost(`/patients/${paula.pid}/observations`, X('Observation',
      `<episode>${paula.eid}</episode><instrument>odi</instrument><effective>${ago(d)}</effective>${odi(s)}`));
  // Flare 2: severe, still open.
  await xmlPost(`${E}/flares`, X('Flare', `<episode>${paula.eid}</episode><start>${ago(5)}</start><severity>severe</severity><trigger>Long drive</trigger>`));

  const xml = (await web.getXml(E)).body;
  assert.equal(phaseOf(xml), 'monthly');
  assert.ok(xml.includes('Steady functional gains'), 'the justification is on the episode');
  assert.equal([...xml.matchAll(/<flare id=/g)].length, 2);
  // The baseline is never reset by a flare: still 60 on the checkpoint data.
  assert.match(xml, /<move [^>]*to="monthly"[^>]*improvement="0.4000"/);
  const taper = [...xml.matchAll(/<week [^>]*recommended="(\d)"[^>]*why="([^"]*)"/g)];
  assert.ok(taper.length >= 6);
  assert.match(taper.at(-1)[2], /flare/, 'the open severe flare holds or steps back the taper');

  // The chart marks both flares.
  r = await web.get(`/patients/${paula.pid}`);
  assert.equal([...r.body.matchAll(/<rect class="flare"/g)].length, 2);
});

// ------------------------------------------------------------ dashboard

test('the dashboard shows patients by phase, an overdue checkpoint and the open flare', async () => {
  const r0 = await web.postXml('/patients', X('Patient', '<identifier>J-OLIVE</identifier><name>Olive Overdue</name>'));
  const pid = Number(/\/patients\/(\d+)/.exec(r0.headers.location)[1]);
  const r1 = await xmlPost(`/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(21)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase>`));
  const eid = Number(/episodes\/(\d+)/.exec(r1.headers.location)[1]);
  await xmlPost(`/patients/${pid}/observations`, X('Observation', `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(21)}</effective><timepoint>baseline</timepoint><answer item="pain">6</answer>`));
  await xmlPost(`/patients/${pid}/episodes/${eid}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>introductory</to><date>${ago(20)}</date>`));

  const r = await web.get('/');
  assert.equal(r.status, 200);
  assert.match(r.body, /id="checkpoints-overdue"[\s\S]*Olive Overdue/);
  assert.match(r.body, /id="open-flares"[\s\S]*Paula Partial[\s\S]*severe/);
  const xml = (await web.getXml('/')).body;
  for (const [phase, n] of [['introductory', 1], ['monthly', 1], ['graduated', 1], ['exited', 1]])
    assert.equal(attr(xml.slice(xml.indexOf(`id="${phase}"`) - 20), 'phase', 'episodes'), String(n), phase);
  // Front desk sees no clinical dashboard, and cannot record moves.
  const d = await desk.get('/');
  assert.doesNotMatch(d.body, /Open flares/);
  const m = await desk.postForm(`/patients/${pid}/episodes/${eid}/moves`, { to: 'exited', date: ago(1), reason: 'moved' });
  assert.equal(m.status, 403);
  // The week view lists Paula's scheduled visit.
  const w = await desk.get(`/schedule?week=${ago(-2)}`);
  assert.equal(w.status, 200);
  assert.match(w.body, /Paula Partial/);
  assert.equal((await desk.get('/schedule?week=2024-13-01')).status, 400);
});

// ------------------------------------------------------------ money

test('pricing is public and from the definition; economics shows fees against visits per phase', async () => {
  const pub = await srv.client().get('/pricing');
  assert.equal(pub.status, 200);
  assert.match(pub.body, /AUD 420\.00/);
  assert.match(pub.body, /AUD 1,680\.00/);

  const r = await web.getXml('/economics');
  assert.equal(r.status, 200);
  const phase = (id) => {
    const m = new RegExp(`<phase id="${id}"[^>]*/>`).exec(r.body)[0];
    return Object.fromEntries([...m.matchAll(/([a-z-]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
  };
  const intro = phase('introductory'), fm = phase('first-month'), mo = phase('monthly');
  // One invoice per phase entered, never per visit.
  assert.equal(Number(intro.entered), 4);
  assert.equal(Number(intro.fees), 4 * FEES.introductory);
  assert.equal(Number(fm.entered), 2);
  assert.equal(Number(fm.fees), 2 * FEES['first-month']);
  assert.equal(Number(mo.entered), 2);
  assert.equal(Number(mo.fees), 2 * FEES.monthly);
  // Visits delivered in each phase: Rosa 4+1 herbal, Noah 4, Paula 4 (Olive none).
  assert.equal(Number(intro.visits), 13);
  assert.equal(Number(fm.visits), 8);
  assert.equal(Number(mo.visits), 17 + 15);
  assert.equal(intro['per-visit'], (4 * FEES.introductory / 13).toFixed(2));
  assert.match(r.body, /<benchmark decisions="2" reached="1" share="0.5000"\/>/);
  assert.match(r.body, /<graduation count="1" median-days="102.0"\/>/);
  assert.match(r.body, /<decision from="introductory" to="exited" threshold-met="no" count="1"/);
  assert.match(r.body, /<decision from="first-month" to="monthly" threshold-met="no" count="1" justified="1"\/>/);
  const html = await web.get('/economics');
  assert.match(html.body, /Steady functional gains/);
  console.log('economics per phase:', JSON.stringify({ intro, fm, mo }));
  console.log('economics per month:', [...r.body.matchAll(/<month [^>]*\/>/g)].map((m) => m[0]).join('\n'));
  console.log('economics per episode:', [...r.body.matchAll(/<episode [^>]*\/>/g)].map((m) => m[0]).join('\n'));
});
