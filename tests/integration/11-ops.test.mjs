// 11. Operations: /readyz (database reachable, schema current), /metrics in
//     Prometheus text format (loopback only by default; metrics_access), SIGHUP
//     re-reads the config without dropping WebSocket clients, and the systemd
//     unit passes `systemd-analyze verify` and a `systemd-analyze security`
//     exposure threshold (skipped, saying why, where systemd-analyze cannot run).
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, setup, upload, readData, fetchRaw, run, psql, ROOT, STEADYD, TEAMS } from './lib.mjs';

async function waitFor(pred, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('/readyz and /metrics; SIGHUP reloads settings and keeps WebSocket clients', { timeout: 120_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon({ config: { log_level: 'debug' } });
  let r = await fetchRaw(`${d.url}/readyz`);
  const ready = await r.json();
  assert.equal(r.status, 200, JSON.stringify(ready));
  assert.equal(ready.status, 'ready');
  assert.equal(ready.schema, ready.expected_schema);

  const live = await env.live(d);
  await live.next((m) => m.type === 'snapshot');
  const res = await upload(d.url, { source: 'hr', as_of: '2026-09-30' }, readData('roster-small.csv'));
  assert.equal(res.status, 201);
  await live.next((m) => m.type === 'update');

  // loopback: no credentials needed by default
  r = await fetchRaw(`${d.url}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await r.text();
  for (const re of [/^steady_websocket_clients 1$/m, /^steady_db_up 1$/m, /^steady_db_reconnects_total 0$/m,
    /^steady_uploads\{state="stored"\} 1$/m, /^steady_webhook_backlog \d+$/m,
    /^steady_push_latency_seconds_count [1-9]\d*$/m, /^# TYPE steady_push_latency_seconds histogram$/m]) {
    assert.match(text, re);
  }

  // SIGHUP with metrics_access = admin: applied, the client stays connected
  const conf = d.proc.spawnargs[d.proc.spawnargs.indexOf('--config') + 1];
  writeFileSync(conf, 'log_level = debug\nmetrics_access = admin\n');
  d.proc.kill('SIGHUP');
  await waitFor(() => /reloaded .*\(1 WebSocket clients kept\)/.test(d.logs()), 5000, 'the reload');
  r = await fetchRaw(`${d.url}/metrics`);
  assert.equal(r.status, 401);
  await r.arrayBuffer();
  r = await fetch(`${d.url}/metrics`); // the admin token
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  assert.equal(live.closed, null, 'the WebSocket client survived the reload');
  await live.next((m) => m.type === 'heartbeat', 10_000, 'a heartbeat after the reload');
  // a broken config file: the daemon keeps its settings and keeps running
  writeFileSync(conf, 'no_such_setting = 1\n');
  d.proc.kill('SIGHUP');
  await waitFor(() => /keeping the current settings/.test(d.logs()), 5000, 'the refused reload');
  r = await fetchRaw(`${d.url}/metrics`);
  assert.equal(r.status, 401);
  await r.arrayBuffer();
});

test('/readyz is 503 when the schema is behind this build', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const max = Number(await psql(env.db, 'SELECT max(version) FROM steady_schema_version'));
  await psql(env.db, `DELETE FROM steady_schema_version WHERE version = ${max}`);
  const r = await fetchRaw(`${d.url}/readyz`);
  const body = await r.json();
  assert.equal(r.status, 503);
  assert.equal(body.schema, max - 1);
  await psql(env.db, `INSERT INTO steady_schema_version (version, name) VALUES (${max}, 'restored')`);
});

test('systemd unit: systemd-analyze verify and security', { timeout: 60_000 }, async (t) => {
  const which = await run('sh', ['-c', 'command -v systemd-analyze']);
  if (which.code !== 0) {
    t.skip('systemd-analyze is not installed (package systemd)');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steady-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // the unit as installed, but pointing at the binary under test
  const unit = readFileSync(path.join(ROOT, 'systemd/steadyd.service'), 'utf8').replaceAll('/usr/sbin/steadyd', STEADYD());
  const file = path.join(dir, 'steadyd.service');
  writeFileSync(file, unit);
  const v = await run('systemd-analyze', ['verify', '--man=no', file]);
  if (v.code !== 0 && /Failed to (initialize|connect|create)|not been booted|No such file or directory.*\/run\/systemd|Operation not permitted/i.test(v.stderr)) {
    t.skip(`systemd-analyze cannot run in this container: ${v.stderr.trim().split('\n')[0]}`);
    return;
  }
  assert.equal(v.code, 0, `systemd-analyze verify:\n${v.stdout}${v.stderr}`);
  assert.equal(v.stderr.trim(), '', `systemd-analyze verify warnings:\n${v.stderr}`);
  // exposure on systemd's 0-100 scale (shown /10): 30 = "3.0", i.e. better than "OK"
  const s = await run('systemd-analyze', ['security', '--offline=yes', '--threshold=30', file]);
  const level = /Overall exposure level for \S+: ([\d.]+)/.exec(s.stdout);
  assert.ok(level, `systemd-analyze security said:\n${s.stdout}${s.stderr}`);
  t.diagnostic(`systemd-analyze security: exposure ${level[1]}`);
  assert.equal(s.code, 0, `exposure ${level[1]} is above 3.0:\n${s.stdout}`);
});
