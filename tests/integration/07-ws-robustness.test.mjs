// 7. WebSocket robustness: a client that never reads does not hold up the
//    others and is dropped once its queue passes ws_max_queue; a plain GET of
//    /api/v1/live is refused; oversized client messages close with 1009;
//    client chatter is ignored.
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import { test, setup, upload, getJson, psql, authLine, TEAMS } from './lib.mjs';

/** A raw TCP WebSocket handshake, then the socket is paused: it never reads again. */
function stalledClient(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const key = crypto.randomBytes(16).toString('base64');
    let head = '';
    const onData = (chunk) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      sock.off('data', onData);
      sock.pause();
      const status = head.slice(0, head.indexOf('\r\n'));
      if (!/^HTTP\/1\.1 101/.test(status)) {
        reject(new Error(`handshake refused: ${status}`));
        sock.destroy();
        return;
      }
      const accept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      if (!head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
        reject(new Error(`bad Sec-WebSocket-Accept in ${head}`));
        sock.destroy();
        return;
      }
      resolve(sock);
    };
    sock.on('data', onData);
    sock.on('error', reject);
    sock.on('connect', () => {
      sock.write(`GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${authLine(port)}Upgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
  });
}

test('a client that never reads does not stop another from receiving, and is dropped', { timeout: 240_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  // Many teams with long names make every update large, so the stalled
  // client's kernel buffers fill after some updates and its queue in steadyd
  // then passes ws_max_queue.  (Inserted with SQL: adding hundreds of teams one
  // steadyctl call at a time would take minutes.)
  await psql(env.db, `INSERT INTO team (code, name)
    SELECT 'BULK' || g, 'Bulk team ' || g || ' ' || repeat('x', 150) FROM generate_series(1, 300) g`);
  // ws_max_queue a few updates long: a client that keeps reading never comes
  // near it (one update larger than the limit would drop any client that is
  // not fully caught up, which is not what this tests).
  const probe = await env.startDaemon();
  const size = Buffer.byteLength(await (await fetch(`${probe.url}/api/v1/summary`)).text());
  await probe.stop();
  const maxQueue = Math.max(65536, 4 * (size + 1024));
  t.diagnostic(`summary ${size} bytes; ws_max_queue ${maxQueue}`);
  const d = await env.startDaemon({ config: { ws_max_queue: maxQueue } });

  const good = await env.live(d);
  await good.next((m) => m.type === 'snapshot', 10_000, 'snapshot');
  const stalled = await stalledClient(d.port);
  t.after(() => stalled.destroy());
  let stalledClosed = false;
  stalled.on('close', () => { stalledClosed = true; });
  stalled.on('error', () => {});

  let clients = (await getJson(`${d.url}/healthz`)).body.clients;
  assert.equal(clients, 2, 'both clients connected');

  let n = 0;
  const t0 = Date.now();
  for (n = 1; n <= 150; n++) {
    // each upload changes ALPHA's FTE, so every update differs
    const fte = (0.1 + (n % 9) / 10).toFixed(1);
    const r = await upload(d.url, { source: 'hr', as_of: '2026-09-30' },
      `staff_id,team,contract,fte\nS1,ALPHA,permanent,${fte}\nS2,ALPHA,agency,1.0\n`);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // the reading client keeps up: the update for this upload arrives promptly
    await good.next((m) => m.type === 'update' && m.data?.teams &&
      Math.abs(m.data.teams.find((x) => x.code === 'ALPHA').fte.permanent - Number(fte)) < 1e-6, 5000,
    `update ${n} (ALPHA permanent ${fte}) on the reading client`);
    clients = (await getJson(`${d.url}/healthz`)).body.clients;
    if (clients === 1) break;
  }
  t.diagnostic(`${n} uploads in ${Date.now() - t0} ms; clients after: ${clients}`);
  assert.equal(clients, 1, `after ${n - 1} large updates the stalled client (queue limit ${maxQueue} bytes) should have been dropped`);
  assert.equal(good.closed, null, 'the reading client is still connected');

  // the stalled socket, read at last, ends
  stalled.resume();
  for (let i = 0; i < 100 && !stalledClosed; i++) await new Promise((res) => setTimeout(res, 100));
  assert.ok(stalledClosed, 'the server closed the stalled connection');
});

test('GET /api/v1/live without an upgrade is refused with 400 or 426', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const r = await fetch(`${d.url}/api/v1/live`);
  assert.ok([400, 426].includes(r.status), `status ${r.status}`);
  await r.arrayBuffer();
  // a bad Sec-WebSocket-Version too
  const r2 = await new Promise((resolve, reject) => {
    const s = net.connect(d.port, '127.0.0.1', () => s.write(`GET /api/v1/live HTTP/1.1\r\nHost: x\r\n${authLine(d.port)}` +
      'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 8\r\n\r\n'));
    let buf = '';
    s.on('data', (c) => {
      buf += c;
      if (buf.includes('\r\n')) { s.destroy(); resolve(buf.slice(0, buf.indexOf('\r\n'))); }
    });
    s.on('error', reject);
    s.setTimeout(5000, () => { s.destroy(); reject(new Error('no answer')); });
  });
  assert.match(r2, /^HTTP\/1\.[01] (400|426)/, `unsupported version: ${r2}`);
  // the daemon is fine afterwards
  assert.equal((await getJson(`${d.url}/healthz`)).status, 200);
});

test('client messages: small ones ignored, over 64 KiB closed with 1009', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon({ config: { ws_heartbeat_seconds: 1 } });
  const c = await env.live(d);
  await c.next((m) => m.type === 'snapshot', 5000, 'snapshot');
  c.ws.send('hello');
  c.ws.send(JSON.stringify({ type: 'subscribe' }));
  c.ws.send(Buffer.alloc(1000, 1), { binary: true });
  await c.next((m) => m.type === 'heartbeat', 3000, 'heartbeat after client chatter');
  assert.equal(c.closed, null);

  c.ws.send('x'.repeat(64 * 1024 + 1));
  const closed = await c.waitClose(5000);
  assert.equal(closed.code, 1009, `close code ${closed.code} ${closed.reason}`);

  // others unaffected
  const c2 = await env.live(d);
  await c2.next((m) => m.type === 'snapshot', 5000, 'snapshot on a new connection');
});

test('clients that vanish mid-stream do not disturb the daemon', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon({ config: { ws_heartbeat_seconds: 1 } });
  const good = await env.live(d);
  await good.next((m) => m.type === 'snapshot', 5000, 'snapshot');
  for (let i = 0; i < 20; i++) {
    const s = await stalledClient(d.port);
    if (i % 2) s.resetAndDestroy?.() ?? s.destroy(); else s.destroy();
  }
  const r = await upload(d.url, { source: 'hr', as_of: '2026-09-30' }, 'staff_id,team,contract,fte\nS1,BRAVO,agency,1.0\n');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await good.next((m) => m.type === 'update' && m.data?.as_of === '2026-09-30', 2000, 'update');
  let clients;
  for (let i = 0; i < 50; i++) {
    clients = (await getJson(`${d.url}/healthz`)).body.clients;
    if (clients === 1) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(clients, 1, 'vanished clients are forgotten');
});
