// The referral plugin over HTTP (real nginx + cairnd + an SMTP sink):
// a partner added to the directory; a referral written with only some of
// "where you are" shared (a canary string sits in an unshared goal);
// sent: its email read from the SMTP sink (the full link, nothing
// clinical); the handoff page opened through the link (no-store,
// no-referrer, only what was shared), acknowledged, a note sent back and
// shown to staff; the link reaches no other page and no other patient;
// expired, revoked and closed links; every view and action in the audit
// trail; every refusal stores nothing; the job flags what is not
// acknowledged.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, Client, run, REPO } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';
import { CANARY, SUMMARY, ago, patientWithEpisode, graduatedPatient, addPartner, writeReferral,
         send as sendTo, openLink as openLinkAt } from '../lib/referral.mjs';
import { sqlJson, sqlExec, auditRows } from '../lib/access.mjs';
import { checkHtml } from '../lib/xml.mjs';
import { Visitor, sendRequest, goodFit, sections as intakeSections } from '../lib/intake.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-referral-'));
const sinkDir = path.join(work, 'sink');
const sink = await spawnSink(sinkDir);
const PUBLIC = 'https://clinic.example/riverside';

const srv = useCairn({
  publicUrl: PUBLIC,
  clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, from: 'desk@clinic.example', timeout: 5 },
  referralSettings: { 'clinic-phone': '+44 20 7946 0000', 'clinic-email': 'desk@clinic.example', 'ack-days': '7' },
  intakeSettings: { 'min-seconds': '1' },
});
after(() => { sink.stop(); rmSync(work, { recursive: true, force: true }); });

let clin, desk;
const P = {};          // the patient with an episode and measures
const Q = {};          // another patient
const today = new Date().toISOString().slice(0, 10);
const outboxCount = () => Number(sqlJson(srv.database, 'SELECT count(*) AS n FROM outbox')[0].n);
const version = (id) => Number(sqlJson(srv.database, `SELECT version FROM p_referral_referral WHERE record = ${id}`)[0].version);
const stateOf = (id) => sqlJson(srv.database, `SELECT state FROM p_referral_referral WHERE record = ${id}`)[0].state;

const send = (web, who, id, to) => sendTo(srv, sinkDir, PUBLIC, web, who, id, to);
const openLink = (link) => openLinkAt(srv.base, link);

let partner, partner2, referral, link, holder;

before(async () => {
  await srv.ready;
  clin = await srv.as('clinician');
  desk = await srv.as('front-desk');
  Object.assign(P, await patientWithEpisode(clin, 'REF-1', 'Rhea Referred'));
  Object.assign(Q, await patientWithEpisode(clin, 'REF-2', 'Quinn Other'));
});

// ------------------------------------------------------------ directory

test('a partner is added through the directory, found by tag and discipline; a bad tag stores nothing', async () => {
  partner = await addPartner(clin, { name: 'Tom Trainer', organisation: 'Strong Studio', email: 'tom@partner.example',
    phone: '+44 20 1234 5678', trustedFor: 'Post-rehab strength for people coming out of chronic pain.',
    tags: 'post-rehab-strength, Running' });
  partner2 = await addPartner(clin, { name: 'Mia Masseur', discipline: 'massage-therapist', email: 'mia@partner.example', tags: 'maintenance' });
  let r = await desk.get('/partners?tag=running');
  assert.equal(r.status, 200);
  assert.match(r.body, /Tom Trainer/);
  assert.doesNotMatch(r.body, /Mia Masseur/);
  r = await desk.get('/partners?discipline=massage-therapist');
  assert.match(r.body, /Mia Masseur/);
  assert.doesNotMatch(r.body, /Tom Trainer/);
  checkHtml(r.body, '/partners');
  // Front desk reads the directory but cannot change it.
  r = await desk.postForm('/partners', { name: 'X', discipline: 'other' });
  assert.equal(r.status, 403);
  const n = sqlJson(srv.database, 'SELECT count(*) AS n FROM p_referral_partner')[0].n;
  r = await clin.postForm('/partners', { name: 'Bad Tag', discipline: 'other', tags: 'ok, <script>' });
  assert.equal(r.status, 422);
  assert.match(r.body, /A tag is made of letters/);
  r = await clin.postForm('/partners', { name: '', discipline: 'nope' });
  assert.equal(r.status, 422);
  assert.equal(sqlJson(srv.database, 'SELECT count(*) AS n FROM p_referral_partner')[0].n, n, 'nothing stored');
});

