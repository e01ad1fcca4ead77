// Headless Chromium (Debian's package, driven by playwright-core) on the
// front desk's day and the pages around it: the front desk starts on
// today's visits, the call queue and intakes waiting, opens a patient from
// the schedule onto the episode's visits page, books a visit, sends a bad
// date (the message next to the field, no clinical notes anywhere) and
// marks today's visit attended; the patient fills the baseline and reads
// the fees on a phone (390x844); the clinician sees the intake's
// medicines and red-flag screen on the chart and the episode page, and a
// new patient's link to enrolment.  Every page is checked for console
// errors (a CSP violation shows up there) and for a page no wider than
// its viewport; screenshots go to tests/artifacts/desk-*.png: look at them.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, STAFF } from '../lib/harness.mjs';
import { sendRequest, Visitor, goodFit, issueLink, sections, dbValue } from '../lib/intake.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DAY = 86400000;
const now = new Date();
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;
const NOTE = 'CANARY-VISITNOTE-left-shoulder';

const srv = useCairn({ intakeSettings: { 'min-seconds': '1' } });
let browser;
const ids = {};

async function post(c, p, xml) {
  const r = await c.postXml(p, xml);
  assert.equal(r.status, 303, `${p}: ${r.status} ${r.body.slice(0, 600)}`);
  return r.headers.location;
}

before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const clin = await srv.as('clinician');
  const desk = await srv.as('front-desk');
  // An intake through to enrolment (staff fill it), with medicines.
  assert.equal((await sendRequest(new Visitor(srv.base, '127.0.0.61'), { name: 'Dana Desk' })).status, 303);
  const { intakeId } = await goodFit(desk, 'Dana Desk');
  for (const s of sections({ name: 'Dana Desk' })) {
    const r = await desk.postForm(`/intake/${intakeId}/form`, s);
    assert.ok([200, 303].includes(r.status), `${s.section}: ${r.status}`);
  }
  const e = await clin.postForm(`/intake/${intakeId}/enrol`, { primary: 'nrs' });
  assert.equal(e.status, 303, e.body.slice(0, 600));
  ids.pid = Number(/\/patients\/(\d+)$/.exec(e.headers.location)[1]);
  ids.eid = Number(dbValue(srv, `SELECT record FROM p_program_episode WHERE patient = ${ids.pid}`));
  ids.E = `/patients/${ids.pid}/episodes/${ids.eid}`;
  await post(clin, `${ids.E}/visits`, X('Encounter', `<episode>${ids.eid}</episode><date>${ago(0)}</date><type>needling</type><state>finished</state><notes>${NOTE}</notes>`));
  await post(clin, `${ids.E}/visits`, X('Encounter', `<episode>${ids.eid}</episode><date>${ago(0)}</date><type>herbal-review</type><state>planned</state>`));
  // A call waiting, and an intake in progress with its link.
  assert.equal((await sendRequest(new Visitor(srv.base, '127.0.0.62'), { name: 'Cal Caller' })).status, 303);
  assert.equal((await sendRequest(new Visitor(srv.base, '127.0.0.63'), { name: 'Pia Phone' })).status, 303);
  ({ intakeId: ids.phoneIntake } = await goodFit(desk, 'Pia Phone'));
  for (const s of sections({ name: 'Pia Phone' }).slice(0, 5)) {
    assert.equal((await desk.postForm(`/intake/${ids.phoneIntake}/form`, s)).status, 303, s.section);
  }
  ids.link = await issueLink(desk, ids.phoneIntake);
});

after(async () => { await browser?.close(); });

async function person(viewport = { width: 1100, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/favicon\.ico$/.test(m.location()?.url ?? '')) return;
    if (/status of 4(09|22)/.test(m.text())) return;   // refusals on purpose
    problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { context, page, problems };
}

