// The FHIR R4 export (docs/fhir.md): `cairn export-fhir` and GET
// /patients/{p}/fhir write a Bundle that validates against the official R4
// schema (tests/fhir-xsd/, xmllint), for the imported trial cohort and for
// the demo seed's journeys through the loaded plugins (referrals become
// ServiceRequests); the route answers
// clinicians only, in application/fhir+xml, and is audited as a patient
// read; --patient and --since narrow the export.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { useCairn, run, STAFF, REPO, patientId } from '../lib/harness.mjs';
import { Visitor, sendRequest, goodFit, sections, dbValue } from '../lib/intake.mjs';

const XSD = path.join(REPO, 'tests', 'fhir-xsd', 'fhir-single.xsd');
const SEED = path.join(REPO, 'scripts', 'seed-demo.mjs');
const srv = useCairn({ importTrial: true, intakeSettings: { 'min-seconds': '1' } });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cairn-fhir-'));

// xmllint against the R4 schema: { ok, message }.
function validate(file) {
  const r = run('xmllint', ['--noout', '--nonet', '--schema', XSD, file], { timeoutMs: 120000 });
  return { ok: r.code === 0, message: `${r.stderr}`.split('\n').slice(0, 20).join('\n') };
}
// Count the Bundle's resources by type.
function census(xml) {
  const n = {};
  for (const m of xml.matchAll(/<resource>\s*<([A-Za-z]+)[ >]/g)) n[m[1]] = (n[m[1]] ?? 0) + 1;
  return n;
}
function exportFhir(name, ...args) {
  const file = path.join(tmp, name);
  const r = srv.cli(['export-fhir', ...args, '-o', file], { timeoutMs: 300000 });
  assert.equal(r.code, 0, `export-fhir ${args.join(' ')}: ${r.stderr}`);
  return { file, xml: readFileSync(file, 'utf8'), stderr: r.stderr };
}

let web;
let trialCensus;
before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
}, { timeout: 60000 });

test('the trial cohort exports as a collection Bundle that validates against the R4 schema', () => {
  const t0 = Date.now();
  const { file, xml, stderr } = exportFhir('trial.xml');
  const ms = Date.now() - t0;
  const v = validate(file);
  assert.ok(v.ok, `schema: ${v.message}`);
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Bundle xmlns="http:\/\/hl7.org\/fhir">/);
  assert.match(xml, /<type value="collection"\/>/);
  trialCensus = census(xml);
  assert.equal(trialCensus.Patient, 401, JSON.stringify(trialCensus));
  assert.ok(trialCensus.Observation > 401, JSON.stringify(trialCensus));
  assert.ok(trialCensus.EpisodeOfCare >= 401, JSON.stringify(trialCensus));
  // every reference names a resource of the Bundle
  const full = new Set([...xml.matchAll(/<fullUrl value="[^"]*\/fhir\/([A-Za-z]+\/[^"]+)"/g)].map((m) => m[1]));
  for (const m of xml.matchAll(/<reference value="([A-Z][A-Za-z]+\/[^"]+)"/g))
    assert.ok(full.has(m[1]), `dangling reference ${m[1]}`);
  console.log(`trial export: ${JSON.stringify(trialCensus)} in ${ms} ms; ${stderr.trim()}; ${xml.length} bytes`);
  writeFileSync(path.join(tmp, 'census.json'), JSON.stringify(trialCensus));
});

