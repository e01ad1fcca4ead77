// The demo's seed (scripts/seed-demo.mjs): run it, as scripts/demo does,
// against a test server with the intake plugin, and check every state it
// promises from the staff pages' XML API, as a newcomer would meet them:
// the dashboard lists the due and the overdue first-month checkpoint and
// the open flare, /economics shows the honest exit at day 14 and the
// continuation with its justification, the graduate has a graduation
// summary, the episode page shows the open flare, the queue holds the
// waiting call and the intake under way; and every plugin has data on its
// staff pages: herbal prescriptions with adherence, exercise progressions
// and home routines, partners and referrals (sent ones' emails queued in
// the outbox), maintenance plans and check-ins.  A second run adds nothing.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useCairn, run, STAFF, REPO } from '../lib/harness.mjs';
import { parseXml } from '../lib/xml.mjs';

// A public address and a mail relay (never reached: no jobs run here), so
// that referrals are sent and their emails wait in the outbox.
const srv = useCairn({ publicUrl: 'https://clinic.example', mail: { port: 9 } });
const SEED = path.join(REPO, 'scripts', 'seed-demo.mjs');
const DAY_MS = 86400000;
const dayOf = (s) => Math.round(Date.parse(`${s}T00:00:00Z`) / DAY_MS);
const dateOf = (n) => new Date(n * DAY_MS).toISOString().slice(0, 10);

// The seed as a separate program (as scripts/demo runs it), --json.
function seed(extra = []) {
  const r = run(process.execPath, [SEED, '--url', srv.base, '--user', STAFF.clinician.username,
    '--desk-user', STAFF['front-desk'].username, '--json', ...extra], {
    env: { CAIRN_SEED_PASSWORD: STAFF.clinician.password, CAIRN_SEED_DESK_PASSWORD: STAFF['front-desk'].password },
    timeoutMs: 120000 });
  return r;
}

let web;
let today;
let first;
const row = (name) => first.rows.find((r) => r.name === name);
async function xml(url) {
  const r = await web.getXml(url);
  assert.equal(r.status, 200, `GET ${url}: ${r.status} ${r.body.slice(0, 400)}`);
  return parseXml(r.body);
}

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
  today = (await xml('/')).attr('today');
  // A fixed base: the clinic's today, given explicitly.
  const r = seed(['--base', today]);
  assert.equal(r.code, 0, `seed: ${r.stderr}${r.stdout}`);
  first = JSON.parse(r.stdout);
}, { timeout: 180000 });