// A full-page screenshot, and the page fits its viewport's width (nothing
// to scroll sideways on a phone).
async function shoot(page, name) {
  const file = path.join(ARTIFACTS, `desk-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000, `${file} has content`);
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, `${name}: the page is ${over}px wider than its viewport`);
  console.log(`screenshot: ${file}`);
}

async function signIn(page, role) {
  const a = STAFF[role];
  await page.goto(`${srv.base}/sign-in`);
  await page.getByLabel('User name').fill(a.username);
  await page.getByLabel('Password').fill(a.password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
}

async function click(page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

test('front desk: home, schedule, the visits page, a refused booking, a booking, attended', async () => {
  const desk = await person();
  const d = desk.page;
  await signIn(d, 'front-desk');
  await d.goto(`${srv.base}/`);
  const home = await d.textContent('main');
  assert.match(home, /Today’s visits/);
  assert.match(home, /Dana Desk/);
  assert.match(home, /Calls to make[\s\S]*Cal Caller/);
  assert.match(home, /Intakes waiting[\s\S]*Pia Phone/);
  assert.doesNotMatch(home, /cohort/i);
  await shoot(d, '01-home');

  await d.goto(`${srv.base}/schedule`);
  await shoot(d, '02-schedule');
  await click(d, d.getByRole('link', { name: 'Dana Desk' }).first());
  assert.equal(new URL(d.url()).pathname, `${ids.E}/visits`);
  assert.ok(!(await d.content()).includes(NOTE), 'no visit notes');
  await shoot(d, '03-visits');

  await d.locator('#visit-date').fill('31/12/2026');
  await click(d, d.getByRole('button', { name: 'Save the visit' }));
  assert.match(await d.title(), /^Not saved/);
  assert.equal(await d.locator('#visit-date').getAttribute('aria-invalid'), 'true');
  assert.ok(!(await d.content()).includes(NOTE), 'no visit notes after a refusal');
  await shoot(d, '04-visits-refused');

  await d.locator('#visit-date').fill(ago(-7));
  await click(d, d.getByRole('button', { name: 'Save the visit' }));
  assert.equal(new URL(d.url()).pathname, `${ids.E}/visits`);
  await click(d, d.getByRole('button', { name: 'Attended' }).first());
  assert.equal(dbValue(srv, `SELECT count(*) FROM p_program_encounter WHERE episode = ${ids.eid} AND state = 'planned'`), '1');
  await shoot(d, '05-visits-booked');
  assert.deepEqual(desk.problems, []);
  await desk.context.close();
});

test('the patient on a phone: the baseline without the ODI, the consent page with the fees', async () => {
  const pat = await person({ width: 390, height: 844 });
  const p = pat.page;
  await p.goto(`${srv.base}${ids.link}`);
  await p.goto(`${srv.base}/intake/${ids.phoneIntake}/form?section=baseline`);
  assert.equal(await p.locator('#f-function').count(), 0);
  assert.equal(await p.locator('#f-m-odi-s1').count(), 0);
  await shoot(p, '06-phone-baseline');
  await p.goto(`${srv.base}/intake/${ids.phoneIntake}/form?section=consent`);
  assert.match(await p.textContent('.terms'), /Monthly program\s*AUD 1,680/);
  await shoot(p, '07-phone-consent');
  assert.deepEqual(pat.problems, []);
  await pat.context.close();
});

test('the clinician: the intake on the chart and the episode page; a new patient links to enrolment', async () => {
  const clin = await person();
  const c = clin.page;
  await signIn(c, 'clinician');
  await c.goto(`${srv.base}/patients/${ids.pid}`);
  assert.match(await c.textContent('.from-intake'), /Warfarin 2.5 mg, once daily/);
  await shoot(c, '08-chart-intake');
  await c.goto(`${srv.base}${ids.E}`);
  assert.match(await c.textContent('.from-intake'), /no red flags/);
  await shoot(c, '09-episode-intake');
  await c.goto(`${srv.base}/patients/new`);
  await c.getByLabel('Identifier').fill('B-NEW-1');
  await c.getByLabel('Name').fill('Nell Newpatient');
  await click(c, c.getByRole('button', { name: 'Create the patient' }));
  await click(c, c.getByRole('link', { name: 'Enrol in the care program' }));
  assert.match(new URL(c.url()).pathname, /^\/patients\/\d+\/enrol$/);
  await shoot(c, '10-new-patient-enrol');
  assert.deepEqual(clin.problems, []);
  await clin.context.close();
});
