// Doses a day of a herbal prescription over HTTP (real nginx, real cairnd,
// program + herbal): the prescribing form offers 1-4 (2 by default) and
// stores it; 0, 5, text or nothing on the form is a 422 beside the field
// with nothing stored, as 0, 5 or text through the XML API; a prescription
// without it (stored before it existed) is read as twice a day; the
// printed instructions say "Take it N times a day" and how much each time,
// the dispensing sheet gives grams a dose (grams a day / doses a day); a
// change of doses a day is a new version whose history says so; and
// adherence at 3 a day: the patient's week is 21 doses, the staff form
// computes a week's doses (fewer in the prescription's first and last
// weeks), and the episode and checkpoint pages count against them.  The
// tests run in order on one database.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, Client, csrfFromHtml } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';
import { dbValue, versions } from '../lib/intake.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-herbdoses-'));
const sink = await spawnSink(path.join(work, 'sink'));
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';

const srv = useCairn({
  publicUrl: PUBLIC,
  clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' },
});

const DAY = 86400000;
const now = new Date();
const todayMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const ago = (n) => iso(todayMs - n * DAY);
// The Monday of the ISO week holding day `ms` (as cairn_date_week_start).
const monday = (ms) => ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY;
const RXT = 'herbal:Prescription';
const count = (type) => Number(dbValue(srv, `SELECT count(*) FROM record WHERE type = '${type}'`));
const newest = (type) => dbValue(srv, `SELECT v.body FROM record_version v JOIN record r ON r.id = v.record
  WHERE r.type = '${type}' ORDER BY r.id DESC, v.version DESC LIMIT 1`);
const bodyOf = (id) => dbValue(srv, `SELECT body FROM record_version WHERE record = ${id} ORDER BY version DESC LIMIT 1`);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const handout = (html) => text(html.slice(html.indexOf('<article'), html.indexOf('</article>')));

let web;
const people = {};

