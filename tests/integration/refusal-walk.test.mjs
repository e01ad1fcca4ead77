// A refusal shows only what its caller may read.  Front desk once read the
// clinician-only episode page through a refused visit (an empty form with
// Accept: application/xml answered 422 with goals, move notes, visit notes
// and flare triggers).  This walk sends invalid input to EVERY POST route
// `cairn routes` lists, as every staff role, as a visitor and as the
// holder of a capability link, as HTML and as XML, and asserts that no 4xx
// body holds data that caller cannot GET (canary strings seeded in names,
// birth dates, notes, goals, triggers, medicines and a discovery request),
// that a refused request stored nothing, and that nothing answered 5xx.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, sleep } from '../lib/harness.mjs';
import { parseRoutes, samplePath, assertNoPatientData, sqlJson } from '../lib/access.mjs';
import { Visitor, sendRequest, goodFit, issueLink, openLink, dbValue } from '../lib/intake.mjs';

const srv = useCairn({ intakeSettings: { 'min-seconds': '1' } });

const DAY = 86400000;
const today = new Date(Date.now());
const ago = (n) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

// What each kind of data is, and who may GET it.  Names, identifiers and
// birth dates are on the patient list (every staff role); the intake's
// medicines and the discovery request are on the intake pages (every staff
// role); notes, goals and triggers are on the chart and the episode page
// (clinicians and the administrator).
const STAFF_READS = ['name', 'identifier', 'birthDate', 'medicine', 'contact'];
const CANARY = {
  name: 'Quintessa Canaryname',
  identifier: 'CANARY-ID-77',
  birthDate: '1931-07-19',
  activity: 'CANARY-ACTIVITY-hike-the-ridge',
  visitNote: 'CANARY-VISITNOTE-left-shoulder',
  moveNote: 'CANARY-MOVENOTE-reviewed-with-patient',
  trigger: 'CANARY-TRIGGER-gardening',
  medicine: 'CANARY-MED-Zolpiwort',
  contact: 'canary-contact@example.org',
};
// What each caller may not see in a refusal.
const FORBIDDEN = {
  admin: [],
  clinician: [],
  'front-desk': Object.keys(CANARY).filter((k) => !STAFF_READS.includes(k)),
  visitor: Object.keys(CANARY),
  capability: Object.keys(CANARY),
};

let routes;
const callers = {};      // name -> Client
let sample;              // named groups of the routes' patterns
let intakeA;             // the link holder's intake
let intakeC;             // an intake with the canary medicine

async function xmlPost(c, path, xml) {
  const r = await c.postXml(path, xml);
  assert.equal(r.status, 303, `${path}: ${r.status} ${r.body.slice(0, 800)}`);
  return r;
}

before(async () => {
  await srv.ready;
  routes = parseRoutes(srv.cli(['routes']).stdout);
  const [admin, clin, desk] = await Promise.all([srv.as('admin'), srv.as('clinician'), srv.as('front-desk')]);

  // The patient with every kind of clinical note.
  let r = await xmlPost(clin, '/patients', X('Patient', `<identifier>${CANARY.identifier}</identifier><name>${CANARY.name}</name><gender>female</gender><birthDate>${CANARY.birthDate}</birthDate>`));
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  r = await xmlPost(clin, `/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(20)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase><activity item="a1" goal="8">${CANARY.activity}</activity>`));
  const eid = Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
  const E = `/patients/${pid}/episodes/${eid}`;
  await xmlPost(clin, `/patients/${pid}/observations`, X('Observation',
    `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(20)}</effective><timepoint>baseline</timepoint><answer item="pain">8</answer>`));
  await xmlPost(clin, `${E}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>introductory</to><date>${ago(20)}</date><note>${CANARY.moveNote}</note>`));
  await xmlPost(clin, `${E}/visits`, X('Encounter', `<episode>${eid}</episode><date>${ago(19)}</date><type>needling</type><state>finished</state><notes>${CANARY.visitNote}</notes>`));
  await xmlPost(clin, `${E}/visits`, X('Encounter', `<episode>${eid}</episode><date>${ago(-5)}</date><type>needling</type><state>planned</state><notes>${CANARY.visitNote}</notes>`));
  await xmlPost(clin, `${E}/flares`, X('Flare', `<episode>${eid}</episode><start>${ago(3)}</start><severity>moderate</severity><trigger>${CANARY.trigger}</trigger>`));
  const visit = sqlJson(srv.database, `SELECT record FROM p_program_encounter WHERE episode = ${eid} AND state = 'planned'`)[0].record;
  const flare = sqlJson(srv.database, `SELECT record FROM p_program_flare WHERE episode = ${eid}`)[0].record;

  // A discovery request with a canary contact, and an intake with the
  // canary medicine (front desk's path), both staff-readable.
  const v = new Visitor(srv.base, '127.0.0.41');
  assert.equal((await sendRequest(v, { name: 'Canary Requester', contact: CANARY.contact })).status, 303);
  const request = Number(dbValue(srv, "SELECT record FROM p_intake_request WHERE name = 'Canary Requester'"));
  assert.equal((await sendRequest(new Visitor(srv.base, '127.0.0.42'), { name: 'Mira Medicines' })).status, 303);
  ({ intakeId: intakeC } = await goodFit(desk, 'Mira Medicines'));
  r = await desk.postForm(`/intake/${intakeC}/form`, { section: 'medicines', 'med.1.name': CANARY.medicine, 'med.1.dose': '1',
    'med.1.unit': 'mg', 'med.1.frequency': 'once-daily', noAllergies: 'yes', pregnancy: 'not-applicable' });
  assert.equal(r.status, 303, r.body.slice(0, 600));
  // The link holder: an intake of their own, nothing canary in it.
  assert.equal((await sendRequest(new Visitor(srv.base, '127.0.0.43'), { name: 'Lee Linkholder' })).status, 303);
  ({ intakeId: intakeA } = await goodFit(desk, 'Lee Linkholder'));
  const { patient } = await openLink(srv.base, await issueLink(desk, intakeA));

  const visitor = srv.client();
  await visitor.refreshCsrf();
  Object.assign(callers, { admin, clinician: clin, 'front-desk': desk, visitor, capability: patient });
  sample = { patient: pid, episode: eid, visit, flare, request, user: 'nobody-here' };
});

