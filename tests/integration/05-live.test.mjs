// 5. WebSocket /api/v1/live with an independent client (the `ws` package):
//    a snapshot at once, an update with the new figures after an upload (pushed
//    from the NOTIFY, without polling; its latency is reported, not asserted: in
//    production /metrics has it as steady_push_latency_seconds),
//    and heartbeats.
import assert from 'node:assert/strict';
import { test, setup, upload, getJson, readData, teamOf, TEAMS } from './lib.mjs';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

test('snapshot on connect, update after an upload, heartbeat', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const c = await env.live(d);

  const snap = await c.next(() => true, 5000, 'first message');
  assert.equal(snap.type, 'snapshot', `the first message is the snapshot, got ${JSON.stringify(snap).slice(0, 300)}`);
  assert.ok(snap.data, 'the database is up: the snapshot has figures');
  assert.equal(snap.data.as_of, null, 'nothing uploaded yet');
  assert.deepEqual(snap.data.teams.map((x) => x.code).sort(), ['ALPHA', 'BRAVO', 'CHARLIE']);

  const t0 = Date.now();
  const r = await upload(d.url, { source: 'hr', as_of: '2026-09-30' }, readData('roster-small.csv'));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const upd = await c.next((m) => m.type === 'update' && m.data?.as_of === '2026-09-30', 15000,
    'update with as_of 2026-09-30');
  t.diagnostic(`update ${upd.receivedAt - t0} ms after the POST was sent`);
  // the pushed figures are the summary's (tests/data/roster-small.md)
  assert.equal(upd.data.service.agency_rate_fte.value, 25.3);
  assert.equal(upd.data.service.headcount.total, 11);
  assert.equal(teamOf(upd.data, 'ALPHA').agency_rate_fte.value, 36.4);
  assert.equal(teamOf(upd.data, 'BRAVO').agency_rate_headcount.value, 20.0);
  const { body: summary } = await getJson(`${d.url}/api/v1/summary`);
  // the pushed document also carries the active alerts (docs/api.md, "alerts")
  const strip = ({ generated_at: _g, alerts: _a, ...rest }) => rest;
  assert.deepEqual(strip(upd.data), strip(summary), 'the update carries the same document as GET /api/v1/summary');

  // heartbeat: every ws_heartbeat_seconds, 5 by default
  const hb = await c.next((m) => m.type === 'heartbeat', 7000, 'heartbeat (default every 5 s)');
  assert.match(hb.ts, ISO_UTC);
  assert.equal(c.closed, null, 'still connected');
});

test('heartbeats follow ws_heartbeat_seconds; healthz counts clients', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon({ config: { ws_heartbeat_seconds: 1 } });
  const c1 = await env.live(d);
  const c2 = await env.live(d);
  await c1.next((m) => m.type === 'snapshot', 5000, 'snapshot');
  await c2.next((m) => m.type === 'snapshot', 5000, 'snapshot');
  const h = await getJson(`${d.url}/healthz`);
  assert.equal(h.status, 200);
  assert.deepEqual(h.body, { status: 'ok', database: 'up', clients: 2 });
  const a = await c1.next((m) => m.type === 'heartbeat', 2500, 'first heartbeat');
  const b = await c1.next((m) => m.type === 'heartbeat', 2500, 'second heartbeat');
  assert.ok(b.receivedAt - a.receivedAt < 2000, `heartbeats ${b.receivedAt - a.receivedAt} ms apart with ws_heartbeat_seconds = 1`);
  c2.ws.close();
  await c2.waitClose(5000);
  // the server notices the close
  let clients;
  for (let i = 0; i < 50; i++) {
    clients = (await getJson(`${d.url}/healthz`)).body.clients;
    if (clients === 1) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(clients, 1, 'healthz clients after one client closed');
});
