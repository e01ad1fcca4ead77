// Headless Chromium (Debian's package, driven by playwright-core) on the
// care-program pages (issue 4): a patient's chart with the program's phase
// changes and two flares marked on the trajectory, the first-month
// checkpoint decision page (trajectory, improvement against the 50%
// threshold, PGIC, visits, recommendation), the same page after a
// continue without the required justification (the message next to the
// field, typed values kept, no JavaScript involved), the episode page,
// the dashboard, the economics report and the public /pricing page.
// Full-page screenshots go to tests/artifacts/program-*.png: look at them.
//
// The patient is seeded through the XML API with dates counted back from
// today.  CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, COOKIE_SESSION, browserSessionCookie } from '../lib/harness.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DAY = 86400000;
const now = new Date();
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;
const odi = (sum) => {
  const s = Array(10).fill(0);
  for (let i = 0; i < sum; i++) s[i % 10]++;
  return s.map((v, i) => `<answer item="s${i + 1}">${v}</answer>`).join('');
};

const srv = useCairn();
let browser, web, sid;
const ids = {};

async function post(p, xml) {
  const r = await web.postXml(p, xml);
  assert.equal(r.status, 303, `${p}: ${r.status} ${r.body.slice(0, 600)}`);
  return r.headers.location;
}

before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  web = await srv.as('clinician');
  sid = web.cookie(COOKIE_SESSION);
  const loc = await post('/patients', X('Patient', '<identifier>B-PAULA</identifier><name>Paula Partial</name><gender>female</gender><birthDate>1968-04-02</birthDate>'));
  ids.pid = Number(/\/patients\/(\d+)/.exec(loc)[1]);
  const eloc = await post(`/patients/${ids.pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(34)}</periodStart><primaryInstrument>odi</primaryInstrument><phase>enrolled</phase>` +
    '<activity item="a1" goal="8">Sitting through a film</activity><activity item="a2" goal="7">Carrying the shopping</activity><activity item="a3" goal="8">Gardening for an hour</activity>'));
  ids.eid = Number(/episodes\/(\d+)/.exec(eloc)[1]);
  const E = `/patients/${ids.pid}/episodes/${ids.eid}`;
  const obs = (d, body, tp = '') => post(`/patients/${ids.pid}/observations`, X('Observation',
    `<episode>${ids.eid}</episode>${body.replace('%D', ago(d)).replace('%T', tp ? `<timepoint>${tp}</timepoint>` : '')}`));
  await obs(34, `<instrument>odi</instrument><effective>%D</effective>%T${odi(30)}`, 'baseline');
  await obs(34, '<instrument>psfs</instrument><effective>%D</effective>%T<answer item="a1">2</answer><answer item="a2">3</answer><answer item="a3">2</answer>', 'baseline');
  await post(`${E}/moves`, X('PhaseChange', `<episode>${ids.eid}</episode><to>introductory</to><date>${ago(33)}</date>`));
  const visit = (d) => post(`${E}/visits`, X('Encounter', `<episode>${ids.eid}</episode><date>${ago(d)}</date><type>needling</type><state>finished</state>`));
  for (const d of [33, 30, 26, 23]) await visit(d);
  await obs(20, `<instrument>odi</instrument><effective>%D</effective>%T${odi(20)}`);
  await post(`${E}/moves`, X('PhaseChange', `<episode>${ids.eid}</episode><to>first-month</to><date>${ago(19)}</date>`));
  await post(`${E}/flares`, X('Flare', `<episode>${ids.eid}</episode><start>${ago(15)}</start><end>${ago(11)}</end><severity>moderate</severity><trigger>Lifting boxes</trigger>`));
  for (const d of [17, 13, 10, 6]) await visit(d);
  await obs(8, `<instrument>odi</instrument><effective>%D</effective>%T${odi(19)}`);
  await obs(5, `<instrument>odi</instrument><effective>%D</effective>%T${odi(18)}`);
  await obs(5, '<instrument>pgic</instrument><effective>%D</effective>%T<answer item="change">3</answer>');
  await post(`${E}/flares`, X('Flare', `<episode>${ids.eid}</episode><start>${ago(3)}</start><severity>severe</severity><trigger>Long drive</trigger>`));

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); });

