// 9. Access control: every refusal has the right status and stores nothing
//    (unauthenticated upload, a viewer's upload, a forged CSRF request, a
//    revoked display token, path traversal, an oversized body); sessions,
//    CSRF, logout, API and display tokens, login throttling, the audit log.
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  test, setup, readData, tableCounts, psql, fetchRaw, login, addUser, addToken,
  addDisplayToken, openLive, steadyctl, TEAMS,
} from './lib.mjs';

const CSV = () => readData('roster-small.csv');
const UPLOAD = '/api/v1/uploads?kind=roster&source=hr&as_of=2026-09-30';

async function post(url, { headers = {}, body = CSV() } = {}) {
  const r = await fetchRaw(url, { method: 'POST', headers: { 'content-type': 'text/csv', ...headers }, body });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
}

/** A raw HTTP/1.1 request; resolves the status line's code. */
function rawStatus(port, request) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let buf = '';
    s.on('data', (c) => {
      buf += c.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf);
      if (m) { s.destroy(); resolve(Number(m[1])); }
    });
    s.on('error', reject);
    s.on('close', () => { if (!/^HTTP/.test(buf)) reject(new Error(`no reply: ${JSON.stringify(buf)}`)); });
  });
}

test('refusals: each with the right status, nothing stored', { timeout: 240_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon({ config: { max_upload_bytes: '64K' } });
  await addUser(env.db, 'vera', 'viewer', 'viewer password 1');
  await addUser(env.db, 'harry', 'hr', 'hr password 123');
  const viewerToken = await addToken(env.db, 'viewer token', 'viewer');
  const disp = await addDisplayToken(env.db, 'TV');
  const before = await tableCounts(env.db);
  const base = d.url;

  // no credentials at all: 401, JSON
  let r = await post(`${base}${UPLOAD}`);
  assert.equal(r.status, 401, r.text);
  assert.match(r.headers.get('content-type'), /application\/json/);
  assert.ok(r.json.error);
  // a viewer's session and a viewer's token: 403
  const v = await login(base, 'vera', 'viewer password 1');
  assert.equal(v.status, 200, JSON.stringify(v.body));
  r = await post(`${base}${UPLOAD}`, { headers: { cookie: v.cookie, 'x-csrf-token': v.csrf } });
  assert.equal(r.status, 403, r.text);
  r = await post(`${base}${UPLOAD}`, { headers: { authorization: `Bearer ${viewerToken}` } });
  assert.equal(r.status, 403, r.text);
  // a viewer reads alert history and rules, but never receivers (webhook URLs hold secrets) nor changes rules
  for (const [path, want] of [['/api/v1/alerts', 200], ['/api/v1/rules', 200], ['/api/v1/receivers', 403]]) {
    const g = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${viewerToken}` } });
    assert.equal(g.status, want, `viewer GET ${path}`);
    const tv = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${disp.token}` } });
    assert.equal(tv.status, 403, `display token GET ${path}`);
  }
  r = await fetch(`${base}/api/v1/rules`, { method: 'PUT', headers: { cookie: v.cookie, 'x-csrf-token': v.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ figure: 'agency_rate', amber: 1, amber_clear: 0, red: 2, red_clear: 1 }) });
  assert.equal(r.status, 403, 'viewer PUT /api/v1/rules');
  // an hr session without / with a wrong CSRF token, or from another origin: 403
  const h = await login(base, 'harry', 'hr password 123');
  assert.equal(h.status, 200);
  r = await post(`${base}${UPLOAD}`, { headers: { cookie: h.cookie } });
  assert.equal(r.status, 403, r.text);
  assert.match(r.json.error, /CSRF/);
  r = await post(`${base}${UPLOAD}`, { headers: { cookie: h.cookie, 'x-csrf-token': v.csrf } });
  assert.equal(r.status, 403, r.text);
  r = await post(`${base}${UPLOAD}`, {
    headers: { cookie: h.cookie, 'x-csrf-token': h.csrf, origin: 'https://evil.example' },
  });
  assert.equal(r.status, 403, r.text);
  // a made-up or malformed bearer token: 401
  r = await post(`${base}${UPLOAD}`, { headers: { authorization: `Bearer stk_${'0'.repeat(64)}` } });
  assert.equal(r.status, 401, r.text);
  r = await post(`${base}${UPLOAD}`, { headers: { authorization: 'Bearer nonsense' } });
  assert.equal(r.status, 401, r.text);
  // a display token may read the summary but never upload
  r = await post(`${base}${UPLOAD}`, { headers: { authorization: `Bearer ${disp.token}` } });
  assert.equal(r.status, 403, r.text);
  // an oversized body (limit 64 KiB): 413, with an admin token even
  const big = Buffer.alloc(200 << 10, 'a');
  r = await post(`${base}${UPLOAD}`, { headers: { authorization: `Bearer ${d.token}` }, body: big }).catch((e) => ({ status: 'reset', text: String(e) }));
  assert.ok(r.status === 413 || r.status === 'reset', `oversized body: ${r.status}`);
  // path traversal in the static files: 404, never a file outside the web root
  for (const p of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd',
    '/vendor/../../sql/001_init.sql', '/.hidden', '/%00index.html']) {
    const code = await rawStatus(d.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.ok([400, 404].includes(code), `${p}: ${code}`);
  }
  // logins are stored (sessions, audit, failure counts); nothing else is
  const counts = await tableCounts(env.db);
  for (const k of ['app_session', 'audit_log']) { delete counts[k]; delete before[k]; }
  assert.deepEqual(counts, before, 'row counts of every other table unchanged');
  assert.equal(Number(await psql(env.db, 'SELECT count(*) FROM upload_batch')), 0, 'no batch stored');
});

