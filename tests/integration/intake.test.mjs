// The intake plugin over HTTP (real nginx + cairnd): the public
// discovery-call request and each of its defences, the front desk's queue,
// the questionnaire through staff and through the patient's link, the
// red-flag block, enrolment into the care program, and every bad input the
// issue names: oversized and empty fields, markup in every free-text field,
// invalid dates and doses, a reused or expired link, a submission from
// another origin, rapid repeats.  Each refusal is checked to store nothing.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { useCairn, run, sleep } from '../lib/harness.mjs';
import { sqlJson } from '../lib/access.mjs';
import { Visitor, openRequestForm, sendRequest, dbValue, versions, sections, goodFit, issueLink, openLink,
         REQUEST } from '../lib/intake.mjs';

const srv = useCairn({ intakeSettings: { 'min-seconds': '1', 'rate-max': '3', 'answer-days': '2' } });
let desk, clinician;
// Each test's visitors come from their own loopback address, so the
// per-address rate limit of one test does not reach another.
let nextHost = 10;
const visitor = () => new Visitor(srv.base, `127.0.0.${nextHost++}`);
const requests = () => Number(dbValue(srv, 'SELECT count(*) FROM p_intake_request'));

before(async () => {
  await srv.ready;
  desk = await srv.as('front-desk');
  clinician = await srv.as('clinician');
});

const SCRIPT = '<script>alert("x")</script><b onmouseover=alert(1)>&amp;';

// ------------------------------------------------------------ public form

test('the public request form works without JavaScript: labels, a honeypot, a signed stamp', async () => {
  const v = visitor();
  const { res, stamp } = await openRequestForm(v);
  assert.equal(res.status, 200);
  assert.doesNotMatch(res.body, /<script/i);
  for (const id of ['f-name', 'f-contact', 'f-times', 'f-problem', 'f-consent'])
    assert.match(res.body, new RegExp(`<label[^>]*for="${id}"`), `label for ${id}`);
  assert.match(res.body, /name="website"[^>]*tabindex="-1"|tabindex="-1"[^>]*name="website"/);
  assert.match(stamp, /^\d+\.[0-9a-f]{16}\.[0-9a-f]{32}$/, "seconds, a nonce, the MAC");
});

test('a valid request is stored and the thank-you page echoes nothing of it', async () => {
  const v = visitor();
  const before = requests();
  const r = await sendRequest(v, { name: 'Quentin Echo', contact: 'quentin@example.org' });
  assert.equal(r.status, 303, r.body.slice(0, 500));
  assert.equal(r.headers.location, '/request-a-call/thanks');
  assert.equal(requests(), before + 1);
  const t = await v.get('/request-a-call/thanks');
  assert.equal(t.status, 200);
  assert.doesNotMatch(t.body, /Quentin|quentin@example/);
  assert.match(t.body, /What happens next/);
});

test('a filled honeypot is answered as accepted and nothing is stored', async () => {
  const v = visitor();
  const n = versions(srv);
  const r = await sendRequest(v, { website: 'http://spam.example' });
  assert.equal(r.status, 303);
  assert.equal(versions(srv), n);
});

test('a form sent faster than the minimum time is refused and nothing is stored', async () => {
  const v = visitor();
  const n = versions(srv);
  const r = await sendRequest(v, {}, { waitMs: 0 });
  assert.equal(r.status, 422);
  assert.match(r.body, /very quickly/);
  assert.match(r.body, /value="Pat Example"/, 'typed values kept');
  assert.equal(versions(srv), n);
});

test('a missing or forged time stamp is refused', async () => {
  const v = visitor();
  const n = versions(srv);
  const { stamp } = await openRequestForm(v);
  await sleep(1100);
  const forged = stamp.replace(/^\d+/, (t) => String(Number(t) - 100));
  for (const s of [undefined, forged, 'abc', `${stamp}0`]) {
    const fields = { ...REQUEST };
    if (s !== undefined) fields.stamp = s;
    const r = await v.postForm('/request-a-call', fields);
    assert.equal(r.status, 422, `stamp ${s}`);
    assert.match(r.body, /expired/);
  }
  assert.equal(versions(srv), n);
});

test('empty fields are refused with a message tied to each field', async () => {
  const v = visitor();
  const n = versions(srv);
  const r = await sendRequest(v, { name: '', contact: '   ', problem: '', consent: '' });
  assert.equal(r.status, 422);
  for (const f of ['name', 'contact', 'problem', 'consent']) {
    assert.match(r.body, new RegExp(`<p class="field-error" id="e-f-${f}"`), `message for ${f}`);
    assert.match(r.body, new RegExp(`id="f-${f}"[^>]*aria-describedby="e-f-${f}|aria-describedby="e-f-${f}[^"]*"[^>]*aria-invalid`), `${f} described by its message`);
  }
  assert.equal(versions(srv), n);
});

