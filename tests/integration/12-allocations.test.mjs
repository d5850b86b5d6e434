// 12. Case allocations: an allocations extract is stored as one batch (201), a bad
//     one is refused whole (422, every problem named, nothing stored), and the
//     counts behind caseload churn and children with 3+ workers
//     (steady_alloc_counts, steady_alloc_monthly; docs/metrics.md "Case
//     allocations") match hand computations, and on random data a naive
//     reference written straight from the definitions.
import assert from 'node:assert/strict';
import {
  test, setup, upload, readData, psql, tableCounts as allCounts, dataDump as fullDump,
  assertSameText, TEAMS,
} from './lib.mjs';

const ALLOC = (name) => readData(`alloc/${name}`);
const Q = { kind: 'allocations', source: 'cms', as_of: '2026-09-30' };

/** steady_alloc_counts as { SERVICE: [open, changes, 3+], ALPHA: [...], ... } */
async function counts(db, from, to) {
  const out = await psql(db, `SELECT coalesce(t.code, 'SERVICE'), c.cases_open, c.worker_changes, c.cases_3plus
      FROM steady_alloc_counts('${from}', '${to}') c LEFT JOIN team t ON t.id = c.team_id`);
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => {
    const [k, ...v] = l.split('|');
    return [k, v.map(Number)];
  }));
}

/** steady_alloc_monthly as { '2026-03-31': { SERVICE: [...], ALPHA: [...] }, ... } */
async function monthly(db, first, last) {
  const out = await psql(db, `SELECT m.month, coalesce(t.code, 'SERVICE'), m.cases_open, m.worker_changes,
      m.cases_3plus FROM steady_alloc_monthly('${first}', '${last}') m LEFT JOIN team t ON t.id = m.team_id`);
  const res = {};
  for (const l of out.split('\n').filter(Boolean)) {
    const [month, k, ...v] = l.split('|');
    (res[month] ??= {})[k] = v.map(Number);
  }
  return res;
}

// tests/data/alloc/alloc-small.csv, window 1 October 2025 - 30 September 2026
// (the DfE year; as_of 2026-09-30).  A period is open in [f, t] when
// allocated_on <= t and (ended_on empty or >= f).
//
//  case  periods (team worker from..to)                         in the window
//  C1    ALPHA W1 2025-06-01..                                  one worker all year: open, 0 changes, 1 worker
//  C2    ALPHA W2 2025-09-01..2025-12-31, W3 2026-01-01..03-31,  reallocated twice: W3 and W4 are changes
//        W4 2026-04-01..                                        (ALPHA); W2, W3, W4 open -> 3 workers -> 3+ (ALPHA)
//  C3    BRAVO W5 2025-11-01..2026-01-31, W6 2026-02-01..04-30,  leaves and returns: W6 and W5 again are 2
//        W5 2026-05-01..                                        changes (BRAVO); distinct W5, W6 -> not 3+
//  C4    BRAVO W7 2025-03-01..2025-09-29, W8 2025-09-30..        change on 30 Sep 2025, before the window: not
//                                                               counted; W7 ended before it: 1 worker
//  C5    ALPHA W1 2024-01-01..2025-01-31, W9 2025-02-01..09-30   closed before the window: not open at all
//  C6    "Alpha Team" W1 2025-08-01..2026-02-28,                moves team: the change to W10 counts for
//        "bravo" W10 2026-03-01..                               BRAVO; open in ALPHA and BRAVO; 2 workers
//        (team by name, and by code in another case)
//  C7    CHARLIE W11 2025-01-01..2025-10-01 (ends on the        W11 is open (ended_on = first day); changes
//        window's first day), CHARLIE W12 2025-10-02..12-01,    W12 (CHARLIE) and W13 (ALPHA); 3 workers ->
//        ALPHA W13 2026-08-01..2026-09-30                       3+, latest open period W13 -> ALPHA
//  C8    BRAVO W14 2026-10-01..                                 starts after the window: not open
//  C9    CHARLIE W15 2025-10-01..2026-01-31, ALPHA W15 2026-02-01..  same worker moves team: no change;
//                                                               open in CHARLIE and ALPHA
//
//  service: open C1 C2 C3 C4 C6 C7 C9 = 7; changes 2 (C2) + 2 (C3) + 1 (C6) + 2 (C7) = 7; 3+ C2, C7 = 2
//  ALPHA:   open C1 C2 C6 C7 C9 = 5;  changes C2 x2, C7 (W13) = 3;  3+ C2, C7 = 2
//  BRAVO:   open C3 C4 C6 = 3;        changes C3 x2, C6 = 3;         3+ 0
//  CHARLIE: open C7 C9 = 2;           changes C7 (W12) = 1;          3+ 0
//  (team rows add up to 10 open cases: C6, C7 and C9 count in two teams each, once for the service)
const YEAR_2026 = {
  SERVICE: [7, 7, 2], ALPHA: [5, 3, 2], BRAVO: [3, 3, 0], CHARLIE: [2, 1, 0],
};