test('a journey through the loaded plugins (the demo seed, an intake, a prescription, referrals) exports and validates', async () => {
  const r = run(process.execPath, [SEED, '--url', srv.base, '--user', STAFF.clinician.username,
    '--desk-user', STAFF['front-desk'].username, '--json'], {
    env: { CAIRN_SEED_PASSWORD: STAFF.clinician.password, CAIRN_SEED_DESK_PASSWORD: STAFF['front-desk'].password },
    timeoutMs: 180000 });
  assert.equal(r.code, 0, `seed: ${r.stderr}${r.stdout}`);
  // the demo's own referrals are exported too; this test adds two more
  const seededReferrals = Number(dbValue(srv, 'SELECT count(*) FROM p_referral_referral'));
  // the intake plugin: an intake whose red-flag screen has two positives
  const desk = await srv.as('front-desk');
  const s = await sendRequest(new Visitor(srv.base, '127.0.0.9'), { name: 'Rhea Redflag' });
  assert.equal(s.status, 303, s.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 1200));
  const { intakeId } = await goodFit(desk, 'Rhea Redflag');
  for (const sec of sections({ name: 'Rhea Redflag', flags: { 'ce-saddle': 'yes', 'weight-loss': 'unsure' } })) {
    const f = await desk.postForm(`/intake/${intakeId}/form`, sec);
    assert.equal(f.status, 303, `${sec.section}: ${f.body.slice(0, 400)}`);
  }
  // the herbal plugin: a prescription for the trial's patient 100
  const pid = await patientId(web, '100');
  const rx = await web.postXml(`/patients/${pid}/herbal/prescriptions`, `<Prescription xmlns="urn:cairn:herbal">
  <subject>${pid}</subject>
  <formula kind="custom"></formula>
  <form>raw</form>
  <days>14</days>
  <startDate>2026-12-03</startDate>
  <prescriber>test-clinician</prescriber>
  <instructions>Decoct twice; drink half morning and evening.</instructions>
  <herb><name>Du Huo</name><grams>9</grams></herb>
  <herb><name>Dang Gui</name><grams>6</grams></herb>
</Prescription>`);
  assert.ok(rx.status === 201 || rx.status === 303 || rx.status === 200, `prescription: ${rx.status} ${rx.body.slice(0, 400)}`);
  // the referral plugin: a partner; a referral out for the red flag (no
  // episode), and one onward from patient 100's episode, then cancelled
  const pt = await web.postForm('/partners', { name: 'Dr Gail GP', organisation: 'Riverside Surgery', discipline: 'physician',
    email: 'gail@partner.example', tags: 'red-flags', active: 'yes' });
  assert.equal(pt.status, 303, pt.body.slice(0, 400));
  const partner = /\/partners\/(\d+)/.exec(pt.headers.location)[1];
  const rhea = dbValue(srv, `SELECT patient FROM p_intake_intake WHERE record = ${intakeId}`);
  const ref = async (p, fields) => {
    const r = await web.postForm(`/patients/${p}/referrals`, { partner, consent: 'yes', consentMethod: 'verbal', ...fields });
    assert.equal(r.status, 303, `referral: ${r.body.slice(0, 600)}`);
    return /referrals\/(\d+)$/.exec(r.headers.location)[1];
  };
  const out = await ref(rhea, { kind: 'out', priority: 'urgent', reason: 'Red-flag screen: saddle numbness.', code: 'Same-day assessment.' });
  const episode = dbValue(srv, `SELECT record FROM p_program_episode WHERE patient = ${pid} ORDER BY record DESC LIMIT 1`);
  const onward = await ref(pid, { kind: 'onward', priority: 'routine', episode, reason: 'Graduated; wants to run.', code: 'Return-to-run plan.',
    summary: 'Pain down from 7 to 3.\nWalks 40 minutes.' });
  const cancel = await web.postForm(`/patients/${pid}/referrals/${onward}/cancel`, { reason: 'The patient chose another trainer.' });
  assert.equal(cancel.status, 303, cancel.body.slice(0, 400));
  const { file, xml } = exportFhir('all.xml');
  const v = validate(file);
  assert.ok(v.ok, `schema: ${v.message}`);
  const c = census(xml);
  for (const type of ['Patient', 'EpisodeOfCare', 'Observation', 'Encounter', 'CarePlan', 'Goal', 'Flag', 'MedicationRequest'])
    assert.ok(c[type] > (trialCensus?.[type] ?? 0), `${type}: ${JSON.stringify(c)}`);
  assert.match(xml, /<statusHistory>/, 'phase changes become the status history');
  assert.match(xml, /<system value="http:\/\/loinc.org"\/>\s*<code value="72514-3"\/>/, 'NRS has its LOINC code');
  assert.match(xml, /<code value="91148-7"\/>[\s\S]*<component>/, 'PEG with its items');
  assert.equal(c.Flag, 2, 'one Flag per positive red-flag answer');
  assert.match(xml, /<ingredient><itemCodeableConcept><text value="Du Huo"\/><\/itemCodeableConcept>/);
  assert.match(xml, /<\/boundsPeriod>\s*<frequency value="2"\/>\s*<period value="1"\/>\s*<periodUnit value="d"\/>/,
    'a prescription without doses a day is taken twice a day');
  // referrals are ServiceRequests: the one out names the red flags it
  // answers, the cancelled one is revoked; every reference resolves
  assert.equal(c.ServiceRequest, seededReferrals + 2, JSON.stringify(c));
  const sr = (id) => new RegExp(`<ServiceRequest[^>]*><id value="${id}"/>[\\s\\S]*?</ServiceRequest>`).exec(xml)?.[0] ?? '';
  assert.match(sr(out), /<status value="draft"\/><intent value="order"\/>/);
  assert.match(sr(out), /<priority value="urgent"\/>/);
  assert.match(sr(out), /<display value="Dr Gail GP, Riverside Surgery"\/>/);
  assert.match(sr(out), /<reasonReference><reference value="Flag\/flag-\d+-ce-saddle"\/><\/reasonReference>/);
  assert.match(sr(onward), /<status value="revoked"\/>/);
  assert.match(sr(onward), /<code value="onward"\/>/);
  assert.match(sr(onward), /<text value="Pain down from 7 to 3\.(&#10;|\n)Walks 40 minutes\."\/>/);
  const full = new Set([...xml.matchAll(/<fullUrl value="[^"]*\/fhir\/([A-Za-z]+\/[^"]+)"/g)].map((m) => m[1]));
  for (const m of [...sr(out).matchAll(/<reference value="([^"]+)"/g), ...sr(onward).matchAll(/<reference value="([^"]+)"/g)])
    assert.ok(full.has(m[1]), `reference ${m[1]} names an entry`);
  if (process.env.CAIRN_FHIR_SHOW) console.log(sr(out));
  console.log(`journey export: ${JSON.stringify(c)}`);
  // one PEG Observation, for the record (docs/fhir.md shows one)
  const peg = xml.split('\n').find((l) => l.includes('<Observation') && l.includes('91148-7'));
  if (process.env.CAIRN_FHIR_SHOW) console.log(peg);
});

