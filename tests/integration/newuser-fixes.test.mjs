// Bugs a new-user test found in the program plugin, each sent again:
//   1. observations without a timepoint (the form's default) never reached
//      /outcomes, so a program cohort stayed at baseline while the chart
//      showed 57% improvement: each group now has a "latest" row;
//   2. an observation dated 1900-01-01 was stored in an episode that
//      started this year, for a patient born in 1968: refused;
//   3. POST /patients with an identifier another patient already has
//      created a duplicate: refused.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn } from '../lib/harness.mjs';
import { parseXml } from '../lib/xml.mjs';

const srv = useCairn();
let web;   // a signed-in clinician

before(async () => { await srv.ready; web = await srv.as('clinician'); });

const DAY = 86400000;
const now = new Date(Date.now());
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

function locationOf(r) {
  assert.equal(r.status, 303, `expected 303, got ${r.status}: ${r.body.slice(0, 800)}`);
  return r.headers.location;
}

async function newPatient(identifier, name, birthDate = '1968-04-02') {
  const r = await web.postForm('/patients', { identifier, name, gender: 'female', birthDate });
  return Number(/^\/patients\/(\d+)$/.exec(locationOf(r))[1]);
}

async function enrol(pid, periodStart) {
  const r = await web.postForm(`/patients/${pid}/episodes`, { cohort: 'fix-cohort', periodStart, primaryInstrument: 'nrs' });
  return Number(/^\/patients\/\d+\/episodes\/(\d+)$/.exec(locationOf(r))[1]);
}

function obsForm(eid, effective, pain, timepoint = '') {
  return { instrument: 'nrs', effective, timepoint, episode: String(eid), 'answer.pain': String(pain) };
}

async function observationCount(pid) {
  const r = await web.getXml(`/patients/${pid}`);
  assert.equal(r.status, 200, r.body.slice(0, 400));
  return (r.body.match(/<point\b/g) ?? []).length;
}

test('untimed follow-up observations count in /outcomes (a "latest" row per cohort and instrument)', async () => {
  const pid = await newPatient('FIX-OUT-1', 'Una Untimed');
  const eid = await enrol(pid, ago(60));
  // Baseline 7, then two follow-ups without a timepoint: 5, then 3.
  locationOf(await web.postForm(`/patients/${pid}/observations`, obsForm(eid, ago(60), 7, 'baseline')));
  locationOf(await web.postForm(`/patients/${pid}/observations`, obsForm(eid, ago(30), 5)));
  locationOf(await web.postForm(`/patients/${pid}/observations`, obsForm(eid, ago(2), 3)));
  // A second patient with no labelled baseline at all: the first
  // observation is the baseline, as on the chart.
  const pid2 = await newPatient('FIX-OUT-2', 'Noel Nolabel');
  const eid2 = await enrol(pid2, ago(40));
  locationOf(await web.postForm(`/patients/${pid2}/observations`, obsForm(eid2, ago(40), 8)));
  locationOf(await web.postForm(`/patients/${pid2}/observations`, obsForm(eid2, ago(10), 8)));
  locationOf(await web.postForm(`/patients/${pid2}/observations`, obsForm(eid2, ago(5), 2)));

  const r = await web.getXml('/outcomes');
  assert.equal(r.status, 200, r.body.slice(0, 400));
  const doc = parseXml(r.body);
  const g = doc.findAll('group').find((x) => x.attr('cohort') === 'fix-cohort' && x.attr('instrument') === 'nrs');
  assert.ok(g, `a group for the cohort: ${r.body.slice(0, 1500)}`);
  assert.equal(g.attr('patients'), '2');
  const latest = g.childrenNamed('latest');
  assert.equal(latest.length, 1, r.body);
  const l = latest[0];
  // Latest scores 3 and 2; improvements (7-3)/7 and (8-2)/8.
  assert.equal(l.attr('n'), '2');
  assert.equal(Number(l.attr('mean')), 2.5);
  assert.equal(l.attr('improvement-n'), '2');
  assert.ok(Math.abs(Number(l.attr('improvement-mean')) - ((4 / 7 + 6 / 8) / 2)) < 1e-4, l.attr('improvement-mean'));
  assert.equal(l.attr('reached'), '2');
  assert.equal(l.attr('no-baseline'), '0');
  // The named baseline row is as before: one patient labelled it.
  const tps = g.childrenNamed('timepoint').map((t) => t.attr('name'));
  assert.deepEqual(tps, ['baseline']);

  const h = await web.get('/outcomes');
  assert.equal(h.status, 200);
  assert.match(h.body, /latest follow-up/);
});

