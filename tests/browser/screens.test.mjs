// Headless Chromium (Debian's package, driven by playwright-core) opens
// /outcomes and a patient chart of the imported trial, checks what a
// person would see -- the sign-in form's heading, labelled fields and
// button; the outcomes page's heading, column labels and each cohort's
// figures as computed from the CSV; an SVG trajectory with its lines --
// that the page loads with no console errors (a CSP violation shows up
// there), and saves full-page screenshots to tests/artifacts/.  Look at
// them.  The browser signs in through the sign-in form first, as a
// clinician (every page here is for staff), and keeps that session.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, patientId, REPO, TRIAL_CSV, TRIAL_MAP, STAFF, COOKIE_SESSION } from '../lib/harness.mjs';
import { readCsv, readCsvMap, trialOutcomes } from '../lib/outcomes-from-csv.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const srv = useCairn({ importTrial: true });
const { rows } = readCsv(TRIAL_CSV);
// The figures a person should read in the outcomes tables, computed from
// the CSV on our own (tests/lib/outcomes-from-csv.mjs), per cohort label.
const map = await readCsvMap(TRIAL_MAP);
const expected = trialOutcomes(rows, {
  groupColumn: map.cohortColumn,
  baselineColumn: Object.values(map.observations.find((o) => o.timepoint === 'baseline').columns)[0],
  timepoints: map.observations.map((o) => ({ column: Object.values(o.columns)[0], key: o.timepoint })),
  cohortName: (g) => map.cohorts[g],
});
let browser;
let storageState;   // the signed-in session, shared by every page below
let web;            // the same role, for patientId() lookups

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await srv.ready;
  web = await srv.as('clinician');
});

after(async () => { await browser?.close(); });

