// 4. The roster at a date is the union of the latest snapshot of every source on
//    or before it: hr + agency on the same date add up; a second hr upload
//    replaces the hr part only; a later agency extract moves as_of on and keeps
//    the hr snapshot that is still the latest.
import assert from 'node:assert/strict';
import { test, setup, upload, getJson, readData, teamOf, assertFigures, figures, TEAMS } from './lib.mjs';

async function checkSummary(d, asOf, want) {
  const { status, body } = await getJson(`${d.url}/api/v1/summary`);
  assert.equal(status, 200);
  assert.equal(body.as_of, asOf, 'as_of');
  const errors = [];
  for (const code of Object.keys(want)) {
    try {
      assertFigures(code === 'service' ? body.service : teamOf(body, code), want[code], code);
    } catch (e) { errors.push(e.message); }
  }
  assert.deepEqual(errors, [], 'figures');
}

const NONE = figures({ p: 0, f: 0, a: 0 }, { p: 0, f: 0, a: 0 }, { fte: null, heads: null });

test('hr then agency on the same date, then hr again, then a later agency extract', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();

  // union-hr.csv: ALPHA H1 perm 1.0, H2 perm 1.0, H3 fixed 0.5; BRAVO H4 perm 1.0
  let r = await upload(d.url, { source: 'hr', as_of: '2026-09-30' }, readData('union-hr.csv'));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.rows, 4);
  await checkSummary(d, '2026-09-30', {
    ALPHA: figures({ p: 2.0, f: 0.5, a: 0 }, { p: 2, f: 1, a: 0 }, { fte: 0.0, heads: 0.0 }),
    BRAVO: figures({ p: 1.0, f: 0, a: 0 }, { p: 1, f: 0, a: 0 }, { fte: 0.0, heads: 0.0 }),
    CHARLIE: NONE,
    service: figures({ p: 3.0, f: 0.5, a: 0 }, { p: 3, f: 1, a: 0 }, { fte: 0.0, heads: 0.0 }),
  });

  // + union-agency.csv: ALPHA G1 1.0; BRAVO G2 1.0, G3 0.5
  r = await upload(d.url, { source: 'agency', as_of: '2026-09-30' }, readData('union-agency.csv'));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.source, 'agency');
  await checkSummary(d, '2026-09-30', {
    // 1.0 / 3.5 = 28.57%; heads 1/4 = 25.0%
    ALPHA: figures({ p: 2.0, f: 0.5, a: 1.0 }, { p: 2, f: 1, a: 1 }, { fte: 28.6, heads: 25.0 }),
    // 1.5 / 2.5 = 60.0%; heads 2/3 = 66.67%
    BRAVO: figures({ p: 1.0, f: 0, a: 1.5 }, { p: 1, f: 0, a: 2 }, { fte: 60.0, heads: 66.7 }),
    CHARLIE: NONE,
    // 2.5 / 6.0 = 41.67%; heads 3/7 = 42.86%
    service: figures({ p: 3.0, f: 0.5, a: 2.5 }, { p: 3, f: 1, a: 3 }, { fte: 41.7, heads: 42.9 }),
  });

  // a second hr extract for the same date (as_of given the UK way) replaces hr only:
  // union-hr-2.csv: ALPHA H1 perm 1.0, H5 perm 0.8; BRAVO H4 perm 1.0, H6 fixed 1.0
  r = await upload(d.url, { source: 'hr', as_of: '30/09/2026' }, readData('union-hr-2.csv'));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.as_of, '2026-09-30', 'UK date normalised');
  await checkSummary(d, '2026-09-30', {
    // 1.0 / 2.8 = 35.71%; heads 1/3 = 33.33%
    ALPHA: figures({ p: 1.8, f: 0, a: 1.0 }, { p: 2, f: 0, a: 1 }, { fte: 35.7, heads: 33.3 }),
    // 1.5 / 3.5 = 42.86%; heads 2/4 = 50.0%
    BRAVO: figures({ p: 1.0, f: 1.0, a: 1.5 }, { p: 1, f: 1, a: 2 }, { fte: 42.9, heads: 50.0 }),
    CHARLIE: NONE,
    // 2.5 / 6.3 = 39.68%; heads 3/7 = 42.86%
    service: figures({ p: 2.8, f: 1.0, a: 2.5 }, { p: 3, f: 1, a: 3 }, { fte: 39.7, heads: 42.9 }),
  });

  // a later agency extract (only G1 left): as_of moves to 2026-10-31 and the
  // 2026-09-30 hr snapshot (the second one) is still the latest hr on or before it
  r = await upload(d.url, { source: 'agency', as_of: '2026-10-31' }, readData('union-agency-2026-10-31.csv'));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await checkSummary(d, '2026-10-31', {
    ALPHA: figures({ p: 1.8, f: 0, a: 1.0 }, { p: 2, f: 0, a: 1 }, { fte: 35.7, heads: 33.3 }),
    // no agency left: 0 / 2.0 = 0.0%
    BRAVO: figures({ p: 1.0, f: 1.0, a: 0 }, { p: 1, f: 1, a: 0 }, { fte: 0.0, heads: 0.0 }),
    CHARLIE: NONE,
    // 1.0 / 4.8 = 20.83%; heads 1/5 = 20.0%
    service: figures({ p: 2.8, f: 1.0, a: 1.0 }, { p: 3, f: 1, a: 1 }, { fte: 20.8, heads: 20.0 }),
  });
});
