// The evidence beside each checkpoint (plugins/program/evidence.c,
// docs/evidence.md) for the imported trial, against an independent
// computation from the CSV (tests/lib/outcomes-from-csv.mjs: our own CSV
// parser and arithmetic; the map only names the timepoints, the instrument
// gives its best score and rounding, the program definition which
// timepoint stands for which checkpoint):
//   - for each band of improvement at 3 months (< 10%, 10-30%, 30-50%,
//     >= 50%; a boundary in the band above), how many were in it, how many
//     had a 12-month score, and how many of those had at least 50% at 12
//     months; the 95% Wilson interval from the plain formula;
//   - n below 20 says "not enough history yet" and gives no share;
//   - an episode still running is not counted, the same one finished is;
//   - an episode run as the program counts at its checkpoint decisions;
//   - the checkpoint page puts the sentence of the patient's band beside
//     the recommendation.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { useCairn, TRIAL_CSV, TRIAL_MAP, REPO } from '../lib/harness.mjs';
import { parseXml } from '../lib/xml.mjs';
import { readCsv, readCsvMap, readInstrument, cell, improvement } from '../lib/outcomes-from-csv.mjs';

const srv = useCairn({ importTrial: true });
let web;
before(async () => { await srv.ready; web = await srv.as('clinician'); });

const Z = 1.959963984540054;
const MIN_N = 20;
const BANDS = ['under-10', '10-30', '30-50', '50-up'];
const EPS = 1e-9;
const band = (imp) => (imp >= 0.5 - EPS ? 3 : imp >= 0.3 - EPS ? 2 : imp >= 0.1 - EPS ? 1 : 0);

// Wilson EB 1927; Newcombe RG, Stat Med 1998;17:857, method 3.
function wilson(k, n) {
  const p = k / n;
  const a = 2 * n * p + Z * Z;
  const b = Z * Math.sqrt(Z * Z + 4 * n * p * (1 - p));
  const c = 2 * (n + Z * Z);
  return [(a - b) / c, (a + b) / c];
}

test('our Wilson formula gives Newcombe 1998\'s worked example (81 of 263: 0.2553 to 0.3662)', () => {
  const [lo, hi] = wilson(81, 263);
  assert.equal(lo.toFixed(4), '0.2553');
  assert.equal(hi.toFixed(4), '0.3662');
  assert.equal(wilson(0, 10)[1].toFixed(4), '0.2775');
  assert.equal(wilson(10, 10)[0].toFixed(4), '0.7225');
});

const { rows } = readCsv(TRIAL_CSV);
const map = await readCsvMap(TRIAL_MAP);
const instrument = await readInstrument(path.join(REPO, 'data', 'instruments.xml'), map.primaryInstrument);
const round = instrument.decimals === null ? (x) => x : (x) => Number(x.toFixed(instrument.decimals));
const col = (tp) => Object.values(map.observations.find((o) => o.timepoint === tp).columns)[0];
// Which timepoint the program definition maps to the first-month checkpoint.
const defXml = readFileSync(path.join(REPO, 'data', 'program-definition.xml'), 'utf8');
const mapped = /<checkpointMap timepoint="([^"]+)" after="first-month"\/>/.exec(defXml)[1];
const later = map.observations.filter((o) => o.timepoint !== 'baseline' && o.timepoint !== mapped)
  .sort((a, b) => b.offsetDays - a.offsetDays)[0].timepoint;

// The table from the CSV.
function expectedTable() {
  const t = BANDS.map(() => ({ patients: 0, n: 0, held: 0 }));
  let undef = 0;
  for (const r of rows) {
    const b0 = cell(r[col('baseline')]);
    const c0 = cell(r[col(mapped)]);
    if (b0 === null || c0 === null) continue;
    const imp = improvement(round(b0), round(c0), instrument.best);
    if (imp === null) { undef++; continue; }
    const row = t[band(imp)];
    row.patients++;
    const l0 = cell(r[col(later)]);
    if (l0 === null) continue;
    row.n++;
    if (improvement(round(b0), round(l0), instrument.best) >= 0.5 - EPS) row.held++;
  }
  return { t, undef };
}
const expected = expectedTable();

