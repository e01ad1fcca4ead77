#!/usr/bin/env node
// scripts/seed-demo.mjs -- give a demo clinic a program a newcomer can walk
// through: a dozen invented patients, one in every state the care program
// knows, and every plugin with realistic data (herbal prescriptions with
// adherence, exercise progressions and home routines, trusted partners and
// referrals sent by email, maintenance plans and check-ins taken by phone,
// a patient's personal link: mail waits in the outbox), written through
// the HTTP API exactly as staff (and, for the public form and the intake
// link, a prospective patient) would write them.  No SQL, no CLI: only
// routes and the XML APIs, so the seed keeps working while the internals
// change.  A plugin the clinic has not loaded (its staff index page does
// not answer) is left out; a referral is sent only when the clinic has a
// public address and mail (else it stays a draft, and the seed says so).
//
//   node scripts/seed-demo.mjs --url http://127.0.0.1:8080 \
//        --user demo --desk-user demo-desk --password-file _demo/demo-password
//
// Options (each also an environment variable):
//   --url URL              CAIRN_SEED_URL       the clinic (nginx in front of cairnd)
//   --user NAME            CAIRN_SEED_USER      a clinician account
//   --desk-user NAME       CAIRN_SEED_DESK_USER a front-desk account (default: --user)
//   --password-file PATH   CAIRN_SEED_PASSWORD_FILE  the password (both accounts)
//                          CAIRN_SEED_PASSWORD  the password itself
//   --desk-password-file PATH                  the front desk's, when it differs
//                          CAIRN_SEED_DESK_PASSWORD  the front desk's itself
//   --base YYYY-MM-DD      CAIRN_SEED_BASE      the day every story is placed
//                          back from (default: the clinic's today, read from
//                          the server).  Not after the clinic's today: the
//                          program refuses delivered visits and moves in the
//                          future.
//   --json                 print the table as JSON instead of text
//
// Idempotent: each story looks for its patient first (by identifier for
// the program's patients, by name in the intake queue for the others) and
// is skipped when found, with everything the plugins hold for it; the
// partners are looked up by name.  A second run adds nothing.
//
// Growing the seed: a story is data in STORIES (program patients) or CALLS
// (the public form and the intake); a plugin that lands adds the route it
// writes through as a method of Chart (or a function like runCall), the
// steps to the stories that need it, a story of its own for its states, and
// a check of each in tests/integration/seed.test.mjs.
//
// Limits the product sets (and the seed therefore keeps): the intake plugin
// dates what it writes by the clinic's today (a request's "received", an
// intake's "opened", a call may not be scheduled in the past), so the three
// intake stories sit on the clinic's today whatever --base says; the public
// form takes at most rate-max (3) stored requests an hour from one address.

import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The public form refuses a form sent sooner than min-seconds after it was
// served (3 in the shipped config): wait a little longer than that.
const FORM_WAIT_MS = 3300;
const COHORT = 'program';
const NS = 'urn:cairn:program';
const EX_NS = 'urn:cairn:exercise';
const HERBAL_NS = 'urn:cairn:herbal';
// Identifiers of the seeded program patients: "SEED-" and two digits.
const ID_PREFIX = 'SEED-';

// ------------------------------------------------------------------ dates

const DAY_MS = 86400000;
const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
// Day number (days since 1970-01-01) of "YYYY-MM-DD", and back.
const dayOf = (s) => Math.round(Date.parse(`${s}T00:00:00Z`) / DAY_MS);
const dateOf = (n) => new Date(n * DAY_MS).toISOString().slice(0, 10);

// ------------------------------------------------------------------- HTTP

