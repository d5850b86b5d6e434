// 9. Alerting (docs/alerts.md): an upload that pushes the assessment team
//    over the red agency level produces exactly one alert and exactly one
//    successful webhook delivery, to a real HTTP receiver on 127.0.0.1 that
//    fails twice first, with two daemons on the same database; the wall gets
//    the alert in its update; acknowledge; and a daemon killed (SIGKILL)
//    between the commit and the delivery still delivers once after restart.
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, setup, startDaemon, psql, freePort, until, uploadCtl } from './lib.mjs';
import { ALERT_TEAMS as TEAMS, rosterHr, rosterAgency } from './alert-data.mjs';

/** A webhook receiver: answers 500 to the first `failures` requests, then 200. */
function receiver({ failures = 2, port = 0 } = {}) {
  const requests = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const n = requests.length;
      const status = n < failures ? 500 : 200;
      requests.push({ at: Date.now(), status, headers: req.headers, body: JSON.parse(body) });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'try again');
    });
  });
  return new Promise((resolve) => srv.listen(port, '127.0.0.1', () => resolve({
    srv, requests, port: srv.address().port,
    ok: () => requests.filter((r) => r.status === 200),
    close: () => new Promise((r) => { srv.closeAllConnections?.(); srv.close(r); }),
  })));
}

test('red agency level: one alert, one delivery after two failures, two daemons', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const rx = await receiver({ failures: 2 });
  t.after(() => rx.close());
  const [d1, d2] = await Promise.all([env.startDaemon(), env.startDaemon()]);

  // the shipped default: agency rate amber 20 (clear 18), red 30 (clear 27)
  const rules = await (await fetch(`${d1.url}/api/v1/rules`)).json();
  const agency = rules.rules.find((r) => r.figure === 'agency_rate_fte' && r.team === null);
  assert.deepEqual([agency.amber, agency.amber_clear, agency.red, agency.red_clear], [20, 18, 30, 27]);

  const add = await fetch(`${d1.url}/api/v1/receivers`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'test', kind: 'json', url: `http://127.0.0.1:${rx.port}/hook`, timeout_ms: 2000 }),
  });
  assert.equal(add.status, 201, await add.text());

  const c1 = await env.live(d1);
  await c1.next((m) => m.type === 'snapshot', 5000, 'snapshot');
  await uploadCtl(env.db, 'hr', rosterHr());
  await uploadCtl(env.db, 'agency', rosterAgency());

  // the wall gets the alert with the figures
  const u = await c1.next((m) => m.type === 'update' && (m.data?.alerts ?? []).length > 0, 10_000, 'update with alerts');
  assert.equal(u.data.alerts.length, 1);
  assert.equal(u.data.alerts[0].team, 'ASSESS');
  assert.equal(u.data.alerts[0].figure, 'agency_rate_fte');
  assert.equal(u.data.alerts[0].level, 'red');

  await until(() => rx.ok().length >= 1, 20_000, 'a successful delivery');
  await sleep(3000); // nothing more may arrive
  assert.equal(rx.requests.length, 3, JSON.stringify(rx.requests.map((r) => r.status)));
  assert.deepEqual(rx.requests.map((r) => r.status), [500, 500, 200]);
  assert.equal(rx.ok().length, 1);
  const body = rx.ok()[0].body;
  assert.equal(body.transition, 'fire');
  assert.equal(body.level, 'red');
  assert.equal(body.team.code, 'ASSESS');
  assert.equal(body.value, 33.3);
  assert.match(rx.ok()[0].headers['x-steady-delivery'], /^\d+$/);
  assert.equal(rx.requests[0].headers['x-steady-delivery'], rx.ok()[0].headers['x-steady-delivery']);
  // backoff: the attempts are spread out (1 s, then 2 s)
  assert.ok(rx.requests[1].at - rx.requests[0].at >= 900, 'first retry after about 1 s');
  assert.ok(rx.requests[2].at - rx.requests[1].at >= 1900, 'second retry after about 2 s');

  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert'), '1');
  assert.equal(await psql(env.db, "SELECT count(*) FROM alert_event WHERE transition = 'fire'"), '1');
  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert_outbox'), '1');
  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert_outbox WHERE delivered_at IS NOT NULL'), '1');
  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert_delivery_attempt'), '3');

  // history and acknowledge
  const al = await (await fetch(`${d2.url}/api/v1/alerts`)).json();
  assert.equal(al.active.length, 1);
  const id = al.active[0].id;
  const bad = await fetch(`${d2.url}/api/v1/alerts/${id}/ack`, { method: 'POST', body: '{}' });
  assert.equal(bad.status, 422);
  const ack = await fetch(`${d2.url}/api/v1/alerts/${id}/ack`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ comment: 'agency cover agreed until recruitment' }),
  });
  assert.equal(ack.status, 200, await ack.text());
  const again = await fetch(`${d2.url}/api/v1/alerts/${id}/ack`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ comment: 'x' }),
  });
  assert.equal(again.status, 409);
  const acked = await c1.next((m) => m.type === 'update' && m.data?.alerts?.[0]?.acknowledged === true, 10_000,
    'update with the acknowledgement');
  assert.equal(acked.data.alerts[0].ack_comment, 'agency cover agreed until recruitment');
  const h = await (await fetch(`${d1.url}/api/v1/alerts`)).json();
  assert.deepEqual(h.history[0].events.map((e) => e.transition), ['fire', 'ack']);
  assert.equal(h.history[0].fired_value, 33.3);

  // a rule change is audited and re-evaluated: ASSESS override red at 40 -> back to amber
  const put = await fetch(`${d1.url}/api/v1/rules`, {
    method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ figure: 'agency_rate_fte', team: 'ASSESS', red: 40, red_clear: 36 }),
  });
  assert.equal(put.status, 200, await put.text());
  const improved = await c1.next((m) => m.type === 'update' && m.data?.alerts?.[0]?.level === 'amber', 10_000,
    'update with the alert improved to amber');
  assert.equal(improved.data.alerts[0].acknowledged, true, 'improving keeps the acknowledgement');
  const audit = await (await fetch(`${d1.url}/api/v1/rules/audit`)).json();
  assert.equal(audit.audit[0].team, 'ASSESS');
  assert.equal(audit.audit[0].action, 'insert');
  const badRule = await fetch(`${d1.url}/api/v1/rules`, {
    method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ figure: 'agency_rate_fte', red: 10 }),
  });
  assert.equal(badRule.status, 422);
  // improving does not notify: still exactly one delivery
  await sleep(1500);
  assert.equal(rx.requests.length, 3);
  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert'), '1');
});

