// Self-tests of the test libraries (no server needed): the FastCGI
// encoder, the XML parser and HTML checker, the CSV parser and the
// arithmetic of the independent outcomes computation.  A harness that
// silently accepts anything would make every other test meaningless.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fcgi from './fcgi.mjs';
import { parseXml, checkHtml, XmlError } from './xml.mjs';
import { parseCsv, mean, sampleSd, improvement, trialOutcomes, cell } from './outcomes-from-csv.mjs';
import { formEncode, nginxConf, configXml, parseSetCookie, csrfFromHtml } from './harness.mjs';
import { parseRoutes, samplePath, assertInert, assertDenied, assertSecurityHeaders, auditEntryHash } from './access.mjs';

test('fcgi: name-value lengths use 1 byte below 128 and 4 bytes with the top bit from 128', () => {
  const b = fcgi.encodeParams([['A', 'x'.repeat(127)], ['B'.repeat(128), 'y']]);
  assert.equal(b[0], 1);
  assert.equal(b[1], 127);
  const off = 2 + 1 + 127;
  assert.equal(b.readUInt32BE(off), (0x80000000 | 128) >>> 0);
  assert.equal(b[off + 4], 1);
  assert.deepEqual(fcgi.decodeParams(b).map(([n, v]) => [n.length, v.length]), [[1, 127], [128, 1]]);
});

