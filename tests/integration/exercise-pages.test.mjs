// The exercise plugin's parts of other pages, against a real cairnd with
// the program plugin (which is told exercise=yes and has the card
// routine=Your home routine): the section on the staff episode page, the
// routine on the graduation summary and on the patient's own summary, the
// dashboard's gates open and flares' step backs; graduation's "home
// routine" computed from the routine (with and without one, weeks
// practised shown; the tick box only for an episode the plugin never saw);
// and the patient's own routine page, where they log a session and its
// next morning: another patient's link, a revoked and an expired link see
// nothing and store nothing, and bad input is a 4xx that stores nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, run, Client, csrfFromHtml } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';
import { dbValue, versions } from '../lib/intake.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-exercise-pages-'));
const sink = await spawnSink(path.join(work, 'sink'));
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';

const srv = useCairn({
  publicUrl: PUBLIC,
  clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' },
});
let web;

const DAY = 86400000;
const today = new Date(Date.now());
const ago = (n) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const P = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:exercise">${body}</${root}>`;
const JUST = 'Goals reviewed with the patient in person; she is confident and moving abroad next month.';

async function xmlPost(p, xml, status = 303) {
  const r = await web.postXml(p, xml);
  assert.equal(r.status, status, `${p}: ${r.status} ${r.body.slice(0, 1200)}`);
  return r;
}
const nrs = (pid, eid, d, pain, extra = '') => xmlPost(`/patients/${pid}/observations`, P('Observation',
  `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(d)}</effective>${extra}<answer item="pain">${pain}</answer>`));
const mv = (eid, to, date, extra = '') => P('PhaseChange', `<episode>${eid}</episode><to>${to}</to><date>${date}</date>${extra}`);

// A patient in the monthly program since 32 days ago, gains held.
async function episode(identifier) {
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
  await xmlPost(`${E}/moves`, mv(eid, 'monthly', ago(32)));
  await nrs(pid, eid, 7, 3);
  return { pid, eid, E, X: `${E}/exercise`, name: `${identifier} Tester` };
}

const stageXml = (a, from, to, kind, date) =>
  X('Stage', `<episode>${a.eid}</episode><date>${date}</date><from>${from}</from><to>${to}</to><kind>${kind}</kind>`);
const CORR = '<done exercise="dead-bug" sets="2" reps="8"/><done exercise="glute-bridge" sets="2" reps="10"/>';
const sessionXml = (a, date, pain, morning) =>
  X('Session', `<episode>${a.eid}</episode><date>${date}</date><stage>corrective</stage>${CORR}<pain>${pain}</pain><nextMorning>${morning}</nextMorning>`);

// Corrective started 30 days ago, three sessions inside the model: the
// gate to qi gong is open and dead bug and glute bridge are mastered.
async function mastered(a) {
  await xmlPost(`${a.X}/stages`, stageXml(a, 'not-started', 'corrective', 'start', ago(30)));
  for (const d of [29, 27, 25]) await xmlPost(`${a.X}/sessions`, sessionXml(a, ago(d), 2, 'same'));
}
// The routine, written `since` days ago (XML keeps the date given).
const routineXml = (a, since) => X('HomeRoutine', `<episode>${a.eid}</episode><date>${ago(since)}</date><since>${ago(since)}</since>`
  + '<item exercise="dead-bug" sets="2" reps="8" load="0" perWeek="5"/><item exercise="glute-bridge" sets="2" reps="10" load="0" perWeek="7"/>'
  + '<tool>breathing</tool><tool>flare-plan</tool><note>Mornings suit you best.</note>');

const sectionOf = (html, id) => {
  const i = html.indexOf(`id="section-exercise-${id}"`);
  return i < 0 ? '' : html.slice(i, html.indexOf('</section>', i));
};
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const stored = (table, eid) => Number(dbValue(srv, `SELECT COUNT(*) FROM ${table} WHERE episode = ${eid}`));

