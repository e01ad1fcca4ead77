// The patient's own page (docs/patient.md) over HTTP: staff issue the
// episode's personal link, which is emailed in full (read back from a
// real SMTP sink); the patient opens it and sees home, diary, flare and
// summary; another patient's link, an expired link and a revoked link
// see nothing on any patient route; the diary takes one check a day;
// a patient-reported flare reaches the clinician's episode page; markup
// in a note is inert; every refusal stores nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, run, Client, csrfFromHtml, REPO } from '../lib/harness.mjs';
import { readSinkDir, spawnSink } from '../lib/smtp-sink.mjs';
import { dbValue, versions } from '../lib/intake.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-patient-'));
const sinkDir = path.join(work, 'sink');
const sink = await spawnSink(sinkDir);
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';

const srv = useCairn({
  publicUrl: PUBLIC,
  clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' },
});

const DAY = 86400000;
const today = new Date();
const ago = (n) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const SCRIPT = '<script>alert("x")</script><b onmouseover=alert(1)>&amp;';

let web;
const people = {};

async function newPatient(identifier, name) {
  const r = await web.postForm('/patients', { identifier, name, gender: 'female', birthDate: '1970-05-01' });
  assert.equal(r.status, 303, r.body.slice(0, 500));
  return Number(/^\/patients\/(\d+)$/.exec(r.headers.location)[1]);
}

async function enrolled(identifier, name) {
  const pid = await newPatient(identifier, name);
  const r = await web.postForm(`/patients/${pid}/episodes`, { cohort: 'program', periodStart: ago(20), primaryInstrument: 'nrs' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const eid = Number(/episodes\/(\d+)$/.exec(r.headers.location)[1]);
  const o = await web.postForm(`/patients/${pid}/observations`,
    { instrument: 'nrs', effective: ago(20), timepoint: 'baseline', episode: String(eid), 'answer.pain': '8' });
  assert.equal(o.status, 303, o.body.slice(0, 800));
  const m = await web.postForm(`/patients/${pid}/episodes/${eid}/moves`, { form: 'move', to: 'introductory', date: ago(19) });
  assert.equal(m.status, 303, m.body.slice(0, 800));
  return { pid, eid, E: `/patients/${pid}/episodes/${eid}` };
}

// Issue the link as staff: the POST redirects; the page after it shows the
// full URL once.  Returns the local path "/c/<token>".
async function issue(p, email, diary = 'daily') {
  const r = await web.postForm(`${p.E}/patient-link`, { email, diary });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const page = await web.get(r.headers.location);
  assert.equal(page.status, 200);
  const m = new RegExp(`value="${PUBLIC.replace(/[.]/g, '\\.')}(/c/[A-Za-z0-9_-]{43})"`).exec(page.body);
  assert.ok(m, page.body.slice(0, 2000));
  // A reload shows (and issues) nothing.
  const n = Number(dbValue(srv, 'SELECT count(*) FROM capability'));
  const again = await web.get(r.headers.location);
  assert.equal(again.status, 200);
  assert.doesNotMatch(again.body, /\/c\/[A-Za-z0-9_-]{43}/);
  assert.equal(Number(dbValue(srv, 'SELECT count(*) FROM capability')), n);
  return m[1];
}

async function open(link) {
  const c = new Client(srv.base);
  const r = await c.get(link);
  assert.equal(r.status, 303, r.body.slice(0, 300));
  const home = await c.get(r.headers.location);
  c.csrf = csrfFromHtml(home.body);
  return { c, home, target: r.headers.location };
}

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
  people.ann = await enrolled('PT-ANN', 'Ann Example');
  people.bea = await enrolled('PT-BEA', 'Bea Other');
  loadPatientRoutes();
});
after(() => { sink.stop(); rmSync(work, { recursive: true, force: true }); });

// Every route a capability link may reach under /p/{episode}, read from
// `cairn routes`, so a plugin that adds a patient route (the hook in
// docs/patient.md) is walked too: the episode group is the episode, any
// other group 1.
let patientRoutes = [];
function loadPatientRoutes() {
  const r = srv.cli(['routes']);
  assert.equal(r.code, 0, r.stderr);
  patientRoutes = r.stdout.split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([method, pattern, audience]) => /^(GET|POST)$/.test(method) && audience === 'capability'
      && pattern.startsWith('/p/(?<episode>'))
    .map(([method, pattern]) => [method, pattern]);
  const program = ['GET /p/', 'GET /diary', 'POST /diary', 'GET /flare', 'POST /flare', 'GET /summary'];
  for (const want of program) {
    const [m, tail] = want.split(' ');
    assert.ok(patientRoutes.some(([method, pattern]) => method === m && (tail === '/p/' ? /\)$/.test(pattern) : pattern.endsWith(tail))),
      `${want} among ${patientRoutes.map((x) => x.join(' ')).join(', ')}`);
  }
}
const ROUTES = (eid) => patientRoutes.map(([method, pattern]) =>
  [method, pattern.replace(/\(\?<episode>[^()]*\)/, String(eid)).replace(/\(\?<\w+>[^()]*\)/g, '1')]);

