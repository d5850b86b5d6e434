// Soak test of the wall display (web/index.html, web/app.js) in Chromium: a TV
// is left on for weeks and every upload redraws it, so many updates must not
// make the page grow.
//
//   STEADYD=... STEADYCTL=... STEADY_PG_ADMIN=... STEADY_WEB_ROOT=web \
//     node --test tests/browser/wall-soak.test.mjs
//
// A database of its own (tests/integration/lib.mjs setup()), the three teams of
// lib.mjs TEAMS, each with the same 10 permanent staff of 1.0 FTE (so there are
// no leavers: no turnover, no other alert) and a pattern's number of agency
// staff of 1.0 FTE (agency rate a / (10 + a)).  The shipped agency_rate_fte rule
// (amber 20, clear 18; red 30, clear 27; min_den 5; pending 1) gives, for the
// four patterns used as at the latest month (every value either reaches a level
// or falls below 18%, so hysteresis never keeps a level standing):
//
//   pattern  ALPHA           BRAVO           CHARLIE         service        banner
//   P0       5 33.3% red     3 23.1% amber   0  0.0%         8/38 21.1%     2 alerts: 1 red, 1 amber
//   P1       1  9.1%         6 37.5% red     5 33.3% red     12/42 28.6%    2 alerts: 2 red
//   P2       6 37.5% red     0  0.0%         1  9.1%         7/37 18.9%     1 alert: 1 red
//   P3       0  0.0%         0  0.0%         0  0.0%         0/30  0.0%     none ("No active alerts")
//
// Three months are loaded before the page opens (31 Jul, 31 Aug, 30 Sep 2026),
// so the trend has three points from the start and the data's shape (teams,
// months, at most 3 alert lines) never changes after that.  Then N uploads
// through the API, each waited for on the page: four in five replace the latest
// month with the next pattern (headline, rows, bars, banner, alert tags all
// change); every fifth replaces an earlier month (trend line and sparklines
// change).  Every roster's bytes differ (a role column carries the step number)
// so none is taken as a duplicate.  Twice the daemon is stopped and started on
// the same port: the page drops its socket, retries and takes the snapshot.
//
// Measured after WARMUP updates and again at the end, at the same pattern (the
// same banner lines shown), the heap figures after a forced GC (CDP
// HeapProfiler.collectGarbage):
//   - DOM elements (document.getElementsByTagName('*').length): app.js makes
//     every element once: per team a bar-view row (14 elements today) and a
//     stability-table row (58), and the banner's 3 alert lines (8 each) and its
//     "+N more" line at start-up, whatever the alerts; the teams do not change,
//     so the count (413 today, of which 42 + 174 + 25 in those lists) must be
//     equal, and each list's own count too;
//   - Chart.js instances (Object.keys(Chart.instances).length in 3.9.1): exactly
//     2, the team bars and the trend, updated in place (sparklines are plain
//     canvas drawings);
//   - CDP Memory.getDOMCounters: the renderer's nodes (detached ones included)
//     and jsEventListeners must be equal (the WebSocket's handlers are on the one
//     open socket each time); the types of the listeners on window and document
//     (CDP DOMDebugger.getEventListeners) too;
//   - live timers (setTimeout/setInterval wrapped by an init script): the page's
//     two intervals (tick, burn-in shift) and no pending timeout, however many
//     reconnects;
//   - the heap: the bytes of JavaScript values (objects, arrays, closures,
//     strings, numbers) in a heap snapshot may grow by JS_VALUES_SLACK_BYTES at
//     most (measured: +0.4 KiB; one summary document kept per update adds about
//     7 KiB each, over 1 MiB in the run); V8's heap used (Runtime.getHeapUsage)
//     by HEAP_SLACK_BYTES (measured +0.6 MiB, compiled code and Chromium's
//     layout-shift entries, which level off).
// The timer wrapper, the CSP listener and Playwright's own listeners are there at
// both measurements, so they cancel out; no locator is used before the end (its
// first use adds Playwright's utility world to the renderer's counters).
// At the end the page shows the last upload's figures and banner; no page
// errors, console errors (other than failed reconnects while the daemon is
// stopped) or CSP violations.  Screenshot: tests/browser/out/wall-soak.png.
// Nothing is timed: every step waits for a condition on the page.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  test, setup, addToken, addDisplayToken, freePort, sanitizerReport, STEADYD, WEB_ROOT, TEAMS,
} from '../integration/lib.mjs';
import { openChromium } from './chromium.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'out');
const missing = ['STEADYD', 'STEADYCTL', 'STEADY_PG_ADMIN'].filter((k) => !process.env[k]);
const SKIP = missing.length ? `needs ${missing.join(', ')} (run it through the test script)` : false;