test('oversized fields and control characters are refused', async () => {
  const v = visitor();
  const n = versions(srv);
  const { stamp } = await openRequestForm(v);
  await sleep(1100);
  for (const [field, value, re] of [
    ['name', 'N'.repeat(101), /at most 100 are allowed/],
    ['contact', 'c'.repeat(201), /at most 200 are allowed/],
    ['times', 't'.repeat(201), /at most 200 are allowed/],
    ['problem', 'p'.repeat(2001), /at most 2000 are allowed/],
    ['name', 'Ann\u0007Bell', /control character/],
    ['contact', 'a\nb', /must be one line/],
  ]) {
    const r = await v.postForm('/request-a-call', { ...REQUEST, stamp, [field]: value });
    // A control character other than a line break is already refused by
    // the core's request decoding (400); the plugin refuses the rest.
    if (r.status === 400) assert.match(value, /[\u0000-\u0009\u000b-\u001f]/, `${field}: 400 only for a control character`);
    else {
      assert.equal(r.status, 422, `${field} ${value.length}`);
      assert.match(r.body, re);
    }
  }
  // A value past the core's own limit of 64 KiB is refused before the plugin.
  const big = await v.postForm('/request-a-call', { ...REQUEST, stamp, problem: 'x'.repeat(70000) });
  assert.ok(big.status >= 400 && big.status < 500, `huge value: ${big.status}`);
  assert.equal(versions(srv), n);
});

test('a request without consent to be contacted is refused', async () => {
  const v = visitor();
  const n = versions(srv);
  const r = await sendRequest(v, { consent: '' });
  assert.equal(r.status, 422);
  assert.match(r.body, /id="e-f-consent"/);
  assert.equal(versions(srv), n);
});

test('a submission from another origin, or without the form token, is refused', async () => {
  const v = visitor();
  const n = versions(srv);
  const { stamp } = await openRequestForm(v);
  await sleep(1100);
  const a = await v.postForm('/request-a-call', { ...REQUEST, stamp }, { headers: { Origin: 'http://evil.example' } });
  assert.equal(a.status, 403);
  const b = await v.postForm('/request-a-call', { ...REQUEST, stamp }, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
  assert.equal(b.status, 403);
  const c = await v.postForm('/request-a-call', { ...REQUEST, stamp }, { csrf: false });
  assert.equal(c.status, 403);
  const fresh = visitor();   // no visitor cookie at all
  const d = await fresh.postForm('/request-a-call', { ...REQUEST, stamp, csrf: v.csrf });
  assert.equal(d.status, 403);
  assert.equal(versions(srv), n);
});

test('rapid repeat submissions from one address are limited (3 an hour in this config)', async () => {
  const v = visitor();
  const before = requests();
  // A stamp is good for one request: each submission opens the form anew.
  const stamps = [];
  for (let i = 0; i < 5; i++) stamps.push((await openRequestForm(v)).stamp);
  await sleep(1100);
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    const r = await v.postForm('/request-a-call', { ...REQUEST, name: `Repeat ${i}`, stamp: stamps[i] });
    statuses.push(r.status);
    if (r.status === 429) assert.match(r.body, /several requests/);
  }
  assert.deepEqual(statuses, [303, 303, 303, 429, 429]);
  assert.equal(requests(), before + 3);
  // Another address is not held back.
  const other = await sendRequest(visitor(), { name: 'Someone Else' });
  assert.equal(other.status, 303);
});

