// A bundle imported into a clinic that already holds records: the records
// get new ids, and every body element a plugin declares as a reference to
// another record (cairn_plugin.references: an Observation's, a
// PhaseChange's, an Encounter's <episode>, ...) is rewritten to the new id.
// Before the plugins declared them, the core knew only the Observation's
// and copied a PhaseChange's <episode> as it was: pointing at another
// patient's episode, or at nothing.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { useCairn } from '../lib/harness.mjs';
import { sqlJson } from '../lib/access.mjs';

const srv = useCairn({ importTrial: false });
before(async () => { await srv.ready; });

const P = 'urn:cairn:program';
function bundle(firstId) {
  const p = firstId, e = firstId + 1;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:cairn:bundle" version="1">
  <record id="${p}" type="program:Patient" patient="${p}" version="1" status="active" author="test" time="2026-11-02T09:00:00Z"><Patient xmlns="${P}"><identifier>REF-${firstId}</identifier><name>Ref Patient ${firstId}</name><birthDate>1970-01-01</birthDate></Patient></record>
  <record id="${e}" type="program:EpisodeOfCare" patient="${p}" version="1" status="active" author="test" time="2026-11-02T09:00:00Z"><EpisodeOfCare xmlns="${P}"><status>active</status><cohort>program</cohort><periodStart>2026-11-02</periodStart><phase>enrolled</phase></EpisodeOfCare></record>
  <record id="${e + 1}" type="program:Observation" patient="${p}" version="1" status="active" author="test" time="2026-11-02T09:00:00Z"><Observation xmlns="${P}"><episode>${e}</episode><instrument>nrs</instrument><effective>2026-11-02</effective><timepoint>baseline</timepoint><answer item="pain">7</answer></Observation></record>
  <record id="${e + 2}" type="program:Encounter" patient="${p}" version="1" status="active" author="test" time="2026-11-02T09:00:00Z"><Encounter xmlns="${P}"><episode>${e}</episode><date>2026-11-02</date><type>needling</type><state>finished</state></Encounter></record>
</bundle>
`;
}

test('an Observation\'s and an Encounter\'s <episode> are rewritten to the episode\'s new id when the ids shift', () => {
  const first = path.join(srv.dir, 'first.xml');
  writeFileSync(first, bundle(1));
  let r = srv.cli(['import', first]);
  assert.equal(r.code, 0, r.stderr);
  // The same shape again, numbered from 1 too: its records land at new ids.
  const second = path.join(srv.dir, 'second.xml');
  writeFileSync(second, bundle(1).replaceAll('REF-1', 'REF-2').replaceAll('Ref Patient 1', 'Ref Patient 2'));
  r = srv.cli(['import', second]);
  assert.equal(r.code, 0, r.stderr);
  const rows = sqlJson(srv.database,
    'SELECT o.patient AS opatient, e.patient AS epatient, o.episode AS episode FROM p_program_observation o ' +
    'JOIN p_program_episode e ON e.record = o.episode');
  assert.equal(rows.length, 2, JSON.stringify(rows));
  for (const row of rows) assert.equal(row.opatient, row.epatient, `observation of patient ${row.opatient} points at episode ${row.episode} of patient ${row.epatient}`);
  const visits = sqlJson(srv.database,
    'SELECT v.patient AS vpatient, e.patient AS epatient, v.episode AS episode FROM p_program_encounter v ' +
    'LEFT JOIN p_program_episode e ON e.record = v.episode');
  assert.equal(visits.length, 2, JSON.stringify(visits));
  for (const v of visits) assert.equal(v.vpatient, v.epatient, `a visit of patient ${v.vpatient} points at episode ${v.episode} of patient ${v.epatient}`);
});

// A referral's <episode> and <performer> (the partner, a record of no
// patient) are references too: without them a second import pointed the
// referral at the first import's partner and episode, or was refused.
const R = 'urn:cairn:referral';
function referralBundle(firstId, tag) {
  const partner = firstId, p = firstId + 1, e = firstId + 2;
  const t = 'author="test" time="2026-11-02T09:00:00Z"';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:cairn:bundle" version="1">
  <record id="${partner}" type="referral:Partner" patient="0" version="1" status="active" ${t}><Partner xmlns="${R}"><name>Partner ${tag}</name><discipline>personal-trainer</discipline><active>true</active></Partner></record>
  <record id="${p}" type="program:Patient" patient="${p}" version="1" status="active" ${t}><Patient xmlns="${P}"><identifier>RB-${tag}</identifier><name>Referred ${tag}</name></Patient></record>
  <record id="${e}" type="program:EpisodeOfCare" patient="${p}" version="1" status="active" ${t}><EpisodeOfCare xmlns="${P}"><status>active</status><cohort>program</cohort><periodStart>2026-11-02</periodStart><phase>enrolled</phase></EpisodeOfCare></record>
  <record id="${e + 1}" type="referral:Referral" patient="${p}" version="1" status="active" ${t}><Referral xmlns="${R}"><episode>${e}</episode><performer>${partner}</performer><category>onward</category><priority>routine</priority><status>draft</status><authoredOn>2026-11-02</authoredOn><requester>test</requester><reason>r</reason><code>c</code><supportingInfo/><statusHistory><status>draft</status><date>2026-11-02</date><by>test</by></statusHistory></Referral></record>
</bundle>
`;
}

