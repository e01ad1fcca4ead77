// The kept figures of /outcomes and the checkpoint evidence
// (plugins/program/kept.c, docs/performance.md): after the trial's CSV
// import, random inserts (with and without an episode, at named
// timepoints and none, new baselines), corrections (entered in error),
// program episodes run to their end, and a second CSV import, the
// figures /outcomes shows from the kept sums equal a full recomputation
// (the same page with the kept sums switched off, which scans every
// observation), and `cairn reindex` refills the sums to the same figures.
// The dashboard's counts (GET /: patients, episodes, observations, per
// cohort), kept the same way, equal a count of every row at each step.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { useCairn, run, TRIAL_CSV } from '../lib/harness.mjs';
import { parseXml } from '../lib/xml.mjs';

const srv = useCairn({ importTrial: true });
let web;
before(async () => { await srv.ready; web = await srv.as('clinician'); });

// A small deterministic generator (mulberry32): the same run every time.
let seed = 20261203;
function rand() {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

const sql = (q) => {
  const r = run('sqlite3', ['-json', srv.database, q]);
  if (r.code !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return JSON.parse(r.stdout || '[]');
};
const setFilled = (v) => sql(`UPDATE p_program_kept_state SET value = ${v} WHERE name = 'filled'`);

// Every attribute of every row of the report and of the evidence, keyed
// by where it is: "group acupuncture/headache > timepoint month-3 @mean".
function figures(xml) {
  const doc = parseXml(xml);
  const out = new Map();
  const walk = (el, where) => {
    for (const c of el.children ?? []) {
      if (typeof c === 'string' || !c.name) continue;
      const key = c.name === 'group' ? `${c.attr('cohort')}/${c.attr('instrument')}`
        : c.attr('name') ?? c.attr('after') ?? c.attr('code') ?? c.attr('kind') ?? '';
      const here = `${where} > ${c.name} ${key}`;
      for (const [k, v] of Object.entries(c.attrs ?? {})) out.set(`${here} @${k}`, v);
      walk(c, here);
    }
  };
  walk(doc.root ?? doc, '');
  return out;
}

async function outcomesXml() {
  const r = await web.getXml('/outcomes');
  assert.equal(r.status, 200, r.body.slice(0, 500));
  return r.body;
}

// Kept and recomputed agree: counts exactly, figures printed with four
// decimals to their last place (the sums are combined in floating point).
function assertSame(kept, full, what) {
  const a = figures(kept), b = figures(full);
  assert.ok(b.size > 50, `the report has figures (${b.size})`);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), `${what}: the same rows`);
  for (const [k, v] of b) {
    const w = a.get(k);
    if (w === v) continue;
    const x = Number(v), y = Number(w);
    assert.ok(Number.isFinite(x) && /\./.test(v) && Math.abs(x - y) <= 1.5e-4,
      `${what}: ${k}: kept ${w}, recomputed ${v}`);
  }
}

// The dashboard's counts (GET /, kept_counts.c) and the same counted
// from the tables, every row, as the page did before they were kept.
async function dashboardCounts() {
  const r = await web.getXml('/');
  assert.equal(r.status, 200, r.body.slice(0, 500));
  const num = (v) => Number(String(v).replace(/[^0-9]/g, ''));
  const c = /<counts\b([^>]*)>/.exec(r.body);
  assert.ok(c, `the dashboard has its counts: ${r.body.slice(0, 300)}`);
  const at = (s, n) => num(new RegExp(`\\b${n}="([^"]*)"`).exec(s)[1]);
  const out = { patients: at(c[1], 'patients'), episodes: at(c[1], 'episodes'),
    observations: at(c[1], 'observations'), cohorts: [] };
  for (const m of r.body.matchAll(/<cohort\b([^>]*)>/g)) {
    out.cohorts.push([/\bname="([^"]*)"/.exec(m[1])[1], at(m[1], 'patients'), at(m[1], 'episodes')]);
  }
  return out;
}
function recount() {
  const live = "status <> 'entered-in-error'";
  const n = (t) => sql(`SELECT count(*) AS n FROM ${t} WHERE ${live}`)[0].n;
  return { patients: n('p_program_patient'), episodes: n('p_program_episode'),
    observations: n('p_program_observation'),
    cohorts: sql(`SELECT cohort AS c, count(DISTINCT patient) AS p, count(*) AS e FROM p_program_episode
                  WHERE ${live} AND cohort IS NOT NULL GROUP BY cohort ORDER BY cohort`).map((r) => [r.c, r.p, r.e]) };
}
const countsKept = () => sql("SELECT value FROM p_program_kept_state WHERE name = 'counts'")[0]?.value;
async function assertCounts(what) {
  const want = recount();
  assert.ok(want.observations > 1000 && want.cohorts.length > 0, `${what}: a clinic to count`);
  assert.deepEqual(await dashboardCounts(), want, `${what}: the dashboard's counts`);
}

