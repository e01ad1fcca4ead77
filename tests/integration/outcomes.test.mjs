// /outcomes for the imported trial equals an independent computation from
// the CSV (tests/lib/outcomes-from-csv.mjs: our own CSV parser, our own
// arithmetic; the import mapping is read only for the cohort labels and
// timepoint codes, the instrument only for its best score and rounding).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useCairn, TRIAL_CSV, TRIAL_MAP, REPO } from '../lib/harness.mjs';
import { checkHtml, htmlText, parseXml } from '../lib/xml.mjs';
import { outcomeCells } from '../lib/views.mjs';
import { readCsv, readCsvMap, readInstrument, trialOutcomes } from '../lib/outcomes-from-csv.mjs';

const TOLERANCE = 1e-6;

const srv = useCairn({ importTrial: true });
// /outcomes is for clinicians and admins.
let web;
before(async () => { await srv.ready; web = await srv.as('clinician'); });
const { rows } = readCsv(TRIAL_CSV);
const map = await readCsvMap(TRIAL_MAP);
const instrument = await readInstrument(path.join(REPO, 'data', 'instruments.xml'), map.primaryInstrument);
const baselineObs = map.observations.find((o) => o.timepoint === 'baseline');
const expected = trialOutcomes(rows, {
  groupColumn: map.cohortColumn,
  baselineColumn: Object.values(baselineObs.columns)[0],
  timepoints: map.observations.map((o) => ({ column: Object.values(o.columns)[0], key: o.timepoint })),
  cohortName: (g) => map.cohorts[g],
  roundScore: instrument.decimals === null ? (x) => x : (x) => Number(x.toFixed(instrument.decimals)),
  best: instrument.best,
});

// Print the figures once, for the issue's closing note.
test('the independent computation (printed for the record)', () => {
  const lines = [];
  for (const [c, v] of Object.entries(expected.cohorts)) {
    for (const [t, s] of Object.entries(v.timepoints)) {
      lines.push(`${c.padEnd(12)} ${t.padEnd(9)} n=${String(s.n).padStart(3)} mean=${s.mean.toFixed(4)} sd=${s.sd.toFixed(4)} ` +
        `improvement=${(s.improvement.mean ?? NaN).toFixed(4)} (n=${s.improvement.n}, undefined=${s.improvement.undefined}) >=50%: ${s.responders}`);
    }
  }
  console.log(lines.join('\n'));
  // Sanity of our own arithmetic against the published trial (BMJ
  // 2004;328:744, table 2: headache score at 12 months 16.2 acupuncture,
  // 22.3 usual care).
  const acu = expected.cohorts[map.cohorts['1']].timepoints['month-12'] ?? Object.values(expected.cohorts[map.cohorts['1']].timepoints)[2];
  const usual = expected.cohorts[map.cohorts['0']].timepoints['month-12'] ?? Object.values(expected.cohorts[map.cohorts['0']].timepoints)[2];
  assert.equal(acu.mean.toFixed(1), '16.2');
  assert.equal(usual.mean.toFixed(1), '22.3');
});

// Compare a figure from the XML with ours: within 1e-6, or within half a
// unit of the last decimal the server wrote when it rounds coarser than
// that (outcomes.c writes 4 decimals: the tolerance is then 5e-5).
function close(fig, want, what) {
  if (want === null) {
    assert.ok(fig.value === null || Number.isNaN(fig.value), `${what}: expected absent or empty (undefined), got ${fig.raw}`);
    return;
  }
  assert.ok(Number.isFinite(fig.value), `${what}: missing from the XML (got ${fig.raw})`);
  const tol = Math.max(TOLERANCE, fig.decimals === null ? 0 : 0.5 * 10 ** -fig.decimals) + 1e-12;
  const diff = Math.abs(fig.value - want);
  assert.ok(diff <= tol, `${what}: server ${fig.raw}, CSV ${want} (diff ${diff}, tolerance ${tol})`);
}

