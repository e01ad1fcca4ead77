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
