// The exercise plugin (plugins/exercise) against a real cairnd with the
// program plugin: the library, starting the progression (only once the
// data say the gains are stabilizing, else with a written reason), the
// session and its refusals, the gate between stages with its reason, a
// flare stepping back a load level and a severe one a stage (never to the
// start), the home routine from what was mastered, its projection for the
// program's graduation, and the handout.  Every refusal stores nothing.
// Dates count back from today, so the suite runs on any day.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn } from '../lib/harness.mjs';
import { sqlJson } from '../lib/access.mjs';

const srv = useCairn({ clinicName: 'Riverside Pain Clinic' });
let web;

const DAY = 86400000;
const today = new Date(Date.now());
const ago = (n) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const P = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:exercise">${body}</${root}>`;
const REASON = 'Flying overseas for work next month; starting corrective work early after discussing it together.';

async function xmlPost(path, xml, status = 303) {
  const r = await web.postXml(path, xml);
  assert.equal(r.status, status, `${path}: ${r.status} ${r.body.slice(0, 1200)}`);
  return r;
}
const nrs = (pid, eid, d, pain, extra = '') => xmlPost(`/patients/${pid}/observations`, P('Observation',
  `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(d)}</effective>${extra}<answer item="pain">${pain}</answer>`));
const mv = (eid, to, date) => P('PhaseChange', `<episode>${eid}</episode><to>${to}</to><date>${date}</date>`);

// A patient whose episode reached the monthly program 32 days ago with an
// NRS of 8 at baseline and 3 since (gains held when `held`), or stays in
// the first month.
async function episode(identifier, { monthly = true, held = true } = {}) {
  let r = await xmlPost('/patients', P('Patient', `<identifier>${identifier}</identifier><name>${identifier} Tester</name><gender>female</gender>`));
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  r = await xmlPost(`/patients/${pid}/episodes`, P('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(60)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase>`));
  const eid = Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
  await nrs(pid, eid, 60, 8, '<timepoint>baseline</timepoint>');
  const E = `/patients/${pid}/episodes/${eid}`;
  await xmlPost(`${E}/moves`, mv(eid, 'introductory', ago(60)));
  await nrs(pid, eid, 47, 5);
  await xmlPost(`${E}/moves`, mv(eid, 'first-month', ago(46)));
  await nrs(pid, eid, 33, 3);
  if (monthly) await xmlPost(`${E}/moves`, mv(eid, 'monthly', ago(32)));
  if (held) await nrs(pid, eid, 7, 3);
  return { pid, eid, E, X: `${E}/exercise` };
}

const stored = (table, eid) => sqlJson(srv.database,
  `SELECT COUNT(*) AS n FROM ${table} WHERE episode = ${eid}`)[0].n;
const section = async (a) => (await web.getXml(a.X)).body;
const stageOf = (xml) => /<stage code="([^"]+)"/.exec(xml)[1];
const gateOf = (xml) => /<gate open="(yes|no)"[^>]*why="([^"]*)"/.exec(xml);

const stageXml = (a, from, to, kind, date, extra = '') =>
  X('Stage', `<episode>${a.eid}</episode><date>${date}</date><from>${from}</from><to>${to}</to><kind>${kind}</kind>${extra}`);
const sessionXml = (a, stage, date, pain, morning, done) =>
  X('Session', `<episode>${a.eid}</episode><date>${date}</date><stage>${stage}</stage>${done}<pain>${pain}</pain>${morning ? `<nextMorning>${morning}</nextMorning>` : ''}`);
const CORR = '<done exercise="dead-bug" sets="2" reps="8"/><done exercise="glute-bridge" sets="2" reps="10"/>';
const QI = '<done exercise="bdj-1-hold-up-the-sky" sets="1" reps="8"/>';
const LOAD = (kg) => `<done exercise="goblet-squat" sets="3" reps="8" load="${kg}"/>`;

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
});

test('the staff home says nothing about exercise while no progression exists', async () => {
  const r = await web.get('/');
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.body, /id="section-exercise-dashboard"/);
});

