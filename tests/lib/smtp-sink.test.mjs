// Self-test of tests/lib/smtp-sink.mjs: a sink that accepted anything, or
// garbled what it recorded, would make every mail test meaningless.  It is
// driven here by a raw SMTP client over a socket, so it is tested without
// Cairn.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSink, parseMessage, decodeQuotedPrintable, decodeHeader, readSinkDir } from './smtp-sink.mjs';

// Speak SMTP line by line: send each command once the previous reply
// (all its lines) arrived; resolve with every reply line.
function converse(port, commands, { waitMs = 2000 } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const replies = [];
    let buf = '';
    let i = 0;
    const timer = setTimeout(() => { s.destroy(); resolve({ replies, closed: false, timedOut: true }); }, waitMs);
    s.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        replies.push(line);
        if (line[3] === ' ' && i < commands.length) s.write(commands[i++]);
      }
    });
    s.on('close', () => { clearTimeout(timer); resolve({ replies, closed: true }); });
    s.on('error', () => {});
  });
}

const session = (body) => ['EHLO t\r\n', 'AUTH PLAIN AHVzZXIAcHc=\r\n', 'MAIL FROM:<a@b.org>\r\n',
  'RCPT TO:<c@d.org>\r\n', 'DATA\r\n', body, 'QUIT\r\n'];

test('smtp-sink: records a message with its envelope, AUTH user and dot-stuffing undone', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sink-'));
  const sink = await startSink({ dir });
  const body = 'Subject: hi\r\nMessage-ID: <x@y>\r\n\r\nline one\r\n..dot line\r\n.\r\n';
  const r = await converse(sink.port, session(body));
  assert.ok(r.replies.some((l) => l.startsWith('250 2.0.0 queued')), r.replies.join('|'));
  assert.equal(r.replies.at(-1), '221 2.0.0 bye');
  assert.equal(sink.messages.length, 1);
  const [m] = readSinkDir(dir);
  assert.equal(m.from, 'a@b.org');
  assert.deepEqual(m.to, ['c@d.org']);
  assert.equal(m.user, 'user');
  assert.equal(m.headers.subject, 'hi');
  assert.equal(m.text, 'line one\r\n.dot line\r\n');
  await sink.close();
  rmSync(dir, { recursive: true });
});

test('smtp-sink: failure modes refuse, defer, reject and hang as they say', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sink-'));
  const sink = await startSink({ dir });
  writeFileSync(path.join(dir, 'mode'), '4xx');
  let r = await converse(sink.port, session('x\r\n.\r\n'));
  assert.ok(r.replies.some((l) => l.startsWith('451')), r.replies.join('|'));
  writeFileSync(path.join(dir, 'mode'), '5xx');
  r = await converse(sink.port, session('x\r\n.\r\n'));
  assert.ok(r.replies.some((l) => l.startsWith('550')), r.replies.join('|'));
  assert.equal(sink.messages.length, 0);
  writeFileSync(path.join(dir, 'mode'), 'refuse');
  r = await converse(sink.port, ['EHLO t\r\n']);
  assert.deepEqual(r.replies, []);
  assert.equal(r.closed, true);
  writeFileSync(path.join(dir, 'mode'), 'hang');
  r = await converse(sink.port, session('Subject: h\r\n\r\nbody\r\n.\r\n'), { waitMs: 500 });
  assert.equal(r.timedOut, true);
  assert.equal(r.replies.at(-1), '354 end data with <CR><LF>.<CR><LF>');
  assert.equal(sink.messages.length, 1, 'a hung relay still has the message');
  await sink.close();
  rmSync(dir, { recursive: true });
});

test('smtp-sink: only loopback, and MAIL must come before RCPT', async () => {
  const sink = await startSink({});
  const r = await converse(sink.port, ['EHLO t\r\n', 'RCPT TO:<c@d.org>\r\n', 'QUIT\r\n']);
  assert.ok(r.replies.some((l) => l.startsWith('503')), r.replies.join('|'));
  await sink.close();
});

test('smtp-sink: the parser decodes quoted-printable, encoded words and multipart', () => {
  assert.equal(decodeQuotedPrintable('caf=C3=A9 =3D x=\r\ny'), 'café = xy');
  assert.equal(decodeHeader('=?UTF-8?B?Wm/DqyBTbWl0aA==?= <z@e.org>'), 'Zoë Smith <z@e.org>');
  assert.equal(decodeHeader('=?UTF-8?B?YWJj?=\r\n =?UTF-8?B?ZGVm?='), 'abcdef');
  const raw = 'Subject: s\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n' +
    '--b1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nt=C3=A9xt\r\n' +
    '--b1\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>h</p>\r\n--b1--\r\n';
  const m = parseMessage(raw);
  assert.equal(m.text, 'téxt\r\n');
  assert.equal(m.html, '<p>h</p>\r\n');
});