// A page that records console errors, failed requests and page errors.
async function openPage(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, storageState });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium asks every site for /favicon.ico on its own; Cairn has
    // none, and that is not a fault of the page.
    if (/favicon\.ico$/.test(m.location()?.url ?? '')) return;
    problems.push(`console: ${m.text()} (${m.location()?.url ?? ''})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  const res = await page.goto(url, { waitUntil: 'load' });
  return { page, context, res, problems };
}

// Save a full-page screenshot for people to look at (what it shows is
// asserted through the page itself, not through the image).
async function shoot(page, name) {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  return file;
}

test('sign-in: a page asked for without a session goes to the sign-in form, and signing in returns to it', async () => {
  const a = STAFF.clinician;
  const { page, context, res, problems } = await openPage(`${srv.base}/outcomes`);
  try {
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/sign-in', 'redirected to the sign-in form');
    // What a person sees: the heading, two labelled fields, the button.
    const heading = page.getByRole('heading', { level: 1 });
    assert.ok(await heading.isVisible(), 'the heading is visible');
    assert.equal((await heading.innerText()).trim(), 'Staff sign-in');
    const user = page.getByLabel('User name', { exact: true });
    const pass = page.getByLabel('Password', { exact: true });
    assert.ok(await user.isVisible() && await user.isEditable(), 'a visible, editable "User name" field');
    assert.ok(await pass.isVisible() && await pass.isEditable(), 'a visible, editable "Password" field');
    assert.equal(await pass.getAttribute('type'), 'password', 'the password is not shown as typed');
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    assert.ok(await button.isVisible(), 'a visible "Sign in" button');
    await user.fill(a.username);
    await pass.fill(a.password);
    await shoot(page, 'sign-in.png');
    const [resp] = await Promise.all([page.waitForNavigation(), button.click()]);
    assert.equal(resp.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/outcomes', 'back to the page first asked for');
    const cookies = await context.cookies();
    const sid = cookies.find((c) => c.name === COOKIE_SESSION);
    assert.ok(sid, `the browser kept the session cookie (${cookies.map((c) => c.name)})`);
    assert.equal(sid.httpOnly, true, 'HttpOnly');
    assert.equal(sid.sameSite, 'Strict', 'SameSite=Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('cairn_')), false, 'scripts cannot read the session');
    storageState = await context.storageState();
    assert.deepEqual(problems, [], 'no console errors, failed requests or error responses');
  } finally {
    await context.close();
  }
});

test('outcomes page: the heading, and per cohort a visible table whose labels and figures are the CSV\'s', async () => {
  const { page, context, res, problems } = await openPage(`${srv.base}/outcomes`);
  try {
    assert.equal(res.status(), 200);
    assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), 'Outcomes by cohort');
    assert.equal(Object.keys(expected.cohorts).length, 2, 'two cohorts in the CSV');
    for (const [cohort, c] of Object.entries(expected.cohorts)) {
      // The cohort's section: its heading names the cohort, its table follows.
      const section = page.locator('section', { has: page.getByRole('heading', { level: 2, name: new RegExp(`^${cohort} `) }) });
      assert.equal(await section.count(), 1, `one section for ${cohort}`);
      const table = section.locator('table');
      assert.ok(await table.isVisible(), `${cohort}: the table is visible`);
      // innerText is the rendered text (the stylesheet sets headers in
      // capitals), so the comparison ignores case.
      const labels = (await table.locator('thead th').allInnerTexts()).map((t) => t.trim().toLowerCase());
      assert.deepEqual(labels.slice(0, 4), ['timepoint', 'n', 'mean score', 'sd'], `${cohort}: the column labels`);
      for (const [tp, fig] of Object.entries(c.timepoints)) {
        const row = table.locator('tbody tr', { has: page.locator('th', { hasText: new RegExp(`^${tp}\\b`) }) });
        assert.equal(await row.count(), 1, `${cohort}: one row for ${tp}`);
        const cells = (await row.locator('td').allInnerTexts()).map((t) => t.trim());
        assert.equal(cells[0], String(fig.n), `${cohort} ${tp}: n as a person reads it`);
        assert.ok(Math.abs(Number(cells[1]) - fig.mean) <= 0.05 + 1e-9,
                  `${cohort} ${tp}: mean score ${cells[1]} shown, ${fig.mean.toFixed(3)} computed`);
        assert.ok(Math.abs(Number(cells[2]) - fig.sd) <= 0.05 + 1e-9,
                  `${cohort} ${tp}: SD ${cells[2]} shown, ${fig.sd.toFixed(3)} computed`);
      }
    }
    await shoot(page, 'outcomes.png');
    assert.deepEqual(problems, [], 'no console errors, failed requests or error responses');
  } finally {
    await context.close();
  }
});

test('patient chart: a visible SVG trajectory with the baseline and 50% lines, and the observations table', async () => {
  const row = rows.find((r) => r.pk1 && r.pk2 && r.pk5);
  const id = await patientId(web, row.id);
  const { page, context, res, problems } = await openPage(`${srv.base}/patients/${id}`);
  try {
    assert.equal(res.status(), 200);
    const svg = page.locator('svg').first();
    assert.ok(await svg.isVisible(), 'the SVG is visible');
    const box = await svg.boundingBox();
    assert.ok(box.width > 150 && box.height > 80, `the SVG has a real size (${JSON.stringify(box)})`);
    // Three observations: a path or polyline through them, or three marks.
    const marks = await svg.locator('circle, rect, polyline, path, line').count();
    assert.ok(marks >= 3, `the trajectory draws something (${marks} shapes)`);
    // Reference lines: baseline and 50% of baseline, labelled.
    const svgText = await svg.textContent();
    assert.match(svgText ?? '', /baseline/i, 'the baseline line is labelled');
    assert.match(svgText ?? '', /50\s*%/, 'the 50% line is labelled');
    assert.ok(await page.locator('table').first().isVisible(), 'the observations table is visible');
    const text = await page.locator('body').innerText();
    assert.ok(text.includes(row.id), 'the identifier is shown');
    await shoot(page, 'chart.png');
    assert.deepEqual(problems, [], 'no console errors, failed requests or error responses');
  } finally {
    await context.close();
  }
});

test('observation form: an out-of-range answer comes back next to its field, with what was typed', async () => {
  const id = await patientId(web, rows[3].id);
  const { page, context, res } = await openPage(`${srv.base}/patients/${id}/observations/new?instrument=nrs`);
  try {
    assert.equal(res.status(), 200);
    assert.ok(await page.locator('form').first().isVisible());
    await shoot(page, 'form.png');
    // The NRS item field: named "pain" or ending in it (nrs.pain, answer-pain...).
    const post = page.locator('form[method="post" i]:not([action="/sign-out"])');
    await post.locator('[name=effective]').fill('2024-05-06');
    const names = [...new Set(await post.locator('input[name]').evaluateAll((els) => els.map((e) => e.name)))];
    const cands = names.filter((n) => n === 'pain' || /(^|[.\-_\[:])pain\]?$/.test(n));
    const name = cands.length === 1 ? cands[0] : cands.find((n) => n.includes('nrs'));
    assert.ok(name, `an NRS pain field among ${names}`);
    const input = post.locator(`[name="${name}"]`);
    // Bypass the browser's own min/max check to see the server's answer.
    await post.evaluate((f) => f.setAttribute('novalidate', ''));
    const rowText = (loc) => loc.evaluate((el) => {
      let p = el.parentElement;
      for (let i = 0; i < 2 && p.parentElement && p.parentElement.tagName !== 'FORM'; i++) p = p.parentElement;
      return p.innerText;
    });
    const before = await rowText(input);
    await input.fill('11');
    const [resp] = await Promise.all([
      page.waitForNavigation(),
      post.locator('[type=submit], button').first().click(),
    ]);
    assert.equal(resp.status(), 422);
    const again = page.locator(`form[method="post" i]:not([action="/sign-out"]) [name="${name}"]`);
    assert.equal(await again.inputValue(), '11', 'the typed answer is kept');
    assert.equal(await page.locator('form[method="post" i]:not([action="/sign-out"]) [name=effective]').inputValue(), '2024-05-06', 'the typed date is kept');
    // A message next to the field: the text of the field's row (its
    // nearest block ancestors, up to the form) has grown by a message.
    const after = await rowText(again);
    const added = after.replace(before, '').trim();
    assert.ok(after.length > before.length && added.length > 5, `a message appeared next to the field (before: ${before} / after: ${after})`);
    await shoot(page, 'form-invalid.png');
  } finally {
    await context.close();
  }
});
