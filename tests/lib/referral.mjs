// tests/lib/referral.mjs -- what the referral tests share: a patient with
// an episode and measures (one PSFS activity carries a canary string), a
// partner added through the directory, a referral written and sent, the
// email read back from the SMTP sink, and a partner opening the link.

import assert from 'node:assert/strict';
import { Client, csrfFromHtml } from './harness.mjs';
import { readSinkDir } from './smtp-sink.mjs';

export const CANARY = 'CANARY-GOAL-7731';
export const SUMMARY = 'Pain down from 7 to 3; walks 40 minutes; ready to load.';

export const ago = (d) => new Date(Date.now() - d * 86400000).toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

async function xmlPost(web, p, xml) {
  const r = await web.postXml(p, xml);
  assert.equal(r.status, 303, `${p}: ${r.status} ${r.body.slice(0, 800)}`);
  return r;
}

// A patient with an episode (PSFS activities, one of them the canary),
// NRS 7 -> 5 -> 3 and PSFS from baseline to now.  { pid, eid, name }.
export async function patientWithEpisode(web, id, name) {
  let r = await xmlPost(web, '/patients', X('Patient', `<identifier>${id}</identifier><name>${name}</name><gender>female</gender><birthDate>1970-04-02</birthDate>`));
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  r = await xmlPost(web, `/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(90)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase>` +
    `<activity item="a1" goal="8">Lift my grandchild</activity><activity item="a2" goal="9">${CANARY} run for the bus</activity><activity item="a3" goal="7">Garden for an hour</activity>`));
  const eid = Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
  const obs = (instrument, date, answers, extra = '') => xmlPost(web, `/patients/${pid}/observations`, X('Observation',
    `<episode>${eid}</episode><instrument>${instrument}</instrument><effective>${date}</effective>${extra}${answers}`));
  await obs('nrs', ago(90), '<answer item="pain">7</answer>', '<timepoint>baseline</timepoint>');
  await obs('nrs', ago(40), '<answer item="pain">5</answer>');
  await obs('nrs', ago(5), '<answer item="pain">3</answer>');
  await obs('psfs', ago(90), '<answer item="a1">2</answer><answer item="a2">1</answer><answer item="a3">3</answer>', '<timepoint>baseline</timepoint>');
  await obs('psfs', ago(5), '<answer item="a1">7</answer><answer item="a2">6</answer><answer item="a3">8</answer>');
  return { pid, eid, name };
}

// A patient whose episode graduated today (NRS 8 -> 2, through every
// phase, with a written justification): { pid, eid, E (its path) }.
export async function graduatedPatient(web, id, name) {
  const JUST = 'Goals reviewed with the patient in person; she is confident with the home routine.';
  let r = await xmlPost(web, '/patients', X('Patient', `<identifier>${id}</identifier><name>${name}</name><gender>female</gender>`));
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  r = await xmlPost(web, `/patients/${pid}/episodes`, X('EpisodeOfCare', `<status>active</status><cohort>program</cohort><periodStart>${ago(60)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase><activity item="a1" goal="8">Run 5 km</activity>`));
  const eid = Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
  const E = `/patients/${pid}/episodes/${eid}`;
  const nrs = (d, v, extra = '') => xmlPost(web, `/patients/${pid}/observations`, X('Observation', `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(d)}</effective>${extra}<answer item="pain">${v}</answer>`));
  const mv = (to, d, extra = '') => xmlPost(web, `${E}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>${to}</to><date>${ago(d)}</date>${extra}`));
  await nrs(60, 8, '<timepoint>baseline</timepoint>');
  await mv('introductory', 60);
  await nrs(47, 3);
  await mv('first-month', 46);
  await nrs(33, 3);
  await mv('monthly', 32);
  for (let d = 25; d >= 1; d -= 7) await nrs(d, 2);
  await mv('graduated', 0, `<justification>${JUST}</justification><goalsMet>yes</goalsMet><homeRoutine>yes</homeRoutine>`);
  return { pid, eid, E };
}

// Add a partner through the staff form; returns its id.
export async function addPartner(web, fields) {
  const r = await web.postForm('/partners', { discipline: 'physical-therapist', active: 'yes', ...fields });
  assert.equal(r.status, 303, r.body.slice(0, 1500));
  return Number(/\/partners\/(\d+)/.exec(r.headers.location)[1]);
}

// Write a referral (a draft) sharing the items `share` names
// ("measure.nrs", "goals"); returns its id.
export async function writeReferral(web, who, partner, share, extra = {}) {
  const fields = [['kind', 'onward'], ['partner', String(partner)], ['priority', 'routine'],
    ['reason', 'Graduated from the program; wants to return to running.'],
    ['code', 'Progressive strength and return-to-run plan, twice a week.'],
    ['summary', SUMMARY], ['consent', 'yes'], ['consentMethod', 'verbal'], ['episode', String(who.eid)],
    ...share.map((k) => [`share.${k}`, 'yes']), ...Object.entries(extra)];
  const r = await web.postForm(`/patients/${who.pid}/referrals`, fields);
  assert.equal(r.status, 303, r.body.slice(0, 2000));
  return Number(/referrals\/(\d+)$/.exec(r.headers.location)[1]);
}

// Deliver what is queued (`cairn jobs run --force core:send-mail`) and
// return the messages the sink in `sinkDir` holds for `to`.
export function deliver(srv, sinkDir, to) {
  const r = srv.cli(['jobs', 'run', '--force', 'core:send-mail']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return readSinkDir(sinkDir).filter((m) => m.to.includes(to));
}

// Send a referral from its staff page; returns { link (a local path read
// from the email that arrived), message }.
export async function send(srv, sinkDir, publicUrl, web, who, id, to) {
  const before = deliver(srv, sinkDir, to).length;
  const r = await web.postForm(`/patients/${who.pid}/referrals/${id}/send`, {});
  assert.equal(r.status, 303, r.body.slice(0, 1500));
  const got = deliver(srv, sinkDir, to);
  assert.equal(got.length, before + 1, 'one email per send');
  const m = got.at(-1);
  const url = new RegExp(`${publicUrl.replace(/[./]/g, '\\$&')}(/c/[A-Za-z0-9_-]{43})`).exec(m.text);
  assert.ok(url, m.text);
  return { link: url[1], message: m };
}

// A partner who opens the link: a fresh client with the link's cookie and
// the page's form token.  { c, res (the link's answer), page }.
export async function openLink(base, link) {
  const c = new Client(base);
  const res = await c.get(link);
  let page = null;
  if (res.status === 303) {
    page = await c.get(res.headers.location);
    c.csrf = csrfFromHtml(page.body);
  }
  return { c, res, page };
}
