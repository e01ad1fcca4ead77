// Headless Chromium prescribes Du Huo Ji Sheng Tang for an enrolled patient
// who takes warfarin, as a clinician would: opens the form from the
// formula, submits it, sees the warnings beside each herb (doses outside
// the usual range, Dang Gui with warfarin), acknowledges them and saves;
// then prints the patient's instructions (print emulation) and the
// dispensing sheet.  Full-page screenshots go to tests/artifacts/herbal-*.png:
// look at them.  Needs the program plugin (patients, episodes).
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, COOKIE_SESSION, browserSessionCookie } from '../lib/harness.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const today = new Date().toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

const srv = useCairn();
let browser, web, sid, pid, eid;

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
  const loc = await post('/patients', X('Patient', '<identifier>H-WANG</identifier><name>Mei Wang</name><gender>female</gender><birthDate>1961-09-14</birthDate>'));
  pid = Number(/\/patients\/(\d+)/.exec(loc)[1]);
  const eloc = await post(`/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${today}</periodStart><primaryInstrument>odi</primaryInstrument><phase>enrolled</phase>`));
  eid = Number(/episodes\/(\d+)/.exec(eloc)[1]);
  const r = await web.postForm(`/patients/${pid}/herbal/medicines`,
    { pregnancy: 'not-pregnant', 'medicine-1': 'Coumadin (warfarin) 5 mg at night', 'medicine-2': 'Ramipril 5 mg' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); });

async function openPage(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([browserSessionCookie(srv.base, sid)]);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' || /favicon\.ico$/.test(m.location()?.url ?? '')) return;
    if (/status of 422/.test(m.text())) return;   // a refused form, on purpose
    problems.push(`console: ${m.text()}`);
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

test('Du Huo Ji Sheng Tang for a patient on warfarin: warnings beside the herbs, saved once acknowledged, instructions printed', async () => {
  const { page, context, res, problems } = await openPage(
    `${srv.base}/patients/${pid}/herbal/prescribe?formula=du-huo-ji-sheng-tang&episode=${eid}`);
  try {
    assert.equal(res.status(), 200);
    assert.equal(await page.inputValue('#rx-herb-5-name'), 'Xi Xin');
    assert.equal(await page.inputValue('#rx-dosesPerDay'), '2', 'twice a day unless changed');
    await page.selectOption('#rx-dosesPerDay', '3');
    await page.fill('#rx-instructions', 'Take one cup warm in the morning, one at midday and one in the evening, away from meals.');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Prescribe")')]);
    const rows = page.locator('table.herbs tbody tr');
    const xiXin = await rows.nth(4).innerText();
    assert.match(xiXin, /Warning: Xi Xin \(细辛\): 6 g of raw herb a day is above the usual 1-3 g/);
    const dangGui = await rows.nth(12).innerText();
    assert.match(dangGui, /Dang Gui \(当归\) with warfarin/);
    assert.ok(await page.locator('text=I have read the warnings').isVisible());
    await shoot(page, 'herbal-prescribe-warnings.png');

    await page.check('input[name=acknowledged]');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Prescribe")')]);
    assert.match(page.url(), new RegExp(`/patients/${pid}/herbal/prescriptions/\\d+$`));
    const main = await page.locator('main').innerText();
    assert.match(main, /Version 1/);
    await shoot(page, 'herbal-prescription.png');

    await Promise.all([page.waitForNavigation(), page.click('text=Patient instructions (print)')]);
    await page.emulateMedia({ media: 'print' });
    const handout = await page.locator('article.handout').innerText();
    assert.match(handout, /Your herbal medicine/);
    assert.match(handout, /Cairn test clinic|Cairn/);
    assert.match(handout, /Take one cup warm in the morning/);
    assert.match(handout, /Take it 3 times a day, in the morning, at midday and in the evening: each time, drink a third of the day's liquid/);
    assert.doesNotMatch(handout, /du-huo|chp2020|herbal:/, 'no internal codes');
    assert.equal(await page.locator('header.site nav').isVisible(), false, 'the navigation is not printed');
    await shoot(page, 'herbal-instructions-print.png');

    await page.emulateMedia({ media: 'screen' });
    await page.goBack();
    await Promise.all([page.waitForNavigation(), page.click('text=Dispensing sheet (print)')]);
    await page.emulateMedia({ media: 'print' });
    const sheet = await page.locator('main').innerText();
    assert.match(sheet, /Total for the whole prescription: 1302 g/);
    assert.match(sheet, /3 times a day/);
    assert.match(sheet, /Du Huo[^\n]*\t9\t3\t14\t126/, 'Du Huo 9 g a day is 3 g a dose');
    await shoot(page, 'herbal-dispensing-print.png');

    // The episode page carries the herbal section (kit sections, slot
    // "episode"): the prescription, doses, the refill due, links to act.
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${srv.base}/patients/${pid}/episodes/${eid}`, { waitUntil: 'load' });
    const section = page.locator('#section-herbal-episode');
    const st = await section.innerText();
    assert.match(st, /Du Huo Ji Sheng Tang( \(modified\))?, raw herbs for decoction, \d+ days from/);
    assert.match(st, /Next refill\s+due/);
    assert.ok(await section.locator('a:has-text("Record a refill")').isVisible());
    const file = path.join(ARTIFACTS, 'herbal-episode-section.png');
    await section.screenshot({ path: file });
    assert.ok(statSync(file).size > 5000, `${file} has content`);
    console.log(`screenshot: ${file}`);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});
