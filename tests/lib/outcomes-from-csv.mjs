// tests/lib/outcomes-from-csv.mjs -- the cohort report for the headache
// trial, computed straight from the CSV in JavaScript, independently of
// cairnd, its importer, its store and its SQL.  tests/integration/
// outcomes.test.mjs compares /outcomes with this.
//
// Definitions (../shared/PROGRAM.md and issue 2):
//   - a patient's value at a timepoint is the CSV cell (pk1 baseline, pk2
//     3 months, pk5 12 months); a blank cell is missing, not zero;
//   - n, mean and sample standard deviation (divisor n - 1; undefined for
//     n < 2) over the patients of a cohort with a value at that timepoint;
//   - improvement of one patient = (baseline - now) / (baseline - best),
//     best = 0 for the headache score (lower is better), so (pk1 - pkX) /
//     pk1; undefined when baseline == best; counted over the patients of
//     the cohort with both values and a defined improvement;
//   - responders: patients whose improvement is >= 0.5.

import { readFileSync } from 'node:fs';

// RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF, a last line
// with or without a newline.  Returns { header, rows, lines } where rows[k]
// is an object by column name and lines[k] its 1-based line number in the
// file (the header is line 1).
export function parseCsv(text) {
  const records = [];
  const startLines = [];
  let field = '';
  let rec = [];
  let inQ = false;
  let line = 1;
  let recLine = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQ) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else inQ = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') { inQ = true; any = true; continue; }
    if (c === ',') { rec.push(field); field = ''; any = true; continue; }
    if (c === '\r' && text[i + 1] === '\n') continue;
    if (c === '\n') {
      rec.push(field);
      records.push(rec);
      startLines.push(recLine);
      rec = []; field = ''; any = false;
      line++;
      recLine = line;
      continue;
    }
    field += c;
    any = true;
  }
  if (inQ) throw new Error(`CSV: unterminated quote starting on line ${recLine}`);
  if (any || field !== '' || rec.length) { rec.push(field); records.push(rec); startLines.push(recLine); }
  const header = records.shift();
  startLines.shift();
  const rows = [];
  const lines = [];
  records.forEach((r, k) => {
    if (r.length === 1 && r[0] === '') return;   // an empty line
    if (r.length !== header.length) {
      throw new Error(`CSV line ${startLines[k]}: ${r.length} fields, header has ${header.length}`);
    }
    rows.push(Object.fromEntries(header.map((h, j) => [h, r[j]])));
    lines.push(startLines[k]);
  });
  return { header, rows, lines };
}

export function readCsv(path) {
  return parseCsv(readFileSync(path, 'utf8'));
}

// A numeric cell: null when blank, a number otherwise (throws on junk, so
// a test notices a CSV it does not understand).
export function cell(v) {
  const s = (v ?? '').trim();
  if (s === '') return null;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`not a number: ${JSON.stringify(v)}`);
  return Number(s);
}

export function mean(xs) {
  if (!xs.length) return null;
  // Kahan summation: the server sums in double in some order; keep our own
  // rounding error far below the 1e-6 tolerance.
  let s = 0, c = 0;
  for (const x of xs) { const y = x - c; const t = s + y; c = (t - s) - y; s = t; }
  return s / xs.length;
}

export function sampleSd(xs) {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
}

// Improvement toward the best score; null when undefined (baseline at best).
export function improvement(baseline, now, best = 0) {
  if (baseline === best) return null;
  return (baseline - now) / (baseline - best);
}

// The trial's columns: group 1 = acupuncture, 0 = usual care (data/README.md).
export const TRIAL_TIMEPOINTS = [
  { column: 'pk1', key: 'baseline' },
  { column: 'pk2', key: '3 months' },
  { column: 'pk5', key: '12 months' },
];
export const TRIAL_GROUPS = [
  { value: '1', key: 'acupuncture' },
  { value: '0', key: 'usual care' },
];

