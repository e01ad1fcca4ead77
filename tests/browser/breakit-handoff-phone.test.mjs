// The partner's handoff page on a phone (390x844), as a partner opens it
// from the clinic's email: every table shows all its columns without a
// sideways scroll (the functional goals' Goal column once sat hidden
// behind one), and the page is no wider than the phone.  Screenshot:
// tests/artifacts/breakit-handoff-phone.png.
//
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';
import { patientWithEpisode, addPartner, writeReferral, send } from '../lib/referral.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-breakit-handoff-'));
const sinkDir = path.join(work, 'sink');
const sink = await spawnSink(sinkDir);
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';
const srv = useCairn({ publicUrl: PUBLIC, clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' } });

let browser; let link;
before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  const web = await srv.as('clinician');
  const who = await patientWithEpisode(web, 'HO-PHONE', 'Ruth Phone');
  const partner = await addPartner(web, { name: 'Pat Partner', email: 'partner@example.org' });
  const id = await writeReferral(web, who, partner, ['measure.nrs', 'goals']);
  ({ link } = await send(srv, sinkDir, PUBLIC, web, who, id, 'partner@example.org'));
  browser = await chromium.launch({ executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});
after(async () => { await browser?.close(); sink.stop(); rmSync(work, { recursive: true, force: true }); });

test('the handoff page on a phone: every table column in view, nothing wider than the phone', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(srv.base + link);
  assert.match(new URL(page.url()).pathname, /^\/handoff\/\d+$/);
  assert.match(await page.textContent('main'), /Functional goals/);
  const file = path.join(ARTIFACTS, 'breakit-handoff-phone.png');
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  const scrolled = await page.$$eval('.table-wrap', (els) => els
    .filter((e) => e.scrollWidth > e.clientWidth + 1)
    .map((e) => `${e.previousElementSibling?.textContent ?? '(table)'}: ${e.scrollWidth} > ${e.clientWidth}`));
  assert.deepEqual(scrolled, [], 'a table scrolls sideways: a column is out of view');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390);
  await context.close();
});
