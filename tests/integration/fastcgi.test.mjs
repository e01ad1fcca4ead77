// Straight to cairnd's FastCGI socket, without nginx (tests/lib/fcgi.mjs):
// what a web server would never send must still get a clear 4xx, store
// nothing, and leave the worker serving.  Request decoding limits are
// core/lib/cairn_int.h's CAIRN_BODY_MAX and the path checks of request.c.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, patientId } from '../lib/harness.mjs';
import * as fcgi from '../lib/fcgi.mjs';
import { parseXml } from '../lib/xml.mjs';

const srv = useCairn({ importTrial: true });
const BODY_MAX = 1024 * 1024;   // CAIRN_BODY_MAX

// The requests come from a signed-in clinician: its session cookie and
// form token ride along as HTTP_COOKIE and HTTP_X_CSRF_TOKEN, as nginx
// would pass them, so each bad input reaches the stage it is aimed at.
let web;
before(async () => { await srv.ready; web = await srv.as('clinician'); });

function send(opts, more = {}) {
  const headers = { Cookie: web.cookieHeader(), 'X-CSRF-Token': web.csrf, ...(opts.headers ?? {}) };
  return fcgi.request(srv.fcgiAddress, { params: fcgi.cgiParams({ ...opts, headers }), stdin: opts.body ?? '', ...more });
}

// The response must be a clean 4xx and nothing may be stored or crash.
async function refused(opts, status, more) {
  const before = srv.stats();
  const workers = srv.workerPids();
  const r = await send(opts, more);
  assert.equal(r.ended, true, 'the request ended with END_REQUEST');
  assert.equal(r.protocolStatusName, 'REQUEST_COMPLETE');
  assert.equal(r.status, status, `status ${r.status}: ${r.text.slice(0, 300)}`);
  assert.deepEqual(srv.stats(), before, 'nothing stored');
  const ok = await send({ path: '/', accept: 'application/xml' });
  assert.equal(ok.status, 200, 'the next request is served');
  assert.deepEqual(srv.workerPids(), workers, 'no worker died');
  return r;
}

test('a plain GET over FastCGI gets the home view', async () => {
  const r = await send({ path: '/', accept: 'application/xml' });
  assert.equal(r.ended, true);
  assert.equal(r.appStatus, 0);
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^application\/xml/);
  assert.equal(parseXml(r.text).local, 'home');
  assert.equal(r.headers['x-frame-options'], 'DENY');
});

test('params longer than 127 bytes (4-byte lengths) are read correctly', async () => {
  const q = `q=${'9'.repeat(150)}`;
  const r = await send({ path: '/patients', query: q, accept: 'application/xml', headers: { 'X-Padding': 'p'.repeat(5000) } });
  assert.equal(r.status, 200);
  assert.equal(parseXml(r.text).attr('q'), '9'.repeat(150), 'the long query value arrived whole');
  const all4 = await fcgi.request(srv.fcgiAddress, {
    params: fcgi.cgiParams({ path: '/', accept: 'application/xml', headers: { Cookie: web.cookieHeader() } }), forceLongLengths: true });
  assert.equal(all4.status, 200, 'every length in 4-byte form is accepted too');
});

test('a body shorter than its CONTENT_LENGTH is 400', async () => {
  const pid = await patientId(web, '104');
  const body = 'instrument=nrs&effective=2024-01-01&answer.pain=3';
  const r = await refused({ method: 'POST', path: `/patients/${pid}/observations`, body,
    contentType: 'application/x-www-form-urlencoded', contentLength: body.length + 10, accept: 'application/xml' }, 400);
  assert.match(r.text, /Content-Length/i);
});

test('a CONTENT_LENGTH that is not a number is 400', async () => {
  for (const cl of ['abc', '-1', '1e3', ' 5', '99999999999999999999']) {
    await refused({ method: 'POST', path: '/patients/1/observations', body: 'x=1',
      contentType: 'application/x-www-form-urlencoded', contentLength: cl, accept: 'application/xml' }, 400);
  }
});

test('a body over 1 MiB is 413 before it is read', async () => {
  const r = await refused({ method: 'POST', path: '/patients/1/observations', body: '',
    contentType: 'application/xml', contentLength: BODY_MAX + 1, accept: 'application/xml' }, 413);
  assert.match(r.text, /larger|bytes/i);
});

test('a body of exactly 1 MiB is read (and then refused as a bad record, not as too large)', async () => {
  const pid = await patientId(web, '104');
  const body = `<Observation xmlns="urn:cairn:program"><!--${'x'.repeat(BODY_MAX - 80)}--></Observation>`.padEnd(BODY_MAX, ' ');
  assert.equal(Buffer.byteLength(body), BODY_MAX);
  const r = await refused({ method: 'POST', path: `/patients/${pid}/observations`, body,
    contentType: 'application/xml', accept: 'application/xml' }, 400, { stdinChunk: 8000 });
  assert.doesNotMatch(r.text, /larger than/);
});

test('paths with a NUL, bad UTF-8, dot segments or doubled slashes are 400 or 404, never served', async () => {
  for (const p of ['/patients%00', '/patients/%C0%AF', '/patients/../outcomes', '/patients/./1', '//patients', '/%ff']) {
    const r = await send({ path: p, accept: 'application/xml' });
    assert.ok([400, 404].includes(r.status), `${p}: ${r.status}`);
    assert.equal(r.ended, true);
  }
  assert.equal((await send({ path: '/', accept: 'application/xml' })).status, 200);
});

test('a form body with a NUL byte is 400 and stores nothing', async () => {
  const pid = await patientId(web, '104');
  await refused({ method: 'POST', path: `/patients/${pid}/observations`,
    body: 'instrument=nrs&effective=2024-01-01&answer.pain=3%00', contentType: 'application/x-www-form-urlencoded',
    accept: 'application/xml' }, 400);
});

test('a connection dropped in the middle of a body leaves the worker serving', async () => {
  const workers = srv.workerPids();
  const parts = [
    fcgi.encodeBeginRequest(1),
    fcgi.encodeStream(fcgi.FCGI.PARAMS, 1, fcgi.encodeParams(fcgi.cgiParams({ method: 'POST', path: '/patients/1/observations',
      contentType: 'application/xml', contentLength: 5000 }))),
    fcgi.encodeRecord(fcgi.FCGI.STDIN, 1, Buffer.from('<Observation')),
  ];
  await fcgi.exchange(srv.fcgiAddress, Buffer.concat(parts), { timeoutMs: 300 });
  for (let i = 0; i < 3; i++) assert.equal((await send({ path: '/', accept: 'application/xml' })).status, 200);
  assert.deepEqual(srv.workerPids(), workers, 'no worker died');
});