// The same file, window 2 October 2025 - 30 September 2026 (not 12 months: computed
// from the periods): C7's W11 ended on 1 October, so C7 has W12 and W13 only -> not
// 3+; everything else as above (W12 is allocated on 2 October, still a change).
const FROM_2_OCT = {
  SERVICE: [7, 7, 1], ALPHA: [5, 3, 1], BRAVO: [3, 3, 0], CHARLIE: [2, 1, 0],
};

// The same file, the 12 months ending 31 March 2026 (1 April 2025 - 31 March 2026),
// from the trend (steady_alloc_monthly up to 2026-09-30 uses the 2026-09-30 batch):
//  C1 open ALPHA; C2 W2, W3 open (W4 starts 1 April 2026: no), change W3 -> ALPHA 1;
//  C3 W5, W6 open, change W6 -> BRAVO 1; C4 W7 (ends 29 Sep 2025) and W8 open, change
//  W8 on 30 Sep 2025 now inside -> BRAVO 1; C5 W9 open (ALPHA; W1 ended January 2025),
//  its change on 1 Feb 2025 is before; C6 both periods, change W10 -> BRAVO 1;
//  C7 W11, W12 open (W13 later), change W12 -> CHARLIE 1; C9 both, no change.
//  No case has 3 workers.
//  service: open C1-C7, C9 = 8; changes 5; 3+ 0
//  ALPHA: C1 C2 C5 C6 C9 = 5, 1 change; BRAVO: C3 C4 C6 = 3, 3 changes; CHARLIE: C7 C9 = 2, 1
const YEAR_TO_MARCH_2026 = {
  SERVICE: [8, 5, 0], ALPHA: [5, 1, 0], BRAVO: [3, 3, 0], CHARLIE: [2, 1, 0],
};

