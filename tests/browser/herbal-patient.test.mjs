// Headless Chromium at a phone's size (390x844) on the patient's own herbal
// page (/p/{e}/herbs, docs/herbal.md): the card on the home, today's herbs
// and how to take them, the doses of this week, a serious side effect;
// then the clinician's dashboard at desktop size showing it as an alert
// that asks for a stop or a change.  Full-page screenshots go to
// tests/artifacts/herbal-patient-*.png and herbal-dashboard.png (look at
// them).  Every field has a label; nothing overflows the phone's width; no
// console errors.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, COOKIE_SESSION, browserSessionCookie } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-herbal-browser-'));
const sink = await spawnSink(path.join(work, 'sink'));
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';

const srv = useCairn({
  publicUrl: PUBLIC, clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' },
});

const DAY = 86400000;
const now = new Date();
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);

let browser, web, link, eid;

before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  web = await srv.as('clinician');
  let r = await web.postForm('/patients', { identifier: 'HB-PHONE', name: 'Lin Phone', gender: 'female', birthDate: '1968-03-02' });
  const pid = Number(/^\/patients\/(\d+)$/.exec(r.headers.location)[1]);
  r = await web.postForm(`/patients/${pid}/episodes`, { cohort: 'program', periodStart: ago(10), primaryInstrument: 'nrs' });
  eid = Number(/episodes\/(\d+)$/.exec(r.headers.location)[1]);
  const E = `/patients/${pid}/episodes/${eid}`;
  await web.postForm(`${E}/moves`, { form: 'move', to: 'introductory', date: ago(5) });
  r = await web.postXml(`/patients/${pid}/herbal/prescriptions`, `<Prescription xmlns="urn:cairn:herbal">
  <subject>${pid}</subject><episode>${eid}</episode>
  <formula kind="modified">du-huo-ji-sheng-tang</formula><form>granules</form><ratio>5</ratio>
  <days>14</days><startDate>${ago(4)}</startDate><prescriber>test-clinician</prescriber>
  <instructions>Take it warm, away from meals.</instructions>
  <herb><name>Du Huo</name><grams>1.8</grams></herb><herb><name>Sang Ji Sheng</name><grams>2.4</grams></herb>
  <herb><name>Du Zhong</name><grams>2</grams></herb><herb><name>Niu Xi</name><grams>2</grams></herb>
  <acknowledged/>
</Prescription>`);
  assert.equal(r.status, 201, r.body.slice(0, 600));
  r = await web.postForm(`${E}/patient-link`, { email: 'lin@example.org', diary: 'daily' });
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
  const file = path.join(ARTIFACTS, `${name}.png`);
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
}

function watch(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' || /favicon\.ico$/.test(m.location()?.url ?? '')) return;
    problems.push(`${m.text()} ${m.location()?.url ?? ''}`);
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

test('the patient on a phone: the herbs card, today\'s herbs, doses this week, a serious side effect', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(srv.base + link);
  await Promise.all([page.waitForNavigation(), page.click('text=Your herbs today')]);
  assert.equal(new URL(page.url()).pathname, `/p/${eid}/herbs`);
  const body = await page.textContent('main');
  assert.match(body, /Du Huo Ji Sheng Tang/);
  assert.match(body, /Day 5 of 14/);
  assert.match(body, /Take it twice a day, in the morning and in the evening, between meals\./);
  assert.match(body, /Each time, dissolve half of the day's granules/);
  assert.match(body, /Take it warm, away from meals\./);
  assert.doesNotMatch(body, /du-huo-ji-sheng-tang|urn:cairn|chp2020|1\.8/);
  await checkPage(page);
  await shoot(page, 'herbal-patient-herbs');

  await page.fill('#doses-dosesTaken', '9');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  assert.match(await page.textContent('main'), /this week's doses are saved/);
  assert.match(await page.textContent('main'), /you told us 9/);

  await page.fill('#effect-what', 'Itchy rash and swollen lips');
  await page.check('input[name=severity][value=serious]');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Tell the clinic")')]);
  assert.match(await page.textContent('main'), /Stop taking the herbs now/);
  await checkPage(page);
  await shoot(page, 'herbal-patient-after-serious');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the clinician\'s dashboard asks for a stop or a change', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([browserSessionCookie(srv.base, web.cookie(COOKIE_SESSION))]);
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(`${srv.base}/`, { waitUntil: 'load' });
  const section = page.locator('#section-herbal-dashboard');
  const t = await section.innerText();
  assert.match(t, /Lin Phone/);
  assert.match(t, /serious adverse effect on \d{4}-\d\d-\d\d: asks for a stop or a change of the herbs/);
  const file = path.join(ARTIFACTS, 'herbal-dashboard.png');
  await section.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
  await Promise.all([page.waitForNavigation(), section.locator('a:has-text("Lin Phone: the prescription")').click()]);
  assert.match(await page.textContent('main'), /Itchy rash and swollen lips/);
  assert.deepEqual(problems, []);
  await context.close();
});
