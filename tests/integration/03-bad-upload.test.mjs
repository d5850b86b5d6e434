// 3. A bad file is refused whole: 422, every problem named by row (the file's
//    line, header = row 1) and column, and nothing stored (the data of every
//    table is the same before and after).
import assert from 'node:assert/strict';
import { test, setup, upload, readData, tableCounts as allCounts, dataDump as fullDump, assertSameText, TEAMS } from './lib.mjs';

// A rejected upload stores none of its data; it is only noted in upload_rejected
// (the upload history shows it with its errors, sql/004), which is left out here
// and checked on its own.
// The alert tables (sql/005) are written by the daemon's rule evaluation after
// the good upload's NOTIFY, asynchronously: derived state, not upload data.
async function tableCounts(db) {
  const { upload_rejected: _r, ...rest } = await allCounts(db);
  for (const k of Object.keys(rest)) if (k.startsWith('alert')) delete rest[k];
  return rest;
}
async function dataDump(db) {
  return (await fullDump(db))
    .replace(/^COPY public\.alert\w* [^\n]*\n(?:.*\n)*?\\\.\n/gm, '')
    .replace(/^COPY public\.upload_rejected [^\n]*\n(?:.*\n)*?\\\.\n/m, '')
    .replace(/^SELECT pg_catalog\.setval\('public\.upload_rejected_id_seq'.*\n/m, '');
}
async function rejections(db) {
  return (await allCounts(db)).upload_rejected;
}

function findError(body, row, column) {
  return (body.errors ?? []).find((e) => e.row === row && e.column === column);
}

function errorsText(body) {
  return JSON.stringify(body.errors ?? body, null, 1);
}

// tests/data/bad-mixed.csv:
//   row 1 header
//   row 2 X001,ALPHA,permanent,1.0    fine
//   row 3 X002,NOPE,permanent,1.0     unknown team        -> team
//   row 4 X003,ALPHA,permanent,1.5    fte out of range    -> fte
//   row 5 X004,BRAVO,volunteer,1.0    unknown contract    -> contract (contractor would be an alias of agency)
//   row 6 X005,BRAVO,agency,0.5       fine
test('bad file -> 422, errors name rows and columns, nothing stored', { timeout: 180_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  // something stored already, so "unchanged" is not trivially "empty"
  const ok = await upload(d.url, { source: 'hr', as_of: '2026-09-30' }, readData('roster-small.csv'));
  assert.equal(ok.status, 201, JSON.stringify(ok.body));

  const countsBefore = await tableCounts(env.db);
  const dumpBefore = await dataDump(env.db);

  const res = await upload(d.url, { source: 'hr', as_of: '2026-10-31' }, readData('bad-mixed.csv'));
  assert.equal(res.status, 422, `status; body: ${JSON.stringify(res.body)}`);
  assert.equal(typeof res.body.error, 'string', 'error sentence');
  assert.ok(Array.isArray(res.body.errors), 'errors[]');

  await t.test('fte 1.5 on row 4', () => {
    const e = findError(res.body, 4, 'fte');
    assert.ok(e, `no {row: 4, column: "fte"} in ${errorsText(res.body)}`);
    assert.equal(e.value, '1.5');
    assert.equal(typeof e.message, 'string');
  });
  await t.test('unknown contract on row 5', () => {
    const e = findError(res.body, 5, 'contract');
    assert.ok(e, `no {row: 5, column: "contract"} in ${errorsText(res.body)}`);
    assert.equal(e.value, 'volunteer');
  });
  await t.test('unknown team on row 3, reported with the other problems', () => {
    const e = findError(res.body, 3, 'team');
    assert.ok(e, `no {row: 3, column: "team"} in ${errorsText(res.body)}`);
    assert.equal(e.value, 'NOPE');
  });
  await t.test('exactly these three problems', () => {
    const rows = (res.body.errors ?? []).map((e) => `${e.row}:${e.column}`).sort();
    assert.deepEqual(rows, ['3:team', '4:fte', '5:contract']);
    assert.equal(res.body.error_count, 3);
  });

  assert.deepEqual(await tableCounts(env.db), countsBefore, 'row counts of every table unchanged');
  assertSameText(await dataDump(env.db), dumpBefore, 'data (pg_dump --data-only)');

  const s = await (await fetch(`${d.url}/api/v1/summary`)).json();
  assert.equal(s.as_of, '2026-09-30', 'the refused 2026-10-31 file did not become the current roster');
});

test('a file whose only problem is an unknown team -> 422 naming it, nothing stored', { timeout: 180_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const countsBefore = await tableCounts(env.db);
  const dumpBefore = await dataDump(env.db);

  // row 3: X002,NOPE,...
  const res = await upload(d.url, { source: 'hr', as_of: '2026-09-30' }, readData('bad-unknown-team.csv'));
  assert.equal(res.status, 422, JSON.stringify(res.body));
  const e = findError(res.body, 3, 'team');
  assert.ok(e, `no {row: 3, column: "team"} in ${errorsText(res.body)}`);
  assert.equal(e.value, 'NOPE');
  assert.equal(res.body.error_count, 1);
  assert.deepEqual(await tableCounts(env.db), countsBefore);
  assert.equal(await rejections(env.db), 1, 'the rejection is noted for the upload history');
  assertSameText(await dataDump(env.db), dumpBefore, 'data (pg_dump --data-only)');
});

test('bad query parameters -> 400 naming the parameter, nothing stored', { timeout: 180_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const csv = readData('roster-small.csv');
  const dumpBefore = await dataDump(env.db);
  const cases = [
    [{ source: 'hr' }, 'as_of'],                          // missing as_of
    [{ source: 'hr', as_of: '2026-13-45' }, 'as_of'],     // not a date
    [{ source: 'HR Export', as_of: '2026-09-30' }, 'source'],
    [{ as_of: '2026-09-30' }, 'source'],                  // missing source
    [{ kind: 'payroll', source: 'hr', as_of: '2026-09-30' }, 'kind'],
  ];
  for (const [params, column] of cases) {
    const res = await upload(d.url, params, csv);
    assert.equal(res.status, 400, `${JSON.stringify(params)}: ${JSON.stringify(res.body)}`);
    assert.ok((res.body.errors ?? []).some((e) => e.column === column),
      `${JSON.stringify(params)}: errors[].column should name ${column}: ${errorsText(res.body)}`);
  }
  assertSameText(await dataDump(env.db), dumpBefore, 'data (pg_dump --data-only)');
});
