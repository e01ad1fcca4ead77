// Headless Chromium looks at the maintenance plugin's pages: a graduate's
// plan page (a membership with its invoices and check-ins), the check-in
// form as the patient opens it from the link in the message, on a phone
// (390x844), and the public price list of the plans.  Full-page
// screenshots go to tests/artifacts/maintenance-*.png: look at them.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, COOKIE_SESSION, browserSessionCookie } from '../lib/harness.mjs';
import { readSinkDir, spawnSink } from '../lib/smtp-sink.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PUBLIC = 'https://clinic.example';
const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-maint-b-'));
const sinkDir = path.join(work, 'sink');
const sink = await spawnSink(sinkDir);
const srv = useCairn({ publicUrl: PUBLIC, mail: { port: sink.port } });
let browser, web, sid, pid, eid;

const DAY = 86400000;
const T0 = new Date();
const ago = (n) => new Date(Date.UTC(T0.getUTCFullYear(), T0.getUTCMonth(), T0.getUTCDate()) - n * DAY).toISOString().slice(0, 10);
const J = 'Clear progress on the functional goals, recorded in the notes.';

async function post(p, fields) {
  const r = await web.postForm(p, fields);
  assert.equal(r.status, 303, `${p}: ${r.status} ${r.body.slice(0, 600)}`);
  return r.headers.location;
}
const peg = (v) => ({ instrument: 'peg', 'answer.pain': String(v), 'answer.enjoyment': String(v), 'answer.activity': String(v) });

before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  web = await srv.as('clinician');
  sid = web.cookie(COOKIE_SESSION);
  pid = Number(/(\d+)$/.exec(await post('/patients', { identifier: 'B-MAINT', name: 'Nora Lindqvist', gender: 'female', birthDate: '1966-03-02' }))[1]);
  eid = Number(/(\d+)$/.exec(await post(`/patients/${pid}/episodes`, { cohort: 'program', periodStart: ago(220), primaryInstrument: 'peg',
    a1: 'Walking the dog', goal1: '8', a2: 'Gardening', goal2: '7', a3: 'Carrying shopping', goal3: '8' }))[1]);
  const P = `/patients/${pid}`, E = `${P}/episodes/${eid}`;
  await post(`${P}/observations`, { ...peg(7), effective: ago(220), timepoint: 'baseline', episode: String(eid) });
  await post(`${E}/moves`, { form: 'move', to: 'introductory', date: ago(219) });
  await post(`${P}/observations`, { ...peg(3), effective: ago(200), episode: String(eid) });
  await post(`${E}/moves`, { form: 'move', to: 'first-month', date: ago(199), justification: J });
  await post(`${P}/observations`, { ...peg(2), effective: ago(180), episode: String(eid) });
  await post(`${E}/moves`, { form: 'move', to: 'monthly', date: ago(179), justification: J });
  await post(`${P}/observations`, { ...peg(1), effective: ago(101), episode: String(eid) });
  await post(`${E}/moves`, { form: 'move', to: 'graduated', date: ago(100), goalsMet: 'yes', gainsHeld: 'yes', homeRoutine: 'yes',
    // Graduation is checked against the data; this test's data are thin.
    justification: 'Graduating on the clinical picture for this test: the data are thin on purpose.' });
  await post(`/patients/${pid}/maintenance/episodes/${eid}/plan`,
             { option: 'membership', start: ago(95), email: 'nora@example.org', firstName: 'Nora' });
  // A visit under the membership: listed, never invoiced.
  await post(`/patients/${pid}/maintenance/episodes/${eid}/visits`, { date: ago(3) });
  for (const job of ['maintenance:billing', 'maintenance:check-ins', 'core:send-mail']) {
    const r = srv.cli(['jobs', 'run', '--force', job]);
    assert.equal(r.code, 0, r.stderr);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); sink.stop(); rmSync(work, { recursive: true, force: true }); });

async function openPage(url, { staff = true, viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport });
  if (staff) {
    await context.addCookies([browserSessionCookie(srv.base, sid)]);
  }
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' || /favicon\.ico$/.test(m.location()?.url ?? '')) return;
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