// Compute the report.  Options let the caller name cohorts and timepoints
// as the import mapping does (cohortName(groupValue), timepointName(col)),
// and round each stored score as the instrument does (roundScore), so the
// comparison is on what the server could know.  Returns
//   { patients, cohorts: { [cohort]: { patients, timepoints: {
//       [timepoint]: { n, mean, sd, improvement: { n, mean, undefined },
//                      responders } } } } }
export function trialOutcomes(rows, {
  groupColumn = 'group',
  baselineColumn = 'pk1',
  timepoints = TRIAL_TIMEPOINTS,
  cohortName = (g) => TRIAL_GROUPS.find((x) => x.value === g)?.key ?? g,
  roundScore = (x) => x,
  best = 0,
  threshold = 0.5,
} = {}) {
  const cohorts = {};
  for (const row of rows) {
    const name = cohortName(row[groupColumn]);
    cohorts[name] ??= { patients: 0, members: [] };
    cohorts[name].patients++;
    cohorts[name].members.push(row);
  }
  const out = { patients: rows.length, cohorts: {} };
  for (const [name, c] of Object.entries(cohorts)) {
    const tps = {};
    for (const tp of timepoints) {
      const vals = [];
      const imps = [];
      let undef = 0;
      for (const row of c.members) {
        const v0 = cell(row[tp.column]);
        if (v0 === null) continue;
        const v = roundScore(v0);
        vals.push(v);
        const b0 = cell(row[baselineColumn]);
        if (b0 === null) continue;
        const imp = improvement(roundScore(b0), v, best);
        if (imp === null) undef++;
        else imps.push(imp);
      }
      tps[tp.key] = {
        column: tp.column,
        n: vals.length,
        mean: mean(vals),
        sd: sampleSd(vals),
        improvement: { n: imps.length, mean: mean(imps), undefined: undef },
        responders: imps.filter((x) => x >= threshold).length,
      };
    }
    out.cohorts[name] = { patients: c.patients, timepoints: tps };
  }
  return out;
}

// What the import mapping (data/headache-trial-2004.map.xml, schemas/
// csvmap.xsd) declares, read with our own XML parser: the cohort label of
// each group value, and the instrument and timepoint of each score column.
// Labels only: every number still comes from the CSV.
//   -> { idColumn, cohortColumn, cohorts: { value: label },
//        observations: [{ instrument, timepoint, offsetDays, columns: { item: column } }] }
export async function readCsvMap(path) {
  const { parseXml } = await import('./xml.mjs');
  const doc = parseXml(readFileSync(path, 'utf8'));
  if (doc.local !== 'csvmap') throw new Error(`${path}: root is <${doc.local}>, not <csvmap>`);
  const patient = doc.child('patient');
  const episode = doc.child('episode');
  const cohort = episode.child('cohort');
  const cohorts = {};
  for (const v of cohort.childrenNamed('value')) cohorts[v.attr('from')] = v.attr('to');
  return {
    idColumn: patient.attr('column'),
    nameFormat: patient.attr('name'),
    primaryInstrument: episode.attr('primary-instrument'),
    cohortColumn: cohort.attr('column'),
    startColumn: episode.child('start').attr('column'),
    dateFormat: episode.child('start').attr('format'),
    cohorts,
    observations: doc.childrenNamed('observation').map((o) => ({
      instrument: o.attr('instrument'),
      timepoint: o.attr('timepoint'),
      offsetDays: Number(o.attr('offset-days')),
      columns: Object.fromEntries(o.childrenNamed('answer').map((a) => [a.attr('item'), a.attr('column')])),
    })),
  };
}

// The scoring of one instrument from data/instruments.xml: { best,
// decimals, direction, items: { id: { min, max } } }.
export async function readInstrument(path, id) {
  const { parseXml } = await import('./xml.mjs');
  const doc = parseXml(readFileSync(path, 'utf8'));
  const ins = doc.childrenNamed('instrument').find((i) => i.attr('id') === id);
  if (!ins) throw new Error(`${path}: no instrument ${id}`);
  const sc = ins.child('scoring');
  const items = {};
  for (const it of ins.child('items').childrenNamed('item')) {
    items[it.attr('id')] = { min: Number(it.attr('min')), max: Number(it.attr('max')), step: it.attr('step') };
  }
  return {
    id,
    method: sc.attr('method'),
    best: Number(sc.attr('best')),
    worst: Number(sc.attr('worst')),
    decimals: sc.attr('decimals') === undefined ? null : Number(sc.attr('decimals')),
    direction: sc.attr('direction'),
    items,
  };
}