// -------------------------------------------------------------- compose

test('the new-referral page takes a pre-filled kind and episode, offers what the records hold, and filters partners by tag', async () => {
  let r = await clin.get(`/patients/${P.pid}/referrals/new?kind=out&episode=${P.eid}`);
  assert.equal(r.status, 200, r.body.slice(0, 1000));
  checkHtml(r.body, 'new referral');
  assert.match(r.body, /value="out"[^>]*checked|checked[^>]*value="out"/);
  assert.match(r.body, /name="share\.measure\.nrs"/);
  assert.match(r.body, /name="share\.goals"/);
  assert.match(r.body, /7 on [0-9-]+, 3 on/);
  assert.doesNotMatch(r.body, /name="share\.herbs"|name="share\.exercise"/, 'absent plugins offer nothing');
  r = await clin.get(`/patients/${P.pid}/referrals/new?kind=onward&episode=${P.eid}&tag=running`);
  assert.match(r.body, /Tom Trainer/);
  assert.doesNotMatch(r.body, /Mia Masseur/);
  // Another patient's episode is refused.
  r = await clin.get(`/patients/${P.pid}/referrals/new?kind=onward&episode=${Q.eid}`);
  assert.equal(r.status, 404);
  // Front desk cannot write referrals.
  r = await desk.get(`/patients/${P.pid}/referrals/new`);
  assert.equal(r.status, 403);
});

test('a referral out for a patient without an episode (the intake\'s red flag): urgent by default, nothing to share but words', async () => {
  let r = await clin.postXml('/patients', `<?xml version="1.0" encoding="UTF-8"?>\n<Patient xmlns="urn:cairn:program"><identifier>REF-3</identifier><name>Una Unenrolled</name></Patient>`);
  assert.equal(r.status, 303);
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  r = await clin.get(`/patients/${pid}/referrals/new?kind=out`);
  assert.equal(r.status, 200);
  assert.match(r.body, /value="urgent" selected/);
  assert.match(r.body, /The records hold nothing to share yet/);
  r = await clin.postForm(`/patients/${pid}/referrals`, { kind: 'out', partner: String(partner), priority: 'urgent',
    reason: 'Red flag at intake: night pain and weight loss.', code: 'GP review this week.', consent: 'yes', consentMethod: 'verbal' });
  assert.equal(r.status, 303, r.body.slice(0, 1000));
  const id = Number(/referrals\/(\d+)$/.exec(r.headers.location)[1]);
  assert.equal(sqlJson(srv.database, `SELECT kind FROM p_referral_referral WHERE record = ${id}`)[0].kind, 'out');
  // A patient that does not exist is not written to.
  r = await clin.postForm('/patients/987654/referrals', { kind: 'out', partner: String(partner), priority: 'urgent',
    reason: 'r', code: 'c', consent: 'yes', consentMethod: 'verbal' });
  assert.equal(r.status, 404);
});

test('a referral without consent, reason or partner is refused with messages and stores nothing', async () => {
  const n = sqlJson(srv.database, 'SELECT count(*) AS n FROM p_referral_referral')[0].n;
  let r = await clin.postForm(`/patients/${P.pid}/referrals`, { kind: 'onward', partner: String(partner), priority: 'routine',
    reason: '', code: 'x', consentMethod: 'verbal', episode: String(P.eid) });
  assert.equal(r.status, 422);
  checkHtml(r.body, 'refused referral');
  r = await clin.postForm(`/patients/${P.pid}/referrals`, { kind: 'onward', partner: '999999', priority: 'routine',
    reason: 'r', code: 'c', consent: 'yes', consentMethod: 'verbal', episode: String(P.eid) });
  assert.equal(r.status, 422);
  r = await clin.postForm(`/patients/${P.pid}/referrals`, { kind: 'onward', partner: String(partner), priority: 'routine',
    reason: 'r', code: 'c', consent: 'yes', consentMethod: 'verbal', episode: String(Q.eid) });
  assert.equal(r.status, 422, 'another patient\'s episode');
  assert.equal(sqlJson(srv.database, 'SELECT count(*) AS n FROM p_referral_referral')[0].n, n);
});

// ----------------------------------------------------------------- send

