// Headless Chromium at a phone's size (390x844) on the patient's own
// pages (docs/patient.md): home, the diary check, "I'm having a flare",
// the summary so far, and the graduation summary of the demo seed's
// graduated patient, each saved as a full-page screenshot in
// tests/artifacts/patient-*.png (look at them).  Every form field has a
// label; nothing overflows the phone's width; no console errors.  Then the
// clinician's chart with the patient's diary entry drawn apart.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, STAFF, run } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-patient-browser-'));
const sink = await spawnSink(path.join(work, 'sink'));
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';

const SEED = path.join(REPO, 'scripts', 'seed-demo.mjs');
const srv = useCairn({
  publicUrl: PUBLIC, clinicName: 'Riverside Pain Clinic', intakeSettings: { 'min-seconds': '1' },
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' },
});
const DAY = 86400000;
const today = new Date();
const ago = (n) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);

let browser, link, eid, episodePath, chartPath;

before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  const web = await srv.as('clinician');
  let r = await web.postForm('/patients', { identifier: 'PT-PHONE', name: 'Ann Phone', gender: 'female', birthDate: '1970-05-01' });
  const pid = Number(/^\/patients\/(\d+)$/.exec(r.headers.location)[1]);
  r = await web.postForm(`/patients/${pid}/episodes`, { cohort: 'program', periodStart: ago(20), primaryInstrument: 'nrs' });
  eid = Number(/episodes\/(\d+)$/.exec(r.headers.location)[1]);
  const E = `/patients/${pid}/episodes/${eid}`;
  episodePath = E;
  chartPath = `/patients/${pid}`;
  await web.postForm(`/patients/${pid}/observations`,
    { instrument: 'nrs', effective: ago(20), timepoint: 'baseline', episode: String(eid), 'answer.pain': '8' });
  await web.postForm(`${E}/moves`, { form: 'move', to: 'introductory', date: ago(19) });
  for (const [d, s] of [[14, 7], [7, 6], [2, 5]])
    await web.postForm(`/patients/${pid}/observations`,
      { instrument: 'nrs', effective: ago(d), timepoint: '', episode: String(eid), 'answer.pain': String(s) });
  await web.postForm(`${E}/visits`, { date: ago(-2), type: 'needling', state: 'planned', notes: 'staff-only note' });
  r = await web.postForm(`${E}/patient-link`, { email: 'ann@example.org', diary: 'daily' });
  assert.equal(r.status, 303, r.body.slice(0, 500));
  const page = await web.get(r.headers.location);
  link = /value="https:\/\/clinic\.example\/riverside(\/c\/[A-Za-z0-9_-]{43})"/.exec(page.body)[1];
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); sink.stop(); rmSync(work, { recursive: true, force: true }); });