test('a stamp is good for one request: a replay is refused with a clear message, nothing stored, even after the request moved on', async () => {
  const v = visitor();
  const { stamp } = await openRequestForm(v);
  await sleep(1100);
  let r = await v.postForm('/request-a-call', { ...REQUEST, name: 'Once Only', stamp });
  assert.equal(r.status, 303);
  const before = requests(), vers = versions(srv);
  // The same stamp again (the issue's attack: six submissions), from the
  // same visitor and from another address.
  for (const c of [v, visitor()]) {
    if (c !== v) await openRequestForm(c);
    r = await c.postForm('/request-a-call', { ...REQUEST, name: 'Replayed Twice', stamp });
    assert.equal(r.status, 409, r.body.slice(0, 600));
    assert.match(r.body, /This form was already sent/);
    assert.doesNotMatch(r.body, /Once Only/, 'the stored request is not shown');
    assert.match(r.body, /name="stamp" value="[0-9]+\.[0-9a-f]{16}\.[0-9a-f]{32}"/, 'a fresh stamp to send a new request with');
  }
  assert.equal(requests(), before, 'nothing stored');
  assert.equal(versions(srv), vers);
  // Each replay is in the audit trail, naming the request that spent it.
  const first = Number(dbValue(srv, "SELECT record FROM p_intake_request WHERE name = 'Once Only'"));
  assert.equal(sqlJson(srv.database, `SELECT count(*) AS n FROM audit WHERE record = ${first} AND outcome = '409' AND actor = 'public'`)[0].n, 2);
  // Scheduled: the new version keeps the stamp, so it stays spent.
  const id = Number(dbValue(srv, "SELECT record FROM p_intake_request WHERE name = 'Once Only'"));
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  assert.equal((await desk.postForm(`/intake/requests/${id}/schedule`, { call: `${tomorrow}T09:00` })).status, 303);
  r = await v.postForm('/request-a-call', { ...REQUEST, name: 'Replayed Later', stamp });
  assert.equal(r.status, 409);
  assert.equal(requests(), before);
});

test('a stored public request leaves an audit entry: actor public, the request id, nothing it says', async () => {
  const name = 'Audited Aubrey';
  const r = await sendRequest(visitor(), { name, contact: 'aubrey-canary@example.org', problem: 'CANARY-PROBLEM sciatica' });
  assert.equal(r.status, 303);
  const id = Number(dbValue(srv, `SELECT record FROM p_intake_request WHERE name = '${name}'`));
  const rows = sqlJson(srv.database, `SELECT * FROM audit WHERE record = ${id} AND method = 'POST' AND path = '/request-a-call'`);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  const e = rows[0];
  assert.equal(e.actor, 'public');
  assert.equal(e.role, '');
  assert.equal(e.patient, null);
  assert.equal(e.outcome, '303');
  const text = JSON.stringify(e);
  for (const leak of [name, 'aubrey-canary', 'CANARY-PROBLEM']) assert.ok(!text.includes(leak), `the entry holds ${leak}`);
  // A refused request (no stamp) stores nothing and notes no record.
  const before = sqlJson(srv.database, 'SELECT count(*) AS n FROM audit WHERE record IS NOT NULL AND actor = \'public\'')[0].n;
  const v = visitor();
  await openRequestForm(v);
  assert.equal((await v.postForm('/request-a-call', { ...REQUEST })).status, 422);
  assert.equal(sqlJson(srv.database, 'SELECT count(*) AS n FROM audit WHERE record IS NOT NULL AND actor = \'public\'')[0].n, before);
});

// ------------------------------------------------------------ front desk

test('markup in every free-text field of a request is stored as text and shown inert', async () => {
  const v = visitor();
  const r = await sendRequest(v, { name: `Mallory ${SCRIPT}`, contact: SCRIPT, times: SCRIPT, problem: `${SCRIPT}\nline 2` });
  assert.equal(r.status, 303);
  const q = await desk.get('/intake');
  assert.equal(q.status, 200);
  const id = /href="\/intake\/requests\/(\d+)">Mallory/.exec(q.body)[1];
  const d = await desk.get(`/intake/requests/${id}`);
  for (const page of [q.body, d.body]) {
    assert.doesNotMatch(page, /<script>alert|<b onmouseover/);
    assert.match(page, /&lt;script&gt;alert\("x"\)&lt;\/script&gt;|&lt;script&gt;alert\(&quot;x&quot;\)/);
  }
  // The not-a-fit outcome: reason and "pointed to" refuse markup nowhere,
  // keep it as text, and it is inert on the page.
  const bad = await desk.postForm(`/intake/requests/${id}/outcome`, { fit: 'not', reason: '', pointedTo: '' });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /id="e-f-reason"/);
  assert.match(bad.body, /id="e-f-pointedTo"/);
  const ok = await desk.postForm(`/intake/requests/${id}/outcome`, { fit: 'not', reason: SCRIPT, pointedTo: `GP ${SCRIPT}` });
  assert.equal(ok.status, 303);
  const after = await desk.get(`/intake/requests/${id}`);
  assert.doesNotMatch(after.body, /<script>alert|<b onmouseover/);
  assert.match(after.body, /Pointed to/);
  const again = await desk.postForm(`/intake/requests/${id}/outcome`, { fit: 'good' });
  assert.equal(again.status, 409, 'an outcome is recorded once');
});