test('a referral is sent: the email carries the full link and the partner\'s name, nothing clinical', async () => {
  referral = await writeReferral(clin, P, partner, ['measure.nrs']);
  assert.equal(stateOf(referral), 'draft');
  const sent = await send(clin, P, referral, 'tom@partner.example');
  link = sent.link;
  const m = sent.message;
  assert.equal(stateOf(referral), 'sent');
  assert.equal(m.headers.subject, 'A referral from Riverside Pain Clinic');
  assert.match(m.headers.to, /Tom Trainer/);
  assert.match(m.text, /Dear Tom Trainer/);
  assert.match(m.html, new RegExp(`href="${PUBLIC}/c/[A-Za-z0-9_-]{43}"`));
  for (const secret of ['Rhea', 'Referred', 'running', 'Graduated', 'strength', SUMMARY, CANARY, 'NRS', 'pain'])
    assert.ok(!m.raw.includes(secret), `the email does not carry "${secret}"`);
});

test('a send that cannot email stores nothing: no link, no message, the referral still a draft', async () => {
  const noMail = await addPartner(clin, { name: 'Paula Paper', discipline: 'physician' });
  const w = await writeReferral(clin, P, noMail, ['measure.nrs']);
  const v = version(w);
  const links = sqlJson(srv.database, 'SELECT count(*) AS n FROM capability')[0].n;
  const o = outboxCount();
  const r = await clin.postForm(`/patients/${P.pid}/referrals/${w}/send`, {});
  assert.equal(r.status, 422);
  assert.match(r.body, /no email address/);
  checkHtml(r.body, 'refused send');
  assert.equal(version(w), v);
  assert.equal(stateOf(w), 'draft');
  assert.equal(sqlJson(srv.database, 'SELECT count(*) AS n FROM capability')[0].n, links, 'no link issued');
  assert.equal(outboxCount(), o, 'no message queued');
  // The letter is the way to reach a partner without email.
  assert.equal((await clin.get(`/patients/${P.pid}/referrals/${w}/letter`)).status, 200);
});

test('a partner\'s name with markup is escaped on every page and in the email, which still goes out', async () => {
  const odd = await addPartner(clin, { name: 'Eve <b onmouseover=alert(1)>"Odd"</b>', email: 'eve@partner.example' });
  const w = await writeReferral(clin, P, odd, []);
  for (const p of [`/partners/${odd}`, '/partners', `/patients/${P.pid}/referrals/${w}`, `/patients/${P.pid}/referrals/${w}/letter`]) {
    const r = await clin.get(p);
    assert.equal(r.status, 200, p);
    checkHtml(r.body, p);
    assert.doesNotMatch(r.body, /<b onmouseover/, p);
  }
  const { link: l, message } = await send(clin, P, w, 'eve@partner.example');
  assert.doesNotMatch(message.html, /<b onmouseover/);
  assert.match(message.text, /Dear Eve <b onmouseover=alert\(1\)>"Odd"<\/b>/, 'plain text is plain');
  const { page } = await openLink(l);
  assert.doesNotMatch(page.body, /<b onmouseover/);
});

test('an inactive partner is not offered and cannot be referred to', async () => {
  const gone = await addPartner(clin, { name: 'Gone Away', email: 'gone@partner.example', active: '' });
  let r = await clin.get(`/patients/${P.pid}/referrals/new`);
  assert.doesNotMatch(r.body, /Gone Away/);
  const n = sqlJson(srv.database, 'SELECT count(*) AS n FROM p_referral_referral')[0].n;
  r = await clin.postForm(`/patients/${P.pid}/referrals`, { kind: 'onward', partner: String(gone), priority: 'routine',
    reason: 'r', code: 'c', consent: 'yes', consentMethod: 'verbal', episode: String(P.eid) });
  assert.equal(r.status, 422);
  assert.match(r.body, /Partner: choose one of the options given/);
  assert.equal(sqlJson(srv.database, 'SELECT count(*) AS n FROM p_referral_referral')[0].n, n);
});

// -------------------------------------------------------------- handoff