test('a base after the clinic\'s today is refused before anything is written', async () => {
  const before = srv.stats();
  const r = seed(['--base', dateOf(dayOf(today) + 1)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /after the clinic's today/);
  assert.deepEqual(srv.stats(), before);
});

test('the first run adds a dozen patients and three discovery calls, each with a staff page', async () => {
  assert.equal(first.base, today);
  assert.ok(first.rows.length >= 14, JSON.stringify(first.rows));
  assert.ok(first.rows.every((r) => r.added), 'all added on the first run');
  const home = await xml('/');
  assert.ok(Number(home.find('counts').attr('patients')) >= 12, 'at least 12 patients');
  for (const r of first.rows) {
    const res = await web.getXml(r.page);
    assert.equal(res.status, 200, `${r.name}: ${r.page} answered ${res.status}`);
  }
});

test('every phase of the program holds a patient', async () => {
  const phases = Object.fromEntries((await xml('/')).find('program').childrenNamed('phase')
    .map((p) => [p.attr('id'), Number(p.attr('episodes'))]));
  for (const id of ['enrolled', 'introductory', 'first-month', 'monthly', 'graduated', 'exited']) {
    assert.ok(phases[id] >= 1, `no episode in ${id}: ${JSON.stringify(phases)}`);
  }
});

test('the dashboard lists the first-month checkpoint due today and the one overdue by days', async () => {
  const cps = (await xml('/')).find('program').childrenNamed('checkpoint');
  const due = cps.find((c) => c.attr('name') === 'Priya Desai');
  assert.ok(due, 'Priya Desai on the dashboard');
  assert.equal(due.attr('state'), 'due');
  assert.equal(due.attr('phase'), 'first-month');
  assert.equal(due.attr('due'), today);
  const over = cps.find((c) => c.attr('name') === 'Daniel Moreau');
  assert.ok(over, 'Daniel Moreau on the dashboard');
  assert.equal(over.attr('state'), 'overdue');
  assert.equal(over.attr('phase'), 'first-month');
  assert.ok(dayOf(today) - dayOf(over.attr('overdue')) >= 3, `overdue since ${over.attr('overdue')} only`);
  // The due one's checkpoint page has the data to decide on: 50% reached.
  const page = await xml(due.attr('href'));
  assert.equal(page.attr('due'), today);
  assert.equal(page.find('recommendation').attr('action'), 'continue');
});

test('the open flare is on the dashboard and on its episode page', async () => {
  const f = (await xml('/')).find('program').childrenNamed('flare').find((x) => x.attr('name') === 'Graham Whitlock');
  assert.ok(f, 'Graham Whitlock\'s flare on the dashboard');
  assert.equal(f.attr('href'), row('Graham Whitlock').page);
  const ep = await xml(row('Graham Whitlock').page);
  assert.equal(ep.find('episode').attr('phase'), 'monthly');
  const open = ep.findAll('flare').filter((x) => x.attr('start') && !x.attr('end'));
  assert.equal(open.length, 1, 'one open flare');
  assert.equal(open[0].attr('trigger'), 'Six-hour drive to visit family');
});

test('the honest exit at day 14 shows on /economics', async () => {
  const ep = await xml(row('Aisha Rahman').page);
  const e = ep.find('episode');
  assert.equal(e.attr('phase'), 'exited');
  const exit = e.childrenNamed('move').find((m) => m.attr('to') === 'exited');
  assert.equal(exit.attr('from'), 'introductory');
  assert.equal(exit.attr('reason'), 'no-meaningful-response');
  assert.equal(dayOf(exit.attr('date')) - dayOf(e.attr('intro-start')), 14, 'day 14');
  const eco = await xml('/economics');
  const row_ = eco.childrenNamed('episode').find((x) => x.attr('name') === 'Aisha Rahman');
  assert.equal(row_.attr('phase'), 'exited');
  assert.equal(row_.attr('fees'), '420.00', 'charged the introductory fee only');
  const d = eco.childrenNamed('decision').find((x) => x.attr('from') === 'introductory' && x.attr('to') === 'exited');
  assert.ok(d && Number(d.attr('count')) >= 1, 'an exit at the introductory checkpoint');
});

test('the continuation below the benchmark carries its written justification', async () => {
  const eco = await xml('/economics');
  const j = eco.childrenNamed('justification').find((x) => x.attr('name') === 'Tomasz Nowak');
  assert.ok(j, 'Tomasz Nowak\'s justification on /economics');
  assert.ok(Number(j.attr('improvement')) < 0.5);
  assert.ok(j.find('text').text.length >= 20);
  const d = eco.childrenNamed('decision').find((x) => x.attr('from') === 'first-month' && x.attr('to') === 'monthly'
    && x.attr('threshold-met') === 'no');
  assert.ok(Number(d.attr('justified')) >= 1);
});

test('the graduate has a graduation summary: goals met, gains held, the taper behind them', async () => {
  const g = await xml(`${row('Ruth Okafor').page}/graduation`);
  assert.equal(g.local, 'graduation');
  assert.equal(g.find('episode').attr('phase'), 'graduated');
  assert.ok(Number(g.attr('days')) > 100, `days in program ${g.attr('days')}`);
  assert.ok(Number(g.find('primary').attr('improvement')) >= 0.5);
  const acts = g.childrenNamed('activity');
  assert.equal(acts.length, 3);
  for (const a of acts) assert.ok(Number(a.attr('last')) >= Number(a.attr('goal')), `${a.attr('text')}: goal met`);
  // The taper: three visits a week at the start of the monthly program, one at the end.
  const ep = await xml(row('Ruth Okafor').page);
  const weeks = ep.findAll('week').map((w) => Number(w.attr('actual')));
  assert.equal(weeks[0], 3);
  assert.equal(weeks[weeks.length - 1], 1);
});

test('each phase story sits where it says: enrolled, introductory, first-month, monthly', async () => {
  const phase = async (name) => (await xml(row(name).page)).find('episode').attr('phase');
  assert.equal(await phase('Sofia Lindqvist'), 'enrolled');
  assert.equal(await phase('Helen Fraser'), 'introductory');
  assert.equal(await phase('Marcus Bell'), 'first-month');
  assert.equal(await phase('Kenji Watanabe'), 'monthly');
  assert.equal(await phase('Bronwyn Hughes'), 'exited');
});

test('the waiting call and the intake under way are in the front desk\'s queue', async () => {
  const desk = await srv.as('front-desk');
  const r = await desk.getXml('/intake');
  assert.equal(r.status, 200);
  const q = parseXml(r.body);
  const waiting = q.childrenNamed('request').find((x) => x.attr('name') === 'Owen Gallagher');
  assert.ok(waiting, 'Owen Gallagher waiting');
  assert.equal(waiting.attr('state'), 'new');
  const booked = q.childrenNamed('request').find((x) => x.attr('name') === 'Chloe Martin');
  assert.equal(booked.attr('state'), 'scheduled');
  assert.ok(booked.attr('call') > today);
  const intake = q.childrenNamed('intake').find((x) => x.attr('name') === 'Leila Haddad');
  assert.ok(intake, 'Leila Haddad\'s intake open');
  assert.equal(intake.attr('state'), 'open');
  assert.equal(intake.attr('sections'), '1');
});

test('the herbal plugin: prescriptions on the patients\' herbal pages, with adherence', async () => {
  for (const [name, formula] of [['Ruth Okafor', 'Du Huo Ji Sheng Tang'], ['Tomasz Nowak', 'Shao Yao Gan Cao Tang'],
    ['Graham Whitlock', 'Juan Bi Tang'], ['Kenji Watanabe', 'Shen Tong Zhu Yu Tang']]) {
    const pid = /\/patients\/(\d+)/.exec(row(name).page)[1];
    const rx = (await xml(`/patients/${pid}/herbal`)).childrenNamed('prescription');
    assert.equal(rx.length, 1, `${name}: one prescription`);
    assert.ok(rx[0].attr('formula').startsWith(formula), `${name}: ${rx[0].attr('formula')}`);
  }
  const s = srv.stats();
  assert.ok(s['herbal:Adherence'] >= 8, `adherence records: ${s['herbal:Adherence']}`);
});

test('the exercise plugin: stages, sessions and home routines; the worklist has a gate open and a flare\'s step back', async () => {
  const kenji = await xml(`${row('Kenji Watanabe').page}/exercise`);
  assert.equal(kenji.find('stage').attr('code'), 'loading');
  assert.ok(kenji.find('routine'), 'Kenji has a home routine');
  const ruth = await xml(`${row('Ruth Okafor').page}/exercise`);
  assert.equal(ruth.find('stage').attr('code'), 'loading');
  assert.ok(ruth.find('routine'), 'Ruth has a home routine');
  const work = await xml('/exercise');
  assert.ok(work.childrenNamed('open').some((x) => x.attr('patient') === 'Tomasz Nowak'), 'Tomasz: gate open');
  assert.ok(work.childrenNamed('stepped-back').some((x) => x.attr('patient') === 'Graham Whitlock'), 'Graham: stepped back');
  assert.ok(srv.stats()['exercise:Session'] >= 30);
});

test('the referral plugin: four partners, referrals sent and a draft, their emails in the outbox', async () => {
  const partners = (await xml('/partners')).childrenNamed('partner').map((p) => p.attr('name'));
  assert.deepEqual(partners.sort(), ['Dr Anjali Mehta', 'James Okoro', 'Mei Lin Tan', 'Sarah Lindgren']);
  const refs = (await xml('/referrals')).childrenNamed('referral');
  const state = (name) => refs.find((r) => r.attr('name') === name)?.attr('state');
  assert.equal(state('Ruth Okafor'), 'sent');
  assert.equal(state('Bronwyn Hughes'), 'sent');
  assert.equal(state('Graham Whitlock'), 'draft');
  const admin = await srv.as('admin');
  const out = await admin.getXml('/admin/outbox');
  assert.equal(out.status, 200);
  const queued = parseXml(out.body).findAll('message').map((m) => m.attr('to'));
  for (const to of ['james@northsidestrength.example', 'referrals@riversidesportsmed.example', 'kenji.watanabe@example.net']) {
    assert.ok(queued.includes(to), `a message to ${to} queued: ${queued.join(', ')}`);
  }
});

test('the maintenance plugin: a membership, check-ins by phone, a graduate to talk to and a check-in due', async () => {
  const list = await xml('/maintenance');
  const g = (name) => list.childrenNamed('graduate').find((x) => x.attr('name') === name);
  assert.equal(g('Ruth Okafor').attr('plan'), 'membership');
  assert.equal(g('Margaret Ellis').attr('verdict'), 'talk');
  const due = list.childrenNamed('open-checkin').find((x) => x.attr('name') === 'Margaret Ellis');
  assert.equal(due.attr('months'), '6');
  const pid = /\/patients\/(\d+)/.exec(row('Margaret Ellis').page)[1];
  const done = (await xml(`/patients/${pid}/maintenance`)).findAll('checkin').filter((c) => c.attr('state') === 'done');
  assert.deepEqual(done.map((c) => [c.attr('months'), c.attr('via')]), [['1', 'phone'], ['3', 'phone']]);
});

test('the open flare asks 2 visits a week: the taper recommends 2 and graduation waits', async () => {
  const ep = await xml(row('Graham Whitlock').page);
  assert.equal(ep.childrenNamed('taper')[0].attr('current'), '2');
  assert.ok(ep.find('graduation-waits'));
});

test('a second run adds nothing', async () => {
  const before = srv.stats();
  const queue = (await (await srv.as('front-desk')).getXml('/intake')).body;
  const r = seed(['--base', today]);
  assert.equal(r.code, 0, r.stderr);
  const again = JSON.parse(r.stdout);
  assert.equal(again.rows.length, first.rows.length);
  assert.ok(again.rows.every((x) => !x.added), JSON.stringify(again.rows.filter((x) => x.added)));
  assert.ok(again.rows.every((x) => !/INCOMPLETE|moved on/.test(x.state)), JSON.stringify(again.rows));
  assert.deepEqual(again.rows.map((x) => [x.name, x.page]), first.rows.map((x) => [x.name, x.page]));
  assert.deepEqual(srv.stats(), before);
  assert.equal((await (await srv.as('front-desk')).getXml('/intake')).body, queue);
});
