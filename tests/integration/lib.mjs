// Shared helpers for the Node integration tests (node:test + ws + fetch).
//
// Environment (set by scripts/test):
//   STEADYD, STEADYCTL   the programs under test
//   STEADY_PG_ADMIN      libpq conninfo of the cluster's `postgres` database;
//                        every test gets a database of its own, created here
//   STEADY_WEB_ROOT      the web/ directory the daemon serves
//   STEADY_TEST_VERBOSE=1  copy daemon logs to stderr as they come
//   STEADY_KEEP_DBS=1      do not drop the per-test databases
//
// Typical use:
//   test('...', async (t) => {
//     const env = await setup(t, { teams: TEAMS });      // fresh db, migrated, teams added
//     const d = await env.startDaemon();                  // steadyd on a free port, healthy
//     const res = await upload(d.url, { source: 'hr', as_of: '2026-09-30' }, csv);
//   });   // daemons stopped (and checked for a clean exit), sockets closed, db dropped
//
// Credentials: steadyd requires authentication.  startDaemon() mints an admin
// API token (steadyctl token add) once the daemon is up, as d.token; from then
// on every fetch() to that daemon's origin and every openLive() to it carries
// "Authorization: Bearer <token>" unless the request sets its own
// Authorization or Cookie header, or passes { noAuth: true } (see fetch below).
// fetchRaw is the unpatched fetch, for tests of refusals.  authLine(port)
// gives the header line for hand-written raw HTTP requests.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { test as nodeTest } from 'node:test';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DATA = path.join(ROOT, 'tests/data');

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through scripts/test`);
  return v;
}

export const STEADYD = () => need('STEADYD');
export const STEADYCTL = () => need('STEADYCTL');
export const WEB_ROOT = () => process.env.STEADY_WEB_ROOT || path.join(ROOT, 'web');

// Every child process we start, so that a crash of the test process does not
// leave daemons behind.
const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* gone */ }
  }
});

// ---------------------------------------------------------------- credentials

const tokens = new Map(); // "http://127.0.0.1:PORT" -> admin API token of the daemon there

export const fetchRaw = globalThis.fetch;

function originOf(input) {
  try {
    const u = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    return `${u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol}//${u.host}`;
  } catch { return null; }
}

function withAuth(input, init = {}) {
  const { noAuth, ...rest } = init;
  const tok = noAuth ? null : tokens.get(originOf(input));
  if (!tok) return rest;
  const headers = new Headers(rest.headers ?? (input instanceof Request ? input.headers : undefined));
  if (!headers.has('authorization') && !headers.has('cookie')) headers.set('authorization', `Bearer ${tok}`);
  return { ...rest, headers };
}

/** fetch, with the test daemon's admin token added (see the top of this file). */
globalThis.fetch = (input, init) => fetchRaw(input, withAuth(input, init));

/** "Authorization: Bearer ...\r\n" for the daemon on port, or "" (raw HTTP requests). */
export function authLine(port) {
  const tok = tokens.get(`http://127.0.0.1:${port}`);
  return tok ? `Authorization: Bearer ${tok}\r\n` : '';
}

/** Creates a user (password login) through steadyctl. */
export async function addUser(db, name, role, password) {
  await steadyctlOk(db, ['user', 'add', name, '--role', role], { input: `${password}\n` });
}

/** A new API token with a role; resolves the token. */
export async function addToken(db, label, role) {
  const r = await steadyctlOk(db, ['token', 'add', label, '--role', role]);
  return r.stdout.trim().split('\t')[1];
}

/** A new display token; resolves {id, token}. */
export async function addDisplayToken(db, label) {
  const r = await steadyctlOk(db, ['display-token', 'add', label]);
  const [id, pathPart] = r.stdout.trim().split('\t');
  return { id, token: pathPart.replace('/?display=', '') };
}

/**
 * Logs in with a password; resolves { cookie, csrf, status, body } where
 * cookie is the Cookie header value to send back.
 */