test('the handoff page opens through the link: no-store, no-referrer, what was shared and nothing else', async () => {
  const { c, res, page } = await openLink(link);
  holder = c;
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, `/handoff/${referral}`);
  assert.equal(page.status, 200, page.body.slice(0, 800));
  assert.equal(page.headers['cache-control'], 'no-store');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  checkHtml(page.body, 'handoff');
  const b = page.body;
  assert.match(b, /Rhea Referred/);
  assert.match(b, /1970-04-02/);
  assert.match(b, /Progressive strength and return-to-run plan/);
  assert.ok(b.includes(SUMMARY.replace(/;/g, ';')), 'the summary');
  assert.match(b, /<svg[^>]*class="chart"/);
  assert.match(b, /Baseline <strong>7<\/strong>/);
  assert.match(b, /now <strong>3<\/strong>/);
  assert.match(b, /\+44 20 7946 0000/, 'the clinic\'s contact');
  // Not shared: the goals (with the canary), other measures, the consent's
  // recorder, staff names in the history, the partner's email.
  assert.ok(!b.includes(CANARY), 'the canary in an unshared goal is not shown');
  assert.doesNotMatch(b, /Lift my grandchild|PSFS/);
  assert.doesNotMatch(b, /tom@partner\.example/);
  assert.doesNotMatch(b, /href="\/patients/);
  assert.match(b, /Acknowledge receipt/);
});

test('the link reaches no other page and no other patient', async () => {
  const other = await writeReferral(clin, Q, partner, ['measure.nrs']);
  await send(clin, Q, other, 'tom@partner.example');
  for (const p of [`/handoff/${other}`, `/patients/${P.pid}`, `/patients/${P.pid}/referrals`, `/patients/${P.pid}/referrals/${referral}`,
    `/patients/${P.pid}/referrals/${referral}/letter`, `/patients/${Q.pid}/referrals/${other}`, '/partners', '/referrals', '/',
    `/handoff/${referral}0`, `/handoff/${referral}/../${other}`]) {
    const r = await holder.get(p);
    assert.ok([401, 403, 404, 303, 400].includes(r.status), `${p}: ${r.status}`);
    assert.ok(!r.body.includes('Quinn Other') && !r.body.includes('Rhea Referred'), `${p} shows no patient`);
  }
  const before = version(other);
  const r = await holder.postForm(`/handoff/${other}/acknowledge`, {});
  assert.ok([401, 403, 404].includes(r.status), `POST another referral: ${r.status}`);
  assert.equal(version(other), before, 'nothing stored');
});

test('acknowledged, then a note sent back: both shown to staff; refusals store nothing', async () => {
  const v0 = version(referral);
  const o0 = outboxCount();
  // Refusals first: no form token, an empty note, a decline without a note.
  let r = await holder.postForm(`/handoff/${referral}/acknowledge`, {}, { csrf: false });
  assert.equal(r.status, 403);
  r = await holder.postForm(`/handoff/${referral}/note`, { text: '' });
  assert.equal(r.status, 422);
  checkHtml(r.body, 'refused note');
  r = await holder.postForm(`/handoff/${referral}/decision`, { decision: 'decline', note: '' });
  assert.equal(r.status, 422);
  assert.match(r.body, /Say why you decline/);
  r = await holder.postForm(`/handoff/${referral}/note`, { text: 'x'.repeat(2001) });
  assert.equal(r.status, 422);
  r = await holder.postForm(`/handoff/${referral}/appointment`, { date: today });
  assert.equal(r.status, 409, 'not accepted yet');
  assert.equal(version(referral), v0, 'no refusal stored anything');
  assert.equal(outboxCount(), o0);

  r = await holder.postForm(`/handoff/${referral}/acknowledge`, {});
  assert.equal(r.status, 303);
  assert.equal(stateOf(referral), 'acknowledged');
  r = await holder.postForm(`/handoff/${referral}/acknowledge`, {});
  assert.equal(r.status, 409, 'twice');
  r = await holder.postForm(`/handoff/${referral}/note`, { text: 'Booked for Tuesday <b>9am</b>; will send our plan.' });
  assert.equal(r.status, 303);
  r = await holder.postForm(`/handoff/${referral}/decision`, { decision: 'accept', note: '' });
  assert.equal(r.status, 303);
  assert.equal(stateOf(referral), 'accepted');
  r = await holder.postForm(`/handoff/${referral}/appointment`, { date: '1999-01-01' });
  assert.equal(r.status, 422, 'before the referral was written');
  r = await holder.postForm(`/handoff/${referral}/appointment`, { date: today });
  assert.equal(r.status, 303);
  assert.equal(stateOf(referral), 'first-appointment');

  // Staff see the note on the patient's referrals (the chart's page) and
  // on the referral, with who moved it.
  r = await clin.get(`/patients/${P.pid}/referrals`);
  assert.equal(r.status, 200);
  checkHtml(r.body, 'patient referrals');
  assert.match(r.body, /class="partner-note"[\s\S]*Tom Trainer \(partner\)[\s\S]*Booked for Tuesday &lt;b&gt;9am&lt;\/b&gt;/);
  r = await clin.get(`/patients/${P.pid}/referrals/${referral}`);
  assert.match(r.body, /Acknowledged, [0-9-]+, by Tom Trainer \(partner\)/);
  assert.match(r.body, /First appointment done/);
  // A staff note reaches the partner's page, with the partner's own.
  r = await clin.postForm(`/patients/${P.pid}/referrals/${referral}/notes`, { text: 'Thank you: her pain flares after long sits.' });
  assert.equal(r.status, 303);
  r = await holder.get(`/handoff/${referral}`);
  assert.match(r.body, /Booked for Tuesday/);
  assert.match(r.body, /her pain flares after long sits/);
});