// Escape text for XML content or an attribute value.
function xmlEscape(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
function xmlUnescape(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&#(\d+);/g, (m, d) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}
function formEncode(pairs) {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`.replace(/%20/g, '+')).join('&');
}

// A browser-like client: a cookie jar and the session's form token.
// Never follows redirects.
class Client {
  constructor(base, label) {
    this.base = base;
    this.label = label;
    this.jar = new Map();
    this.csrf = null;
  }

  request(method, path, { headers = {}, body } = {}) {
    const url = new URL(path, this.base);
    const h = { Connection: 'close', ...headers };
    if (this.jar.size) h.Cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) h['Content-Length'] = Buffer.byteLength(body);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, { method, headers: h, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const r = { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
          const sc = res.headers['set-cookie'] ?? [];
          for (const line of sc) {
            const [nv, ...attrs] = line.split(';').map((x) => x.trim());
            const eq = nv.indexOf('=');
            const name = nv.slice(0, eq);
            const value = nv.slice(eq + 1);
            if (value === '' || attrs.some((a) => /^max-age=0$/i.test(a))) this.jar.delete(name);
            else this.jar.set(name, value);
          }
          if (res.headers['x-csrf-token']) this.csrf = res.headers['x-csrf-token'];
          resolve(r);
        });
        res.on('error', reject);
      });
      req.setTimeout(30000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
  get(path) { return this.request('GET', path); }
  getXml(path) { return this.request('GET', path, { headers: { Accept: 'application/xml' } }); }
  postForm(path, fields) {
    const pairs = Object.entries(fields);
    if (this.csrf && !pairs.some(([k]) => k === 'csrf')) pairs.push(['csrf', this.csrf]);
    return this.request('POST', path, { body: formEncode(pairs), headers: {
      'Content-Type': 'application/x-www-form-urlencoded', Origin: new URL(this.base).origin } });
  }
  postXml(path, xml) {
    return this.request('POST', path, { body: xml, headers: {
      'Content-Type': 'application/xml', Accept: 'application/xml',
      ...(this.csrf ? { 'X-CSRF-Token': this.csrf } : {}) } });
  }

  // The form token of an HTML page's csrf field.
  static csrfOf(html) {
    const m = /<input\b[^>]*\bname="csrf"[^>]*>/.exec(html);
    const v = m && /\bvalue="([^"]*)"/.exec(m[0]);
    return v ? xmlUnescape(v[1]) : null;
  }

  // Sign in through the form; then the session's token from an XML GET.
  async signIn(username, password) {
    const form = await this.get('/sign-in');
    this.csrf = Client.csrfOf(form.body);
    if (!this.csrf) throw new Error(`GET /sign-in: no form token (${form.status})`);
    const r = await this.postForm('/sign-in', { username, password });
    if (r.status !== 303) {
      throw new Error(`sign-in as ${username} refused (${r.status}): ${textOf(r.body).slice(0, 300)}`);
    }
    const x = await this.getXml('/');
    if (x.status !== 200 || !x.headers['x-csrf-token']) {
      throw new Error(`signed in as ${username}, but GET / (XML) answered ${x.status} without a form token`);
    }
    return x;
  }
}

// Visible text of an HTML or XML answer, for messages.
function textOf(body) {
  return xmlUnescape(body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

// The message of a refusal: the core's <error><message>, else the text.
function refusal(r) {
  const m = /<message>([\s\S]*?)<\/message>/.exec(r.body);
  const f = /<field>([\s\S]*?)<\/field>/.exec(r.body);
  const msg = m ? xmlUnescape(m[1]) : textOf(r.body).slice(0, 400);
  return `${r.status}${f ? ` (field ${xmlUnescape(f[1])})` : ''}: ${msg}`;
}

// A write that must answer 303; returns the Location.
async function expect303(what, p) {
  const r = await p;
  if (r.status !== 303) throw new Error(`${what} refused: ${refusal(r)}`);
  return r.headers.location ?? '';
}

// A write through an XML API that answers 201 Created with the new
// record's id in its view (<... id="N">); returns the id.
async function expectCreated(what, p) {
  const r = await p;
  if (r.status !== 201) throw new Error(`${what} refused: ${refusal(r)}`);
  const id = /<[a-z-]+\b[^>]*\bid="(\d+)"/.exec(r.body)?.[1];
  if (!id) throw new Error(`${what}: 201 without the record's id`);
  return Number(id);
}

// ------------------------------------------------------ the program's API

// XML of a program record: pairs [name, value] or [name, value, attrs];
// undefined / '' values are left out.
// A value that is itself a list of pairs becomes child elements; an empty
// value with attributes, an empty element (<done exercise=.../>).
function record(root, pairs, ns = NS) {
  const els = (list) => list.filter(([, v, attrs]) => (v !== undefined && v !== '') || attrs).map(([k, v, attrs]) => {
    const a = attrs ? Object.entries(attrs).filter(([, x]) => x !== undefined)
      .map(([n, x]) => ` ${n}="${xmlEscape(x)}"`).join('') : '';
    if (Array.isArray(v)) return `<${k}${a}>${els(v).join('')}</${k}>`;
    return v === undefined || v === '' ? `<${k}${a}/>` : `<${k}${a}>${xmlEscape(v)}</${k}>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ns}">\n${els(pairs).map((e) => `  ${e}`).join('\n')}\n</${root}>\n`;
}

// The ids in a redirect to /patients/P[/episodes/E].
function idsOf(location) {
  const m = /\/patients\/(\d+)(?:\/episodes\/(\d+))?/.exec(location);
  if (!m) throw new Error(`unexpected redirect ${location}`);
  return { patient: Number(m[1]), episode: m[2] ? Number(m[2]) : undefined };
}

// The staff side of one program patient: every write for one episode.
class Chart {
  // web: the clinician's session; desk: the front desk's, which books the
  // scheduled visits (the same session when no front-desk account is given).
  constructor(web, story, desk = web) { this.web = web; this.story = story; this.desk = desk; }

  async create() {
    const s = this.story;
    const loc = await expect303(`${s.name}: new patient`, this.web.postXml('/patients', record('Patient', [
      ['identifier', s.id], ['name', s.name], ['gender', s.gender], ['birthDate', s.birthDate]])));
    this.patient = idsOf(loc).patient;
  }

  async enrol(date, primary, activities) {
    const loc = await expect303(`${this.story.name}: enrolment`, this.web.postXml(
      `/patients/${this.patient}/episodes`, record('EpisodeOfCare', [
        ['status', 'active'], ['cohort', COHORT], ['periodStart', date], ['primaryInstrument', primary],
        ['phase', 'enrolled'],
        ...activities.map((a, i) => ['activity', a.text, { item: `a${i + 1}`, goal: a.goal }])])));
    this.episode = idsOf(loc).episode;
    this.primary = primary;
  }

  get href() { return `/patients/${this.patient}/episodes/${this.episode}`; }

  // answers: { item: value }.
  async observe(instrument, date, answers, timepoint) {
    await expect303(`${this.story.name}: ${instrument} on ${date}`, this.web.postXml(
      `/patients/${this.patient}/observations`, record('Observation', [
        ['episode', this.episode], ['instrument', instrument], ['effective', date], ['timepoint', timepoint],
        ...Object.entries(answers).map(([item, v]) => ['answer', v, { item }])])));
  }

  async visit(date, type, state = 'finished', notes) {
    const who = state === 'planned' ? this.desk : this.web;
    await expect303(`${this.story.name}: visit on ${date}`, who.postXml(`${this.href}/visits`,
      record('Encounter', [['episode', this.episode], ['date', date], ['type', type], ['state', state],
                           ['notes', notes]])));
  }

  async move(to, date, extra = {}) {
    await expect303(`${this.story.name}: move to ${to} on ${date}`, this.web.postXml(`${this.href}/moves`,
      record('PhaseChange', [['episode', this.episode], ['to', to], ['date', date],
        ['reason', extra.reason], ['justification', extra.justification], ['note', extra.note],
        ['goalsMet', extra.goalsMet], ['gainsHeld', extra.gainsHeld], ['homeRoutine', extra.homeRoutine]])));
  }

  async flare(start, severity, trigger, response, end, visitsPerWeek) {
    await expect303(`${this.story.name}: flare from ${start}`, this.web.postXml(`${this.href}/flares`,
      record('Flare', [['episode', this.episode], ['start', start], ['end', end], ['severity', severity],
                       ['trigger', trigger], ['response', response], ['visitsPerWeek', visitsPerWeek]])));
  }

  // The exercise plugin's records (exercise:Stage, Session, HomeRoutine),
  // through its XML API under the episode.
  async exerciseStage(date, from, to, kind, reason) {
    await expect303(`${this.story.name}: exercise ${kind} to ${to} on ${date}`, this.web.postXml(
      `${this.href}/exercise/stages`, record('Stage', [['episode', this.episode], ['date', date], ['from', from],
        ['to', to], ['kind', kind], ['reason', reason]], EX_NS)));
  }

  // done: [exercise, sets, reps, load?]; morning: better | same | worse.
  async exerciseSession(date, stage, done, pain, morning, notes) {
    await expect303(`${this.story.name}: exercise session on ${date}`, this.web.postXml(
      `${this.href}/exercise/sessions`, record('Session', [['episode', this.episode], ['date', date], ['stage', stage],
        ...done.map(([exercise, sets, reps, load]) => ['done', '', { exercise, sets, reps, load }]),
        ['pain', pain], ['nextMorning', morning], ['notes', notes]], EX_NS)));
  }

  // items: [exercise, sets, reps, load?, perWeek]; tools: ids.
  async exerciseRoutine(date, since, items, tools, note) {
    await expect303(`${this.story.name}: home routine on ${date}`, this.web.postXml(
      `${this.href}/exercise/routine`, record('HomeRoutine', [['episode', this.episode], ['date', date], ['since', since],
        ...items.map(([exercise, sets, reps, load, perWeek]) => ['item', '', { exercise, sets, reps, load, perWeek }]),
        ...tools.map((t) => ['tool', t]), ['note', note]], EX_NS)));
  }

  // A herbal:Prescription through the herbal plugin's XML API (checked as
  // the prescribing form checks it); returns its page.
  async prescribe(rx, date) {
    const id = await expectCreated(`${this.story.name}: herbal prescription on ${date}`, this.web.postXml(
      `/patients/${this.patient}/herbal/prescriptions`, record('Prescription', [
        ['subject', this.patient], ['episode', this.episode], ['formula', rx.formula ?? '', { kind: rx.kind }],
        ['form', rx.form], ['ratio', rx.ratio], ['days', rx.days], ['startDate', date], ['prescriber', rx.prescriber],
        ['instructions', rx.instructions],
        ...rx.herbs.map(([name, grams]) => ['herb', [['name', name], ['grams', grams]]])], HERBAL_NS)));
    return `/patients/${this.patient}/herbal/prescriptions/${id}`;
  }
}

// The answers of one measure of an instrument, from a compact value:
// nrs 6; peg [p, e, a]; psfs [a1, a2, ...]; odi/ndi [s1..s10].
function answers(instrument, v) {
  switch (instrument) {
    case 'nrs': return { pain: v };
    case 'peg': return { pain: v[0], enjoyment: v[1], activity: v[2] };
    case 'psfs': return Object.fromEntries(v.map((x, i) => [`a${i + 1}`, x]));
    case 'odi': case 'ndi': return Object.fromEntries(v.map((x, i) => [`s${i + 1}`, x]));
    default: throw new Error(`no answer layout for ${instrument}`);
  }
}

// Ten section scores (0-5) that sum to `total`, spread evenly and stably
// (the first sections carry the remainder): ODI and NDI from a sum.
function sections(total) {
  const base = Math.floor(total / 10);
  return Array.from({ length: 10 }, (_, i) => Math.min(5, base + (i < total % 10 ? 1 : 0)));
}

// ---------------------------------------------------------------- stories
//
// Each program story is placed back from the base day B: S is the day its
// introductory phase began (its "day 0", from which the checkpoints count:
// day 14 and day 28 with the shipped definition), and every date is S + n.
// A story is a list of steps run in date order by run(): enrolment and the
// baseline first, then visits, measures, moves, flares.

const STORIES = [
  {
    id: 'SEED-01', phase: 'graduated', name: 'Ruth Okafor', gender: 'female', age: 64, born: '03-14',
    complaint: 'Knee osteoarthritis (right), 6 years', primary: 'peg', state: 'graduated',
    start: 140,
    activities: [{ text: 'Climb the stairs at home without the rail', goal: 8 },
                 { text: 'Walk to the shops and back (1 km)', goal: 8 },
                 { text: 'Kneel to weed the vegetable bed', goal: 7 }],
    // [day, primary, psfs]
    measures: [[0, [7, 7, 6], [3, 2, 1]], [13, [5, 4, 4]], [27, [3, 3, 3], [5, 5, 3]], [41, [3, 2, 3]],
               [55, [2, 2, 2], [6, 6, 5]], [69, [3, 3, 2]], [83, [2, 2, 2], [7, 7, 6]], [97, [2, 1, 2]],
               [111, [2, 2, 1], [8, 8, 7]], [125, [2, 1, 2]], [139, [1, 2, 2], [8, 8, 7]]],
    taper: true,
    flares: [{ start: 66, end: 70, severity: 'mild', trigger: 'A full day of planting out the garden',
               response: 'Extra needling session that week; kneeling practice paused for a week, then resumed on a cushion.' }],
    herbs: [{ day: 0, kind: 'modified', formula: 'du-huo-ji-sheng-tang', form: 'raw', days: 28,
              instructions: 'Simmer one bag in 600 ml of water for 40 minutes; drink half warm after breakfast and half after dinner.',
              herbs: [['Du Huo', 9], ['Sang Ji Sheng', 12], ['Du Zhong', 9], ['Niu Xi', 9], ['Qin Jiao', 9], ['Fu Ling', 12],
                      ['Fang Feng', 9], ['Chuan Xiong', 6], ['Dang Gui', 9], ['Bai Shao', 9], ['Gan Cao', 3]],
              adherence: [[7, 13, 14], [14, 14, 14]] }],
    exercise: {
      start: 35, reason: 'Gains holding since the monthly program began; starting corrective work for the hips and quadriceps.',
      stages: [[46, 'corrective', 'qigong'], [60, 'qigong', 'loading']],
      sessions: [
        ...[[36, 3, 'same'], [39, 2, 'same'], [42, 2, 'better']].map(([d, p, m]) => [d, 'corrective',
          [['glute-bridge', 2, 10], ['clamshell', 2, 12], ['dead-bug', 2, 8]], p, m]),
        ...[[49, 2, 'better'], [53, 2, 'same'], [56, 1, 'better']].map(([d, p, m]) => [d, 'qigong',
          [['bdj-1-hold-up-the-sky', 1, 8], ['bdj-2-draw-the-bow', 1, 8], ['bdj-3-separate-heaven-and-earth', 1, 8]], p, m]),
        ...[[63, 6, 3, 'same'], [74, 6, 3, 'same'], [81, 6, 2, 'same'], [88, 8, 3, 'same'], [95, 8, 2, 'better'],
            [102, 10, 3, 'same'], [109, 10, 2, 'same'], [116, 12, 3, 'same']].map(([d, kg, p, m]) => [d, 'loading',
          [['goblet-squat', 3, 8, kg], ['step-up', 3, 10], ['calf-raise', 2, 15]], p, m]),
      ],
      routine: { day: 120, note: 'Ba Duan Jin every morning; strength on Monday, Wednesday and Friday; the walking group on Saturdays.',
                 items: [['glute-bridge', 2, 10, undefined, 5], ['clamshell', 2, 12, undefined, 5],
                         ['bdj-1-hold-up-the-sky', 1, 8, undefined, 7], ['bdj-2-draw-the-bow', 1, 8, undefined, 7],
                         ['bdj-3-separate-heaven-and-earth', 1, 8, undefined, 7],
                         ['goblet-squat', 3, 8, 12, 3], ['step-up', 3, 10, undefined, 3]],
                 tools: ['pacing', 'flare-plan'] },
    },
    referrals: [{ partner: 'James Okoro', kind: 'onward', priority: 'routine', share: ['goals', 'exercise'],
                  reason: 'Graduated from the monthly program; wants a supervised strength class to keep her gains.',
                  code: 'Small-group strength class twice a week, progressing step-ups and goblet squats from 12 kg.',
                  summary: 'Right knee OA. PEG 6.7 to 1.7 over 20 weeks; stairs without the rail, walks 1 km, kneels on a cushion. Home routine: Ba Duan Jin daily, strength three days a week.',
                  send: true }],
    maintenance: { option: 'membership', email: 'ruth.okafor@example.org', firstName: 'Ruth' },
    moves: [
      { to: 'first-month', day: 14, note: 'Clear response: PEG 6.7 to 4.3, stairs easier.' },
      { to: 'monthly', day: 28, note: 'Benchmark reached at day 28.' },
      { to: 'graduated', day: 139, goalsMet: 'yes', gainsHeld: 'yes', homeRoutine: 'yes',
        note: 'All three PSFS goals met and held since week 16. Home routine: corrective work for the quadriceps and hips, Ba Duan Jin daily, step-ups with a backpack. Next: the walking group at the community centre; a maintenance visit monthly as needed.' }],
  },
  {
    id: 'SEED-02', phase: 'monthly', name: 'Tomasz Nowak', gender: 'male', age: 47, born: '09-02',
    complaint: 'Chronic low back pain, 3 years, desk job', primary: 'odi', state: 'monthly (continued with a justification)',
    start: 60,
    activities: [{ text: 'Sit through a full working day', goal: 8 },
                 { text: 'Carry my daughter to bed', goal: 9 },
                 { text: 'Cycle to work (6 km)', goal: 8 }],
    // ODI as section sums of 50: 22 -> 44%, 15 -> 30%, 13 -> 26% (41% better: short of 50%).
    measures: [[0, 22, [2, 3, 1]], [13, 15], [27, 13, [5, 5, 3]], [41, 12], [55, 11, [6, 6, 5]]],
    taper: true,
    herbs: [{ day: 31, kind: 'classical', formula: 'shao-yao-gan-cao-tang', form: 'raw', days: 28,
              instructions: 'Simmer one bag for 30 minutes; drink warm morning and evening, before food.',
              herbs: [['Bai Shao', 15], ['Zhi Gan Cao', 9]], adherence: [[38, 12, 14], [45, 14, 14], [52, 11, 14]] }],
    exercise: {
      start: 42, reason: 'Below the benchmark but sitting tolerance is improving: corrective work for the trunk to support the return to cycling.',
      sessions: [[45, 3, 'same'], [49, 3, 'same'], [52, 2, 'same'], [56, 2, 'better']].map(([d, p, m]) => [d, 'corrective',
        [['dead-bug', 2, 8], ['bird-dog', 2, 8], ['mcgill-curl-up', 2, 6]], p, m]),
    },
    moves: [
      { to: 'first-month', day: 14, note: 'ODI 44% to 30%: a moderate response.' },
      { to: 'monthly', day: 28,
        justification: 'ODI improved 41%, short of the 50% benchmark, but sitting tolerance has doubled (PSFS 2 to 5) and he is back at work full time since week 3. Continue with progressive loading; review the benchmark at week 8.' }],
    planned: [2, 5],
  },
  {
    id: 'SEED-03', phase: 'exited', name: 'Aisha Rahman', gender: 'female', age: 36, born: '11-21',
    complaint: 'Chronic tension-type headache, 15 days a month', primary: 'nrs', state: 'exited at day 14 (no meaningful response)',
    start: 40,
    activities: [],
    measures: [[0, 7], [6, 7], [13, 6]],
    moves: [{ to: 'exited', day: 14, reason: 'no-meaningful-response',
              note: 'Headache days and intensity unchanged after four sessions (NRS 7 to 6, 14%). Discussed openly; back to her GP to consider a headache clinic referral.' }],
  },
  {
    id: 'SEED-04', phase: 'monthly', name: 'Graham Whitlock', gender: 'male', age: 63, born: '05-30',
    complaint: 'Chronic neck pain and stiffness, 8 years', primary: 'ndi', state: 'monthly, open flare',
    start: 75,
    activities: [{ text: 'Reverse the car looking over my shoulder', goal: 8 },
                 { text: 'Read for an hour', goal: 8 },
                 { text: 'Sleep through the night', goal: 9 }],
    // NDI as section sums of 50: 21 -> 42%, 14 -> 28%, 10 -> 20% (52%), ...
    measures: [[0, 21, [3, 4, 2]], [13, 14], [27, 10, [6, 6, 5]], [41, 9], [55, 8, [7, 7, 6]], [73, 13]],
    taper: true,
    flares: [{ start: 72, severity: 'moderate', trigger: 'Six-hour drive to visit family', visitsPerWeek: 2,
               response: 'Extra needling session this week; loading stepped back to chin tucks and the first Ba Duan Jin pieces; back to two visits a week until it settles.' }],
    herbs: [{ day: 28, kind: 'classical', formula: 'juan-bi-tang-yi-xue-xin-wu', form: 'raw', days: 14,
              herbs: [['Qiang Huo', 9], ['Du Huo', 9], ['Rou Gui', 3], ['Qin Jiao', 9], ['Dang Gui', 9], ['Chuan Xiong', 6],
                      ['Zhi Gan Cao', 3], ['Hai Feng Teng', 9], ['Sang Zhi', 12], ['Ru Xiang', 4], ['Mu Xiang', 6]],
              instructions: 'Simmer one bag in 600 ml of water for 40 minutes; drink half warm after breakfast and half after dinner.',
              adherence: [[35, 14, 14]] }],
    exercise: {
      start: 42, reason: 'Gains holding after the first month; corrective work for the deep neck flexors and upper back.',
      stages: [[57, 'corrective', 'qigong']],
      sessions: [
        ...[[43, 3, 'same'], [47, 2, 'same'], [50, 2, 'better'], [54, 2, 'same']].map(([d, p, m]) => [d, 'corrective',
          [['chin-tuck', 2, 10], ['wall-angel', 2, 8], ['open-book', 2, 8]], p, m]),
        ...[[60, 2, 'same'], [64, 2, 'better'], [67, 1, 'same'], [71, 2, 'same']].map(([d, p, m]) => [d, 'qigong',
          [['bdj-1-hold-up-the-sky', 1, 8], ['bdj-4-looking-back', 1, 8]], p, m]),
      ],
    },
    referrals: [{ partner: 'Mei Lin Tan', kind: 'alongside', priority: 'routine', share: ['goals'],
                  reason: 'Neck and upper trapezius tension flaring after a long drive; soft-tissue work alongside the program.',
                  code: 'Two sessions of remedial massage to the neck and shoulders over the next fortnight.',
                  summary: 'Chronic neck pain, 8 years. NDI 42% to 16% before this flare; moderate flare since a six-hour drive.' }],
    moves: [{ to: 'first-month', day: 14 }, { to: 'monthly', day: 28, note: 'Benchmark met: NDI 42% to 20%.' }],
    planned: [1, 3],
  },
  {
    id: 'SEED-05', phase: 'first-month', name: 'Priya Desai', gender: 'female', age: 41, born: '07-08',
    complaint: 'Left shoulder pain (rotator cuff tendinopathy), 14 months', primary: 'peg', state: 'first-month checkpoint due today',
    start: 28,
    activities: [{ text: 'Reach the top kitchen shelf', goal: 9 },
                 { text: 'Swim 20 lengths', goal: 8 },
                 { text: 'Sleep on my left side', goal: 8 }],
    measures: [[0, [8, 7, 7], [2, 1, 1]], [13, [5, 5, 4]], [27, [3, 4, 3], [6, 5, 4]]],
    moves: [{ to: 'first-month', day: 14, note: 'PEG 7.3 to 4.7: a meaningful response.' }],
    planned: [0],
  },
  {
    id: 'SEED-06', phase: 'first-month', name: 'Daniel Moreau', gender: 'male', age: 52, born: '01-17',
    complaint: 'Chronic low back pain, worse standing, 5 years', primary: 'nrs', state: 'first-month checkpoint overdue',
    start: 47,
    activities: [{ text: 'Stand at the workbench for an hour', goal: 8 },
                 { text: 'Play nine holes of golf', goal: 7 },
                 { text: 'Lift the shopping from the car boot', goal: 9 }],
    measures: [[0, 8, [3, 2, 4]], [13, 5], [34, 4, [5, 4, 6]]],
    moves: [{ to: 'first-month', day: 14 }],
    lastVisit: 35,
    cancelled: [{ day: 38, notes: 'Away for work; rebook when back.' }, { day: 42, notes: 'Away for work; rebook when back.' }],
    planned: [1],
  },
  {
    id: 'SEED-07', phase: 'introductory', name: 'Helen Fraser', gender: 'female', age: 69, born: '12-03',
    complaint: 'Osteoarthritis of both knees, 10 years', primary: 'nrs', state: 'introductory, day 6',
    start: 6,
    activities: [{ text: 'Walk the dog round the park', goal: 8 },
                 { text: 'Get up from a low chair without using my hands', goal: 8 },
                 { text: 'Stand through a church service', goal: 9 }],
    measures: [[0, 6, [4, 3, 5]], [3, 5]],
    planned: [1, 4],
  },
  {
    id: 'SEED-08', phase: 'first-month', name: 'Marcus Bell', gender: 'male', age: 29, born: '04-25',
    complaint: 'Neck pain from desk work, 2 years', primary: 'peg', state: 'first-month, day 20',
    start: 20,
    activities: [{ text: 'Work at the screen all afternoon', goal: 8 },
                 { text: 'Climb at the bouldering gym', goal: 8 },
                 { text: 'Turn my head to check the bike lane', goal: 10 }],
    measures: [[0, [6, 6, 5], [4, 2, 5]], [13, [4, 4, 3]], [20, [3, 4, 3]]],
    moves: [{ to: 'first-month', day: 14, note: 'PEG 5.7 to 3.7.' }],
    planned: [3],
  },
  {
    id: 'SEED-09', phase: 'enrolled', name: 'Sofia Lindqvist', gender: 'female', age: 44, born: '06-19',
    complaint: 'Chronic low back pain after two pregnancies, 4 years', primary: 'peg', state: 'enrolled, first session booked',
    start: -1,      // enrolled two days ago; the introductory phase starts at tomorrow's first session
    enrolledDay: -3,
    activities: [{ text: 'Pick up my toddler', goal: 9 },
                 { text: 'Run 5 km', goal: 7 },
                 { text: 'Sit on the floor to play', goal: 8 }],
    measures: [[-3, [6, 7, 5], [3, 2, 4]]],
    planned: [1],
  },
  {
    id: 'SEED-10', phase: 'monthly', name: 'Kenji Watanabe', gender: 'male', age: 55, born: '02-11',
    complaint: 'Right shoulder pain and stiffness (frozen shoulder), 18 months', primary: 'nrs', state: 'monthly, tapering to once a week',
    start: 100,
    activities: [{ text: 'Put on a jacket without help', goal: 9 },
                 { text: 'Serve at tennis', goal: 7 },
                 { text: 'Reach my back pocket', goal: 9 }],
    measures: [[0, 7, [2, 1, 2]], [13, 4], [27, 3, [5, 3, 5]], [41, 3], [55, 2, [6, 4, 6]], [69, 3], [83, 2, [8, 6, 8]], [97, 2]],
    taper: true,
    moves: [{ to: 'first-month', day: 14 }, { to: 'monthly', day: 29, note: 'NRS 7 to 3 (57%).' }],
    planned: [4],
    herbs: [{ day: 0, kind: 'classical', formula: 'shen-tong-zhu-yu-tang', form: 'raw', days: 28,
              herbs: [['Qin Jiao', 6], ['Chuan Xiong', 6], ['Tao Ren', 9], ['Hong Hua', 6], ['Gan Cao', 6], ['Qiang Huo', 6],
                      ['Mo Yao', 4], ['Dang Gui', 9], ['Wu Ling Zhi', 6], ['Xiang Fu', 6], ['Niu Xi', 9], ['Di Long', 6]],
              instructions: 'Simmer one bag for 40 minutes; drink half after breakfast and half after dinner. Stop and call us if you notice unusual bruising.',
              adherence: [[7, 14, 14], [14, 13, 14], [21, 14, 14]] }],
    exercise: {
      start: 44, reason: 'Range returning and gains holding: corrective shoulder work before loading.',
      stages: [[56, 'corrective', 'qigong'], [70, 'qigong', 'loading']],
      sessions: [
        ...[[45, 3, 'same'], [49, 2, 'same'], [52, 2, 'better']].map(([d, p, m]) => [d, 'corrective',
          [['wall-angel', 2, 8], ['prone-y-t', 2, 8], ['open-book', 2, 8]], p, m]),
        ...[[59, 2, 'same'], [63, 2, 'same'], [66, 1, 'better']].map(([d, p, m]) => [d, 'qigong',
          [['bdj-1-hold-up-the-sky', 1, 8], ['bdj-2-draw-the-bow', 1, 8]], p, m]),
        ...[[73, 6, 3, 'same'], [77, 6, 2, 'same'], [80, 7, 3, 'same'], [84, 7, 2, 'better'], [87, 8, 3, 'same'], [91, 8, 2, 'same']]
          .map(([d, kg, p, m]) => [d, 'loading', [['one-arm-row', 3, 8, kg], ['incline-push-up', 3, 10]], p, m]),
      ],
      routine: { day: 94, note: 'Ba Duan Jin pieces 1 and 2 each morning; rows and push-ups on tennis days off.',
                 items: [['wall-angel', 2, 8, undefined, 5], ['bdj-1-hold-up-the-sky', 1, 8, undefined, 7],
                         ['bdj-2-draw-the-bow', 1, 8, undefined, 7], ['one-arm-row', 3, 8, 8, 2]],
                 tools: ['heat', 'pacing'] },
    },
    patientLink: { email: 'kenji.watanabe@example.net', diary: 'weekly' },
  },
  {
    id: 'SEED-11', phase: 'exited', name: 'Bronwyn Hughes', gender: 'female', age: 60, born: '08-27',
    complaint: 'Lateral hip pain (greater trochanteric pain syndrome), 2 years', primary: 'nrs', state: 'exited at the benchmark (not reached)',
    start: 50,
    activities: [{ text: 'Lie on my right side', goal: 8 },
                 { text: 'Walk up the hill to the station', goal: 8 },
                 { text: 'Garden for an afternoon', goal: 7 }],
    measures: [[0, 7, [2, 3, 3]], [13, 5], [29, 5, [3, 4, 4]]],
    moves: [{ to: 'first-month', day: 14, note: 'NRS 7 to 5 (29%): borderline, continued to see the trend.' },
            { to: 'exited', day: 30, reason: 'benchmark-not-reached',
              note: 'NRS 7 to 5 (29%) at the benchmark, no further change since day 14. Referred to a sports physician for imaging and a loading program.' }],
    referrals: [{ partner: 'Dr Anjali Mehta', kind: 'out', priority: 'routine', share: [],
                  reason: 'Lateral hip pain unchanged after a month of the program (NRS 7 to 5 at the benchmark); needs imaging and a specialist opinion.',
                  code: 'Assessment for gluteal tendinopathy (ultrasound or MRI) and a tendon-loading program.',
                  summary: 'Greater trochanteric pain, 2 years. Exited at the 28-day benchmark, 29% better; night pain lying on the right side persists.',
                  send: true }],
  },
  {
    id: 'SEED-12', phase: 'graduated', name: 'Margaret Ellis', gender: 'female', age: 58, born: '10-09',
    complaint: 'Chronic low back pain, 7 years, office manager', primary: 'peg', state: 'graduated 7 months ago; gains slipping at 3 months',
    start: 350,
    activities: [{ text: 'Sit through a two-hour meeting', goal: 8 },
                 { text: 'Carry the laundry basket upstairs', goal: 8 },
                 { text: 'Walk the coast path (5 km)', goal: 7 }],
    measures: [[0, [7, 7, 7], [2, 3, 2]], [13, [5, 5, 4]], [27, [3, 4, 3], [5, 5, 4]], [41, [3, 3, 3]],
               [55, [2, 3, 2], [7, 6, 6]], [69, [2, 2, 2]], [83, [2, 2, 2], [8, 8, 7]], [97, [2, 2, 2]],
               [111, [2, 2, 2], [8, 8, 7]], [124, [2, 2, 2], [8, 9, 8]]],
    taper: true,
    moves: [
      { to: 'first-month', day: 14, note: 'PEG 7 to 4.7.' },
      { to: 'monthly', day: 28, note: 'Benchmark reached: PEG 7 to 3.3 (52%).' },
      { to: 'graduated', day: 125, goalsMet: 'yes', gainsHeld: 'yes', homeRoutine: 'yes',
        note: 'Goals met and held for six weeks. Home routine: dead bugs and bird dogs daily, a 30-minute walk, the Ba Duan Jin on weekends.' }],
    maintenance: { option: 'home', checkins: [
      { months: 1, answers: { pain: 2, enjoyment: 3, activity: 2 }, pgic: '2', homeRoutine: 'yes',
        comment: 'Doing the exercises most mornings. One stiff week after a long drive.' },
      { months: 3, answers: { pain: 5, enjoyment: 6, activity: 6 }, pgic: '5', homeRoutine: 'no',
        comment: 'New job with long hours; stopped the routine in the summer and the back has crept up again.' }] },
  },
];

// The three stories that begin on the public form: a call waiting, a call
// booked, and an intake in progress.  The clinic's today, whatever the base.
const CALLS = [
  { name: 'Owen Gallagher', state: 'discovery call waiting', contact: '07700 900412',
    times: 'Weekday evenings after 6', problem: 'Low back pain since a fall on the ice last winter. Sitting at work is the worst part.' },
  { name: 'Chloe Martin', state: 'discovery call booked', contact: 'chloe.martin@example.org', times: 'Tuesday or Thursday mornings',
    problem: 'Tension headaches most days for about two years; painkillers barely touch them.', call: true },
  { name: 'Leila Haddad', state: 'intake in progress (link issued, 1 section saved)', contact: 'leila.h@example.net',
    times: 'Any time', problem: 'Neck and shoulder pain for three years, worse after long shifts at the hospital.',
    intake: { birthDate: '1988-10-05', gender: 'female' } },
];

// The visit days of a story: four needling sessions in the introductory
// phase (two a week), the first-month at 1-2 a week, then the monthly
// program tapering 3 -> 2 -> 1 a week, two weeks at least at each step
// (PROGRAM.md: "gradually").  Herbal reviews and exercise progressions
// happen at these visits (a separate Encounter would count as a visit of
// its own against the taper): every fourth monthly visit is an exercise
// session, and the notes say what was reviewed.
function visitDays(st, until) {
  const days = [];
  const last = st.lastVisit ?? Infinity;
  const add = (d, type = 'needling', notes) => { if (d < until && d <= last) days.push([d, type, notes]); };
  add(0, 'needling', 'First session; 14-day herbal prescription started.');
  [3, 7].forEach((d) => add(d));
  add(10, 'needling', 'Herbs reviewed: taken as prescribed, no adverse effects; renewed for 14 days.');
  const fm = st.moves?.find((m) => m.to === 'first-month');
  const mo = st.moves?.find((m) => m.to === 'monthly');
  if (fm) {
    const end = mo ? mo.day : until;
    for (const d of [14, 17, 21, 24, 27, 31, 35, 38, 41]) {
      if (d < end) add(d, 'needling', d === 24 ? 'Herbs reviewed and adjusted; corrective exercises introduced.' : undefined);
    }
  }
  if (mo && st.taper) {
    let n = 0;
    for (let k = 0; ; k++) {
      const w = mo.day + 7 * k;
      if (w >= until) break;
      const per = k < 2 ? [0, 2, 4] : k < 4 ? [0, 3] : [0];
      for (const o of per) {
        n += 1;
        add(w + o, n % 4 === 0 ? 'exercise' : 'needling',
            n % 4 === 0 ? 'Progression reviewed; home routine updated.'
              : n % 6 === 1 ? 'Herbs reviewed: adherence good, no adverse effects.' : undefined);
      }
    }
  }
  return days;
}

// The prescriber named on the seeded herbal prescriptions.
const PRESCRIBER = 'Dr Elena Marsh, L.Ac.';

// The trusted partners of the referral plugin's directory: a physical
// therapist, a trainer, a massage therapist and a sports physician.
const PARTNERS = [
  { name: 'Sarah Lindgren', organisation: 'Harbour Sports Physiotherapy', discipline: 'physical-therapist',
    email: 'sarah.lindgren@harbourphysio.example', phone: '020 7946 0321', address: '14 Quay Street, Harbourside',
    trustedFor: 'Return to running and field sports after the program; graded exposure for fear of movement.',
    tags: 'running post-rehab-strength' },
  { name: 'James Okoro', organisation: 'Northside Strength Studio', discipline: 'personal-trainer',
    email: 'james@northsidestrength.example', phone: '020 7946 0877', address: 'Unit 3, Mill Lane Yard',
    trustedFor: 'Small-group strength classes for older adults and graduates of the program; progressive loading with patience.',
    tags: 'post-rehab-strength older-adults' },
  { name: 'Mei Lin Tan', organisation: 'Eastside Remedial Massage', discipline: 'massage-therapist',
    email: 'meilin@eastsidemassage.example', phone: '020 7946 0555', address: '2 Chapel Row',
    trustedFor: 'Remedial massage for neck and shoulder pain; gentle with flares.', tags: 'neck shoulder' },
  { name: 'Dr Anjali Mehta', organisation: 'Riverside Sports Medicine', discipline: 'physician',
    email: 'referrals@riversidesportsmed.example', phone: '020 7946 0100', address: 'Riverside Health Centre, Level 2',
    trustedFor: 'Imaging and a specialist opinion for tendon and joint problems the program does not resolve.',
    tags: 'imaging tendon' },
];

// Which plugins the clinic has loaded: each one's staff index page answers.
async function pluginsOf(web) {
  const has = async (p) => (await web.getXml(p)).status === 200;
  return { herbal: await has('/herbs'), exercise: await has('/exercises'), referral: await has('/partners'),
           maintenance: await has('/maintenance') };
}

// The partners' ids by name, each added through the directory's form when
// it is not there yet.
async function ensurePartners(web, log) {
  const ids = {};
  for (const pt of PARTNERS) {
    const r = await web.getXml(`/partners?q=${encodeURIComponent(pt.name)}`);
    if (r.status !== 200) throw new Error(`GET /partners: ${refusal(r)}`);
    const esc = xmlEscape(pt.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const found = new RegExp(`<partner\\b[^>]*\\bid="(\\d+)"[^>]*\\bname="${esc}"|<partner\\b[^>]*\\bname="${esc}"[^>]*\\bid="(\\d+)"`).exec(r.body);
    if (found) { ids[pt.name] = Number(found[1] ?? found[2]); continue; }
    log(`seeding partner ${pt.name}`);
    const loc = await expect303(`partner ${pt.name}`, web.postForm('/partners', { ...pt, active: 'yes' }));
    ids[pt.name] = Number(/\/partners\/(\d+)/.exec(loc)[1]);
  }
  return ids;
}

// What a story adds once its program story is written: referrals (sent
// when the clinic has a public address for the partner's link, else left
// as drafts), the maintenance plan and check-ins taken by phone, the
// patient's personal link.
async function runAfter(web, st, chart, plugins, partners, B, log) {
  const out = {};
  if (plugins.referral) {
    for (const rf of st.referrals ?? []) {
      const fields = { kind: rf.kind, partner: String(partners[rf.partner]), priority: rf.priority, reason: rf.reason,
        code: rf.code, summary: rf.summary, consent: 'yes', consentMethod: 'verbal', episode: String(chart.episode) };
      for (const k of rf.share) fields[`share.${k}`] = 'yes';
      fields[`share.measure.${st.primary}`] = 'yes';
      const loc = await expect303(`${st.name}: referral to ${rf.partner}`, web.postForm(`/patients/${chart.patient}/referrals`, fields));
      const page = loc.replace(/[?#].*$/, '');
      if (rf.send) {
        const r = await web.postForm(`${page}/send`, {});
        if (r.status !== 303) log(`${st.name}: the referral to ${rf.partner} stays a draft: ${refusal(r)}`);
      }
      out.referral = page;
    }
  }
  if (plugins.maintenance && st.maintenance) {
    const m = st.maintenance;
    const grad = st.moves.find((x) => x.to === 'graduated');
    const base = `/patients/${chart.patient}/maintenance`;
    if (m.option !== 'home' || m.email) {
      await expect303(`${st.name}: maintenance plan`, web.postForm(`${base}/episodes/${chart.episode}/plan`, {
        option: m.option, start: dateOf(B - st.start + grad.day + 1), email: m.email ?? '', firstName: m.firstName ?? '' }));
    }
    for (const c of m.checkins ?? []) {
      // The check-ins graduation scheduled: <episode id=E>...<checkin record= months=>.
      const x = (await web.getXml(base)).body;
      const ep = new RegExp(`<episode\\b[^>]*\\bid="${chart.episode}"[\\s\\S]*?</episode>`).exec(x)?.[0] ?? '';
      const row = [...ep.matchAll(/<checkin\b[^>]*>/g)].map((k) => k[0]).find((k) => k.includes(` months="${c.months}"`));
      const id = row && /\brecord="(\d+)"/.exec(row)?.[1];
      if (!id) throw new Error(`${st.name}: no ${c.months}-month check-in on ${base}`);
      const fields = { pgic: c.pgic, homeRoutine: c.homeRoutine, comment: c.comment };
      for (const [k, v] of Object.entries(c.answers)) fields[`answer.${k}`] = String(v);
      const r = await web.postForm(`/maintenance/check-ins/${id}`, fields);
      if (r.status !== 200 && r.status !== 303) throw new Error(`${st.name}: ${c.months}-month check-in refused: ${refusal(r)}`);
    }
    out.maintenance = base;
  }
  if (st.patientLink) {
    const r = await web.postForm(`${chart.href}/patient-link`, st.patientLink);
    if (r.status !== 200 && r.status !== 303) log(`${st.name}: no personal link: ${refusal(r)}`);
  }
  return out;
}

// Run one program story: every write in date order.
async function runStory(web, desk, st, B, plugins = {}) {
  const S = B - st.start;           // day 0
  const at = (n) => dateOf(S + n);
  const lastMove = st.moves?.[st.moves.length - 1];
  const ended = lastMove && (lastMove.to === 'graduated' || lastMove.to === 'exited');
  const until = ended ? lastMove.day + 1 : st.start + 1;   // days 0..until-1 happened
  const chart = new Chart(web, st, desk);
  st.birthDate = `${dateOf(B).slice(0, 4) - st.age - (dateOf(B).slice(5) < st.born ? 1 : 0)}-${st.born}`;
  await chart.create();
  const enrolled = st.enrolledDay ?? -1;
  await chart.enrol(at(enrolled), st.primary, st.activities);

  // Every event, in date order; the baseline (first measure) is taken at
  // enrolment, the introductory phase starts on day 0.
  const events = [];
  for (const [d, p, psfs] of st.measures) {
    const tp = d === st.measures[0][0] ? 'baseline' : undefined;
    events.push([d, 0, () => chart.observe(st.primary, at(d), answers(st.primary, st.primary === 'odi' || st.primary === 'ndi' ? sections(p) : p), tp)]);
    if (psfs && st.activities.length) events.push([d, 0, () => chart.observe('psfs', at(d), answers('psfs', psfs), tp)]);
  }
  if (st.start >= 0) events.push([0, 1, () => chart.move('introductory', at(0))]);
  for (const [d, type, notes] of visitDays(st, until)) events.push([d, 2, () => chart.visit(at(d), type, 'finished', notes)]);
  for (const c of st.cancelled ?? []) events.push([c.day, 2, () => chart.visit(at(c.day), 'needling', 'cancelled', c.notes)]);
  for (const f of st.flares ?? []) {
    events.push([f.start, 3, () => chart.flare(at(f.start), f.severity, f.trigger, f.response,
      f.end === undefined ? undefined : at(f.end), f.visitsPerWeek)]);
    const extra = Math.min(f.start + 1, st.start);
    if (f.end === undefined) events.push([extra, 4, () => chart.visit(at(extra), 'needling', 'finished', 'Extra session for the flare.')]);
  }
  for (const m of st.moves ?? []) {
    if (m.to === 'introductory') continue;
    events.push([m.day, 5, () => chart.move(m.to, at(m.day), m)]);
  }
  // The plugins' records, on their days among the program's.
  const happened = (d) => d < until;
  if (plugins.herbal) {
    for (const rx of st.herbs ?? []) {
      let page;
      events.push([rx.day, 6, async () => { page = await chart.prescribe({ prescriber: PRESCRIBER, ...rx }, at(rx.day)); }]);
      for (const [d, taken, prescribed] of rx.adherence ?? []) {
        if (!happened(d)) continue;
        events.push([d, 7, () => expect303(`${st.name}: herbal adherence ${at(d)}`, web.postForm(`${page}/adherence`, {
          weekStart: at(d - 7), dosesTaken: String(taken), dosesPrescribed: String(prescribed) }))]);
      }
    }
  }
  const ex = plugins.exercise ? st.exercise : undefined;
  if (ex) {
    events.push([ex.start, 6, () => chart.exerciseStage(at(ex.start), 'not-started', 'corrective', 'start', ex.reason)]);
    for (const [d, from, to] of ex.stages ?? []) {
      if (happened(d)) events.push([d, 6, () => chart.exerciseStage(at(d), from, to, 'advance')]);
    }
    for (const [d, stage, done, pain, morning] of ex.sessions) {
      if (happened(d)) events.push([d, 7, () => chart.exerciseSession(at(d), stage, done, pain, morning)]);
    }
    if (ex.routine && happened(ex.routine.day)) {
      const r = ex.routine;
      events.push([r.day, 8, () => chart.exerciseRoutine(at(r.day), at(r.day), r.items, r.tools, r.note)]);
    }
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [, , fn] of events) await fn();
  // Scheduled visits after the base day (may be in the future).
  if (!ended) for (const d of st.planned ?? []) await chart.visit(dateOf(B + d), 'needling', 'planned');
  return { patient: chart.patient, episode: chart.episode, href: chart.href, chart };
}

// ---------------------------------------------------------------- lookups

// The patient whose identifier is exactly `identifier`: { id } or null.
async function findPatient(web, identifier) {
  const r = await web.getXml(`/patients?q=${encodeURIComponent(identifier)}`);
  if (r.status !== 200) throw new Error(`GET /patients?q=${identifier}: ${refusal(r)}`);
  // A list row (<patient id= identifier=>) or a record wrapper around a Patient.
  for (const m of r.body.matchAll(/<patient\b[^>]*>/g)) {
    const id = /\bid="(\d+)"/.exec(m[0]);
    const ident = /\bidentifier="([^"]*)"/.exec(m[0]);
    if (id && ident && xmlUnescape(ident[1]) === identifier) return { id: Number(id[1]) };
  }
  for (const m of r.body.matchAll(/<record\b[^>]*\bid="(\d+)"[^>]*>\s*<Patient\b[\s\S]*?<identifier\b[^>]*>([^<]*)<\/identifier>/g)) {
    if (xmlUnescape(m[2]) === identifier) return { id: Number(m[1]) };
  }
  return null;
}

// The newest episode of a patient, from its chart: /patients/P/episodes/E.
async function episodeHref(web, patient) {
  const r = await web.getXml(`/patients/${patient}`);
  const hrefs = [...r.body.matchAll(/\/patients\/\d+\/episodes\/(\d+)/g)].map((m) => Number(m[1]));
  return hrefs.length ? `/patients/${patient}/episodes/${Math.max(...hrefs)}` : `/patients/${patient}`;
}

// What the intake queue holds under a name: { request, intake } ids.
async function findInQueue(desk, name) {
  const r = await desk.getXml('/intake');
  if (r.status !== 200) throw new Error(`GET /intake: ${refusal(r)}`);
  const esc = xmlEscape(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const out = {};
  for (const el of ['request', 'decided']) {
    const m = new RegExp(`<${el}\\b[^>]*\\bname="${esc}"[^>]*>`).exec(r.body);
    if (m) {
      out.request = Number(/\bid="(\d+)"/.exec(m[0])[1]);
      const i = /\bintake="(\d+)"/.exec(m[0]);
      if (i) out.intake = Number(i[1]);
    }
  }
  const i = new RegExp(`<intake\\b[^>]*\\bname="${esc}"[^>]*>`).exec(r.body);
  if (i) out.intake = Number(/\bid="(\d+)"/.exec(i[0])[1]);
  return out;
}

// ------------------------------------------------------------------ calls

// A visitor opens the public form: its token and the signed stamp.
async function openRequestForm(base) {
  const v = new Client(base, 'visitor');
  const f = await v.get('/request-a-call');
  if (f.status !== 200) throw new Error(`GET /request-a-call: ${f.status} (is the intake plugin loaded?)`);
  v.csrf = Client.csrfOf(f.body);
  const m = /name="stamp" value="([^"]+)"/.exec(f.body);
  return { v, stamp: m ? xmlUnescape(m[1]) : '' };
}

async function runCall(base, desk, call, today, visitor) {
  const { v, stamp } = visitor;
  const r = await v.postForm('/request-a-call', {
    name: call.name, contact: call.contact, times: call.times, problem: call.problem, consent: 'yes',
    website: '', stamp });
  if (r.status === 429) throw new Error(`${call.name}: the public form's rate limit refused the request (wait an hour and run again)`);
  if (r.status !== 303) throw new Error(`${call.name}: public request refused: ${refusal(r)}`);
  const { request } = await findInQueue(desk, call.name);
  if (!request) throw new Error(`${call.name}: sent, but not in the intake queue`);
  if (!call.call && !call.intake) return { href: `/intake/requests/${request}` };
  const tomorrow = dateOf(dayOf(today) + 1);
  await expect303(`${call.name}: schedule the call`, desk.postForm(`/intake/requests/${request}/schedule`,
    { call: `${tomorrow}T${call.intake ? '09:15' : '10:30'}` }));
  if (!call.intake) return { href: `/intake/requests/${request}` };
  // The call happened: a good fit; the intake opens.
  const loc = await expect303(`${call.name}: outcome`, desk.postForm(`/intake/requests/${request}/outcome`, { fit: 'good' }));
  const intake = Number(/\/intake\/(\d+)/.exec(loc)[1]);
  // The front desk issues the patient's link...
  // (a POST answered 303; the page it leads to shows the link once)
  const issued = await expect303(`${call.name}: issue the link`, desk.postForm(`/intake/${intake}/link`, {}));
  const l = await desk.get(issued);
  const link = /value="[^"]*?(\/c\/[A-Za-z0-9_-]+)"/.exec(l.body);
  if (l.status !== 200 || !link) throw new Error(`${call.name}: link not shown: ${refusal(l)}`);
  // ...and the patient opens it and saves the first section.
  const patient = new Client(base, 'patient');
  const o = await patient.get(link[1]);
  if (o.status !== 303) throw new Error(`${call.name}: the link answered ${o.status}`);
  const form = await patient.get(o.headers.location);
  patient.csrf = Client.csrfOf(form.body);
  await expect303(`${call.name}: demographics section`, patient.postForm(`/intake/${intake}/form`, {
    section: 'demographics', name: call.name, birthDate: call.intake.birthDate, gender: call.intake.gender,
    contact: call.contact }));
  return { href: `/intake/${intake}` };
}

// ------------------------------------------------------------------- main

export async function seedDemo({ url, user, password, deskUser, deskPassword, base, log = () => {} }) {
  const web = new Client(url, 'clinician');
  const home = await web.signIn(user, password);
  const today = /<home\b[^>]*\btoday="(\d{4}-\d{2}-\d{2})"/.exec(home.body)?.[1]
    ?? /\btoday="(\d{4}-\d{2}-\d{2})"/.exec(home.body)?.[1];
  if (!today) throw new Error('GET / (XML) does not say the clinic\'s today');
  const baseDate = base || today;
  if (!isDate(baseDate)) throw new Error(`--base ${baseDate}: not a date (YYYY-MM-DD)`);
  if (baseDate > today) throw new Error(`--base ${baseDate} is after the clinic's today (${today}): the program refuses delivered visits and moves in the future`);
  const B = dayOf(baseDate);
  const desk = deskUser && deskUser !== user ? new Client(url, 'front desk') : web;
  if (desk !== web) await desk.signIn(deskUser, deskPassword ?? password);

  const plugins = await pluginsOf(web);
  const partners = plugins.referral ? await ensurePartners(web, log) : {};
  const rows = [];
  for (const st of STORIES) {
    const found = await findPatient(web, st.id);
    if (found) {
      // Found: say so, and whether the story got to its end (a run that
      // stopped half-way leaves a patient the next run will not finish).
      const page = await episodeHref(web, found.id);
      const phase = /<episode\b[^>]*\bphase="([a-z-]+)"/.exec((await web.getXml(page)).body)?.[1];
      const order = ['enrolled', 'introductory', 'first-month', 'monthly', 'graduated'];
      const behind = phase === undefined || (order.includes(st.phase) && order.indexOf(phase) >= 0
        && order.indexOf(phase) < order.indexOf(st.phase)) || (st.phase === 'exited' && phase !== 'exited');
      const state = phase === st.phase ? st.state
        : behind ? `${st.state} (INCOMPLETE: the episode is ${phase ?? 'missing'}; delete and run again)`
          : `${st.state} (moved on since: now ${phase})`;
      rows.push({ identifier: st.id, name: st.name, state, page, added: false });
      continue;
    }
    log(`seeding ${st.id} ${st.name}: ${st.state}`);
    const r = await runStory(web, desk, st, B, plugins);
    const more = await runAfter(web, st, r.chart, plugins, partners, B, log);
    rows.push({ identifier: st.id, name: st.name, state: st.state, page: r.href, added: true, ...more });
  }

  // The public form: open every form first, wait once past the minimum
  // time, then send those not yet in the queue.
  const todo = [];
  for (const c of CALLS) {
    const q = await findInQueue(desk, c.name);
    const found = q.request || q.intake;
    if (found) rows.push({ identifier: '', name: c.name, state: c.state, page: q.intake ? `/intake/${q.intake}` : `/intake/requests/${q.request}`, added: false });
    else todo.push(c);
  }
  if (todo.length) {
    const forms = await Promise.all(todo.map(() => openRequestForm(url)));
    await new Promise((r) => setTimeout(r, FORM_WAIT_MS));
    for (const [k, c] of todo.entries()) {
      log(`seeding ${c.name}: ${c.state}`);
      const r = await runCall(url, desk, c, today, forms[k]);
      rows.push({ identifier: '', name: c.name, state: c.state, page: r.href, added: true });
    }
  }
  return { base: baseDate, today, plugins, partners, rows };
}

function parseArgs(argv) {
  const o = {
    deskPassword: process.env.CAIRN_SEED_DESK_PASSWORD,
    url: process.env.CAIRN_SEED_URL, user: process.env.CAIRN_SEED_USER, deskUser: process.env.CAIRN_SEED_DESK_USER,
    password: process.env.CAIRN_SEED_PASSWORD, passwordFile: process.env.CAIRN_SEED_PASSWORD_FILE,
    base: process.env.CAIRN_SEED_BASE, json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--url') o.url = next();
    else if (a === '--user') o.user = next();
    else if (a === '--desk-user') o.deskUser = next();
    else if (a === '--password-file') o.passwordFile = next();
    else if (a === '--desk-password-file') o.deskPasswordFile = next();
    else if (a === '--base') o.base = next();
    else if (a === '--json') o.json = true;
    else if (a === '-h' || a === '--help') { o.help = true; }
    else throw new Error(`unknown option ${a} (see --help)`);
  }
  return o;
}

async function main() {
  let o;
  try { o = parseArgs(process.argv.slice(2)); } catch (e) { console.error(`seed-demo: ${e.message}`); process.exit(2); }
  if (o.help) {
    const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
    const text = lines.slice(0, lines.findIndex((l) => !l.startsWith('//')))
      .map((l) => l.replace(/^\/\/ ?/, '')).join('\n');
    console.log(text);
    return;
  }
  const read = (f) => readFileSync(f, 'utf8').replace(/\r?\n$/, '');
  const password = o.password ?? (o.passwordFile ? read(o.passwordFile) : undefined);
  if (!o.url || !o.user || !password) {
    console.error('seed-demo: give --url, --user and --password-file (or CAIRN_SEED_PASSWORD); see --help');
    process.exit(2);
  }
  try {
    const res = await seedDemo({
      url: o.url, user: o.user, password, deskUser: o.deskUser,
      deskPassword: o.deskPasswordFile ? read(o.deskPasswordFile) : o.deskPassword,
      base: o.base, log: o.json ? () => {} : (m) => console.log(`seed-demo: ${m}`),
    });
    if (o.json) { console.log(JSON.stringify(res, null, 2)); return; }
    const added = res.rows.filter((r) => r.added).length;
    console.log(`seed-demo: base ${res.base} (clinic's today ${res.today}); ${added} added, ${res.rows.length - added} already there`);
    const w = [Math.max(...res.rows.map((r) => r.name.length)), Math.max(...res.rows.map((r) => r.state.length))];
    for (const r of res.rows) console.log(`  ${r.name.padEnd(w[0])}  ${r.state.padEnd(w[1])}  ${new URL(r.page, o.url).href}`);
  } catch (e) {
    console.error(`seed-demo: ${e.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