test('scheduling refuses an invalid or past date and time', async () => {
  await sendRequest(visitor(), { name: 'Sched Ule' });
  const q = await desk.getXml('/intake');
  const id = /<request id="(\d+)" name="Sched Ule"/.exec(q.body)[1];
  const n = versions(srv);
  for (const call of ['', 'tomorrow', '2026-02-30T10:00', '2026-12-01T25:00', '2001-01-01T10:00']) {
    const r = await desk.postForm(`/intake/requests/${id}/schedule`, { call });
    assert.equal(r.status, 422, call);
    assert.match(r.body, /id="e-f-call"/);
  }
  assert.equal(versions(srv), n);
});

test('a request not answered within answer-days is flagged in the queue', async () => {
  // A request received five days ago, brought in through `cairn import`.
  const old = new Date(Date.now() - 5 * 86400000).toISOString().slice(0, 10);
  const bundle = path.join(srv.dir, 'old-request.xml');
  writeFileSync(bundle, `<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:cairn:bundle" version="1">
  <record id="1" type="intake:DiscoveryRequest" patient="0" version="1" status="active" author="public" time="${old}T09:00:00Z"><DiscoveryRequest xmlns="urn:cairn:intake"><name>Olive Old</name><contact>0100 000</contact><problem>Neck pain.</problem><consent>yes</consent><received>${old}</received><state>new</state></DiscoveryRequest></record>
</bundle>
`);
  const imp = srv.cli(['import', bundle]);
  assert.equal(imp.code, 0, imp.stderr);
  const q = await desk.getXml('/intake');
  assert.match(q.body, /<request id="\d+" name="Olive Old" received="[0-9-]+" state="new" overdue="yes"\/>/);
  assert.doesNotMatch(q.body, /name="Sched Ule"[^>]*overdue/);
  const html = await desk.get('/intake');
  assert.match(html.body, /not answered within 2 days/);
});

// ------------------------------------------------ questionnaire, enrolment