test('a partner declines with a note: the referral closes, its link shows only that, the note reaches the patient\'s referrals', async () => {
  const w = await writeReferral(clin, Q, partner2, ['measure.nrs']);
  const { link: l } = await send(clin, Q, w, 'mia@partner.example');
  const { c } = await openLink(l);
  let r = await c.postForm(`/handoff/${w}/decision`, { decision: 'decline', note: 'Fully booked until March; try Strong Studio.' });
  assert.equal(r.status, 303);
  assert.equal(stateOf(w), 'declined');
  r = await c.get(`/handoff/${w}`);
  assert.match(r.body, /This referral is closed/);
  assert.doesNotMatch(r.body, /Quinn|Fully booked/);
  r = await clin.get(`/patients/${Q.pid}/referrals`);
  assert.match(r.body, /class="partner-note"[\s\S]*Mia Masseur \(partner\)[\s\S]*Fully booked until March/);
  r = await clin.get(`/patients/${Q.pid}/referrals/${w}`);
  assert.match(r.body, /Declined, [0-9-]+, by Mia Masseur \(partner\)/);
});

test('every view and action through the link is in the audit trail, with the patient and the referral', async () => {
  const rows = auditRows(srv.database,
    `actor LIKE 'link:%' AND (path = '/handoff/${referral}' OR path LIKE '/handoff/${referral}/%')`);
  const gets = rows.filter((e) => e.method === 'GET');
  const posts = rows.filter((e) => e.method === 'POST');
  assert.equal(gets.length, 2, 'each of the two views: on opening, and after the note');
  assert.ok(posts.length >= 9, `POSTs audited: ${posts.length}`);
  for (const e of [...gets, ...posts.filter((x) => x.outcome === '303')]) {
    assert.equal(Number(e.patient), P.pid, JSON.stringify(e));
    assert.equal(Number(e.record), referral, JSON.stringify(e));
  }
  const opened = auditRows(srv.database, `path = '/c/(token)' AND outcome LIKE 'link % opened (referral:${referral})'`);
  assert.equal(opened.length, 1);
});

test('a revoked link is refused, its session ended; a new link works and the old one stays dead', async () => {
  const w = await writeReferral(clin, P, partner2, []);
  const first = await send(clin, P, w, 'mia@partner.example');
  const { c } = await openLink(first.link);
  assert.equal((await c.get(`/handoff/${w}`)).status, 200);
  let r = await clin.postForm(`/patients/${P.pid}/referrals/${w}/revoke`, {});
  assert.equal(r.status, 303);
  r = await c.get(`/handoff/${w}`);
  assert.equal(r.status, 401, 'the session of a revoked link ends');
  r = await new Client(srv.base).get(first.link);
  assert.equal(r.status, 410);
  assert.doesNotMatch(r.body, /Rhea/);
  // Re-issued: a new email with a new link.
  const second = await send(clin, P, w, 'mia@partner.example');
  assert.notEqual(second.link, first.link);
  const again = await openLink(second.link);
  assert.equal(again.page.status, 200);
  assert.equal((await new Client(srv.base).get(first.link)).status, 410);
});