test('the library: three stages, the Ba Duan Jin in order, rules with sources, a drawing per exercise', async () => {
  const r = await web.get('/exercises');
  assert.equal(r.status, 200);
  assert.match(r.body, /Dead bug/);
  const pieces = [...r.body.matchAll(/<h3>(\d)\. /g)].map((m) => Number(m[1]));
  assert.deepEqual(pieces, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.match(r.body, /Liǎng Shǒu Tuō Tiān Lǐ Sān Jiāo/);
  assert.match(r.body, /Silbernagel/);
  assert.match(r.body, /2007;35\(6\):897-906/);
  assert.match(r.body, /not found/);
  const figures = (r.body.match(/<svg[^>]*class="ex-figure"/g) || []).length;
  assert.ok(figures >= 30, `${figures} drawings`);
  const xml = (await web.getXml('/exercises')).body;
  assert.equal((xml.match(/<exercise [^>]*stage="corrective"/g) || []).length >= 12, true);
  assert.equal((xml.match(/<exercise [^>]*stage="loading"/g) || []).length >= 10, true);
});

test('the progression starts once gains hold in the monthly program; earlier only with a written reason', async () => {
  const early = await episode('X-EARLY', { monthly: false, held: false });
  let xml = await section(early);
  assert.equal(stageOf(xml), 'not-started');
  assert.match(xml, /only with a written reason/);
  let r = await web.postForm(`${early.X}/stages`, { from: 'not-started', date: ago(0), reason: '' });
  assert.equal(r.status, 422);
  assert.match(r.body, /at least 20 characters/);
  await xmlPost(`${early.X}/stages`, stageXml(early, 'not-started', 'corrective', 'start', ago(0), '<reason>soon</reason>'), 422);
  // skipping a stage, and starting anywhere but corrective: refused
  await xmlPost(`${early.X}/stages`, stageXml(early, 'not-started', 'qigong', 'start', ago(0), `<reason>${REASON}</reason>`), 409);
  await xmlPost(`${early.X}/stages`, stageXml(early, 'not-started', 'corrective', 'advance', ago(0)), 409);
  assert.equal(stored('p_exercise_stage', early.eid), 0, 'every refusal stores nothing');
  r = await web.postForm(`${early.X}/stages`, { from: 'not-started', date: ago(0), reason: REASON });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  assert.equal(stageOf(await section(early)), 'corrective');

  const ready = await episode('X-READY');
  xml = await section(ready);
  assert.match(xml, /gains-held="yes"/);
  assert.match(xml, /gains are stabilizing: start corrective/);
  r = await web.postForm(`${ready.X}/stages`, { from: 'not-started', date: ago(0) });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  // a stale form (the stage moved meanwhile) is refused
  r = await web.postForm(`${ready.X}/stages`, { from: 'not-started', date: ago(0) });
  assert.equal(r.status, 409);
  assert.equal(stored('p_exercise_stage', ready.eid), 1);
});

test('sessions: each refusal stores nothing', async () => {
  const a = await episode('X-SESS');
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(1), 3, 'same', CORR), 409);   // not started
  await xmlPost(`${a.X}/stages`, stageXml(a, 'not-started', 'corrective', 'start', ago(5)));
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(-1), 3, 'same', CORR), 422);  // tomorrow
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(9), 3, 'same', CORR), 422);   // before the stage
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(1), 11, 'same', CORR), 422);  // pain 11/10
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(1), 3, 'same', LOAD(8)), 422); // a stage not reached
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'qigong', ago(1), 3, 'same', QI), 409);         // a stage not reached
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(1), 3, 'same', '<done exercise="handstand" sets="1" reps="1"/>'), 422);
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(1), 3, 'same', '<done exercise="dead-bug" sets="1"/>'), 422);
  let r = await web.postForm(`${a.X}/sessions`, { stage: 'corrective', date: ago(1), pain: '12', ex1: 'dead-bug', sets1: '2', reps1: '8' });
  assert.equal(r.status, 422);
  assert.match(r.body, /Pain during/);
  assert.match(r.body, /value="dead-bug" selected/, 'what was typed is kept');
  assert.equal(stored('p_exercise_session', a.eid), 0, 'every refusal stores nothing');
  // the form, prefilled with the stage's exercises, records one
  r = await web.get(`${a.X}/sessions/new`);
  assert.equal(r.status, 200);
  r = await web.postForm(`${a.X}/sessions`, { stage: 'corrective', date: ago(1), pain: '3', ex1: 'dead-bug', sets1: '2', reps1: '8', load1: '0' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  assert.equal(stored('p_exercise_session', a.eid), 1);
});

