// A new user's walk through the seeded demo in headless Chromium: the demo
// seed (scripts/seed-demo.mjs) is written, then each staff role signs in
// through the form and opens its main pages -- the overview, the patient
// list, a patient, an episode with an open flare, the plugins' pages.
// Each page loads without console errors or failed requests, has one
// heading, and the navigation marks where the person is; the screenshots
// go to tests/artifacts/newuser-<role>-<page>.png for people to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, STAFF } from '../lib/harness.mjs';
import { seedDemo } from '../../scripts/seed-demo.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const srv = useCairn({ publicUrl: 'https://clinic.example', mail: { port: 9 } });
let browser;
let seeded;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await srv.ready;
  seeded = await seedDemo({
    url: srv.base, user: STAFF.clinician.username, password: STAFF.clinician.password,
    deskUser: STAFF['front-desk'].username, deskPassword: STAFF['front-desk'].password,
  });
}, { timeout: 300000 });

after(async () => { await browser?.close(); });

const page = (name) => seeded.rows.find((r) => r.name === name).page;
const patientOf = (name) => page(name).replace(/\/episodes\/\d+$/, '');

// The pages each role opens, [file name, path, the nav entry it marks].
function pagesFor(role) {
  const common = [['overview', '/', '/'], ['patients', '/patients', '/patients'], ['herbs', '/herbs', '/herbs'],
    ['exercises', '/exercises', '/exercises'], ['maintenance', '/maintenance', '/maintenance'], ['intake', '/intake', '/intake'],
    ['schedule', '/schedule', '/schedule']];
  if (role === 'front-desk') return [...common, ['partners', '/partners', '/partners']];
  return [...common, ['referrals', '/referrals', '/referrals'], ['outcomes', '/outcomes', '/outcomes'],
    ['patient', patientOf('Graham Whitlock'), '/patients'], ['episode-flare', page('Graham Whitlock'), '/patients'],
    ['exercise-episode', `${page('Kenji Watanabe')}/exercise`, '/patients'],
    ['herbal-patient', `${patientOf('Ruth Okafor')}/herbal`, '/patients'],
    ['maintenance-patient', `${patientOf('Margaret Ellis')}/maintenance`, '/patients']];
}

for (const role of ['clinician', 'front-desk', 'admin']) {
  test(`${role}: the main pages load cleanly, with one heading and the navigation marking the page`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const problems = [];
    try {
      const p = await context.newPage();
      p.on('console', (m) => {
        if (m.type() === 'error' && !/favicon\.ico$/.test(m.location()?.url ?? '')) problems.push(`console: ${m.text()}`);
      });
      p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      p.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
      await p.goto(`${srv.base}/sign-in`);
      await p.getByLabel('User name', { exact: true }).fill(STAFF[role].username);
      await p.getByLabel('Password', { exact: true }).fill(STAFF[role].password);
      await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Sign in', exact: true }).click()]);
      for (const [name, url, nav] of pagesFor(role)) {
        const res = await p.goto(`${srv.base}${url}`, { waitUntil: 'load' });
        assert.equal(res.status(), 200, `${role} ${url}`);
        assert.equal(await p.locator('h1').count(), 1, `${role} ${url}: one h1`);
        const current = await p.locator('nav.main a[aria-current="page"]').getAttribute('href');
        assert.equal(current, nav, `${role} ${url}: the navigation marks ${nav}`);
        await p.screenshot({ path: path.join(ARTIFACTS, `newuser-${role}-${name}.png`), fullPage: true });
      }
      assert.deepEqual(problems, [], `${role}: no console errors or error responses`);
    } finally {
      await context.close();
    }
  });
}
