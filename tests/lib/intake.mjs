// tests/lib/intake.mjs -- what the intake tests share: a visitor from a
// chosen loopback address (the public form's rate limit counts per
// address), the public request, the questionnaire's answers, and reads of
// the database (sqlite3 CLI) to prove what was and was not stored.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, csrfFromHtml, run, sleep, REPO } from './harness.mjs';

// The red-flag questions' codes, from the data file the plugin reads.
export const FLAG_CODES = [...readFileSync(path.join(REPO, 'data', 'intake-content.xml'), 'utf8')
  .matchAll(/<flag code="([a-z0-9-]+)"/g)].map((m) => m[1]);

// A Client whose connections come from `address` (127.0.0.0/8 all reach
// nginx on 127.0.0.1, which passes the address on as REMOTE_ADDR).
export class Visitor extends Client {
  constructor(base, address) { super(base); this.address = address; }
  async request(method, pathname, { headers = {}, body, cookies = true } = {}) {
    const h = { Connection: 'close', ...headers };
    if (cookies && this.jar.size && !Object.keys(h).some((k) => k.toLowerCase() === 'cookie')) h.Cookie = this.cookieHeader();
    const url = new URL(pathname, this.base);
    const res = await new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers: h, agent: false, localAddress: this.address }, (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
    return this.absorb(res);
  }
}

// GET the public form: the visitor's form token and the signed time stamp.
export async function openRequestForm(v) {
  const r = await v.get('/request-a-call');
  v.csrf = csrfFromHtml(r.body);
  const m = /name="stamp" value="([^"]+)"/.exec(r.body);
  return { res: r, stamp: m ? m[1] : null };
}

export const REQUEST = Object.freeze({
  name: 'Pat Example', contact: 'pat@example.org', times: 'weekday mornings',
  problem: 'Low back pain for two years.\nWorse when sitting.', consent: 'yes', website: '',
});

// Open the form, wait past the minimum time (1 s in the tests' config),
// send.  Returns the POST's response.
export async function sendRequest(v, fields = {}, { waitMs = 1100 } = {}) {
  const { stamp } = await openRequestForm(v);
  if (waitMs) await sleep(waitMs);
  return v.postForm('/request-a-call', { ...REQUEST, stamp, ...fields });
}

// One number from the database (read-only).
export function dbValue(srv, sql) {
  const r = run('sqlite3', ['-readonly', srv.database, sql]);
  if (r.code !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}
// Every stored record version: a refused request must leave it unchanged.
export const versions = (srv) => Number(dbValue(srv, 'SELECT count(*) FROM record_version'));

// The questionnaire's answers, a section at a time (a complete, clean
// intake: no red flags).
export function sections({ name = 'Pat Example', flags = {} } = {}) {
  const redflags = { section: 'redflags' };
  for (const c of FLAG_CODES) redflags[`flag.${c}`] = flags[c] ?? 'no';
  const odi = {};
  [2, 1, 2, 2, 2, 1, 2, 1, 2, 1].forEach((v, i) => { odi[`m.odi.s${i + 1}`] = String(v); });  // 16/50 -> 32
  return [
    { section: 'demographics', name, birthDate: '1970-04-30', gender: 'female', contact: 'pat@example.org' },
    { section: 'pain', 'site.lower-back': 'yes', 'site.hip-left': 'yes', duration: '18', durationUnit: 'months' },
    { section: 'medicines', 'med.1.name': 'Ibuprofen', 'med.1.dose': '400', 'med.1.unit': 'mg',
      'med.1.frequency': 'three-times-daily', 'med.2.name': 'Warfarin', 'med.2.dose': '2.5', 'med.2.unit': 'mg',
      'med.2.frequency': 'once-daily', noAllergies: 'yes', pregnancy: 'not-applicable' },
    redflags,
    { section: 'goals', 'goal.1': 'Walk the dog for 30 minutes', 'goal.2': 'Sit through a film',
      'goal.3': 'Lift my grandson' },
    { section: 'baseline', 'm.nrs.pain': '6', 'm.peg.pain': '6', 'm.peg.enjoyment': '7', 'm.peg.activity': '4',
      'm.psfs.a1': '3', 'm.psfs.a2': '4', 'm.psfs.a3': '2', function: 'odi', ...odi },
    { section: 'consent', agree: 'yes', signedName: name },
  ];
}

// The front desk's path from a stored request to an open intake: find the
// request by name in the queue, schedule the call, mark a good fit.
// Returns { requestId, intakeId }.
export async function goodFit(desk, name) {
  const q = await desk.getXml('/intake');
  const esc = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const m = new RegExp(`<request id="(\\d+)" name="${esc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).exec(q.body);
  if (!m) throw new Error(`request of ${name} not in the queue:\n${q.body.slice(0, 1500)}`);
  const requestId = Number(m[1]);
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const s = await desk.postForm(`/intake/requests/${requestId}/schedule`, { call: `${tomorrow}T10:30` });
  if (s.status !== 303) throw new Error(`schedule: ${s.status} ${s.body.slice(0, 800)}`);
  const o = await desk.postForm(`/intake/requests/${requestId}/outcome`, { fit: 'good' });
  if (o.status !== 303) throw new Error(`outcome: ${o.status} ${o.body.slice(0, 800)}`);
  const intakeId = Number(/\/intake\/(\d+)$/.exec(o.headers.location)[1]);
  return { requestId, intakeId };
}

// Issue the patient's link (staff) and return its path "/c/<token>".
export async function issueLink(staff, intakeId) {
  const r = await staff.postForm(`/intake/${intakeId}/link`, {});
  if (r.status !== 303) throw new Error(`link: ${r.status} ${r.body.slice(0, 800)}`);
  // The link is shown once, in full (or as a path when the clinic has no
  // public address), on the page the POST redirects to.
  const page = await staff.get(r.headers.location);
  const m = /value="(?:[^"]*?)(\/c\/[A-Za-z0-9_-]{43})"/.exec(page.body);
  if (page.status !== 200 || !m) throw new Error(`link page: ${page.status} ${page.body.slice(0, 800)}`);
  return m[1];
}

// A patient who opens the link: a fresh client holding the link's cookie
// and a form token.  Returns { patient, res } (res: the link's answer).
export async function openLink(base, link) {
  const patient = new Client(base);
  const res = await patient.get(link);
  if (res.status === 303) {
    const f = await patient.get(res.headers.location);
    patient.csrf = csrfFromHtml(f.body);
  }
  return { patient, res };
}