test('the gate: too few sessions, pain 6/10, a worse morning, a flare last week; then open', async () => {
  const a = await episode('X-GATE');
  await xmlPost(`${a.X}/stages`, stageXml(a, 'not-started', 'corrective', 'start', ago(30)));
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(28), 3, 'same', CORR));
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(26), 2, 'better', CORR));
  let g = gateOf(await section(a));
  assert.equal(g[1], 'no');
  assert.match(g[2], /2 of 3 sessions/);
  let r = await web.postForm(`${a.X}/stages`, { from: 'corrective', date: ago(0) });
  assert.equal(r.status, 409);
  assert.match(r.body, /2 of 3 sessions/);
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(24), 6, 'same', CORR));
  g = gateOf(await section(a));
  assert.match(g[2], /6\/10, above the 5\/10/);
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(22), 3, 'same', CORR));
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(20), 3, 'same', CORR));
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(18), 2, 'worse', CORR));
  g = gateOf(await section(a));
  assert.match(g[2], /worse than usual/);
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(16), 2, 'same', CORR));
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(14), 2, 'same', CORR));
  // the next morning is not known yet; then it is
  r = await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(12), 2, '', CORR));
  g = gateOf(await section(a));
  assert.match(g[2], /not recorded yet/);
  const sid = sqlJson(srv.database, `SELECT record FROM p_exercise_session WHERE episode = ${a.eid} AND next_morning IS NULL`)[0].record;
  r = await web.postForm(`${a.X}/sessions/${sid}/morning`, { nextMorning: 'better' });
  assert.equal(r.status, 303);
  // a flare last week (the program's) keeps it closed
  await xmlPost(`${a.E}/flares`, P('Flare', `<episode>${a.eid}</episode><start>${ago(11)}</start><end>${ago(5)}</end><severity>mild</severity>`));
  g = gateOf(await section(a));
  assert.equal(g[1], 'no');
  assert.match(g[2], /flare ended 5 days ago/);
  // the flare stepped back a load level, not a stage
  let xml = await section(a);
  assert.equal(stageOf(xml), 'corrective');
  assert.match(xml, /kind="flare-load"/);
  // sessions after the flare: open once 7 flare-free days have passed
  assert.equal(stored('p_exercise_stage', a.eid), 2);
  // an episode whose flare ended long ago: the passing case
  const b = await episode('X-OPEN');
  await xmlPost(`${b.X}/stages`, stageXml(b, 'not-started', 'corrective', 'start', ago(20)));
  for (const d of [18, 16, 14]) await xmlPost(`${b.X}/sessions`, sessionXml(b, 'corrective', ago(d), 4, 'same', CORR));
  g = gateOf(await section(b));
  assert.equal(g[1], 'yes', g[2]);
  assert.match(g[2], /ready for Qi gong/);
  r = await web.postForm(`${b.X}/stages`, { from: 'corrective', date: ago(10) });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  xml = await section(b);
  assert.equal(stageOf(xml), 'qigong');
  assert.match(xml, /<change [^>]*gate="3 sessions in a row/);
});

test('a severe flare steps back one stage, never to the start; loads step back one level', async () => {
  const a = await episode('X-SEVERE');
  await xmlPost(`${a.X}/stages`, stageXml(a, 'not-started', 'corrective', 'start', ago(40)));
  for (const d of [39, 38, 37]) await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(d), 2, 'same', CORR));
  await xmlPost(`${a.X}/stages`, stageXml(a, 'corrective', 'qigong', 'advance', ago(36)));
  for (const d of [35, 34, 33]) await xmlPost(`${a.X}/sessions`, sessionXml(a, 'qigong', ago(d), 2, 'same', QI));
  await xmlPost(`${a.X}/stages`, stageXml(a, 'qigong', 'loading', 'advance', ago(32)));
  // goblet squat 8 kg x 3 sets: light, so one more set; then 8 kg x 4 -> 9 kg
  for (const d of [30, 28]) await xmlPost(`${a.X}/sessions`, sessionXml(a, 'loading', ago(d), 3, 'same', LOAD(8)));
  let xml = await section(a);
  assert.match(xml, /<exercise id="goblet-squat"[^>]*>(?:(?!<\/exercise>).)*<next>\s*<dose sets="4" reps="8" load="8"/s);
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'loading', ago(26), 3, 'same',
    '<done exercise="goblet-squat" sets="4" reps="8" load="8"/>'));
  await xmlPost(`${a.X}/sessions`, sessionXml(a, 'loading', ago(24), 3, 'same',
    '<done exercise="goblet-squat" sets="4" reps="8" load="8"/>'));
  xml = await section(a);
  assert.match(xml, /<exercise id="goblet-squat"[^>]*>(?:(?!<\/exercise>).)*<next>\s*<dose sets="4" reps="8" load="9"/s);
  // a moderate flare: one load level back (9 kg -> 8 kg x 4), same stage
  await xmlPost(`${a.E}/flares`, P('Flare', `<episode>${a.eid}</episode><start>${ago(20)}</start><end>${ago(18)}</end><severity>moderate</severity>`));
  xml = await section(a);
  assert.equal(stageOf(xml), 'loading');
  assert.match(xml, /<exercise id="goblet-squat"[^>]*>(?:(?!<\/exercise>).)*<next>\s*<dose sets="4" reps="8" load="8"/s);
  // a severe flare: one stage back
  await xmlPost(`${a.E}/flares`, P('Flare', `<episode>${a.eid}</episode><start>${ago(3)}</start><severity>severe</severity>`));
  xml = await section(a);
  assert.equal(stageOf(xml), 'qigong');
  // a second severe flare: corrective; a third: still corrective
  await xmlPost(`${a.E}/flares`, P('Flare', `<episode>${a.eid}</episode><start>${ago(2)}</start><severity>severe</severity>`));
  await xmlPost(`${a.E}/flares`, P('Flare', `<episode>${a.eid}</episode><start>${ago(1)}</start><severity>severe</severity>`));
  xml = await section(a);
  assert.equal(stageOf(xml), 'corrective', 'never back to the start');
  // a flare's later version (its end) changes nothing more
  const before = stored('p_exercise_stage', a.eid);
  const fid = sqlJson(srv.database, `SELECT record FROM p_program_flare WHERE episode = ${a.eid} AND end_date IS NULL ORDER BY record LIMIT 1`)[0].record;
  await web.postForm(`${a.E}/flares/${fid}/end`, { end: ago(0) });
  assert.equal(stored('p_exercise_stage', a.eid), before);
});