test('the plan page: a membership, its invoices, the check-ins and the way back', async () => {
  const { page, context, res, problems } = await openPage(`${srv.base}/patients/${pid}/maintenance`);
  try {
    assert.equal(res.status(), 200);
    const main = await page.locator('main').innerText();
    assert.match(main, /Monthly maintenance membership/);
    assert.match(main, /Invoices \(one a month\)/);
    assert.match(main, /Gains held/);
    assert.match(main, /included in the membership/);
    await shoot(page, 'maintenance-plan.png');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the check-in form on a phone, opened from the link in the message', async () => {
  const m = readSinkDir(sinkDir).find((x) => x.to.includes('nora@example.org'));
  assert.ok(m, 'a check-in message was sent');
  const link = new RegExp(`${PUBLIC}(/c/[A-Za-z0-9_-]+)`).exec(m.text)[1];
  const { page, context, res, problems } = await openPage(`${srv.base}${link}`,
    { staff: false, viewport: { width: 390, height: 844 } });
  try {
    assert.equal(res.status(), 200);
    assert.match(await page.locator('main').innerText(), /keeping up the home routine/);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`);
    await shoot(page, 'maintenance-checkin-phone.png');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('/pricing shows the plans below the program', async () => {
  const { page, context, res, problems } = await openPage(`${srv.base}/pricing`, { staff: false });
  try {
    assert.equal(res.status(), 200);
    const sec = page.locator('#section-maintenance-pricing');
    assert.match(await sec.innerText(), /Monthly maintenance membership\s+AUD 120\.00 a month/);
    const [prog, plans] = await Promise.all([page.locator('h2', { hasText: 'How decisions are made' }).boundingBox(), sec.boundingBox()]);
    assert.ok(plans.y > prog.y, 'the plans come below the program');
    await shoot(page, 'maintenance-pricing-below-program.png');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the graduation summary says what comes next from the plan', async () => {
  const { page, context, res, problems } = await openPage(`${srv.base}/patients/${pid}/episodes/${eid}/graduation`);
  try {
    assert.equal(res.status(), 200);
    const sec = await page.locator('#section-maintenance-graduation').innerText();
    assert.match(sec, /What comes next/);
    assert.match(sec, /Monthly maintenance membership/);
    await shoot(page, 'maintenance-graduation-summary.png');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the episode page shows the plan, its status, the next check-in and the flag', async () => {
  const { page, context, res, problems } = await openPage(`${srv.base}/patients/${pid}/episodes/${eid}`);
  try {
    assert.equal(res.status(), 200);
    const sec = await page.locator('#section-maintenance-episode').innerText();
    assert.match(sec, /Next check-in/);
    assert.match(sec, /Loss of gains\s+Gains held/);
    await page.locator('#section-maintenance-episode').screenshot({ path: path.join(ARTIFACTS, 'maintenance-episode-section.png') });
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the patient\'s own summary on a phone: the plan, its fee, the check-ins, how to come back', async () => {
  const r = await web.postForm(`/patients/${pid}/episodes/${eid}/patient-link`, { email: 'nora@example.org', diary: 'daily' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  const shown = await web.get(r.headers.location);
  const link = new RegExp(`value="${PUBLIC.replace(/[.]/g, '\\.')}(/c/[A-Za-z0-9_-]{43})"`).exec(shown.body)[1];
  const { page, context, res, problems } = await openPage(`${srv.base}${link}`,
    { staff: false, viewport: { width: 390, height: 844 } });
  try {
    assert.equal(res.status(), 200);
    await page.goto(`${srv.base}/p/${eid}/summary`, { waitUntil: 'load' });
    const sec = await page.locator('#section-maintenance-patient-summary').innerText();
    assert.match(sec, /Your plan\s+Monthly maintenance membership/);
    assert.match(sec, /How to come back/);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`);
    await shoot(page, 'maintenance-patient-summary-phone.png');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the dashboard says how many graduates to talk to, with the way to the list', async () => {
  const { page, context, res, problems } = await openPage(`${srv.base}/`);
  try {
    assert.equal(res.status(), 200);
    const sec = page.locator('#section-maintenance-dashboard');
    assert.match(await sec.innerText(), /Talk about coming back\s+0 graduates/);
    assert.equal(await sec.locator('a[href="/maintenance"]').count(), 1);
    await sec.screenshot({ path: path.join(ARTIFACTS, 'maintenance-dashboard-section.png') });
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the public price list with the plans', async () => {
  const { page, context, res, problems } = await openPage(`${srv.base}/pricing/maintenance`, { staff: false });
  try {
    assert.equal(res.status(), 200);
    const main = await page.locator('main').innerText();
    assert.match(main, /The home routine alone/);
    assert.match(main, /120\.00 a month/);
    await shoot(page, 'maintenance-pricing.png');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});