// The episode's personal link, opened in a fresh client: { c, link }.
async function patientLink(a, email) {
  const r = await web.postForm(`${a.E}/patient-link`, { email, diary: 'daily' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const page = await web.get(r.headers.location);
  const m = new RegExp(`value="${PUBLIC.replace(/[.]/g, '\\.')}(/c/[A-Za-z0-9_-]{43})"`).exec(page.body);
  assert.ok(m, page.body.slice(0, 2000));
  return open(m[1]);
}
async function open(link) {
  const c = new Client(srv.base);
  const r = await c.get(link);
  assert.equal(r.status, 303, r.body.slice(0, 300));
  const home = await c.get(r.headers.location);
  c.csrf = csrfFromHtml(home.body);
  return { c, link, home };
}

const ann = {};
const bea = {};
before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
  Object.assign(ann, await episode('EXP-ANN'));
  await mastered(ann);
  await xmlPost(`${ann.X}/routine`, routineXml(ann, 21));
  Object.assign(bea, await episode('EXP-BEA'));
  await mastered(bea);
  await xmlPost(`${bea.X}/routine`, routineXml(bea, 0));
});
after(() => { sink.stop(); rmSync(work, { recursive: true, force: true }); });

test('the episode page carries the exercise section: stage, gate and why, next step, routine since and weeks, links', async () => {
  const r = await web.get(ann.E);
  assert.equal(r.status, 200);
  const s = sectionOf(r.body, 'episode');
  assert.ok(s, 'the section is on the page');
  const t = text(s);
  assert.match(t, new RegExp(`Stage Corrective exercise, since ${ago(30)}`));
  assert.match(t, /Gate Open: 3 sessions in a row/);
  assert.match(t, /Next step Move on to Qi gong/);
  assert.match(t, new RegExp(`Home routine Since ${ago(21)}: 3 weeks practised \\(2 exercises`));
  assert.match(s, new RegExp(`href="${ann.X}/sessions/new"[^>]*>Record a session`));
  assert.match(s, new RegExp(`href="${ann.X}"[^>]*>The exercise page`));
  assert.match(s, new RegExp(`href="${ann.X}/handout"[^>]*>The handout`));
  // An administrator sees it but does not record sessions.
  const admin = await srv.as('admin');
  const s2 = sectionOf((await admin.get(ann.E)).body, 'episode');
  assert.match(s2, /Gate/);
  assert.doesNotMatch(s2, /Record a session/);
  // An episode without a progression: not started, and what to do.
  const c = await episode('EXP-NONE');
  const t3 = text(sectionOf((await web.get(c.E)).body, 'episode'));
  assert.match(t3, /Stage Not started/);
  assert.match(t3, /gains are stabilizing: start corrective/);
  assert.doesNotMatch(t3, /Gate|Record a session/);
});

test('a flare steps back: the episode section and the dashboard say so; the dashboard lists open gates', async () => {
  const a = await episode('EXP-FLARE');
  await mastered(a);
  await xmlPost(`${a.E}/flares`, P('Flare', `<episode>${a.eid}</episode><start>${ago(2)}</start><severity>moderate</severity>`));
  const s = text(sectionOf((await web.get(a.E)).body, 'episode'));
  assert.match(s, new RegExp(`Stepped back a flare: one load level back, on ${ago(2)}`));
  assert.match(s, /Gate Closed/);
  const home = await web.get('/');
  assert.equal(home.status, 200);
  const d = sectionOf(home.body, 'dashboard');
  assert.ok(d, 'the dashboard has the exercise section');
  const dt = text(d);
  assert.match(dt, /Gate open EXP-ANN Tester: 3 sessions in a row/);
  assert.match(dt, /Stepped back EXP-FLARE Tester: a flare: one load level back/);
  assert.doesNotMatch(dt, /Gate open EXP-FLARE/, 'a flare this week keeps the gate closed');
  assert.match(d, new RegExp(`href="${a.X}"`));
  assert.match(d, /href="\/exercise"/);
  // Front desk sees the overview without any clinical exercise detail.
  const desk = await srv.as('front-desk');
  const h2 = await desk.get('/');
  assert.equal(h2.status, 200);
  assert.equal(sectionOf(h2.body, 'dashboard'), '');
  assert.doesNotMatch(h2.body, /EXP-ANN/);
});

