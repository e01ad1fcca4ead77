// tests/lib/fcgi.mjs -- a raw FastCGI client for tests.
//
// Talks to cairnd's socket directly, without nginx in between, so a test
// can send what a web server never would: a CONTENT_LENGTH that disagrees
// with the body, oversized or duplicated parameters, a body split into odd
// chunks, a connection dropped half-way.  Written from the FastCGI 1.0
// specification (Open Market, 1996):
//
//   record    = header(8) content(contentLength) padding(paddingLength)
//   header    = version(1)=1 type(1) requestId(2, big-endian)
//               contentLength(2, big-endian) paddingLength(1) reserved(1)
//   BEGIN_REQUEST content = role(2) flags(1) reserved(5)
//   PARAMS    = name-value pairs, each length 1 byte when < 128, else
//               4 bytes with the top bit set; an empty PARAMS record ends
//               the stream; likewise an empty STDIN record ends the body
//   END_REQUEST content = appStatus(4) protocolStatus(1) reserved(3)
//
// Only node's standard library is used.

import net from 'node:net';

export const FCGI_VERSION_1 = 1;
export const FCGI = Object.freeze({
  BEGIN_REQUEST: 1,
  ABORT_REQUEST: 2,
  END_REQUEST: 3,
  PARAMS: 4,
  STDIN: 5,
  STDOUT: 6,
  STDERR: 7,
  DATA: 8,
  GET_VALUES: 9,
  GET_VALUES_RESULT: 10,
  UNKNOWN_TYPE: 11,
});
export const FCGI_RESPONDER = 1;
export const FCGI_KEEP_CONN = 1;
export const PROTOCOL_STATUS = Object.freeze({
  0: 'REQUEST_COMPLETE',
  1: 'CANT_MPX_CONN',
  2: 'OVERLOADED',
  3: 'UNKNOWN_ROLE',
});
// The content of one record is at most 65535 bytes (a 16-bit length).
export const FCGI_MAX_CONTENT = 65535;

// One record: header, content, and padding to a multiple of 8 bytes (the
// specification recommends 8-byte alignment; servers must accept any).
export function encodeRecord(type, requestId, content = Buffer.alloc(0),
                             { padTo8 = true, version = FCGI_VERSION_1 } = {}) {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
  if (body.length > FCGI_MAX_CONTENT) {
    throw new RangeError(`record content ${body.length} > ${FCGI_MAX_CONTENT}`);
  }
  const pad = padTo8 ? (8 - (body.length % 8)) % 8 : 0;
  const h = Buffer.alloc(8);
  h.writeUInt8(version, 0);
  h.writeUInt8(type, 1);
  h.writeUInt16BE(requestId, 2);
  h.writeUInt16BE(body.length, 4);
  h.writeUInt8(pad, 6);
  h.writeUInt8(0, 7);
  return Buffer.concat([h, body, Buffer.alloc(pad)]);
}

// A stream (PARAMS, STDIN, DATA): content split into records of at most
// `chunk` bytes, then the empty record that ends the stream (unless
// terminate is false).
export function encodeStream(type, requestId, content, { chunk = FCGI_MAX_CONTENT, terminate = true } = {}) {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content ?? '');
  const out = [];
  for (let off = 0; off < buf.length; off += chunk) {
    out.push(encodeRecord(type, requestId, buf.subarray(off, off + chunk)));
  }
  if (terminate) out.push(encodeRecord(type, requestId));
  return Buffer.concat(out);
}

function encodeLength(n) {
  if (n < 128) return Buffer.from([n]);
  if (n > 0x7fffffff) throw new RangeError(`name-value length ${n} too large`);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((n | 0x80000000) >>> 0, 0);
  return b;
}

// Name-value pairs.  `params` is an object or an array of [name, value]
// pairs (an array keeps order and allows duplicates).  Lengths use 1 byte
// below 128 and 4 bytes from 128 on; forceLong uses 4 bytes for all.
export function encodeParams(params, { forceLong = false } = {}) {
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  const out = [];
  for (const [name, value] of pairs) {
    const n = Buffer.isBuffer(name) ? name : Buffer.from(String(name));
    const v = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
    const len = (x) => (forceLong ? (() => { const b = Buffer.alloc(4); b.writeUInt32BE((x | 0x80000000) >>> 0); return b; })() : encodeLength(x));
    out.push(len(n.length), len(v.length), n, v);
  }
  return Buffer.concat(out);
}

// Inverse of encodeParams (for GET_VALUES_RESULT and for tests of this file).
export function decodeParams(buf) {
  const out = [];
  let i = 0;
  const readLen = () => {
    if (i >= buf.length) throw new Error('truncated name-value length');
    if (buf[i] < 128) return buf[i++];
    if (i + 4 > buf.length) throw new Error('truncated name-value length');
    const n = buf.readUInt32BE(i) & 0x7fffffff;
    i += 4;
    return n;
  };
  while (i < buf.length) {
    const nl = readLen();
    const vl = readLen();
    if (i + nl + vl > buf.length) throw new Error('truncated name-value pair');
    out.push([buf.subarray(i, i + nl).toString(), buf.subarray(i + nl, i + nl + vl).toString()]);
    i += nl + vl;
  }
  return out;
}