test('a daemon killed between the commit and the delivery delivers once after restart', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const port = await freePort(); // the receiver is not listening yet
  await psql(env.db, `INSERT INTO alert_receiver (name, kind, url, timeout_ms) VALUES ('test', 'json', 'http://127.0.0.1:${port}/', 1000)`);
  const d = await startDaemon(env.db);
  t.after(() => { try { d.proc.kill('SIGKILL'); } catch { /* gone */ } });
  await uploadCtl(env.db, 'hr', rosterHr());
  await uploadCtl(env.db, 'agency', rosterAgency());
  // committed: the alert and its outbox row exist; the receiver cannot be reached
  await until(async () => Number(await psql(env.db, 'SELECT count(*) FROM alert_outbox WHERE attempts >= 1')) === 1,
    15_000, 'a first failed attempt');
  d.proc.kill('SIGKILL');
  await d.exited;
  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL'), '1');

  const rx = await receiver({ failures: 2, port });
  t.after(() => rx.close());
  const d2 = await startDaemon(env.db);
  t.after(() => { try { d2.proc.kill('SIGKILL'); } catch { /* gone */ } });
  await until(() => rx.ok().length >= 1, 30_000, 'a successful delivery after the restart');
  // killed again right after the success: nothing is sent twice
  await sleep(500);
  d2.proc.kill('SIGKILL');
  await d2.exited;
  const d3 = await env.startDaemon();
  await sleep(4000);
  assert.equal(rx.ok().length, 1, JSON.stringify(rx.requests.map((r) => r.status)));
  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert'), '1');
  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert_outbox WHERE delivered_at IS NOT NULL'), '1');
  void d3;
});