export async function login(baseUrl, user, password) {
  const r = await fetchRaw(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  const body = await bodyOf(r);
  const cookies = r.headers.getSetCookie ? r.headers.getSetCookie() : [];
  const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
  return { status: r.status, body, cookie, csrf: body?.csrf_token, setCookies: cookies };
}

// ---------------------------------------------------------------- processes

/** Runs a program; resolves {code, signal, stdout, stderr} (never rejects on exit status). */
export function run(file, args, { input, env, timeout = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, {
      env: { ...process.env, ...env },
      maxBuffer: 64 << 20,
      timeout,
      encoding: 'utf8',
    }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number' && !err.signal) {
        reject(err);
        return;
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
        signal: err?.signal ?? null, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

function describeRun(what, r) {
  return `${what} exited with ${r.code ?? r.signal}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Sanitizer reports in a program's output (the ASan build is what CI tests). */
export function sanitizerReport(text) {
  const m = /(==\d+==ERROR: \w+Sanitizer|runtime error: |==\d+==WARNING: \w+Sanitizer|SUMMARY: \w+Sanitizer)/.exec(text);
  return m ? text.slice(Math.max(0, m.index - 200), m.index + 4000) : null;
}

/** steadyctl --db DB ARGS...; resolves {code, stdout, stderr}. */
export async function steadyctl(db, args, opts = {}) {
  const r = await run(STEADYCTL(), ['--db', db, ...args], opts);
  const san = sanitizerReport(r.stderr);
  if (san) throw new Error(`steadyctl ${args.join(' ')}: sanitizer report:\n${san}`);
  return r;
}

/** Like steadyctl() but throws unless it exits 0. */
export async function steadyctlOk(db, args, opts = {}) {
  const r = await steadyctl(db, args, opts);
  if (r.code !== 0) throw new Error(describeRun(`steadyctl ${args.join(' ')}`, r));
  return r;
}

// ---------------------------------------------------------------- PostgreSQL

/** The admin conninfo with dbname replaced. */
export function conninfoFor(dbname) {
  const admin = need('STEADY_PG_ADMIN');
  if (/(^|\s)dbname=\S+/.test(admin)) return admin.replace(/(^|\s)dbname=\S+/, `$1dbname=${dbname}`);
  return `${admin} dbname=${dbname}`;
}

/** psql -XAt on a conninfo; resolves stdout (trailing newline removed); throws on error. */
export async function psql(db, sql, { fieldSep = '|' } = {}) {
  const r = await run('psql', ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-F', fieldSep, '-d', db, '-c', sql]);
  if (r.code !== 0) throw new Error(describeRun(`psql -c ${JSON.stringify(sql)}`, r));
  return r.stdout.replace(/\n$/, '');
}

/** Creates an empty database; returns {name, conninfo}. */
export async function createDatabase(prefix = 'steady_it') {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await psql(need('STEADY_PG_ADMIN'), `CREATE DATABASE "${name}"`);
  return { name, conninfo: conninfoFor(name) };
}

export async function dropDatabase(name) {
  await psql(need('STEADY_PG_ADMIN'), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** Row counts of every table in schema public, as {table: count}. */
export async function tableCounts(db) {
  const tables = (await psql(db,
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).split('\n').filter(Boolean);
  const out = {};
  if (!tables.length) return out;
  // one psql run for every table (one each made this the slowest part of the suite)
  const rows = await psql(db, tables.map((t) => `SELECT '${t}', count(*) FROM public."${t}"`).join(' UNION ALL '));
  for (const line of rows.split('\n').filter(Boolean)) {
    const [t, n] = line.split('|');
    out[t] = Number(n);
  }
  for (const t of tables) out[t] ??= 0;
  return out;
}

/** pg_dump --data-only of the database, without sequence positions (sequences
 * advance even in rolled-back transactions, which is not stored data). */
export async function dataDump(db) {
  const r = await run('pg_dump', ['--data-only', '--no-owner', '--no-privileges', '-d', db]);
  if (r.code !== 0) throw new Error(describeRun('pg_dump', r));
  return stableDump(r.stdout).split('\n').filter((l) => !l.startsWith('SELECT pg_catalog.setval(')).join('\n');
}

/** pg_dump --schema-only, comparable between runs. */
export async function schemaDump(db) {
  const r = await run('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', '-d', db]);
  if (r.code !== 0) throw new Error(describeRun('pg_dump', r));
  return stableDump(r.stdout);
}

// pg_dump >= 15.14 brackets its output with \restrict KEY / \unrestrict KEY,
// a random key per run.
function stableDump(text) {
  return text.split('\n').filter((l) => !/^\\(un)?restrict /.test(l)).join('\n');
}

/** Throws with the first differing lines (not two whole dumps) when a !== b. */
export function assertSameText(got, want, what) {
  if (got === want) return;
  const g = got.split('\n');
  const w = want.split('\n');
  let i = 0;
  while (i < g.length && i < w.length && g[i] === w[i]) i++;
  throw new Error(`${what}: differs from line ${i + 1}:\n` +
    `  before: ${w.slice(i, i + 5).join('\n          ')}\n` +
    `  after:  ${g.slice(i, i + 5).join('\n          ')}`);
}

/** The numbers of the migration files in sql/ (001_init.sql -> 1), sorted. */
export function migrationVersions() {
  return readdirSync(path.join(ROOT, 'sql'))
    .map((f) => /^(\d{3})_.*\.sql$/.exec(f))
    .filter(Boolean)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

// ---------------------------------------------------------------- daemon

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts steadyd on 127.0.0.1:<free port> against db and waits until
 * /healthz says the database is up.  config: extra `key = value` settings
 * written to a --config file (e.g. { ws_heartbeat_seconds: 1 }).
 * Returns { url, wsUrl, port, proc, logs(), stop() }.
 */
export async function startDaemon(db, { config = {}, args = [], timeout = 30_000, auth = true } = {}) {
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await startDaemonOn(db, port, { config, args, timeout, auth });
    } catch (e) {
      lastErr = e;
      // only a lost race for the port is worth another try
      if (!/address already in use|bind/i.test(String(e.message))) throw e;
    }
  }
  throw lastErr;
}

async function startDaemonOn(db, port, { config, args, timeout, auth = true }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'steadyd-test-'));
  const argv = ['--listen', `127.0.0.1:${port}`, '--db', db, '--web-root', WEB_ROOT(),
    '--log-level', 'debug', ...args];
  const keys = Object.keys(config);
  if (keys.length) {
    const conf = path.join(tmp, 'steadyd.conf');
    writeFileSync(conf, keys.map((k) => `${k} = ${config[k]}\n`).join(''));
    argv.unshift('--config', conf);
  }
  const proc = spawn(STEADYD(), argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let log = '';
  const verbose = process.env.STEADY_TEST_VERBOSE === '1';
  for (const s of [proc.stdout, proc.stderr]) {
    s.setEncoding('utf8');
    s.on('data', (chunk) => {
      log += chunk;
      if (log.length > 4 << 20) log = log.slice(-(2 << 20));
      if (verbose) process.stderr.write(chunk.replace(/^/gm, `[steadyd:${port}] `));
    });
  }
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
    children.delete(proc);
    resolve({ code, signal });
  }));
  let exitStatus = null;
  exited.then((s) => { exitStatus = s; });
  const url = `http://127.0.0.1:${port}`;
  const d = {
    url,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/live`,
    port,
    proc,
    logs: () => log,
    exited,
    /** SIGTERM, wait; throws if it does not exit cleanly (status 0, no sanitizer report). */
    async stop({ timeoutMs = 15_000 } = {}) {
      if (exitStatus === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(t);
      }
      if (d.token && tokens.get(url) === d.token) tokens.delete(url);
      rmSync(tmp, { recursive: true, force: true });
      const san = sanitizerReport(log);
      if (san) throw new Error(`steadyd on port ${port}: sanitizer report:\n${san}`);
      if (exitStatus.code !== 0) {
        throw new Error(`steadyd on port ${port} did not exit cleanly after SIGTERM ` +
          `(${exitStatus.code ?? exitStatus.signal}); log tail:\n${log.slice(-3000)}`);
      }
    },
  };
  const deadline = Date.now() + timeout;
  for (;;) {
    if (exitStatus) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`steadyd exited during start-up (${exitStatus.code ?? exitStatus.signal}):\n${log.slice(-3000)}`);
    }
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) {
        const h = await r.json();
        if (h.database === 'up') {
          if (auth) {
            // the daemon has migrated the database by now
            d.token = await addToken(db, `test admin ${port}`, 'admin');
            tokens.set(url, d.token);
          }
          return d;
        }
      }
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await exited;
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`steadyd did not become healthy within ${timeout} ms:\n${log.slice(-3000)}`);
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------- per-test fixture

const daemonsOf = new WeakMap(); // test context -> daemons started through setup()

/**
 * node:test's test(), plus: when the test fails, the tail of the log of every
 * steadyd it started is printed with it (CI output is all there is to read).
 */
export function test(name, opts, fn) {
  if (typeof opts === 'function') { fn = opts; opts = {}; }
  return nodeTest(name, opts, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      for (const d of daemonsOf.get(t) ?? []) {
        t.diagnostic(`steadyd on port ${d.port}, last lines of its log:\n${d.logs().split('\n').slice(-40).join('\n')}`);
      }
      throw e;
    }
  });
}

/**
 * A fresh database for test t (migrated unless migrate: false, with teams
 * added through steadyctl), and everything started through the returned
 * object cleaned up when t ends, whether it passed or not.
 * teams: [{code, name, area}].
 */
export async function setup(t, { teams = [], migrate = true } = {}) {
  const { name, conninfo } = await createDatabase();
  const daemons = [];
  const sockets = [];
  daemonsOf.set(t, daemons);
  t.after(async () => {
    for (const s of sockets) s.terminate();
    const errors = [];
    for (const d of daemons) {
      try { await d.stop(); } catch (e) { errors.push(e); }
    }
    if (process.env.STEADY_KEEP_DBS !== '1') await dropDatabase(name);
    if (errors.length) throw errors[0];
  });
  if (migrate) await steadyctlOk(conninfo, ['migrate']);
  for (const tm of teams) {
    const args = ['team', 'add', tm.code, tm.name];
    if (tm.area) args.push('--area', tm.area);
    await steadyctlOk(conninfo, args);
  }
  return {
    db: conninfo,
    dbName: name,
    async startDaemon(opts) {
      const d = await startDaemon(conninfo, opts);
      daemons.push(d);
      return d;
    },
    async live(d, opts) {
      const c = await openLive(d.wsUrl, opts);
      sockets.push(c.ws);
      return c;
    },
  };
}

// ---------------------------------------------------------------- HTTP

/** POST /api/v1/uploads; resolves {status, body (parsed JSON or text), headers}. */
export async function upload(baseUrl, { kind = 'roster', source, as_of }, csv,
  { contentType = 'text/csv' } = {}) {
  const q = new URLSearchParams();
  if (kind !== undefined) q.set('kind', kind);
  if (source !== undefined) q.set('source', source);
  if (as_of !== undefined) q.set('as_of', as_of);
  const r = await fetch(`${baseUrl}/api/v1/uploads?${q}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: csv,
  });
  return { status: r.status, headers: r.headers, body: await bodyOf(r) };
}

export async function getJson(url) {
  const r = await fetch(url);
  return { status: r.status, headers: r.headers, body: await bodyOf(r) };
}

async function bodyOf(r) {
  const text = await r.text();
  try { return JSON.parse(text); } catch { return text; }
}

/** Polls fn (every 100 ms) until it returns something truthy, which is returned; throws after ms. */
export async function until(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** `steadyctl upload` of a roster given as text, as at as_of (default 2026-09-30). */
export async function uploadCtl(db, source, csv, asOf = '2026-09-30') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steady-upload-'));
  const f = path.join(dir, `${source}.csv`);
  writeFileSync(f, csv);
  try {
    await steadyctlOk(db, ['upload', '--kind', 'roster', '--source', source, '--as-of', asOf, f]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readData(name) {
  return readFileSync(path.join(DATA, name));
}

// ---------------------------------------------------------------- WebSocket

/**
 * Connects to /api/v1/live with the `ws` package.  Returns
 * { ws, messages, next(pred, ms), waitClose(ms) }; next() resolves the first
 * message after the previous one it returned that satisfies pred.
 */
export function openLive(wsUrl, { timeout = 10_000, ...wsOpts } = {}) {
  return new Promise((resolve, reject) => {
    const tok = wsOpts.noAuth ? null : tokens.get(originOf(wsUrl));
    delete wsOpts.noAuth;
    if (tok) wsOpts.headers = { authorization: `Bearer ${tok}`, ...wsOpts.headers };
    const ws = new WebSocket(wsUrl, { handshakeTimeout: timeout, ...wsOpts });
    const messages = [];
    const waiters = new Set();
    let cursor = 0;
    let closed = null;
    const wake = () => { for (const w of [...waiters]) w(); };
    ws.on('message', (data, isBinary) => {
      let m;
      try { m = JSON.parse(data.toString('utf8')); } catch { m = { type: '(not JSON)', raw: data.toString('utf8'), isBinary }; }
      m.receivedAt = Date.now();
      messages.push(m);
      wake();
    });
    ws.on('close', (code, reason) => { closed = { code, reason: reason.toString() }; wake(); });
    let opened = false;
    ws.on('open', () => { opened = true; });
    // a refused handshake (e.g. 401) errors in state CLOSING: reject then too
    ws.on('error', (e) => { if (!opened) reject(e); });
    ws.on('open', () => resolve({
      ws,
      messages,
      get closed() { return closed; },
      /** Resolves the next message (after the last one returned) matching pred. */
      next(pred = () => true, ms = 5000, what = 'a matching message') {
        return new Promise((res, rej) => {
          const check = () => {
            for (let i = cursor; i < messages.length; i++) {
              if (pred(messages[i])) {
                cursor = i + 1;
                done();
                res(messages[i]);
                return true;
              }
            }
            if (closed) {
              done();
              rej(new Error(`socket closed (${closed.code} ${closed.reason}) before ${what}; got: ${summarize(messages.slice(cursor))}`));
              return true;
            }
            return false;
          };
          const timer = setTimeout(() => {
            done();
            rej(new Error(`no ${what} within ${ms} ms; got: ${summarize(messages.slice(cursor))}`));
          }, ms);
          const done = () => { clearTimeout(timer); waiters.delete(check); };
          if (!check()) waiters.add(check);
        });
      },
      waitClose(ms = 5000) {
        return new Promise((res, rej) => {
          if (closed) { res(closed); return; }
          const timer = setTimeout(() => rej(new Error(`socket not closed within ${ms} ms`)), ms);
          ws.once('close', () => { clearTimeout(timer); res(closed); });
        });
      },
    }));
  });
}

function summarize(msgs) {
  if (!msgs.length) return 'nothing';
  return msgs.map((m) => {
    if (m.type === 'update' || m.type === 'snapshot') {
      return `${m.type}(as_of=${m.data?.as_of}, service agency fte=${m.data?.service?.fte?.agency})`;
    }
    return m.type;
  }).join(', ');
}

// ---------------------------------------------------------------- figures

export function teamOf(summary, code) {
  const t = summary.teams.find((x) => x.code === code);
  if (!t) throw new Error(`team ${code} not in summary: ${summary.teams.map((x) => x.code).join(', ')}`);
  return t;
}

/** Numbers equal to 1e-6 (FTE sums come from numeric columns; JSON may carry 3.6 as 3.5999999). */
export function near(a, b) {
  return typeof a === 'number' && Math.abs(a - b) < 1e-6;
}

/**
 * Compares a FIGURES object (docs/api.md) with the expected one and throws
 * an error listing every difference, e.g. "ALPHA agency_rate_fte.value: got 36.3, want 36.4".
 * expected: { fte: {permanent, fixed_term, agency, total}, headcount: {...},
 *             agency_rate_fte: {value, num, den, small}, agency_rate_headcount: {...} }
 */
export function assertFigures(got, want, label) {
  const diffs = [];
  const cmp = (pathStr, g, w, exact) => {
    const ok = w === null ? g === null : exact ? g === w : near(g, w);
    if (!ok) diffs.push(`${label} ${pathStr}: got ${JSON.stringify(g)}, want ${JSON.stringify(w)}`);
  };
  for (const k of ['permanent', 'fixed_term', 'agency', 'total']) {
    cmp(`fte.${k}`, got?.fte?.[k], want.fte[k], false);
    cmp(`headcount.${k}`, got?.headcount?.[k], want.headcount[k], true);
  }
  for (const r of ['agency_rate_fte', 'agency_rate_headcount']) {
    cmp(`${r}.value`, got?.[r]?.value, want[r].value, true);
    cmp(`${r}.num`, got?.[r]?.num, want[r].num, false);
    cmp(`${r}.den`, got?.[r]?.den, want[r].den, false);
    cmp(`${r}.small`, got?.[r]?.small, want[r].small, true);
  }
  if (diffs.length) throw new Error(diffs.join('\n'));
}

/** FIGURES built from counts: fte {p, f, a} and heads {p, f, a}, with rates as docs/api.md defines them. */
export function figures(fte, heads, rates) {
  const tf = fte.p + fte.f + fte.a;
  const th = heads.p + heads.f + heads.a;
  return {
    fte: { permanent: fte.p, fixed_term: fte.f, agency: fte.a, total: tf },
    headcount: { permanent: heads.p, fixed_term: heads.f, agency: heads.a, total: th },
    agency_rate_fte: { value: rates.fte, num: fte.a, den: tf, small: tf < 10 },
    agency_rate_headcount: { value: rates.heads, num: heads.a, den: th, small: th < 10 },
  };
}

/** The teams of the tests' hand-made rosters (tests/data/). */
export const TEAMS = [
  { code: 'ALPHA', name: 'Alpha Team', area: 'Front door' },
  { code: 'BRAVO', name: 'Bravo Team', area: 'Safeguarding' },
  { code: 'CHARLIE', name: 'Charlie Team', area: 'Safeguarding' },
];
