// 10. Uploads people can trust: dry run (stores nothing, exact before -> after on
//     a hand-computed fixture: tests/data/upload/README.md), duplicate detection,
//     revert (summary back, update pushed over the WebSocket), history, original
//     bytes, rejected uploads in the history, mapping profiles, limits (413/422),
//     steadyctl upload --dry-run / revert / uploads.
import assert from 'node:assert/strict';
import {
  test, setup, upload, getJson, readData, teamOf, psql, steadyctl, TEAMS, until,
} from './lib.mjs';

const ASOF = '2026-09-30';

async function post(url, body, method = 'POST') {
  const r = await fetch(url, { method, body, headers: body ? { 'Content-Type': 'application/json' } : {} });
  const text = await r.text();
  let json; try { json = JSON.parse(text); } catch { json = text; }
  return { status: r.status, body: json, headers: r.headers };
}

async function dryRun(base, params, csv) {
  const q = new URLSearchParams({ kind: 'roster', dry_run: '1', ...params });
  const r = await fetch(`${base}/api/v1/uploads?${q}`, { method: 'POST', body: csv, headers: { 'Content-Type': 'text/csv' } });
  return { status: r.status, body: await r.json() };
}

const counts = async (db) => psql(db,
  'SELECT (SELECT count(*) FROM upload_batch) || \',\' || (SELECT count(*) FROM roster_row)');

test('the same bytes again are a duplicate only while their batch is the one in force', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const v1 = readData('roster-small.csv');
  const v2 = readData('upload/hr-2026-09-30-v2.csv');
  const alpha = async () => teamOf((await getJson(`${d.url}/api/v1/summary`)).body, 'ALPHA').agency_rate_fte.value;
  const r1 = await upload(d.url, { source: 'hr', as_of: ASOF }, v1);
  assert.equal(r1.status, 201);
  const r2 = await upload(d.url, { source: 'hr', as_of: ASOF }, v2);
  assert.equal(r2.status, 201);
  // v1 again, to undo v2 by hand: stored as a new batch that is in force (ALPHA 36.4% as with v1, not v2's 30.0%)
  const pv = await dryRun(d.url, { source: 'hr', as_of: ASOF }, v1);
  assert.equal(pv.body.duplicate_of, null, 'the preview does not call it a duplicate either');
  const r3 = await upload(d.url, { source: 'hr', as_of: ASOF }, v1);
  assert.equal(r3.status, 201, JSON.stringify(r3.body));
  assert.equal(r3.body.duplicate, false);
  assert.ok(r3.body.batch_id > r2.body.batch_id);
  await until(async () => (await alpha()) === 36.4, 10_000, 'the figures to follow the re-uploaded v1');
  // and now, while it is in force, the same bytes once more are a duplicate of that new batch
  const r4 = await upload(d.url, { source: 'hr', as_of: ASOF }, v1);
  assert.deepEqual([r4.status, r4.body.duplicate, r4.body.batch_id], [200, true, r3.body.batch_id]);
});

