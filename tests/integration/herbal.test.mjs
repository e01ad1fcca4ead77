// The herbal plugin through the installed `cairn` CLI, with a config that
// loads the herbal plugin alone (it stands on the kit; no other plugin is
// needed): the reference data loads and reports its size; every rule is
// tripped by a prescription, both as an import (the write path every
// record takes: the record type's check hook) and as a dry run
// (`cairn herbal-data --check`); on every refusal nothing is stored; an
// override with a justification of 20 characters stores the prescription
// with the findings the clinician overrode.
//
// The staff pages (prescribing form, /herbs over HTTP) need a patient,
// which the program plugin provides; their tests come with it.
//
// Run: CAIRN_PREFIX=$PWD/_build/install node --test tests/integration/herbal.test.mjs

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PREFIX = process.env.CAIRN_PREFIX || path.join(REPO, '_build', 'install');
const CAIRN = path.join(PREFIX, 'bin', 'cairn');
const SHARE = path.join(PREFIX, 'share', 'cairn');
const PLUGIN = path.join(PREFIX, 'lib', 'cairn', 'plugins', 'herbal.so');
for (const f of [CAIRN, PLUGIN, path.join(SHARE, 'data', 'herbal', 'herbs.xml')])
  assert.ok(existsSync(f), `${f} is missing: build and install first (make install)`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cairn-herbal-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const config = path.join(tmp, 'cairn.xml');
writeFileSync(config, `<?xml version="1.0" encoding="UTF-8"?>
<cairn xmlns="urn:cairn:config">
  <listen>127.0.0.1:0</listen>
  <workers>1</workers>
  <database>${esc(path.join(tmp, 'cairn.db'))}</database>
  <schemas>${esc(path.join(SHARE, 'schemas'))}</schemas>
  <views>${esc(path.join(SHARE, 'views'))}</views>
  <clinic><name>Test Clinic</name><timezone>UTC</timezone></clinic>
  <plugins>
    <plugin path="${esc(PLUGIN)}">
      <setting name="data" kind="path">${esc(path.join(SHARE, 'data', 'herbal'))}</setting>
    </plugin>
  </plugins>
</cairn>
`);

function cairn(...args) {
  const r = spawnSync(CAIRN, ['-c', config, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
assert.equal(cairn('init').code, 0, 'cairn init');

// Stored versions of herbal:Prescription, from `cairn stats`.
function stored() {
  const m = cairn('stats').out.match(/^herbal:Prescription\s+(\d+)/m);
  assert.ok(m, 'cairn stats lists herbal:Prescription');
  return Number(m[1]);
}

let nextFile = 0;
// A herbal:Prescription document: herbs [name, grams]; form and extras.
function prescription(herbs, { form = 'raw', ratio = null, acknowledged = false, justification = null } = {}) {
  return `<Prescription xmlns="urn:cairn:herbal">
  <formula kind="custom"></formula>
  <form>${form}</form>
${ratio ? `  <ratio>${ratio}</ratio>\n` : ''}  <days>14</days>
  <startDate>2026-12-03</startDate>
  <prescriber>Dr Test</prescriber>
${herbs.map(([n, g]) => `  <herb><name>${esc(n)}</name><grams>${g}</grams></herb>`).join('\n')}
${acknowledged ? '  <acknowledged/>\n' : ''}${justification ? `  <justification>${esc(justification)}</justification>\n` : ''}</Prescription>`;
}
function file(text) {
  const f = path.join(tmp, `doc-${++nextFile}.xml`);
  writeFileSync(f, text);
  return f;
}
// Import one prescription as a bundle (a record about no patient).
function importOne(doc) {
  return cairn('import', file(`<bundle xmlns="urn:cairn:bundle" version="1">
  <record id="${1000 + nextFile}" type="herbal:Prescription" patient="0" version="1" status="active" author="cli:test" time="2026-12-03T10:00:00Z">
${doc}
  </record>
</bundle>`));
}
function refusedAndNothingStored(doc, pattern, what) {
  const before = stored();
  const r = importOne(doc);
  assert.notEqual(r.code, 0, `${what}: the import is refused`);
  assert.match(r.err + r.out, pattern, `${what}: ${r.err}`);
  assert.equal(stored(), before, `${what}: nothing stored`);
}
const dryRun = (doc, ...opts) => cairn('herbal-data', '--check', file(doc), ...opts);

const REASON = 'Specialist advice documented in the chart today';

test('the reference data loads and reports its size and review status', () => {
  const r = cairn('herbal-data');
  assert.equal(r.code, 0, r.err);
  const n = (label) => Number(r.out.match(new RegExp(`^${label} (\\d+)`, 'm'))?.[1]);
  assert.ok(n('herbs') >= 90, r.out);
  assert.ok(n('formulas') >= 5);
  assert.ok(n('incompatible pairs') >= 12);
  assert.ok(n('interactions') >= 6);
  assert.match(r.out, /review: unverified/);
  assert.match(r.out, /chp2020: .*Pharmacopoeia of the People's Republic of China, 2020 edition, volume I/);
});

test('an aristolochic-acid herb is refused even with acknowledgement and justification', () => {
  for (const herb of ['Guan Mu Tong', 'Guang Fang Ji', 'Ma Dou Ling', 'Tian Xian Teng', 'Qing Mu Xiang']) {
    refusedAndNothingStored(prescription([['Du Huo', 9], [herb, 3]], { acknowledged: true, justification: REASON }),
      /aristolochic acid.*no override/i, herb);
  }
});

test('Gan Cao with Gan Sui is blocked; 19 characters do not override, 20 do and the findings are stored', () => {
  refusedAndNothingStored(prescription([['Gan Cao', 6], ['Gan Sui', 1]]), /eighteen incompatibilities.*justification/, 'no justification');
  refusedAndNothingStored(prescription([['Gan Cao', 6], ['Gan Sui', 1]], { justification: '1234567890123456789' }),
    /justification of at least 20/, '19 characters');
  const before = stored();
  const r = importOne(prescription([['Gan Cao', 6], ['Gan Sui', 1]], { justification: '12345678901234567890' }));
  assert.equal(r.code, 0, r.err);
  assert.equal(stored(), before + 1);
  const exported = cairn('export').out;
  assert.match(exported, /<finding><rule>incompatible<\/rule><severity>block<\/severity><line>0<\/line><herb>gan-cao<\/herb>/);
  assert.match(exported, /<justification>12345678901234567890<\/justification>/);
});

test('a Wu Tou herb with Ban Xia is blocked, prepared forms included', () => {
  for (const [a, b] of [['Fu Zi', 'Fa Ban Xia'], ['Zhi Chuan Wu', 'Jiang Ban Xia'], ['制草乌', '清半夏'], ['Chuan Wu', 'Ban Xia']])
    refusedAndNothingStored(prescription([[a, 1.5], [b, 6]], { acknowledged: true }), /eighteen incompatibilities/, `${a} + ${b}`);
});

test('Dan Shen for a patient on warfarin (by brand) blocks; Dang Gui warns', () => {
  let r = dryRun(prescription([['Dan Shen', 12]]), '--medicine', 'Coumadin 5 mg at night');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /block\tinteraction\tDan Shen \(丹参\) with warfarin/);
  assert.match(r.out, /verdict: not saveable \(justification\)/);
  r = dryRun(prescription([['Dang Gui', 9]]), '--medicine', 'warfarin 3 mg');
  assert.match(r.out, /warning\tinteraction\tDang Gui/);
  assert.match(r.out, /verdict: not saveable \(acknowledged\)/);
  r = dryRun(prescription([['Dan Shen', 12]]));
  assert.match(r.out, /verdict: saveable/);
});

test('a pregnant patient and a prohibited herb: blocked; a caution herb warns', () => {
  let r = dryRun(prescription([['San Leng', 6]]), '--pregnant');
  assert.match(r.out, /block\tpregnancy\tSan Leng/);
  r = dryRun(prescription([['San Leng', 6]], { justification: REASON }), '--possibly-pregnant');
  assert.match(r.out, /verdict: saveable/);
  r = dryRun(prescription([['Hong Hua', 6]]), '--pregnant');
  assert.match(r.out, /warning\tpregnancy\tHong Hua/);
  r = dryRun(prescription([['San Leng', 6]]));
  assert.doesNotMatch(r.out, /pregnancy/);
});

test('5:1 granules are converted to raw herb before the dose check', () => {
  refusedAndNothingStored(prescription([['Xi Xin', 1]], { form: 'granules', ratio: 5 }),
    /5 g of raw herb a day \(1 g of 5:1 granules\) is above the usual 1-3 g/, 'Xi Xin 1 g of 5:1 granules');
  const before = stored();
  assert.equal(importOne(prescription([['Xi Xin', 1]], { form: 'granules', ratio: 5, acknowledged: true })).code, 0);
  assert.equal(importOne(prescription([['Xi Xin', 0.5]], { form: 'granules', ratio: 5 })).code, 0, '2.5 g raw is in range');
  assert.equal(stored(), before + 2);
});

test('an unknown herb is refused with the nearest names', () => {
  refusedAndNothingStored(prescription([['Du Hou', 9]], { acknowledged: true, justification: REASON }),
    /"Du Hou" is not a herb in the materia medica\. Did you mean Du Huo \(独活\)/, 'Du Hou');
});

test('a clinic file conflicting with the shipped data stops start-up, naming both files', () => {
  const clinic = file(`<herbal-data xmlns="urn:cairn:herbal-data" review="verified">
  <herbs><herb id="dan-shen"><name pinyin="Dan Shen Two" chinese="丹参二" latin="Herba Dupla" src="not found"/>
    <dose src="not found"/><pregnancy category="unknown" src="not found"/><toxicity src="not found"/></herb></herbs>
</herbal-data>`);
  const cfg2 = path.join(tmp, 'cairn2.xml');
  writeFileSync(cfg2, readFileSync(config, 'utf8').replace('</setting>\n',
    `</setting>\n      <setting name="clinic-data" kind="path">${esc(clinic)}</setting>\n`));
  const r = spawnSync(CAIRN, ['-c', cfg2, 'herbal-data'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /conflict: herb "dan-shen" is defined in .*herbs\.xml and again in .*doc-\d+\.xml/);
});
