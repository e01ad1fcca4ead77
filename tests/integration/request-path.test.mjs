// The request path, in order: a warm worker prepares no SQL for a signed-in
// chart read (every core query goes through the store's statement cache),
// and the audit entry is committed before the answer is written -- so when
// it cannot be written, a read of patient data answers 503 and shows none
// of it.
//
// One worker, so every request after the first meets the same warm
// statement cache; CAIRN_ACCESS_LOG makes cairnd log, per request, how many
// statements it prepared ("prepared=N").  The audit write is made to fail
// by a trigger added to the test's own database while cairnd runs.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCairn, patientId, sleep, TRIAL_CSV } from '../lib/harness.mjs';
import { readCsv } from '../lib/outcomes-from-csv.mjs';
import { sqlExec, auditRows, assertNoPatientData } from '../lib/access.mjs';

const srv = useCairn({ importTrial: true, workers: 1, env: { CAIRN_ACCESS_LOG: '1' } });
const { rows } = readCsv(TRIAL_CSV);
let clin; let pid;

before(async () => {
  await srv.ready;
  clin = await srv.as('clinician');
  pid = await patientId(clin, rows[3].id);
});

// The prepared=N figures of the access-log lines for `GET path 200`.  A
// worker logs the line after it has sent the answer, so the line may
// reach us a moment after the response: wait (up to LOG_WAIT_MS) for
// `count` of them.
const LOG_WAIT_MS = 5000;
async function preparedFor(path, count) {
  const esc = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`: GET ${esc} 200 [0-9.]+ms prepared=(\\d+)$`, 'gm');
  const end = Date.now() + LOG_WAIT_MS;
  let found = [];
  do {
    found = [...srv.cairnd.log().matchAll(re)].map((m) => Number(m[1]));
    if (found.length >= count) break;
    await sleep(50);
  } while (Date.now() < end);
  return found;
}

test('a signed-in chart read prepares statements once, then none: the worker is warm', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await clin.get(`/patients/${pid}`)).status, 200);
  const other = await patientId(clin, rows[4].id);
  assert.equal((await clin.get(`/patients/${other}`)).status, 200);
  const first = await preparedFor(`/patients/${pid}`, 3);
  assert.equal(first.length, 3, `three access-log lines for the chart (log:\n${srv.cairnd.log().slice(-2000)})`);
  assert.ok(first[0] > 0, `the first chart read prepared its queries (${first})`);
  assert.deepEqual(first.slice(1), [0, 0], 'the next two chart reads prepared nothing');
  assert.deepEqual(await preparedFor(`/patients/${other}`, 1), [0], 'another patient\'s chart prepared nothing either');
});

test('when the audit entry cannot be written, a chart read answers 503 with no patient data, and nothing is sent first', async () => {
  const before = auditRows(srv.database).length;
  sqlExec(srv.database, "CREATE TRIGGER test_audit_refused BEFORE INSERT ON audit"
    + " BEGIN SELECT RAISE(ABORT, 'test: the audit trail refuses writes'); END;");
  try {
    const html = await clin.get(`/patients/${pid}`);
    assert.equal(html.status, 503, 'the chart is refused');
    assert.equal(html.headers['retry-after'], '5');
    assertNoPatientData(html.body, 'the 503 page');
    assert.match(html.body, /audit trail could not be written/);
    const xml = await clin.getXml(`/patients/${pid}`);
    assert.equal(xml.status, 503, 'the XML chart is refused too');
    assertNoPatientData(xml.body, 'the 503 XML');
    const outcomes = await clin.get('/outcomes');
    assert.equal(outcomes.status, 503, 'the outcomes report is refused');
    assertNoPatientData(outcomes.body, 'the outcomes 503');
    assert.equal((await srv.client().get('/sign-in')).status, 200, 'a public page that needs no entry is served');
    assert.match(srv.cairnd.log(), /error: GET \/patients\/\d+: The audit trail could not be written/, 'the failure is logged');
  } finally {
    sqlExec(srv.database, 'DROP TRIGGER test_audit_refused');
  }
  assert.equal(auditRows(srv.database).length, before, 'no entry was written while the trail refused');
  assert.equal((await clin.get(`/patients/${pid}`)).status, 200, 'with the trail writable again the chart opens');
  assert.equal(auditRows(srv.database).length, before + 1, 'and its read is in the trail');
});