test('allocations upload -> 201; counts match the hand computation', { timeout: 120_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();

  assert.deepEqual(await counts(env.db, '2025-10-01', '2026-09-30'), {},
    'no allocations batch in force: no rows at all');

  const res = await upload(d.url, Q, ALLOC('alloc-small.csv'));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.kind, 'allocations');
  assert.equal(res.body.rows, 19);
  assert.equal(res.body.as_of, '2026-09-30');
  const batch = res.body.batch_id;
  assert.equal(await psql(env.db, `SELECT kind || ' ' || source || ' ' || as_of || ' ' || row_count
      FROM upload_batch WHERE id = ${batch}`), 'allocations cms 2026-09-30 19');
  assert.equal(await psql(env.db, `SELECT count(*) FROM allocation_row WHERE batch_id = ${batch}`), '19');
  // row numbers and ids as in the file; team "Alpha Team" resolved by name
  assert.equal(await psql(env.db, `SELECT r.line || ' ' || r.case_id || ' ' || t.code || ' ' || r.worker_id
      FROM allocation_row r JOIN team t ON t.id = r.team_id WHERE r.batch_id = ${batch} AND r.case_id = 'C6'
      ORDER BY r.line`), '13 C6 ALPHA W1\n14 C6 BRAVO W10');

  await t.test('12 months to 30 September 2026 (allocation_day)', async () => {
    assert.deepEqual(await counts(env.db, '2025-10-01', '2026-09-30'), YEAR_2026);
  });
  await t.test('2 October 2025 - 30 September 2026 (computed from the periods)', async () => {
    assert.deepEqual(await counts(env.db, '2025-10-02', '2026-09-30'), FROM_2_OCT);
  });
  await t.test('monthly trend: 31 March and 30 September 2026', async () => {
    const m = await monthly(env.db, '2026-03-01', '2026-09-30');
    assert.deepEqual(Object.keys(m), ['2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30',
      '2026-07-31', '2026-08-31', '2026-09-30']);
    assert.deepEqual(m['2026-03-31'], YEAR_TO_MARCH_2026);
    assert.deepEqual(m['2026-09-30'], YEAR_2026);
  });
  await t.test('a window ending before the batch\'s as_of has no batch in force', async () => {
    assert.deepEqual(await counts(env.db, '2025-04-01', '2026-03-31'), {});
  });
});

// tests/data/alloc/alloc-latest.csv: one case, C10 (semicolons, UK dates, aliases
// Child ID / Team Name / Social Worker ID / Start Date / End Date):
//   P1 BRAVO   W16 2024-01-01..            (still open)
//   P2 CHARLIE W17 2024-02-01..2025-03-31
//   P3 CHARLIE W18 2024-03-01..2024-10-15
//   P4 ALPHA   W19 2024-04-01..2024-04-30
// A 3+ case counts for the team of its latest period (allocated_on order) open in
// the window; when that period has closed, an earlier one that is still open
// takes over:
//   12 months to 2025-03-31 (from 2024-04-01): P1-P4 open, 4 workers -> 3+, latest P4
//     -> ALPHA; change W18 -> W19 on 2024-04-01 -> ALPHA 1.  Open in BRAVO, CHARLIE, ALPHA.
//   to 2025-09-30 (from 2024-10-01): P4 ended 2024-04-30: P1-P3 open, 3 workers -> 3+,
//     latest open P3 -> CHARLIE; no change in the window.
//   to 2025-10-31 (from 2024-11-01): P3 ended 2024-10-15: 2 workers, not 3+.
//   to 2026-03-31 (from 2025-04-01): P2 ended 2025-03-31: P1 only, BRAVO.
test('3+ cases count for the team of the latest period open in the window', { timeout: 120_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const res = await upload(d.url, Q, ALLOC('alloc-latest.csv'));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const m = await monthly(env.db, '2025-03-01', '2026-09-30');
  assert.deepEqual(m['2025-03-31'], { SERVICE: [1, 1, 1], ALPHA: [1, 1, 1], BRAVO: [1, 0, 0], CHARLIE: [1, 0, 0] });
  assert.deepEqual(m['2025-09-30'], { SERVICE: [1, 0, 1], BRAVO: [1, 0, 0], CHARLIE: [1, 0, 1] });
  assert.deepEqual(m['2025-10-31'], { SERVICE: [1, 0, 0], BRAVO: [1, 0, 0], CHARLIE: [1, 0, 0] });
  assert.deepEqual(m['2026-03-31'], { SERVICE: [1, 0, 0], BRAVO: [1, 0, 0] });
  // the computed path (a window of about two years, 2 October 2024 - 30 September
  // 2026; it has to end on or after the batch's as_of): P4 ended before it, P1-P3
  // are open (P3 until 15 October 2024), so 3 workers and the latest open period
  // is P3 -> CHARLIE; nothing allocated in the window, no change
  assert.deepEqual(await counts(env.db, '2024-10-02', '2026-09-30'),
    { SERVICE: [1, 0, 1], BRAVO: [1, 0, 0], CHARLIE: [1, 0, 1] });
});

