// Headless Chromium (Debian's package, driven by playwright-core) walks
// the intake as people would: a prospective patient asks for a discovery
// call with the keyboard only, the front desk schedules the call and marks
// a good fit, the patient fills in the questionnaire through the clinic's
// link, and a clinician enrols the patient into an episode with its
// baseline.  A second person's red-flag answer stops at the screen.  Every
// page is checked for console errors (a CSP violation shows up there) and
// saved as a full-page screenshot in tests/artifacts/intake-*.png: look at
// them.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, STAFF, sleep } from '../lib/harness.mjs';
import { FLAG_CODES, dbValue, sendRequest, Visitor, goodFit } from '../lib/intake.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const srv = useCairn({ intakeSettings: { 'min-seconds': '1' } });
let browser;

before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); });

// A fresh browser profile (its own cookies) that records problems.
async function person() {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/favicon\.ico$/.test(m.location()?.url ?? '')) return;
    // A refused form is answered 4xx on purpose; Chromium logs that.
    if (/status of 4(09|10|22|29)/.test(m.text())) return;
    problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page, problems };
}

async function shoot(page, name) {
  const file = path.join(ARTIFACTS, `intake-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000, `${file} has content`);
  console.log(`screenshot: ${file}`);
}

async function signIn(page, role) {
  const a = STAFF[role];
  await page.goto(`${srv.base}/sign-in`);
  await page.getByLabel('User name').fill(a.username);
  await page.getByLabel('Password').fill(a.password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
}

async function submit(page, name) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).click()]);
}

test('a prospective patient goes from the public request to an enrolled episode with a baseline', async () => {
  // ---- the public request, keyboard only
  const visitor = await person();
  const v = visitor.page;
  await v.goto(`${srv.base}/request-a-call`);
  assert.equal(await v.title(), 'Ask for a free discovery call · Cairn test clinic');
  // Sending it empty shows each message next to its field.
  await sleep(1100);
  await submit(v, 'Send my request');
  assert.match(await v.title(), /^Not sent/);
  assert.equal(await v.getByLabel('Your name').getAttribute('aria-invalid'), 'true');
  await shoot(v, '01-request-errors');
  // Tab from the top of the page: skip link, brand, then the fields in
  // order (the honeypot is out of the tab order).
  await v.goto(`${srv.base}/request-a-call`);
  const order = [];
  for (let i = 0; i < 8; i++) {
    await v.keyboard.press('Tab');
    order.push(await v.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
  }
  assert.deepEqual(order.slice(2), ['f-name', 'f-contact', 'f-times', 'f-problem', 'f-consent', 'BUTTON'], order.join(' '));
  await v.getByLabel('Your name').focus();
  await v.keyboard.type('Nora Newcomer');
  await v.keyboard.press('Tab');
  await v.keyboard.type('nora@example.org');
  await v.keyboard.press('Tab');
  await v.keyboard.type('Weekday evenings');
  await v.keyboard.press('Tab');
  await v.keyboard.type('Lower back pain for two years, worse after sitting.\nI cannot garden any more.');
  await v.keyboard.press('Tab');
  await v.keyboard.press('Space');
  await shoot(v, '02-request-filled');
  await sleep(1100);
  await v.keyboard.press('Tab');
  await Promise.all([v.waitForNavigation(), v.keyboard.press('Enter')]);
  assert.equal(new URL(v.url()).pathname, '/request-a-call/thanks');
  const thanks = await v.textContent('main');
  assert.match(thanks, /What happens next/);
  assert.doesNotMatch(thanks, /Nora|nora@example/);
  await shoot(v, '03-thanks');

  // ---- the front desk: queue, schedule, good fit, the patient's link
  const desk = await person();
  const d = desk.page;
  await signIn(d, 'front-desk');
  await d.goto(`${srv.base}/intake`);
  await shoot(d, '04-queue');
  await Promise.all([d.waitForNavigation(), d.getByRole('link', { name: 'Nora Newcomer' }).click()]);
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  await d.getByLabel('Date and time of the call').fill(`${tomorrow}T17:30`);
  await submit(d, 'Schedule');
  await Promise.all([d.waitForNavigation(), d.getByRole('link', { name: 'Nora Newcomer' }).click()]);
  await shoot(d, '05-request');
  await d.getByLabel('Good fit: create the patient and open the intake').check();
  await submit(d, 'Record the outcome');
  const intakePath = new URL(d.url()).pathname;
  assert.match(intakePath, /^\/intake\/\d+$/);
  await submit(d, 'Issue the link');
  // No public address in this config: the page shows the path, and says so.
  const link = await d.inputValue('#patient-url');
  assert.match(link, /^\/c\/[A-Za-z0-9_-]{43}$/);
  await shoot(d, '06-intake-link');

  // ---- the patient, through the link
  const pat = await person();
  const p = pat.page;
  await p.goto(`${srv.base}${link}`);
  assert.match(new URL(p.url()).pathname, /^\/intake\/\d+\/form$/);
  assert.equal(await p.getByLabel('Full name').inputValue(), 'Nora Newcomer');
  await p.getByLabel('Date of birth').fill('1968-07-14');
  await p.getByLabel('Female').check();
  await p.getByLabel('Phone or email').fill('nora@example.org');
  await submit(p, 'Save and continue');
  await p.getByLabel('Lower back').check();
  await p.getByLabel('Left hip or buttock').check();
  await p.getByLabel('How long has it lasted?').fill('2');
  await p.getByLabel('Unit').selectOption('years');
  await shoot(p, '07-pain');
  await submit(p, 'Save and continue');
  // A wrong dose is refused next to its field, the typed values kept.
  await p.locator('#f-med-1-name').fill('Paracetamol');
  await p.locator('#f-med-1-dose').fill('five hundred');
  await p.locator('#f-med-1-unit').selectOption('mg');
  await p.locator('#f-med-1-frequency').selectOption('four-times-daily');
  await p.getByLabel('I have no known allergies').check();
  await p.getByLabel('Does not apply to me').check();
  await submit(p, 'Save and continue');
  assert.match(await p.title(), /^Not saved/);
  assert.equal(await p.locator('#f-med-1-dose').getAttribute('aria-invalid'), 'true');
  assert.equal(await p.locator('#f-med-1-name').inputValue(), 'Paracetamol');
  await shoot(p, '08-medicines-error');
  await p.locator('#f-med-1-dose').fill('500');
  await submit(p, 'Save and continue');
  for (const c of FLAG_CODES) await p.locator(`#f-flag-${c}-no`).check();
  await shoot(p, '09-redflags');
  await submit(p, 'Save and continue');
  await p.getByLabel('Activity 1', { exact: true }).fill('Garden for an hour');
  await p.getByLabel('Activity 2', { exact: true }).fill('Sit through a concert');
  await p.getByLabel('Activity 3', { exact: true }).fill('Carry the shopping home');
  await submit(p, 'Save and continue');
  await p.locator('#f-m-nrs-pain').fill('7');
  await p.locator('#f-m-peg-pain').fill('7');
  await p.locator('#f-m-peg-enjoyment').fill('6');
  await p.locator('#f-m-peg-activity').fill('8');
  await p.locator('#f-m-psfs-a1').fill('2');
  await p.locator('#f-m-psfs-a2').fill('3');
  await p.locator('#f-m-psfs-a3').fill('4');
  // The patient at home is not asked the ODI / NDI (licensed wording).
  assert.equal(await p.locator('#f-function').count(), 0);
  assert.equal(await p.locator('#f-m-odi-s1').count(), 0);
  await shoot(p, '10-baseline');
  await submit(p, 'Save and continue');
  await p.getByLabel(/I have read and agree/).check();
  await p.getByLabel('Your full name, as your signature').fill('Nora Newcomer');
  // The fees the patient will enrol under, with the pricing page.
  const terms = await p.textContent('.terms');
  assert.match(terms, /Introductory phase\s*AUD 420/);
  assert.match(terms, /Monthly program\s*AUD 1,680/);
  assert.equal(await p.getByRole('link', { name: 'What each phase includes' }).getAttribute('href'), '/pricing');
  await shoot(p, '11-consent');
  await submit(p, 'Agree and send');
  assert.match(await p.textContent('main'), /Your answers are with the clinic/);
  await shoot(p, '12-done');
  // The link is spent: opening it again is refused.
  const again = await p.goto(`${srv.base}${link}`);
  assert.equal(again.status(), 410);

  // ---- the clinician enrols
  const clin = await person();
  const c = clin.page;
  await signIn(c, 'clinician');
  // The ODI from the clinic's paper form, on the staff's baseline page.
  await c.goto(`${srv.base}${intakePath}/form?section=baseline`);
  await c.locator('#f-function').selectOption('odi');
  for (let i = 1; i <= 10; i++) await c.locator(`#f-m-odi-s${i}`).fill(String(i % 4));
  await shoot(c, '12b-staff-baseline-odi');
  await submit(c, 'Save and continue');
  await c.goto(`${srv.base}${intakePath}`);
  assert.match(await c.textContent('main'), /No red flags/);
  await c.getByLabel(/Primary measure/).selectOption('peg');
  await shoot(c, '13-ready-to-enrol');
  await submit(c, 'Enrol');
  assert.match(new URL(c.url()).pathname, /^\/patients\/\d+$/);
  // The intake's medicines and red-flag screen stay on the chart.
  const fromIntake = await c.textContent('.from-intake');
  assert.match(fromIntake, /no red flags/);
  assert.match(fromIntake, /Paracetamol 500/);
  await shoot(c, '14-chart');
  const pid = Number(new URL(c.url()).pathname.split('/')[2]);
  assert.equal(dbValue(srv, `SELECT phase FROM p_program_episode WHERE patient = ${pid}`), 'introductory');
  assert.equal(dbValue(srv, `SELECT count(*) FROM p_program_observation WHERE patient = ${pid} AND timepoint = 'baseline'`), '4');

  for (const x of [visitor, desk, pat, clin]) {
    assert.deepEqual(x.problems, []);
    await x.context.close();
  }
});

