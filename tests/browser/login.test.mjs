// Browser test of access control: the login page under the daemon's CSP ->
// an upload from the logged-in page (CSRF token from the steady_csrf cookie;
// refused without it) -> logout, after which the page's requests get 401.
// Run through scripts/test (it sets STEADYD, STEADYCTL, STEADY_PG_ADMIN...).
import assert from 'node:assert/strict';
import { test, setup, addUser, readData, TEAMS } from '../integration/lib.mjs';
import { openChromium } from './chromium.mjs';

const missing = ['STEADYD', 'STEADYCTL', 'STEADY_PG_ADMIN'].filter((k) => !process.env[k]);

test('login -> upload -> logout in a browser', {
  skip: missing.length ? `needs ${missing.join(', ')} (run it through the test script)` : false,
  timeout: 120_000,
}, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  await addUser(env.db, 'harry', 'hr', 'hr password 123');
  const { context, page, close } = await openChromium('login');
  t.after(close);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective));
  });

  // a wrong password first: the page says so
  await page.goto(`${d.url}/login.html?next=/login.html`);
  await page.fill('#user', 'harry');
  await page.fill('#password', 'not the password');
  await page.click('#submit');
  await page.waitForFunction(() => /Wrong user name or password/.test(document.getElementById('message').textContent));

  // then the right one: back to ?next, logged in
  await page.fill('#password', 'hr password 123');
  await Promise.all([page.waitForNavigation(), page.click('#submit')]);
  await page.waitForSelector('#signed-in:not([hidden])');
  assert.equal(await page.textContent('#who'), 'harry');
  assert.equal(await page.textContent('#role'), 'hr');
  const cookies = await context.cookies(d.url);
  const session = cookies.find((c) => c.name === 'steady_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', JSON.stringify(cookies));
  assert.equal(await page.evaluate(() => document.cookie.includes('steady_session')), false, 'HttpOnly: scripts cannot read it');

  // an upload from the page: refused without the CSRF header, stored with it
  const csv = readData('roster-small.csv').toString('utf8');
  const status = (withCsrf) => page.evaluate(async ([body, c]) => {
    const m = document.cookie.match(/(?:^|;\s*)steady_csrf=([^;]+)/);
    const headers = { 'Content-Type': 'text/csv' };
    if (c) headers['X-CSRF-Token'] = m[1];
    const r = await fetch('/api/v1/uploads?kind=roster&source=hr&as_of=2026-09-30', { method: 'POST', headers, body });
    return r.status;
  }, [csv, withCsrf]);
  assert.equal(await status(false), 403);
  assert.equal(await status(true), 201);

  // logout: the session ends; the page's requests are refused
  await page.click('#logout');
  await page.waitForFunction(() => /logged out/.test(document.getElementById('message').textContent));
  const after = await page.evaluate(async () => (await fetch('/api/v1/summary')).status);
  assert.equal(after, 401);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violations');
  assert.deepEqual(problems, []);
});

test('an admin adds a wall display on the access page, the TV shows figures, the admin revokes it', {
  skip: missing.length ? `needs ${missing.join(', ')} (run it through the test script)` : false,
  timeout: 120_000,
}, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  await addUser(env.db, 'alice', 'admin', 'admin password 1');
  const { page, close } = await openChromium('access');
  t.after(close);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (dlg) => dlg.accept());

  // not logged in: the access page sends the admin to the login page and back
  await page.goto(`${d.url}/access.html`);
  await page.waitForURL(/login\.html\?next=%2Faccess\.html/);
  await page.fill('#user', 'alice');
  await page.fill('#password', 'admin password 1');
  await Promise.all([page.waitForURL((u) => u.pathname === '/access.html'), page.click('#submit')]);
  await page.waitForFunction(() => /alice \(admin\)/.test(document.getElementById('me').textContent));

  await page.fill('#display-label', 'Reception TV');
  await page.click('#display-form button[type=submit]');
  await page.waitForSelector('#secret:not([hidden])');
  const url = await page.textContent('#secret-value');
  assert.match(url, /\/\?display=std_[0-9a-f]{64}$/);
  await page.waitForSelector('#displays tr[data-id]');

  // the TV: a separate browser context (no admin cookies)
  const tv = await openChromium('tv');
  t.after(tv.close);
  const tvPage = tv.page;
  await tvPage.goto(url);
  const status = () => tvPage.evaluate(async () => (await fetch('/api/v1/summary')).status);
  assert.equal(await status(), 200);

  // revoke on the access page: the TV is refused at once
  await page.click('#displays tr[data-id] button');
  await page.waitForSelector('#displays tr.revoked');
  assert.equal(await status(), 401);
  assert.deepEqual(problems, []);
});
