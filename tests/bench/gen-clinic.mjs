#!/usr/bin/env node
// tests/bench/gen-clinic.mjs -- write a generated clinic as bundles for
// `cairn import` (schemas/bundle.xsd), the product's own import path.
//
//   node tests/bench/gen-clinic.mjs OUTDIR [PATIENTS] [OBS_PER_PATIENT] [PER_FILE]
//
// Defaults: 10,000 patients x 100 observations = 1,000,000 observations,
// 1,000 patients (100,000 observations, about 35 MB) per file, so that no
// single import holds more than one file's document in memory.  Files are
// OUTDIR/clinic-000.xml, clinic-001.xml, ...
//
// Each patient: a Patient (identifier G000001... in the system
// urn:cairn:bench:generated, gender alternating), one EpisodeOfCare
// (cohort acupuncture or usual-care in turn, primary instrument headache,
// starting on a date spread over 2000-2009), and OBS_PER_PATIENT headache
// diary scores (0-140, the instrument's range), one a week from the
// episode's start; the first is the baseline, the 13th and 52nd are the
// trial's month-3 and month-12 timepoints, the rest have none.  Each
// observation carries its <score> as an export of the clinic would (the
// check hook scores it again and finds the same).
//
// The other plugins' records, for a share of the patients, as the pages
// and the seed (scripts/seed-demo.mjs) write them, all on the patient's
// episode and dated from its start:
//   - herbal (3 patients in 10): a Prescription (one of the seed's four
//     formulas), four weekly Adherence records and two Refills;
//   - exercise (4 in 10): a Stage started at corrective and three sessions,
//     then for half of them qigong and progressive loading, three and four
//     sessions more (each stage gated by three sessions inside the
//     pain-monitoring model, as the library's rules ask), and a
//     HomeRoutine;
//   - referral (1 in 10): a Referral to one of the file's partners (each
//     file begins with REFERRAL_PARTNERS Partner records, a bundle's
//     references being to records earlier in the same file), a draft and
//     then sent with the patient's consent, every other one accepted;
//   - maintenance (1 in 10): a home Plan a year after the start, and its
//     CheckIns at 1, 3, 6 and 12 months, the first two answered by phone
//     with a headache score (an Observation of the patient, which the
//     check-in names).
// Scores come from a fixed linear congruential sequence: the same
// arguments always give the same files.

import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';

const [outDir, nPat = '10000', nObs = '100', perFile = '1000'] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: gen-clinic.mjs OUTDIR [PATIENTS] [OBS_PER_PATIENT] [PER_FILE]');
  process.exit(2);
}
const PATIENTS = Number(nPat);
const OBS = Number(nObs);
const PER_FILE = Number(perFile);
const SYSTEM = 'urn:cairn:bench:generated';
const NS = 'urn:cairn:program';
const TIME = '2026-01-01T00:00:00Z';
const AUTHOR = 'cli:bench';
const DAY = 86400000;
const HERBAL = 'urn:cairn:herbal';
const EXERCISE = 'urn:cairn:exercise';
const REFERRAL = 'urn:cairn:referral';
const MAINT = 'urn:cairn:maintenance';
// Partners at the head of each file, for that file's referrals.
const REFERRAL_PARTNERS = 4;

