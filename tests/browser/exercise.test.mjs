// Headless Chromium (Debian's package, driven by playwright-core) on the
// exercise plugin's pages: a patient in the monthly program with gains
// held is moved, through the pages' own forms, from not started to
// corrective exercise, to qi gong, to progressive loading (three sessions
// inside the pain-monitoring model open each gate), with a load step after
// two loading sessions; the home routine is reviewed, and its handout is
// printed: it must fit one A4 page (counted in the PDF Chromium prints)
// and read on a phone.  Screenshots go to tests/artifacts/exercise-*.png.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, COOKIE_SESSION, browserSessionCookie } from '../lib/harness.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DAY = 86400000;
const now = new Date();
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const P = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

const srv = useCairn({ clinicName: 'Riverside Pain Clinic' });
let browser, web, sid, context, page;
let X;

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
  const loc = await post('/patients', P('Patient', '<identifier>B-MAYA</identifier><name>Maya Mover</name><gender>female</gender>'));
  const pid = Number(/\/patients\/(\d+)/.exec(loc)[1]);
  const eloc = await post(`/patients/${pid}/episodes`, P('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(60)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase>`));
  const eid = Number(/episodes\/(\d+)/.exec(eloc)[1]);
  const E = `/patients/${pid}/episodes/${eid}`;
  const nrs = (d, v, tp = '') => post(`/patients/${pid}/observations`, P('Observation',
    `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(d)}</effective>${tp}<answer item="pain">${v}</answer>`));
  await nrs(60, 8, '<timepoint>baseline</timepoint>');
  await post(`${E}/moves`, P('PhaseChange', `<episode>${eid}</episode><to>introductory</to><date>${ago(60)}</date>`));
  await nrs(47, 5);
  await post(`${E}/moves`, P('PhaseChange', `<episode>${eid}</episode><to>first-month</to><date>${ago(46)}</date>`));
  await nrs(33, 3);
  await post(`${E}/moves`, P('PhaseChange', `<episode>${eid}</episode><to>monthly</to><date>${ago(32)}</date>`));
  await nrs(7, 3);
  X = `${srv.base}${E}/exercise`;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([browserSessionCookie(srv.base, sid)]);
  page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
});

after(async () => { await browser?.close(); });

async function shoot(name) {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000, `${file} has content`);
  console.log(`screenshot: ${file}`);
}

const stageText = async () => (await page.locator('.ex-stage').innerText()).trim();

// Record one session through the form: the rows come prefilled with the
// stage's exercises at their next level; pain 3/10, the next morning the
// same as usual.  Keeps the first `rows` rows.
let formShot = false;
async function session(rows = 2) {
  await page.goto(`${X}/sessions/new`);
  if (!formShot) { formShot = true; await shoot('exercise-session-form.png'); }
  await page.fill('input[name="pain"]', '3');
  await page.check('input[name="nextMorning"][value="same"]');
  for (let r = rows + 1; r <= 6; r++) await page.selectOption(`select[name="ex${r}"]`, '');
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]:has-text("Record the session")')]);
  if (!/\/exercise$/.test(page.url())) assert.fail(`session refused: ${(await page.locator('main').innerText()).slice(0, 1500)}`);
}

async function moveOn(label) {
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${label}")`)]);
  assert.match(page.url(), /\/exercise$/);
}

test('a patient moves from corrective to qi gong to loading through the pages', async () => {
  await page.goto(X);
  assert.equal(await stageText(), 'Not started');
  assert.match(await page.locator('.ex-next').innerText(), /gains are stabilizing/);
  await shoot('exercise-0-not-started.png');
  await moveOn('Start corrective exercise');
  assert.equal(await stageText(), 'Corrective exercise');

  for (let i = 0; i < 2; i++) await session();
  assert.match(await page.locator('.ex-gate').innerText(), /Gate closed: 2 of 3 sessions/);
  await session();
  assert.match(await page.locator('.ex-gate').innerText(), /Gate open: .*ready for Qi gong/);
  await shoot('exercise-1-corrective-gate-open.png');
  await moveOn('Move on to Qi gong');
  assert.equal(await stageText(), 'Qi gong');

  for (let i = 0; i < 3; i++) await session(8 > 6 ? 6 : 6);
  assert.match(await page.locator('.ex-gate').innerText(), /Gate open/);
  await shoot('exercise-2-qigong-gate-open.png');
  await moveOn('Move on to Progressive loading');
  assert.equal(await stageText(), 'Progressive loading');

  // two loading sessions inside the model: the goblet squat steps up
  // (8 kg is light for a 1 kg step: one more set)
  await session(3);
  await session(3);
  const squat = page.locator('figure#load-goblet-squat');
  assert.match(await squat.locator('figcaption').innerText(), /next 4 x 8 at 8 kg/);
  assert.equal(await squat.locator('svg.ex-chart circle').count(), 3, 'two sessions and the next level');
  await shoot('exercise-3-loading.png');

  // the home routine: what was mastered, with the tools
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save the reviewed routine")')]);
  assert.match(await page.locator('.ex-routine').innerText(), /exists since .* practised for 0 weeks/);
  await shoot('exercise-4-episode-section.png');
});

test('the handout fits one printed A4 page and reads on a phone', async () => {
  await page.goto(`${X}/handout`);
  const text = await page.locator('main').innerText();
  assert.match(text, /Your home routine/);
  assert.match(text, /Riverside Pain Clinic/);
  assert.match(text, /Dead bug/);
  assert.match(text, /Holding up the sky with both hands/);
  assert.match(text, /If it flares/);
  assert.doesNotMatch(text, /dead-bug|bdj-|goblet-squat|urn:cairn/, 'no internal codes');
  await page.emulateMedia({ media: 'print' });
  await shoot('exercise-5-handout-print.png');
  const pdf = await page.pdf({ format: 'A4', printBackground: false });
  writeFileSync(path.join(ARTIFACTS, 'exercise-handout.pdf'), pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.equal(pages, 1, `the handout prints on ${pages} A4 pages`);
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${X}/handout`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`);
  await shoot('exercise-6-handout-phone.png');
});

test('the library shows every exercise with its drawing', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${srv.base}/exercises`);
  assert.equal(await page.locator('svg.ex-figure').count(), await page.locator('article.ex-card').count());
  assert.ok(await page.locator('article.ex-card').count() >= 30);
  await shoot('exercise-7-library.png');
});