test('an expired link is refused', async () => {
  const w = await writeReferral(clin, P, partner, []);
  const { link: l } = await send(clin, P, w, 'tom@partner.example');
  const cap = sqlJson(srv.database, `SELECT id FROM capability WHERE scope = 'referral:${w}' AND revoked = 0`)[0].id;
  sqlExec(srv.database, `UPDATE capability SET expires = ${Math.floor(Date.now() / 1000) - 10} WHERE id = ${cap}`);
  const r = await new Client(srv.base).get(l);
  assert.equal(r.status, 410);
  assert.match(r.body, /expired/);
  assert.equal(r.headers['cache-control'], 'no-store');
});

test('a closed referral\'s link shows only that it is closed', async () => {
  const w = await writeReferral(clin, P, partner, ['measure.nrs', 'goals']);
  const { link: l } = await send(clin, P, w, 'tom@partner.example');
  const { c, page } = await openLink(l);
  assert.ok(page.body.includes(CANARY), 'shared goals are shown while open');
  let r = await clin.postForm(`/patients/${P.pid}/referrals/${w}/cancel`, { reason: '' });
  assert.equal(r.status, 422, 'a cancel needs its reason');
  assert.equal(stateOf(w), 'sent');
  r = await clin.postForm(`/patients/${P.pid}/referrals/${w}/cancel`, { reason: 'The patient chose another trainer.' });
  assert.equal(r.status, 303);
  r = await c.get(`/handoff/${w}`);
  assert.equal(r.status, 200);
  assert.match(r.body, /This referral is closed/);
  for (const s of ['Rhea', CANARY, SUMMARY.slice(0, 20), 'another trainer', 'Progressive'])
    assert.ok(!r.body.includes(s), `closed page shows no "${s}"`);
  const v = version(w);
  r = await c.postForm(`/handoff/${w}/note`, { text: 'hello?' });
  assert.equal(r.status, 409);
  assert.equal(version(w), v);
});