// ---------------------------------------------------------------- refusals

// A rejected upload is only noted in upload_rejected (sql/004); the alert tables are
// written asynchronously after the good upload (as in 03-bad-upload).
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

// tests/data/alloc/alloc-bad.csv:
//   row 2 C1,ALPHA,W1,2025-06-01,            fine
//   row 3 C2,NOPE,W2,...                     unknown team (found by the database)  -> team
//   row 4 C3,BRAVO,W3,2026-02-01,2026-01-31  ended before allocated                -> ended_on
//   row 5 C4,BRAVO,,2026-02-01,              no worker                             -> worker_id
//   row 6 C1,ALPHA,W1,2025-06-01,            repeats row 2                         -> allocated_on
//   row 7 C5,BRAVO,W5,31/12/25,              two-digit year                        -> allocated_on
test('bad allocations file -> 422 naming every problem, nothing stored', { timeout: 180_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const ok = await upload(d.url, Q, ALLOC('alloc-small.csv'));
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  const countsBefore = await tableCounts(env.db);
  const dumpBefore = await dataDump(env.db);

  const res = await upload(d.url, { ...Q, as_of: '2026-10-31' }, ALLOC('alloc-bad.csv'));
  assert.equal(res.status, 422, JSON.stringify(res.body));
  const got = (res.body.errors ?? []).map((e) => `${e.row}:${e.column}:${e.value}`);
  assert.deepEqual(got, ['3:team:NOPE', '4:ended_on:2026-01-31', '5:worker_id:', '6:allocated_on:2025-06-01',
    '7:allocated_on:31/12/25']);
  assert.equal(res.body.error_count, 5);
  assert.match(res.body.errors[3].message, /on both row 2 and row 6/);
  assert.match(res.body.errors[1].message, /before allocated_on 2026-02-01/);

  // only an unknown team: refused by steady_load_allocations itself (SQLSTATE ST422)
  const onlyTeam = 'case_id,team,worker_id,allocated_on,ended_on\nK1,ALPHA,W1,2026-01-01,\nK2,Nowhere,W1,2026-01-01,\n';
  const r2 = await upload(d.url, { ...Q, as_of: '2026-10-31' }, onlyTeam);
  assert.equal(r2.status, 422, JSON.stringify(r2.body));
  assert.deepEqual(r2.body.errors.map((e) => `${e.row}:${e.column}:${e.value}`), ['3:team:Nowhere']);

  // a header without ended_on is refused, not read as "every allocation still open"
  const noEnd = 'case_id,team,worker_id,allocated_on\nK1,ALPHA,W1,2026-01-01\n';
  const r3 = await upload(d.url, { ...Q, as_of: '2026-10-31' }, noEnd);
  assert.equal(r3.status, 422, JSON.stringify(r3.body));
  assert.deepEqual(r3.body.errors.map((e) => `${e.row}:${e.column}`), ['1:ended_on']);

  assert.deepEqual(await tableCounts(env.db), countsBefore, 'row counts of every table unchanged');
  assertSameText(await dataDump(env.db), dumpBefore, 'data (pg_dump --data-only)');
  assert.equal(await psql(env.db, `SELECT steady_alloc_batch('2026-10-31')`), String(ok.body.batch_id));
});

