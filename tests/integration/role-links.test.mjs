// Every link a signed-in person sees, they may follow.  The demo's seed
// (scripts/seed-demo.mjs, so every plugin has data) is written, then each
// staff role (clinician, front desk, administrator) opens the main pages
// -- the dashboard, the patient list, patients and their episodes,
// /outcomes, /herbs, /exercises, /referrals, /partners, /maintenance, the
// intake queue, the schedule -- and follows every local link on them and
// on the pages they lead to (three steps out), with GET, as a browser would.
// None may answer 403 (a link the role may not follow) or 404 (a dead
// link).  A start page the role may not open is fine (no link leads
// there, which is what is checked); each role must open at least the
// dashboard and the patient list.  Every POST form on those pages must
// also be one the role may send: its action is matched against the route
// table (`cairn routes`) and the route's audience must hold the role.
// And the navigation names each plugin's staff index page for the roles
// that may open it.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, STAFF } from '../lib/harness.mjs';
import { parseRoutes } from '../lib/access.mjs';
import { seedDemo } from '../../scripts/seed-demo.mjs';

const srv = useCairn({ publicUrl: 'https://clinic.example', mail: { port: 9 } });
const ROLES = ['clinician', 'front-desk', 'admin'];
// How far out from the start pages links are followed, and at most how
// many pages a role opens (the seeded clinic has about a dozen patients).
const DEPTH = 3;
const MAX_PAGES = 900;
// Links that are not pages of the role's session: static files, the
// capability links, sign-out (a form), fragments.
const SKIP = /^\/(static\/|c\/|sign-out)/;

let seeded;
let routes;       // [{ method, re, roles: Set }]

// The route table from `cairn routes` (tests/lib/access.mjs reads it).
function loadRoutes() {
  const r = srv.cli(['routes']);
  assert.equal(r.code, 0, r.stderr);
  return parseRoutes(r.stdout).map((x) => ({
    ...x, re: new RegExp(`^${x.pattern.replace(/\(\?<[a-z_]+>/g, '(')}$`) }));
}

// May `role` send a POST to `action`?  The route it matches, and its
// audience holds the role (or all staff).
function mayPost(role, action) {
  const p = action.split('?')[0];
  const r = routes.find((x) => x.method === 'POST' && x.re.test(p));
  if (!r) return { ok: false, why: 'no route' };
  return { ok: r.audience.includes(role) || r.audience.includes('staff') || r.audience.includes('public'),
           why: r.audience.join(',') };
}

const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'");

// The local links (a href) and the POST forms' actions of an HTML page.
function linksOf(html) {
  const links = new Set();
  for (const m of html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)) {
    const h = unescape(m[1]);
    if (!h.startsWith('/') || h.startsWith('//') || SKIP.test(h)) continue;
    links.add(h.split('#')[0]);
  }
  const posts = new Set();
  for (const m of html.matchAll(/<form\b[^>]*>/g)) {
    const method = /\bmethod="([^"]*)"/i.exec(m[0])?.[1]?.toLowerCase() ?? 'get';
    const action = unescape(/\baction="([^"]*)"/.exec(m[0])?.[1] ?? '');
    if (!action.startsWith('/') || SKIP.test(action)) continue;
    if (method === 'post') posts.add(action);
    else links.add(action);
  }
  return { links, posts };
}

before(async () => {
  await srv.ready;
  seeded = await seedDemo({
    url: srv.base, user: STAFF.clinician.username, password: STAFF.clinician.password,
    deskUser: STAFF['front-desk'].username, deskPassword: STAFF['front-desk'].password,
  });
  routes = loadRoutes();
}, { timeout: 300000 });

function startPages() {
  const pages = ['/', '/patients', '/outcomes', '/herbs', '/herbal/alerts', '/exercises', '/exercise',
    '/referrals', '/partners', '/maintenance', '/intake', '/schedule', '/instruments', '/economics',
    '/outcomes/maintenance', '/admin/users', '/admin/audit', '/admin/outbox', '/admin/jobs'];
  for (const name of ['Ruth Okafor', 'Graham Whitlock', 'Tomasz Nowak', 'Helen Fraser', 'Kenji Watanabe', 'Margaret Ellis']) {
    const row = seeded.rows.find((r) => r.name === name);
    assert.ok(row, `${name} seeded`);
    const patient = row.page.replace(/\/episodes\/\d+$/, '');
    pages.push(row.page, patient, `${row.page}/exercise`, `${patient}/herbal`, `${patient}/referrals`, `${patient}/maintenance`);
  }
  return pages;
}

for (const role of ROLES) {
  test(`${role}: every link on the main pages and three steps out answers, none 403 or 404`, async (t) => {
    const web = await srv.as(role);
    const seen = new Map();          // path -> status
    const from = new Map();          // path -> a page that links to it
    const badPosts = [];
    let queue = startPages().map((p) => [p, 0]);
    const starts = new Set(queue.map(([p]) => p));
    while (queue.length && seen.size < MAX_PAGES) {
      const next = [];
      for (const [p, depth] of queue) {
        if (seen.has(p) || seen.size >= MAX_PAGES) continue;
        const r = await web.get(p);
        seen.set(p, r.status);
        if (r.status !== 200 || depth >= DEPTH) continue;
        if (!/text\/html/.test(r.headers['content-type'] ?? '')) continue;
        const { links, posts } = linksOf(r.body);
        for (const a of posts) {
          const ok = mayPost(role, a);
          if (!ok.ok) badPosts.push(`${p}: form to ${a} (${ok.why})`);
        }
        for (const l of links) {
          if (!from.has(l)) from.set(l, p);
          if (!seen.has(l)) next.push([l, depth + 1]);
        }
      }
      queue = next;
    }
    t.diagnostic(`${role}: ${seen.size} pages opened, ${badPosts.length} forms refused`);
    assert.equal(seen.get('/'), 200, 'the dashboard opens');
    assert.equal(seen.get('/patients'), 200, 'the patient list opens');
    const dead = [...seen].filter(([p, s]) => (s === 403 || s === 404) && !(starts.has(p) && !from.has(p)))
      .map(([p, s]) => `${s} ${p} (linked from ${from.get(p)})`);
    assert.deepEqual(dead, [], `${role}: ${dead.length} links that do not open, of ${seen.size} pages`);
    assert.deepEqual([...new Set(badPosts)], [], `${role}: forms the role may not send`);
    assert.ok(seen.size > (role === 'front-desk' ? 30 : 60), `${role}: only ${seen.size} pages crawled`);
  });
}

// The plugins' staff index pages in the navigation, for the roles that
// may open them, and only for those.
test('the navigation names every plugin\'s staff index page the role may open', async () => {
  const want = {
    clinician: ['/herbs', '/exercises', '/referrals', '/maintenance'],
    'front-desk': ['/herbs', '/exercises', '/partners', '/maintenance'],
    admin: ['/herbs', '/exercises', '/referrals', '/maintenance'],
  };
  for (const role of ROLES) {
    const web = await srv.as(role);
    const r = await web.get('/');
    assert.equal(r.status, 200);
    const nav = /<nav class="main"[\s\S]*?<\/nav>/.exec(r.body)?.[0] ?? '';
    const hrefs = [...nav.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    for (const h of want[role]) assert.ok(hrefs.includes(h), `${role}: ${h} in the navigation (${hrefs.join(' ')})`);
    for (const h of hrefs) {
      const x = await web.get(h);
      assert.equal(x.status, 200, `${role}: nav link ${h} answered ${x.status}`);
    }
  }
});