test('/outcomes XML equals the computation from the CSV, cohort by cohort and timepoint by timepoint', async () => {
  const r = await web.getXml('/outcomes');
  assert.equal(r.status, 200, r.body.slice(0, 400));
  assert.match(r.headers['content-type'] ?? '', /^application\/xml\b/);
  const doc = parseXml(r.body);
  assert.equal(doc.local, 'outcomes');
  const cells = outcomeCells(doc);
  assert.ok(cells.length > 0, 'the report has rows');
  assert.deepEqual([...new Set(cells.map((c) => c.instrument))], [map.primaryInstrument], 'only the trial\'s instrument');
  const totalObs = Object.values(expected.cohorts).reduce((a, c) => a + Object.values(c.timepoints).reduce((b, t) => b + t.n, 0), 0);
  assert.equal(Number(doc.attr('observations')), totalObs, 'observations counted');
  const seen = new Set();
  for (const [cohort, c] of Object.entries(expected.cohorts)) {
    for (const [tp, want] of Object.entries(c.timepoints)) {
      const got = cells.filter((x) => x.cohort === cohort && x.timepoint === tp);
      assert.equal(got.length, 1, `one row for ${cohort} / ${tp} (rows: ${cells.map((x) => `${x.cohort}/${x.timepoint}`).join(', ')})`);
      const g = got[0];
      const what = `${cohort} / ${tp}`;
      seen.add(`${cohort}/${tp}`);
      assert.equal(g.groupPatients, c.patients, `${what}: patients in the cohort`);
      assert.equal(g.n, want.n, `${what}: n`);
      close(g.mean, want.mean, `${what}: mean`);
      close(g.sd, want.sd, `${what}: SD`);
      if (tp === 'baseline') {
        // At baseline the improvement is 0 by definition; the report
        // leaves it out.
        assert.ok(Number.isNaN(g.improvement.n) || g.improvement.n === want.improvement.n, `${what}: improvement-n`);
        continue;
      }
      close(g.improvement.mean, want.improvement.mean, `${what}: mean improvement`);
      assert.equal(g.improvement.n, want.improvement.n, `${what}: patients with an improvement`);
      assert.equal(g.responders, want.responders, `${what}: patients with >= 50% improvement`);
      assert.equal(g.improvement.undefined, want.improvement.undefined, `${what}: undefined improvements`);
      assert.equal(g.improvement.noBaseline, 0, `${what}: every trial patient has a baseline`);
      assert.equal(g.improvement.n + g.improvement.undefined + g.improvement.noBaseline, g.n, `${what}: the counts add up`);
    }
  }
  assert.deepEqual(cells.filter((x) => !seen.has(`${x.cohort}/${x.timepoint}`)).map((x) => `${x.cohort}/${x.timepoint}`), [],
    'no rows beyond the cohorts and timepoints of the trial');
});

test('/outcomes HTML shows the same figures (n, responders, rounded means)', async () => {
  const r = await web.get('/outcomes');
  assert.equal(r.status, 200);
  const h = checkHtml(r.body);
  assert.deepEqual(h.errors, []);
  const text = htmlText(r.body);
  const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
  for (const [cohort, c] of Object.entries(expected.cohorts)) {
    assert.ok(text.includes(cohort), `cohort ${cohort}`);
    for (const [tp, want] of Object.entries(c.timepoints)) {
      assert.ok(numbers.includes(want.n), `${cohort}/${tp}: n=${want.n} shown`);
      assert.ok(numbers.some((x) => Math.abs(x - want.mean) <= 0.05 + 1e-9), `${cohort}/${tp}: mean ${want.mean.toFixed(2)} shown (rounded)`);
      if (tp !== 'baseline') assert.ok(numbers.includes(want.responders), `${cohort}/${tp}: ${want.responders} reached 50%`);
    }
  }
});