test('more than 1000 rows with unknown teams: 999 named, the rest counted in one line', { timeout: 120_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  let csv = 'case_id,team,worker_id,allocated_on,ended_on\n';
  for (let i = 0; i < 1500; i++) csv += `K${i},${i % 2 ? 'Ghost' : 'Phantom'},W1,2026-01-01,\n`;
  const res = await upload(d.url, Q, csv);
  assert.equal(res.status, 422, JSON.stringify(res.body).slice(0, 500));
  assert.equal(res.body.errors.length, 1000);
  assert.equal(res.body.error_count, 1000);
  const named = res.body.errors.filter((e) => e.row > 0);
  assert.equal(named.length, 999);
  assert.deepEqual(named.slice(0, 2).map((e) => `${e.row}:${e.value}`), ['2:Phantom', '3:Ghost']);
  assert.equal(named[998].row, 1000);
  const last = res.body.errors.find((e) => e.row === 0);
  assert.ok(last, 'a summary line');
  assert.match(last.message, /^501 more rows name unknown teams \("Ghost", "Phantom"\)/);
  assert.equal(await psql(env.db, "SELECT count(*) FROM upload_batch WHERE kind = 'allocations'"), '0');
});

// ---------------------------------------------------------------- random data

// The definitions, written naively on the text columns of the batch in force.
const NAIVE = `CREATE FUNCTION naive_counts(f date, t date)
RETURNS TABLE (team_id integer, cases_open bigint, worker_changes bigint, cases_3plus bigint)
LANGUAGE sql STABLE AS $$
WITH r AS (SELECT * FROM allocation_row WHERE batch_id = steady_alloc_batch(t)),
ordered AS (SELECT r.*, lag(worker_id) OVER (PARTITION BY case_id
                          ORDER BY allocated_on, ended_on NULLS LAST, line) AS prev FROM r),
op AS (SELECT * FROM ordered WHERE allocated_on <= t AND (ended_on IS NULL OR ended_on >= f)),
latest AS (SELECT DISTINCT ON (case_id) case_id, team_id FROM op
            ORDER BY case_id, allocated_on DESC, ended_on DESC NULLS FIRST, line DESC),
three AS (SELECT case_id FROM op GROUP BY case_id HAVING count(DISTINCT worker_id) >= 3),
chg AS (SELECT * FROM op WHERE prev IS NOT NULL AND prev <> worker_id AND allocated_on >= f)
SELECT NULL::int, (SELECT count(DISTINCT case_id) FROM op), (SELECT count(*) FROM chg),
       (SELECT count(*) FROM three)
 WHERE EXISTS (SELECT 1 FROM r)
UNION ALL
SELECT tm.team_id,
       (SELECT count(DISTINCT case_id) FROM op WHERE op.team_id = tm.team_id),
       (SELECT count(*) FROM chg WHERE chg.team_id = tm.team_id),
       (SELECT count(*) FROM three JOIN latest USING (case_id) WHERE latest.team_id = tm.team_id)
  FROM (SELECT DISTINCT op.team_id FROM op) tm
$$`;

// Rows that differ between two queries of the same shape, in either direction.
const DIFF = (a, b) => `(SELECT count(*) FROM ((TABLE ${a} EXCEPT TABLE ${b}) UNION ALL (TABLE ${b} EXCEPT TABLE ${a})) x)`;

