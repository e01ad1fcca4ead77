// Pages the same for every visitor without a staff session (/pricing,
// /request-a-call), rendered once per worker and data version
// (core/server/shared.c): served again to visitors with each visitor's own
// form token and stamp put in; a signed-in visitor and an XML client still
// get their own page.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, STAFF, COOKIE_PRE } from '../lib/harness.mjs';
import { dbValue } from '../lib/intake.mjs';

const srv = useCairn();
let web;
before(async () => { await srv.ready; web = await srv.as('clinician'); });

test('/pricing is the same page for every visitor, and holds no form token', async () => {
  const a = srv.client(), b = srv.client();
  const bodies = [];
  for (let i = 0; i < 6; i++) {
    const r = await (i % 2 ? a : b).get('/pricing');
    assert.equal(r.status, 200);
    bodies.push(r.body);
  }
  for (const x of bodies) assert.equal(x, bodies[0]);
  assert.match(bodies[0], /<html/i);
  assert.doesNotMatch(bodies[0], /name="csrf"/);
  const h = await a.request('HEAD', '/pricing');
  assert.equal(h.status, 200);
  assert.equal(h.body, '');
});

test('a signed-in visitor gets a page of their own, an XML client the XML', async () => {
  const anon = (await srv.client().get('/pricing')).body;
  const mine = await web.get('/pricing');
  assert.equal(mine.status, 200);
  assert.notEqual(mine.body, anon);
  assert.ok(mine.body.includes(STAFF.clinician.name ?? STAFF.clinician.username) ||
            /sign-out|Sign out/i.test(mine.body), 'the staff frame');
  const x = await srv.client().getXml('/pricing');
  assert.equal(x.status, 200);
  assert.match(x.headers['content-type'], /application\/xml/);
  assert.match(x.body, /<pricing/);
});

// The public request form is kept the same way, with each visitor's own
// form token and single-use stamp put in where the kept page has marks.
const hidden = (body, name) => (body.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];
const blank = (body) => body.replace(/(name="(?:csrf|stamp)" value=")[^"]*"/g, '$1"');

test('/request-a-call is kept, with each visitor\'s own form token and stamp', async () => {
  const a = srv.client(), b = srv.client();
  const ra1 = await a.get('/request-a-call');
  const rb = await b.get('/request-a-call');
  const ra2 = await a.get('/request-a-call');
  for (const r of [ra1, rb, ra2]) {
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.body, /cairnmark/, 'no placeholder reaches a visitor');
  }
  // the page is one page: only the two values differ
  assert.equal(blank(ra1.body), blank(rb.body));
  assert.equal(blank(ra2.body), blank(rb.body));
  // each visitor's token is the one in their own cookie
  const tokA = hidden(ra1.body, 'csrf'), tokB = hidden(rb.body, 'csrf');
  assert.match(tokA, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(tokA, tokB);
  assert.equal(hidden(ra2.body, 'csrf'), tokA, 'a returning visitor keeps their token');
  assert.ok([...a.jar.values()].includes(tokA), 'the token is the visitor cookie');
  // every page a new stamp, valid in form
  const stamps = [ra1, rb, ra2].map((r) => hidden(r.body, 'stamp'));
  for (const s of stamps) assert.match(s, /^\d+\.[0-9a-f]{16}\.[0-9a-f]{32}$/);
  assert.equal(new Set(stamps).size, 3);
});

test('two visitors of the kept form can each send their request', async () => {
  const count = () => Number(dbValue(srv, 'SELECT count(*) FROM p_intake_request'));
  const before = count();
  for (const [name, v] of [['Ada Kept', srv.client()], ['Bo Kept', srv.client()]]) {
    const f = await v.get('/request-a-call');
    await new Promise((r) => setTimeout(r, 3100)); // the form's minimum time (3 s)
    const r = await v.postForm('/request-a-call', {
      csrf: hidden(f.body, 'csrf'), stamp: hidden(f.body, 'stamp'), website: '',
      name, contact: `${name.split(' ')[0].toLowerCase()}@example.org`,
      times: '', problem: 'Low back pain for a year.', consent: 'yes',
    });
    assert.equal(r.status, 303, r.body.slice(0, 300));
    assert.equal(r.headers.location, '/request-a-call/thanks');
  }
  assert.equal(count(), before + 2);
});

test('a visitor token that is not plain gets a page of its own, escaped, and reaches nobody else', async () => {
  const odd = '<>&\'()*+/:=?@[]^`{|}!#$%<>&\'()*+/:=?@[]^`{|';
  assert.equal(odd.length, 43);
  const v = srv.client();
  v.setCookie(COOKIE_PRE, odd);
  const r = await v.get('/request-a-call');
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.body, /cairnmark/);
  assert.ok(!r.body.includes(odd), 'never written unescaped');
  assert.ok(r.body.includes('&lt;&gt;&amp;'), 'the visitor\'s own value, escaped');
  const other = await srv.client().get('/request-a-call');
  assert.equal(other.status, 200);
  assert.ok(!other.body.includes('&lt;&gt;&amp;'));
  assert.match(hidden(other.body, 'csrf'), /^[A-Za-z0-9_-]{43}$/);
});
