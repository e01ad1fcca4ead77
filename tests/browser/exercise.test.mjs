// Headless Chromium (Debian's package, driven by playwright-core) on the
// exercise plugin's pages: a patient in the monthly program with gains
// held is moved, through the pages' own forms, from not started to
// corrective exercise, to qi gong, to progressive loading (three sessions
// inside the pain-monitoring model open each gate), with a load step after
// two loading sessions; the home routine is reviewed, and its handout is
// printed: it must fit one A4 page (counted in the PDF Chromium prints)
// and read on a phone.  The patient opens their routine from their own
// page on a phone and logs a session and its next morning.  The program's
// episode page carries the exercise
// section (stage, gate, next step, routine and weeks, links) and the staff
// home the gates open.  Screenshots go to tests/artifacts/exercise-*.png.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, COOKIE_SESSION, browserSessionCookie } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DAY = 86400000;
const now = new Date();
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const P = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

// Mail and a public address: the patient's personal link is emailed.
const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-exercise-browser-'));
const sink = await spawnSink(path.join(work, 'sink'));
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';
const srv = useCairn({
  clinicName: 'Riverside Pain Clinic', publicUrl: PUBLIC,
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' },
});
let browser, web, sid, context, page;
let X, EP, patientLink;

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
  EP = `${srv.base}${E}`;

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

after(async () => { await browser?.close(); sink.stop(); rmSync(work, { recursive: true, force: true }); });

async function shoot(name) {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000, `${file} has content`);
  console.log(`screenshot: ${file}`);
}

// A screenshot of one element (a section of a page).
async function shootPart(locator, name) {
  const file = path.join(ARTIFACTS, name);
  await locator.screenshot({ path: file });
  assert.ok(statSync(file).size > 2000, `${file} has content`);
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
  // the staff home lists her among the gates open
  await page.goto(`${srv.base}/`);
  assert.match(await page.locator('#section-exercise-dashboard').innerText(), /Gate open\s+Maya Mover: .*ready for Qi gong/);
  await shootPart(page.locator('#section-exercise-dashboard'), 'exercise-9-dashboard-gate-open.png');
  await page.goto(X);
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

test('the program\'s episode page carries the exercise section, and the staff home the open gates', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(EP);
  const part = page.locator('#section-exercise-episode');
  const text = await part.innerText();
  assert.match(text, /Stage\s+Progressive loading, since/);
  assert.doesNotMatch(text, /Closed/, 'no gate after the last stage');
  assert.match(text, /Next step\s+Step each exercise's load up/);
  assert.match(text, /Home routine\s+Since \d{4}-\d\d-\d\d: 0 weeks practised/);
  for (const label of ['Record a session', 'The handout', 'The exercise page'])
    assert.equal(await part.locator(`a:has-text("${label}")`).count(), 1, label);
  await shootPart(part, 'exercise-8-episode-page-section.png');
  // the link to the handout opens it
  await Promise.all([page.waitForNavigation(), part.locator('a:has-text("The handout")').click()]);
  assert.match(page.url(), /\/exercise\/handout$/);
  await page.goto(`${srv.base}/`);
  const dash = page.locator('#section-exercise-dashboard');
  assert.equal(await dash.count(), 1);
  assert.match(await dash.innerText(), /No exercise gate is open/);
  await shootPart(dash, 'exercise-9-dashboard-none.png');
});

test('the patient logs a session of their routine on a phone, then its next morning', async () => {
  const eid = /episodes\/(\d+)$/.exec(EP)[1];
  const r = await web.postForm(`${EP.slice(srv.base.length)}/patient-link`, { email: 'maya@example.org', diary: 'weekly' });
  assert.equal(r.status, 303, r.body.slice(0, 500));
  const link = /value="https:\/\/clinic\.example\/riverside(\/c\/[A-Za-z0-9_-]{43})"/.exec((await web.get(r.headers.location)).body)[1];
  patientLink = link;
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const p = await phone.newPage();
  p.on('pageerror', (e) => { throw e; });
  await p.goto(srv.base + link);
  await Promise.all([p.waitForNavigation(), p.click('a:has-text("Your home routine")')]);
  assert.equal(new URL(p.url()).pathname, `/p/${eid}/routine`);
  const text = await p.locator('main').innerText();
  assert.match(text, /Dead bug/);
  assert.match(text, /If it flares/);
  assert.doesNotMatch(text, /dead-bug|bdj-|goblet-squat|corrective|qigong/, 'no internal codes');
  const wide = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `no sideways scrolling on a phone (${wide}px)`);
  const file = path.join(ARTIFACTS, 'exercise-10-patient-routine-phone.png');
  await p.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  // tick the first two exercises, pain 2
  const boxes = p.locator('form#form-session input[type="checkbox"]');
  assert.ok(await boxes.count() >= 2);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await p.fill('form#form-session input[name="pain"]', '2');
  await Promise.all([p.waitForNavigation(), p.click('button:has-text("Save this session")')]);
  assert.match(await p.locator('main').innerText(), /your session is saved/);
  assert.match(await p.locator('main').innerText(), /How was the next morning\?/);
  await p.screenshot({ path: path.join(ARTIFACTS, 'exercise-11-patient-logged.png') });
  await Promise.all([p.waitForNavigation(), p.locator('form.ex-morning').first().locator('button:has-text("Same as usual")').click()]);
  assert.match(await p.locator('main').innerText(), /Thank you: saved/);
  await phone.close();
  // the clinician sees the session on the exercise page
  await page.goto(X);
  assert.match(await page.locator('main').innerText(), /Dead bug/);
});

test('graduation: the checklist computes the home routine; the summaries carry it', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(EP);
  const ev = page.locator('#evidence-home-routine');
  assert.match(await ev.innerText(), /Home routine written since \d{4}-\d\d-\d\d: 0 weeks practised, 8 exercises/);
  assert.equal(await page.locator('input[name="homeRoutine"]').count(), 0, 'no tick box');
  const eid = /episodes\/(\d+)$/.exec(EP)[1];
  await post(`${EP.slice(srv.base.length)}/moves`, P('PhaseChange', `<episode>${eid}</episode><to>graduated</to><date>${ago(0)}</date>`
    + '<justification>Goals reviewed in person: she is confident with the routine and moving abroad next month.</justification>'));
  await page.goto(`${EP}/graduation`);
  const g = page.locator('#section-exercise-graduation');
  const gt = await g.innerText();
  assert.match(gt, /Home routine handed over/);
  assert.match(gt, /Dead bug\s+2 x 8, 5 times a week\./);
  assert.match(gt, /If it flares/);
  await shootPart(g, 'exercise-12-graduation-summary-section.png');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const p = await phone.newPage();
  await p.goto(srv.base + patientLink);
  await p.goto(`${srv.base}/p/${eid}/summary`);
  const s = p.locator('#section-exercise-patient-summary');
  const st = await s.innerText();
  assert.match(st, /Your exercises at home/);
  assert.match(st, /Holding up the sky with both hands/);
  assert.doesNotMatch(st, /dead-bug|bdj-|corrective|qigong|flare-plan/, 'no internal codes');
  const file = path.join(ARTIFACTS, 'exercise-13-patient-summary-section.png');
  await s.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
  await phone.close();
});