async function enrolled(identifier, name) {
  let r = await web.postForm('/patients', { identifier, name, gender: 'female', birthDate: '1968-03-02' });
  assert.equal(r.status, 303, r.body.slice(0, 500));
  const pid = Number(/^\/patients\/(\d+)$/.exec(r.headers.location)[1]);
  r = await web.postForm(`/patients/${pid}/episodes`, { cohort: 'program', periodStart: ago(20), primaryInstrument: 'nrs' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const eid = Number(/episodes\/(\d+)$/.exec(r.headers.location)[1]);
  r = await web.postForm(`/patients/${pid}/observations`,
    { instrument: 'nrs', effective: ago(20), timepoint: 'baseline', episode: String(eid), 'answer.pain': '7' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  r = await web.postForm(`/patients/${pid}/episodes/${eid}/moves`, { form: 'move', to: 'introductory', date: ago(10) });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  return { pid, eid, E: `/patients/${pid}/episodes/${eid}` };
}

// A herbal:Prescription body; dosesPerDay null leaves the element out (a
// prescription as stored before it existed).
function xml(p, { doses = null, form = 'raw', ratio = null, start = ago(0), days = 14,
  herbs = [['Bai Shao', 12], ['Zhi Gan Cao', 6]] } = {}) {
  return `<Prescription xmlns="urn:cairn:herbal">
  <subject>${p.pid}</subject>
  <episode>${p.eid}</episode>
  <formula kind="modified">shao-yao-gan-cao-tang</formula>
  <form>${form}</form>
${ratio ? `  <ratio>${ratio}</ratio>\n` : ''}  <days>${days}</days>
${doses === null ? '' : `  <dosesPerDay>${doses}</dosesPerDay>\n`}  <startDate>${start}</startDate>
  <prescriber>test-clinician</prescriber>
${herbs.map(([n, g]) => `  <herb><name>${n}</name><grams>${g}</grams></herb>`).join('\n')}
  <acknowledged/>
</Prescription>`;
}

async function prescribeXml(p, o) {
  const r = await web.postXml(`/patients/${p.pid}/herbal/prescriptions`, xml(p, o));
  assert.equal(r.status, 201, r.body.slice(0, 800));
  const id = Number(/id="(\d+)"/.exec(r.body)[1]);
  return `/patients/${p.pid}/herbal/prescriptions/${id}`;
}

// The prescribing form's fields for Shao Yao Gan Cao Tang.
const formFields = (extra) => ({
  formula: 'shao-yao-gan-cao-tang', form: 'raw', days: '14', dosesPerDay: '3', startDate: ago(0),
  'herb-1-name': 'Bai Shao', 'herb-1-grams': '12', 'herb-2-name': 'Zhi Gan Cao', 'herb-2-grams': '12',
  acknowledged: 'yes', ...extra,
});

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
  people.cai = await enrolled('HD-CAI', 'Cai Doses');
  people.dee = await enrolled('HD-DEE', 'Dee Doses');
});
after(() => { sink.stop(); rmSync(work, { recursive: true, force: true }); });

test('the form offers doses a day, twice by default, and stores 3: the page, instructions and dispensing sheet follow it', async () => {
  const p = people.cai;
  let r = await web.get(`/patients/${p.pid}/herbal/prescribe?formula=shao-yao-gan-cao-tang`);
  assert.equal(r.status, 200);
  assert.match(r.body, /<select id="rx-dosesPerDay" name="dosesPerDay"/);
  assert.match(r.body, /<option value="2" selected>Twice a day<\/option>/, 'twice a day unless the clinician says otherwise');
  const before = count(RXT);
  r = await web.postForm(`/patients/${p.pid}/herbal/prescribe`, formFields());
  assert.equal(r.status, 303, r.body.slice(0, 1500));
  assert.equal(count(RXT), before + 1);
  p.rx = r.headers.location;
  const id = Number(/(\d+)$/.exec(p.rx)[1]);
  assert.match(bodyOf(id), /<days>14<\/days>\s*<dosesPerDay>3<\/dosesPerDay>/, 'stored in the record');
  r = await web.get(p.rx);
  assert.match(text(r.body), /· 3 times a day · 14 days from/);
  r = await web.get(`${p.rx}/instructions`);
  assert.equal(r.status, 200);
  const h = handout(r.body);
  assert.match(h, /Take it 3 times a day, in the morning, at midday and in the evening\s*: each time, drink a third of the day's liquid, warm, between meals\./);
  assert.doesNotMatch(h, /twice|half/, 'nothing of the old fixed twice a day');
  r = await web.get(`${p.rx}/dispensing`);
  assert.equal(r.status, 200);
  assert.match(text(r.body), /3 times a day · 14 days from/);
  assert.match(r.body, /<th scope="col">g a day<\/th><th scope="col">g a dose<\/th>/);
  assert.match(r.body, /<td>12<\/td><td>4<\/td><td>14<\/td><td>168<\/td>/, '12 g a day in 3 doses is 4 g a dose');
  r = await web.get(`${p.rx}/revise`);
  assert.match(r.body, /<option value="3" selected>3 times a day<\/option>/, 'the revise form holds it');
});

test('0, 5, text, a fraction or nothing for doses a day on the form: a 422 beside the field, nothing stored', async () => {
  const p = people.cai;
  for (const bad of ['0', '5', 'three', '2.5', '']) {
    const n = count(RXT), v = versions(srv);
    const r = await web.postForm(`/patients/${p.pid}/herbal/prescribe`, formFields({ dosesPerDay: bad }));
    assert.equal(r.status, 422, `dosesPerDay "${bad}": ${r.status}`);
    assert.match(r.body, /id="e-rx-dosesPerDay"/, `dosesPerDay "${bad}": the message is beside the field`);
    assert.equal(count(RXT), n, `dosesPerDay "${bad}": nothing stored`);
    assert.equal(versions(srv), v, `dosesPerDay "${bad}": no version written`);
  }
  // and a new version with a bad value is refused the same way
  const v = versions(srv);
  const page = await web.get(`${p.rx}/revise`);
  const version = /name="version" value="(\d+)"/.exec(page.body)[1];
  const r = await web.postForm(`${p.rx}/revise`, formFields({ version, dosesPerDay: '5', reason: 'More often' }));
  assert.equal(r.status, 422);
  assert.equal(versions(srv), v, 'no version written');
});

test('a change of doses a day is a new version whose history says what changed', async () => {
  const p = people.cai;
  const page = await web.get(`${p.rx}/revise`);
  const version = /name="version" value="(\d+)"/.exec(page.body)[1];
  let r = await web.postForm(`${p.rx}/revise`,
    formFields({ version, dosesPerDay: '4', days: '21', reason: 'Cramps at night: a dose at bedtime' }));
  assert.equal(r.status, 303, r.body.slice(0, 1500));
  r = await web.get(p.rx);
  assert.match(text(r.body), /Version 2, \d{4}-\d{2}-\d{2}, test-clinician: doses a day 3 -&gt; 4; days 14 -&gt; 21\. Reason: Cramps at night/);
  assert.match(text(r.body), /· 4 times a day · 21 days from/);
  r = await web.get(`${p.rx}/instructions`);
  assert.match(handout(r.body), /Take it 4 times a day, in the morning, at midday, in the late afternoon and at bedtime\s*: each time, drink a quarter of the day's liquid/);
});

test('the XML API stores 1-4, refuses 0, 5 and text with nothing stored, and reads a prescription without it as twice a day', async () => {
  const p = people.cai;
  for (const bad of ['0', '5', 'three', '']) {
    const n = count(RXT), v = versions(srv);
    const r = await web.postXml(`/patients/${p.pid}/herbal/prescriptions`, xml(p, { doses: bad }));
    assert.equal(r.status, 422, `dosesPerDay "${bad}": ${r.body.slice(0, 400)}`);
    assert.match(r.body, /dosesPerDay/, `dosesPerDay "${bad}": the message names it`);
    assert.equal(count(RXT), n, `dosesPerDay "${bad}": nothing stored`);
    assert.equal(versions(srv), v, `dosesPerDay "${bad}": no version written`);
  }
  // granules four times a day
  let loc = await prescribeXml(p, { doses: 4, form: 'granules', ratio: 5, herbs: [['Bai Shao', 2], ['Zhi Gan Cao', 1]] });
  let r = await web.get(`${loc}/instructions`);
  let h = handout(r.body);
  assert.match(h, /Take it 4 times a day, in the morning, at midday, in the late afternoon and at bedtime\s*, between meals\./);
  assert.match(h, /Each time, dissolve a quarter of the day's granules in a cup of hot water/);
  r = await web.get(`${loc}/dispensing`);
  assert.match(r.body, /<td>2<\/td><td>0\.5<\/td><td>14<\/td><td>28<\/td>/, '2 g of granules a day in 4 doses is 0.5 g a dose');
  // pills once a day
  loc = await prescribeXml(p, { doses: 1, form: 'pills' });
  h = handout((await web.get(`${loc}/instructions`)).body);
  assert.match(h, /Take it once a day, in the morning\s*: the pills as written on the label/);
  // none given: as every prescription stored before the field existed
  loc = await prescribeXml(p, {});
  const id = Number(/(\d+)$/.exec(loc)[1]);
  assert.doesNotMatch(bodyOf(id), /dosesPerDay/, 'stored without it');
  h = handout((await web.get(`${loc}/instructions`)).body);
  assert.match(h, /Take it twice a day, in the morning and in the evening\s*: each time, drink half of the day's liquid/);
  r = await web.get(`${loc}/dispensing`);
  assert.match(r.body, /<td>12<\/td><td>6<\/td><td>14<\/td><td>168<\/td>/, 'read as twice a day: 6 g a dose');
  r = await web.get(`${loc}/revise`);
  assert.match(r.body, /<option value="2" selected>Twice a day<\/option>/);
});

// The patient's own link to episode p.
async function linkOf(p, email) {
  let r = await web.postForm(`${p.E}/patient-link`, { email, diary: 'daily' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  const page = await web.get(r.headers.location);
  const m = new RegExp(`value="${PUBLIC.replace(/[.]/g, '\\.')}(/c/[A-Za-z0-9_-]{43})"`).exec(page.body);
  assert.ok(m, page.body.slice(0, 2000));
  const c = new Client(srv.base);
  r = await c.get(m[1]);
  assert.equal(r.status, 303, r.body.slice(0, 300));
  const home = await c.get(r.headers.location);
  c.csrf = csrfFromHtml(home.body);
  return c;
}

test('adherence at 3 a day: the patient\'s week is 21 doses; the episode and checkpoint pages count against it; the staff form computes partial weeks', async () => {
  const p = people.dee;
  // Started on the Thursday of the week holding 14 days ago, for 30 days:
  // that week has 4 of its days, this week all 7.
  const startMs = monday(todayMs - 14 * DAY) + 3 * DAY;
  const rx = await prescribeXml(p, { doses: 3, start: iso(startMs), days: 30 });
  const c = await linkOf(p, 'dee@example.org');
  let r = await c.get(`/p/${p.eid}/herbs`);
  assert.equal(r.status, 200, r.body.slice(0, 800));
  const t = text(r.body);
  assert.match(t, /Take it 3 times a day, in the morning, at midday and in the evening\s*: each time, drink a third of the day's liquid/);
  assert.match(t, /you were asked to take 21 doses \(3 times a day on the days of your herbs\)/);
  const n = count('herbal:Adherence');
  r = await c.postForm(`/p/${p.eid}/herbs/doses`, { form: 'doses', dosesTaken: '15' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  assert.equal(count('herbal:Adherence'), n + 1);
  assert.match(newest('herbal:Adherence'), /<dosesTaken>15<\/dosesTaken>\s*<dosesPrescribed>21<\/dosesPrescribed>/);

  let ep = await web.get(p.E);
  let s = /id="section-herbal-episode">[\s\S]*?<\/section>/.exec(ep.body);
  assert.ok(s, 'the herbal section is on the episode page');
  assert.match(text(s[0]), new RegExp(`Shao Yao Gan Cao Tang \\(modified\\), raw herbs for decoction, 30 days from ${iso(startMs)}, 3 doses a day`));
  assert.match(text(s[0]), /Doses taken 15 of 21 prescribed \(71%\) over 1 week/);
  assert.match(s[0], /class="line-warn"><dt>Doses taken/, 'below 80% is a warning');
  const cp = await web.get(`${p.E}/checkpoint`);
  s = /id="section-herbal-checkpoint">[\s\S]*?<\/section>/.exec(cp.body);
  assert.ok(s, 'the herbal section is on the checkpoint page');
  assert.match(text(s[0]), /Doses taken 15 of 21 prescribed \(71%\)/);
  // the patient's own summary says how many times a day, in plain words
  const sum = await c.get(`/p/${p.eid}/summary`);
  const hs = /id="section-herbal-patient-summary">[\s\S]*?<\/section>/.exec(sum.body);
  assert.ok(hs, 'the herbal part of the summary');
  assert.match(text(hs[0]), new RegExp(`Shao Yao Gan Cao Tang, from ${iso(startMs)} for 30 days, 3 times a day`));

  // The staff form: this week's doses filled in from the prescription.
  r = await web.get(`${rx}/adherence`);
  assert.equal(r.status, 200);
  assert.match(text(r.body), /Prescribed 3 times a day/);
  assert.match(r.body, /name="dosesPrescribed" value="21"/);
  // The first week, left empty: 4 days of it at 3 a day.
  r = await web.postForm(`${rx}/adherence`, { weekStart: iso(monday(startMs)), dosesTaken: '10', dosesPrescribed: '' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  assert.match(newest('herbal:Adherence'), /<dosesTaken>10<\/dosesTaken>\s*<dosesPrescribed>12<\/dosesPrescribed>\s*<recordedBy>visit/);
  ep = await web.get(p.E);
  s = /id="section-herbal-episode">[\s\S]*?<\/section>/.exec(ep.body);
  assert.match(text(s[0]), /Doses taken 25 of 33 prescribed \(75%\) over 2 weeks/);
  // A prescription's last week, past: the days left of it.  Started on a
  // Thursday a month ago for 10 days, its last week has 6 of its days.
  const oldStart = monday(todayMs - 30 * DAY) + 3 * DAY;
  const old = await prescribeXml(people.cai, { doses: 3, start: iso(oldStart), days: 10 });
  const lastMonday = monday(oldStart + 9 * DAY);
  r = await web.postForm(`${old}/adherence`, { weekStart: iso(lastMonday), dosesTaken: '9', dosesPrescribed: '' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  assert.match(newest('herbal:Adherence'), /<dosesTaken>9<\/dosesTaken>\s*<dosesPrescribed>18<\/dosesPrescribed>/, '6 days at 3 a day');
  // stopping it keeps its doses a day
  r = await web.postForm(`${old}/stop`, { reason: 'Course finished' });
  assert.equal(r.status, 303);
  assert.match(bodyOf(Number(/(\d+)$/.exec(old)[1])), /<dosesPerDay>3<\/dosesPerDay>[\s\S]*<stopped>/);
  // A number the clinician writes is kept.
  r = await web.postForm(`${rx}/adherence`, { weekStart: iso(monday(todayMs)), dosesTaken: '14', dosesPrescribed: '18' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  assert.match(newest('herbal:Adherence'), /<dosesPrescribed>18<\/dosesPrescribed>/);
});