export function encodeBeginRequest(requestId, { role = FCGI_RESPONDER, keepConn = false } = {}) {
  const b = Buffer.alloc(8);
  b.writeUInt16BE(role, 0);
  b.writeUInt8(keepConn ? FCGI_KEEP_CONN : 0, 2);
  return encodeRecord(FCGI.BEGIN_REQUEST, requestId, b);
}

// Split a byte stream into records.  Returns { records, rest } where rest
// is an incomplete tail.
export function parseRecords(buf) {
  const records = [];
  let i = 0;
  while (buf.length - i >= 8) {
    const version = buf[i];
    const type = buf[i + 1];
    const requestId = buf.readUInt16BE(i + 2);
    const contentLength = buf.readUInt16BE(i + 4);
    const paddingLength = buf[i + 6];
    const total = 8 + contentLength + paddingLength;
    if (buf.length - i < total) break;
    records.push({ version, type, requestId,
                   content: buf.subarray(i + 8, i + 8 + contentLength) });
    i += total;
  }
  return { records, rest: buf.subarray(i) };
}

// Where to connect: "unix:/path", "/path", "host:port", or
// { path } / { host, port }.
export function parseAddress(address) {
  if (typeof address === 'object' && address) return address;
  const s = String(address);
  if (s.startsWith('unix:')) return { path: s.slice(5) };
  if (s.startsWith('/')) return { path: s };
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(s);
  if (!m) throw new Error(`cannot parse FastCGI address ${s}`);
  return { host: m[1], port: Number(m[2]) };
}