test('a red-flag answer stops the intake at the screen', async () => {
  const v = new Visitor(srv.base, '127.0.0.77');
  assert.equal((await sendRequest(v, { name: 'Rafe Redflag' })).status, 303);
  const { intakeId } = await goodFit(await srv.as('front-desk'), 'Rafe Redflag');
  const desk = await person();
  const d = desk.page;
  await signIn(d, 'front-desk');
  await d.goto(`${srv.base}/intake/${intakeId}/form?section=redflags`);
  for (const c of FLAG_CODES) await d.locator(`#f-flag-${c}-${c === 'ce-bladder' ? 'yes' : 'no'}`).check();
  await submit(d, 'Save and continue');
  const clin = await person();
  const c = clin.page;
  await signIn(c, 'clinician');
  await c.goto(`${srv.base}/intake/${intakeId}`);
  const main = await c.textContent('main');
  assert.match(main, /1 positive answer/);
  assert.match(main, /possible cauda equina syndrome/);
  assert.match(main, /Enrolment is not possible yet/);
  assert.equal(await c.getByRole('button', { name: 'Enrol' }).count(), 0);
  await shoot(c, '15-red-flag');
  await c.goto(`${srv.base}/intake`);
  assert.match(await c.textContent('main'), /Referrals out to arrange/);
  await shoot(c, '16-queue-referral');
  for (const x of [desk, clin]) {
    assert.deepEqual(x.problems, []);
    await x.context.close();
  }
});
