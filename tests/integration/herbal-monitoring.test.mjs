// Herbal monitoring over HTTP (real nginx, real cairnd, program + herbal):
// the herbal sections on the episode and checkpoint pages (adherence
// against prescribed, adverse effects with severity and action, an alert
// line for a serious one, refills due, links to act; front desk sees no
// clinical detail); refills (the next due from start and days; a stopped
// prescription refused, nothing stored); the patient's own page
// /p/{e}/herbs through the episode's link (today's herbs without codes,
// doses this week, a side effect; a serious one reaches the dashboard and
// asks for a stop or a change); another patient's link, a revoked and an
// expired link see nothing and store nothing; a medicines change puts an
// unsafe prescription on the dashboard.  The tests run in order.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, run, Client, csrfFromHtml } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';
import { dbValue, versions } from '../lib/intake.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-herbmon-'));
const sink = await spawnSink(path.join(work, 'sink'));
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';

const srv = useCairn({
  publicUrl: PUBLIC,
  clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' },
});

const DAY = 86400000;
const now = new Date();
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const count = (type) => Number(dbValue(srv, `SELECT count(*) FROM record WHERE type = '${type}'`));
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

let web, desk;
const people = {};

async function enrolled(identifier, name) {
  let r = await web.postForm('/patients', { identifier, name, gender: 'female', birthDate: '1970-05-01' });
  assert.equal(r.status, 303, r.body.slice(0, 500));
  const pid = Number(/^\/patients\/(\d+)$/.exec(r.headers.location)[1]);
  r = await web.postForm(`/patients/${pid}/episodes`, { cohort: 'program', periodStart: ago(20), primaryInstrument: 'nrs' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const eid = Number(/episodes\/(\d+)$/.exec(r.headers.location)[1]);
  r = await web.postForm(`/patients/${pid}/observations`,
    { instrument: 'nrs', effective: ago(20), timepoint: 'baseline', episode: String(eid), 'answer.pain': '8' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  r = await web.postForm(`/patients/${pid}/episodes/${eid}/moves`, { form: 'move', to: 'introductory', date: ago(10) });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  return { pid, eid, E: `/patients/${pid}/episodes/${eid}` };
}

// A prescription through the XML API, for the episode; returns its id.
async function prescribe(p, herbs, { start = ago(9), days = 14, form = 'raw' } = {}) {
  const r = await web.postXml(`/patients/${p.pid}/herbal/prescriptions`, `<Prescription xmlns="urn:cairn:herbal">
  <subject>${p.pid}</subject>
  <episode>${p.eid}</episode>
  <formula kind="modified">du-huo-ji-sheng-tang</formula>
  <form>${form}</form>
  <days>${days}</days>
  <startDate>${start}</startDate>
  <prescriber>test-clinician</prescriber>
  <instructions>Take it warm.</instructions>
${herbs.map(([n, g]) => `  <herb><name>${n}</name><grams>${g}</grams></herb>`).join('\n')}
  <acknowledged/>
</Prescription>`);
  assert.equal(r.status, 201, r.body.slice(0, 800));
  return Number(/id="(\d+)"/.exec(r.body)[1]);
}

async function issue(p, email) {
  const r = await web.postForm(`${p.E}/patient-link`, { email, diary: 'daily' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const page = await web.get(r.headers.location);
  const m = new RegExp(`value="${PUBLIC.replace(/[.]/g, '\\.')}(/c/[A-Za-z0-9_-]{43})"`).exec(page.body);
  assert.ok(m, page.body.slice(0, 2000));
  return m[1];
}

async function open(link) {
  const c = new Client(srv.base);
  const r = await c.get(link);
  assert.equal(r.status, 303, r.body.slice(0, 300));
  const home = await c.get(r.headers.location);
  c.csrf = csrfFromHtml(home.body);
  return { c, home };
}

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
  desk = await srv.as('front-desk');
  people.ann = await enrolled('HB-ANN', 'Ann Herbal');
  people.bea = await enrolled('HB-BEA', 'Bea Herbal');
  people.ann.rx = await prescribe(people.ann, [['Du Huo', 9], ['Sang Ji Sheng', 12], ['Dang Gui', 6]]);
  people.bea.rx = await prescribe(people.bea, [['Du Huo', 9]]);
  people.ann.link = await issue(people.ann, 'ann@example.org');
  people.bea.link = await issue(people.bea, 'bea@example.org');
});
after(() => { sink.stop(); rmSync(work, { recursive: true, force: true }); });

const RX = (p) => `/patients/${p.pid}/herbal/prescriptions/${p.rx}`;

test('the episode page shows the prescription, adherence, adverse effects, the refill due and links to act', async () => {
  let r = await web.postForm(`${RX(people.ann)}/adherence`, { weekStart: ago(7), dosesTaken: '7', dosesPrescribed: '14' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  r = await web.postForm(`${RX(people.ann)}/adverse`, { date: ago(2), what: 'Loose stools', severity: 'moderate', action: 'continue' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const ep = await web.get(people.ann.E);
  assert.equal(ep.status, 200);
  const s = /<section class="panel plugin-section" id="section-herbal-episode">[\s\S]*?<\/section>/.exec(ep.body);
  assert.ok(s, 'the herbal section is on the episode page');
  const t = text(s[0]);
  assert.match(t, /Prescription Du Huo Ji Sheng Tang \(modified\), raw herbs for decoction, 14 days from/);
  assert.match(t, /Doses taken 7 of 14 prescribed \(50%\) over 1 week/);
  assert.match(s[0], /class="line-warn"><dt>Doses taken/, 'low adherence is a warning');
  assert.match(t, /Adverse effect [0-9-]+, moderate: Loose stools; action: continue/);
  assert.match(t, new RegExp(`Next refill due ${ago(9 - 14)} \\(0 refills so far\\)`));
  for (const a of ['/revise', '/adherence', '/adverse', '/refill'])
    assert.match(s[0], new RegExp(`href="${RX(people.ann)}${a}"`));
  assert.match(s[0], new RegExp(`href="/patients/${people.ann.pid}/herbal/prescribe\\?episode=${people.ann.eid}"`));
  // front desk sees no clinical detail of the herbs
  const d = await desk.get(people.ann.E);
  assert.doesNotMatch(d.body, /Loose stools|Doses taken/);
});

test('the checkpoint page shows this phase\'s herbs beside the measures: a serious effect is an alert line', async () => {
  const r = await web.postForm(`${RX(people.ann)}/adverse`, { date: ago(1), what: 'Hives over the chest', severity: 'serious', action: 'stop' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const cp = await web.get(`${people.ann.E}/checkpoint`);
  assert.equal(cp.status, 200, cp.body.slice(0, 800));
  const s = /id="section-herbal-checkpoint">[\s\S]*?<\/section>/.exec(cp.body);
  assert.ok(s, 'the herbal section is on the checkpoint page');
  assert.match(text(s[0]), /Since the phase began on/);
  assert.match(text(s[0]), /Doses taken 7 of 14/);
  assert.match(s[0], /class="line-alert"><dt>Adverse effect<\/dt><dd>[0-9-]+, serious: Hives over the chest; action: stop. Serious: asks for a stop or a change/);
  // and the dashboard shows it
  const home = await web.get('/');
  const ds = /id="section-herbal-dashboard">[\s\S]*?<\/section>/.exec(home.body);
  assert.ok(ds, 'the dashboard has herbal alerts');
  assert.match(text(ds[0]), /Ann Herbal serious adverse effect on [0-9-]+: asks for a stop or a change of the herbs/);
});

test('refills: the next due moves by the days supplied; a stopped prescription is refused and nothing stored', async () => {
  let page = await web.get(`${RX(people.ann)}/refill`);
  assert.equal(page.status, 200);
  assert.match(text(page.body), new RegExp(`runs out on ${ago(9 - 14)}`));
  const n = count('herbal:Refill');
  let r = await web.postForm(`${RX(people.ann)}/refill`, { date: ago(0), daysSupplied: '0' });
  assert.equal(r.status, 422, 'zero days is refused');
  assert.equal(count('herbal:Refill'), n);
  r = await web.postForm(`${RX(people.ann)}/refill`, { date: ago(0), daysSupplied: '14' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  assert.equal(count('herbal:Refill'), n + 1);
  page = await web.get(`${RX(people.ann)}/refill`);
  assert.match(text(page.body), new RegExp(`runs out on ${ago(9 - 28)}`));
  const ep = await web.get(people.ann.E);
  assert.match(text(ep.body), new RegExp(`Next refill due ${ago(9 - 28)} \\(1 refill so far\\)`));
  const rxPage = await web.get(RX(people.ann));
  assert.match(text(rxPage.body), new RegExp(`${ago(0)}: 14 days supplied The supply runs out on ${ago(9 - 28)}`));
  // stop it: the serious effect is answered, and refills are refused
  r = await web.postForm(`${RX(people.ann)}/stop`, { reason: 'Hives: herbs stopped' });
  assert.equal(r.status, 303);
  const v = versions(srv);
  r = await web.postForm(`${RX(people.ann)}/refill`, { date: ago(0), daysSupplied: '7' });
  assert.equal(r.status, 422);
  assert.match(r.body, /stopped: it cannot be refilled/);
  assert.equal(count('herbal:Refill'), n + 1, 'nothing stored');
  assert.equal(versions(srv), v, 'nothing stored');
  const home = await web.get('/');
  assert.doesNotMatch(home.body, /Ann Herbal serious adverse effect/, 'stopped: the alert is answered');
});

test('the patient\'s page: a card on the home, today\'s herbs without codes, doses this week', async () => {
  const { c, home } = await open(people.bea.link);
  assert.match(home.body, new RegExp(`href="/p/${people.bea.eid}/herbs"`), 'the card');
  const p = await c.get(`/p/${people.bea.eid}/herbs`);
  assert.equal(p.status, 200, p.body.slice(0, 800));
  assert.match(p.body, /Du Huo Ji Sheng Tang/);
  assert.match(p.body, /Du Huo \(独活\)/);
  assert.match(text(p.body), /Take it twice a day, in the morning and in the evening\s*: each time, drink half of the day's liquid/,
    'a prescription without doses a day is taken twice a day, as before');
  assert.match(p.body, /Take it warm\./);
  assert.doesNotMatch(p.body, /du-huo-ji-sheng-tang|urn:cairn|finding|justification|warfarin|source/i);
  const n = count('herbal:Adherence');
  let r = await c.postForm(`/p/${people.bea.eid}/herbs/doses`, { form: 'doses', dosesTaken: '99' });
  assert.equal(r.status, 422);
  assert.equal(count('herbal:Adherence'), n);
  r = await c.postForm(`/p/${people.bea.eid}/herbs/doses`, { form: 'doses', dosesTaken: '10' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  assert.equal(count('herbal:Adherence'), n + 1);
  const again = await c.get(r.headers.location);
  assert.match(text(again.body), /you told us 10/);
  const ep = await web.get(people.bea.E);
  assert.match(text(ep.body), /Doses taken 10 of \d+ prescribed/);
  // the patient's own summary lists the herbs, without grams or codes
  const sum = await c.get(`/p/${people.bea.eid}/summary`);
  assert.equal(sum.status, 200);
  const hs = /id="section-herbal-patient-summary">[\s\S]*?<\/section>/.exec(sum.body);
  assert.ok(hs, 'the herbal part of the summary');
  assert.match(text(hs[0]), new RegExp(`Your herbs Du Huo Ji Sheng Tang, from ${ago(9)} for 14 days`));
  assert.match(hs[0], new RegExp(`href="/p/${people.bea.eid}/herbs"`));
  assert.doesNotMatch(hs[0], /du-huo-ji-sheng-tang|\bg a day|finding|warfarin/);
});

test('the patient reports a serious side effect: the dashboard asks the clinician for a stop or a change', async () => {
  const { c } = await open(people.bea.link);
  const n = count('herbal:AdverseEffect');
  let r = await c.postForm(`/p/${people.bea.eid}/herbs/effect`, { form: 'effect', what: '', severity: 'serious' });
  assert.equal(r.status, 422);
  assert.equal(count('herbal:AdverseEffect'), n);
  r = await c.postForm(`/p/${people.bea.eid}/herbs/effect`, { form: 'effect', what: 'Swollen lips <b>x</b>', severity: 'serious' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const after = await c.get(r.headers.location);
  assert.match(after.body, /Stop taking the herbs now/);
  const home = await web.get('/');
  const ds = /id="section-herbal-dashboard">[\s\S]*?<\/section>/.exec(home.body);
  assert.ok(ds);
  assert.match(text(ds[0]), /Bea Herbal serious adverse effect on [0-9-]+: asks for a stop or a change/);
  const ep = await web.get(people.bea.E);
  assert.match(ep.body, /Swollen lips &lt;b&gt;x&lt;\/b&gt;; action: for the clinician to decide \(reported by the patient\)/);
  // the staff form may not leave it pending
  const v = versions(srv);
  r = await web.postForm(`${RX(people.bea)}/adverse`, { date: ago(0), what: 'x', severity: 'mild', action: 'pending' });
  assert.equal(r.status, 422);
  assert.equal(versions(srv), v);
  // a change answers it
  r = await web.get(`${RX(people.bea)}/revise`);
  assert.equal(r.status, 200);
});

test('another patient\'s link, a revoked link and an expired link see nothing and store nothing', async () => {
  const routes = (eid) => [['GET', `/p/${eid}/herbs`], ['POST', `/p/${eid}/herbs/doses`], ['POST', `/p/${eid}/herbs/effect`]];
  const tryAll = async (c, eid) => {
    const out = [];
    for (const [m, p] of routes(eid))
      out.push([m, p, m === 'GET' ? await c.get(p)
        : await c.postForm(p, { form: 'x', dosesTaken: '3', what: 'x', severity: 'mild' })]);
    return out;
  };
  const { c: ann } = await open(people.ann.link);
  let v = versions(srv);
  for (const [m, p, r] of await tryAll(ann, people.bea.eid)) {
    assert.ok([401, 403, 404].includes(r.status), `${m} ${p}: ${r.status}`);
    assert.doesNotMatch(r.body, /Bea|Du Huo/);
  }
  assert.equal(versions(srv), v);
  // revoked
  const { c: bea } = await open(people.bea.link);
  assert.equal((await bea.get(`/p/${people.bea.eid}/herbs`)).status, 200);
  const rv = await web.postForm(`${people.bea.E}/patient-link/revoke`, {});
  assert.equal(rv.status, 303);
  v = versions(srv);
  for (const [m, p, r] of await tryAll(bea, people.bea.eid)) {
    assert.ok([401, 403, 404, 410].includes(r.status), `${m} ${p}: ${r.status}`);
    assert.doesNotMatch(r.body, /Bea|Du Huo/);
  }
  assert.equal(versions(srv), v);
  // expired
  const link = await issue(people.bea, 'bea@example.org');
  const { c: bea2 } = await open(link);
  assert.equal((await bea2.get(`/p/${people.bea.eid}/herbs`)).status, 200);
  const w = run('sqlite3', [srv.database, 'UPDATE capability SET expires = 1 WHERE id = (SELECT max(id) FROM capability)']);
  assert.equal(w.code, 0, w.stderr);
  v = versions(srv);
  for (const [m, p, r] of await tryAll(bea2, people.bea.eid)) {
    assert.ok([401, 403, 404, 410].includes(r.status), `${m} ${p}: ${r.status}`);
    assert.doesNotMatch(r.body, /Bea|Du Huo/);
  }
  assert.equal(versions(srv), v);
  // staff sessions do not open the patient's page
  const s = await web.get(`/p/${people.bea.eid}/herbs`);
  assert.ok([401, 403, 404].includes(s.status), `staff: ${s.status}`);
});

test('a medicines change re-runs the checks: an unsafe prescription shows on the dashboard', async () => {
  const p = await enrolled('HB-CAT', 'Cat Herbal');
  p.rx = await prescribe(p, [['Dan Shen', 9]]);
  let home = await web.get('/');
  assert.doesNotMatch(home.body, /Cat Herbal/);
  const r = await web.postForm(`/patients/${p.pid}/herbal/medicines`, { pregnancy: 'not-pregnant', 'medicine-1': 'warfarin 3 mg' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  home = await web.get('/');
  const ds = /id="section-herbal-dashboard">[\s\S]*?<\/section>/.exec(home.body);
  assert.ok(ds);
  assert.match(text(ds[0]), /Cat Herbal unsafe since saved \(medicines or pregnancy changed\): .*warfarin/);
  // pregnancy too
  const q = await enrolled('HB-DEE', 'Dee Herbal');
  q.rx = await prescribe(q, [['San Leng', 6]]);
  await web.postForm(`/patients/${q.pid}/herbal/medicines`, { pregnancy: 'pregnant' });
  home = await web.get('/');
  assert.match(text(home.body), /Dee Herbal unsafe since saved/);
  // front desk never sees the herbal alerts on its home
  const d = await desk.get('/');
  assert.doesNotMatch(d.body, /section-herbal-dashboard/);
});

test('a bundle imported twice: the prescription, its refill, doses and effect point at their own patient and prescription', () => {
  const P = 'urn:cairn:program', H = 'urn:cairn:herbal';
  const rec = (id, type, p, body) => `  <record id="${id}" type="${type}" patient="${p}" version="1" status="active" author="test" time="2026-11-02T09:00:00Z">${body}</record>`;
  const bundle = (tag) => `<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:cairn:bundle" version="1">
${rec(1, 'program:Patient', 1, `<Patient xmlns="${P}"><identifier>BUN-${tag}</identifier><name>Bundle ${tag}</name><birthDate>1970-01-01</birthDate></Patient>`)}
${rec(2, 'program:EpisodeOfCare', 1, `<EpisodeOfCare xmlns="${P}"><status>active</status><cohort>program</cohort><periodStart>2026-11-02</periodStart><phase>enrolled</phase></EpisodeOfCare>`)}
${rec(3, 'herbal:Prescription', 1, `<Prescription xmlns="${H}"><subject>1</subject><episode>2</episode><formula kind="custom"></formula><form>raw</form><days>14</days><startDate>2026-11-02</startDate><prescriber>test</prescriber><herb><name>Du Huo</name><grams>9</grams></herb></Prescription>`)}
${rec(4, 'herbal:Refill', 1, `<Refill xmlns="${H}"><prescription>3</prescription><date>2026-11-16</date><daysSupplied>14</daysSupplied></Refill>`)}
${rec(5, 'herbal:Adherence', 1, `<Adherence xmlns="${H}"><prescription>3</prescription><weekStart>2026-11-02</weekStart><dosesTaken>12</dosesTaken><dosesPrescribed>14</dosesPrescribed><recordedBy>visit</recordedBy></Adherence>`)}
${rec(6, 'herbal:AdverseEffect', 1, `<AdverseEffect xmlns="${H}"><prescription>3</prescription><date>2026-11-05</date><what>Nausea</what><severity>mild</severity><action>continue</action></AdverseEffect>`)}
</bundle>
`;
  for (const tag of ['A', 'B']) {
    const file = path.join(work, `bundle-${tag}.xml`);
    writeFileSync(file, bundle(tag));
    const im = srv.cli(['import', file]);
    assert.equal(im.code, 0, im.stderr);
  }
  for (const t of ['refill', 'adherence', 'adverse_effect']) {
    const n = dbValue(srv, `SELECT count(*) FROM p_herbal_${t} x JOIN p_herbal_prescription r ON r.record = x.prescription AND r.patient = x.patient JOIN p_program_patient p ON p.record = x.patient WHERE p.name LIKE 'Bundle %'`);
    assert.equal(n, '2', `${t}: each points at its own patient's prescription`);
  }
  const ep = dbValue(srv, "SELECT count(*) FROM p_herbal_prescription r JOIN p_program_episode e ON e.record = r.episode AND e.patient = r.patient JOIN p_program_patient p ON p.record = r.patient WHERE p.name LIKE 'Bundle %'");
  assert.equal(ep, '2', 'each prescription names its own patient\'s episode');
  const subj = dbValue(srv, "SELECT count(*) FROM p_herbal_prescription r JOIN p_program_patient p ON p.record = r.patient WHERE p.name LIKE 'Bundle %' AND r.subject = r.patient");
  assert.equal(subj, '2', 'the subject the check reads is the prescription\'s own patient');
});

test('a stopped prescription\'s refills import when dated before the stop; one dated after is refused and nothing imported', () => {
  const P = 'urn:cairn:program', H = 'urn:cairn:herbal';
  const rec = (id, type, v, body) => `  <record id="${id}" type="${type}" patient="1" version="${v}" status="${/<stopped>/.test(body) ? 'stopped' : 'active'}" author="test" time="2026-11-02T09:00:00Z">${body}</record>`;
  const rx = (stopped) => `<Prescription xmlns="${H}"><subject>1</subject><formula kind="custom"></formula><form>raw</form><days>14</days><startDate>2026-11-02</startDate><prescriber>test</prescriber>${stopped ? '<stopped><date>2026-11-20</date><reason>Done</reason></stopped>' : ''}<herb><name>Du Huo</name><grams>9</grams></herb></Prescription>`;
  const bundle = (tag, refillDate) => `<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:cairn:bundle" version="1">
${rec(1, 'program:Patient', 1, `<Patient xmlns="${P}"><identifier>STOP-${tag}</identifier><name>Stop ${tag}</name><birthDate>1970-01-01</birthDate></Patient>`)}
${rec(2, 'herbal:Prescription', 1, rx(false))}
${rec(2, 'herbal:Prescription', 2, rx(true))}
${rec(3, 'herbal:Refill', 1, `<Refill xmlns="${H}"><prescription>2</prescription><date>${refillDate}</date><daysSupplied>7</daysSupplied></Refill>`)}
</bundle>
`;
  let file = path.join(work, 'stop-ok.xml');
  writeFileSync(file, bundle('A', '2026-11-16'));
  let im = srv.cli(['import', file]);
  assert.equal(im.code, 0, im.stderr);
  const n = count('herbal:Refill'), v = versions(srv);
  file = path.join(work, 'stop-late.xml');
  writeFileSync(file, bundle('B', '2026-11-21'));
  im = srv.cli(['import', file]);
  assert.notEqual(im.code, 0);
  assert.match(im.stderr, /stopped: it cannot be refilled/);
  assert.equal(count('herbal:Refill'), n, 'nothing imported');
  assert.equal(versions(srv), v, 'nothing imported');
});
