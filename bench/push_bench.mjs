// Push latency: from an upload to every open dashboard.  Starts steadyd on a
// scratch database, opens CLIENTS WebSocket clients (the `ws` package, as the
// integration tests) on /api/v1/live, then UPLOADS times POSTs a 1,000-row
// roster with a new as-of date and measures, from the moment the POST is sent:
//   - the POST's own round trip (the 201: parse, validate, COPY, COMMIT) - the
//     reference, measured in the same run;
//   - when the update for that date reached the first and the last client
//     (the daemon pushes from the NOTIFY after the commit, not from the handler).
// Prints medians over the uploads and the ratio of the last client's latency
// to the POST's round trip.  Speed is measured here, never asserted in a test.
//
//   node bench/push_bench.mjs CONNINFO [CLIENTS] [UPLOADS]
//     STEADYD / STEADYCTL  the programs (default build/daemon/...)
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [db, clientsArg = '200', uploadsArg = '10'] = process.argv.slice(2);
if (!db) {
  console.error('usage: node bench/push_bench.mjs CONNINFO [CLIENTS] [UPLOADS]');
  process.exit(2);
}
const CLIENTS = Number(clientsArg);
const UPLOADS = Number(uploadsArg);
const STEADYD = process.env.STEADYD || path.join(top, 'build/daemon/steadyd');
const STEADYCTL = process.env.STEADYCTL || path.join(top, 'build/daemon/steadyctl');
const ctl = (args) => execFileSync(STEADYCTL, ['--db', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function roster(seed) {
  let s = 'staff_id,team,contract,fte\n';
  for (let i = 1; i <= 1000; i++) {
    const agency = (i + seed) % 4 === 0;
    s += `P${process.pid}-${seed}-${i},T${(i % 20) + 1},${agency ? 'agency' : 'permanent'},1.0\n`;
  }
  return s;
}

ctl(['migrate']);
for (let i = 1; i <= 20; i++) {
  try { ctl(['team', 'add', `T${i}`, `Team ${i}`]); } catch { /* exists */ }
}
const token = ctl(['token', 'add', `push-bench-${process.pid}`, '--role', 'admin']).trim().split('\t')[1];
const port = await freePort();
const daemon = spawn(STEADYD, ['--listen', `127.0.0.1:${port}`, '--db', db, '--log-level', 'warn',
  '--web-root', path.join(top, 'web')], { stdio: ['ignore', 'ignore', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
const auth = { authorization: `Bearer ${token}` };
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
    if (i > 300) throw new Error('steadyd did not start');
    await sleep(100);
  }

  // the clients: each records when it got the first update after upload k was sent
  const got = new Map(); // k -> [ms since the POST was sent, per client]
  let sentAt = 0;
  let current = 0;
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { headers: auth });
    let seen = 0;
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString('utf8'));
      if (m.type === 'snapshot') resolve(ws);
      if (m.type === 'update' && current > seen) {
        seen = current;
        got.get(current).push(performance.now() - sentAt);
      }
    });
    ws.on('error', reject);
  })));

  const post = [];
  const first = [];
  const last = [];
  for (let k = 1; k <= UPLOADS; k++) {
    const asOf = `2026-${String(k).padStart(2, '0')}-28`;
    const body = roster(k);
    got.set(k, []);
    current = k;
    sentAt = performance.now();
    const r = await fetch(`${base}/api/v1/uploads?kind=roster&source=bench-${process.pid}&as_of=${asOf}`, {
      method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body,
    });
    const rt = performance.now() - sentAt;
    await r.arrayBuffer();
    if (r.status !== 201) throw new Error(`upload ${k}: HTTP ${r.status}`);
    for (let i = 0; got.get(k).length < CLIENTS; i++) {
      if (i > 3000) throw new Error(`upload ${k}: only ${got.get(k).length} of ${CLIENTS} clients got an update`);
      await sleep(5);
    }
    const ts = got.get(k);
    post.push(rt);
    first.push(Math.min(...ts));
    last.push(Math.max(...ts));
    await sleep(200); // let the figures settle before the next upload
  }
  for (const ws of clients) ws.close();

  const p = median(post); const f = median(first); const l = median(last);
  console.log(`${CLIENTS} WebSocket clients, ${UPLOADS} uploads of 1,000 rows; medians, from the moment the POST was sent:`);
  console.log(`  POST round trip (201), the reference   ${p.toFixed(1)} ms   1x`);
  console.log(`  update at the first client            ${f.toFixed(1)} ms   ${(f / p).toFixed(2)}x`);
  console.log(`  update at the last client             ${l.toFixed(1)} ms   ${(l / p).toFixed(2)}x   (worst upload: ${Math.max(...last).toFixed(1)} ms)`);
} finally {
  daemon.kill('SIGTERM');
}
