// `cairn import-csv` with the trial's mapping: a file with one bad row is
// refused, naming its line, and stores nothing; the real file gives one
// patient per data row (counted here from the CSV, not taken on trust),
// one episode each and one observation per non-empty score cell; a second
// import of the same file is refused and stores nothing; a mapping whose
// <records> name a type, namespace or projection the loaded plugins do not
// declare is refused before any row.  The tests run in order on one
// database.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCairn, run, TRIAL_CSV, TRIAL_MAP } from '../lib/harness.mjs';
import { parseXml } from '../lib/xml.mjs';
import { patients } from '../lib/views.mjs';
import { parseCsv, readCsvMap, cell } from '../lib/outcomes-from-csv.mjs';

const srv = useCairn({ importTrial: false });
const csvText = readFileSync(TRIAL_CSV, 'utf8');
const { rows, lines, header } = parseCsv(csvText);
const map = await readCsvMap(TRIAL_MAP);
const scoreColumns = map.observations.flatMap((o) => Object.values(o.columns));
const expectedObservations = rows.reduce((n, r) => n + scoreColumns.filter((c) => cell(r[c]) !== null).length, 0);

const P = 'program:Patient';
const E = 'program:EpisodeOfCare';
const O = 'program:Observation';
const count = (s, t) => s[t] ?? 0;

test('the trial CSV has 401 data rows (counted here)', () => {
  assert.equal(rows.length, 401);
  assert.equal(new Set(rows.map((r) => r.id)).size, 401, 'identifiers are unique');
  assert.equal(lines[0], 2);
  assert.equal(lines.at(-1), 402);
  assert.ok(header.includes('pk1') && header.includes('group'));
  assert.equal(expectedObservations, 401 + 326 + 301, 'non-empty pk1 + pk2 + pk5 cells');
});

test('a copy with a bad date on line 57 is refused, naming line 57, and stores nothing', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cairn-csv-'));
  try {
    const fileLines = csvText.split('\n');
    const k = 56;                                   // line 57, 0-based
    const cols = fileLines[k].split(',');
    const di = header.indexOf(map.startColumn);
    assert.ok(di >= 0);
    const was = cols[di];
    cols[di] = '31/02/2000';                        // February has no 31st
    fileLines[k] = cols.join(',');
    const bad = path.join(tmp, 'bad.csv');
    writeFileSync(bad, fileLines.join('\n'));
    assert.equal(parseCsv(fileLines.join('\n')).rows.length, 401, `the copy still has 401 rows (line 57 was ${was})`);

    const before = srv.stats();
    const r = srv.importCsv(bad, TRIAL_MAP);
    assert.notEqual(r.code, 0, 'the import fails');
    const out = r.stderr + r.stdout;
    assert.match(out, /\b57\b/, `the message names line 57: ${out.slice(0, 600)}`);
    assert.match(out, new RegExp(map.startColumn), 'and the column');
    const otherLines = [...out.matchAll(/:(\d+):/g)].map((m) => Number(m[1])).filter((n) => n !== 57);
    assert.deepEqual(otherLines, [], 'no other line is blamed');
    assert.deepEqual(srv.stats(), before, 'nothing stored');
    assert.equal(count(srv.stats(), P), 0);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a mapping whose <records> disagree with the loaded plugins is refused before any row, and stores nothing', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cairn-map-'));
  try {
    const mapText = readFileSync(TRIAL_MAP, 'utf8');
    const cases = [
      ['a type no plugin declares', mapText.replace('type="program:Observation"', 'type="program:Nothing"'),
        /no loaded plugin declares the record type program:Nothing/],
      ['another namespace than the type\'s', mapText.replace(/(<episode type="program:EpisodeOfCare" namespace=")[^"]+"/, '$1urn:example:other"'),
        /program:EpisodeOfCare is <EpisodeOfCare xmlns="urn:example:other">, but its plugin declares/],
      ['an identifier column the patient type does not project', mapText.replace('identifier-column="identifier"', 'identifier-column="nickname"'),
        /declares no projection column nickname/],
    ];
    for (const [what, text, message] of cases) {
      assert.notEqual(text, mapText, `${what}: the copy differs`);
      const file = path.join(tmp, 'map.xml');
      writeFileSync(file, text);
      const before = srv.stats();
      const r = srv.importCsv(TRIAL_CSV, file);
      assert.notEqual(r.code, 0, `${what}: the import fails`);
      assert.match(r.stderr + r.stdout, message, `${what}: ${(r.stderr + r.stdout).slice(0, 400)}`);
      assert.deepEqual(srv.stats(), before, `${what}: nothing stored`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the trial imports: 401 patients, 401 episodes, one observation per score cell', async () => {
  const r = srv.importCsv(TRIAL_CSV, TRIAL_MAP);
  assert.equal(r.code, 0, `import failed: ${r.stderr}`);
  const s = srv.stats();
  assert.equal(count(s, P), rows.length);
  assert.equal(count(s, E), rows.length);
  assert.equal(count(s, O), expectedObservations);
  // The database file agrees (projection tables, read with sqlite3).
  const db = srv.dbCounts();
  assert.equal(db.p_program_patient, rows.length);
  assert.equal(db.p_program_episode, rows.length);
  assert.equal(db.p_program_observation, expectedObservations);
  // And the server sees them (cairnd reads the same file).
  const x = await (await srv.as('front-desk')).getXml(`/patients?q=${rows[200].id}`);
  assert.equal(x.status, 200);
  assert.ok(patients(parseXml(x.body)).some((p) => p.identifier === rows[200].id));
});

test('the same file a second time is refused and stores nothing', async () => {
  const before = srv.stats();
  const r = srv.importCsv(TRIAL_CSV, TRIAL_MAP);
  assert.notEqual(r.code, 0, 'the second import fails');
  assert.match(r.stderr + r.stdout, /already|exists|duplicate/i, `it says why: ${(r.stderr + r.stdout).slice(0, 400)}`);
  assert.deepEqual(srv.stats(), before, 'nothing stored');
});

test('cairn reindex rebuilds projections identical to the imported ones', async () => {
  const tables = ['p_program_patient', 'p_program_episode', 'p_program_observation'];
  const dump = () => Object.fromEntries(tables.map((t) => [t, sqliteJson(srv.database, `SELECT * FROM "${t}" ORDER BY record`)]));
  const before = dump();
  assert.equal(before.p_program_observation.length, expectedObservations);
  const r = srv.cli(['reindex']);
  assert.equal(r.code, 0, `reindex: ${r.stderr}`);
  assert.deepEqual(dump(), before);
});

function sqliteJson(db, sql) {
  const r = run('sqlite3', ['-readonly', '-json', db, sql]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout || '[]');
}