test('journey: request, good fit, the patient fills in through the link, a clinician enrols', async () => {
  await sendRequest(visitor(), { name: 'Jo Journey' });
  const { intakeId } = await goodFit(desk, 'Jo Journey');
  const link = await issueLink(desk, intakeId);
  const { patient, res } = await openLink(srv.base, link);
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, `/intake/${intakeId}/form`);
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
  // The link opens this intake's form only.
  for (const p of ['/intake', `/intake/${intakeId}`]) {
    const r = await patient.get(p);
    assert.equal(r.status, 303, p);
    assert.match(r.headers.location, /^\/sign-in/, p);
  }
  assert.equal((await patient.get(`/intake/${intakeId + 1}/form`)).status, 401);

  const all = sections({ name: 'Jo Journey' });
  for (const s of all.slice(0, 3)) {
    const r = await patient.postForm(`/intake/${intakeId}/form`, s);
    assert.equal(r.status, 303, `${s.section}: ${r.body.slice(0, 800)}`);
  }
  // Progress is kept: a second visit through the same link shows it.
  const again = await openLink(srv.base, link);
  assert.equal(again.res.status, 303, 'the link opens again (multi-use until sent)');
  const med = await again.patient.get(`/intake/${intakeId}/form?section=medicines`);
  assert.match(med.body, /value="Warfarin"/);
  // The patient's baseline asks NRS, PEG and their own PSFS activities,
  // never the ODI / NDI (licensed wording): their answers to it are not
  // stored, and staff enter it from the clinic's paper form.
  const base = await again.patient.get(`/intake/${intakeId}/form?section=baseline`);
  assert.match(base.body, /name="m\.peg\.pain"/);
  assert.doesNotMatch(base.body, /m\.odi\.|m\.ndi\.|name="function"/);
  // The consent page shows the fees the patient will enrol under (the
  // program definition's current version), with the pricing page.
  const consent = await again.patient.get(`/intake/${intakeId}/form?section=consent`);
  assert.equal(consent.status, 200);
  for (const fee of ['Introductory phase', 'AUD 420', 'First-month continuation', 'AUD 560', 'Monthly program', 'AUD 1,680'])
    assert.ok(consent.body.includes(fee), `consent page: ${fee}`);
  assert.match(consent.body, /href="\/pricing"/);
  assert.match(consent.body, /definition version 1/);
  for (const s of all.slice(3, 6)) {
    const r = await again.patient.postForm(`/intake/${intakeId}/form`, s);
    assert.equal(r.status, 303, `${s.section}: ${r.body.slice(0, 800)}`);
  }
  assert.equal(dbValue(srv, `SELECT count(*) FROM record_version v JOIN p_intake_section s ON s.record = v.record WHERE s.intake = ${intakeId} AND s.name = 'baseline' AND v.body LIKE '%instrument="odi"%'`), '0',
    'the patient\'s ODI answers are not stored');
  const done = await again.patient.postForm(`/intake/${intakeId}/form`, all[6]);
  assert.equal(done.status, 200);
  assert.match(done.body, /Your answers are with the clinic/);
  assert.equal(dbValue(srv, `SELECT state FROM p_intake_intake WHERE record = ${intakeId}`), 'submitted');
  // The link is withdrawn once the questionnaire is sent: reuse is refused.
  assert.equal((await srv.client().get(link)).status, 410);
  assert.equal((await again.patient.get(`/intake/${intakeId}/form`)).status, 401);

  // Staff add the ODI from the paper form on the staff's baseline page.
  const staffBase = await desk.get(`/intake/${intakeId}/form?section=baseline`);
  assert.match(staffBase.body, /name="m\.odi\.s1"/);
  const odi = await desk.postForm(`/intake/${intakeId}/form`, all[5]);
  assert.ok([200, 303].includes(odi.status), `staff baseline: ${odi.status} ${odi.body.slice(0, 800)}`);

  // Front desk cannot enrol; a clinician can.
  assert.equal((await desk.postForm(`/intake/${intakeId}/enrol`, { primary: 'nrs' })).status, 403);
  const page = await clinician.get(`/intake/${intakeId}`);
  assert.match(page.body, /No red flags/);
  assert.match(page.body, /Warfarin: 2.5 mg, once daily/);
  const badPrimary = await clinician.postForm(`/intake/${intakeId}/enrol`, { primary: 'headache' });
  assert.equal(badPrimary.status, 422);
  const e = await clinician.postForm(`/intake/${intakeId}/enrol`, { primary: 'nrs' });
  assert.equal(e.status, 303, e.body.slice(0, 800));
  const pid = Number(/\/patients\/(\d+)$/.exec(e.headers.location)[1]);
  assert.equal(dbValue(srv, `SELECT status_text || ' ' || primary_instrument || ' ' || coalesce(phase, '-') FROM p_program_episode WHERE patient = ${pid}`),
    'active nrs introductory');
  assert.equal(dbValue(srv, `SELECT birth_date || ' ' || gender FROM p_program_patient WHERE record = ${pid}`), '1970-04-30 female');
  const obs = dbValue(srv, `SELECT group_concat(instrument || '=' || score, ' ') FROM (SELECT instrument, score FROM p_program_observation WHERE patient = ${pid} AND timepoint = 'baseline' ORDER BY instrument)`);
  // Stored exact (PEG 6,7,4 is 17/3); 5.7 is what people are shown.
  assert.equal(obs, 'nrs=6.0 odi=32.0 peg=5.666667 psfs=3.0');
  const chart = await clinician.get(`/patients/${pid}`);
  assert.equal(chart.status, 200);
  // The medicines and the red-flag screen from intake stay in view after
  // enrolment, on the chart and the episode page, linked to the intake.
  const eid = Number(dbValue(srv, `SELECT record FROM p_program_episode WHERE patient = ${pid}`));
  for (const r of [chart, await clinician.get(`/patients/${pid}/episodes/${eid}`)]) {
    assert.match(r.body, /Ibuprofen 400 mg, three times daily; Warfarin 2.5 mg, once daily/);
    assert.match(r.body, /Red-flag screen: <\/strong>no red flags/);
    assert.match(r.body, /Allergies: <\/strong>none/);
    assert.match(r.body, new RegExp(`href="/intake/${intakeId}"`));
  }
  // Enrolled once only.
  assert.equal((await clinician.postForm(`/intake/${intakeId}/enrol`, { primary: 'nrs' })).status, 409);
});