test('429 with Retry-After is honoured, and a receiver that never recovers is given up on, visibly', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const requests = [];
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push(Date.now());
      res.writeHead(429, { 'Retry-After': '3' });
      res.end('slow down');
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => { srv.closeAllConnections?.(); srv.close(r); }));
  await psql(env.db, `INSERT INTO alert_receiver (name, kind, url, timeout_ms) VALUES ('busy', 'slack', 'http://127.0.0.1:${srv.address().port}/', 1000)`);
  const d = await env.startDaemon({ config: { alert_give_up_seconds: 5 } });
  await uploadCtl(env.db, 'hr', rosterHr());
  await uploadCtl(env.db, 'agency', rosterAgency());
  await until(async () => Number(await psql(env.db, 'SELECT count(*) FROM alert_outbox WHERE failed_at IS NOT NULL')) === 1,
    20_000, 'the row given up');
  await sleep(2000);
  // first attempt, then one after Retry-After (3 s, longer than the 1 s backoff); the next would pass 5 s: given up
  assert.equal(requests.length, 2, JSON.stringify(requests));
  assert.ok(requests[1] - requests[0] >= 2900, `retry after ${requests[1] - requests[0]} ms`);
  const rc = await (await fetch(`${d.url}/api/v1/receivers`)).json();
  assert.equal(rc.receivers[0].failed, 1);
  assert.equal(rc.receivers[0].delivered, 0);
  assert.equal(rc.receivers[0].failures[0].last_error, 'HTTP 429');
  assert.ok(rc.receivers[0].failures[0].failed_at);
  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert_delivery_attempt WHERE status = 429'), '2');
});

test('https receiver (Teams Workflows card): verified against alert_ca_file; an untrusted certificate is refused', { timeout: 90_000 }, async (t) => {
  const { execFileSync } = await import('node:child_process');
  const https = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steady-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const mk = (name) => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.pem`)],
    { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, `${name}.key`)), cert: readFileSync(path.join(dir, `${name}.pem`)) };
  };
  const good = mk('good');
  const other = mk('other'); // trusted by nobody
  const bodies = [];
  const serve = (creds) => new Promise((resolve) => {
    const srv = https.createServer(creds, (req, res) => {
      let b = '';
      req.setEncoding('utf8');
      req.on('data', (c) => { b += c; });
      req.on('end', () => { bodies.push(JSON.parse(b)); res.writeHead(202); res.end(); });
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
  const ok = await serve(good);
  const bad = await serve(other);
  t.after(() => { ok.close(); bad.close(); });
  const env = await setup(t, { teams: TEAMS });
  await psql(env.db, `INSERT INTO alert_receiver (name, kind, url, timeout_ms) VALUES
    ('teams', 'teams', 'https://127.0.0.1:${ok.address().port}/workflows', 3000),
    ('untrusted', 'json', 'https://127.0.0.1:${bad.address().port}/', 3000)`);
  await env.startDaemon({ config: { alert_ca_file: path.join(dir, 'good.pem') } });
  await uploadCtl(env.db, 'hr', rosterHr());
  await uploadCtl(env.db, 'agency', rosterAgency());
  await until(async () => Number(await psql(env.db, 'SELECT count(*) FROM alert_outbox WHERE delivered_at IS NOT NULL')) === 1,
    20_000, 'the https delivery');
  await until(async () => (await psql(env.db, "SELECT coalesce(last_error, '') FROM alert_outbox o JOIN alert_receiver r ON r.id = o.receiver_id WHERE r.name = 'untrusted'")).length > 0,
    20_000, 'the refused delivery recorded');
  assert.equal(bodies.length, 1, 'only the trusted receiver got the notification');
  assert.equal(bodies[0].type, 'message');
  const card = bodies[0].attachments[0];
  assert.equal(card.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.match(card.content.body[0].text, /^\[RED\] Agency rate \(FTE\) in Assessment is 33\.3%/);
  const err = await psql(env.db, "SELECT last_error FROM alert_outbox o JOIN alert_receiver r ON r.id = o.receiver_id WHERE r.name = 'untrusted'");
  assert.match(err, /certificate verify failed/);
  t.diagnostic(`untrusted receiver: ${err}`);
});