test('the home routine from what was mastered, its projection, and the handout', async () => {
  const a = await episode('X-HOME');
  let r = await web.postForm(`${a.X}/routine`, { 'tool-pacing': 'yes' });
  assert.equal(r.status, 409, 'nothing mastered: no routine');
  await xmlPost(`${a.X}/stages`, stageXml(a, 'not-started', 'corrective', 'start', ago(30)));
  for (const d of [29, 27, 25]) await xmlPost(`${a.X}/sessions`, sessionXml(a, 'corrective', ago(d), 2, 'same', CORR));
  // a routine naming an exercise not mastered is refused, nothing stored
  await xmlPost(`${a.X}/routine`, X('HomeRoutine', `<episode>${a.eid}</episode><date>${ago(0)}</date><since>${ago(0)}</since><item exercise="bird-dog" sets="2" reps="8" perWeek="5"/>`), 422);
  assert.equal(stored('p_exercise_routine', a.eid), 0);
  r = await web.postForm(`${a.X}/routine`, { 'tool-pacing': 'yes', 'tool-breathing': 'yes', 'tool-flare-plan': 'yes', note: 'Mornings suit you best.' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  r = await web.postForm(`${a.X}/routine`, { 'tool-heat': 'yes', 'tool-flare-plan': 'yes' });
  assert.equal(r.status, 303);
  const row = sqlJson(srv.database, `SELECT version, since, review_date, items, tools FROM p_exercise_routine WHERE episode = ${a.eid}`);
  assert.equal(row.length, 1, 'one routine per episode, versioned');
  assert.equal(row[0].version, 2);
  assert.equal(row[0].since, ago(0));
  assert.equal(row[0].items, 2);
  assert.equal(row[0].tools, 2);
  const xml = await section(a);
  assert.match(xml, /<routine since="[^"]+" reviewed="[^"]+" version="2" weeks="0"/);
  r = await web.get(`${a.X}/handout`);
  assert.equal(r.status, 200);
  assert.match(r.body, /Riverside Pain Clinic/);
  assert.match(r.body, /Dead bug/);
  assert.match(r.body, /Keep your lower back quietly on the floor/);
  assert.match(r.body, /2 x 8/);
  assert.match(r.body, /5 times a week/);
  assert.match(r.body, /If it flares/);
  assert.match(r.body, /Heat/);
  const text = r.body.replace(/<[^>]+>/g, ' ');
  assert.doesNotMatch(text, /dead-bug|glute-bridge|corrective\b|qigong|flare-plan|urn:cairn/, 'no internal codes');
});

test('the worklist names the episodes whose gate is open and those a flare stepped back', async () => {
  const r = await web.get('/exercise');
  assert.equal(r.status, 200);
  const open = r.body.slice(r.body.indexOf('id="gate-open"'), r.body.indexOf('id="stepped-back"'));
  const back = r.body.slice(r.body.indexOf('id="stepped-back"'));
  assert.match(open, /X-HOME Tester/, 'three corrective sessions inside the model, no flare');
  assert.doesNotMatch(open, /X-GATE Tester/, 'a flare last week keeps its gate closed');
  assert.match(back, /X-GATE Tester[\s\S]*?one load level back/);
  assert.match(back, /X-SEVERE Tester[\s\S]*?one stage back/);
  const desk = await srv.as('front-desk');
  assert.equal((await desk.get('/exercise')).status, 403);
});