test('sessions: login, me, CSRF-protected upload, logout; wrong passwords throttled and audited', { timeout: 240_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  await addUser(env.db, 'harry', 'hr', 'hr password 123');
  const base = d.url;

  const h = await login(base, 'harry', 'hr password 123');
  assert.equal(h.status, 200);
  assert.deepEqual({ user: h.body.user, role: h.body.role }, { user: 'harry', role: 'hr' });
  const sc = h.setCookies.find((c) => c.startsWith('steady_session='));
  assert.match(sc, /HttpOnly/);
  assert.match(sc, /SameSite=Strict/);
  assert.match(sc, /Path=\//);
  assert.doesNotMatch(sc, /Secure/, 'plain HTTP from an untrusted peer: no Secure flag');
  // the session id is stored hashed only
  const sid = h.cookie.match(/steady_session=([^;]+)/)[1];
  assert.equal(Number(await psql(env.db, `SELECT count(*) FROM app_session WHERE id_hash = '${sid}'`)), 0);
  assert.equal(Number(await psql(env.db, 'SELECT count(*) FROM app_session')), 1);

  let r = await fetchRaw(`${base}/api/v1/auth/me`, { headers: { cookie: h.cookie } });
  assert.deepEqual(await r.json(), { user: 'harry', role: 'hr', csrf_token: h.csrf });
  r = await fetchRaw(`${base}/api/v1/summary`, { headers: { cookie: h.cookie } });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  // hr may upload with the CSRF token, and the batch records who
  const up = await post(`${base}${UPLOAD}`, { headers: { cookie: h.cookie, 'x-csrf-token': h.csrf, origin: base } });
  assert.equal(up.status, 201, up.text);
  // hr is not admin
  r = await fetchRaw(`${base}/api/v1/users`, { headers: { cookie: h.cookie } });
  assert.equal(r.status, 403);
  await r.arrayBuffer();
  // a session signed in longer ago than session_max_seconds (7 days by default) ends, however busy;
  // one of 6 days 23 hours still works
  const h2 = await login(base, 'harry', 'hr password 123');
  await psql(env.db, "UPDATE app_session SET created_at = now() - interval '6 days 23 hours'");
  r = await fetchRaw(`${base}/api/v1/auth/me`, { headers: { cookie: h2.cookie } });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  await psql(env.db, "UPDATE app_session SET created_at = now() - interval '7 days 1 minute'");
  r = await fetchRaw(`${base}/api/v1/auth/me`, { headers: { cookie: h2.cookie } });
  assert.equal(r.status, 401);
  await r.arrayBuffer();
  await psql(env.db, "UPDATE app_session SET created_at = now()");

  // logout needs the CSRF token too, then the session is gone
  r = await fetchRaw(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: h.cookie } });
  assert.equal(r.status, 403);
  await r.arrayBuffer();
  r = await fetchRaw(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: h.cookie, 'x-csrf-token': h.csrf } });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  r = await fetchRaw(`${base}/api/v1/summary`, { headers: { cookie: h.cookie } });
  assert.equal(r.status, 401);
  await r.arrayBuffer();

  // wrong passwords: 401, then throttled (429 with Retry-After), never the password in the log
  for (let i = 0; i < 3; i++) {
    const bad = await login(base, 'harry', `wrong password ${i}`);
    assert.equal(bad.status, 401);
  }
  const throttled = await login(base, 'harry', 'hr password 123');
  assert.equal(throttled.status, 429);
  assert.doesNotMatch(d.logs(), /wrong password|hr password 123/);
  assert.doesNotMatch(d.logs(), new RegExp(sid));
  const audit = await psql(env.db, "SELECT action FROM audit_log WHERE who = 'harry' AND action <> 'upload' ORDER BY id");
  assert.deepEqual(audit.split('\n'), ['login', 'login', 'logout', 'login-failed', 'login-failed', 'login-failed']);
  // uploads reach the audit log from the database itself (trigger), whoever stored them
  assert.equal(Number(await psql(env.db, "SELECT count(*) FROM audit_log WHERE action = 'upload' AND detail LIKE 'batch %: roster from hr as of 2026-09-30, % rows'")), 1);

  // a password change ends every session
  const again = await steadyctl(env.db, ['user', 'passwd', 'harry'], { input: 'new password 456\n' });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(Number(await psql(env.db, 'SELECT failed_logins FROM app_user WHERE name = \'harry\'')), 0);
});