// Send `bytes` (a Buffer or an array of Buffers, written in order with an
// optional pause between them) and collect records until END_REQUEST for
// `requestId` (or the record `until` accepts), the peer closes, or the
// timeout.  Returns
// { records, ended, closed, timedOut, rest }.
export function exchange(address, bytes, { requestId = 1, timeoutMs = 10000, pauseMs = 0, endOnClose = true,
                                          until = (r) => r.type === FCGI.END_REQUEST && r.requestId === requestId } = {}) {
  const chunks = Array.isArray(bytes) ? bytes : [bytes];
  return new Promise((resolve, reject) => {
    const sock = net.connect(parseAddress(address));
    let buf = Buffer.alloc(0);
    const records = [];
    let done = false;
    const finish = (extra) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ records, rest: buf, ended: false, closed: false, timedOut: false, ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
    sock.on('error', (e) => {
      if (done) return;
      // A reset after the server has answered is the server closing early;
      // a refusal before anything came back is a real error.
      if (records.length > 0 && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
        finish({ closed: true, error: e });
      } else {
        done = true;
        clearTimeout(timer);
        sock.destroy();
        reject(e);
      }
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const p = parseRecords(buf);
      buf = Buffer.from(p.rest);
      for (const r of p.records) {
        records.push(r);
        if (until(r)) {
          finish({ ended: true });
          return;
        }
      }
    });
    sock.on('end', () => { if (endOnClose) finish({ closed: true }); });
    sock.on('close', () => finish({ closed: true }));
    sock.on('connect', async () => {
      for (let k = 0; k < chunks.length; k++) {
        if (done) return;
        if (k > 0 && pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
        if (done) return;
        sock.write(chunks[k]);
      }
    });
  });
}

// Split a CGI response ("Status: 303 See Other\r\nLocation: /x\r\n\r\nbody")
// into status, headers (lower-case names, arrays kept for repeats as
// rawHeaders) and body.  The status defaults to 200 as in CGI.
export function parseCgiResponse(stdout) {
  let sep = stdout.indexOf('\r\n\r\n');
  let sepLen = 4;
  const lf = stdout.indexOf('\n\n');
  if (sep < 0 || (lf >= 0 && lf < sep)) { sep = lf; sepLen = 2; }
  if (sep < 0) return { status: null, headers: {}, rawHeaders: [], body: stdout, malformed: true };
  const head = stdout.subarray(0, sep).toString('latin1');
  const body = stdout.subarray(sep + sepLen);
  const headers = {};
  const rawHeaders = [];
  for (const line of head.split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const name = line.slice(0, c).trim().toLowerCase();
    const value = line.slice(c + 1).trim();
    rawHeaders.push([name, value]);
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  let status = 200;
  if (headers.status) status = Number(/^(\d{3})/.exec(headers.status)?.[1] ?? NaN);
  else if (headers.location && /^[a-z]+:/i.test(headers.location)) status = 302;
  return { status, headers, rawHeaders, body };
}

// The CGI/1.1 variables nginx's fastcgi_params would send for a request.
// Override or add any with `extra` (object or array of pairs; an array is
// appended as is, so it can carry duplicates).  CONTENT_LENGTH defaults to
// the body's byte length; pass contentLength to lie about it, or null to
// leave it out.
export function cgiParams({ method = 'GET', path = '/', query = '', body = '',
                            contentType, contentLength, accept,
                            headers = {}, extra = [] } = {}) {
  const bodyLen = Buffer.byteLength(body ?? '');
  const p = [
    ['GATEWAY_INTERFACE', 'CGI/1.1'],
    ['SERVER_SOFTWARE', 'cairn-tests'],
    ['SERVER_PROTOCOL', 'HTTP/1.1'],
    ['SERVER_NAME', '127.0.0.1'],
    ['SERVER_ADDR', '127.0.0.1'],
    ['SERVER_PORT', '80'],
    ['REMOTE_ADDR', '127.0.0.1'],
    ['REMOTE_PORT', '40000'],
    ['REQUEST_METHOD', method],
    ['REQUEST_URI', query ? `${path}?${query}` : path],
    ['DOCUMENT_URI', path],
    ['SCRIPT_NAME', path],
    ['QUERY_STRING', query],
  ];
  if (contentType !== undefined) p.push(['CONTENT_TYPE', contentType]);
  const cl = contentLength === undefined ? (method === 'GET' && bodyLen === 0 ? undefined : bodyLen) : contentLength;
  if (cl !== undefined && cl !== null) p.push(['CONTENT_LENGTH', String(cl)]);
  if (accept !== undefined) p.push(['HTTP_ACCEPT', accept]);
  for (const [k, v] of Object.entries(headers)) {
    p.push([`HTTP_${k.toUpperCase().replace(/-/g, '_')}`, v]);
  }
  const ex = Array.isArray(extra) ? extra : Object.entries(extra);
  for (const [k, v] of ex) {
    const i = p.findIndex(([n]) => n === k);
    if (i >= 0 && !Array.isArray(extra)) p[i] = [k, v];
    else p.push([k, v]);
  }
  return p;
}

// One complete request to a FastCGI responder.
//   address : where cairnd listens ("unix:/path" or "127.0.0.1:9000")
//   params  : object or array of pairs (see cgiParams to build them)
//   stdin   : the body (string or Buffer)
//   stdinChunk : split the body into records of this many bytes
//   requestId, keepConn, timeoutMs, pauseMs (between BEGIN, PARAMS, STDIN)
//   endStdin : false leaves the body stream unterminated
// Returns { status, headers, rawHeaders, body (Buffer), text, stdout,
//           stderr, appStatus, protocolStatus, ended, closed, timedOut }.
export async function request(address, { params = {}, stdin = '', stdinChunk = FCGI_MAX_CONTENT,
                                         requestId = 1, keepConn = false, timeoutMs = 10000,
                                         pauseMs = 0, endStdin = true, forceLongLengths = false } = {}) {
  const paramBytes = encodeParams(params, { forceLong: forceLongLengths });
  const parts = [
    encodeBeginRequest(requestId, { keepConn }),
    encodeStream(FCGI.PARAMS, requestId, paramBytes),
    encodeStream(FCGI.STDIN, requestId, stdin, { chunk: stdinChunk, terminate: endStdin }),
  ];
  const r = await exchange(address, pauseMs > 0 ? parts : Buffer.concat(parts),
                           { requestId, timeoutMs, pauseMs });
  const out = [];
  const err = [];
  let appStatus = null;
  let protocolStatus = null;
  for (const rec of r.records) {
    if (rec.requestId !== requestId) continue;
    if (rec.type === FCGI.STDOUT) out.push(rec.content);
    else if (rec.type === FCGI.STDERR) err.push(rec.content);
    else if (rec.type === FCGI.END_REQUEST && rec.content.length >= 5) {
      appStatus = rec.content.readUInt32BE(0);
      protocolStatus = rec.content[4];
    }
  }
  const stdout = Buffer.concat(out);
  const parsed = stdout.length ? parseCgiResponse(stdout) : { status: null, headers: {}, rawHeaders: [], body: Buffer.alloc(0) };
  return {
    ...parsed,
    text: parsed.body.toString('utf8'),
    stdout,
    stderr: Buffer.concat(err).toString('utf8'),
    appStatus,
    protocolStatus,
    protocolStatusName: protocolStatus === null ? null : PROTOCOL_STATUS[protocolStatus] ?? String(protocolStatus),
    ended: r.ended,
    closed: r.closed,
    timedOut: r.timedOut,
  };
}

// FCGI_GET_VALUES (management record, request id 0): ask for
// FCGI_MAX_CONNS, FCGI_MAX_REQS, FCGI_MPXS_CONNS.  Returns an object, or
// null when the server does not answer (libfcgi answers management records
// only while it reads a request, so a bare GET_VALUES times out there).
export async function getValues(address, names = ['FCGI_MAX_CONNS', 'FCGI_MAX_REQS', 'FCGI_MPXS_CONNS'], { timeoutMs = 3000 } = {}) {
  const q = encodeParams(names.map((n) => [n, '']));
  const r = await exchange(address, encodeRecord(FCGI.GET_VALUES, 0, q), { requestId: 0, timeoutMs, until: (x) => x.type === FCGI.GET_VALUES_RESULT });
  const res = r.records.find((x) => x.type === FCGI.GET_VALUES_RESULT);
  return res ? Object.fromEntries(decodeParams(res.content)) : null;
}