test('dry run stores nothing and reports before -> after exactly; duplicate; revert', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const c = await env.live(d);
  await c.next((m) => m.type === 'snapshot', 5000, 'snapshot');

  const first = await upload(d.url, { source: 'hr', as_of: ASOF }, readData('roster-small.csv'));
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(first.body.duplicate, false);
  const b1 = first.body.batch_id;
  await c.next((m) => m.type === 'update' && m.data?.as_of === ASOF, 3000, 'update after the first upload');
  assert.equal(await counts(env.db), '1,12');

  // ---- dry run of the replacement
  const v2 = readData('upload/hr-2026-09-30-v2.csv');
  const p = await dryRun(d.url, { source: 'hr', as_of: ASOF }, v2);
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(await counts(env.db), '1,12', 'a dry run stores nothing');
  const pv = p.body;
  assert.equal(pv.dry_run, true);
  assert.equal(pv.valid, true);
  assert.equal(pv.encoding, 'UTF-8');
  assert.equal(pv.delimiter, ',');
  assert.deepEqual(pv.columns, [
    { header: 'staff_id', column: 'staff_id' }, { header: 'team', column: 'team' },
    { header: 'contract', column: 'contract' }, { header: 'fte', column: 'fte' }]);
  assert.deepEqual(pv.rows, { data: 10, valid: 10 });
  assert.deepEqual(pv.errors, []);
  assert.equal(pv.replaces, b1);
  assert.equal(pv.duplicate_of, null);
  assert.deepEqual(pv.warnings.map((w) => w.code).sort(), ['missing_staff', 'replaces_same_date']);
  const ch = pv.changes;
  assert.deepEqual(ch.starters, { headcount: 1, fte: 0.5,
    staff: [{ staff_id: 'A007', team: 'ALPHA', contract: 'agency', fte: 0.5 }] });
  assert.equal(ch.leavers.headcount, 2);
  assert.equal(ch.leavers.fte, 1.4);
  assert.deepEqual(ch.leavers.staff.map((s) => s.staff_id), ['A006', 'B005']);
  const team = (code) => ch.teams.find((x) => x.code === code);
  assert.deepEqual([team('ALPHA').before.agency_rate_fte, team('ALPHA').after.agency_rate_fte], [36.4, 30.0]);
  assert.deepEqual([team('BRAVO').before.agency_rate_fte, team('BRAVO').after.agency_rate_fte], [10.0, 0.0]);
  assert.equal(team('CHARLIE'), undefined, 'teams with nobody before or after are left out');
  assert.deepEqual([ch.service.before.agency_rate_fte, ch.service.after.agency_rate_fte], [25.3, 17.4]);

  // ---- a dry run of a file with problems: 200, every problem listed, nothing stored
  const bad = await dryRun(d.url, { source: 'hr', as_of: ASOF }, readData('bad-unknown-team.csv'));
  assert.equal(bad.status, 200);
  assert.equal(bad.body.valid, false);
  assert.ok(bad.body.errors.length > 0 && bad.body.errors.every((e) => e.row > 0 && e.message));

  // ---- duplicate: the same bytes again are not counted twice
  const again = await upload(d.url, { source: 'hr', as_of: ASOF }, readData('roster-small.csv'));
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.duplicate, true);
  assert.equal(again.body.batch_id, b1);
  assert.equal(await counts(env.db), '1,12');
  const dupPreview = await dryRun(d.url, { source: 'hr', as_of: ASOF }, readData('roster-small.csv'));
  assert.equal(dupPreview.body.duplicate_of, b1);

  // ---- commit = the same POST without dry_run; the figures follow
  const second = await upload(d.url, { source: 'hr', as_of: ASOF }, v2);
  assert.equal(second.status, 201, JSON.stringify(second.body));
  const b2 = second.body.batch_id;
  const u2 = await c.next((m) => m.type === 'update' && teamOf(m.data, 'ALPHA').agency_rate_fte.value === 30.0,
    3000, 'update with the new figures');
  assert.equal(u2.data.service.agency_rate_fte.value, 17.4, 'the preview said 17.4');

  // ---- revert: summary back, update pushed
  const rv = await post(`${d.url}/api/v1/uploads/${b2}/revert`);
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assert.deepEqual(rv.body, { batch_id: b2, status: 'reverted' });
  const u3 = await c.next((m) => m.type === 'update' && teamOf(m.data, 'ALPHA').agency_rate_fte.value === 36.4,
    3000, 'update after the revert');
  assert.equal(u3.data.service.agency_rate_fte.value, 25.3);
  const { body: sum } = await getJson(`${d.url}/api/v1/summary`);
  assert.equal(teamOf(sum, 'BRAVO').agency_rate_fte.value, 10.0);
  assert.equal((await post(`${d.url}/api/v1/uploads/${b2}/revert`)).status, 409);
  assert.equal((await post(`${d.url}/api/v1/uploads/99999/revert`)).status, 404);
  assert.equal((await post(`${d.url}/api/v1/uploads/${b2}/revert`, null, 'GET')).status, 405);

  // ---- a rejected upload, then the history
  const rej = await upload(d.url, { source: 'hr', as_of: ASOF }, readData('bad-unknown-team.csv'));
  assert.equal(rej.status, 422);
  const h = await getJson(`${d.url}/api/v1/uploads`);
  assert.equal(h.status, 200);
  const ups = h.body.uploads;
  assert.equal(ups.length, 3, JSON.stringify(ups));
  const byId = (id) => ups.find((x) => x.id === id);
  assert.equal(byId(b1).status, 'loaded');
  assert.equal(byId(b1).rows, 12);
  assert.match(byId(b1).uploaded_by, d.token ? /^token:/ : /^api:127\.0\.0\.1/, 'who: the identity the authorizer recorded');
  assert.equal(byId(b2).status, 'reverted');
  assert.equal(byId(b2).reverted_by, byId(b1).uploaded_by);
  const r = ups.find((x) => x.status === 'rejected');
  assert.ok(r.error_count > 0 && r.errors.length === r.error_count, JSON.stringify(r));
  assert.equal(ups[0].status, 'rejected', 'newest first');

  // ---- the original bytes
  const o = await fetch(`${d.url}/api/v1/uploads/${b1}/original`);
  assert.equal(o.status, 200);
  assert.deepEqual(Buffer.from(await o.arrayBuffer()), readData('roster-small.csv'));
  assert.match(o.headers.get('content-disposition'), /attachment/);
  assert.equal((await fetch(`${d.url}/api/v1/uploads/424242/original`)).status, 404);
});