test('display tokens: read-only aggregates over a cookie or bearer, revocable; API tokens revocable', { timeout: 240_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const base = d.url;
  const disp = await addDisplayToken(env.db, 'Reception TV');
  assert.match(disp.token, /^std_[0-9a-f]{64}$/);
  assert.equal(Number(await psql(env.db, `SELECT count(*) FROM display_token WHERE token_hash = '${disp.token}'`)), 0, 'stored hashed');

  // the wall page with ?display= sets an HttpOnly cookie the page's own requests carry
  let r = await fetchRaw(`${base}/?display=${disp.token}`);
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  const set = r.headers.getSetCookie().find((c) => c.startsWith('steady_display='));
  assert.ok(set, 'a display cookie');
  assert.match(set, /HttpOnly/);
  const cookie = set.split(';')[0];
  r = await fetchRaw(`${base}/api/v1/summary`, { headers: { cookie } });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  r = await fetchRaw(`${base}/api/v1/summary?display=${disp.token}`);
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  const live = await openLive(d.wsUrl, { noAuth: true, headers: { cookie } });
  await live.next((m) => m.type === 'snapshot');
  live.ws.terminate();
  // but nothing beyond the aggregates
  for (const p of ['/api/v1/establishment', '/api/v1/users', '/api/v1/display-tokens']) {
    r = await fetchRaw(`${base}${p}`, { headers: { cookie } });
    assert.equal(r.status, 403, p);
    await r.arrayBuffer();
  }

  // revoked through the admin API: refused at once
  r = await fetch(`${base}/api/v1/display-tokens`);
  const list = await r.json();
  assert.equal(list.length, 1);
  assert.equal(list[0].label, 'Reception TV');
  assert.equal(list[0].token, undefined, 'a listing never shows tokens');
  r = await fetch(`${base}/api/v1/display-tokens/${list[0].id}`, { method: 'DELETE' });
  assert.equal(r.status, 200, await r.text());
  r = await fetchRaw(`${base}/api/v1/summary`, { headers: { cookie } });
  assert.equal(r.status, 401);
  await r.arrayBuffer();
  await assert.rejects(openLive(d.wsUrl, { noAuth: true, headers: { cookie } }));
  const state = await steadyctl(env.db, ['display-token', 'list']);
  assert.match(state.stdout, /revoked/);

  // API tokens: created by an admin over the API (shown once), revoked with steadyctl
  r = await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label: 'HR system', role: 'hr' }) });
  assert.equal(r.status, 201);
  const created = await r.json();
  assert.match(created.token, /^stk_/);
  const up = await post(`${base}${UPLOAD}`, { headers: { authorization: `Bearer ${created.token}` } });
  assert.equal(up.status, 201, up.text);
  const rv = await steadyctl(env.db, ['token', 'revoke', String(created.id)]);
  assert.equal(rv.code, 0, rv.stderr);
  const again = await post(`${base}${UPLOAD}`, { headers: { authorization: `Bearer ${created.token}` } });
  assert.equal(again.status, 401);
  assert.doesNotMatch(d.logs(), new RegExp(created.token));
  assert.doesNotMatch(d.logs(), new RegExp(disp.token));
});

