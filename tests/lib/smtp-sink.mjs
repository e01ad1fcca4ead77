// tests/lib/smtp-sink.mjs -- a small SMTP server for tests and the demo:
// loopback only, it speaks enough ESMTP for libcurl (EHLO/HELO, AUTH
// PLAIN and LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every
// message it accepts in memory and, with a directory, writes each to
// DIR/NNNN.eml (the raw message as received, dot-stuffing undone) with
// DIR/NNNN.json beside it (envelope, the AUTH user, the time).
//
//   node tests/lib/smtp-sink.mjs --dir DIR [--port N] [--mode MODE]
//     prints "smtp-sink listening on 127.0.0.1:PORT" and runs until
//     SIGTERM.  --port 0 (the default) picks a free port.
//
// Failure modes, for tests of the sender (--mode, or DIR/mode holding the
// word, read at each new connection so a test can switch it live):
//   ok       accept everything (the default)
//   refuse   close each connection at once, before the greeting
//   4xx      answer RCPT with 451 (try again later)
//   5xx      answer RCPT with 550 (no such mailbox)
//   hang     take the whole message, then never answer the end of DATA
//            (the message is still recorded: the relay "has" it)
//
// In a test:  import { startSink, parseMessage } from '../lib/smtp-sink.mjs';
//   const sink = await startSink({ dir });   // sink.port, sink.messages
//   ...; await sink.close();

import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A message larger than this is refused (552): the outbox sends a few KiB.
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const MODES = ['ok', 'refuse', '4xx', '5xx', 'hang'];

function currentMode(opts) {
  if (opts.dir) {
    const f = path.join(opts.dir, 'mode');
    if (existsSync(f)) {
      const m = readFileSync(f, 'utf8').trim();
      if (MODES.includes(m)) return m;
    }
  }
  return opts.mode ?? 'ok';
}

// Start the sink.  Resolves to { port, messages, close(), setMode(m) }.
export function startSink(opts = {}) {
  const messages = [];
  const sockets = new Set();
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  let seq = opts.dir ? readdirSync(opts.dir).filter((f) => f.endsWith('.eml')).length : 0;

  const record = (m) => {
    messages.push(m);
    if (opts.dir) {
      seq += 1;
      const base = path.join(opts.dir, String(seq).padStart(4, '0'));
      writeFileSync(`${base}.eml`, m.data);
      writeFileSync(`${base}.json`, JSON.stringify({ from: m.from, to: m.to, user: m.user, time: m.time }, null, 2));
    }
  };

  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const mode = currentMode(opts);
    if (mode === 'refuse') { sock.destroy(); return; }
    const say = (line) => { if (!sock.destroyed) sock.write(`${line}\r\n`); };
    let buf = Buffer.alloc(0);
    let inData = false;
    let authStep = null;     // 'plain' | 'login-user' | 'login-pass'
    let tx = { from: null, to: [], user: null };
    say('220 cairn-smtp-sink ESMTP ready');

    const command = (line) => {
      if (authStep === 'plain') {
        const parts = Buffer.from(line, 'base64').toString('utf8').split('\0');
        tx.user = parts[1];
        tx.password = parts[2];
        authStep = null;
        say('235 2.7.0 authenticated');
        return;
      }
      if (authStep === 'login-user') {
        tx.user = Buffer.from(line, 'base64').toString('utf8');
        authStep = 'login-pass';
        say('334 UGFzc3dvcmQ6');
        return;
      }
      if (authStep === 'login-pass') {
        tx.password = Buffer.from(line, 'base64').toString('utf8');
        authStep = null;
        say('235 2.7.0 authenticated');
        return;
      }
      const verb = line.slice(0, 4).toUpperCase();
      const arg = line.slice(4).trim();
      if (verb === 'EHLO') {
        say('250-cairn-smtp-sink');
        say(`250-SIZE ${MAX_MESSAGE_BYTES}`);
        say('250-8BITMIME');
        say('250 AUTH PLAIN LOGIN');
      } else if (verb === 'HELO') {
        say('250 cairn-smtp-sink');
      } else if (verb === 'AUTH') {
        const [mech, initial] = arg.split(/\s+/);
        if (/^PLAIN$/i.test(mech) && initial) {
          const parts = Buffer.from(initial, 'base64').toString('utf8').split('\0');
          tx.user = parts[1];
          tx.password = parts[2];
          say('235 2.7.0 authenticated');
        } else if (/^PLAIN$/i.test(mech)) {
          authStep = 'plain';
          say('334 ');
        } else if (/^LOGIN$/i.test(mech)) {
          authStep = 'login-user';
          say('334 VXNlcm5hbWU6');
        } else {
          say('504 5.5.4 unrecognised authentication type');
        }
      } else if (verb === 'MAIL') {
        const m = /^FROM:\s*<([^>]*)>/i.exec(arg);
        if (!m) { say('501 5.5.4 syntax: MAIL FROM:<address>'); return; }
        tx.from = m[1];
        tx.to = [];
        say('250 2.1.0 ok');
      } else if (verb === 'RCPT') {
        const m = /^TO:\s*<([^>]*)>/i.exec(arg);
        if (!m || tx.from === null) { say('503 5.5.1 MAIL first'); return; }
        if (mode === '4xx') { say('451 4.3.0 try again later (sink in 4xx mode)'); return; }
        if (mode === '5xx') { say('550 5.1.1 no such mailbox (sink in 5xx mode)'); return; }
        tx.to.push(m[1]);
        say('250 2.1.5 ok');
      } else if (verb === 'DATA') {
        if (!tx.to.length) { say('503 5.5.1 RCPT first'); return; }
        inData = true;
        say('354 end data with <CR><LF>.<CR><LF>');
      } else if (verb === 'RSET') {
        tx = { from: null, to: [], user: tx.user };
        say('250 2.0.0 ok');
      } else if (verb === 'NOOP') {
        say('250 2.0.0 ok');
      } else if (verb === 'QUIT') {
        say('221 2.0.0 bye');
        sock.end();
      } else {
        say('502 5.5.2 command not recognised');
      }
    };

    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          const empty = buf.subarray(0, 3).toString('latin1') === '.\r\n';
          if (end < 0 && !empty) {
            if (buf.length > MAX_MESSAGE_BYTES) { say('552 5.3.4 message too big'); sock.destroy(); }
            return;
          }
          const body = empty ? '' : buf.subarray(0, end + 2).toString('utf8');
          buf = buf.subarray(empty ? 3 : end + 5);
          inData = false;
          // RFC 5321 4.5.2: a line starting with '.' had one more added.
          const data = body.split('\r\n').map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n');
          record({ from: tx.from, to: tx.to, user: tx.user, password: tx.password, data, time: new Date().toISOString() });
          tx = { from: null, to: [], user: tx.user };
          if (mode === 'hang') return;    // never answer, never close
          say('250 2.0.0 queued');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.subarray(0, nl).toString('utf8');
        buf = buf.subarray(nl + 2);
        command(line);
      }
    });
  });

  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        messages,
        setMode(m) { if (!MODES.includes(m)) throw new Error(`mode ${m}`); opts.mode = m; },
        close() {
          for (const s of sockets) s.destroy();
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}

