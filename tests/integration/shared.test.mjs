// Pages the same for every visitor without a staff session (/pricing),
// rendered once per worker and data version (core/server/shared.c):
// served again byte for byte to visitors, with no visitor's form token in
// them; a signed-in visitor and an XML client still get their own page.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, STAFF } from '../lib/harness.mjs';

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
