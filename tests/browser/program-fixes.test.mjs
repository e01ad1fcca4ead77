// Headless Chromium on the pages the program fixes changed: the episode
// page of the monthly program with the graduation checklist from the data,
// a flare's response and a scheduled visit to move or cancel; the
// checkpoint page opening on the due date with phase marks; the chart with
// an observation entered in error; the graduation summary; /economics and
// /pricing.  No console error on any page (the favicon included).
// Screenshots go to tests/artifacts/fixes-*.png: look at them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useCairn, REPO, COOKIE_SESSION, browserSessionCookie } from '../lib/harness.mjs';

const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DAY = 86400000;
const now = new Date();
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

const srv = useCairn();
let browser, web, sid;
const E = {};

async function post(p, xml) {
  const r = await web.postXml(p, xml);
  assert.equal(r.status, 303, `${p}: ${r.status} ${r.body.slice(0, 600)}`);
  return r.headers.location;
}

// An NRS episode enrolled `start` days ago with three PSFS goals, moved on
// at day 14 and 28 (when `to` allows), measures weekly.
async function episode(id, start, to) {
  const pid = Number(/\/patients\/(\d+)/.exec(await post('/patients', X('Patient', `<identifier>${id}</identifier><name>${id} Patient</name><gender>female</gender>`)))[1]);
  const eid = Number(/episodes\/(\d+)/.exec(await post(`/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(start)}</periodStart><primaryInstrument>peg</primaryInstrument><phase>enrolled</phase>` +
    '<activity item="a1" goal="8">Walk the dog for 30 minutes</activity><activity item="a2" goal="7">Garden for an hour</activity><activity item="a3" goal="8">Lift my grandson</activity>')))[1]);
  const href = `/patients/${pid}/episodes/${eid}`;
  const peg = (d, a, b, c, tp = '') => post(`/patients/${pid}/observations`, X('Observation',
    `<episode>${eid}</episode><instrument>peg</instrument><effective>${ago(d)}</effective>${tp}<answer item="pain">${a}</answer><answer item="enjoyment">${b}</answer><answer item="activity">${c}</answer>`));
  await peg(start, 8, 7, 7, '<timepoint>baseline</timepoint>');
  await post(`${href}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>introductory</to><date>${ago(start)}</date>`));
  for (let d = start - 3; d > start - 14; d -= 4) await post(`${href}/visits`, X('Encounter', `<episode>${eid}</episode><date>${ago(d)}</date><type>needling</type><state>finished</state>`));
  await peg(start - 13, 6, 6, 5);
  if (to === 'introductory') return { pid, eid, href };
  await post(`${href}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>first-month</to><date>${ago(start - 14)}</date>`));
  await peg(start - 27, 4, 4, 3);
  await post(`${href}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>monthly</to><date>${ago(start - 28)}</date>`));
  for (let d = start - 35; d >= 1; d -= 7) {
    await peg(d, 3, 3, 3);
    await post(`${href}/visits`, X('Encounter', `<episode>${eid}</episode><date>${ago(d)}</date><type>needling</type><state>finished</state>`));
  }
  await post(`/patients/${pid}/observations`, X('Observation',
    `<episode>${eid}</episode><instrument>psfs</instrument><effective>${ago(2)}</effective><answer item="a1">8</answer><answer item="a2">7</answer><answer item="a3">8</answer>`));
  return { pid, eid, href };
}

before(async () => {
  await srv.ready;
  mkdirSync(ARTIFACTS, { recursive: true });
  web = await srv.as('clinician');
  sid = web.cookie(COOKIE_SESSION);
  E.monthly = await episode('BF-MONTHLY', 90, 'monthly');
  await post(`${E.monthly.href}/flares`, X('Flare', `<episode>${E.monthly.eid}</episode><start>${ago(4)}</start><severity>moderate</severity><trigger>Moving house</trigger><response>Extra needling that week; loading stepped back one level.</response>`));
  await post(`${E.monthly.href}/visits`, X('Encounter', `<episode>${E.monthly.eid}</episode><date>${ago(-2)}</date><type>needling</type><state>planned</state>`));
  const chart = (await web.getXml(`/patients/${E.monthly.pid}`)).body;
  const oid = /<point [^>]*id="(\d+)"[^>]*effective="[^"]*"/.exec(chart.split('<trajectory')[1])[1];
  const r = await web.postForm(`/patients/${E.monthly.pid}/observations/${oid}/error`, { reason: 'Scores of another patient typed here' });
  assert.equal(r.status, 303);
  E.checkpoint = await episode('BF-CHECK', 40, 'introductory');
  E.grad = await episode('BF-GRAD', 100, 'monthly');
  await post(`${E.grad.href}/moves`, X('PhaseChange', `<episode>${E.grad.eid}</episode><to>graduated</to><date>${ago(0)}</date><homeRoutine>yes</homeRoutine>`));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); });

async function look(url, name, { signedIn = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (signedIn) {
    await context.addCookies([browserSessionCookie(srv.base, sid)]);
  }
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (q) => problems.push(`failed: ${q.url()}`));
  page.on('response', (s) => { if (s.status() >= 400) problems.push(`${s.status()}: ${s.url()}`); });
  const res = await page.goto(`${srv.base}${url}`, { waitUntil: 'load' });
  assert.equal(res.status(), 200, url);
  const file = path.join(ARTIFACTS, `fixes-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000);
  console.log(`screenshot: ${file}`);
  const text = await page.innerText('main');
  await context.close();
  assert.deepEqual(problems, [], `${url}: ${problems.join('; ')}`);
  return text;
}

test('episode page: the checklist from the data, the flare response, a visit to move or cancel', async () => {
  const t = await look(E.monthly.href, 'episode-monthly');
  assert.match(t, /Graduation checklist, from the data/);
  assert.match(t, /Extra needling that week/);
  assert.match(t, /Move or cancel/);
  assert.match(t, /primary measure PEG/);
});

test('checkpoint page: opens on the due date, chart over the data with phase marks', async () => {
  const t = await look(`${E.checkpoint.href}/checkpoint`, 'checkpoint');
  assert.match(t, /Introductory phase/);
});

test('chart: the observation entered in error is struck through with its reason', async () => {
  const t = await look(`/patients/${E.monthly.pid}`, 'chart');
  assert.match(t, /Entered in error/);
  assert.match(t, /Scores of another patient typed here/);
});

test('graduation summary, economics and pricing', async () => {
  let t = await look(`${E.grad.href}/graduation`, 'graduation');
  assert.match(t, /You reached the goals you set/);
  t = await look('/economics', 'economics');
  assert.doesNotMatch(t, /\b0\.00\s*$/m);
  t = await look('/pricing', 'pricing', { signedIn: false });
  assert.match(t, /One fee for the whole phase, not per month/);
});
