// Headless Chromium (Debian's package, driven by playwright-core) opens a
// partner's handoff page as the partner would: from the link in the email
// the clinic sent, on a phone (390 x 844), acknowledges the referral and
// sends a note back; the same page printed (print emulation) keeps what
// was shared and drops the forms.  A clinician's referral page and letter
// are shot too.  Every page is checked for console errors (a CSP
// violation shows up there); screenshots go to
// tests/artifacts/referral-*.png: look at them.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, STAFF } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';
import { CANARY, SUMMARY, patientWithEpisode, graduatedPatient, addPartner, writeReferral, send } from '../lib/referral.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PUBLIC = 'https://clinic.example';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-referral-browser-'));
const sinkDir = path.join(work, 'sink');
const sink = await spawnSink(sinkDir);
const srv = useCairn({
  publicUrl: PUBLIC,
  clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, from: 'desk@clinic.example', timeout: 5 },
  referralSettings: { 'clinic-phone': '+44 20 7946 0000', 'clinic-email': 'desk@clinic.example',
                      'clinic-address': '12 River Street, London' },
});
let browser;
let who, referral, link, grad;

before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const clin = await srv.as('clinician');
  who = await patientWithEpisode(clin, 'REF-B1', 'Rhea Referred');
  const partner = await addPartner(clin, { name: 'Tom Trainer', organisation: 'Strong Studio',
    email: 'tom@partner.example', tags: 'post-rehab-strength running' });
  await addPartner(clin, { name: 'Mia Masseur', discipline: 'massage-therapist', email: 'mia@partner.example',
    tags: 'maintenance' });
  grad = await graduatedPatient(clin, 'REF-B2', 'Gina Graduate');
  referral = await writeReferral(clin, who, partner, ['measure.nrs']);
  ({ link } = await send(srv, sinkDir, PUBLIC, clin, who, referral, 'tom@partner.example'));
});

after(async () => {
  await browser?.close();
  sink.stop();
  rmSync(work, { recursive: true, force: true });
});

// A fresh browser profile that records problems.
async function person(options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/favicon\.ico$/.test(m.location()?.url ?? '')) return;
    if (/status of 4(09|10|22)/.test(m.text())) return;
    problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page, problems };
}

async function shoot(page, name, part = null) {
  const file = path.join(ARTIFACTS, `referral-${name}.png`);
  if (part) await page.locator(part).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000, `${file} has content`);
  console.log(`screenshot: ${file}`);
}

test('the partner opens the link on a phone, acknowledges, sends a note; the page prints without its forms', async () => {
  const { context, page, problems } = await person({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  await page.goto(`${srv.base}${link}`);
  assert.equal(new URL(page.url()).pathname, `/handoff/${referral}`);
  assert.equal(await page.title(), 'Referral from Riverside Pain Clinic · Riverside Pain Clinic');
  const text = await page.textContent('main');
  assert.match(text, /Rhea Referred/);
  assert.ok(text.includes(SUMMARY));
  assert.ok(!text.includes(CANARY), 'an unshared goal is not on the page');
  assert.equal(await page.locator('svg.chart').count(), 1, 'the primary measure\'s chart');
  // Phone-first: nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
  await shoot(page, 'handoff-phone');

  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Acknowledge receipt' }).click()]);
  assert.equal(await page.getByRole('button', { name: 'Acknowledge receipt' }).count(), 0);
  await page.getByLabel('Note to the clinic').last().fill('Booked for Tuesday at 9; we will send our plan.');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send the note' }).click()]);
  assert.match(await page.textContent('main'), /Booked for Tuesday at 9/);
  await shoot(page, 'handoff-phone-after');

  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('form').first().isVisible(), false, 'print drops the forms');
  assert.ok(await page.locator('svg.chart').isVisible(), 'print keeps the chart');
  await shoot(page, 'handoff-print');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the clinician sees the note on the referral, and the letter prints', async () => {
  const { context, page, problems } = await person({ viewport: { width: 1100, height: 900 } });
  const a = STAFF.clinician;
  await page.goto(`${srv.base}/sign-in`);
  await page.getByLabel('User name').fill(a.username);
  await page.getByLabel('Password').fill(a.password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.goto(`${srv.base}/patients/${who.pid}/referrals/${referral}`);
  assert.match(await page.textContent('main'), /Acknowledged, [0-9-]+, by Tom Trainer \(partner\)/);
  await shoot(page, 'staff-referral');
  await page.goto(`${srv.base}/patients/${who.pid}/referrals/${referral}/letter`);
  await page.emulateMedia({ media: 'print' });
  assert.match(await page.textContent('main'), /Dear Tom Trainer/);
  await shoot(page, 'letter-print');
  await page.emulateMedia({ media: 'screen' });
  // The episode page and the chart carry the referral and the note back.
  await page.goto(`${srv.base}/patients/${who.pid}/episodes/${who.eid}`);
  assert.match(await page.textContent('#section-referral-episode'), /Tom Trainer \(partner\), [0-9-]+: Booked for Tuesday at 9/);
  await shoot(page, 'episode-section', '#section-referral-episode');
  await page.goto(`${srv.base}/patients/${who.pid}`);
  assert.match(await page.textContent('#section-referral-chart'), /Acknowledged since/);
  await shoot(page, 'chart-section', '#section-referral-chart');
  // Graduation offers "refer onward" by tag; a tag's link filters the
  // directory to the partners trusted for it.
  await page.goto(`${srv.base}${grad.E}/graduation`);
  await shoot(page, 'graduation', '#section-referral-graduation');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Refer onward: running' }).click()]);
  const options = await page.locator('select[name="partner"] option').allTextContents();
  assert.ok(options.some((o) => /Tom Trainer/.test(o)), options.join(' | '));
  assert.ok(!options.some((o) => /Mia Masseur/.test(o)), options.join(' | '));
  await shoot(page, 'onward-new');
  assert.deepEqual(problems, []);
  await context.close();
});