const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;
async function xmlPost(p, xml, status = 303) {
  const r = await web.postXml(p, xml);
  assert.equal(r.status, status, `${p}: ${r.status} ${r.body.slice(0, 800)}`);
  return r;
}
const day = (base, n) => new Date(Date.parse(base) + n * 86400000).toISOString().slice(0, 10);

test('a CSV import notes its patients; cairn reindex fills the sums once', async () => {
  assert.deepEqual(sql("SELECT value FROM p_program_kept_state WHERE name = 'filled'"), [{ value: 1 }]);
  assert.ok(sql('SELECT count(*) AS n FROM p_program_kept_dirty')[0].n >= 400, 'the import noted its patients');
  assert.equal(sql('SELECT count(*) AS n FROM p_program_kept_outcome')[0].n, 0, 'and kept nothing one by one');
  const scanned = await outcomesXml();
  await assertCounts('after the import, counted');
  assert.equal(sql('SELECT count(*) AS n FROM p_program_kept_count')[0].n, 0, 'no count kept one by one');
  const r = srv.cli(['reindex']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(countsKept(), 1, 'the counts are filled');
  await assertCounts('reindexed after the import');
  assert.equal(sql('SELECT count(*) AS n FROM p_program_kept_dirty')[0].n, 0);
  assert.ok(sql('SELECT count(*) AS n FROM p_program_kept_outcome')[0].n > 0, 'the sums are filled');
  assert.ok(sql('SELECT count(*) AS n FROM p_program_kept_evidence')[0].n > 0, 'and the evidence');
  assertSame(await outcomesXml(), scanned, 'reindexed after the import');
});

test('after random inserts, corrections, episodes run to their end and a CSV import, kept equals recomputed', async () => {
  const episodes = sql(`SELECT e.record AS e, e.patient AS p, e.period_start AS s
                        FROM p_program_episode e WHERE e.status <> 'entered-in-error' ORDER BY e.record`);
  assert.ok(episodes.length > 300);
  // Inserts: headache scores at random timepoints, some without an
  // episode (the report finds the episode in force), some new baselines.
  const posted = [];
  for (let i = 0; i < 60; i++) {
    const ep = pick(episodes);
    const tp = pick(['baseline', 'month-3', 'month-12', '', '', 'month-6']);
    const withEpisode = rand() < 0.7;
    const r = await xmlPost(`/patients/${ep.p}/observations`, X('Observation',
      `${withEpisode ? `<episode>${ep.e}</episode>` : ''}<instrument>headache</instrument>` +
      `<effective>${day(ep.s, Math.floor(rand() * 500))}</effective>` +
      `${tp ? `<timepoint>${tp}</timepoint>` : ''}<answer item="score">${(rand() * 60).toFixed(2)}</answer>`));
    const m = /observations\/(\d+)/.exec(r.headers.location ?? '');
    posted.push({ p: ep.p, o: m ? Number(m[1]) : null });
  }
  // Appends: each newer than everything the patient has of the
  // instrument (the kept sums take these without a new scan), at a named
  // timepoint or none, some to a patient new to the instrument.
  const recent = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
  for (let i = 0; i < 40; i++) {
    const ep = episodes[i % 12];
    const tp = pick(['', 'month-24', 'month-12', '']);
    const r = await xmlPost(`/patients/${ep.p}/observations`, X('Observation',
      `${i % 2 ? `<episode>${ep.e}</episode>` : ''}<instrument>headache</instrument>` +
      `<effective>${recent(60 - i)}</effective>` +
      `${tp ? `<timepoint>${tp}</timepoint>` : ''}<answer item="score">${(rand() * 50).toFixed(2)}</answer>`));
    const m = /observations\/(\d+)/.exec(r.headers.location ?? '');
    posted.push({ p: ep.p, o: m ? Number(m[1]) : null });
    if (i % 10 === 0) {
      await xmlPost(`/patients/${ep.p}/observations`, X('Observation',
        `<episode>${ep.e}</episode><instrument>nrs</instrument><effective>${recent(60 - i)}</effective><answer item="pain">${i % 11}</answer>`));
    }
  }
  // Corrections: trial observations and new ones entered in error.
  const trialObs = sql(`SELECT record AS o, patient AS p FROM p_program_observation
                        WHERE status <> 'entered-in-error' ORDER BY record LIMIT 400`);
  for (let i = 0; i < 25; i++) {
    const o = i % 3 === 0 && posted.some((x) => x.o) ? pick(posted.filter((x) => x.o)) : pick(trialObs);
    const st = sql(`SELECT status FROM p_program_observation WHERE record = ${o.o}`)[0]?.status;
    if (st === 'entered-in-error') continue;
    const r = await web.postForm(`/patients/${o.p}/observations/${o.o}/error`, { reason: 'Typed into the wrong chart.' });
    assert.equal(r.status, 303, `correction of ${o.o}: ${r.status} ${r.body.slice(0, 500)}`);
  }
  // Program episodes run to an exit: the evidence changes.
  for (let i = 0; i < 4; i++) {
    const r = await xmlPost('/patients', X('Patient', `<identifier>KEPT-${i}</identifier><name>Kept ${i}</name><gender>female</gender>`));
    const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
    const start = new Date(Date.now() - 70 * 86400000).toISOString().slice(0, 10);
    const e = await xmlPost(`/patients/${pid}/episodes`, X('EpisodeOfCare',
      `<status>active</status><cohort>program</cohort><periodStart>${start}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase>`));
    const eid = Number(/episodes\/(\d+)/.exec(e.headers.location)[1]);
    const nrs = (d, pain, tp = '') => xmlPost(`/patients/${pid}/observations`, X('Observation',
      `<episode>${eid}</episode><instrument>nrs</instrument><effective>${day(start, d)}</effective>${tp ? `<timepoint>${tp}</timepoint>` : ''}<answer item="pain">${pain}</answer>`));
    const mv = (to, d, extra = '') => xmlPost(`/patients/${pid}/episodes/${eid}/moves`, X('PhaseChange',
      `<episode>${eid}</episode><to>${to}</to><date>${day(start, d)}</date>${extra}`));
    await nrs(0, 8, 'baseline');
    await mv('introductory', 0);
    await nrs(14, 8 - i);
    if (i % 2) await mv('exited', 15, '<reason>patient-choice</reason>');
    else {
      await mv('first-month', 15);
      await nrs(30, 2 + i);
      await mv('exited', 31, '<reason>patient-choice</reason>');
    }
  }
  // A second CSV import (the import path): 30 more trial-shaped rows.
  const lines = readFileSync(TRIAL_CSV, 'utf8').split('\n').filter(Boolean);
  const head = lines[0].split(',');
  const idx = (c) => head.indexOf(c);
  const more = [lines[0]];
  for (let i = 0; i < 30; i++) {
    const row = lines[1 + i].split(',');
    row[idx('id')] = String(9000 + i);
    row[idx('pk1')] = (10 + rand() * 40).toFixed(2);
    row[idx('pk2')] = rand() < 0.2 ? '' : (rand() * 40).toFixed(2);
    row[idx('pk5')] = rand() < 0.2 ? '' : (rand() * 40).toFixed(2);
    more.push(row.join(','));
  }
  const csv = path.join(srv.dir, 'more.csv');
  writeFileSync(csv, more.join('\n') + '\n');
  // The web's writes were kept one by one: the kept page equals the scan
  // before the import too.
  const keptBefore = await outcomesXml();
  await assertCounts('kept one by one through the web writes');
  setFilled(0);
  assertSame(keptBefore, await outcomesXml(), 'kept vs recomputed before the import');
  setFilled(1);
  const imp = srv.importCsv(csv);
  assert.equal(imp.code, 0, imp.stderr);
  assert.ok(sql('SELECT count(*) AS n FROM p_program_kept_dirty')[0].n >= 30, 'the import noted its patients');
  await assertCounts('after the second import, counted');
  const reidx = srv.cli(['reindex']);
  assert.equal(reidx.code, 0, reidx.stderr);
  await assertCounts('reindexed after the second import');
  // The check can fail: a kept count put out of step is seen.
  sql("UPDATE p_program_kept_count SET observations = observations + 1 WHERE cohort = ''");
  await assert.rejects(assertCounts('tampered count'));
  sql("UPDATE p_program_kept_count SET observations = observations - 1 WHERE cohort = ''");

  const kept = await outcomesXml();
  setFilled(0);
  const full = await outcomesXml();
  setFilled(1);
  assertSame(kept, full, 'kept vs recomputed');
  // The check can fail: a kept sum put out of step is seen.
  sql("UPDATE p_program_kept_outcome SET n = n + 1 WHERE kind = 0 AND timepoint = 'month-3' AND cohort = 'acupuncture'");
  const tampered = await outcomesXml();
  assert.throws(() => assertSame(tampered, full, 'tampered'));

  // cairn reindex refills the sums from the records: the same figures.
  const r = srv.cli(['reindex']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /kept figures of 1 plugin refilled/);
  assertSame(await outcomesXml(), full, 'after cairn reindex');
});

test('a clinic whose kept tables came after its records is scanned until cairn reindex fills them', async () => {
  sql('DELETE FROM p_program_kept_outcome');
  setFilled(0);
  const scanned = await outcomesXml();
  assert.ok(figures(scanned).size > 50, 'the page still shows every figure');
  const r = srv.cli(['reindex']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(sql("SELECT value FROM p_program_kept_state WHERE name = 'filled'"), [{ value: 1 }]);
  assertSame(await outcomesXml(), scanned, 'reindexed');
});
