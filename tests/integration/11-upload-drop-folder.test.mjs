// 11. The drop folder (drop_dir): steadyd loads settled files named
//     KIND-SOURCE-YYYY-MM-DD.csv through the upload path, moves them to done/ or
//     failed/ with NAME.report.json, and never loads a file still being written.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, setup, getJson, readData, teamOf, psql, TEAMS } from './lib.mjs';

async function waitFor(fn, ms, what) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('drop folder: done/ and failed/ with reports; half-written files wait', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steady-drop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const d = await env.startDaemon({ config: { drop_dir: dir, drop_poll_seconds: 1 } });
  assert.ok(existsSync(path.join(dir, 'done')) && existsSync(path.join(dir, 'failed')));

  // a good file
  writeFileSync(path.join(dir, 'roster-hr-2026-09-30.csv'), readData('roster-small.csv'));
  const rep = path.join(dir, 'done', 'roster-hr-2026-09-30.csv.report.json');
  await waitFor(() => existsSync(rep), 15_000, 'done/roster-hr-2026-09-30.csv.report.json');
  assert.ok(existsSync(path.join(dir, 'done', 'roster-hr-2026-09-30.csv')));
  assert.ok(!existsSync(path.join(dir, 'roster-hr-2026-09-30.csv')));
  const r = JSON.parse(readFileSync(rep, 'utf8'));
  assert.equal(r.status, 'loaded');
  assert.equal(r.rows, 12);
  assert.ok(r.batch_id > 0);
  assert.equal(await psql(env.db, `SELECT uploaded_by FROM upload_batch WHERE id = ${r.batch_id}`),
    'drop:roster-hr-2026-09-30.csv');
  await waitFor(async () => teamOf((await getJson(`${d.url}/api/v1/summary`)).body, 'ALPHA').agency_rate_fte.value === 36.4,
    5000, 'figures from the dropped file');

  // the same bytes again under another name: a duplicate, not counted twice
  writeFileSync(path.join(dir, 'roster-hr-2026-09-30-again.csv'), readData('roster-small.csv'));
  const rep2 = path.join(dir, 'done', 'roster-hr-2026-09-30-again.csv.report.json');
  await waitFor(() => existsSync(rep2), 15_000, 'the duplicate report');
  assert.equal(JSON.parse(readFileSync(rep2, 'utf8')).status, 'duplicate');
  assert.equal(await psql(env.db, 'SELECT count(*) FROM upload_batch'), '1');

  // a file with problems, and a name that says nothing
  writeFileSync(path.join(dir, 'roster-hr-2026-10-31.csv'), readData('bad-mixed.csv'));
  writeFileSync(path.join(dir, 'payroll.csv'), 'a,b\n1,2\n');
  const bad = path.join(dir, 'failed', 'roster-hr-2026-10-31.csv.report.json');
  const odd = path.join(dir, 'failed', 'payroll.csv.report.json');
  await waitFor(() => existsSync(bad) && existsSync(odd), 20_000, 'failed/ reports');
  const b = JSON.parse(readFileSync(bad, 'utf8'));
  assert.equal(b.status, 'rejected');
  assert.deepEqual(b.errors.map((e) => `${e.row}:${e.column}`).sort(), ['3:team', '4:fte', '5:contract']);
  assert.match(JSON.parse(readFileSync(odd, 'utf8')).message, /roster- or allocations-/);
  assert.ok(existsSync(path.join(dir, 'failed', 'payroll.csv')));

  // a file still being written is left alone until it stops changing
  const slow = path.join(dir, 'roster-agency-2026-09-30.csv');
  const lines = readFileSync(path.join(path.dirname(rep), '..', 'done', 'roster-hr-2026-09-30.csv'), 'utf8')
    .split('\n').filter(Boolean);
  writeFileSync(slow, `${lines[0]}\n`);
  for (let i = 1; i < 12; i++) {
    await new Promise((res) => setTimeout(res, 300));
    assert.ok(existsSync(slow), `moved away while still being written (after ${i} appends)`);
    appendFileSync(slow, `${lines[i].replace(/^([AB])0/, 'G$1')}\n`);
  }
  assert.equal(await psql(env.db, "SELECT count(*) FROM upload_batch WHERE source = 'agency'"), '0');
  await waitFor(() => existsSync(`${path.join(dir, 'done', 'roster-agency-2026-09-30.csv')}.report.json`),
    15_000, 'the slow file loaded once complete');
  assert.equal(await psql(env.db, "SELECT row_count FROM upload_batch WHERE source = 'agency'"), '11');
  assert.deepEqual(readdirSync(dir).sort(), ['done', 'failed']);
});