// Undo quoted-printable (RFC 2045 6.7) into UTF-8 text.
export function decodeQuotedPrintable(s) {
  const bytes = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-F]{2}$/i.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(src[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// Decode RFC 2047 encoded words (=?UTF-8?B?..?= and ?Q?) in a header.
export function decodeHeader(v) {
  return v.replace(/\r\n[ \t]/g, ' ')
    .replace(/(\?=)\s+(?==\?)/g, '$1')      // space between words is folding
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (m, b) => Buffer.from(b, 'base64').toString('utf8'))
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (m, q) => decodeQuotedPrintable(q.replace(/_/g, ' ')));
}

// Parse a raw message: { headers: {lower-case name: value}, text, html }.
// Handles a single text/plain part or multipart/alternative, each
// quoted-printable or base64 or plain.
export function parseMessage(raw) {
  const split = (s) => {
    const i = s.indexOf('\r\n\r\n');
    const head = i < 0 ? s : s.slice(0, i);
    const body = i < 0 ? '' : s.slice(i + 4);
    const headers = {};
    for (const line of head.replace(/\r\n[ \t]/g, '\r\n\u0000').split('\r\n')) {
      if (line.startsWith('\u0000')) {
        const last = Object.keys(headers).at(-1);
        headers[last] += ` ${line.slice(1)}`;
        continue;
      }
      const c = line.indexOf(':');
      if (c > 0) headers[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
    }
    return { headers, body };
  };
  const decode = (part) => {
    const enc = (part.headers['content-transfer-encoding'] ?? '').toLowerCase();
    if (enc === 'quoted-printable') return decodeQuotedPrintable(part.body);
    if (enc === 'base64') return Buffer.from(part.body, 'base64').toString('utf8');
    return part.body;
  };
  const top = split(raw);
  const ctype = top.headers['content-type'] ?? 'text/plain';
  const out = { headers: top.headers, text: null, html: null };
  const b = /boundary="?([^";]+)"?/i.exec(ctype);
  if (/^multipart\//i.test(ctype) && b) {
    for (const chunk of top.body.split(`--${b[1]}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const part = split(chunk.replace(/^\r\n/, ''));
      const t = part.headers['content-type'] ?? '';
      if (/^text\/plain/i.test(t)) out.text = decode(part);
      if (/^text\/html/i.test(t)) out.html = decode(part);
    }
  } else {
    out.text = decode(top);
  }
  return out;
}

// Run the sink as its own process (a test's CLI runs block node's event
// loop, so an in-process sink could not answer them).  It picks a free
// port itself, so nothing else can take the port between choosing and
// binding.  Resolves to { port, process, stop() }.
export function spawnSink(dir, { mode = 'ok' } = {}) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--dir', dir, '--mode', mode],
                      { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), process: child, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (c) => reject(new Error(`smtp-sink exited with ${c} before listening`)));
  });
}

// Read every message a sink wrote to `dir`, oldest first.
export function readSinkDir(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => {
    const raw = readFileSync(path.join(dir, f), 'utf8');
    const meta = JSON.parse(readFileSync(path.join(dir, f.replace(/\.eml$/, '.json')), 'utf8'));
    return { file: f, raw, ...meta, ...parseMessage(raw) };
  });
}

// Command line: node tests/lib/smtp-sink.mjs --dir DIR [--port N] [--mode M]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const dir = opt('--dir');
  const mode = opt('--mode') ?? 'ok';
  if (!dir || !MODES.includes(mode)) {
    console.error('usage: node tests/lib/smtp-sink.mjs --dir DIR [--port N] [--mode ok|refuse|4xx|5xx|hang]');
    process.exit(2);
  }
  const sink = await startSink({ dir: path.resolve(dir), port: Number(opt('--port') ?? 0), mode });
  console.log(`smtp-sink listening on 127.0.0.1:${sink.port}, writing to ${path.resolve(dir)}`);
  const stop = async () => { await sink.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
