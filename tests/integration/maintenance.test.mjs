// The maintenance plugin through nginx and cairnd, with the program
// plugin: a graduation leads to a plan; a membership is billed one invoice
// a month by the job (run twice: the same invoices); the renewal notice
// arrives in the SMTP sink; a check-in through the link in its message;
// the loss-of-gains rule at each edge; a re-enrolment linked to its
// predecessor; the figures after graduation equal an independent
// computation here; every refusal stores nothing.
//
// Run: CAIRN_PREFIX=$PWD/_build/install node --test tests/integration/maintenance.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn } from '../lib/harness.mjs';
import { readSinkDir, spawnSink } from '../lib/smtp-sink.mjs';
import { openLink } from '../lib/intake.mjs';
import { checkHtml } from '../lib/xml.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-maint-'));
const sinkDir = path.join(work, 'sink');
const sink = await spawnSink(sinkDir);
const PUBLIC = 'https://clinic.example';
const srv = useCairn({ publicUrl: PUBLIC, mail: { port: sink.port, from: 'desk@clinic.example' } });
let web, desk;

before(async () => {
  await srv.ready;
  assert.ok(srv.loc.maintenancePlugin, 'maintenance.so was not built');
  web = await srv.as('clinician');
  desk = await srv.as('front-desk');
});
after(() => { sink.stop(); rmSync(work, { recursive: true, force: true }); });

const DAY = 86400000;
const T0 = new Date(); const TODAY = Date.UTC(T0.getUTCFullYear(), T0.getUTCMonth(), T0.getUTCDate());
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const ago = (n) => iso(TODAY - n * DAY);
// Calendar months, independently of the plugin: the day of the month kept,
// or the month's last day.
function addMonths(isoDate, k) {
  const [y, m, d] = isoDate.split('-').map(Number);
  const idx = y * 12 + (m - 1) + k;
  const ny = Math.floor(idx / 12), nm = idx % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return iso(Date.UTC(ny, nm, Math.min(d, last)));
}
const J = 'Clear progress on the functional goals, recorded in the notes.';