// The seed's four prescriptions (scripts/seed-demo.mjs): formula, days,
// instructions and herbs, as the herbal plugin checks them.
const SIMMER = 'Simmer one bag in 600 ml of water for 40 minutes; drink half warm after breakfast and half after dinner.';
const FORMULAS = [
  ['modified', 'du-huo-ji-sheng-tang', 28, SIMMER, [['Du Huo', 9], ['Sang Ji Sheng', 12], ['Du Zhong', 9], ['Niu Xi', 9],
    ['Qin Jiao', 9], ['Fu Ling', 12], ['Fang Feng', 9], ['Chuan Xiong', 6], ['Dang Gui', 9], ['Bai Shao', 9], ['Gan Cao', 3]]],
  ['classical', 'shao-yao-gan-cao-tang', 28, 'Simmer one bag for 30 minutes; drink warm morning and evening, before food.',
    [['Bai Shao', 15], ['Zhi Gan Cao', 9]]],
  ['classical', 'juan-bi-tang-yi-xue-xin-wu', 14, SIMMER, [['Qiang Huo', 9], ['Du Huo', 9], ['Rou Gui', 3], ['Qin Jiao', 9],
    ['Dang Gui', 9], ['Chuan Xiong', 6], ['Zhi Gan Cao', 3], ['Hai Feng Teng', 9], ['Sang Zhi', 12], ['Ru Xiang', 4], ['Mu Xiang', 6]]],
  ['classical', 'shen-tong-zhu-yu-tang', 28, 'Simmer one bag for 40 minutes; drink half after breakfast and half after dinner. Stop and call us if you notice unusual bruising.',
    [['Qin Jiao', 6], ['Chuan Xiong', 6], ['Tao Ren', 9], ['Hong Hua', 6], ['Gan Cao', 6], ['Qiang Huo', 6], ['Mo Yao', 4],
      ['Dang Gui', 9], ['Wu Ling Zhi', 6], ['Xiang Fu', 6], ['Niu Xi', 9], ['Di Long', 6]]],
];
// The seed's partners (its directory), one discipline each.
const PARTNERS = [
  ['Sarah Lindgren', 'Harbour Sports Physiotherapy', 'physical-therapist'],
  ['James Okoro', 'Northside Strength Studio', 'personal-trainer'],
  ['Mei Lin Tan', 'Eastside Remedial Massage', 'massage-therapist'],
  ['Dr Anjali Mehta', 'Riverside Sports Medicine', 'physician'],
];
// Each exercise stage's session, as the seed's: [exercise, sets, reps, load].
const STAGES = [
  ['corrective', [['glute-bridge', 2, 10], ['clamshell', 2, 12], ['dead-bug', 2, 8]]],
  ['qigong', [['bdj-1-hold-up-the-sky', 1, 8], ['bdj-2-draw-the-bow', 1, 8], ['bdj-3-separate-heaven-and-earth', 1, 8]]],
  ['loading', [['goblet-squat', 3, 8, 6], ['step-up', 3, 10], ['calf-raise', 2, 15]]],
];

let seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