test('mapping profiles: saved per source, applied on upload, remembered', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const csv = readData('upload/council-profile.csv');
  // without a profile the headers are unknown
  const none = await dryRun(d.url, { source: 'hr', as_of: ASOF }, csv);
  assert.equal(none.body.valid, false);
  const save = await post(`${d.url}/api/v1/mapping-profiles`, JSON.stringify({
    source: 'hr', name: 'council', mapping: { 'Emp Ref': 'staff_id', Unit: 'team', 'Kind of contract': 'contract' },
  }), 'PUT');
  assert.equal(save.status, 200, JSON.stringify(save.body));
  const badSave = await post(`${d.url}/api/v1/mapping-profiles`, JSON.stringify({
    source: 'hr', name: 'x', mapping: { A: 'salary' } }), 'PUT');
  assert.equal(badSave.status, 400);
  // chosen by name
  const named = await dryRun(d.url, { source: 'hr', as_of: ASOF, profile: 'council' }, csv);
  assert.equal(named.body.valid, true, JSON.stringify(named.body.errors));
  assert.equal(named.body.delimiter, ';');
  assert.deepEqual(named.body.columns.map((x) => `${x.header}->${x.column}`),
    ['Emp Ref->staff_id', 'Unit->team', 'Kind of contract->contract']);
  assert.equal((await dryRun(d.url, { source: 'hr', as_of: ASOF, profile: 'nope' }, csv)).status, 400);
  // a stored upload with the profile makes it the source's default: remembered
  const q = new URLSearchParams({ kind: 'roster', source: 'hr', as_of: ASOF, profile: 'council' });
  const st = await fetch(`${d.url}/api/v1/uploads?${q}`, { method: 'POST', body: csv });
  assert.equal(st.status, 201, await st.text());
  const list = await getJson(`${d.url}/api/v1/mapping-profiles?source=hr`);
  assert.deepEqual(list.body.profiles.map((x) => [x.name, x.default]), [['council', true]]);
  const dflt = await dryRun(d.url, { source: 'hr', as_of: '2026-10-31' }, csv);
  assert.equal(dflt.body.valid, true);
  assert.equal(dflt.body.profile, 'council');
});

test('limits: 413 over max_upload_bytes, 422 over max_upload_rows', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon({ config: { max_upload_bytes: 2000, max_upload_rows: 5 } });
  const big = Buffer.alloc(4000, 'x');
  const r = await upload(d.url, { source: 'hr', as_of: ASOF }, big);
  assert.equal(r.status, 413);
  const rows = await upload(d.url, { source: 'hr', as_of: ASOF }, readData('roster-small.csv'));
  assert.equal(rows.status, 422);
  assert.ok(rows.body.errors.some((e) => /5/.test(e.message)), JSON.stringify(rows.body));
  assert.equal(await counts(env.db), '0,0');
});

test('steadyctl upload --dry-run, uploads, revert', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const file = new URL('../data/roster-small.csv', import.meta.url).pathname;
  const dry = await steadyctl(env.db, ['upload', '--dry-run', '--json', '--source', 'hr', '--as-of', ASOF, file]);
  assert.equal(dry.code, 0, dry.stderr);
  const pv = JSON.parse(dry.stdout);
  assert.equal(pv.valid, true);
  assert.equal(pv.changes.service.after.agency_rate_fte, 25.3);
  assert.equal(await counts(env.db), '0,0');
  const human = await steadyctl(env.db, ['upload', '--dry-run', '--source', 'hr', '--as-of', ASOF, file]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /nothing was stored/);
  const up = await steadyctl(env.db, ['upload', '--source', 'hr', '--as-of', ASOF, file]);
  assert.equal(up.code, 0, up.stderr);
  const m = /batch (\d+)/.exec(up.stdout);
  const dup = await steadyctl(env.db, ['upload', '--source', 'hr', '--as-of', ASOF, file]);
  assert.equal(dup.code, 0, dup.stderr);
  assert.match(dup.stdout, /duplicate/);
  assert.equal(await counts(env.db), '1,12');
  const list = await steadyctl(env.db, ['uploads']);
  assert.match(list.stdout, new RegExp(`^\\s*${m[1]}\\s+roster\\s+hr\\s+${ASOF}\\s+loaded`, 'm'));
  const rv = await steadyctl(env.db, ['revert', m[1]]);
  assert.equal(rv.code, 0, rv.stderr);
  assert.equal(await psql(env.db, 'SELECT status FROM upload_batch'), 'reverted');
  assert.notEqual((await steadyctl(env.db, ['revert', m[1]])).code, 0);
});