async function evidence() {
  const r = await web.getXml('/outcomes');
  assert.equal(r.status, 200, r.body.slice(0, 400));
  const ev = parseXml(r.body).child('evidence');
  assert.ok(ev, '/outcomes carries <evidence>');
  const cps = Object.fromEntries(ev.childrenNamed('checkpoint').map((c) => [c.attr('after'), c]));
  const table = (after) => cps[after].childrenNamed('band').map((b) => {
    const o = Object.fromEntries(b.childrenNamed('outcome').map((x) => [x.attr('kind'), x]));
    return { code: b.attr('code'), patients: Number(b.attr('patients')), sentence: b.attr('sentence'), o };
  });
  return { ev, table };
}

function checkOutcome(o, k, n, what) {
  assert.equal(Number(o.attr('n')), n, `${what}: n`);
  assert.equal(Number(o.attr('k')), k, `${what}: k`);
  if (n < MIN_N) {
    assert.equal(o.attr('enough'), 'no', `${what}: n ${n} < ${MIN_N}`);
    assert.equal(o.attr('share'), undefined, `${what}: no share below ${MIN_N}`);
    return;
  }
  assert.equal(o.attr('enough'), 'yes', what);
  const [lo, hi] = wilson(k, n);
  for (const [a, want] of [['share', k / n], ['low', lo], ['high', hi]]) {
    assert.ok(Math.abs(Number(o.attr(a)) - want) <= 5e-5 + 1e-12, `${what}: ${a} ${o.attr(a)}, expected ${want}`);
  }
}

test(`the trial: each band of improvement at ${mapped}, and who had at least 50% at ${later}, equal the CSV`, async () => {
  const { table, ev } = await evidence();
  const got = table('first-month');
  const lines = [];
  BANDS.forEach((code, i) => {
    const w = expected.t[i];
    const g = got[i];
    assert.equal(g.code, code);
    assert.equal(g.patients, w.patients, `${code}: patients in the band`);
    checkOutcome(g.o.held, w.held, w.n, `${code} held`);
    // One later measure in the trial: reached and held are the same.
    checkOutcome(g.o.reached, w.held, w.n, `${code} reached`);
    checkOutcome(g.o.graduated, 0, 0, `${code} graduated (an imported cohort does not graduate)`);
    const [lo, hi] = w.n ? wilson(w.held, w.n) : [NaN, NaN];
    lines.push(`${code.padEnd(9)} in band ${String(w.patients).padStart(3)}  with ${later} ${String(w.n).padStart(3)}  >=50% ${String(w.held).padStart(3)}` +
      (w.n ? `  ${(100 * w.held / w.n).toFixed(1)}% (95% CI ${(100 * lo).toFixed(1)}-${(100 * hi).toFixed(1)}%)` : ''));
  });
  lines.push(`undefined (baseline already best): ${expected.undef}; episodes counted: ${ev.attr('episodes')}`);
  console.log(lines.join('\n'));
  assert.equal(Number(ev.child('checkpoint').attr('undefined') ?? 0) >= 0, true);
});

test('no history at the introductory checkpoint: every cell says not enough history yet', async () => {
  const { table } = await evidence();
  for (const b of table('introductory')) {
    assert.equal(b.patients, 0);
    for (const o of Object.values(b.o)) assert.equal(o.attr('enough'), 'no');
    assert.match(b.sentence, /^Not enough history yet/);
  }
  const html = await web.get('/outcomes');
  assert.match(html.body, /From checkpoint to outcome/);
  assert.match(html.body, /not enough history yet/);
});