test('a referral\'s <episode> and <performer> are rewritten to the new ids of its episode and partner', () => {
  for (const tag of ['A', 'B']) {
    const file = path.join(srv.dir, `referral-${tag}.xml`);
    writeFileSync(file, referralBundle(1, tag));
    const r = srv.cli(['import', file]);
    assert.equal(r.code, 0, r.stderr);
  }
  const rows = sqlJson(srv.database,
    'SELECT r.patient AS rpatient, e.patient AS epatient, pa.name AS partner, p.name AS name FROM p_referral_referral r ' +
    'LEFT JOIN p_program_episode e ON e.record = r.episode LEFT JOIN p_referral_partner pa ON pa.record = r.partner ' +
    'JOIN p_program_patient p ON p.record = r.patient ORDER BY r.record');
  assert.equal(rows.length, 2, JSON.stringify(rows));
  for (const [i, tag] of ['A', 'B'].entries()) {
    assert.equal(rows[i].rpatient, rows[i].epatient, JSON.stringify(rows[i]));
    assert.equal(rows[i].name, `Referred ${tag}`);
    assert.equal(rows[i].partner, `Partner ${tag}`, JSON.stringify(rows[i]));
  }
});

// The exercise plugin's and the maintenance plugin's <episode> (and a
// check-in's <observation>, the score it took) are references too: before
// they were declared, a second import kept the first import's ids, and the
// exercise check refused the Stage ("There is no episode ... for this
// patient").
const X = 'urn:cairn:exercise';
const M = 'urn:cairn:maintenance';
function planBundle(tag) {
  const t = 'author="test" time="2026-11-02T09:00:00Z"';
  const rec = (id, type, body, patient = 1) =>
    `  <record id="${id}" type="${type}" patient="${patient}" version="1" status="active" ${t}>${body}</record>\n`;
  return '<?xml version="1.0" encoding="UTF-8"?>\n<bundle xmlns="urn:cairn:bundle" version="1">\n' +
    rec(1, 'program:Patient', `<Patient xmlns="${P}"><identifier>XM-${tag}</identifier><name>Exercised ${tag}</name></Patient>`) +
    rec(2, 'program:EpisodeOfCare', `<EpisodeOfCare xmlns="${P}"><status>active</status><cohort>program</cohort><periodStart>2026-09-01</periodStart><phase>monthly</phase></EpisodeOfCare>`) +
    rec(3, 'exercise:Stage', `<Stage xmlns="${X}"><episode>2</episode><date>2026-09-10</date><from>not-started</from><to>corrective</to><kind>start</kind><reason>Starting corrective work for the hips and knees.</reason></Stage>`) +
    ['12', '15', '18'].map((d) => rec(4, 'exercise:Session', `<Session xmlns="${X}"><episode>2</episode><date>2026-09-${d}</date><stage>corrective</stage><done exercise="glute-bridge" sets="2" reps="10"/><pain>2</pain><nextMorning>same</nextMorning></Session>`).replace('id="4"', `id="${4 + (d - 12) / 3 * 10}"`)).join('') +
    rec(5, 'exercise:HomeRoutine', `<HomeRoutine xmlns="${X}"><episode>2</episode><date>2026-09-19</date><since>2026-09-19</since><item exercise="glute-bridge" sets="2" reps="10" perWeek="5"/></HomeRoutine>`) +
    rec(6, 'maintenance:Plan', `<Plan xmlns="${M}"><episode>2</episode><option>home</option><kind>home</kind><start>2026-10-01</start><graduated>2026-10-01</graduated><termsVersion>1</termsVersion><state>active</state></Plan>`) +
    rec(7, 'program:Observation', `<Observation xmlns="${P}"><episode>2</episode><instrument>nrs</instrument><effective>2026-11-01</effective><answer item="pain">3</answer></Observation>`) +
    rec(8, 'maintenance:CheckIn', `<CheckIn xmlns="${M}"><episode>2</episode><months>1</months><due>2026-11-01</due><state>done</state><answered>2026-11-01</answered><via>phone</via><observation>7</observation><score>3</score></CheckIn>`) +
    '</bundle>\n';
}

test('exercise and maintenance records\' <episode>, and a check-in\'s <observation>, are rewritten to the new ids', () => {
  for (const tag of ['A', 'B']) {
    const file = path.join(srv.dir, `plan-${tag}.xml`);
    writeFileSync(file, planBundle(tag));
    const r = srv.cli(['import', file]);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const table of ['p_exercise_stage', 'p_exercise_session', 'p_exercise_routine', 'p_maintenance_plan', 'p_maintenance_checkin']) {
    const rows = sqlJson(srv.database,
      `SELECT x.patient AS xpatient, e.patient AS epatient, p.name AS name FROM ${table} x ` +
      'LEFT JOIN p_program_episode e ON e.record = x.episode JOIN p_program_patient p ON p.record = x.patient ' +
      "WHERE p.name LIKE 'Exercised %' ORDER BY x.record");
    assert.equal(rows.length, table === 'p_exercise_session' ? 6 : 2, `${table}: ${JSON.stringify(rows)}`);
    for (const row of rows) assert.equal(row.xpatient, row.epatient, `${table}: ${JSON.stringify(row)}`);
  }
  const checkins = sqlJson(srv.database,
    'SELECT r.patient AS cpatient, o.patient AS opatient FROM record_version v JOIN record r ON r.id = v.record ' +
    "JOIN p_program_observation o ON o.record = CAST(substr(v.body, instr(v.body, '<observation>') + 13) AS INTEGER) " +
    "WHERE r.type = 'maintenance:CheckIn'");
  assert.equal(checkins.length, 2, JSON.stringify(checkins));
  for (const c of checkins) assert.equal(c.cpatient, c.opatient, JSON.stringify(c));
});