function rng(seed) { // mulberry32
  return () => {
    seed = (seed + 0x6D2B79F5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** 400 cases over 2022-2026: sequential, overlapping, nested and same-day periods,
 * returning workers, team moves, 29 February dates; no repeated (case, worker, start). */
function randomExtract(seed) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const day = (d) => new Date(Date.UTC(2022, 0, 1) + d * 86400000).toISOString().slice(0, 10);
  const leapDays = [(Date.UTC(2024, 1, 29) - Date.UTC(2022, 0, 1)) / 86400000];
  let csv = 'case_id,team,worker_id,allocated_on,ended_on\n';
  for (let c = 0; c < 400; c++) {
    let start = Math.floor(r() * 4 * 365);
    const n = pick([1, 1, 2, 3, 4, 5, 6]);
    const seen = new Set();
    for (let k = 0; k < n; k++) {
      const w = `W${Math.floor(r() * 12)}`;
      let a = r() < 0.2 ? start + Math.floor(r() * 80) - 60 : start;
      if (r() < 0.03) a = leapDays[0];
      let e = a + pick([0, 1, 15, 40, 100, 200, 400, 700]);
      if (r() < 0.03 && e < leapDays[0]) e = leapDays[0];
      const open = (k === n - 1 && r() < 0.5) || r() < 0.05;
      if (seen.has(`${w} ${a}`)) continue;
      seen.add(`${w} ${a}`);
      csv += `K${c},${pick(['ALPHA', 'BRAVO', 'CHARLIE'])},${w},${day(a)},${open ? '' : day(e)}\n`;
      start = e + pick([0, 1, 1, 3, 30, 200, 500]);
    }
  }
  return csv;
}

test('random extracts: trend, 12-month and other windows agree with the naive definitions', { timeout: 240_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  await psql(env.db, NAIVE);
  for (const seed of [1, 2]) {
    const res = await upload(d.url, { ...Q, source: `rnd${seed}`, as_of: '2021-12-31' }, randomExtract(seed));
    assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 1000));
    const out = await psql(env.db, `
      CREATE TEMP TABLE months AS SELECT (g + interval '1 month' - interval '1 day')::date AS m
        FROM generate_series('2021-12-01'::date, '2029-12-01', '1 month') g;
      CREATE TEMP TABLE mon AS SELECT * FROM steady_alloc_monthly('2021-12-01', '2029-12-31');
      CREATE TEMP TABLE mcnt AS SELECT mo.m AS month, c.* FROM months mo,
        steady_alloc_counts((mo.m - interval '12 months')::date + 1, mo.m) c;
      CREATE TEMP TABLE mnv AS SELECT mo.m AS month, c.* FROM months mo,
        naive_counts((mo.m - interval '12 months')::date + 1, mo.m) c;
      CREATE TEMP TABLE days AS SELECT g::date AS t FROM generate_series('2024-02-20'::date, '2024-03-05', '1 day') g
        UNION SELECT g::date FROM generate_series('2025-02-20'::date, '2025-03-05', '1 day') g
        UNION SELECT '2022-01-01'::date + (i * 41) % 2600 FROM generate_series(1, 80) i;
      CREATE TEMP TABLE dcnt AS SELECT w.t, c.* FROM days w, steady_alloc_counts((w.t - interval '12 months')::date + 1, w.t) c;
      CREATE TEMP TABLE dnv AS SELECT w.t, c.* FROM days w, naive_counts((w.t - interval '12 months')::date + 1, w.t) c;
      CREATE TEMP TABLE win AS SELECT ('2022-01-01'::date + (i * 37) % 2400) AS f, ((i * 53) % 900) AS len
        FROM generate_series(1, 80) i;
      CREATE TEMP TABLE wcnt AS SELECT w.f, w.len, c.* FROM win w, steady_alloc_counts(w.f, w.f + w.len) c;
      CREATE TEMP TABLE wnv AS SELECT w.f, w.len, c.* FROM win w, naive_counts(w.f, w.f + w.len) c;
      SELECT ${DIFF('mon', 'mcnt')}, ${DIFF('mcnt', 'mnv')}, ${DIFF('dcnt', 'dnv')}, ${DIFF('wcnt', 'wnv')},
             (SELECT count(*) FROM mon), (SELECT sum(cases_3plus) FROM mon WHERE team_id IS NULL),
             (SELECT count(*) FROM wcnt)`);
    const [monVsCounts, countsVsNaive, daysVsNaive, windowsVsNaive, monRows, sum3, winRows] =
      out.split('\n').pop().split('|').map(Number);
    assert.deepEqual({ monVsCounts, countsVsNaive, daysVsNaive, windowsVsNaive },
      { monVsCounts: 0, countsVsNaive: 0, daysVsNaive: 0, windowsVsNaive: 0 }, `seed ${seed}`);
    assert.ok(monRows > 300 && sum3 > 100 && winRows > 200, `seed ${seed}: the data exercises the counts ` +
      `(${monRows} monthly rows, ${sum3} 3+ case-months, ${winRows} window rows)`);
  }
});