test('graduation: the home routine item is computed from the routine, with the weeks practised', async () => {
  // With a routine: evidence says so, with its weeks; the tick box is gone.
  let r = await web.get(ann.E);
  assert.match(r.body, /id="evidence-home-routine"/);
  assert.match(text(r.body), new RegExp(`Home routine written since ${ago(21)}: 3 weeks practised, 2 exercises`));
  assert.doesNotMatch(r.body, /name="homeRoutine"/, 'no tick box when the routine is computed');
  // Goals are not shown met (no PSFS): a justification is needed, but the
  // home routine is not among what falls short.
  r = await xmlPost(`${ann.E}/moves`, mv(ann.eid, 'graduated', ago(0)), 422);
  assert.doesNotMatch(r.body, /home routine/);
  // A client's homeRoutine "no" is replaced by the computed "yes".
  await xmlPost(`${ann.E}/moves`, mv(ann.eid, 'graduated', ago(0), `<justification>${JUST}</justification><homeRoutine>no</homeRoutine>`));
  assert.equal(dbValue(srv, `SELECT v.body LIKE '%<homeRoutine>yes</homeRoutine>%' FROM record_version v JOIN p_program_phase_change c ON c.record = v.record WHERE c.episode = ${ann.eid} AND c.to_phase = 'graduated'`), '1');
  // The staff graduation summary carries the routine handed over.
  r = await web.get(`${ann.E}/graduation`);
  assert.equal(r.status, 200);
  assert.match(text(r.body), /practised it for 3 weeks/);
  const g = text(sectionOf(r.body, 'graduation'));
  assert.match(g, /Home routine handed over/);
  assert.match(g, /Dead bug 2 x 8, 5 times a week\. Keep your lower back quietly on the floor/);
  assert.match(g, /Glute bridge 2 x 10, every day\./);
  assert.match(g, /Slow breathing/);
  assert.match(g, /If it flares A flare is expected.*Step back to: fewer repetitions/);
  assert.match(g, /Mornings suit you best/);

  // Progression started but no routine: "no", and a justification needed
  // that names it; a client's tick does not count.
  const c = await episode('EXP-NOROUTINE');
  await mastered(c);
  r = await web.get(c.E);
  assert.match(text(r.body), /No home routine written on the exercise page yet/);
  const n = versions(srv);
  r = await xmlPost(`${c.E}/moves`, mv(c.eid, 'graduated', ago(0), '<homeRoutine>yes</homeRoutine>'), 422);
  assert.match(r.body, /no home routine is written on the exercise page/);
  assert.equal(versions(srv), n, 'the refusal stored nothing');
  await xmlPost(`${c.E}/moves`, mv(c.eid, 'graduated', ago(0), `<justification>${JUST}</justification><homeRoutine>yes</homeRoutine>`));
  assert.equal(dbValue(srv, `SELECT v.body LIKE '%<homeRoutine>no</homeRoutine>%' FROM record_version v JOIN p_program_phase_change c ON c.record = v.record WHERE c.episode = ${c.eid} AND c.to_phase = 'graduated'`), '1');
  r = await web.get(`${c.E}/graduation`);
  assert.match(text(sectionOf(r.body, 'graduation')), /Home routine None was recorded/);
  assert.doesNotMatch(text(r.body), /Your home routine was handed over/);

  // An episode the exercise plugin never saw keeps the clinician's tick.
  const d = await episode('EXP-TICK');
  r = await web.get(d.E);
  assert.match(r.body, /name="homeRoutine"/);
  assert.match(text(r.body), /Home routine: recorded by the clinician below/);
  r = await xmlPost(`${d.E}/moves`, mv(d.eid, 'graduated', ago(0), `<justification>${JUST}</justification>`), 422);
  assert.match(r.body, /home routine handed over/);
  await xmlPost(`${d.E}/moves`, mv(d.eid, 'graduated', ago(0), `<justification>${JUST}</justification><homeRoutine>yes</homeRoutine>`));
});

