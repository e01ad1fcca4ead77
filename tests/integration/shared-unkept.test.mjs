// A public page whose own text holds what looks like a placeholder (here
// the clinic's name, shown in every page's frame) cannot be kept with its
// visitors' values spliced in: each visitor gets a page of their own,
// never an error and never another visitor's token (core/server/shared.c).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn } from '../lib/harness.mjs';

const srv = useCairn({ clinicName: 'The cairnmark Clinic' });
before(async () => { await srv.ready; });

const hidden = (body, name) => (body.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];

test('a page that cannot be kept is rendered for each visitor', async () => {
  const a = srv.client(), b = srv.client();
  const seen = [];
  for (const v of [a, b, a, b]) {
    const r = await v.get('/request-a-call');
    assert.equal(r.status, 200);
    assert.match(r.body, /The cairnmark Clinic/);
    const tok = hidden(r.body, 'csrf');
    assert.match(tok, /^[A-Za-z0-9_-]{43}$/);
    assert.ok([...v.jar.values()].includes(tok), 'the token is the visitor cookie');
    assert.match(hidden(r.body, 'stamp'), /^\d+\.[0-9a-f]{16}\.[0-9a-f]{32}$/);
    seen.push(tok);
  }
  assert.equal(seen[0], seen[2]);
  assert.notEqual(seen[0], seen[1]);
  const p = await a.get('/pricing');
  assert.equal(p.status, 200);
  assert.match(p.body, /The cairnmark Clinic/);
});
