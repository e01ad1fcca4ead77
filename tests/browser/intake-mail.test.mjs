// Headless Chromium (Debian's package, driven by playwright-core): the
// front desk emails a patient's intake link from the queue page, on a
// phone and on a desktop.  The POST lands, by a redirect, on the intake's
// page showing the full link once in a read-only field with the copy
// button (/static/copy.js); a reload shows it no more.  Screenshots in
// tests/artifacts/intake-mail-*.png: look at them.
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
import { sendRequest, Visitor, goodFit } from '../lib/intake.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PUBLIC = 'https://clinic.example';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-intake-mail-browser-'));
const sink = await spawnSink(path.join(work, 'sink'));
const srv = useCairn({
  publicUrl: PUBLIC,
  clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, timeout: 2, from: 'desk@clinic.example' },
  intakeSettings: { 'min-seconds': '1' },
});
let browser, desk;

before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  desk = await srv.as('front-desk');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  sink.stop();
  rmSync(work, { recursive: true, force: true });
});

let host = 60;
async function openIntake(name) {
  const r = await sendRequest(new Visitor(srv.base, `127.0.0.${host++}`), { name });
  assert.equal(r.status, 303);
  return (await goodFit(desk, name)).intakeId;
}

async function shoot(page, name) {
  const file = path.join(ARTIFACTS, `intake-mail-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000, `${file} has content`);
  console.log(`screenshot: ${file}`);
}

for (const [label, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1100, height: 900 }]]) {
  test(`${label}: the queue page emails an intake link and shows it in full once, with a copy button`, async () => {
    const name = label === 'phone' ? 'Penny Phone' : 'Dora Desktop';
    const intakeId = await openIntake(name);
    const context = await browser.newContext({ viewport });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.base });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 422/.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    const a = STAFF['front-desk'];
    await page.goto(`${srv.base}/sign-in`);
    await page.getByLabel('User name').fill(a.username);
    await page.getByLabel('Password').fill(a.password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);

    await page.goto(`${srv.base}/intake`);
    await page.getByLabel('Which intake').selectOption(String(intakeId));
    // A bad address first: the form again, with the message on its field.
    await page.getByLabel("The patient's email address").fill('penny@example');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Issue and email the link' }).click()]);
    assert.match(await page.locator('#e-send-email').innerText(), /\S/);
    await shoot(page, `${label}-1-refused`);
    await page.getByLabel("The patient's email address").fill(`${name.split(' ')[0].toLowerCase()}@example.org`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Issue and email the link' }).click()]);
    assert.match(new URL(page.url()).pathname + new URL(page.url()).search, new RegExp(`^/intake/${intakeId}\\?issued=\\d+$`));

    const url = await page.inputValue('#patient-url');
    assert.match(url, /^https:\/\/clinic\.example\/c\/[A-Za-z0-9_-]{43}$/);
    assert.equal(await page.locator('#patient-url').getAttribute('readonly'), '');
    const copy = page.getByRole('button', { name: 'Copy the link' });
    await copy.click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
    // Nothing overflows the phone's width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page wider than the viewport by ${overflow}px`);
    await shoot(page, `${label}-2-issued`);

    await page.reload();
    assert.equal(await page.locator('#patient-url').count(), 0, 'a reload shows the link no more');
    assert.match(await page.locator('#h-link').locator('..').innerText(), /emailed to/);
    // The queue after issuing: where the link went, not the link.
    await page.goto(`${srv.base}/intake`);
    assert.match(await page.locator('table').nth(0).innerText(), new RegExp(`${name}[\\s\\S]*emailed to`));
    assert.equal(await page.locator('text=/\\/c\\/[A-Za-z0-9_-]{43}/').count(), 0);
    await shoot(page, `${label}-3-queue-after`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
