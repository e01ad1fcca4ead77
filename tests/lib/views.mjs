// tests/lib/views.mjs -- what the tests assume about the program plugin's
// view XML (the `Accept: application/xml` API), in one place, so that a
// change of shape is one edit here and not a hunt through every test.
//
// Assumptions (each checked by tests/integration/pages.test.mjs):
//   - a view document has no namespace on its root; its root element's
//     local name is the view's name without "program/" (VIEW_ROOTS);
//   - records appear through the host's doc_record(): a <record id= type=
//     version= patient= status= ...> wrapper around the record body in
//     urn:cairn:program (<Patient>, <EpisodeOfCare>, <Observation>);
//   - errors are the core's <error status="4xx"><title/><message/>
//     <field/>?</error>, or a plugin's form view that carries the message
//     and the field at fault;
//   - numbers may be attributes or child elements: num(el, 'mean') reads
//     either.

import { parseXml } from './xml.mjs';

export const PROGRAM_NS = 'urn:cairn:program';

// Root element local names, by page.  Where the plugin may reasonably pick
// one of two names, both are listed; the first is the one we expect.
export const VIEW_ROOTS = {
  home: ['home', 'dashboard'],
  patients: ['patients', 'patient-list'],
  chart: ['chart', 'patient'],
  form: ['observation-form', 'observation', 'form'],
  outcomes: ['outcomes'],
  instruments: ['instruments'],
  error: ['error'],
};

// The value of `name` on `el`: attribute first, then child element text.
// undefined when neither exists.
export function val(el, ...names) {
  for (const name of names) {
    const a = el.attr(name);
    if (a !== undefined) return a;
    const c = el.child(name);
    if (c) return c.text.trim();
  }
  return undefined;
}

// A number from val(); NaN when absent or empty so that comparisons fail
// loudly, null when the server says the value is undefined ("" or "NaN"
// is taken as undefined only when allowUndefined).
export function num(el, ...names) {
  const v = val(el, ...names);
  if (v === undefined) return NaN;
  if (v.trim() === '') return null;
  return Number(v);
}

// Every record wrapper of a record type below el ("program:Observation").
export function records(el, type) {
  return el.findAll('record').filter((r) => !type || r.attr('type') === type);
}

// The body element (in urn:cairn:program) of a record wrapper.
export function body(rec) {
  return rec.elements.find((e) => e.ns === PROGRAM_NS);
}

// An observation as a plain object: from a record wrapper or from a bare
// <Observation> element.
export function observation(el) {
  const o = el.local === 'Observation' ? el : body(el) ?? el.find('Observation');
  if (!o) return null;
  const answers = {};
  for (const a of o.childrenNamed('answer')) answers[a.attr('item')] = Number(a.text);
  return {
    id: el.local === 'record' ? Number(el.attr('id')) : undefined,
    instrument: o.childText('instrument'),
    effective: o.childText('effective'),
    timepoint: o.childText('timepoint'),
    score: o.childText('score') === undefined ? undefined : Number(o.childText('score')),
    answers,
  };
}

// Every observation in a view document: the chart's trajectory points,
// record wrappers of type
// program:Observation, bare <Observation> elements that are not inside
// such a wrapper, and flat <observation instrument= effective= score=>
// rows (attributes or children, with <answer item=> children).
export function observations(doc) {
  const wrapped = records(doc, 'program:Observation').map(observation);
  const bare = doc.findAll('Observation')
    .filter((o) => o.ns === PROGRAM_NS && o.parent?.local !== 'record').map(observation);
  const flat = doc.findAll('observation').filter((o) => val(o, 'instrument') !== undefined).map((o) => {
    const answers = {};
    for (const a of o.findAll('answer')) answers[a.attr('item')] = Number(val(a, 'value') ?? a.text);
    const score = val(o, 'score');
    return {
      id: o.attr('id') === undefined ? undefined : Number(o.attr('id')),
      instrument: val(o, 'instrument'),
      effective: val(o, 'effective'),
      timepoint: val(o, 'timepoint'),
      score: score === undefined || score === '' ? undefined : Number(score),
      answers,
    };
  });
  // The chart's <trajectory instrument=><point effective= timepoint=
  // score=/></trajectory> (plugins/program/pages.c).
  const points = doc.findAll('trajectory').flatMap((t) => t.childrenNamed('point').map((p) => ({
    id: p.attr('id') === undefined ? undefined : Number(p.attr('id')),
    instrument: t.attr('instrument'),
    effective: p.attr('effective'),
    timepoint: p.attr('timepoint'),
    score: p.attr('score') === undefined ? undefined : Number(p.attr('score')),
    improvement: p.attr('improvement') === undefined ? undefined : Number(p.attr('improvement')),
    baseline: p.attr('baseline') === 'yes',
    answers: undefined,
  })));
  return [...wrapped, ...bare, ...flat, ...points];
}