test('the patient\'s baseline never asks or stores the ODI / NDI; the index staff entered is kept when the patient saves again', async () => {
  await sendRequest(visitor(), { name: 'Ode Index' });
  const { intakeId } = await goodFit(desk, 'Ode Index');
  const all = sections({ name: 'Ode Index' });
  for (const sec of [all[4], all[5]]) {   // goals, then the baseline with ODI 16/50
    const r = await desk.postForm(`/intake/${intakeId}/form`, sec);
    assert.equal(r.status, 303, `${sec.section}: ${r.body.slice(0, 600)}`);
  }
  const { patient } = await openLink(srv.base, await issueLink(desk, intakeId));
  const page = await patient.get(`/intake/${intakeId}/form?section=baseline`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.body, /m\.odi\.|m\.ndi\.|paper form/);
  assert.match(page.body, /asked at your first visit/);
  // The patient's own ODI answers (all 5s) and a new NRS: the NRS is
  // stored, the ODI stays what staff entered.
  const odi5 = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`m.odi.s${i + 1}`, '5']));
  const r = await patient.postForm(`/intake/${intakeId}/form`, { ...all[5], 'm.nrs.pain': '7', function: 'odi', ...odi5 });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  const body = dbValue(srv, `SELECT v.body FROM record_version v JOIN p_intake_section s ON s.record = v.record WHERE s.intake = ${intakeId} AND s.name = 'baseline' ORDER BY v.version DESC LIMIT 1`);
  assert.match(body, /<measure instrument="nrs"><answer item="pain">7<\/answer>/);
  const odi = /<measure instrument="odi">(.*?)<\/measure>/.exec(body);
  assert.ok(odi, `the ODI staff entered is kept: ${body}`);
  assert.match(odi[1], /<answer item="s1">2<\/answer>/);
  assert.doesNotMatch(odi[1], />5</);
});

test('a positive red flag blocks enrolment, opens a referral task, and a clinician clears it with a reason', async () => {
  await sendRequest(visitor(), { name: 'Rhea Redflag' });
  const { intakeId } = await goodFit(desk, 'Rhea Redflag');
  for (const s of sections({ name: 'Rhea Redflag', flags: { 'ce-saddle': 'yes', 'weight-loss': 'unsure' } })) {
    const r = await desk.postForm(`/intake/${intakeId}/form`, s);
    assert.ok(r.status === 303, `${s.section}: ${r.status} ${r.body.slice(0, 500)}`);
  }
  assert.equal(dbValue(srv, `SELECT count(*) FROM p_intake_task WHERE intake = ${intakeId} AND state = 'open'`), '1');
  const page = await clinician.get(`/intake/${intakeId}`);
  assert.match(page.body, /2 positive answers/);
  assert.match(page.body, /Saddle anaesthesia/);
  assert.match(page.body, /Finucane LM/);
  assert.match(page.body, /enrolment is blocked/);
  assert.match(page.body, /Record the referral out/);
  const n = versions(srv);
  const blocked = await clinician.postForm(`/intake/${intakeId}/enrol`, { primary: 'nrs' });
  assert.equal(blocked.status, 409);
  assert.match(blocked.body, /red-flag screen has 2 positive answers/);
  assert.equal(versions(srv), n, 'nothing stored by a blocked enrolment');
  // Front desk may not clear; an empty reason is refused.
  assert.equal((await desk.postForm(`/intake/${intakeId}/clear`, { reason: 'fine' })).status, 403);
  const empty = await clinician.postForm(`/intake/${intakeId}/clear`, { reason: ' ' });
  assert.equal(empty.status, 422);
  assert.match(empty.body, /id="e-f-reason"/);
  const ok = await clinician.postForm(`/intake/${intakeId}/clear`, { reason: `Seen by GP 2026-11-20, MRI normal. ${SCRIPT}` });
  assert.equal(ok.status, 303);
  assert.equal(dbValue(srv, `SELECT state FROM p_intake_task WHERE intake = ${intakeId}`), 'cleared');
  const cleared = await clinician.get(`/intake/${intakeId}`);
  assert.match(cleared.body, /cleared by test-clinician/);
  assert.doesNotMatch(cleared.body, /<script>alert/);
  const e = await clinician.postForm(`/intake/${intakeId}/enrol`, { primary: 'peg' });
  assert.equal(e.status, 303);
  // After enrolment the clearance stays in view on the chart and the
  // episode page, with the reason shown as text.
  const pid = Number(/\/patients\/(\d+)$/.exec(e.headers.location)[1]);
  const eid = Number(dbValue(srv, `SELECT record FROM p_program_episode WHERE patient = ${pid}`));
  for (const page of [`/patients/${pid}`, `/patients/${pid}/episodes/${eid}`]) {
    const r = await clinician.get(page);
    assert.equal(r.status, 200, page);
    assert.match(r.body, /positive, cleared by test-clinician on \d{4}-\d{2}-\d{2}: Seen by GP 2026-11-20, MRI normal\./, page);
    assert.doesNotMatch(r.body, /<script>alert/, page);
  }
});

