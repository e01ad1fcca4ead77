// The intake link emailed from the queue page, end to end: the front desk
// chooses an open intake and types the patient's address on /intake; one
// transaction issues the link and queues the message; the POST answers
// 303 to the intake's page, which shows the link in full once (a reload
// shows nothing and issues nothing); `cairn jobs run` delivers it to a real
// SMTP server on loopback (tests/lib/smtp-sink.mjs) and the message is
// read back: headers, the full link, the first name only, nothing clinical.
// Then the refusals (an invalid address, a CR or LF in the address or the
// name: 422 on the form, no link issued, nothing queued) and the job that
// marks overdue discovery calls (finds what is due, idempotent).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, REPO } from '../lib/harness.mjs';
import { readSinkDir, spawnSink } from '../lib/smtp-sink.mjs';
import { Visitor, sendRequest, goodFit, sections, dbValue, versions } from '../lib/intake.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-intake-mail-'));
const sinkDir = path.join(work, 'sink');
const sink = await spawnSink(sinkDir);
const PUBLIC = 'https://clinic.example/riverside';

const srv = useCairn({
  publicUrl: PUBLIC,
  clinicName: 'Riverside Pain Clinic',
  mail: { port: sink.port, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' },
  intakeSettings: { 'min-seconds': '1', 'answer-days': '2' },
});

let desk;
let nextHost = 40;
const visitor = () => new Visitor(srv.base, `127.0.0.${nextHost++}`);
const outboxRows = () => Number(dbValue(srv, 'SELECT count(*) FROM outbox'));
const links = () => Number(dbValue(srv, 'SELECT count(*) FROM capability'));

before(async () => {
  await srv.ready;
  desk = await srv.as('front-desk');
});
after(() => {
  sink.stop();
  rmSync(work, { recursive: true, force: true });
});

// A new request, a good fit: an open intake for `name`.  Its id.
async function openIntake(name) {
  const v = visitor();
  const r = await sendRequest(v, { name, contact: '0100 000 000', problem: 'Low back pain for a year, worse sitting; sciatica down the left leg.' });
  assert.equal(r.status, 303, r.body.slice(0, 400));
  const { intakeId } = await goodFit(desk, name);
  return intakeId;
}

test('an intake link emailed from the queue page arrives in full, by first name, with nothing clinical', async () => {
  const intakeId = await openIntake('Harriet Quill');
  // The clinical side of the intake, to be sure none of it leaks into the mail.
  for (const s of sections({ name: 'Harriet Quill' }).slice(0, 2)) {
    const r = await desk.postForm(`/intake/${intakeId}/form`, s);
    assert.equal(r.status, 303, r.body.slice(0, 400));
  }
  const queue = await desk.get('/intake');
  assert.equal(queue.status, 200);
  assert.match(queue.body, /<form method="post" action="\/intake\/link"/);
  assert.match(queue.body, new RegExp(`<option value="${intakeId}">Harriet Quill \\(intake opened`));
  assert.doesNotMatch(queue.body, /right-click/i);

  const before = outboxRows();
  const r = await desk.postForm('/intake/link', { intake: String(intakeId), email: 'harriet@example.org', name: 'Harriet Quill' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  assert.match(r.headers.location, new RegExp(`^/intake/${intakeId}\\?issued=\\d+$`));
  assert.equal(outboxRows(), before + 1, 'queued with the link, in one transaction');

  // The page after the redirect shows the link in full, once, with the copy field.
  const page = await desk.get(r.headers.location);
  assert.equal(page.status, 200);
  const m = new RegExp(`value="(${PUBLIC.replace(/[.]/g, '\\.')}/c/[A-Za-z0-9_-]{43})"`).exec(page.body);
  assert.ok(m, 'the full link in a read-only field');
  const url = m[1];
  assert.match(page.body, /<input id="patient-url" class="copy-source" type="text" readonly[ >]/);
  assert.match(page.body, /<script src="\/static\/copy\.js">/);
  assert.match(page.body, /emailed to <strong>harriet@example\.org<\/strong>/);
  assert.doesNotMatch(page.body, /right-click/i);
  // The stored record no longer holds it once shown.
  assert.equal(dbValue(srv, `SELECT count(*) FROM record_version WHERE record = ${intakeId} AND version = (SELECT max(version) FROM record_version WHERE record = ${intakeId}) AND body LIKE '%linkUrl%'`), '0');

  // A reload shows nothing and issues nothing.
  const n = links();
  const again = await desk.get(r.headers.location);
  assert.equal(again.status, 200);
  assert.doesNotMatch(again.body, /\/c\/[A-Za-z0-9_-]{43}/);
  assert.match(again.body, /A link was issued and emailed to harriet@example\.org/);
  assert.equal(links(), n);
  assert.equal(outboxRows(), before + 1);
  // The queue says where the link went, never the link.
  const q2 = await desk.get('/intake');
  assert.match(q2.body, /Harriet Quill<\/a><\/th>[\s\S]*?<td>emailed to harriet@example\.org, until \d{4}-\d{2}-\d{2}<\/td>/);
  assert.doesNotMatch(q2.body, /\/c\/[A-Za-z0-9_-]{43}/);

  // Delivered by the job, read back from the sink.
  const run = srv.cli(['jobs', 'run', '--force', 'core:send-mail']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /job core:send-mail ran: 1 done/);
  const got = readSinkDir(sinkDir).filter((x) => x.to.includes('harriet@example.org'));
  assert.equal(got.length, 1);
  const mail = got[0];
  assert.equal(mail.from, 'desk@clinic.example');
  assert.equal(mail.headers.from, '"Riverside Pain Clinic" <desk@clinic.example>');
  assert.match(mail.headers.to, /<harriet@example\.org>$/);
  assert.equal(mail.headers.subject, 'Your personal link from Riverside Pain Clinic');
  assert.doesNotMatch(mail.headers.subject, /Harriet|Quill/);
  assert.match(mail.headers['message-id'], /^<[A-Za-z0-9_-]{43}@clinic\.example>$/);
  assert.match(mail.text, /^Hello Harriet,\r\n\r\nHere is your personal link to fill in your questionnaire before your first visit:\r\n\r\n/);
  assert.ok(mail.text.includes(url), 'the full link in the text part');
  assert.ok(mail.html.includes(`href="${url}"`), 'and in the HTML part');
  assert.doesNotMatch(mail.text, /Quill/, 'the first name only');
  for (const word of [/back/i, /sciatica/i, /pain score/i, /red flag/i, /diagnos/i, /NRS|PEG|ODI/]) {
    assert.doesNotMatch(mail.text, word);
    assert.doesNotMatch(mail.html, word);
  }
  console.log(`--- the intake link message as it arrived ---\n${mail.raw}--- end ---`);
  mkdirSync(path.join(REPO, 'tests', 'artifacts'), { recursive: true });
  writeFileSync(path.join(REPO, 'tests', 'artifacts', 'intake-link-message.eml'), mail.raw);

  // The link works: it opens the intake's questionnaire.
  const local = url.slice(PUBLIC.length);
  const open = await srv.client().get(local);
  assert.equal(open.status, 303);
  assert.match(open.headers.location, new RegExp(`^/intake/${intakeId}/form`));
});

test('the intake page issues a link to hand over without email, shown once after a redirect', async () => {
  const intakeId = await openIntake('Ivo Plain');
  const before = outboxRows();
  const r = await desk.postForm(`/intake/${intakeId}/link`, { email: '', name: '' });
  assert.equal(r.status, 303);
  const page = await desk.get(r.headers.location);
  assert.match(page.body, new RegExp(`value="${PUBLIC.replace(/[.]/g, '\\.')}/c/[A-Za-z0-9_-]{43}"`));
  assert.doesNotMatch(page.body, /emailed to/);
  assert.equal(outboxRows(), before, 'nothing queued without an address');
  assert.match((await desk.get('/intake')).body, /Ivo Plain<\/a><\/th>[\s\S]*?<td>issued, until \d{4}-\d{2}-\d{2}<\/td>/);
  // Emailed from the intake's page too: the same 303, one message.
  const e = await desk.postForm(`/intake/${intakeId}/link`, { email: 'ivo@example.org', name: '' });
  assert.equal(e.status, 303);
  assert.equal(outboxRows(), before + 1);
});

test('an invalid address, or a CR or LF in the address or the name: 422 on the form, no link issued, nothing queued', async () => {
  const intakeId = await openIntake('Juno Refused');
  for (const [fields, field] of [
    [{ email: 'not-an-address' }, 'email'],
    [{ email: 'a@b' }, 'email'],
    [{ email: 'juno@example.org\r\nBcc: all@example.org' }, 'email'],
    [{ email: 'juno@example.org\nBcc: all@example.org' }, 'email'],
    [{ email: 'juno@example.org', name: 'Juno\r\nBcc: all@example.org' }, 'name'],
    [{ email: 'juno@example.org', name: 'Juno\rX' }, 'name'],
    [{ email: 'juno@example.org', name: 'Juno <evil@example.org>' }, 'name'],
    [{ email: '' }, 'email'],
  ]) {
    const n = links(), q = outboxRows(), v = versions(srv);
    const r = await desk.postForm('/intake/link', { intake: String(intakeId), name: '', ...fields });
    assert.equal(r.status, 422, JSON.stringify(fields));
    assert.match(r.body, new RegExp(`<p class="field-error" id="e-send-${field}"`), `message on ${field}: ${JSON.stringify(fields)}`);
    assert.equal(links(), n, 'no link issued');
    assert.equal(outboxRows(), q, 'nothing queued');
    assert.equal(versions(srv), v, 'nothing stored');
  }
  // The same on the intake's own form.
  const n = links(), q = outboxRows();
  const r = await desk.postForm(`/intake/${intakeId}/link`, { email: 'x@y.org\r\nBcc: z@y.org' });
  assert.equal(r.status, 422);
  assert.match(r.body, /<p class="field-error" id="e-link-email"/);
  assert.equal(links(), n);
  assert.equal(outboxRows(), q);
  // An intake that is not open, or none: refused.
  const bad = await desk.postForm('/intake/link', { intake: '999999', email: 'a@example.org' });
  assert.equal(bad.status, 422);
  assert.equal(links(), n);
});

test('the job intake:overdue-calls marks requests not called back in time, once', async () => {
  const day = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
  const bundle = path.join(srv.dir, 'overdue-requests.xml');
  const req = (id, name, received, state) => `  <record id="${id}" type="intake:DiscoveryRequest" patient="0" version="1" status="active" author="public" time="${received}T09:00:00Z"><DiscoveryRequest xmlns="urn:cairn:intake"><name>${name}</name><contact>0100 000</contact><problem>Neck pain.</problem><consent>yes</consent><received>${received}</received><state>${state}</state>${state === 'scheduled' ? `<call>${day(-3)}T10:00</call>` : ''}</DiscoveryRequest></record>\n`;
  writeFileSync(bundle, `<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:cairn:bundle" version="1">
${req(1, 'Olga Late', day(5), 'new')}${req(2, 'Otto Later', day(3), 'new')}${req(3, 'Nina Recent', day(1), 'new')}${req(4, 'Sam Scheduled', day(6), 'scheduled')}</bundle>
`);
  const imp = srv.cli(['import', bundle]);
  assert.equal(imp.code, 0, imp.stderr);

  const list = srv.cli(['jobs', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /intake:overdue-calls/);

  const marked = () => dbValue(srv, "SELECT group_concat(name || '=' || overdue_since, ';') FROM (SELECT name, overdue_since FROM p_intake_request WHERE overdue_since IS NOT NULL ORDER BY name)");
  const first = srv.cli(['jobs', 'run', '--force', 'intake:overdue-calls']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /job intake:overdue-calls ran: 2 done/);
  // Overdue since the day each fell two days (answer-days) behind.
  assert.equal(marked(), `Olga Late=${day(3)};Otto Later=${day(1)}`);
  const v = versions(srv);
  const second = srv.cli(['jobs', 'run', '--force', 'intake:overdue-calls']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /job intake:overdue-calls ran: 0 done/);
  assert.equal(marked(), `Olga Late=${day(3)};Otto Later=${day(1)}`);
  assert.equal(versions(srv), v, 'the second run writes nothing');
  // The mark is the job's, on the record.
  assert.equal(dbValue(srv, "SELECT author FROM record_version v JOIN p_intake_request p ON p.record = v.record WHERE p.name = 'Olga Late' ORDER BY v.version DESC LIMIT 1"), 'job:intake:overdue-calls');

  // The front desk's home says it too.
  const home = await desk.get('/');
  assert.match(home.body, new RegExp(`Olga Late</a> · asked ${day(5)}, not yet answered <span class="badge warn">overdue since ${day(3)}</span>`));
  const q = await desk.get('/intake');
  assert.match(q.body, new RegExp(`Olga Late</a></th>\\s*<td>${day(5)} <span class="badge warn">overdue since ${day(3)}</span>`));
  assert.doesNotMatch(q.body, /Nina Recent<\/a><\/th>\s*<td>[0-9-]+ <span/);
  // Scheduling the call keeps the request's history and takes it off the overdue list.
  const olga = dbValue(srv, "SELECT record FROM p_intake_request WHERE name = 'Olga Late'");
  const s = await desk.postForm(`/intake/requests/${olga}/schedule`, { call: `${day(-2)}T09:30` });
  assert.equal(s.status, 303, s.body.slice(0, 400));
  assert.match(srv.cli(['jobs', 'run', '--force', 'intake:overdue-calls']).stdout, /ran: 0 done/);
  const q2 = await desk.get('/intake');
  assert.doesNotMatch(q2.body, /Olga Late<\/a><\/th>\s*<td>[0-9-]+ <span class="badge warn">/);
});

test('the job program:overdue-checkpoints records each checkpoint gone overdue, once, and the dashboard says since when', async () => {
  const web = await srv.as('clinician');
  const day = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
  const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;
  const post = async (p, xml) => {
    const r = await web.postXml(p, xml);
    assert.equal(r.status, 303, `${p}: ${r.status} ${r.body.slice(0, 600)}`);
    return r;
  };
  // One episode introduced 20 days ago (its checkpoint overdue), one yesterday (not).
  const episode = async (name, startedAgo) => {
    const r0 = await post('/patients', X('Patient', `<identifier>J-${name.split(' ')[0].toUpperCase()}</identifier><name>${name}</name>`));
    const pid = Number(/\/patients\/(\d+)/.exec(r0.headers.location)[1]);
    const r1 = await post(`/patients/${pid}/episodes`, X('EpisodeOfCare',
      `<status>active</status><cohort>program</cohort><periodStart>${day(startedAgo + 1)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase>`));
    const eid = Number(/episodes\/(\d+)/.exec(r1.headers.location)[1]);
    await post(`/patients/${pid}/observations`, X('Observation', `<episode>${eid}</episode><instrument>nrs</instrument><effective>${day(startedAgo + 1)}</effective><timepoint>baseline</timepoint><answer item="pain">6</answer>`));
    await post(`/patients/${pid}/episodes/${eid}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>introductory</to><date>${day(startedAgo)}</date>`));
    return eid;
  };
  const late = await episode('Olive Overdue', 20);
  await episode('Nora Ontime', 1);
  assert.match(srv.cli(['jobs', 'list']).stdout, /program:overdue-checkpoints/);

  const marks = () => dbValue(srv, "SELECT group_concat(episode || ':' || phase, ';') FROM p_program_checkpoint_overdue");
  const first = srv.cli(['jobs', 'run', '--force', 'program:overdue-checkpoints']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /job program:overdue-checkpoints ran: 1 done/);
  assert.equal(marks(), `${late}:introductory`);
  const since = dbValue(srv, `SELECT overdue_since FROM p_program_checkpoint_overdue WHERE episode = ${late}`);
  assert.ok(since < day(0) && since > day(20), `overdue since ${since}`);
  assert.equal(dbValue(srv, `SELECT v.author FROM record_version v JOIN p_program_checkpoint_overdue o ON o.record = v.record WHERE o.episode = ${late}`), 'job:program:overdue-checkpoints');

  const v = versions(srv);
  const second = srv.cli(['jobs', 'run', '--force', 'program:overdue-checkpoints']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /job program:overdue-checkpoints ran: 0 done/);
  assert.equal(versions(srv), v, 'the second run writes nothing');
  assert.equal(marks(), `${late}:introductory`);

  const home = await web.getXml('/');
  assert.match(home.body, new RegExp(`<checkpoint state="overdue" phase="introductory" name="Olive Overdue" due="[0-9-]+" overdue="${since}"`));
  assert.doesNotMatch(home.body, /name="Nora Ontime"[^>]*state="overdue"|state="overdue"[^>]*name="Nora Ontime"/);
  const html = await web.get('/');
  assert.match(html.body, /id="checkpoints-overdue"[\s\S]*Olive Overdue[\s\S]*overdue since/);
});
