// The patient's own page as a patient measured on paper reads it.  An ODI
// (or NDI) is licensed and taken at visits, never in the diary, so the
// diary asks the NRS; the patient's home and summary once charted the NRS
// only and told a patient with months of ODI measures "No scores yet".
// Now the episode's primary measure comes first, with its baseline and 50%
// line, and the diary's NRS beside it once the patient keeps the diary.
// The summary's list of the other plugins' pages (herbs, the routine) is
// headed "Between visits", not "Your home routine" above "Your herbs".
// A graduate's home no longer says visits will be arranged.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, Client, csrfFromHtml } from '../lib/harness.mjs';
import { spawnSink } from '../lib/smtp-sink.mjs';
import { graduatedPatient } from '../lib/referral.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'cairn-breakit-patient-'));
const sink = await spawnSink(path.join(work, 'sink'));
const passwordFile = path.join(work, 'smtp-password');
writeFileSync(passwordFile, 'not-a-real-password\n');
const PUBLIC = 'https://clinic.example/riverside';
const srv = useCairn({ publicUrl: PUBLIC,
  mail: { port: sink.port, user: 'desk', passwordFile, timeout: 2, staleClaim: 4, from: 'desk@clinic.example' } });
after(() => { sink.stop(); rmSync(work, { recursive: true, force: true }); });
const DAY = 86400000;
const now = new Date();
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
let E; let eid; let patient;

// ODI as ten sections 0-5: 22 of 50 = 44%, then 11 of 50 = 22%.
const odi = (sum) => Object.fromEntries(Array.from({ length: 10 }, (_, i) =>
  [`answer.s${i + 1}`, String(Math.floor(sum / 10) + (i < sum % 10 ? 1 : 0))]));

before(async () => {
  await srv.ready;
  const web = await srv.as('clinician');
  let r = await web.postForm('/patients', { identifier: 'ODI-1', name: 'Tom Paper', gender: 'male', birthDate: '1979-09-02' });
  const pid = Number(/^\/patients\/(\d+)$/.exec(r.headers.location)[1]);
  r = await web.postForm(`/patients/${pid}/episodes`, { cohort: 'program', periodStart: ago(40), primaryInstrument: 'odi' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
  eid = Number(/episodes\/(\d+)$/.exec(r.headers.location)[1]);
  E = `/patients/${pid}/episodes/${eid}`;
  for (const [d, sum, tp] of [[40, 22, 'baseline'], [10, 11, '']]) {
    r = await web.postForm(`/patients/${pid}/observations`,
      { instrument: 'odi', effective: ago(d), timepoint: tp, episode: String(eid), ...odi(sum) });
    assert.equal(r.status, 303, r.body.slice(0, 800));
  }
  r = await web.postForm(`${E}/patient-link`, { email: 'tom@example.org', diary: 'daily' });
  assert.equal(r.status, 303, text(r.body).slice(0, 3000));
  const page = await web.get(r.headers.location);
  const link = /value="https:\/\/clinic\.example\/riverside(\/c\/[A-Za-z0-9_-]{43})"/.exec(page.body)[1];
  patient = new Client(srv.base);
  r = await patient.get(link);
  assert.equal(r.status, 303);
  const home = await patient.get(r.headers.location);
  patient.csrf = csrfFromHtml(home.body);
});

test('a patient measured on the ODI sees the ODI on their home and summary, not "No scores yet"', async () => {
  for (const p of [`/p/${eid}`, `/p/${eid}/summary`]) {
    const r = await patient.get(p);
    assert.equal(r.status, 200);
    const t = text(r.body);
    assert.match(t, /Your ODI scores \(start: 44, 50% better: 22\)/, `${p}: ${t.slice(0, 1500)}`);
    assert.doesNotMatch(t, /No scores yet/, p);
    assert.doesNotMatch(t, /Your NRS scores/, `${p}: no empty diary chart before the first diary check`);
  }
  const summary = (await patient.get(`/p/${eid}/summary`)).body;
  assert.match(text(summary), /You started at 44 on the ODI; your latest score is 22/);
  // The other plugins' pages under one fitting heading.
  assert.match(summary, /<h2>Between visits<\/h2>\s*<ul class="pt-list"><li><a href="\/p\/\d+\/herbs">Your herbs today<\/a>/);
  assert.doesNotMatch(summary, /<h2>Your home routine<\/h2>\s*<ul class="pt-list"><li><a href="\/p\/\d+\/herbs">/);
});

test('after a diary check the NRS the diary asks is charted beside the ODI', async () => {
  const form = await patient.get(`/p/${eid}/diary`);
  const names = [...form.body.matchAll(/name="(item-[^"]+)"/g)].map((m) => m[1]);
  assert.ok(names.length >= 1, form.body.slice(0, 1500));
  const r = await patient.postForm(`/p/${eid}/diary`, Object.fromEntries(names.map((n) => [n, '4'])));
  assert.equal(r.status, 303, r.body.slice(0, 1500));
  const t = text((await patient.get(`/p/${eid}`)).body);
  assert.match(t, /Your ODI scores/);
  assert.match(t, /Your NRS scores/);
  assert.ok(t.indexOf('Your ODI scores') < t.indexOf('Your NRS scores'), 'the primary measure first');
  assert.equal((t.match(/How you are doing/g) ?? []).length, 1, 'one heading for both charts');
});

test('a graduate\'s home says the program is finished, not that visits will be arranged', async () => {
  const web = await srv.as('clinician');
  const g = await graduatedPatient(web, 'GRAD-1', 'Gail Done');
  let r = await web.postForm(`${g.E}/patient-link`, { email: 'gail@example.org', diary: 'weekly' });
  assert.equal(r.status, 303, text(r.body).slice(0, 1500));
  const page = await web.get(r.headers.location);
  const link = /value="https:\/\/clinic\.example\/riverside(\/c\/[A-Za-z0-9_-]{43})"/.exec(page.body)[1];
  const c = new Client(srv.base);
  r = await c.get(link);
  const t = text((await c.get(r.headers.location)).body);
  assert.match(t, /Graduated/);
  assert.match(t, /You have finished the program; if you want a visit, contact your clinic/);
  assert.doesNotMatch(t, /Your clinic will arrange them with you/);
  assert.match(t, /Your summary says what comes next/);
});
