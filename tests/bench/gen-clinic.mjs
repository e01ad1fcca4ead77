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
// trial's month-3 and month-12 timepoints, the rest have none.  Scores
// come from a fixed linear congruential sequence: the same arguments
// always give the same files.

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

let seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

mkdirSync(outDir, { recursive: true });
let written = 0;
for (let file = 0; file * PER_FILE < PATIENTS; file++) {
  const name = path.join(outDir, `clinic-${String(file).padStart(3, '0')}.xml`);
  const fd = openSync(name, 'w');
  let buf = [];
  let size = 0;
  const out = (s) => { buf.push(s); size += s.length; if (size > 1 << 20) { writeSync(fd, buf.join('')); buf = []; size = 0; } };
  out('<?xml version="1.0" encoding="UTF-8"?>\n<bundle xmlns="urn:cairn:bundle" version="1">\n');
  let id = 0;
  const rec = (type, patient, body) =>
    out(`  <record id="${++id}" type="${type}" patient="${patient}" version="1" status="active" author="${AUTHOR}" time="${TIME}">${body}</record>\n`);
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
    for (let j = 0; j < OBS; j++) {
      level = Math.max(0, Math.min(140, level + (rand() - 0.55) * 8));
      const score = Math.round(level * 4) / 4;
      const tp = j === 0 ? '<timepoint>baseline</timepoint>' : j === 13 ? '<timepoint>month-3</timepoint>'
        : j === 52 ? '<timepoint>month-12</timepoint>' : '';
      rec('program:Observation', pid, `<Observation xmlns="${NS}"><episode>${eid}</episode><instrument>headache</instrument>` +
          `<effective>${iso(start + j * 7 * DAY)}</effective>${tp}<answer item="score">${score}</answer></Observation>`);
      written++;
    }
  }
  out('</bundle>\n');
  writeSync(fd, buf.join(''));
  closeSync(fd);
  console.log(name);
}
console.error(`gen-clinic: ${PATIENTS} patients, ${written} observations`);