test('an observation dated before the patient\'s birth or the episode\'s start is refused (form and XML), nothing stored', async () => {
  const pid = await newPatient('FIX-DATE-1', 'Dora Dated', '1968-04-02');
  const eid = await enrol(pid, ago(20));
  const before = await observationCount(pid);

  let r = await web.postForm(`/patients/${pid}/observations`, obsForm(eid, '1900-01-01', 5));
  assert.equal(r.status, 422, r.body.slice(0, 800));
  assert.match(r.body, /birth date/);
  assert.match(r.body, /value="1900-01-01"/, 'the typed date is kept');

  r = await web.postForm(`/patients/${pid}/observations`, obsForm(eid, ago(30), 5));
  assert.equal(r.status, 422, r.body.slice(0, 800));
  assert.match(r.body, /before the start of episode/);

  // Without an episode only the birth date applies.
  r = await web.postForm(`/patients/${pid}/observations`, { ...obsForm(eid, '1960-01-01', 5), episode: '' });
  assert.equal(r.status, 422, r.body.slice(0, 800));

  r = await web.postXml(`/patients/${pid}/observations`,
    X('Observation', `<episode>${eid}</episode><instrument>nrs</instrument><effective>1900-01-01</effective><answer item="pain">5</answer>`));
  assert.equal(r.status, 422, r.body.slice(0, 800));
  assert.match(r.body, /effective/);

  r = await web.postXml(`/patients/${pid}/observations`,
    X('Observation', `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(25)}</effective><answer item="pain">5</answer>`));
  assert.equal(r.status, 422, r.body.slice(0, 800));
  assert.match(r.body, /effective/);

  assert.equal(await observationCount(pid), before, 'nothing stored');

  // On the episode's first day it is accepted.
  locationOf(await web.postForm(`/patients/${pid}/observations`, obsForm(eid, ago(20), 5)));
  assert.equal(await observationCount(pid), before + 1);
});

test('a second patient with an identifier already in use is refused (form and XML), nothing stored', async () => {
  await newPatient('FIX-DUP-1', 'First Holder');
  const count = async () => {
    const r = await web.getXml('/patients?q=FIX-DUP-1');
    assert.equal(r.status, 200);
    return (r.body.match(/<patient\b[^>]*identifier="FIX-DUP-1"/g) ?? []).length;
  };
  assert.equal(await count(), 1);

  let r = await web.postForm('/patients', { identifier: 'FIX-DUP-1', name: 'Second Holder', gender: 'male', birthDate: '1970-01-01' });
  assert.ok(r.status === 409 || r.status === 422, `${r.status} ${r.body.slice(0, 600)}`);
  assert.match(r.body, /already has/);
  assert.match(r.body, /identifier/);

  r = await web.postXml('/patients', X('Patient', '<identifier>FIX-DUP-1</identifier><name>Third Holder</name>'));
  assert.ok(r.status === 409 || r.status === 422, `${r.status} ${r.body.slice(0, 600)}`);
  assert.match(r.body, /identifier/);
  assert.equal(await count(), 1, 'no duplicate stored');

  // The same value in another identifier system is another identifier.
  r = await web.postXml('/patients', X('Patient', '<identifier system="urn:example:other">FIX-DUP-1</identifier><name>Other System</name>'));
  assert.equal(r.status, 303, r.body.slice(0, 600));
});
