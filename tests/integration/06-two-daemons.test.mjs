// 6. Two steadyd on one database: an upload through either instance, or
//    straight into the database with `steadyctl upload`, reaches the clients of
//    both (the daemons push from PostgreSQL NOTIFY, not from their own handler).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test, setup, upload, readData, steadyctlOk, DATA, teamOf, TEAMS } from './lib.mjs';

test('an upload through one instance or steadyctl reaches the clients of both', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const [d1, d2] = await Promise.all([env.startDaemon(), env.startDaemon()]);
  const c1 = await env.live(d1);
  const c2 = await env.live(d2);
  for (const c of [c1, c2]) await c.next((m) => m.type === 'snapshot', 5000, 'snapshot');

  // 1. POST to instance 1
  let t0 = Date.now();
  const r = await upload(d1.url, { source: 'hr', as_of: '2026-09-30' }, readData('union-hr.csv'));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  // union-hr.csv alone: 3.5 FTE employed, no agency; service 3.0 + 0.5
  const isHr = (m) => m.type === 'update' && m.data?.as_of === '2026-09-30' &&
    m.data.service.fte.agency === 0 && Math.abs(m.data.service.fte.total - 3.5) < 1e-6;
  const [u1, u2] = await Promise.all([
    c1.next(isHr, 2000, 'update on instance 1 after POST to instance 1'),
    c2.next(isHr, 2000, 'update on instance 2 after POST to instance 1'),
  ]);
  t.diagnostic(`POST via instance 1: instance 1 after ${u1.receivedAt - t0} ms, instance 2 after ${u2.receivedAt - t0} ms`);

  // 2. steadyctl upload (writes the database directly)
  t0 = Date.now();
  await steadyctlOk(env.db, ['upload', '--kind', 'roster', '--source', 'agency', '--as-of', '2026-09-30',
    path.join(DATA, 'union-agency.csv')]);
  // + union-agency.csv: service agency 2.5 of 6.0 FTE = 41.7%
  const isBoth = (m) => m.type === 'update' && m.data?.service?.agency_rate_fte?.value === 41.7;
  // (5 s: the time includes starting steadyctl, slow in the sanitizer build)
  const [v1, v2] = await Promise.all([
    c1.next(isBoth, 5000, 'update on instance 1 after steadyctl upload'),
    c2.next(isBoth, 5000, 'update on instance 2 after steadyctl upload'),
  ]);
  t.diagnostic(`steadyctl upload: instance 1 after ${v1.receivedAt - t0} ms, instance 2 after ${v2.receivedAt - t0} ms`);
  assert.equal(teamOf(v2.data, 'BRAVO').agency_rate_fte.value, 60.0);

  // 3. POST to instance 2 reaches instance 1
  t0 = Date.now();
  const r2 = await upload(d2.url, { source: 'hr', as_of: '2026-09-30' }, readData('union-hr-2.csv'));
  assert.equal(r2.status, 201, JSON.stringify(r2.body));
  // service 2.5 of 6.3 FTE = 39.7%
  const isHr2 = (m) => m.type === 'update' && m.data?.service?.agency_rate_fte?.value === 39.7;
  await Promise.all([
    c1.next(isHr2, 2000, 'update on instance 1 after POST to instance 2'),
    c2.next(isHr2, 2000, 'update on instance 2 after POST to instance 2'),
  ]);
});
