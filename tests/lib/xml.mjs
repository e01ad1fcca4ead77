// tests/lib/xml.mjs -- a small strict XML 1.0 parser for reading view XML
// in tests, and a well-formedness check for the HTML that the XSLT views
// produce.  No dependencies: the tests must not trust the server's own
// libxml2 to judge the server's output.
//
// parseXml(text) -> Element { name, local, prefix, ns, attrs, children,
// parent } with Text children as strings.  Namespaces are resolved
// (el.ns is the URI).  A DOCTYPE is an error (Cairn never sends one), as
// is anything not well-formed; errors carry the line number.

const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export class XmlError extends Error {}

function decodeEntities(s, line) {
  return s.replace(/&([^;&<]*);?/g, (m, body) => {
    if (!m.endsWith(';')) throw new XmlError(`line ${line}: bare '&' in text or attribute`);
    if (body in ENTITIES) return ENTITIES[body];
    let cp;
    if (/^#x[0-9a-fA-F]+$/.test(body)) cp = parseInt(body.slice(2), 16);
    else if (/^#[0-9]+$/.test(body)) cp = parseInt(body.slice(1), 10);
    else throw new XmlError(`line ${line}: unknown entity &${body};`);
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new XmlError(`line ${line}: bad character reference &${body};`);
    }
    return String.fromCodePoint(cp);
  });
}

const NAME = '[A-Za-z_:][-A-Za-z0-9_.:]*';

export class Element {
  constructor(name, attrs, parent) {
    this.name = name;
    const c = name.indexOf(':');
    this.prefix = c >= 0 ? name.slice(0, c) : '';
    this.local = c >= 0 ? name.slice(c + 1) : name;
    this.attrs = attrs;          // { qname: value }, xmlns attributes included
    this.children = [];          // Element | string
    this.parent = parent;
    this.ns = null;
    this.nsMap = null;
  }
  get elements() { return this.children.filter((c) => c instanceof Element); }
  // All text below this element, concatenated.
  get text() {
    return this.children.map((c) => (c instanceof Element ? c.text : c)).join('');
  }
  attr(name) { return Object.prototype.hasOwnProperty.call(this.attrs, name) ? this.attrs[name] : undefined; }
  // Direct children with local name `local` (any namespace).
  childrenNamed(local) { return this.elements.filter((e) => e.local === local); }
  child(local) { return this.elements.find((e) => e.local === local); }
  // Text of the direct child `local`, or undefined.
  childText(local) { const c = this.child(local); return c ? c.text : undefined; }
  // Depth-first descendants (not including this) with local name `local`.
  findAll(local) {
    const out = [];
    const walk = (e) => { for (const c of e.elements) { if (local === '*' || c.local === local) out.push(c); walk(c); } };
    walk(this);
    return out;
  }
  find(local) { return this.findAll(local)[0]; }
  // The path of local names from the root, for messages.
  get path() { return (this.parent ? `${this.parent.path}/` : '/') + this.local; }
}

export function parseXml(text) {
  if (typeof text !== 'string') text = Buffer.from(text).toString('utf8');
  let i = 0;
  let line = 1;
  const n = text.length;
  const advance = (to) => { for (let k = i; k < to; k++) if (text.charCodeAt(k) === 10) line++; i = to; };
  const fail = (msg) => { throw new XmlError(`line ${line}: ${msg}`); };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  let root = null;
  const stack = [];
  let sawDecl = false;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk.length) {
      if (!stack.length) {
        if (/\S/.test(chunk)) fail('text outside the root element');
      } else {
        if (chunk.includes(']]>')) fail("']]>' in text");
        stack[stack.length - 1].children.push(decodeEntities(chunk, line));
      }
      advance(lt < 0 ? n : lt);
      if (lt < 0) break;
    }
    if (text.startsWith('<?', i)) {
      const e = text.indexOf('?>', i);
      if (e < 0) fail('unterminated processing instruction');
      const target = /^<\?([^\s?]+)/.exec(text.slice(i, e))?.[1];
      if (target && target.toLowerCase() === 'xml') {
        if (i !== 0 && !(i === 1 && text.charCodeAt(0) === 0xfeff)) fail('XML declaration not at the start');
        if (sawDecl) fail('second XML declaration');
        sawDecl = true;
      }
      advance(e + 2);
    } else if (text.startsWith('<!--', i)) {
      const e = text.indexOf('-->', i + 4);
      if (e < 0) fail('unterminated comment');
      if (text.slice(i + 4, e).includes('--')) fail("'--' inside a comment");
      advance(e + 3);
    } else if (text.startsWith('<![CDATA[', i)) {
      if (!stack.length) fail('CDATA outside the root element');
      const e = text.indexOf(']]>', i);
      if (e < 0) fail('unterminated CDATA section');
      stack[stack.length - 1].children.push(text.slice(i + 9, e));
      advance(e + 3);
    } else if (text.startsWith('<!', i)) {
      fail('DOCTYPE or other markup declaration');
    } else if (text.startsWith('</', i)) {
      const m = new RegExp(`^</(${NAME})\\s*>`).exec(text.slice(i, i + 300));
      if (!m) fail('bad end tag');
      const top = stack.pop();
      if (!top) fail(`end tag </${m[1]}> without a start tag`);
      if (top.name !== m[1]) fail(`end tag </${m[1]}> does not match <${top.name}>`);
      advance(i + m[0].length);
    } else {
      const m = new RegExp(`^<(${NAME})`).exec(text.slice(i, i + 300));
      if (!m) fail('bad start tag');
      if (!stack.length && root) fail('a second root element');
      let j = i + m[0].length;
      const attrs = {};
      let selfClose = false;
      for (;;) {
        const ws = /^\s*/.exec(text.slice(j, j + 1000))[0].length;
        j += ws;
        if (text.startsWith('/>', j)) { selfClose = true; j += 2; break; }
        if (text[j] === '>') { j += 1; break; }
        if (!ws) fail(`attributes of <${m[1]}> need white space between them`);
        const am = new RegExp(`^(${NAME})\\s*=\\s*("([^"<]*)"|'([^'<]*)')`).exec(text.slice(j, j + 70000));
        if (!am) fail(`bad attribute in <${m[1]}>`);
        if (Object.prototype.hasOwnProperty.call(attrs, am[1])) fail(`duplicate attribute ${am[1]}`);
        attrs[am[1]] = decodeEntities(am[3] ?? am[4], line).replace(/[\t\n\r]/g, ' ');
        j += am[0].length;
      }
      const el = new Element(m[1], attrs, stack[stack.length - 1] ?? null);
      // Namespaces.
      const parentMap = el.parent ? el.parent.nsMap : { xml: XML_NS, '': null };
      el.nsMap = { ...parentMap };
      for (const [k, v] of Object.entries(attrs)) {
        if (k === 'xmlns') el.nsMap[''] = v || null;
        else if (k.startsWith('xmlns:')) el.nsMap[k.slice(6)] = v;
      }
      if (!(el.prefix in el.nsMap)) fail(`unbound prefix ${el.prefix}`);
      el.ns = el.nsMap[el.prefix];
      if (el.parent) el.parent.children.push(el);
      else root = el;
      advance(j);
      if (!selfClose) stack.push(el);
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1].name}> is not closed`);
  if (!root) fail('no root element');
  return root;
}

// ------------------------------------------------------------------ HTML

// Elements HTML serializers write without an end tag.
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input',
  'link', 'meta', 'param', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['script', 'style']);

// Check that an HTML page (as XSLT's html or xml output writes it) is
// well-formed: a doctype, one <html> root with <head> and <body>, every
// non-void element closed in order, quoted attributes, no stray '<'.
// Returns { ok, errors[], title, tags (Map name->count), elements[] } where
// elements is a flat list of { name, attrs } in document order.
export function checkHtml(html) {
  const errors = [];
  const tags = new Map();
  const elements = [];
  const stack = [];
  let title = null;
  let i = 0;
  let line = 1;
  const n = html.length;
  const advance = (to) => { for (let k = i; k < to; k++) if (html.charCodeAt(k) === 10) line++; i = to; };
  const err = (msg) => { if (errors.length < 20) errors.push(`line ${line}: ${msg}`); };
  if (!/^\s*<!DOCTYPE html/i.test(html)) err('no <!DOCTYPE html> at the start');
  let titleStart = -1;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) { advance(n); break; }
    const text = html.slice(i, lt);
    if (/&(?![a-zA-Z][a-zA-Z0-9]*;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(text)) err('bare & in text');
    advance(lt);
    if (html.startsWith('<!--', i)) {
      const e = html.indexOf('-->', i);
      if (e < 0) { err('unterminated comment'); break; }
      advance(e + 3);
    } else if (/^<!doctype/i.test(html.slice(i, i + 9))) {
      const e = html.indexOf('>', i);
      advance(e + 1);
    } else if (html.startsWith('<![CDATA[', i)) {
      const e = html.indexOf(']]>', i);
      advance(e < 0 ? n : e + 3);
    } else if (html.startsWith('</', i)) {
      const m = /^<\/([A-Za-z][-A-Za-z0-9_:.]*)\s*>/.exec(html.slice(i, i + 200));
      if (!m) { err(`bad end tag ${JSON.stringify(html.slice(i, i + 20))}`); advance(i + 2); continue; }
      const name = m[1].toLowerCase();
      if (VOID.has(name)) err(`end tag for void element </${name}>`);
      else {
        const top = stack.pop();
        if (!top) err(`</${name}> without a start tag`);
        else if (top !== name) err(`</${name}> closes <${top}>`);
        if (name === 'title' && titleStart >= 0) { title = htmlText(html.slice(titleStart, i)).trim(); titleStart = -1; }
      }
      advance(i + m[0].length);
    } else {
      const m = /^<([A-Za-z][-A-Za-z0-9_:.]*)/.exec(html.slice(i, i + 200));
      if (!m) { err(`stray '<': ${JSON.stringify(html.slice(i, i + 20))}`); advance(i + 1); continue; }
      const name = m[1].toLowerCase();
      let j = i + m[0].length;
      const attrs = {};
      let selfClose = false;
      for (;;) {
        const ws = /^\s*/.exec(html.slice(j, j + 1000))[0].length;
        j += ws;
        if (j >= n) { err(`unterminated <${name}>`); break; }
        if (html.startsWith('/>', j)) { selfClose = true; j += 2; break; }
        if (html[j] === '>') { j += 1; break; }
        const am = /^([^\s"'>/=]+)(?:\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/.exec(html.slice(j, j + 70000));
        if (!am) { err(`bad attribute syntax in <${name}>`); j += 1; continue; }
        const an = am[1].toLowerCase();
        if (Object.prototype.hasOwnProperty.call(attrs, an)) err(`duplicate attribute ${an} in <${name}>`);
        const v = am[3] ?? am[4] ?? am[5] ?? '';
        if (am[5] !== undefined && /[&]/.test(am[5])) err(`unquoted attribute ${an} with '&'`);
        attrs[an] = v.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'");
        j += am[0].length;
      }
      tags.set(name, (tags.get(name) ?? 0) + 1);
      elements.push({ name, attrs, line });
      advance(j);
      if (!selfClose && !VOID.has(name)) {
        stack.push(name);
        if (name === 'title') titleStart = i;
        if (RAW_TEXT.has(name)) {
          const e = html.toLowerCase().indexOf(`</${name}`, i);
          if (e < 0) { err(`<${name}> not closed`); break; }
          advance(e);
        }
      }
    }
  }
  if (stack.length) err(`not closed at the end: ${stack.map((s) => `<${s}>`).join(' ')}`);
  const first = elements[0]?.name;
  if (first !== 'html') err(`the root element is <${first}>, not <html>`);
  if (!tags.get('head')) err('no <head>');
  if (!tags.get('body')) err('no <body>');
  if (tags.get('html') !== 1) err('not exactly one <html>');
  return { ok: errors.length === 0, errors, title, tags, elements };
}

// Decode the five XML entities and numeric references in a string taken
// from HTML (for comparing visible text).
export function htmlText(s) {
  return s.replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'").replace(/&nbsp;|&#160;/g, '\u00a0')
    .replace(/&#(\d+);/g, (m, d) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (m, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