test('questionnaire bad input: dates, doses, lists and sizes are refused next to the field, nothing stored', async () => {
  await sendRequest(visitor(), { name: 'Bea Badinput' });
  const { intakeId } = await goodFit(desk, 'Bea Badinput');
  const url = `/intake/${intakeId}/form`;
  const n = versions(srv);
  const cases = [
    [{ section: 'demographics', name: 'B', birthDate: '1970-02-30', gender: 'female', contact: 'x' }, 'birthDate', /not a date in the calendar/],
    [{ section: 'demographics', name: 'B', birthDate: '2999-01-01', gender: 'female', contact: 'x' }, 'birthDate', /not a date in the calendar|after today/],
    [{ section: 'demographics', name: '', birthDate: '1970-01-01', gender: 'x', contact: 'x' }, 'name', /Enter the full name/],
    [{ section: 'demographics', name: 'N'.repeat(101), birthDate: '1970-01-01', gender: 'male', contact: 'x' }, 'name', /at most 100 are allowed/],
    [{ section: 'pain', duration: '0', durationUnit: 'months' }, 'sites', /at least one place/],
    [{ section: 'pain', 'site.neck': 'yes', duration: '12.5', durationUnit: 'months' }, 'duration', /whole number/],
    [{ section: 'medicines', 'med.1.name': 'Codeine', 'med.1.dose': 'lots', 'med.1.unit': 'mg', 'med.1.frequency': 'as-needed', noAllergies: 'yes', pregnancy: 'not-pregnant' }, 'med.1.dose', /dose as a number/],
    [{ section: 'medicines', 'med.1.name': 'Codeine', 'med.1.dose': '-5', 'med.1.unit': 'mg', 'med.1.frequency': 'as-needed', noAllergies: 'yes', pregnancy: 'not-pregnant' }, 'med.1.dose', /dose as a number/],
    [{ section: 'medicines', 'med.1.name': 'Codeine', 'med.1.dose': '0', 'med.1.unit': 'mg', 'med.1.frequency': 'as-needed', noAllergies: 'yes', pregnancy: 'not-pregnant' }, 'med.1.dose', /above 0/],
    [{ section: 'medicines', 'med.1.name': 'Codeine', 'med.1.dose': '100001', 'med.1.unit': 'mg', 'med.1.frequency': 'as-needed', noAllergies: 'yes', pregnancy: 'not-pregnant' }, 'med.1.dose', /up to 100000/],
    [{ section: 'medicines', 'med.1.name': 'Codeine', 'med.1.dose': '1.2345', 'med.1.unit': 'mg', 'med.1.frequency': 'as-needed', noAllergies: 'yes', pregnancy: 'not-pregnant' }, 'med.1.dose', /3 decimals/],
    [{ section: 'medicines', 'med.1.name': 'Codeine', 'med.1.dose': '30', 'med.1.unit': 'bucket', 'med.1.frequency': 'as-needed', noAllergies: 'yes', pregnancy: 'not-pregnant' }, 'med.1.unit', /Unit: choose one/],
    [{ section: 'medicines', 'med.1.name': 'Codeine', 'med.1.dose': '30', 'med.1.unit': 'mg', 'med.1.frequency': 'hourly', noAllergies: 'yes', pregnancy: 'not-pregnant' }, 'med.1.frequency', /How often: choose one/],
    [{ section: 'medicines', noMedications: '', noAllergies: 'yes', pregnancy: 'not-pregnant' }, 'noMedications', /tick "no medicines"|tick &quot;no medicines&quot;/],
    [{ section: 'medicines', noMedications: 'yes', noAllergies: 'yes', pregnancy: 'maybe' }, 'pregnancy', /choose one/],
    [{ section: 'redflags' }, `flag.ce-bladder`, /yes, no or not sure/],
    [{ section: 'goals', 'goal.1': 'Walk', 'goal.2': 'Sit' }, 'goal.3', /at least 3/],
    [{ section: 'goals', 'goal.1': 'Walk', 'goal.2': '', 'goal.3': 'Sit', 'goal.4': 'Run' }, 'goal.3', /in order/],
    [{ section: 'goals', 'goal.1': 'W'.repeat(121), 'goal.2': 'Sit', 'goal.3': 'Run' }, 'goal.1', /at most 120 are allowed/],
    [{ section: 'baseline', 'm.nrs.pain': '11' }, 'm.nrs.pain', /between 0 and 10/],
    [{ section: 'baseline', 'm.nrs.pain': '5.5' }, 'm.nrs.pain', /whole step/],
    [{ section: 'consent', agree: '', signedName: '' }, 'agree', /agree/],
  ];
  for (const [fields, field, re] of cases) {
    const r = await desk.postForm(url, fields);
    assert.equal(r.status, 422, `${field}: ${r.status}`);
    const id = field.replace(/\./g, '-');
    const m = new RegExp(`<p class="field-error" id="e-f-${id}">(?:<span[^>]*>Error: </span>)?([^<]*)<`).exec(r.body);
    assert.ok(m, `message next to ${field}:\n${r.body.slice(r.body.indexOf('error-summary'), r.body.indexOf('error-summary') + 600)}`);
    assert.match(m[1], re, field);
  }
  // Consent before the other sections are complete is refused too.
  const early = await desk.postForm(url, { section: 'consent', agree: 'yes', signedName: 'Bea' });
  assert.equal(early.status, 422);
  assert.match(early.body, /Complete every section/);
  assert.equal((await desk.postForm(url, { section: 'nonsense' })).status, 422);
  assert.equal(versions(srv), n, 'no refused section stored anything');

  // Markup in every free-text field of the questionnaire: stored as text,
  // inert on the staff page and on the form.
  const s = sections({ name: `Bea ${SCRIPT}` });
  s[2] = { ...s[2], 'med.1.name': `Pill ${SCRIPT}`, 'allergy.1.substance': SCRIPT, 'allergy.1.reaction': SCRIPT, noAllergies: '' };
  s[1] = { ...s[1], otherSite: SCRIPT };
  s[4] = { ...s[4], 'goal.1': `Walk ${SCRIPT}`.slice(0, 120) };
  for (const x of s.slice(0, 6)) {
    const r = await desk.postForm(url, x);
    assert.equal(r.status, 303, `${x.section}: ${r.body.slice(0, 600)}`);
  }
  for (const p of [`/intake/${intakeId}`, `${url}?section=medicines`, `${url}?section=pain`, `${url}?section=baseline`, '/intake']) {
    const r = await clinician.get(p);
    assert.equal(r.status, 200, p);
    assert.doesNotMatch(r.body, /<script>alert|<b onmouseover/, p);
  }
});