test('the patient: a card to the routine, the summary in plain words, a session and its next morning logged', async () => {
  const { c, home } = await patientLink(bea, 'bea@example.org');
  assert.match(home.body, new RegExp(`href="/p/${bea.eid}/routine"[^>]*>[^<]*Your home routine`));
  const sum = await c.get(`/p/${bea.eid}/summary`);
  assert.equal(sum.status, 200);
  const s = text(sectionOf(sum.body, 'patient-summary'));
  assert.match(s, /Your exercises at home/);
  assert.match(s, /Dead bug 2 x 8, 5 times a week/);
  assert.match(s, /up to 5 out of 10/);
  assert.doesNotMatch(sum.body, /dead-bug|glute-bridge|qigong|flare-plan|urn:cairn|\/patients\//, 'no codes, no staff links');

  let r = await c.get(`/p/${bea.eid}/routine`);
  assert.equal(r.status, 200);
  assert.match(r.body, /Dead bug/);
  assert.match(r.body, /Keep your lower back quietly on the floor/);
  assert.match(r.body, /If it flares/);
  assert.doesNotMatch(text(r.body), /dead-bug|glute-bridge|corrective|qigong|flare-plan/);
  const before = stored('p_exercise_session', bea.eid);
  r = await c.postForm(`/p/${bea.eid}/routine/sessions`, { date: ago(0), x1: 'yes', x2: 'yes', pain: '3', notes: 'Easy today.' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  assert.equal(r.headers.location, `/p/${bea.eid}/routine?sent=session`);
  assert.equal(stored('p_exercise_session', bea.eid), before + 1);
  const row = JSON.parse(dbValue(srv, `SELECT json_object('record', record, 'pain', pain, 'm', next_morning, 'n', exercises) FROM p_exercise_session WHERE episode = ${bea.eid} ORDER BY record DESC LIMIT 1`));
  assert.equal(row.pain, 3);
  assert.equal(row.m, null, 'the next morning is not known yet');
  assert.equal(row.n, 2);
  r = await c.get(`/p/${bea.eid}/routine?sent=session`);
  assert.match(r.body, /How was the next morning\?/);
  assert.match(r.body, new RegExp(`action="/p/${bea.eid}/routine/sessions/${row.record}/morning"`));
  // a bad response, then a good one, then again: refused
  r = await c.postForm(`/p/${bea.eid}/routine/sessions/${row.record}/morning`, { nextMorning: 'fine' });
  assert.equal(r.status, 422);
  r = await c.postForm(`/p/${bea.eid}/routine/sessions/${row.record}/morning`, { nextMorning: 'better' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  assert.equal(dbValue(srv, `SELECT next_morning FROM p_exercise_session WHERE record = ${row.record}`), 'better');
  const n = versions(srv);
  r = await c.postForm(`/p/${bea.eid}/routine/sessions/${row.record}/morning`, { nextMorning: 'worse' });
  assert.equal(r.status, 409);
  assert.equal(versions(srv), n);
  // the clinician sees it on the exercise page
  assert.match((await web.getXml(bea.X)).body, /<notes>Easy today\.<\/notes>/);
  bea.c = c;
  bea.session = row.record;
});

test('the patient\'s log: bad input is a 4xx that stores nothing', async () => {
  const c = bea.c;
  const n = versions(srv);
  const cases = [
    [{ date: ago(0), x1: 'yes', pain: '11' }, 422, /Pain/],
    [{ date: ago(0), x1: 'yes', pain: '' }, 422, /Pain/],
    [{ date: ago(0), pain: '3' }, 422, /Tick at least one exercise/],
    [{ date: ago(-1), x1: 'yes', pain: '3' }, 422, /When did you do it/],
    [{ date: ago(40), x1: 'yes', pain: '3' }, 422, /before the current stage began/],
    [{ date: 'yesterday', x1: 'yes', pain: '3' }, 422, /When did you do it/],
  ];
  for (const [form, status, re] of cases) {
    const r = await c.postForm(`/p/${bea.eid}/routine/sessions`, form);
    assert.equal(r.status, status, `${JSON.stringify(form)}: ${r.status}`);
    assert.match(r.body, re);
  }
  // a session of another episode, or none: not found
  const other = Number(dbValue(srv, `SELECT record FROM p_exercise_session WHERE episode = ${ann.eid} LIMIT 1`));
  let r = await c.postForm(`/p/${bea.eid}/routine/sessions/${other}/morning`, { nextMorning: 'same' });
  assert.equal(r.status, 404);
  assert.equal(versions(srv), n, 'every refusal stored nothing');
});

test('another patient\'s link, a revoked link and an expired link see nothing and store nothing', async () => {
  const routes = (eid) => [['GET', `/p/${eid}/routine`, null],
    ['POST', `/p/${eid}/routine/sessions`, { date: ago(0), x1: 'yes', pain: '2' }],
    ['POST', `/p/${eid}/routine/sessions/${bea.session}/morning`, { nextMorning: 'same' }]];
  const tryAll = async (c, eid) => {
    for (const [m, p, form] of routes(eid)) {
      const r = m === 'GET' ? await c.get(p) : await c.postForm(p, form);
      assert.ok([401, 403, 404, 410].includes(r.status), `${m} ${p}: ${r.status}`);
      assert.doesNotMatch(r.body, /Dead bug|EXP-BEA|Bea/);
    }
  };
  const { c: annC } = await patientLink(ann, 'ann@example.org');
  let n = versions(srv);
  await tryAll(annC, bea.eid);
  // the summary of another episode shows none of its routine either
  const s = await annC.get(`/p/${bea.eid}/summary`);
  assert.ok([401, 403, 404].includes(s.status), String(s.status));
  assert.equal(versions(srv), n);

  // revoked: Bea's own session is refused from then on
  const rv = await web.postForm(`${bea.E}/patient-link/revoke`, {});
  assert.equal(rv.status, 303);
  n = versions(srv);
  await tryAll(bea.c, bea.eid);
  assert.equal(versions(srv), n);

  // expired
  const o = await patientLink(bea, 'bea@example.org');
  assert.equal((await o.c.get(`/p/${bea.eid}/routine`)).status, 200);
  const w = run('sqlite3', [srv.database, 'UPDATE capability SET expires = 1 WHERE id = (SELECT max(id) FROM capability)']);
  assert.equal(w.code, 0, w.stderr);
  n = versions(srv);
  await tryAll(o.c, bea.eid);
  assert.equal(versions(srv), n);
  // staff may not use the patient's routes
  const r = await web.get(`/p/${bea.eid}/routine`);
  assert.ok([401, 403, 404].includes(r.status), String(r.status));
});

test('before the clinician writes a routine, the patient\'s page says so and logs nothing', async () => {
  const a = await episode('EXP-EARLY');
  const { c } = await patientLink(a, 'early@example.org');
  const r = await c.get(`/p/${a.eid}/routine`);
  assert.equal(r.status, 200);
  assert.match(r.body, /has not written your home routine yet/);
  assert.doesNotMatch(r.body, /Log a session/);
  const n = versions(srv);
  const p = await c.postForm(`/p/${a.eid}/routine/sessions`, { date: ago(0), x1: 'yes', pain: '2' });
  assert.equal(p.status, 409);
  assert.equal(versions(srv), n, 'nothing stored');
  // and the summary has no exercise part
  const s = await c.get(`/p/${a.eid}/summary`);
  assert.equal(s.status, 200);
  assert.equal(sectionOf(s.body, 'patient-summary'), '');
});