const DAY = 86400000;
const today = new Date(Date.now());
const ago = (n) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;
async function xmlPost(p, xml, status = 303) {
  const r = await web.postXml(p, xml);
  assert.equal(r.status, status, `${p}: ${r.status} ${r.body.slice(0, 1200)}`);
  return r;
}
async function patient(identifier) {
  const r = await xmlPost('/patients', X('Patient', `<identifier>${identifier}</identifier><name>${identifier} Tester</name><gender>female</gender>`));
  return Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
}
async function episode(pid, status, start, extra = '') {
  const r = await xmlPost(`/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>${status}</status><cohort>program</cohort><periodStart>${ago(start)}</periodStart><primaryInstrument>nrs</primaryInstrument>${extra}`));
  return Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
}
const nrs = (pid, eid, d, pain, tp = '') => xmlPost(`/patients/${pid}/observations`, X('Observation',
  `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(d)}</effective>${tp ? `<timepoint>${tp}</timepoint>` : ''}<answer item="pain">${pain}</answer>`));

test('an episode still running is not counted; once finished it counts at its checkpoint decisions', async () => {
  const before = (await evidence()).table('introductory');
  const cells = (t) => t.map((b) => [b.patients, ...Object.values(b.o).map((o) => `${o.attr('k')}/${o.attr('n')}`)]);
  // Run as the program: baseline 8, day 14 at 5 (37.5%), on to the
  // first-month continuation, a later 3 (62.5%).
  const pid = await patient('EV-PROGRAM');
  const eid = await episode(pid, 'active', 60, '<phase>enrolled</phase>');
  const E = `/patients/${pid}/episodes/${eid}`;
  const mv = (to, d, extra = '') => xmlPost(`${E}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>${to}</to><date>${ago(d)}</date>${extra}`));
  await nrs(pid, eid, 60, 8, 'baseline');
  await mv('introductory', 60);
  await nrs(pid, eid, 46, 5);
  await mv('first-month', 46);
  await nrs(pid, eid, 32, 3);
  assert.deepEqual(cells((await evidence()).table('introductory')), cells(before), 'a running episode changes nothing');
  // Finished by an exit: now it counts.
  await mv('exited', 30, '<reason>patient-choice</reason>');
  const intro = (await evidence()).table('introductory');
  assert.equal(intro[2].patients, before[2].patients + 1, '37.5% at the introductory checkpoint');
  checkOutcome(intro[2].o.reached, 1, 1, 'reached 50% later');
  checkOutcome(intro[2].o.graduated, 0, 1, 'exited, not graduated');
  assert.match(intro[2].sentence, /^Not enough history yet: 1 earlier patient who had improved 30-50% by day 14/);
});

test('the checkpoint page shows the sentence of the patient\'s band beside the recommendation', async () => {
  // A patient at the first-month checkpoint now, 30-50% improved: the
  // trial's history is beside the recommendation.
  const pid2 = await patient('EV-NOW');
  const eid2 = await episode(pid2, 'active', 40, '<phase>enrolled</phase>');
  const E2 = `/patients/${pid2}/episodes/${eid2}`;
  await nrs(pid2, eid2, 40, 10, 'baseline');
  await xmlPost(`${E2}/moves`, X('PhaseChange', `<episode>${eid2}</episode><to>introductory</to><date>${ago(40)}</date>`));
  await nrs(pid2, eid2, 26, 6);
  await xmlPost(`${E2}/moves`, X('PhaseChange', `<episode>${eid2}</episode><to>first-month</to><date>${ago(26)}</date>`));
  await nrs(pid2, eid2, 1, 6);           // 40%: 30-50%
  const fm = (await evidence()).table('first-month')[2];
  const page = await web.get(`${E2}/checkpoint`);
  assert.equal(page.status, 200);
  const n = Number(fm.o.held.attr('n'));
  const k = Number(fm.o.held.attr('k'));
  assert.ok(n >= MIN_N, 'the trial gives enough history in 30-50%');
  const [lo, hi] = wilson(k, n);
  const sentence = `Of ${n} earlier patients who had improved 30-50% by day 28 (the first-month checkpoint; ${mapped} in imported cohorts), ${k} (${Math.round(100 * k / n)}%, 95% CI ${Math.round(100 * lo)}-${Math.round(100 * hi)}%) held at least 50% improvement at their last follow-up.`;
  assert.ok(page.body.includes(sentence), `the page says: ${sentence}`);
  assert.match(page.body, /Earlier patients like this one/);
  assert.match(page.body, /\(this patient\)/);
});