const UPDATES = 180;                 /* uploads after the page has its snapshot */
const WARMUP = 20;                   /* measured after this many */
const RESTART_AT = [70, 130];        /* daemon stopped and started after these updates */
/* Growth allowed between the warm-up and the end: see the top of the file. */
const JS_VALUES_SLACK_BYTES = 64 << 10;
const HEAP_SLACK_BYTES = 3 << 20;

const LATEST = '2026-09-30';
const OLDER = ['2026-07-31', '2026-08-31'];
const CODES = TEAMS.map((x) => x.code);               /* ALPHA, BRAVO, CHARLIE */
const PATTERNS = [[5, 3, 0], [1, 6, 5], [6, 0, 1], [0, 0, 0]];
const RULE = { amber: 20, amberClear: 18, red: 30, redClear: 27 };

let seq = 0;
/** A roster: per team 10 permanent and agency[i] agency staff, 1.0 FTE each; the role makes the bytes unique. */
function roster(agency) {
  seq += 1;
  let s = 'staff_id,team,contract,fte,role\n';
  CODES.forEach((code, t) => {
    for (let i = 1; i <= 10; i++) {
      s += `${code.slice(0, 2)}P${i},${code},permanent,1.0,${i === 1 ? `Team Manager (upload ${seq})` : 'Social Worker'}\n`;
    }
    for (let i = 1; i <= agency[t]; i++) s += `${code.slice(0, 2)}G${i},${code},agency,1.0,Social Worker\n`;
  });
  return s;
}

const rate1 = (n, d) => Math.round((n * 1000) / d) / 10;   /* the API's one decimal */
const teamRate = (a) => rate1(a, 10 + a);
const serviceRate = (p) => rate1(p[0] + p[1] + p[2], 30 + p[0] + p[1] + p[2]);

/** The alert state machine of docs/alerts.md for one value (higher is worse). */
function nextLevel(level, v) {
  if (v >= RULE.red) return 'red';
  if (level === 'red' && v >= RULE.redClear) return 'red';
  if (level === 'red' || level === 'amber') return v >= RULE.amberClear ? 'amber' : 'normal';
  return v >= RULE.amber ? 'amber' : 'normal';
}

// ---- a steadyd of our own, on a port that stays the same over restarts ----