mkdirSync(outDir, { recursive: true });
const counts = {};
for (let file = 0; file * PER_FILE < PATIENTS; file++) {
  const name = path.join(outDir, `clinic-${String(file).padStart(3, '0')}.xml`);
  const fd = openSync(name, 'w');
  let buf = [];
  let size = 0;
  const out = (s) => { buf.push(s); size += s.length; if (size > 1 << 20) { writeSync(fd, buf.join('')); buf = []; size = 0; } };
  out('<?xml version="1.0" encoding="UTF-8"?>\n<bundle xmlns="urn:cairn:bundle" version="1">\n');
  let id = 0;
  // version 1 of a new record, or (again: its id) a later version of one.
  const rec = (type, patient, body, again = 0, version = 1) => {
    if (version === 1) counts[type] = (counts[type] || 0) + 1;
    out(`  <record id="${again || ++id}" type="${type}" patient="${patient}" version="${version}" status="active" author="${AUTHOR}" time="${TIME}">${body}</record>\n`);
  };
  const firstPartner = id + 1;
  for (const [name, org, discipline] of PARTNERS.slice(0, REFERRAL_PARTNERS))
    rec('referral:Partner', 0, `<Partner xmlns="${REFERRAL}"><name>${name}</name><organisation>${org}</organisation>` +
        `<discipline>${discipline}</discipline><active>true</active></Partner>`);
  const herbal = (pid, eid, p, day) => {
    const [kind, formula, days, instructions, herbs] = FORMULAS[p % FORMULAS.length];
    rec('herbal:Prescription', pid, `<Prescription xmlns="${HERBAL}"><subject>${pid}</subject><episode>${eid}</episode>` +
        `<formula kind="${kind}">${formula}</formula><form>raw</form><days>${days}</days><startDate>${day(14)}</startDate>` +
        `<prescriber>Dr Elena Marsh, L.Ac.</prescriber><instructions>${instructions}</instructions>` +
        herbs.map(([n, g]) => `<herb><name>${n}</name><grams>${g}</grams></herb>`).join('') + '</Prescription>');
    const rx = id;
    for (let w = 0; w < 4; w++)
      rec('herbal:Adherence', pid, `<Adherence xmlns="${HERBAL}"><prescription>${rx}</prescription><weekStart>${day(14 + 7 * w)}</weekStart>` +
          `<dosesTaken>${14 - Math.floor(rand() * 3)}</dosesTaken><dosesPrescribed>14</dosesPrescribed><recordedBy>visit</recordedBy></Adherence>`);
    for (let r = 1; r <= 2; r++)
      rec('herbal:Refill', pid, `<Refill xmlns="${HERBAL}"><prescription>${rx}</prescription><date>${day(14 + r * days)}</date>` +
          `<daysSupplied>${days}</daysSupplied></Refill>`);
  };
  const exercise = (pid, eid, p, day) => {
    const stages = p % 2 ? 3 : 1;
    let d = 21, from = 'not-started';
    for (let s = 0; s < stages; s++) {
      const [stage, done] = STAGES[s];
      rec('exercise:Stage', pid, `<Stage xmlns="${EXERCISE}"><episode>${eid}</episode><date>${day(d)}</date><from>${from}</from>` +
          `<to>${stage}</to><kind>${s ? 'advance' : 'start'}</kind>` +
          (s ? '' : '<reason>Headache days steadier; starting corrective work for the neck and upper back.</reason>') + '</Stage>');
      for (let k = 0; k < (s === 2 ? 4 : 3); k++) {
        d += 3 + (k % 2);
        rec('exercise:Session', pid, `<Session xmlns="${EXERCISE}"><episode>${eid}</episode><date>${day(d)}</date><stage>${stage}</stage>` +
            done.map(([x, sets, reps, load]) =>
              `<done exercise="${x}" sets="${sets}" reps="${reps}"${load ? ` load="${load + 2 * Math.floor(k / 2)}"` : ''}/>`).join('') +
            `<pain>${1 + Math.floor(rand() * 3)}</pain><nextMorning>${rand() < 0.5 ? 'same' : 'better'}</nextMorning></Session>`);
      }
      d += 3;
      from = stage;
    }
    rec('exercise:HomeRoutine', pid, `<HomeRoutine xmlns="${EXERCISE}"><episode>${eid}</episode><date>${day(d)}</date><since>${day(d)}</since>` +
        STAGES.slice(0, stages).flatMap(([, done]) => done.map(([x, sets, reps, load]) =>
          `<item exercise="${x}" sets="${sets}" reps="${reps}"${load ? ` load="${load}"` : ''} perWeek="${load ? 3 : 5}"/>`)).join('') +
        '<note>Mornings before work; the strength days Monday, Wednesday and Friday.</note></HomeRoutine>');
  };
  const referral = (pid, eid, p, day, partner0) => {
    const n = p % REFERRAL_PARTNERS;
    const [name, org] = PARTNERS[n];
    const [y, z] = [day(120), day(121)];
    const head = `<Referral xmlns="${REFERRAL}"><episode>${eid}</episode><performer>${partner0 + n}</performer>` +
      `<performerDisplay>${name}, ${org}</performerDisplay><category>onward</category><priority>routine</priority>`;
    const tail = `<authoredOn>${y}</authoredOn><requester>bench-clinician</requester>` +
      '<reason>Headaches steadier after the program; wants supervised exercise to keep the gains.</reason>' +
      '<code>Supervised strength and mobility for the neck and upper back, twice a week.</code>' +
      '<supportingInfo><summary>Headache diary scores fell over the program; home routine kept.</summary></supportingInfo>';
    const hist = (status, date) => `<statusHistory><status>${status}</status><date>${date}</date><by>bench-clinician</by></statusHistory>`;
    const consent = `<consent><date>${y}</date><method>verbal</method><recordedBy>bench-clinician</recordedBy></consent>`;
    rec('referral:Referral', pid, `${head}<status>draft</status>${tail}${hist('draft', y)}</Referral>`);
    const ref = id;
    rec('referral:Referral', pid, `${head}<status>sent</status>${tail}${consent}${hist('draft', y)}${hist('sent', y)}</Referral>`, ref, 2);
    if (p % 20 === 7)
      rec('referral:Referral', pid, `${head}<status>accepted</status>${tail}${consent}${hist('draft', y)}${hist('sent', y)}` +
          `${hist('accepted', z)}</Referral>`, ref, 3);
  };
  const maintenance = (pid, eid, day, obs, level) => {
    const start = 364;
    rec('maintenance:Plan', pid, `<Plan xmlns="${MAINT}"><episode>${eid}</episode><option>home</option><kind>home</kind>` +
        `<start>${day(start)}</start><graduated>${day(start)}</graduated><termsVersion>1</termsVersion><state>active</state></Plan>`);
    for (const [months, answered] of [[1, true], [3, true], [6, false], [12, false]]) {
      const due = start + Math.round(months * 30.4);
      rec('maintenance:CheckIn', pid, `<CheckIn xmlns="${MAINT}"><episode>${eid}</episode><months>${months}</months>` +
          `<due>${day(due)}</due><state>scheduled</state></CheckIn>`);
      const checkin = id;
      if (!answered) continue;
      const score = Math.round(Math.max(0, Math.min(140, level + (rand() - 0.5) * 10)) * 4) / 4;
      obs(due, '', score);
      rec('maintenance:CheckIn', pid, `<CheckIn xmlns="${MAINT}"><episode>${eid}</episode><months>${months}</months>` +
          `<due>${day(due)}</due><state>done</state><answered>${day(due)}</answered><via>phone</via><observation>${id}</observation>` +
          `<score>${score}</score><pgic>${2 + Math.floor(rand() * 3)}</pgic><homeRoutine>yes</homeRoutine></CheckIn>`, checkin, 2);
    }
  };
  for (let p = file * PER_FILE; p < Math.min(PATIENTS, (file + 1) * PER_FILE); p++) {
    const ident = `G${String(p + 1).padStart(6, '0')}`;
    rec('program:Patient', id + 1, `<Patient xmlns="${NS}"><identifier system="${SYSTEM}">${ident}</identifier>` +
        `<name>Generated patient ${ident}</name><gender>${p % 2 ? 'male' : 'female'}</gender></Patient>`);
    const pid = id;
    const start = Date.UTC(2000, 0, 3) + Math.floor(rand() * 3650) * DAY;
    rec('program:EpisodeOfCare', pid, `<EpisodeOfCare xmlns="${NS}"><status>active</status>` +
        `<cohort>${p % 2 ? 'usual-care' : 'acupuncture'}</cohort><periodStart>${iso(start)}</periodStart>` +
        `<primaryInstrument>headache</primaryInstrument></EpisodeOfCare>`);
    const eid = id;
    let level = 20 + rand() * 60;
    const obs = (day, tp, score) =>
      rec('program:Observation', pid, `<Observation xmlns="${NS}"><episode>${eid}</episode><instrument>headache</instrument>` +
          `<effective>${iso(start + day * DAY)}</effective>${tp}<answer item="score">${score}</answer><score>${score}</score></Observation>`);
    for (let j = 0; j < OBS; j++) {
      level = Math.max(0, Math.min(140, level + (rand() - 0.55) * 8));
      const score = Math.round(level * 4) / 4;
      const tp = j === 0 ? '<timepoint>baseline</timepoint>' : j === 13 ? '<timepoint>month-3</timepoint>'
        : j === 52 ? '<timepoint>month-12</timepoint>' : '';
      obs(j * 7, tp, score);
    }
    const day = (d) => iso(start + d * DAY);
    if (p % 10 < 3) herbal(pid, eid, p, day);
    if (p % 10 >= 3 && p % 10 < 7) exercise(pid, eid, p, day);
    if (p % 10 === 7) referral(pid, eid, p, day, firstPartner);
    if (p % 10 === 8) maintenance(pid, eid, day, obs, level);
  }
  out('</bundle>\n');
  writeSync(fd, buf.join(''));
  closeSync(fd);
  console.log(name);
}
console.error(`gen-clinic: ${PATIENTS} patients; records: ` +
  Object.entries(counts).map(([t, n]) => `${n} ${t}`).join(', '));