async function openPage(url, { signedIn = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (signedIn) {
    await context.addCookies([browserSessionCookie(srv.base, sid)]);
  }
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon\.ico$/.test(m.location()?.url ?? '')) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const res = await page.goto(url, { waitUntil: 'load' });
  return { page, context, res, problems };
}

async function shoot(page, name) {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000, `${file} has content`);
  console.log(`screenshot: ${file}`);
}

test('chart: the trajectory shows the phase changes and both flares', async () => {
  const { page, context, res, problems } = await openPage(`${srv.base}/patients/${ids.pid}`);
  try {
    assert.equal(res.status(), 200);
    const odiFigure = page.locator('figure.chart', { hasText: 'ODI' }).first();
    assert.ok(await odiFigure.isVisible());
    assert.equal(await odiFigure.locator('rect.flare').count(), 2, 'two flares shaded');
    assert.ok(await odiFigure.locator('line.phase-line').count() >= 2, 'phase changes drawn');
    const box = await odiFigure.locator('rect.flare').first().boundingBox();
    assert.ok(box && box.width > 3 && box.height > 50, `a flare is visible (${JSON.stringify(box)})`);
    await shoot(page, 'program-chart.png');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('checkpoint: the decision page shows the data and a recommendation, and refuses a continue without justification', async () => {
  const url = `${srv.base}/patients/${ids.pid}/episodes/${ids.eid}/checkpoint`;
  const { page, context, res, problems } = await openPage(url);
  try {
    assert.equal(res.status(), 200);
    const text = await page.locator('main').innerText();
    assert.match(text, /First-month benchmark/);
    assert.match(text, /Improvement 40%, below the 50% threshold/);
    assert.match(text, /minimally improved/);
    assert.ok(await page.locator('svg.chart').isVisible());
    await shoot(page, 'program-checkpoint.png');
    // Continue without a justification: refused, the message next to the
    // field, the typed note kept.  A plain form post: no JavaScript.
    await page.locator('#move-note').fill('Reviewed with the patient.');
    const [resp] = await Promise.all([page.waitForNavigation(), page.locator('#form-move button[type=submit]').click()]);
    assert.equal(resp.status(), 422);
    const field = page.locator('#form-move .field.invalid');
    assert.match(await field.innerText(), /written clinical justification/);
    assert.equal(await page.locator('#move-note').inputValue(), 'Reviewed with the patient.');
    await shoot(page, 'program-checkpoint-refused.png');
    // With a justification it goes through to the episode page.
    await page.locator('#move-justification').fill('Clear functional gains despite a flare; continue with a slower taper and review in four weeks.');
    const [ok] = await Promise.all([page.waitForNavigation(), page.locator('#form-move button[type=submit]').click()]);
    assert.equal(ok.status(), 200);
    assert.match(await page.locator('main').innerText(), /Clinical justification: Clear functional gains/);
    await shoot(page, 'program-episode.png');
    assert.deepEqual(problems.filter((p) => !/422/.test(p)), []);
  } finally { await context.close(); }
});

test('dashboard and economics show the program', async () => {
  let { page, context, res } = await openPage(`${srv.base}/`);
  try {
    assert.equal(res.status(), 200);
    assert.match(await page.locator('#open-flares').innerText(), /Paula Partial/);
    await shoot(page, 'program-dashboard.png');
  } finally { await context.close(); }
  ({ page, context, res } = await openPage(`${srv.base}/economics`));
  try {
    assert.equal(res.status(), 200);
    assert.ok(await page.locator('#per-phase').isVisible());
    await shoot(page, 'program-economics.png');
  } finally { await context.close(); }
});

test('pricing: public, from the program definition, per phase not per visit', async () => {
  const { page, context, res, problems } = await openPage(`${srv.base}/pricing`, { signedIn: false });
  try {
    assert.equal(res.status(), 200);
    const text = await page.locator('main').innerText();
    assert.match(text, /one flat fee per phase, never per visit/i);
    assert.match(text, /AUD 420\.00/);
    assert.equal(await page.locator('section.price').count(), 3);
    await shoot(page, 'program-pricing.png');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});