async function tryAll(c, eid) {
  const out = [];
  const routes = ROUTES(eid);
  assert.ok(routes.length >= 6, `patient routes: ${routes.length}`);
  for (const [method, p] of routes) {
    assert.match(p, /^\/p\/[0-9]+(\/[A-Za-z0-9_.-]+)*$/, `a plain path: ${p}`);
    const r = method === 'GET' ? await c.get(p)
      : await c.postForm(p, { 'item-pain': '3', note: 'x', start: ago(0), severity: 'mild' });
    out.push([method, p, r]);
  }
  return out;
}

test('the link is emailed in full in one transaction and opens the patient home', async () => {
  const v = await web.postForm(`${people.ann.E}/visits`, { date: ago(-2), type: 'needling', state: 'planned', notes: 'staff-only note' });
  assert.equal(v.status, 303, v.body.slice(0, 1500));
  const link = await issue(people.ann, 'ann@example.org');
  const run1 = srv.cli(['jobs', 'run', '--force', 'core:send-mail']);
  assert.equal(run1.code, 0, run1.stderr);
  const got = readSinkDir(sinkDir).filter((m) => m.to.includes('ann@example.org'));
  assert.equal(got.length, 1);
  assert.match(got[0].text, new RegExp(`${PUBLIC}${link}`));
  assert.match(got[0].headers.subject, /Riverside Pain Clinic/);
  assert.match(got[0].text, /each time you use it, for 90 days more/);
  assert.doesNotMatch(got[0].headers.subject, /Ann/);
  const { home, target } = await open(link);
  assert.equal(target, `/p/${people.ann.eid}`);
  assert.equal(home.status, 200);
  assert.match(home.body, /Riverside Pain Clinic/);
  assert.match(home.body, /Introductory/i);
  assert.match(home.body, /50% better/);
  assert.match(home.body, new RegExp(ago(-2)));
  assert.doesNotMatch(home.body, /staff-only note/);
  assert.match(home.body, /<table class="pt-table">/);
  assert.doesNotMatch(home.body, /<script(?! src="\/static)/i);
  people.ann.link = link;
});

test('an email address that is not one: 422 and nothing stored', async () => {
  const n = versions(srv);
  const caps = dbValue(srv, 'SELECT count(*) FROM capability');
  const r = await web.postForm(`${people.bea.E}/patient-link`, { email: 'not an address', diary: 'daily' });
  assert.equal(r.status, 422);
  assert.equal(versions(srv), n);
  assert.equal(dbValue(srv, 'SELECT count(*) FROM capability'), caps);
});

test('another patient\'s link shows nothing on any of this patient\'s routes, and stores nothing', async () => {
  const bea = await issue(people.bea, 'bea@example.org');
  people.bea.link = bea;
  const { c } = await open(bea);
  const n = versions(srv);
  for (const [m, p, r] of await tryAll(c, people.ann.eid)) {
    assert.ok([401, 403, 404].includes(r.status), `${m} ${p}: ${r.status}`);
    assert.doesNotMatch(r.body, /Ann|PT-ANN|50% better/, `${m} ${p}`);
  }
  assert.equal(versions(srv), n);
});

test('the diary: one check a day; a second is refused and stores nothing; markup is inert', async () => {
  const { c } = await open(people.ann.link);
  const d = await c.get(`/p/${people.ann.eid}/diary`);
  assert.equal(d.status, 200);
  for (const id of ['diary-item-pain', 'diary-note'])
    assert.match(d.body, new RegExp(`<label[^>]*for="${id}"`), `label for ${id}`);
  const bad = await c.postForm(`/p/${people.ann.eid}/diary`, { 'item-pain': '11', note: '' });
  assert.equal(bad.status, 422);
  const r = await c.postForm(`/p/${people.ann.eid}/diary`, { 'item-pain': '3', note: SCRIPT });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const n = versions(srv);
  const again = await c.postForm(`/p/${people.ann.eid}/diary`, { 'item-pain': '2', note: '' });
  assert.equal(again.status, 409);
  assert.equal(versions(srv), n);
  const g = await c.get(`/p/${people.ann.eid}/diary`);
  assert.match(g.body, /already done today/);
  const staff = await web.get(`${people.ann.E}/patient-link`);
  assert.match(staff.body, /patient-reported/);
  assert.doesNotMatch(staff.body, /<script>alert/);
  assert.doesNotMatch(staff.body, /<b onmouseover/);
  // The staff chart draws it apart: an open circle off the line, marked
  // patient-reported in the table, the baseline still the clinic's, with
  // the clinician's entered-in-error form.
  const id = /\/diary\/(\d+)\/error/.exec(staff.body)[1];
  const chart = await web.get(`/patients/${people.ann.pid}`);
  assert.equal(chart.status, 200);
  assert.match(chart.body, /class="point patient"/);
  assert.match(chart.body, /reported by the patient in the diary/);
  assert.match(chart.body, new RegExp(`<th scope="row">${ago(0)}</th><td class="num">\\d+</td><td><span class="badge">patient-reported</span></td>`));
  assert.match(chart.body, new RegExp(`<th scope="row">${ago(20)}</th><td class="num">0</td><td>baseline</td>`));
  assert.match(chart.body, new RegExp(`action="${people.ann.E}/diary/${id}/error"`));
  assert.doesNotMatch(chart.body, /<script>alert|<b onmouseover/);
  // The clinician marks it entered-in-error; the patient may check again.
  const e = await web.postForm(`${people.ann.E}/diary/${id}/error`, {});
  assert.equal(e.status, 303);
  assert.equal(dbValue(srv, `SELECT status FROM p_program_diary WHERE record = ${id}`), 'entered-in-error');
  const after = await web.get(`/patients/${people.ann.pid}`);
  assert.doesNotMatch(after.body, /class="point patient"|patient-reported/);
  const home = await c.get(`/p/${people.ann.eid}`);
  assert.doesNotMatch(home.body, /Your diary<\/td>/);
});

test('a patient-reported flare appears on the clinician\'s episode page; markup inert', async () => {
  const { c } = await open(people.ann.link);
  const f = await c.get(`/p/${people.ann.eid}/flare`);
  for (const id of ['flare-start', 'flare-trigger'])
    assert.match(f.body, new RegExp(`<label[^>]*for="${id}"`), `label for ${id}`);
  const n = versions(srv);
  const bad = await c.postForm(`/p/${people.ann.eid}/flare`, { start: ago(-3), severity: 'mild', trigger: '' });
  assert.equal(bad.status, 422);
  assert.equal(versions(srv), n);
  const r = await c.postForm(`/p/${people.ann.eid}/flare`, { start: ago(1), severity: 'moderate', trigger: SCRIPT });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const ep = await web.get(people.ann.E);
  assert.match(ep.body, /reported by the patient/);
  assert.doesNotMatch(ep.body, /<script>alert/);
  assert.match(dbValue(srv, 'SELECT count(*) FROM p_program_flare'), /^[1-9]/);
});

test('the summary shows no staff notes and no codes', async () => {
  const { c } = await open(people.ann.link);
  const s = await c.get(`/p/${people.ann.eid}/summary`);
  assert.equal(s.status, 200);
  assert.doesNotMatch(s.body, /justification|entered-in-error|urn:cairn|LOINC/i);
});

test('a revoked link and an expired link show nothing and store nothing', async () => {
  const { c } = await open(people.bea.link);
  const ok = await c.get(`/p/${people.bea.eid}`);
  assert.equal(ok.status, 200);
  const rv = await web.postForm(`${people.bea.E}/patient-link/revoke`, {});
  assert.equal(rv.status, 303);
  let n = versions(srv);
  for (const [m, p, r] of await tryAll(c, people.bea.eid)) {
    assert.ok([401, 403, 404, 410].includes(r.status), `${m} ${p}: ${r.status}`);
    assert.doesNotMatch(r.body, /Bea|50% better/);
  }
  assert.equal(versions(srv), n);
  const again = await c.get(people.bea.link);
  assert.notEqual(again.status, 303);

  const link = await issue(people.bea, 'bea@example.org', 'weekly');
  const o = await open(link);
  const w = run('sqlite3', [srv.database, 'UPDATE capability SET expires = 1 WHERE id = (SELECT max(id) FROM capability)']);
  assert.equal(w.code, 0, w.stderr);
  n = versions(srv);
  for (const [m, p, r] of await tryAll(o.c, people.bea.eid)) {
    assert.ok([401, 403, 404, 410].includes(r.status), `${m} ${p}: ${r.status}`);
    assert.doesNotMatch(r.body, /Bea|50% better/);
  }
  assert.equal(versions(srv), n);
});

// Move an episode's live link `days` into the past, as if issued then.
function age(eid, days) {
  const w = run('sqlite3', [srv.database, `UPDATE capability SET created = created - ${days * 86400},
    expires = expires - ${days * 86400} WHERE scope = 'episode:${eid}' AND revoked = 0`]);
  assert.equal(w.code, 0, w.stderr);
}
const daysLeft = (eid) => Number(dbValue(srv,
  `SELECT (expires - strftime('%s','now')) / 86400.0 FROM capability WHERE scope = 'episode:${eid}' AND revoked = 0`));

test('the link is renewed by use: used on day 80 it opens on day 100; unused it expires; revoked it stays dead', async () => {
  const cyd = await enrolled('PT-CYD', 'Cyd Renewed');
  const dan = await enrolled('PT-DAN', 'Dan Idle');
  const used = await issue(cyd, 'cyd@example.org');
  const idle = await issue(dan, 'dan@example.org');
  const page = await web.get(`${cyd.E}/patient-link`);
  assert.match(page.body, /90 days after each time the patient uses it/);
  age(cyd.eid, 80); age(dan.eid, 80);
  assert.ok(daysLeft(cyd.eid) < 10.01, String(daysLeft(cyd.eid)));
  const day80 = await open(used);
  assert.equal(day80.home.status, 200);
  assert.ok(daysLeft(cyd.eid) > 89.9, `renewed on use: ${daysLeft(cyd.eid)} days left`);
  age(cyd.eid, 20); age(dan.eid, 20);
  const day100 = await open(used);
  assert.equal(day100.home.status, 200);
  assert.match(day100.home.body, /Your care program/);
  assert.match(day100.home.body, new RegExp(`href="/p/${cyd.eid}/diary"`));
  const c = new Client(srv.base);
  const gone = await c.get(idle);
  assert.equal(gone.status, 410, 'unused for 100 days: expired');
  assert.equal((await c.get(`/p/${dan.eid}`)).status === 200, false);
  // revoked after renewal: the link and its open session show nothing
  const rv = await web.postForm(`${cyd.E}/patient-link/revoke`, {});
  assert.equal(rv.status, 303);
  const n = versions(srv);
  for (const [m, p, r] of await tryAll(day100.c, cyd.eid)) {
    assert.ok([401, 403, 404, 410].includes(r.status), `${m} ${p}: ${r.status}`);
    assert.doesNotMatch(r.body, /Your care program|50% better/);
  }
  assert.equal(versions(srv), n);
  assert.equal((await new Client(srv.base).get(used)).status, 410);
});

test('sign out on this device ends the session; the link opens again', async () => {
  const { c } = await open(people.ann.link);
  const s = await c.postForm('/c/sign-out', {});
  assert.equal(s.status, 200, s.body.slice(0, 500));
  const r = await c.get(`/p/${people.ann.eid}`);
  assert.ok([401, 403, 404].includes(r.status), String(r.status));
  const back = await open(people.ann.link);
  assert.equal(back.home.status, 200);
});

test('every patient view is audited with the patient', async () => {
  const n = Number(dbValue(srv, `SELECT count(*) FROM audit WHERE path LIKE '/p/${people.ann.eid}%' AND patient = ${people.ann.pid}`));
  assert.ok(n >= 5, `audited views: ${n}`);
  const ep = await web.get(people.ann.E);
  assert.match(ep.body, /diary: \d+ entries/);
  const o = await web.get('/outcomes');
  assert.match(o.body, /Patient-reported<\/strong> diary entries/);
});

test('the diary exports to FHIR as Observations performed by the patient, marked so, and validates against R4', async () => {
  const r = await web.get(`/patients/${people.ann.pid}/fhir?_format=xml`);
  assert.equal(r.status, 200, r.body.slice(0, 500));
  const file = path.join(work, 'ann-fhir.xml');
  writeFileSync(file, r.body);
  const v = run('xmllint', ['--noout', '--nonet', '--schema', path.join(REPO, 'tests', 'fhir-xsd', 'fhir-single.xsd'), file], { timeoutMs: 120000 });
  assert.equal(v.code, 0, `${v.stderr}`.slice(0, 2000));
  const diary = [...r.body.matchAll(/<Observation[ >][\s\S]*?<\/Observation>/g)].map((m) => m[0])
    .filter((o) => /reported by the patient at home \(diary\)/.test(o));
  assert.equal(diary.length, 1, 'the one diary entry');
  assert.match(diary[0], new RegExp(`<performer><reference value="Patient/${people.ann.pid}"/></performer>`));
  assert.match(diary[0], /<code value="72514-3"\/>/, 'NRS as the clinic codes it');
  // marked entered-in-error by the clinician: exported so, not dropped
  assert.match(diary[0], /<status value="entered-in-error"\/>/);
  // the patient's note is text: markup stays inert
  assert.doesNotMatch(r.body, /<script>|<b onmouseover/);
});

test('staff cannot open the patient routes with a staff session', async () => {
  const r = await web.get(`/p/${people.ann.eid}`);
  assert.ok([401, 403, 404].includes(r.status), String(r.status));
});
