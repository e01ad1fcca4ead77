// The program definition is versioned and an episode keeps the version it
// began under: with two versions in the file (current = 2, new
// fees and a stricter introductory threshold), an episode enrolled under
// version 1 is billed and judged by version 1, one enrolled now by
// version 2; /pricing shows version 2 only; an unknown version is refused.
//
// The server reads program-definition.xml next to instruments.xml, so this
// file points CAIRN_DATA at a directory holding copies of the shipped
// data files and a two-version definition written here.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, rmSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { useCairn, REPO } from '../lib/harness.mjs';

const data = mkdtempSync(path.join(os.tmpdir(), 'cairn-def-'));
// Every data file other plugins read from the same directory, then ours.
for (const f of readdirSync(path.join(REPO, 'data')).filter((x) => x.endsWith('.xml')))
  copyFileSync(path.join(REPO, 'data', f), path.join(data, f));
const v1 = /<definition version="1"[\s\S]*?<\/definition>/.exec(
  readFileSync(path.join(REPO, 'data', 'program-definition.xml'), 'utf8'))[0];
const v2 = v1.replace('version="1" effective="2026-01-01"', 'version="2" effective="2026-06-01"')
  .replace('fee="420.00"', 'fee="480.00"')
  .replace('<checkpoint after="introductory" threshold="0.3"', '<checkpoint after="introductory" threshold="0.6"');
writeFileSync(path.join(data, 'program-definition.xml'),
  `<?xml version="1.0" encoding="UTF-8"?>\n<programDefinitions xmlns="urn:cairn:program-definition" current="2">\n${v1}\n${v2}\n</programDefinitions>\n`);
process.env.CAIRN_DATA = data;

const srv = useCairn();
let web;
after(() => rmSync(data, { recursive: true, force: true }));

const DAY = 86400000;
const now = new Date();
const ago = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * DAY)
  .toISOString().slice(0, 10);
const X = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:cairn:program">${body}</${root}>`;

async function post(p, xml, status = 303) {
  const r = await web.postXml(p, xml);
  assert.equal(r.status, status, `${p}: ${r.status} ${r.body.slice(0, 600)}`);
  return r;
}

async function enrolled(name, version) {
  let r = await post('/patients', X('Patient', `<identifier>${name}</identifier><name>${name}</name>`));
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  r = await post(`/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(20)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase>${version ? `<definitionVersion>${version}</definitionVersion>` : ''}`));
  const eid = Number(/episodes\/(\d+)/.exec(r.headers.location)[1]);
  await post(`/patients/${pid}/observations`, X('Observation', `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(20)}</effective><timepoint>baseline</timepoint><answer item="pain">10</answer>`));
  await post(`/patients/${pid}/episodes/${eid}/moves`, X('PhaseChange', `<episode>${eid}</episode><to>introductory</to><date>${ago(19)}</date>`));
  await post(`/patients/${pid}/observations`, X('Observation', `<episode>${eid}</episode><instrument>nrs</instrument><effective>${ago(5)}</effective><answer item="pain">5</answer>`));
  return { pid, eid };
}

before(async () => {
  await srv.ready;
  web = await srv.as('clinician');
});

test('an episode keeps the definition version it began under: fee and checkpoint threshold', async () => {
  const old = await enrolled('DEF-OLD', 1);
  const cur = await enrolled('DEF-NEW', null);
  const xOld = (await web.getXml(`/patients/${old.pid}/episodes/${old.eid}`)).body;
  const xCur = (await web.getXml(`/patients/${cur.pid}/episodes/${cur.eid}`)).body;
  assert.match(xOld, /definition-version="1"/);
  assert.match(xCur, /definition-version="2"/);
  assert.match(xOld, /<phase-visits phase="introductory"[^>]*fee="420.00"/);
  assert.match(xCur, /<phase-visits phase="introductory"[^>]*fee="480.00"/);
  // NRS 10 -> 5 is 50%: above version 1's 30%, below version 2's 60%.
  const cOld = (await web.getXml(`/patients/${old.pid}/episodes/${old.eid}/checkpoint`)).body;
  const cCur = (await web.getXml(`/patients/${cur.pid}/episodes/${cur.eid}/checkpoint`)).body;
  assert.match(cOld, /<recommendation action="continue"/);
  assert.match(cCur, /<recommendation action="exit"/);
  const econ = (await web.getXml('/economics')).body;
  assert.match(econ, /<phase id="introductory"[^>]*entered="2" fees="900.00"/, 'invoices 420 + 480');
});

test('pricing shows the current version; an unknown version is refused', async () => {
  const p = await srv.client().get('/pricing');
  assert.match(p.body, /AUD 480\.00/);
  assert.doesNotMatch(p.body, /AUD 420\.00/);
  const r = await post('/patients', X('Patient', '<identifier>DEF-BAD</identifier><name>Bad Version</name>'));
  const pid = Number(/\/patients\/(\d+)/.exec(r.headers.location)[1]);
  const bad = await post(`/patients/${pid}/episodes`, X('EpisodeOfCare',
    `<status>active</status><cohort>program</cohort><periodStart>${ago(1)}</periodStart><primaryInstrument>nrs</primaryInstrument><phase>enrolled</phase><definitionVersion>7</definitionVersion>`), 422);
  assert.match(bad.body, /definitionVersion/);
});