test('an expired link and a withdrawn link are refused', async () => {
  await sendRequest(visitor(), { name: 'Eli Expired' });
  const { intakeId } = await goodFit(desk, 'Eli Expired');
  const first = await issueLink(desk, intakeId);
  const second = await issueLink(desk, intakeId);   // withdraws the first
  assert.equal((await srv.client().get(first)).status, 410);
  // Time passes: the link's expiry is moved into the past.
  const w = run('sqlite3', [srv.database, 'UPDATE capability SET expires = 1 WHERE id = (SELECT max(id) FROM capability)']);
  assert.equal(w.code, 0, w.stderr);
  const r = await srv.client().get(second);
  assert.equal(r.status, 410);
  assert.match(r.body, /expired/);
  assert.equal((await srv.client().get('/c/' + 'A'.repeat(43))).status, 404);
});

test('a clinician records the referral out a red flag asked for; enrolment stays blocked', async () => {
  await sendRequest(visitor(), { name: 'Ray Referred' });
  const { intakeId } = await goodFit(desk, 'Ray Referred');
  const r = await desk.postForm(`/intake/${intakeId}/form`, sections({ flags: { fever: 'yes' } })[3]);
  assert.equal(r.status, 303);
  assert.equal((await desk.postForm(`/intake/${intakeId}/referral`, { referredTo: 'GP' })).status, 403);
  const empty = await clinician.postForm(`/intake/${intakeId}/referral`, { referredTo: '' });
  assert.equal(empty.status, 422);
  assert.match(empty.body, /id="e-f-referredTo"/);
  const ok = await clinician.postForm(`/intake/${intakeId}/referral`, { referredTo: `GP today, possible infection ${SCRIPT}` });
  assert.equal(ok.status, 303);
  assert.equal(dbValue(srv, `SELECT state FROM p_intake_task WHERE intake = ${intakeId}`), 'referred');
  const page = await clinician.get(`/intake/${intakeId}`);
  assert.match(page.body, /Referral out made: <\/strong>Referred to: GP today/);
  assert.doesNotMatch(page.body, /<script>alert/);
  assert.match(page.body, /red-flag screen has 1 positive answer/);
  assert.equal((await clinician.postForm(`/intake/${intakeId}/referral`, { referredTo: 'again' })).status, 409);
  const q = await desk.get('/intake');
  assert.doesNotMatch(q.body, /Ray Referred<\/a>: red-flag screen positive/, 'no longer among referrals to arrange');
});