async function shoot(page, name) {
  const file = path.join(ARTIFACTS, `patient-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000, `${file} has content`);
  console.log(`screenshot: ${file}`);
}

// Every visible control has a label; nothing is wider than the phone.
async function checkPage(page) {
  const unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
    els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.name || e.id));
  assert.deepEqual(unlabelled, []);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `page is ${wide}px wide`);
  const small = await page.$$eval('main button, main a.button', (els) =>
    els.filter((e) => e.getBoundingClientRect().height < 44).map((e) => e.textContent.trim()));
  assert.deepEqual(small, [], 'touch targets at least 44px high');
}

test('the patient on a phone: home, diary, flare, summary', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' || /favicon\.ico$/.test(m.location()?.url ?? '')) return;
    problems.push(`${m.text()} ${m.location()?.url ?? ''}`);
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(srv.base + link);
  assert.equal(new URL(page.url()).pathname, `/p/${eid}`);
  assert.match(await page.textContent('body'), /Riverside Pain Clinic/);
  assert.doesNotMatch(await page.textContent('body'), /staff-only note/);
  await checkPage(page);
  await shoot(page, 'home');

  await page.click('text=Do today\'s check');
  await page.fill('#diary-item-pain', '4');
  await page.fill('#diary-note', 'Slept better.');
  await checkPage(page);
  await shoot(page, 'diary');
  await page.click('button:has-text("Save today\'s check")');
  assert.match(await page.textContent('body'), /today's check is saved/);
  await shoot(page, 'home-after-diary');

  await page.click('.pt-big:has-text("I\'m having a flare")');
  await page.check('input[name=severity][value=moderate]');
  await page.fill('#flare-trigger', 'Lifting boxes');
  await checkPage(page);
  await shoot(page, 'flare');
  await page.click('button:has-text("Tell my clinic")');
  assert.match(await page.textContent('body'), /told about the flare/);

  await page.goto(`${srv.base}/p/${eid}/summary`);
  await checkPage(page);
  await shoot(page, 'summary');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a graduated patient on a phone: their graduation summary, printable, one column', { timeout: 240000 }, async () => {
  const r = run(process.execPath, [SEED, '--url', srv.base, '--user', STAFF.clinician.username,
    '--desk-user', STAFF['front-desk'].username, '--json'], {
    env: { CAIRN_SEED_PASSWORD: STAFF.clinician.password, CAIRN_SEED_DESK_PASSWORD: STAFF['front-desk'].password },
    timeoutMs: 200000 });
  assert.equal(r.code, 0, `seed: ${r.stderr}${r.stdout}`);
  const web = await srv.as('clinician');
  const list = await web.get('/patients?q=SEED-01');
  const pid = /href="\/patients\/(\d+)"/.exec(list.body)[1];
  const chart = await web.get(`/patients/${pid}`);
  const geid = /\/patients\/\d+\/episodes\/(\d+)/.exec(chart.body)[1];
  const issued = await web.postForm(`/patients/${pid}/episodes/${geid}/patient-link`, { email: 'ruth@example.org', diary: 'weekly' });
  assert.equal(issued.status, 303, issued.body.slice(0, 500));
  const shown = await web.get(issued.headers.location);
  const glink = /value="https:\/\/clinic\.example\/riverside(\/c\/[A-Za-z0-9_-]{43})"/.exec(shown.body)[1];

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(srv.base + glink);
  await page.goto(`${srv.base}/p/${geid}/summary`);
  const text = await page.textContent('main');
  assert.match(text, /Your graduation summary/);
  assert.match(text, /You graduated from the care program on \d{4}-\d\d-\d\d/);
  assert.match(text, /Climb the stairs at home/, 'their goals');
  assert.match(text, /How well you can do it, out of 10: \d+ at the start, \d+ now\./, 'where they began and where they are');
  assert.match(text, /Your goal: \d+(, reached)?\./);
  assert.doesNotMatch(text, /justification|entered-in-error|urn:cairn|LOINC|72514|91148/i);
  await checkPage(page);
  await shoot(page, 'graduation-summary');
  // printed, it is one column that fits the page
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('nav.pt-nav').isVisible(), false, 'navigation is not printed');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `printed page is ${wide}px wide`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the clinician re-issues the link in the browser: the redirect shows it once, with a Copy button', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' || /favicon\.ico$/.test(m.location()?.url ?? '')) return;
    problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${srv.base}/sign-in`);
  await page.getByLabel('User name').fill(STAFF.clinician.username);
  await page.getByLabel('Password').fill(STAFF.clinician.password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.goto(`${srv.base}${episodePath}`);
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Patient\'s page")')]);
  await page.getByLabel('The patient\'s email address').fill('ann@example.org');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Issue a new link")')]);
  const url = await page.inputValue('#patient-url');
  assert.match(url, /^https:\/\/clinic\.example\/riverside\/c\/[A-Za-z0-9_-]{43}$/);
  assert.equal(await page.locator('button:has-text("Copy the link")').count(), 1);
  await shoot(page, 'staff-link');
  // The chart: the patient's diary entry is an open circle off the line,
  // marked patient-reported in the table, with entered-in-error.
  await page.goto(`${srv.base}${chartPath}`);
  assert.equal(await page.locator('svg circle.point.patient').count(), 1);
  assert.equal(await page.locator('td:has-text("patient-reported")').count(), 1);
  assert.equal(await page.locator('tr:has(td:has-text("patient-reported")) .badge.good').count(), 0,
    'a diary entry never carries the 50% badge');
  assert.equal(await page.locator('button:has-text("Mark entered in error")').count(), 1);
  await shoot(page, 'staff-chart');
  await page.reload();
  assert.equal(await page.locator('#patient-url').count(), 0, 'shown once');
  assert.deepEqual(problems, []);
  await context.close();
});