function sql(q) {
  const r = spawnSync('sqlite3', ['-readonly', srv.database, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
const count = (q) => Number(sql(q));
function jobs(name) {
  const r = srv.cli(['jobs', 'run', '--force', name]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return r.stdout;
}

function locationOf(r) {
  assert.equal(r.status, 303, `expected 303, got ${r.status}: ${(r.body.match(/<(p|li|span)[^>]*(error|message)[^>]*>[^<]*(<a[^>]*>[^<]*<\/a>)?[^<]*/g) || []).join(" | ") || r.body.slice(0, 800)}`);
  return r.headers.location;
}
async function observe(pid, eid, date, v, timepoint = '') {
  const r = await web.postForm(`/patients/${pid}/observations`, {
    instrument: 'peg', effective: date, timepoint, episode: String(eid),
    'answer.pain': String(v), 'answer.enjoyment': String(v), 'answer.activity': String(v) });
  assert.equal(r.status, 303, `observation: ${r.status} ${r.body.slice(0, 800)}`);
}
async function move(pid, eid, fields) {
  const r = await web.postForm(`/patients/${pid}/episodes/${eid}/moves`, { form: 'move', ...fields });
  assert.equal(r.status, 303, `move ${JSON.stringify(fields)}: ${r.status} ${r.body.slice(0, 1500)}`);
}
// A patient taken to graduation `gradAgo` days ago: PEG baseline `base`,
// `last` at the end.
async function graduate(id, name, base, last, gradAgo = 100) {
  let r = await web.postForm('/patients', { identifier: id, name, gender: 'female', birthDate: '1970-05-01' });
  const pid = Number(/^\/patients\/(\d+)$/.exec(locationOf(r))[1]);
  const s = gradAgo + 120;
  r = await web.postForm(`/patients/${pid}/episodes`, { cohort: 'program', periodStart: ago(s), primaryInstrument: 'peg',
                                                      a1: 'Walking the dog', goal1: '8', a2: 'Gardening', goal2: '7', a3: 'Lifting', goal3: '8' });
  const eid = Number(/\/episodes\/(\d+)$/.exec(locationOf(r))[1]);
  await observe(pid, eid, ago(s), base, 'baseline');
  await move(pid, eid, { to: 'introductory', date: ago(s - 1) });
  await observe(pid, eid, ago(s - 20), last);
  await move(pid, eid, { to: 'first-month', date: ago(s - 21), justification: J });
  await observe(pid, eid, ago(s - 40), last);
  await move(pid, eid, { to: 'monthly', date: ago(s - 41), justification: J });
  await observe(pid, eid, ago(gradAgo + 1), last);
  await move(pid, eid, { to: 'graduated', date: ago(gradAgo), goalsMet: 'yes', gainsHeld: 'yes', homeRoutine: 'yes',
    // Graduation is checked against the data; this test's data are thin.
    justification: 'Graduating on the clinical picture for this test: the data are thin on purpose.' });
  return { pid, eid, base, grad: ago(gradAgo) };
}
const page = async (pid) => {
  const r = await web.getXml(`/patients/${pid}/maintenance`);
  assert.equal(r.status, 200, r.body.slice(0, 800));
  return r.body;
};
const attr = (xml, el, name) => { const m = new RegExp(`<${el}\\b[^>]*\\b${name}="([^"]*)"`).exec(xml); return m ? m[1] : null; };
const checkins = (xml) => [...xml.matchAll(/<checkin ([^>]*)>/g)].map((m) => Object.fromEntries(
  [...m[1].matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
const stats = () => srv.cli(['stats']).stdout;
const stored = (type) => Number(new RegExp(`^${type}\\s+(\\d+)`, 'm').exec(stats())?.[1] ?? 0);

const ann = {}, bo = {}, cy = {}, ed = {};
const answered = [];   // { months, base, score, episode } for the outcome figures

test('a graduation leads to a plan: the home routine, check-ins at 1, 3, 6 and 12 months', async () => {
  Object.assign(ann, await graduate('M-ANN', 'Ann Maint', 7, 1));
  const x = await page(ann.pid);
  assert.equal(attr(x, 'plan', 'kind'), 'home');
  assert.equal(attr(x, 'plan', 'state'), 'active');
  assert.equal(attr(x, 'plan', 'start'), ann.grad);
  assert.deepEqual(checkins(x).map((c) => [c.months, c.due, c.state]),
    [1, 3, 6, 12].map((m) => [String(m), addMonths(ann.grad, m), 'scheduled']));
  ann.plan = attr(x, 'plan', 'record');
});

test('a membership is billed one invoice a month by the job, never per visit; twice run, once billed', async () => {
  const start = ago(65);
  // Refused plan forms store nothing.
  const before = stored('maintenance:Plan');
  let r = await web.postForm(`/patients/${ann.pid}/maintenance/episodes/${ann.eid}/plan`, { option: 'gold', start });
  assert.equal(r.status, 422);
  r = await web.postForm(`/patients/${ann.pid}/maintenance/episodes/${ann.eid}/plan`, { option: 'membership', start });
  assert.equal(r.status, 422);
  assert.match(r.body, /needs an email address/);
  r = await web.postForm(`/patients/${ann.pid}/maintenance/episodes/${ann.eid}/plan`, { option: 'membership', start: ago(200) });
  assert.equal(r.status, 422);
  assert.match(r.body, /before the graduation/);
  assert.equal(stored('maintenance:Plan'), before);

  r = await web.postForm(`/patients/${ann.pid}/maintenance/episodes/${ann.eid}/plan`,
                         { option: 'membership', start, email: 'ann@example.org', firstName: 'Ann' });
  locationOf(r);
  // Expected periods, computed here: every start + k months up to today.
  const periods = [];
  for (let k = 0; addMonths(start, k) <= ago(0); k++) periods.push(addMonths(start, k));
  jobs('maintenance:billing');
  jobs('maintenance:billing');
  const rows = sql(`SELECT period_start FROM p_maintenance_invoice WHERE plan = ${ann.plan} ORDER BY period_start`).split('\n');
  assert.deepEqual(rows, periods);
  assert.equal(count(`SELECT count(DISTINCT period_start) FROM p_maintenance_invoice WHERE plan = ${ann.plan}`), periods.length);
  const x = await page(ann.pid);
  assert.equal((x.match(/<invoice /g) || []).length, periods.length);
  assert.equal(attr(x, 'invoice', 'amount'), '120.00');
});

test('the renewal notice arrives in the SMTP sink, once', async () => {
  Object.assign(bo, await graduate('M-BO', 'Bo Maint', 6, 1, 400));
  const start = ago(355);   // renews 12 months on: within the 14 days' notice
  const r = await web.postForm(`/patients/${bo.pid}/maintenance/episodes/${bo.eid}/plan`,
                               { option: 'membership', start, email: 'bo@example.org', firstName: 'Bo' });
  locationOf(r);
  assert.match(jobs('maintenance:renewal-notices'), /ran: 1 done/);
  assert.match(jobs('maintenance:renewal-notices'), /ran: 0 done/);
  jobs('core:send-mail');
  const got = readSinkDir(sinkDir).filter((m) => m.to.includes('bo@example.org'));
  assert.equal(got.length, 1);
  assert.match(got[0].text, new RegExp(`renews on ${addMonths(start, 12)}`));
  assert.match(got[0].text, /Hello Bo/);
  assert.doesNotMatch(got[0].headers.subject, /Bo/);
});

test('a check-in through the link in its message; a refused answer stores nothing', async () => {
  const out = jobs('maintenance:check-ins');
  assert.match(out, /ran: [1-9]/);
  jobs('core:send-mail');
  const msgs = readSinkDir(sinkDir).filter((m) => m.to.includes('ann@example.org'));
  assert.equal(msgs.length, 2, 'the 1- and 3-month check-ins of Ann are due');
  // Run again: nothing more is sent (the reminder waits 7 days).
  assert.match(jobs('maintenance:check-ins'), /ran: 0 done/);
  const link = new RegExp(`${PUBLIC}(/c/[A-Za-z0-9_-]+)`).exec(msgs[0].text)[1];
  const { patient, res } = await openLink(srv.base, link);
  assert.equal(res.status, 303);
  const form = await patient.get(res.headers.location);
  assert.equal(form.status, 200);
  assert.match(form.body, /keeping up the home routine/);
  const id = /\/maintenance\/check-ins\/(\d+)/.exec(res.headers.location)[1];
  const obs = stored('program:Observation');
  let r = await patient.postForm(`/maintenance/check-ins/${id}`,
    { 'answer.pain': '11', 'answer.enjoyment': '2', 'answer.activity': '2', pgic: '2', homeRoutine: 'yes' });
  assert.equal(r.status, 422);
  assert.equal(stored('program:Observation'), obs);
  r = await patient.postForm(`/maintenance/check-ins/${id}`,
    { 'answer.pain': '2', 'answer.enjoyment': '2', 'answer.activity': '2', pgic: '2', homeRoutine: 'yes', comment: 'Walking daily.' });
  assert.equal(r.status, 200, r.body.slice(0, 800));
  assert.match(r.body, /Thank you/);
  assert.equal(stored('program:Observation'), obs + 1);
  const c = checkins(await page(ann.pid)).find((x) => x.record === id);
  assert.equal(c.state, 'done');
  assert.equal(c.via, 'link');
  assert.equal(c['home-routine'], 'yes');
  answered.push({ months: Number(c.months), base: 7, score: 2, episode: ann.eid });
  // Answered once: a second answer is refused.
  r = await patient.postForm(`/maintenance/check-ins/${id}`,
    { 'answer.pain': '5', 'answer.enjoyment': '5', 'answer.activity': '5', pgic: '4', homeRoutine: 'no' });
  assert.equal(r.status, 409);
  // The link opens this check-in only.
  const other = checkins(await page(ann.pid)).find((x) => x.record !== id).record;
  // (the core refuses a path outside the link's target before the plugin sees it)
  assert.ok([401, 403].includes((await patient.get(`/maintenance/check-ins/${other}`)).status));
});

test('one reminder with a new link once the message is reminderDays old; the old link no longer opens; no second reminder', async () => {
  const open = checkins(await page(ann.pid)).find((x) => x.state === 'sent');
  assert.ok(open, 'an unanswered check-in of Ann');
  const before = readSinkDir(sinkDir).filter((m) => m.to.includes('ann@example.org'));
  const oldLink = before.map((m) => new RegExp(`${PUBLIC}(/c/[A-Za-z0-9_-]+)`).exec(m.text)[1]);
  // Eight days pass for the job's choice: the sent date is set back in the
  // projection (derived data) only; the clock cannot be moved here.
  spawnSync('sqlite3', [srv.database, `UPDATE p_maintenance_checkin SET sent_date = '${ago(8)}' WHERE record = ${open.record}`]);
  assert.match(jobs('maintenance:check-ins'), /ran: 1 done/);
  assert.match(jobs('maintenance:check-ins'), /ran: 0 done/);
  jobs('core:send-mail');
  const after = readSinkDir(sinkDir).filter((m) => m.to.includes('ann@example.org'));
  assert.equal(after.length, before.length + 1, 'one reminder');
  const reminder = after.find((m) => /a reminder/.test(m.text));
  assert.ok(reminder, 'the message says it is a reminder');
  const c = checkins(await page(ann.pid)).find((x) => x.record === open.record);
  assert.equal(c.state, 'reminded');
  assert.equal(c.reminded, ago(0));
  // The new link opens the check-in; the revoked one opens nothing.
  const fresh = new RegExp(`${PUBLIC}(/c/[A-Za-z0-9_-]+)`).exec(reminder.text)[1];
  assert.equal((await openLink(srv.base, fresh)).res.status, 303);
  for (const l of oldLink) {
    const { res } = await openLink(srv.base, l);
    if (res.status === 303 && res.headers.location.endsWith(`/${open.record}`)) assert.fail('the replaced link still opens the check-in');
  }
});

// A check-in taken by phone by a clinician.
// PEG is the mean of its three items, kept exact (six decimals) and
// rounded only for display.
async function byPhone(who, months, [pain, enjoyment, activity]) {
  const c = checkins(await page(who.pid)).find((x) => x.months === String(months));
  const r = await web.postForm(`/maintenance/check-ins/${c.record}`,
    { 'answer.pain': String(pain), 'answer.enjoyment': String(enjoyment), 'answer.activity': String(activity),
      pgic: '4', homeRoutine: 'partly' });
  assert.equal(r.status, 200, r.body.slice(0, 800));
  const score = Math.round((pain + enjoyment + activity) / 3 * 1e6) / 1e6;
  answered.push({ months, base: who.base, score, episode: who.eid });
}
const verdict = async (who) => attr(await page(who.pid), 'episode', 'verdict');

test('loss of gains: one bad check-in is nothing, two in a row are flagged, an undefined baseline is said', async () => {
  // Baseline 7, 1 at graduation: 86% improvement, half of it 43%.
  Object.assign(cy, await graduate('M-CY', 'Cy Maint', 7, 1));
  await byPhone(cy, 1, [3, 4, 3]);  // 3.3: 53% improvement
  assert.equal(await verdict(cy), 'held');
  await byPhone(cy, 3, [3, 4, 4]);  // 3.7: 47%, not below half of 86%
  assert.equal(await verdict(cy), 'held');
  await byPhone(cy, 6, [5, 5, 5]);  // 5: 29%, back near the baseline once
  assert.equal(await verdict(cy), 'talk');
  // Ed: baseline already the best score: improvement undefined.
  Object.assign(ed, await graduate('M-ED', 'Ed Maint', 0, 0));
  assert.equal(await verdict(ed), 'undefined');
  const list = await web.get('/maintenance');
  assert.equal(list.status, 200);
  assert.match(list.body, /Cy Maint/);
  assert.match(list.body, /cannot be judged/i);
});

test('loss of gains: below half on two check-ins in a row (and not on one)', async () => {
  const di = await graduate('M-DI', 'Di Maint', 8, 0);   // 100% at graduation: half is 50%
  await byPhone(di, 1, [4, 5, 5]);  // 4.7: 41%, below half once, above 30%
  assert.equal(await verdict(di), 'held');
  await byPhone(di, 3, [5, 5, 5]);  // 5: 37.5%, below half twice in a row
  assert.equal(await verdict(di), 'talk');
  assert.match(await page(di.pid), /fallen below half/);
  // The dashboard says so, with the way to the list: Cy (near the
  // baseline once) and Di (below half twice) are the two to talk to.
  const home = await web.get('/');
  assert.equal(home.status, 200);
  const sec = /<section[^>]*id="section-maintenance-dashboard"[\s\S]*?<\/section>/.exec(home.body)?.[0];
  assert.ok(sec, 'the dashboard has the maintenance section');
  assert.match(sec, /<dt>Talk about coming back<\/dt>\s*<dd>2 graduates<\/dd>/);
  assert.match(sec, /<a href="\/maintenance">Talk about coming back<\/a>/);
  // Di's episode page: the plan, its status, the next check-in, the flag.
  const ep = await web.get(`/patients/${di.pid}/episodes/${di.eid}`);
  const es = /<section[^>]*id="section-maintenance-episode"[\s\S]*?<\/section>/.exec(ep.body)?.[0];
  assert.ok(es, 'the episode page has the maintenance section');
  assert.match(es, /<dt>Plan<\/dt>\s*<dd>The home routine alone<\/dd>/);
  assert.match(es, /<dt>Status<\/dt>\s*<dd>active since /);
  assert.match(es, new RegExp(`<dt>Next check-in</dt>\\s*<dd>6 months after graduation, due ${addMonths(di.grad, 6)}</dd>`));
  assert.match(es, /class="line-alert"[^>]*>\s*<dt>Loss of gains<\/dt>\s*<dd>Talk about coming back/);
  assert.match(es, new RegExp(`href="/patients/${di.pid}/maintenance"`));
});

test('re-enrolment opens a new episode linked to its predecessor; a refused one stores nothing', async () => {
  const eps = stored('program:EpisodeOfCare');
  let r = await web.postForm(`/patients/${cy.pid}/maintenance/episodes/${cy.eid}/return`, { phase: 'monthly', reason: 'too short' });
  assert.equal(r.status, 422);
  r = await web.postForm(`/patients/${cy.pid}/maintenance/episodes/${cy.eid}/return`, { phase: 'weekly', reason: J });
  assert.equal(r.status, 422);
  assert.equal(stored('program:EpisodeOfCare'), eps);
  assert.equal(stored('maintenance:Return'), 0);
  r = await desk.postForm(`/patients/${cy.pid}/maintenance/episodes/${cy.eid}/return`, { phase: 'monthly', reason: J });
  assert.equal(r.status, 403, 'front desk cannot re-enrol');
  r = await web.postForm(`/patients/${cy.pid}/maintenance/episodes/${cy.eid}/return`,
                         { phase: 'monthly', reason: 'Pain back near the baseline at six months; agreed to return.' });
  const neu = Number(/\/episodes\/(\d+)$/.exec(locationOf(r))[1]);
  assert.equal(sql(`SELECT previous || ',' || phase FROM p_maintenance_return WHERE episode = ${neu}`), `${cy.eid},monthly`);
  assert.equal(sql(`SELECT phase FROM p_program_episode WHERE record = ${neu}`), 'monthly');
  // At the current definition's fees: the monthly program's flat fee,
  // one invoice, as a move into the phase raises it.
  assert.equal(sql(`SELECT phase || ',' || printf('%.2f', amount) || ',' || currency || ',' || definition_version FROM p_program_invoice WHERE episode = ${neu}`),
               'monthly,1680.00,AUD,1');
  // The new episode's page shows where it came from: the previous
  // baseline and graduation.
  const ep = await web.get(`/patients/${cy.pid}/episodes/${neu}`);
  const es = /<section[^>]*id="section-maintenance-episode"[\s\S]*?<\/section>/.exec(ep.body)?.[0];
  assert.ok(es, 'the new episode page has the maintenance section');
  assert.match(es, new RegExp(`from episode ${cy.eid}, starting at the monthly phase`));
  assert.match(es, new RegExp(`<dt>Previous graduation</dt>\\s*<dd>${cy.grad}, 86% improvement from baseline</dd>`));
  assert.match(es, /<dt>Previous baseline<\/dt>\s*<dd>peg 7\.0<\/dd>/);
  const x = await page(cy.pid);
  assert.equal(attr(x, 'came-back', 'episode'), String(neu));
  assert.equal(attr(x, 'plan', 'state'), 'ended');
  // Only once from the same episode.
  r = await web.postForm(`/patients/${cy.pid}/maintenance/episodes/${cy.eid}/return`, { phase: 'monthly', reason: J });
  assert.equal(r.status, 409);
  assert.equal(stored('program:EpisodeOfCare'), eps + 1);
});

test('a return at the introductory phase waits for a new baseline: no fee until the program moves it on', async () => {
  const iv = await graduate('M-IV', 'Iv Maint', 6, 1);
  const r = await web.postForm(`/patients/${iv.pid}/maintenance/episodes/${iv.eid}/return`,
                               { phase: 'introductory', reason: 'Flare-ups for six weeks; a fresh start with a new baseline.' });
  const neu = Number(/\/episodes\/(\d+)$/.exec(locationOf(r))[1]);
  assert.equal(sql(`SELECT phase || ',' || definition_version FROM p_program_episode WHERE record = ${neu}`), 'enrolled,1');
  assert.equal(count(`SELECT count(*) FROM p_program_invoice WHERE episode = ${neu}`), 0);
  // The new baseline, then the move: the program raises the phase's fee.
  await observe(iv.pid, neu, ago(0), 5, 'baseline');
  await move(iv.pid, neu, { to: 'introductory', date: ago(0) });
  assert.equal(sql(`SELECT phase || ',' || printf('%.2f', amount) FROM p_program_invoice WHERE episode = ${neu}`), 'introductory,420.00');
});

test('cancel at any time: the month runs out, no later one is billed', async () => {
  let r = await web.postForm(`/patients/${ann.pid}/maintenance/episodes/${ann.eid}/cancel`, { reason: '' });
  assert.equal(r.status, 422);
  r = await web.postForm(`/patients/${ann.pid}/maintenance/episodes/${ann.eid}/cancel`, { reason: 'Moving away.' });
  locationOf(r);
  const x = await page(ann.pid);
  assert.equal(attr(x, 'plan', 'state'), 'ended');
  const start = attr(x, 'plan', 'start');
  let k = 0; while (addMonths(start, k + 1) <= ago(0)) k++;
  assert.equal(attr(x, 'plan', 'end-date'), iso(Date.parse(addMonths(start, k + 1)) - DAY));
  const n = count(`SELECT count(*) FROM p_maintenance_invoice WHERE plan = ${ann.plan}`);
  jobs('maintenance:billing');
  assert.equal(count(`SELECT count(*) FROM p_maintenance_invoice WHERE plan = ${ann.plan}`), n);
});

test('the graduation summary and the patient\'s own summary say what comes next, from the plan', async () => {
  // Bo holds a membership (from the renewal test).
  let r = await web.get(`/patients/${bo.pid}/episodes/${bo.eid}/graduation`);
  assert.equal(r.status, 200);
  const g = /<section[^>]*id="section-maintenance-graduation"[\s\S]*?<\/section>/.exec(r.body)?.[0];
  assert.ok(g, 'the graduation summary has the maintenance section');
  assert.match(g, /<h2>What comes next<\/h2>/);
  assert.match(g, /Monthly maintenance membership \(active, from /);
  assert.match(g, /AUD 120\.00 a month, 1 visit a month included/);
  for (const m of [1, 3, 6, 12]) assert.match(g, new RegExp(`${m} months?: ${addMonths(bo.grad, m)}`));
  assert.doesNotMatch(r.body, /<h2>Next steps<\/h2>/, 'the general word gives way to the plan');
  // The patient's own summary, through the patient's link.
  r = await web.postForm(`/patients/${bo.pid}/episodes/${bo.eid}/patient-link`, { email: 'bo@example.org', diary: 'daily' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  const shown = await web.get(r.headers.location);
  const link = new RegExp(`value="${PUBLIC.replace(/[.]/g, '\\.')}(/c/[A-Za-z0-9_-]{43})"`).exec(shown.body)[1];
  const { patient } = await openLink(srv.base, link);
  const s = await patient.get(`/p/${bo.eid}/summary`);
  assert.equal(s.status, 200, s.body.slice(0, 500));
  const ps = /<section[^>]*id="section-maintenance-patient-summary"[\s\S]*?<\/section>/.exec(s.body)?.[0];
  assert.ok(ps, 'the patient summary has the maintenance section');
  assert.match(ps, /<dt>Your plan<\/dt>\s*<dd>Monthly maintenance membership<\/dd>/);
  assert.match(ps, /<dt>Its fee<\/dt>\s*<dd>AUD 120\.00 a month/);
  assert.match(ps, new RegExp(`<dt>We check in with you</dt>\\s*<dd>1 month: ${addMonths(bo.grad, 1)}`));
  assert.match(ps, /How to come back/);
  // Plain words: no codes, no staff links, no record ids.
  assert.doesNotMatch(ps, /href=|maintenance:|termsVersion|as-needed|membership"|peg|PGIC|episode \d/i);
});

// A fresh graduate with a plan of `option` from `start`.
async function withPlan(id, name, option, start) {
  const who = await graduate(id, name, 6, 1, 200);
  const r = await web.postForm(`/patients/${who.pid}/maintenance/episodes/${who.eid}/plan`,
                               { option, start, email: `${id.toLowerCase()}@example.org`, firstName: name.split(' ')[0] });
  locationOf(r);
  who.plan = attr(await page(who.pid), 'plan', 'record');
  who.P = `/patients/${who.pid}/maintenance/episodes/${who.eid}`;
  return who;
}
const invoices = (plan) => sql(`SELECT period_start || ',' || printf('%.2f', amount) || ',' || ifnull(visit, '-') FROM p_maintenance_invoice WHERE plan = ${plan} ORDER BY period_start, record`).split('\n').filter(Boolean);

test('a paused membership is billed for no month that begins while paused; resumed, its months begin again', async () => {
  const start = ago(65), from = ago(40);
  const fa = await withPlan('M-FA', 'Fa Maint', 'membership', start);
  const versions = () => count('SELECT count(*) FROM record_version');
  let n = versions();
  // Refused: no reason; before the plan starts.  Nothing stored.
  let r = await web.postForm(`${fa.P}/pause`, { from, reason: '' });
  assert.equal(r.status, 422);
  r = await web.postForm(`${fa.P}/pause`, { from: ago(70), reason: 'Travelling for two months.' });
  assert.equal(r.status, 422);
  assert.match(r.body, /before it starts/);
  r = await web.postForm(`${fa.P}/resume`, {});
  assert.equal(r.status, 409, 'an active plan cannot be resumed');
  assert.equal(versions(), n);
  locationOf(await web.postForm(`${fa.P}/pause`, { from, reason: 'Travelling for two months.' }));
  let x = await page(fa.pid);
  assert.equal(attr(x, 'plan', 'state'), 'paused');
  assert.equal(attr(x, 'plan', 'paused-on'), from);
  jobs('maintenance:billing');
  jobs('maintenance:billing');
  // Independently: the months that began before the pause.
  const before = [];
  for (let k = 0; addMonths(start, k) < from; k++) before.push(`${addMonths(start, k)},120.00,-`);
  assert.deepEqual(invoices(fa.plan), before);
  // No renewal notice for a paused plan, no visit.
  r = await web.postForm(`${fa.P}/visits`, { date: ago(1) });
  assert.equal(r.status, 409);
  assert.equal(count(`SELECT count(*) FROM p_maintenance_visit WHERE plan = ${fa.plan}`), 0);
  // Resumed today: the paid month ran out long ago, so the months begin today.
  locationOf(await web.postForm(`${fa.P}/resume`, {}));
  x = await page(fa.pid);
  assert.equal(attr(x, 'plan', 'state'), 'active');
  assert.equal(attr(x, 'plan', 'billed-from'), ago(0));
  jobs('maintenance:billing');
  assert.deepEqual(invoices(fa.plan), [...before, `${ago(0)},120.00,-`]);
  // A pause from a day whose month is already invoiced is refused.
  n = versions();
  r = await web.postForm(`${fa.P}/pause`, { from: ago(0), reason: 'Travelling again.' });
  assert.equal(r.status, 422);
  assert.match(r.body, /already invoiced/);
  assert.equal(versions(), n);
  // Paused from tomorrow, then cancelled: the pause bounds the billing.
  locationOf(await web.postForm(`${fa.P}/pause`, { from: iso(TODAY + DAY), reason: 'Travelling again.' }));
  locationOf(await web.postForm(`${fa.P}/cancel`, { reason: 'Moving away.' }));
  jobs('maintenance:billing');
  assert.equal(invoices(fa.plan).length, before.length + 1);
});

test('visits as needed are invoiced at the stated fee, one invoice a visit; a membership\'s visits never are', async () => {
  const ga = await withPlan('M-GA', 'Ga Maint', 'as-needed', ago(30));
  // Refused: before the plan starts; in the future.  Nothing stored.
  let r = await web.postForm(`${ga.P}/visits`, { date: ago(31) });
  assert.equal(r.status, 422);
  r = await web.postForm(`${ga.P}/visits`, { date: iso(TODAY + 2 * DAY) });
  assert.equal(r.status, 422);
  assert.equal(stored('maintenance:Visit'), 0);
  locationOf(await web.postForm(`${ga.P}/visits`, { date: ago(20) }));
  locationOf(await web.postForm(`${ga.P}/visits`, { date: ago(5) }));
  jobs('maintenance:billing');
  const v = sql(`SELECT group_concat(record) FROM (SELECT record FROM p_maintenance_visit WHERE plan = ${ga.plan} ORDER BY visit_date)`).split(',');
  assert.deepEqual(invoices(ga.plan), [`${ago(20)},95.00,${v[0]}`, `${ago(5)},95.00,${v[1]}`]);
  // A membership: the job bills the month; visits, even beyond the one
  // included, add no invoice.
  const hu = await withPlan('M-HU', 'Hu Maint', 'membership', ago(10));
  jobs('maintenance:billing');
  locationOf(await web.postForm(`${hu.P}/visits`, { date: ago(8) }));
  locationOf(await web.postForm(`${hu.P}/visits`, { date: ago(2) }));
  jobs('maintenance:billing');
  assert.deepEqual(invoices(hu.plan), [`${ago(10)},120.00,-`]);
  assert.equal(count(`SELECT count(*) FROM p_maintenance_visit WHERE plan = ${hu.plan}`), 2);
  // The home routine alone takes no visit here.
  const n = stored('maintenance:Visit');
  r = await web.postForm(`/patients/${ed.pid}/maintenance/episodes/${ed.eid}/visits`, { date: ago(1) });
  assert.equal(r.status, 409);
  assert.equal(stored('maintenance:Visit'), n);
  assert.equal(stored('maintenance:Invoice'), count('SELECT count(*) FROM p_maintenance_invoice'));
});

test('the figures after graduation equal an independent computation', async () => {
  const r = await web.getXml('/outcomes/maintenance');
  assert.equal(r.status, 200, r.body.slice(0, 500));
  for (const m of [1, 3, 6, 12]) {
    const rows = answered.filter((a) => a.months === m && a.base !== 0);
    const imps = rows.map((a) => (a.base - a.score) / a.base);
    const tp = new RegExp(`<timepoint months="${m}"[^>]*/>`).exec(r.body)[0];
    assert.equal(attr(tp, 'timepoint', 'n'), String(rows.length), `n at ${m} months`);
    if (!rows.length) continue;
    const pct = (v) => (Math.round(v * 1000) / 10).toFixed(1);
    assert.equal(attr(tp, 'timepoint', 'mean-improvement'), pct(imps.reduce((a, b) => a + b, 0) / imps.length));
    assert.equal(attr(tp, 'timepoint', 'share-50'), pct(imps.filter((v) => v >= 0.5).length / imps.length));
    const back = rows.filter((a) => a.episode === cy.eid).length;
    assert.equal(attr(tp, 'timepoint', 'share-came-back'), pct(back / rows.length));
  }
  // /outcomes itself: its section after graduation, the same figures.
  const o = await web.get('/outcomes');
  assert.equal(o.status, 200);
  const sec = /<section[^>]*id="section-maintenance-outcomes"[\s\S]*?<\/section>/.exec(o.body)?.[0];
  assert.ok(sec, '/outcomes has the section after graduation');
  for (const m of [1, 3, 6, 12]) {
    const rows = answered.filter((a) => a.months === m && a.base !== 0);
    const dd = new RegExp(`<dt>${m} months? after graduation</dt>\\s*<dd>([^<]*)</dd>`).exec(sec)?.[1];
    assert.ok(dd, `a line for ${m} months`);
    if (!rows.length) { assert.match(dd, /^n 0/); continue; }
    const imps = rows.map((a) => (a.base - a.score) / a.base);
    const pct = (v) => (Math.round(v * 1000) / 10).toFixed(1);
    const back = rows.filter((a) => a.episode === cy.eid).length;
    assert.equal(dd, `n ${rows.length}; mean improvement from baseline ${pct(imps.reduce((a, b) => a + b, 0) / imps.length)}%; ` +
      `still at 50% or better ${pct(imps.filter((v) => v >= 0.5).length / imps.length)}%; came back ${pct(back / rows.length)}%`);
  }
  // /pricing shows the plans below the program.
  const pr = await srv.client().get('/pricing');
  assert.equal(pr.status, 200);
  const ps = /<section[^>]*id="section-maintenance-pricing"[\s\S]*?<\/section>/.exec(pr.body)?.[0];
  assert.ok(ps, '/pricing has the plans');
  assert.ok(pr.body.indexOf('section-maintenance-pricing') > pr.body.indexOf('How decisions are made'), 'below the program');
  assert.match(ps, /<dt>Monthly maintenance membership<\/dt>\s*<dd>AUD 120\.00 a month/);
  assert.match(ps, /<dt>Visits as needed<\/dt>\s*<dd>AUD 95\.00 a visit/);
  assert.match(ps, /<dt>The home routine alone<\/dt>\s*<dd>no fee<\/dd>/);
  const p = await srv.client().get('/pricing/maintenance');
  assert.equal(p.status, 200);
  assert.match(p.body, /120\.00 a month/);
  assert.match(p.body, /95\.00 a visit/);
});

test('every page of the plugin is well-formed HTML; the staff pages are refused to a visitor', async () => {
  const checkin = checkins(await page(ed.pid))[0].record;
  for (const p of [`/patients/${ann.pid}/maintenance`, `/patients/${cy.pid}/maintenance`, '/maintenance',
                   '/outcomes/maintenance', `/maintenance/check-ins/${checkin}`]) {
    const r = await web.get(p);
    assert.equal(r.status, 200, p);
    assert.deepEqual(checkHtml(r.body).errors, [], p);
    assert.notEqual((await srv.client().get(p)).status, 200, `${p} needs a sign-in`);
  }
  const r = await srv.client().get('/pricing/maintenance');
  assert.deepEqual(checkHtml(r.body).errors, []);
  // Front desk sees the list (to call people) but not a clinical page.
  assert.equal((await desk.get('/maintenance')).status, 200);
  assert.equal((await desk.get(`/patients/${ann.pid}/maintenance`)).status, 403);
  // /pricing links to the plans.
  assert.match((await srv.client().get('/pricing')).body, /href="\/pricing\/maintenance"/);
});

test('with the referral plugin loaded, the plan page links its form, and nothing probes sqlite_master', async () => {
  const x = await page(ann.pid);
  assert.match(x, /referral-form="yes"/, 'the external options link to the referral form');
  assert.doesNotMatch(srv.logs().cairnd, /refused SQL/, 'no plugin query was refused');
});
