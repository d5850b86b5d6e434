// 2. Upload -> summary: a hand-made roster (tests/data/roster-small.csv; the
//    figures are worked by hand in tests/data/roster-small.md) posted to
//    POST /api/v1/uploads, then GET /api/v1/summary checked figure by figure.
import assert from 'node:assert/strict';
import { test, setup, upload, getJson, readData, teamOf, assertFigures, figures, TEAMS } from './lib.mjs';


// Hand-computed (tests/data/roster-small.md). Rates: A / (A + E) x 100 rounded
// to one decimal; null when the denominator is 0; small when it is under 10.
// B006 left on 2026-08-31, before as_of: excluded.
const WANT = {
  // perm 3 x 1.0, fixed 0.5, agency 2 x 1.0 -> 2.0/5.5 = 36.36%; heads 2/6 = 33.33%
  ALPHA: figures({ p: 3.0, f: 0.5, a: 2.0 }, { p: 3, f: 1, a: 2 }, { fte: 36.4, heads: 33.3 }),
  // perm 1.0+1.0+1.0+0.6 = 3.6, agency 0.4 -> 0.4/4.0 = 10.0%; heads 1/5 = 20.0%
  BRAVO: figures({ p: 3.6, f: 0, a: 0.4 }, { p: 4, f: 0, a: 1 }, { fte: 10.0, heads: 20.0 }),
  // nobody: every rate null ("no data", never 0%)
  CHARLIE: figures({ p: 0, f: 0, a: 0 }, { p: 0, f: 0, a: 0 }, { fte: null, heads: null }),
  // 6.6 + 0.5 + 2.4 = 9.5 FTE: 2.4/9.5 = 25.26% (small: 9.5 < 10); heads 3/11 = 27.27% (not small)
  service: figures({ p: 6.6, f: 0.5, a: 2.4 }, { p: 7, f: 1, a: 3 }, { fte: 25.3, heads: 27.3 }),
};

test('before any upload: as_of null, every team listed with zero counts', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const { status, body } = await getJson(`${d.url}/api/v1/summary`);
  assert.equal(status, 200);
  assert.equal(body.as_of, null);
  assert.equal(typeof body.generated_at, 'string');
  assert.match(body.generated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(body.teams.map((x) => x.code).sort(), ['ALPHA', 'BRAVO', 'CHARLIE']);
  const zero = figures({ p: 0, f: 0, a: 0 }, { p: 0, f: 0, a: 0 }, { fte: null, heads: null });
  for (const tm of body.teams) assertFigures(tm, zero, tm.code);
  assertFigures(body.service, zero, 'service');
});

test('upload a roster, then the summary has the hand-computed figures', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();

  const res = await upload(d.url, { source: 'hr', as_of: '2026-09-30' }, readData('roster-small.csv'));
  assert.equal(res.status, 201, `POST /api/v1/uploads: ${JSON.stringify(res.body)}`);
  assert.equal(typeof res.body.batch_id, 'number');
  assert.ok(Number.isInteger(res.body.batch_id) && res.body.batch_id > 0);
  const { batch_id: _ignored, ...rest } = res.body;
  assert.deepEqual(rest, { kind: 'roster', source: 'hr', as_of: '2026-09-30', rows: 12, duplicate: false, profile: null },
    '201 body (rows counts every data row stored, the leaver included)');
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);

  const { status, body } = await getJson(`${d.url}/api/v1/summary`);
  assert.equal(status, 200);
  assert.equal(body.as_of, '2026-09-30');
  assert.equal(body.teams.length, 3);
  const errors = [];
  for (const code of ['ALPHA', 'BRAVO', 'CHARLIE']) {
    const tm = teamOf(body, code);
    const def = TEAMS.find((x) => x.code === code);
    if (tm.name !== def.name) errors.push(`${code} name: got ${tm.name}`);
    if (tm.area !== def.area) errors.push(`${code} area: got ${tm.area}`);
    if (!Number.isInteger(tm.id)) errors.push(`${code} id: got ${tm.id}`);
    try { assertFigures(tm, WANT[code], code); } catch (e) { errors.push(e.message); }
  }
  try { assertFigures(body.service, WANT.service, 'service'); } catch (e) { errors.push(e.message); }
  assert.deepEqual(errors, [], 'summary figures');
});