test('the letter is the handoff content, print-styled; /referrals lists open referrals by status', async () => {
  let r = await clin.get(`/patients/${P.pid}/referrals/${referral}/letter`);
  assert.equal(r.status, 200);
  checkHtml(r.body, 'letter');
  assert.match(r.body, /Dear Tom Trainer/);
  assert.ok(r.body.includes(SUMMARY));
  assert.ok(!r.body.includes(CANARY));
  assert.doesNotMatch(r.body, /<form[^>]*action="\/handoff/);
  r = await clin.get('/referrals');
  assert.equal(r.status, 200);
  checkHtml(r.body, '/referrals');
  assert.match(r.body, /Sent: waiting for the partner/);
  assert.match(r.body, /Quinn Other/);
  r = await desk.get('/referrals');
  assert.equal(r.status, 403, 'front desk sees no referrals');
  // A referral reached through another patient's address is not there.
  for (const p of [`/patients/${Q.pid}/referrals/${referral}`, `/patients/${Q.pid}/referrals/${referral}/letter`]) {
    r = await clin.get(p);
    assert.equal(r.status, 404, p);
    assert.doesNotMatch(r.body, /Rhea/);
  }
});

test('the job flags referrals sent and not acknowledged after ack-days, once', async () => {
  const w = await writeReferral(clin, Q, partner2, []);
  await send(clin, Q, w, 'mia@partner.example');
  // The projection is rebuildable: age the sent date as if 8 days passed.
  sqlExec(srv.database, `UPDATE p_referral_referral SET sent = '${ago(8)}' WHERE record = ${w}`);
  let r = srv.cli(['jobs', 'run', '--force', 'referral:unacknowledged']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /referral:unacknowledged ran: 1 done/);
  r = srv.cli(['jobs', 'run', '--force', 'referral:unacknowledged']);
  assert.match(r.stdout, /ran: 0 done/);
  r = await clin.get('/referrals');
  assert.match(r.body, /not acknowledged after\s*7\s*days/);
  r = await clin.get(`/patients/${Q.pid}/referrals/${w}`);
  assert.match(r.body, /not acknowledged \(flagged/);
});

// ------------------------------------------- parts of the program's pages

test('the episode page and the chart show the referrals with their status and the partners\' notes; front desk and admin see no write link', async () => {
  let r = await clin.get(`/patients/${P.pid}/episodes/${P.eid}`);
  assert.equal(r.status, 200);
  checkHtml(r.body, 'episode page');
  const part = /<section class="panel plugin-section" id="section-referral-episode">[\s\S]*?<\/section>/.exec(r.body);
  assert.ok(part, 'the episode page has the referral section');
  assert.match(part[0], /Tom Trainer \(onward\)/);
  assert.match(part[0], /First appointment done since/);
  assert.match(part[0], /Tom Trainer \(partner\), [0-9-]+: Booked for Tuesday &lt;b&gt;9am&lt;\/b&gt;/, 'the partner\'s note, escaped');
  assert.match(part[0], new RegExp(`href="/patients/${P.pid}/referrals/new\\?kind=alongside&amp;episode=${P.eid}"`));
  // The other patient's referrals and notes are not on this page.
  assert.doesNotMatch(part[0], /Fully booked|Quinn/);
  r = await clin.get(`/patients/${P.pid}`);
  assert.equal(r.status, 200);
  checkHtml(r.body, 'chart');
  const chart = /id="section-referral-chart">[\s\S]*?<\/section>/.exec(r.body);
  assert.ok(chart, 'the chart has the referral section');
  assert.match(chart[0], /Booked for Tuesday/);
  assert.doesNotMatch(chart[0], /Red flag/, 'no intake task for this patient');
  r = await clin.get(`/patients/${Q.pid}`);
  assert.match(r.body, /Fully booked until March/, 'a decline\'s note reaches the chart');
  assert.match(r.body, /Mia Masseur \(onward\)[\s\S]*Declined since/);
  // The administrator reads them but is offered nothing to write.
  const admin = await srv.as('admin');
  r = await admin.get(`/patients/${P.pid}/episodes/${P.eid}`);
  assert.match(r.body, /id="section-referral-episode"/);
  assert.doesNotMatch(r.body, /referrals\/new/);
  r = await desk.get(`/patients/${P.pid}/episodes/${P.eid}`);
  assert.equal(r.status, 403);
});

test('graduation offers "refer onward": the directory by tag, each link filtering the partners to those trusted for it', async () => {
  const { pid, eid, E } = await graduatedPatient(clin, 'REF-G', 'Gina Graduate');
  let r = await clin.get(`${E}/graduation`);
  assert.equal(r.status, 200, r.body.slice(0, 800));
  checkHtml(r.body, 'graduation');
  const part = /id="section-referral-graduation">[\s\S]*?<\/section>/.exec(r.body);
  assert.ok(part, 'the graduation summary has "refer onward"');
  assert.match(part[0], /Refer onward/);
  assert.match(part[0], /<dt>running<\/dt>\s*<dd>Tom Trainer<\/dd>/);
  assert.match(part[0], /<dt>maintenance<\/dt>\s*<dd>Mia Masseur<\/dd>/);
  assert.doesNotMatch(part[0], /Gone Away/, 'an inactive partner is not offered');
  const href = `/patients/${pid}/referrals/new?kind=onward&episode=${eid}&tag=running`;
  assert.ok(part[0].includes(`href="${href.replace(/&/g, '&amp;')}"`), part[0]);
  r = await clin.get(href);
  assert.equal(r.status, 200);
  assert.match(r.body, /Tom Trainer/);
  assert.doesNotMatch(r.body, /Mia Masseur/, 'the directory filtered by what the patient wants next');
  assert.match(r.body, /value="onward"[^>]*checked|checked[^>]*value="onward"/);
  // A partner whose name and organisation together are longer than a
  // line: the referral keeps the two cut to one line, and is written.
  const long = await addPartner(clin, { name: `Ülla ${'Ü'.repeat(140)}`, organisation: 'Ö'.repeat(150), email: 'long@partner.example' });
  await writeReferral(clin, { pid, eid }, long, []);
});

test('the intake\'s red-flag task becomes a referral out: linked from the intake and the chart, its reason filled in from the screen', async () => {
  const visitor = new Visitor(srv.base, '127.0.0.9');
  const s = await sendRequest(visitor, { name: 'Ravi Redflag' });
  assert.equal(s.status, 303, s.body.slice(0, 800));
  const { intakeId } = await goodFit(desk, 'Ravi Redflag');
  for (const sec of intakeSections({ name: 'Ravi Redflag', flags: { 'ce-saddle': 'yes', 'weight-loss': 'unsure' } })) {
    const f = await desk.postForm(`/intake/${intakeId}/form`, sec);
    assert.equal(f.status, 303, `${sec.section}: ${f.body.slice(0, 400)}`);
  }
  const pid = Number(sqlJson(srv.database, `SELECT patient FROM p_intake_intake WHERE record = ${intakeId}`)[0].patient);
  const href = `/patients/${pid}/referrals/new?kind=out`;
  let r = await clin.get(`/intake/${intakeId}`);
  assert.equal(r.status, 200);
  assert.match(r.body, new RegExp(`id="referral-out" href="${href.replace(/[?]/g, '\\?')}"`));
  r = await desk.get(`/intake/${intakeId}`);
  assert.doesNotMatch(r.body, /referral-out/, 'front desk is not offered it');
  r = await clin.get(`/patients/${pid}`);
  assert.match(r.body, /id="section-referral-chart"[\s\S]*Red flag[\s\S]*Write the referral out/);
  r = await clin.get(href);
  assert.equal(r.status, 200);
  assert.match(r.body, /value="urgent" selected/);
  assert.match(r.body, /Red-flag screen at intake \([0-9-]+\): positive for ce-saddle, weight-loss\./);
  // Written and saved, it is a referral of kind "out" for this patient.
  r = await clin.postForm(`/patients/${pid}/referrals`, { kind: 'out', partner: String(partner), priority: 'urgent',
    reason: 'Red-flag screen at intake: positive for ce-saddle, weight-loss.', code: 'Same-day assessment.', consent: 'yes', consentMethod: 'verbal' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const id = Number(/referrals\/(\d+)$/.exec(r.headers.location)[1]);
  assert.deepEqual(sqlJson(srv.database, `SELECT kind, patient, state FROM p_referral_referral WHERE record = ${id}`)[0],
    { kind: 'out', patient: pid, state: 'draft' });
  const taskState = () => sqlJson(srv.database, `SELECT state FROM p_intake_task WHERE intake = ${intakeId}`)[0].state;
  assert.equal(taskState(), 'open', 'a draft closes nothing');
  // Sent, it closes the intake's task as referred, naming the partner.
  await send(clin, { pid }, id, 'tom@partner.example');
  assert.equal(taskState(), 'referred');
  r = await clin.get(`/intake/${intakeId}`);
  assert.match(r.body, new RegExp(`Referral out made: </strong>Referred to: Tom Trainer, Strong Studio \\(referral ${id}, sent by`));
  assert.doesNotMatch(r.body, /referral-out/, 'no second referral offered');
  r = await clin.get(`/patients/${pid}`);
  assert.doesNotMatch(r.body, /Red flag/);
  assert.match(r.body, /Tom Trainer \(out\)[\s\S]*Sent: waiting for the partner/);
  // A patient without a task gets no reason made up.
  r = await clin.get(`/patients/${P.pid}/referrals/new?kind=out`);
  assert.doesNotMatch(r.body, /Red-flag screen at intake/);
});

test('a patient\'s FHIR answer carries the referral as a ServiceRequest that validates: based on the episode\'s plan, the first appointment, the notes', async () => {
  const r = await clin.get(`/patients/${P.pid}/fhir?_format=xml`);
  assert.equal(r.status, 200, r.body.slice(0, 400));
  const file = path.join(work, 'patient.xml');
  writeFileSync(file, r.body);
  const v = run('xmllint', ['--noout', '--nonet', '--schema', path.join(REPO, 'tests', 'fhir-xsd', 'fhir-single.xsd'), file], { timeoutMs: 120000 });
  assert.equal(v.code, 0, `${v.stderr}`.slice(0, 2000));
  const sr = new RegExp(`<ServiceRequest[^>]*><id value="${referral}"/>[\\s\\S]*?</ServiceRequest>`).exec(r.body)?.[0] ?? '';
  assert.match(sr, new RegExp(`<basedOn><reference value="CarePlan/careplan-${P.eid}"/></basedOn><status value="completed"/>`));
  assert.match(sr, new RegExp(`<occurrenceDateTime value="${today}"/>`));
  assert.match(sr, /<display value="Tom Trainer, Strong Studio"\/>/);
  assert.match(sr, /<authorString value="Tom Trainer \(partner\)"\/><time value="[0-9-]+"\/><text value="Booked for Tuesday &lt;b&gt;9am&lt;\/b&gt;; will send our plan."\/>/);
  assert.ok(r.body.includes(`<fullUrl value="https://clinic.example/riverside/fhir/CarePlan/careplan-${P.eid}"/>`), 'the plan it is based on is in the Bundle');
  assert.ok(!sr.includes(CANARY), 'what was not shared stays out of the referral');
});