test('fcgi: records carry version, type, id, length and 8-byte padding; streams end with an empty record', () => {
  const r = fcgi.encodeRecord(fcgi.FCGI.STDIN, 7, Buffer.from('hello'));
  assert.deepEqual([...r.subarray(0, 8)], [1, 5, 0, 7, 0, 5, 3, 0]);
  assert.equal(r.length, 16);
  const s = fcgi.encodeStream(fcgi.FCGI.STDIN, 1, Buffer.alloc(70000));
  const { records, rest } = fcgi.parseRecords(s);
  assert.equal(rest.length, 0);
  assert.deepEqual(records.map((x) => x.content.length), [65535, 4465, 0]);
  const begin = fcgi.encodeBeginRequest(3, { keepConn: true });
  assert.deepEqual([...begin], [1, 1, 0, 3, 0, 8, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  assert.throws(() => fcgi.encodeRecord(5, 1, Buffer.alloc(65536)), RangeError);
});

test('fcgi: a CGI response is split into status, headers and body', () => {
  const r = fcgi.parseCgiResponse(Buffer.from('Status: 303 See Other\r\nLocation: /p/1\r\nX: a\r\nX: b\r\n\r\nbody'));
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/p/1');
  assert.equal(r.headers.x, 'a, b');
  assert.equal(r.body.toString(), 'body');
  assert.equal(fcgi.parseCgiResponse(Buffer.from('Content-Type: text/plain\n\nx')).status, 200);
  const p = fcgi.cgiParams({ method: 'POST', path: '/a', query: 'q=1', body: 'abc', contentType: 'application/xml', contentLength: 99 });
  assert.deepEqual(p.find(([n]) => n === 'CONTENT_LENGTH'), ['CONTENT_LENGTH', '99']);
  assert.deepEqual(p.find(([n]) => n === 'REQUEST_URI'), ['REQUEST_URI', '/a?q=1']);
});

test('xml: parses namespaces, entities and CDATA; refuses DOCTYPE and anything not well-formed', () => {
  const d = parseXml('<?xml version="1.0"?><a xmlns="urn:x" xmlns:p="urn:p" k="1 &amp; 2"><p:b>t&lt;&#65;<![CDATA[<z>]]></p:b></a>');
  assert.equal(d.ns, 'urn:x');
  assert.equal(d.attr('k'), '1 & 2');
  assert.equal(d.child('b').ns, 'urn:p');
  assert.equal(d.child('b').text, 't<A<z>');
  for (const bad of ['<a><b></a>', '<!DOCTYPE a><a/>', '<a>&x;</a>', '<a/><b/>', '<a b="1" b="2"/>',
    '<p:a/>', 'x<a/>', '<a>', '<a>&</a>', '<a b=1/>', '']) {
    assert.throws(() => parseXml(bad), XmlError, bad);
  }
});

test('html: balanced pages pass; unclosed, misnested, stray < and missing doctype fail', () => {
  const ok = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>A &amp; B</title></head><body><p>x<br>y</p><svg><path d="M0 0"/></svg></body></html>';
  const h = checkHtml(ok);
  assert.deepEqual(h.errors, []);
  assert.equal(h.title, 'A & B');
  for (const bad of [
    ok.replace('<!DOCTYPE html>', ''),
    ok.replace('</p>', ''),
    ok.replace('<p>x', '<p><b>x').replace('</p>', '</p></b>'),
    ok.replace('y</p>', 'a < b</p>'),
    ok.replace('<head>', '').replace('</head>', ''),
    ok.replace('y</p>', 'R&D</p>'),
  ]) assert.equal(checkHtml(bad).ok, false, bad);
});

test('csv: quotes, doubled quotes, CRLF, a last line without newline, line numbers', () => {
  const { header, rows, lines } = parseCsv('a,b\r\n1,"x,""y"""\r\n2,"multi\nline"\n3,');
  assert.deepEqual(header, ['a', 'b']);
  assert.deepEqual(rows.map((r) => r.b), ['x,"y"', 'multi\nline', '']);
  assert.deepEqual(lines, [2, 3, 5]);
  assert.throws(() => parseCsv('a,b\n1\n'), /line 2/);
  assert.equal(cell(''), null);
  assert.equal(cell(' 15.33333 '), 15.33333);
  assert.throws(() => cell('abc'));
});

test('statistics: mean, sample SD (n - 1), improvement toward best, undefined at best', () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.ok(Math.abs(sampleSd([2, 4, 4, 4, 5, 5, 7, 9]) - 2.138089935299395) < 1e-12);
  assert.equal(sampleSd([5]), null);
  assert.equal(improvement(10, 5), 0.5);
  assert.equal(improvement(6, 6), 0);
  assert.equal(improvement(0, 3), null, 'undefined when baseline is the best score');
  assert.equal(improvement(4, 7, 10), 0.5, 'higher is better: share of the possible gain');
});

test('trialOutcomes: hand-checked on a five-patient table', () => {
  const rows = [
    { group: '1', pk1: '10', pk2: '4', pk5: '' },    // improvement 0.6
    { group: '1', pk1: '20', pk2: '15', pk5: '5' },  // 0.25; 0.75
    { group: '1', pk1: '8', pk2: '', pk5: '4' },     //       0.5 (counts)
    { group: '0', pk1: '0', pk2: '2', pk5: '' },     // undefined
    { group: '0', pk1: '12', pk2: '12', pk5: '' },   // 0
  ];
  const o = trialOutcomes(rows);
  const a = o.cohorts.acupuncture.timepoints;
  assert.equal(a.baseline.n, 3);
  assert.ok(Math.abs(a.baseline.mean - 38 / 3) < 1e-12);
  assert.equal(a['3 months'].n, 2);
  assert.equal(a['3 months'].improvement.n, 2);
  assert.ok(Math.abs(a['3 months'].improvement.mean - 0.425) < 1e-12);
  assert.equal(a['3 months'].responders, 1);
  assert.equal(a['12 months'].responders, 2, '0.5 exactly reaches the benchmark');
  const u = o.cohorts['usual care'].timepoints;
  assert.equal(u['3 months'].n, 2);
  assert.equal(u['3 months'].improvement.n, 1);
  assert.equal(u['3 months'].improvement.undefined, 1);
  assert.equal(u['3 months'].responders, 0);
  assert.equal(u['12 months'].n, 0);
  assert.equal(u['12 months'].mean, null);
});

test('harness helpers: form encoding, config XML escaping, nginx placeholders', () => {
  assert.equal(formEncode([['a b', 'x&y'], ['c', 'é']]), 'a+b=x%26y&c=%C3%A9');
  const c = configXml({ listen: 'unix:/t/s', workers: 2, database: '/t/<db>', schemas: '/s', views: '/v',
    clinicName: 'A & B', timezone: 'UTC', plugin: '/p.so', instruments: '/i.xml' });
  const d = parseXml(c);
  assert.equal(d.ns, 'urn:cairn:config');
  assert.equal(d.child('security'), undefined, 'no <security> unless asked');
  const demo = parseXml(configXml({ listen: 'unix:/t/s', workers: 1, database: '/d', schemas: '/s', views: '/v',
    clinicName: 'A', timezone: 'UTC', plugin: '/p.so', instruments: '/i.xml', plainHttpDemo: true }));
  assert.ok(demo.child('security').child('plain-http-demo'), '<security><plain-http-demo/>');
  assert.equal(d.childText('database'), '/t/<db>');
  assert.equal(d.child('clinic').childText('name'), 'A & B');
  assert.equal(nginxConf('listen @LISTEN@;', { LISTEN: '127.0.0.1:1' }), 'listen 127.0.0.1:1;');
  assert.throws(() => nginxConf('x @NOPE@', {}), /NOPE/);
});

test('access helpers: cookies, form tokens, the route table, sample paths', () => {
  const c = parseSetCookie('cairn_sid=abc; Path=/; HttpOnly; Secure; SameSite=Strict');
  assert.deepEqual(c, { name: 'cairn_sid', value: 'abc', attrs: { path: '/', httponly: true, secure: true, samesite: 'Strict' } });
  assert.equal(csrfFromHtml('<form><input type="hidden" name="csrf" value="T0k"></form>'), 'T0k');
  assert.equal(csrfFromHtml('<form></form>'), null);
  const routes = parseRoutes('METHOD PATTERN AUDIENCE PLUGIN\nGET    /a/(?<patient>[0-9]{1,18}) admin,clinician program\nPOST /b public core\n');
  assert.deepEqual(routes.map((r) => [r.method, r.audience]), [['GET', ['admin', 'clinician']], ['POST', ['public']]]);
  assert.throws(() => parseRoutes('METHOD PATTERN AUDIENCE PLUGIN\nGET /a\n'), /cannot read/);
  assert.throws(() => parseRoutes('something else\n'));
  assert.equal(samplePath('/a/(?<patient>[0-9]{1,18})/x', { patient: 12 }), '/a/12/x');
  assert.equal(samplePath('/u/(?<user>[a-z0-9._-]{2,32})/d', {}), '/u/aa/d');
  assert.throws(() => samplePath('/a/(?<patient>[0-9]{1,18})', { patient: 'x' }), /does not match/);
  assert.throws(() => samplePath('/a/(?<w>(x|y))', {}), /no sample|regex/);
});

test('access helpers fail on what they must catch: live markup, a served page, missing headers, a changed audit field', () => {
  const page = (b) => `<!DOCTYPE html><html><head><title>t</title></head><body>${b}</body></html>`;
  assertInert(page('&lt;script&gt;alert(1)&lt;/script&gt;'), 'escaped');
  assert.throws(() => assertInert(page('<script>alert(1)</script>'), 'live'));
  assert.throws(() => assertInert(page('<p><img src="x" onerror="alert(1)"></p>'), 'live img'));
  assert.throws(() => assertInert(page('<p x=""><img src=x onerror=alert(1)></p>'), 'raw'));
  const headers = { 'content-security-policy': "default-src 'self'; frame-ancestors 'none'", 'x-content-type-options': 'nosniff' };
  assertSecurityHeaders({ headers }, 'ok');
  assert.throws(() => assertSecurityHeaders({ headers: { ...headers, 'content-security-policy': "default-src *; frame-ancestors 'none'" } }, 'csp'));
  assert.throws(() => assertSecurityHeaders({ headers: { ...headers, 'x-content-type-options': undefined } }, 'nosniff'));
  const denied = { status: 303, headers: { ...headers, location: '/sign-in?next=%2Fpatients%2F1' }, body: '' };
  assertDenied(denied, { method: 'GET', path: '/patients/1', signedIn: false }, 'denied');
  assert.throws(() => assertDenied({ ...denied, status: 200 }, { method: 'GET', path: '/patients/1', signedIn: false }, 'served'));
  assert.throws(() => assertDenied({ ...denied, location: undefined, headers: { ...headers, location: '//evil.example/sign-in' } },
    { method: 'GET', path: '/patients/1', signedIn: false }, 'off-site'));
  assert.throws(() => assertDenied({ status: 403, headers, body: '<p>Trial patient 100</p>' }, { method: 'GET', signedIn: true }, 'data'));
  const e = { time: 't', actor: 'a', role: 'r', method: 'GET', route: '/', path: '/', patient: null, record: null, outcome: '200', remote: '1' };
  assert.match(auditEntryHash('0'.repeat(64), e), /^[0-9a-f]{64}$/);
  assert.notEqual(auditEntryHash('0'.repeat(64), e), auditEntryHash('0'.repeat(64), { ...e, actor: 'b' }));
});