test('users over the admin API; proxy authentication only from a trusted proxy', { timeout: 240_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon({ config: { trusted_proxies: '127.0.0.1', proxy_user_header: 'X-Remote-User' } });
  const base = d.url;
  let r = await fetch(`${base}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sso.user', role: 'viewer' }) });
  assert.equal(r.status, 201, await r.text());
  r = await fetch(`${base}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sso.user', role: 'viewer' }) });
  assert.equal(r.status, 409);
  await r.arrayBuffer();
  r = await fetch(`${base}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'weak', role: 'hr', password: 'short' }) });
  assert.equal(r.status, 422);
  await r.arrayBuffer();
  // with a password (hashed on the worker thread, then stored): the user can sign in with it
  const mkUser = (name) => fetch(`${base}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, role: 'hr', password: 'api password 123' }) });
  r = await mkUser('api.hr');
  assert.deepEqual([r.status, await r.json()], [201, { name: 'api.hr', role: 'hr' }]);
  r = await mkUser('api.hr');
  assert.equal(r.status, 409, 'the same name again, after hashing: 409');
  await r.arrayBuffer();
  const viaApi = await login(base, 'api.hr', 'api password 123');
  assert.deepEqual([viaApi.status, viaApi.body.role], [200, 'hr']);
  assert.equal((await login(base, 'api.hr', 'api password 124')).status, 401);
  r = await fetch(`${base}/api/v1/users/api.hr`, { method: 'DELETE' });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  // the test runs on 127.0.0.1, configured as the trusted proxy
  r = await fetchRaw(`${base}/api/v1/auth/me`, { headers: { 'x-remote-user': 'sso.user' } });
  assert.deepEqual(await r.json(), { user: 'sso.user', role: 'viewer' });
  // writes with proxy authentication: same-origin (Origin = Host) only
  await fetch(`${base}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sso.admin', role: 'admin' }) });
  const mk = (headers) => fetchRaw(`${base}/api/v1/tokens`, { method: 'POST', headers: { 'x-remote-user': 'sso.admin', 'content-type': 'application/json', ...headers }, body: JSON.stringify({ label: 'x', role: 'viewer' }) });
  r = await mk({});
  assert.equal(r.status, 403, 'no Origin, no X-CSRF-Token');
  await r.arrayBuffer();
  r = await mk({ origin: 'https://evil.example' });
  assert.equal(r.status, 403);
  await r.arrayBuffer();
  r = await mk({ origin: base });
  assert.equal(r.status, 201);
  await r.arrayBuffer();
  r = await fetch(`${base}/api/v1/users/sso.admin`, { method: 'DELETE' });
  await r.arrayBuffer();
  r = await fetchRaw(`${base}/api/v1/auth/me`, { headers: { 'x-remote-user': 'nobody' } });
  assert.equal(r.status, 401);
  await r.arrayBuffer();
  // over TLS at the trusted proxy (X-Forwarded-Proto: https): Secure cookies
  await addUser(env.db, 'tls.user', 'viewer', 'viewer password 1');
  r = await fetchRaw(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
    body: JSON.stringify({ user: 'tls.user', password: 'viewer password 1' }),
  });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  for (const c of r.headers.getSetCookie()) assert.match(c, /; Secure/, c);
  r = await fetch(`${base}/api/v1/users/tls.user`, { method: 'DELETE' });
  await r.arrayBuffer();
  r = await fetch(`${base}/api/v1/users/sso.user`, { method: 'DELETE' });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  const list = await (await fetch(`${base}/api/v1/users`)).json();
  assert.deepEqual(list, []);
});

test('proxy authentication header is ignored from an untrusted peer', { timeout: 60_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon({ config: { trusted_proxies: '192.0.2.1', proxy_user_header: 'X-Remote-User' } });
  await addUser(env.db, 'boss', 'admin', 'admin password 1');
  const r = await fetchRaw(`${d.url}/api/v1/users`, { headers: { 'x-remote-user': 'boss' } });
  assert.equal(r.status, 401);
  await r.arrayBuffer();
});