// Patients listed in a view (patient list page): [{ id, identifier, name }].
// Either the plugin's flat <patient id= identifier= name= href=/> rows, or
// doc_record() wrappers around <Patient> bodies.
export function patients(doc) {
  const out = [];
  for (const p of doc.findAll('patient').filter((e) => e.attr('identifier') !== undefined)) {
    out.push({ id: Number(p.attr('id')), identifier: p.attr('identifier'), name: p.attr('name'), href: p.attr('href') });
  }
  for (const p of doc.findAll('Patient').filter((e) => e.ns === PROGRAM_NS)) {
    let id;
    for (let a = p.parent; a && id === undefined; a = a.parent) {
      const v = a.attr('id') ?? a.attr('patient');
      if (v && /^\d+$/.test(v)) id = Number(v);
    }
    out.push({ id, identifier: p.childText('identifier'), name: p.childText('name') });
  }
  return out;
}

export function parseView(res) {
  return parseXml(res.body);
}

// The field names an error view or form view says are at fault: from
// <error><field>, <error field=...>, or any element with a field
// attribute (a form's per-field messages).
export function errorFields(doc) {
  const out = new Set();
  if (doc.local === 'error' && doc.childText('field')) out.add(doc.childText('field').trim());
  for (const e of [doc, ...doc.findAll('*')]) {
    const f = e.attr('field');
    if (f) out.add(f);
    if (e.local === 'field' && e.parent?.local === 'error') out.add(e.text.trim());
  }
  return [...out];
}

// Every message text in an error or form view (<message>, <error> text).
export function errorMessages(doc) {
  const out = [];
  for (const e of [doc, ...doc.findAll('*')]) {
    if (e.local === 'message' || (e.local === 'error' && e.elements.length === 0)) {
      const t = e.text.trim();
      if (t) out.push(t);
    }
  }
  return out;
}

// The cells of the /outcomes view: one per cohort, instrument and
// timepoint.  The shape (plugins/program/outcomes.c):
//   <outcomes benchmark="0.5" observations="1028">
//     <group cohort="acupuncture" instrument="headache" patients="205" ...>
//       <timepoint name="baseline" baseline="yes" n= mean= sd= mean-day=/>
//       <timepoint name="month-3" n= mean= sd= improvement-n=
//                  improvement-mean= reached= undefined= no-baseline=/>
// Each figure is returned as a number and with the number of decimals the
// server wrote (so a test can allow half a unit of the last digit).
export function outcomeCells(doc, { instrument } = {}) {
  const cells = [];
  const fig = (el, name) => {
    const v = val(el, name);
    if (v === undefined || v === '') return { value: v === undefined ? NaN : null, decimals: null };
    const m = /\.(\d+)$/.exec(v.trim());
    return { value: Number(v), decimals: m ? m[1].length : 0, raw: v };
  };
  for (const g of doc.findAll('group')) {
    if (instrument && val(g, 'instrument') !== instrument) continue;
    for (const t of g.childrenNamed('timepoint')) {
      cells.push({
        cohort: val(g, 'cohort'),
        instrument: val(g, 'instrument'),
        groupPatients: num(g, 'patients'),
        timepoint: val(t, 'name'),
        n: num(t, 'n'),
        mean: fig(t, 'mean'),
        sd: fig(t, 'sd'),
        improvement: {
          n: num(t, 'improvement-n'),
          mean: fig(t, 'improvement-mean'),
          undefined: num(t, 'undefined'),
          noBaseline: num(t, 'no-baseline'),
        },
        responders: num(t, 'reached'),
        el: t,
      });
    }
  }
  return cells;
}

// The form field name of each item of `instrument` on the observation
// form of patient `pid`: from the form's view XML (<item id="pain"
// name="answer.pain"/>, plugins/program/observation.c), else from the
// HTML's inputs (a name equal to the item id or ending in .id, -id, _id
// or [id]).  Returns { item: fieldName }; throws naming what it saw.
export async function itemFieldNames(srv, pid, instrument, items) {
  const url = `/patients/${pid}/observations/new?instrument=${encodeURIComponent(instrument)}`;
  const out = {};
  const x = await srv.getXml(url);
  if (x.status === 200) {
    const doc = parseXml(x.body);
    for (const it of doc.findAll('item')) {
      if (items.includes(it.attr('id')) && it.attr('name')) out[it.attr('id')] = it.attr('name');
    }
    if (items.every((i) => out[i])) return out;
  }
  const { checkHtml } = await import('./xml.mjs');
  const h = await srv.get(url);
  const names = [...new Set(checkHtml(h.body).elements
    .filter((e) => ['input', 'select', 'textarea'].includes(e.name) && e.attrs.name).map((e) => e.attrs.name))];
  for (const item of items) {
    const cands = names.filter((n) => n === item || new RegExp(`(^|[.\\-_\\[:])${item}\\]?$`).test(n));
    const pick = cands.length === 1 ? cands[0] : cands.find((n) => n.includes(instrument));
    if (!pick) throw new Error(`no form field for ${instrument}/${item} (XML ${x.status}; HTML inputs: ${names.join(', ')})`);
    out[item] = pick;
  }
  return out;
}