function spawnDaemon(db, port) {
  const proc = spawn(STEADYD(), ['--listen', `127.0.0.1:${port}`, '--db', db, '--web-root', WEB_ROOT()],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  for (const s of [proc.stdout, proc.stderr]) {
    s.setEncoding('utf8');
    s.on('data', (c) => { log += c; if (log.length > 1 << 20) log = log.slice(-(512 << 10)); });
  }
  let status = null;
  const exited = new Promise((r) => proc.on('exit', (code, signal) => { status = { code, signal }; r(status); }));
  const d = {
    port, proc, logs: () => log, exited, status: () => status,
    async stop() {
      if (status === null) {
        proc.kill('SIGTERM');
        const k = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(k);
      }
      const san = sanitizerReport(log);
      if (san) throw new Error(`steadyd: sanitizer report:\n${san}`);
      if (status.code !== 0) throw new Error(`steadyd did not exit cleanly (${status.code ?? status.signal}):\n${log.slice(-3000)}`);
    },
  };
  return d;
}

async function startDaemon(db, port) {
  const d = spawnDaemon(db, port);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (d.status()) throw new Error(`steadyd exited at start (${JSON.stringify(d.status())}):\n${d.logs().slice(-3000)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200 && (await r.json()).database === 'up') return d;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      d.proc.kill('SIGKILL');
      throw new Error(`steadyd not healthy within 30 s:\n${d.logs().slice(-3000)}`);
    }
    await sleep(100);
  }
}

let daemon = null;   /* the steadyd running now */

async function soak(t) {
  let browser = null;
  // registered first: runs before setup()'s own clean-up drops the database
  t.after(async () => {
    if (browser) await browser.close();
    if (daemon) await daemon.stop();
  });
  const env = await setup(t, { teams: TEAMS });
  const admin = await addToken(env.db, 'soak admin', 'admin');
  const display = await addDisplayToken(env.db, 'soak TV');

  let port = await freePort();
  for (let i = 0; ; i++) {
    try { daemon = await startDaemon(env.db, port); break; } catch (e) {
      if (i < 2 && /address already in use|bind/i.test(e.message)) { port = await freePort(); continue; }
      throw e;
    }
  }
  const base = `http://127.0.0.1:${port}`;
  const post = async (asOf, pattern) => {
    const r = await fetch(`${base}/api/v1/uploads?kind=roster&source=hr&as_of=${asOf}`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, body: roster(pattern),
    });
    const body = await r.text();
    assert.equal(r.status, 201, `upload as at ${asOf}: ${r.status} ${body}`);
  };

  // -- three months before the page opens; the latest at P0
  const monthPattern = { [OLDER[0]]: 2, [OLDER[1]]: 1, [LATEST]: 0 };
  for (const m of [...OLDER, LATEST]) await post(m, PATTERNS[monthPattern[m]]);
  const levels = Object.fromEntries(CODES.map((c) => [c, 'normal']));
  const applyLevels = (p) => CODES.forEach((c, i) => { levels[c] = nextLevel(levels[c], teamRate(p[i])); });
  applyLevels(PATTERNS[0]);

  // -- the browser
  mkdirSync(OUT, { recursive: true });
  browser = await openChromium('soak', { viewport: { width: 1920, height: 1080 } });
  const { page } = browser;
  const problems = [];
  let daemonDown = false;
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    // while the daemon is stopped the browser logs each failed reconnect: expected
    if (daemonDown && /WebSocket connection to .* failed/.test(text)) return;
    problems.push(`console: ${text}`);
  });
  // documents received on the live socket, counted outside the page (CDP network events)
  const frames = { snapshot: 0, update: 0, heartbeat: 0, sockets: 0 };
  const sockets = [];
  page.on('websocket', (ws) => {
    frames.sockets += 1;
    sockets.push(ws);
    ws.on('framereceived', (f) => {
      const m = /^\{"type":"(\w+)"/.exec(typeof f.payload === 'string' ? f.payload : '');
      if (m && m[1] in frames) frames[m[1]] += 1;
    });
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    // live timers: intervals until cleared, timeouts until run or cleared
    const live = new Map();
    const st = window.setTimeout, ct = window.clearTimeout, si = window.setInterval, ci = window.clearInterval;
    window.setTimeout = function (fn, ms, ...rest) {
      const id = st.call(window, function () { live.delete(id); if (typeof fn === 'function') fn.apply(this, rest); }, ms);
      live.set(id, 'timeout');
      return id;
    };
    window.clearTimeout = function (id) { live.delete(id); return ct.call(window, id); };
    window.setInterval = function (...a) { const id = si.apply(window, a); live.set(id, 'interval'); return id; };
    window.clearInterval = function (id) { live.delete(id); return ci.call(window, id); };
    window.__timers = () => {
      const n = { timeout: 0, interval: 0 };
      for (const k of live.values()) n[k] += 1;
      return n;
    };
  });
  const cdp = await page.context().newCDPSession(page);

  const resp = await page.goto(`${base}/?display=${display.token}`, { waitUntil: 'load' });
  assert.equal(resp.status(), 200);

  /** Waits until the page shows pattern p as the latest figures, with the banner the levels give. */
  const showsLatest = async (p, what) => {
    const want = {
      service: `${serviceRate(p).toFixed(1)}%`,
      teams: Object.fromEntries(CODES.map((c, i) => [c, `${teamRate(p[i]).toFixed(1)}%`])),
      alerts: Object.fromEntries(CODES.filter((c) => levels[c] !== 'normal').map((c) => [c, levels[c]])),
    };
    try {
      await page.waitForFunction((w) => {
        const txt = (sel) => { const e = document.querySelector(sel); return e ? e.textContent.trim() : null; };
        if (txt('#service-agency-rate') !== w.service) return false;
        if (txt('#as-of') !== 'Data as at 30 Sep 2026') return false;
        for (const [c, r] of Object.entries(w.teams)) {
          if (txt(`#team-rows [data-team="${c}"] .agency-rate`) !== r) return false;
          const row = document.querySelector(`#team-rows [data-team="${c}"]`);
          if (row.getAttribute('data-alert') !== (w.alerts[c] || 'none')) return false;
        }
        const n = Object.keys(w.alerts).length;
        if (document.getElementById('alerts').hidden !== (n === 0)) return false;
        if (document.getElementById('alerts-none').hidden !== (n !== 0)) return false;
        const shown = Array.prototype.filter.call(document.querySelectorAll('#alert-list .alert-item'), (e) => !e.hidden)
          .map((e) => `${e.getAttribute('data-team')}:${e.getAttribute('data-level')}`).sort().join(' ');
        const expect = Object.entries(w.alerts).map(([c, l]) => `${c}:${l}`).sort().join(' ');
        if (shown !== expect) return false;
        return n === 0 || txt('#alerts-title') === `${n} ${n === 1 ? 'alert' : 'alerts'}`;
      }, want, { timeout: 20_000 });
    } catch (e) {
      const seen = await page.evaluate(() => {
        const txt = (sel) => { const x = document.querySelector(sel); return x ? x.textContent.trim() : null; };
        return {
          service: txt('#service-agency-rate'), asOf: txt('#as-of'), conn: txt('#conn'),
          rows: Array.prototype.map.call(document.querySelectorAll('#team-rows [data-team]'), (r) =>
            `${r.getAttribute('data-team')} ${r.querySelector('.agency-rate').textContent} ${r.getAttribute('data-alert')}`),
          banner: document.getElementById('alerts').hidden ? 'hidden' : txt('#alerts'),
        };
      }).catch((x) => String(x));
      throw new Error(`${what}: the page did not show ${JSON.stringify(want)} but ${JSON.stringify(seen)}: ${e.message}`);
    }
  };
  /** Waits until the trend chart's agency point for month m is the service rate of pattern p. */
  const showsTrend = async (m, p, what) => {
    const idx = [...OLDER, LATEST].indexOf(m);
    const want = serviceRate(p);
    try {
      await page.waitForFunction(([i, v]) => {
        const c = window.steady && window.steady.trendChart;
        return !!c && c.data.labels.length === 3 && c.data.datasets[0].data[i] === v;
      }, [idx, want], { timeout: 20_000 });
    } catch (e) {
      throw new Error(`${what}: the trend did not show ${want}% for ${m}: ${e.message}`);
    }
  };

  await showsLatest(PATTERNS[0], 'the first snapshot');
  for (const m of OLDER) await showsTrend(m, PATTERNS[monthPattern[m]], 'the first snapshot');

  /** Bytes of JavaScript values (objects, arrays, closures, strings, numbers...) in a
   *  heap snapshot, leaving out compiled code, hidden classes and the browser's own
   *  (native) objects: V8 keeps compiling and re-optimising the page's functions for
   *  many updates, and Chromium buffers up to 150 layout-shift entries, which move
   *  the heap total without being the page's data. */
  const jsValueBytes = async () => {
    const chunks = [];
    const onChunk = (e) => chunks.push(e.chunk);
    cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    const snap = JSON.parse(chunks.join(''));
    const f = snap.snapshot.meta.node_fields;
    const types = snap.snapshot.meta.node_types[0];
    const ti = f.indexOf('type');
    const si = f.indexOf('self_size');
    const values = new Set(['object', 'closure', 'array', 'string', 'concatenated string', 'sliced string',
      'regexp', 'number', 'symbol', 'bigint']);
    let bytes = 0;
    for (let i = 0; i < snap.nodes.length; i += f.length) {
      if (values.has(types[snap.nodes[i + ti]])) bytes += snap.nodes[i + si];
    }
    return bytes;
  };

  const measure = async () => {
    const inPage = await page.evaluate(() => {
      const count = (sel) => document.querySelectorAll(sel).length;
      return {
        elements: document.getElementsByTagName('*').length,
        rowElements: count('#team-rows *'),
        tableElements: count('#team-table *'),
        alertElements: count('#alert-list *'),
        rows: count('#team-rows > li'),
        tableRows: count('#team-table > li'),
        alertLines: count('#alert-list > li'),
        charts: Object.keys(window.Chart.instances).length,
        timers: window.__timers(),
        messages: window.steady.state().messages,
      };
    });
    // two passes: the first can free what finalizers of the first release
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const dom = await cdp.send('Memory.getDOMCounters');
    const listeners = {};
    for (const expr of ['window', 'document']) {
      const { result } = await cdp.send('Runtime.evaluate', { expression: expr });
      const r = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
      listeners[expr] = r.listeners.map((l) => l.type).sort().join(',');
      await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
    }
    return {
      heapUsed: heap.usedSize, heapTotal: heap.totalSize, jsValues: await jsValueBytes(),
      domNodes: dom.nodes, documents: dom.documents, jsEventListeners: dom.jsEventListeners,
      listeners, ...inPage,
    };
  };

  // -- the updates
  let latestUploads = 0;
  const latestPattern = () => PATTERNS[monthPattern[LATEST]];
  const stepOlder = async (i) => {
    const m = OLDER[Math.floor(i / 5) % 2];
    monthPattern[m] = (monthPattern[m] + 1) % PATTERNS.length;
    await post(m, PATTERNS[monthPattern[m]]);
    await showsTrend(m, PATTERNS[monthPattern[m]], `update ${i + 1} (as at ${m})`);
  };
  const stepLatest = async (i) => {
    latestUploads += 1;
    monthPattern[LATEST] = latestUploads % PATTERNS.length;
    applyLevels(latestPattern());
    await post(LATEST, latestPattern());
    await showsLatest(latestPattern(), `update ${i + 1} (as at ${LATEST}, P${monthPattern[LATEST]})`);
  };
  const step = (i) => (i % 5 === 4 ? stepOlder(i) : stepLatest(i));
  const restart = async (i) => {
    const before = frames.snapshot;
    daemonDown = true;
    await daemon.stop();
    daemon = null;
    // (waitForFunction, not a locator: see the top of the file)
    await page.waitForFunction(() => !document.getElementById('stale-banner').hidden, null, { timeout: 20_000 });
    daemon = await startDaemon(env.db, port);
    // the page retries (1 s, 2 s, ... with jitter) and takes a fresh snapshot
    await page.waitForFunction(() => window.steady.state().readyState === 1 &&
      document.getElementById('conn').getAttribute('data-state') === 'live' &&
      document.getElementById('stale-banner').hidden, null, { timeout: 45_000 });
    daemonDown = false;
    assert.ok(frames.snapshot > before, `a new snapshot after the restart at update ${i}`);
    await showsLatest(latestPattern(), `after the restart at update ${i}`);
  };

  const started = Date.now();
  let warm = null;
  for (let i = 0; i < UPDATES; i++) {
    await step(i);
    if (RESTART_AT.includes(i + 1)) await restart(i + 1);
    if (i + 1 === WARMUP) warm = { ...(await measure()), pattern: monthPattern[LATEST] };
  }
  // end at the warm-up's pattern, so that the same banner lines and tags are shown
  let extra = 0;
  while (monthPattern[LATEST] !== warm.pattern) await stepLatest(UPDATES + extra++);
  const end = await measure();
  const seconds = (Date.now() - started) / 1000;

  const kib = (b) => `${b >= 0 ? '+' : ''}${(b / 1024).toFixed(1)} KiB`;
  const show = (m) => `elements ${m.elements} (team rows ${m.rowElements}, table ${m.tableElements}, ` +
    `alert lines ${m.alertElements}), Chart.instances ${m.charts}, Memory.getDOMCounters nodes ${m.domNodes} ` +
    `documents ${m.documents} jsEventListeners ${m.jsEventListeners}, live timers ${JSON.stringify(m.timers)}, ` +
    `window listeners [${m.listeners.window}], document listeners [${m.listeners.document}], ` +
    `heap used after GC ${(m.heapUsed / 1048576).toFixed(2)} MiB (of ${(m.heapTotal / 1048576).toFixed(2)} MiB), ` +
    `JS values in a heap snapshot ${(m.jsValues / 1024).toFixed(1)} KiB, messages received ${m.messages}`;
  t.diagnostic(`after ${WARMUP} updates: ${show(warm)}`);
  t.diagnostic(`after ${UPDATES + extra} updates and ${RESTART_AT.length} daemon restarts: ${show(end)}`);
  t.diagnostic(`growth: heap used ${kib(end.heapUsed - warm.heapUsed)}, JS values ${kib(end.jsValues - warm.jsValues)}; ` +
    `the page's sockets received ${frames.snapshot} snapshots, ${frames.update} updates, ${frames.heartbeat} heartbeats ` +
    `(${frames.sockets} sockets opened); ${seconds.toFixed(1)} s for the updates`);

  // -- nothing grew.  Every element is made once: per team a row of the bar view
  // and a row of the stability table, and ALERT_LINES + 1 banner lines at start-up,
  // whatever the alerts; same teams, so the same elements.
  assert.ok(frames.update + frames.snapshot >= UPDATES + extra + RESTART_AT.length + 1, 'every upload reached the page');
  assert.equal(sockets.filter((w) => !w.isClosed()).length, 1, 'one open socket (no duplicate connections)');
  for (const m of [warm, end]) {
    assert.equal(m.rows, CODES.length, 'a bar-view row per team');
    assert.equal(m.tableRows, CODES.length, 'a stability-table row per team');
    assert.equal(m.alertLines, 4, 'three alert lines and the "+N more" line');
    assert.equal(m.charts, 2, 'two Chart.js charts: the team bars and the trend (sparklines are plain canvas)');
  }
  assert.equal(end.elements, warm.elements, 'DOM elements');
  assert.equal(end.rowElements, warm.rowElements, 'elements in the team rows');
  assert.equal(end.tableElements, warm.tableElements, 'elements in the stability table');
  assert.equal(end.alertElements, warm.alertElements, 'elements in the alert banner');
  assert.equal(end.domNodes, warm.domNodes, 'DOM nodes, detached ones included (renderer counter, after GC)');
  assert.equal(end.documents, warm.documents, 'documents');
  assert.equal(end.jsEventListeners, warm.jsEventListeners, 'JS event listeners (renderer counter)');
  assert.equal(end.listeners.window, warm.listeners.window, 'listeners on window');
  assert.equal(end.listeners.document, warm.listeners.document, 'listeners on document');
  assert.deepEqual(end.timers, { timeout: 0, interval: 2 }, 'live timers: tick and the burn-in shift, no pending timeouts');
  assert.ok(end.jsValues - warm.jsValues < JS_VALUES_SLACK_BYTES,
    `JS values in the heap grew by ${end.jsValues - warm.jsValues} bytes (bound ${JS_VALUES_SLACK_BYTES})`);
  assert.ok(end.heapUsed - warm.heapUsed < HEAP_SLACK_BYTES,
    `JS heap after GC grew by ${end.heapUsed - warm.heapUsed} bytes (bound ${HEAP_SLACK_BYTES})`);

  // -- the last upload is on screen, figures and banner
  await showsLatest(latestPattern(), 'at the end');
  for (const m of OLDER) await showsTrend(m, PATTERNS[monthPattern[m]], 'at the end');
  await page.screenshot({ path: path.join(OUT, 'wall-soak.png') });

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violations');
  assert.deepEqual(problems, [], 'no page or console errors');
}

test('wall display: no growth over many live updates and reconnects', { skip: SKIP, timeout: 180_000 }, async (t) => {
  try {
    await soak(t);
  } catch (e) {
    if (daemon) t.diagnostic(`steadyd on port ${daemon.port}, last lines of its log:\n${daemon.logs().split('\n').slice(-40).join('\n')}`);
    throw e;
  }
});
