// No visible link leads to a refusal.  On the demo seed, every page front
// desk and the administrator reach by following links from their home is
// walked, and each link on it is opened as that same person: none may
// answer 403 (a button the role cannot use, a name linking to a page the
// role may not open).  Found once on /partners ("Open referrals" for front
// desk), /maintenance (graduates' names linking to their clinical plan
// page), the maintenance plan page ("write the referral" for the
// administrator) and the program's "New patient" / "Record a measure" /
// "Record an observation" for the administrator, and a due check-in's
// "Record one taken by phone" on /maintenance for front desk.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { useCairn, REPO, run, STAFF } from '../lib/harness.mjs';

const srv = useCairn({ intakeSettings: { 'min-seconds': '1' } });
const SEED = path.join(REPO, 'scripts', 'seed-demo.mjs');
// Enough to reach every kind of page from home; the schedule's weeks and
// the patient list's pages repeat the same links.
const PAGES_MAX = 250;

const unesc = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const links = (html) => [...html.matchAll(/<a\b[^>]*href="([^"#]*)"/g)].map((m) => unesc(m[1]))
  .filter((h) => h.startsWith('/') && !h.startsWith('//') && !/\.(css|js|png|svg|ico|pdf)$/.test(h.split('?')[0]));
// One of each kind of link: numbers stand for any record.
const kind = (u) => u.replace(/\/week\/[0-9-]+/, '/week/W').replace(/[0-9]+/g, 'N');

before(async () => {
  await srv.ready;
  const web = await srv.as('clinician');
  const today = /today="([^"]*)"/.exec((await web.getXml('/')).body)[1];
  const r = run(process.execPath, [SEED, '--url', srv.base, '--user', STAFF.clinician.username,
    '--desk-user', STAFF['front-desk'].username, '--json', '--base', today], {
    env: { CAIRN_SEED_PASSWORD: STAFF.clinician.password, CAIRN_SEED_DESK_PASSWORD: STAFF['front-desk'].password },
    timeoutMs: 120000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  // One of the graduate's check-ins fell due yesterday and is unanswered:
  // /maintenance lists it with its phone form.
  const u = spawnSync('sqlite3', [srv.database, "UPDATE p_maintenance_checkin SET due = date('now', '-1 day')"
    + ' WHERE record = (SELECT min(record) FROM p_maintenance_checkin)'], { encoding: 'utf8' });
  assert.equal(u.status, 0, u.stderr);
  assert.match((await web.get('/maintenance')).body, /href="\/maintenance\/check-ins\/\d+"/);
}, { timeout: 180000 });

for (const role of ['front-desk', 'admin']) {
  test(`${role}: every link on every page reached from home opens (no 403 behind a visible link)`, { timeout: 300000 }, async () => {
    const c = await srv.as(role);
    const seen = new Set(); const kinds = new Set(); const refused = [];
    const q = [['/', '(start)']];
    while (q.length && seen.size < PAGES_MAX) {
      const [u, from] = q.shift();
      if (seen.has(u) || /sign-out/.test(u)) continue;
      seen.add(u);
      const r = await c.get(u);
      if (r.status === 403) { refused.push(`${u} (linked from ${from})`); continue; }
      assert.ok(r.status < 500, `${u}: ${r.status}`);
      if (r.status !== 200 || !/html/.test(r.headers['content-type'] ?? '')) continue;
      for (const l of links(r.body)) {
        if (seen.has(l) || kinds.has(kind(l))) continue;
        kinds.add(kind(l));
        q.push([l, u]);
      }
    }
    assert.deepEqual(refused, []);
    assert.ok(seen.size > 20, `walked ${seen.size} pages`);
  });
}