test('GET /patients/{p}/fhir answers a clinician in application/fhir+xml, audited; others are refused', async () => {
  const pid = await patientId(web, '100');
  const r = await web.get(`/patients/${pid}/fhir`, { accept: 'application/fhir+xml' });
  assert.equal(r.status, 200, r.body.slice(0, 400));
  assert.match(r.headers['content-type'], /^application\/fhir\+xml/);
  const file = path.join(tmp, 'one.xml');
  writeFileSync(file, r.body);
  const v = validate(file);
  assert.ok(v.ok, `schema: ${v.message}`);
  const c = census(r.body);
  assert.equal(c.Patient, 1);
  assert.ok(r.body.includes(`<reference value="Patient/${pid}"/>`));
  // ?_format=xml for clients that cannot set Accept
  const f = await web.get(`/patients/${pid}/fhir?_format=xml`);
  assert.equal(f.status, 200);
  assert.match(f.headers['content-type'], /^application\/fhir\+xml/);
  // the CLI's --patient gives the same resources
  const one = exportFhir('one-cli.xml', '--patient', String(pid));
  assert.deepEqual(census(one.xml), c);
  // neither HTML nor an unknown patient
  const html = await web.get(`/patients/${pid}/fhir`, { accept: 'text/html' });
  assert.equal(html.status, 400);
  const none = await web.get('/patients/999999999/fhir?_format=xml');
  assert.equal(none.status, 404);
  // the front desk may not
  const desk = await srv.as('front-desk');
  const d = await desk.get(`/patients/${pid}/fhir?_format=xml`);
  assert.equal(d.status, 403);
  // audited as a read of that patient
  const audit = srv.cli(['audit', 'list', '--patient', String(pid)]);
  if (audit.code === 0) assert.match(audit.stdout, /\/fhir/);
});

test('--since keeps what changed since the date; bad arguments are usage errors', () => {
  const future = exportFhir('none.xml', '--since', '2099-12-31');
  assert.deepEqual(census(future.xml), {});
  assert.ok(validate(future.file).ok);
  for (const bad of [['--since', '2026-13-01'], ['--patient', 'x'], ['--bogus']]) {
    const r = srv.cli(['export-fhir', ...bad]);
    assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
  }
});