// The route's sample path: intake routes take the request, the link
// holder's intake (its form) or the canary intake.
function pathOf(route) {
  let id = intakeC;
  if (/\/requests\//.test(route.pattern)) id = sample.request;
  else if (/\/form$/.test(route.pattern)) id = intakeA;
  return samplePath(route.pattern, { ...sample, id });
}

// Input no route accepts: every field a route here reads, each with a
// value it refuses.
const GARBAGE = {
  date: 'not-a-date', start: 'yesterday', end: '31/02/2026', effective: '2026-13-45', birthDate: 'soon',
  type: 'bogus', state: 'bogus', severity: 'bogus', to: 'bogus', reason: 'bogus', attended: 'maybe',
  identifier: '!!', name: '', gender: 'bogus', instrument: 'bogus', timepoint: '..', section: 'bogus',
  call: 'whenever', fit: 'bogus', primary: 'bogus', cohort: '', periodStart: 'x', primaryInstrument: 'bogus',
  username: '', role: 'bogus', password: 'x', display_name: '', consent: 'maybe', stamp: 'forged',
};

// The invalid inputs sent to each route.
const INPUTS = [
  { what: 'empty form, XML answer', send: (c, p) => c.postForm(p, {}, { headers: { Accept: 'application/xml' } }) },
  { what: 'empty form, HTML answer', send: (c, p) => c.postForm(p, {}) },
  { what: 'refused values, XML answer', send: (c, p) => c.postForm(p, GARBAGE, { headers: { Accept: 'application/xml' } }) },
  { what: 'refused values, HTML answer', send: (c, p) => c.postForm(p, GARBAGE) },
  { what: 'an XML body of no record type', send: (c, p) => c.postXml(p, '<?xml version="1.0"?><nothing xmlns="urn:cairn:program"/>') },
];

// Routes whose empty input is a complete, valid request (signing out); the
// walk does not send it as the caller it would change.
const SKIP = new Set(['POST /sign-out']);

test('every POST route, as every role, a visitor and a link holder, with invalid input: no 4xx body holds data that caller cannot GET, nothing stored, no 5xx', async () => {
  const posts = routes.filter((r) => r.method === 'POST');
  assert.ok(posts.length >= 20, `POST routes: ${posts.length}`);
  let refusals = 0;
  const versions = () => Number(dbValue(srv, 'SELECT count(*) FROM record_version'));
  for (const route of posts) {
    const path = pathOf(route);
    for (const [who, client] of Object.entries(callers)) {
      if (SKIP.has(`${route.method} ${route.pattern}`) && who !== 'visitor' && who !== 'capability') continue;
      for (const input of INPUTS) {
        const what = `${who} POST ${path} (${input.what})`;
        const n = versions();
        const r = await input.send(client, path);
        assert.ok(r.status < 500, `${what}: ${r.status} ${r.body.slice(0, 300)}`);
        if (r.status < 400) continue;
        refusals++;
        assert.equal(versions(), n, `${what}: a refusal stored nothing`);
        for (const k of FORBIDDEN[who]) {
          assert.ok(!r.body.includes(CANARY[k]), `${what}: ${r.status} holds the ${k} (${CANARY[k]}):\n${r.body.slice(0, 1500)}`);
        }
        if (who === 'visitor' || who === 'capability') assertNoPatientData(r.body, what);
        if (who === 'front-desk') assert.doesNotMatch(r.body, /<episode-page\b|<chart\b|<checkpoint-page\b/, `${what}: a clinician's page`);
      }
    }
  }
  assert.ok(refusals > 300, `refusals walked: ${refusals}`);
  // The walk's refusals left every caller able to go on.
  for (const who of ['admin', 'clinician', 'front-desk']) assert.equal((await callers[who].get('/')).status, 200, who);
  await sleep(0);
});
