// Browser test of the alerts page (web/alerts.html) in Debian's Chromium, against
// a real steadyd and PostgreSQL (a database of its own, tests/integration/lib.mjs).
//
// One roster, uploaded through the API with the test daemon's admin token, as at
// 2026-09-30 (staff_id,team,contract,fte; every row 1.0 FTE):
//   ALPHA    5 permanent + 5 agency = 10 FTE: agency rate 5 / 10 = 50.0%  -> RED   (red at 30)
//   BRAVO    8 permanent + 2 agency = 10 FTE: agency rate 2 / 10 = 20.0%  -> AMBER (amber at 20, red 30)
//   CHARLIE 10 permanent            = 10 FTE: 0.0%                        -> no alert
// The shipped default rule for agency_rate_fte (sql/005_alerts.sql, docs/alerts.md):
// amber 20 (clear 18), red 30 (clear 27), min_den 5 FTE; every denominator here is
// 10 >= 5.  The other default rules have no data from one roster without
// establishments, so exactly two alerts are active.
//
// 1. an admin signs in through login.html (sent there by the page, and back),
//    sees both alerts with their level as a word and symbol as well as a colour,
//    the team, figure, value; acknowledges ALPHA with a comment in the page;
//    the page and GET /api/v1/alerts show it acknowledged by alice;
// 2. the admin adds an email receiver through the form: an invalid address list
//    shows the server's 422 problem in the form and stores nothing; a valid one
//    appears in the receivers table, normalised;
// 3. a viewer signs in: alerts and history shown, no rule form, no receivers, no
//    error status (the 403 on /api/v1/receivers is expected and not shown), and
//    the viewer acknowledges BRAVO.
// Every case: no page errors, no console errors other than the HTTP refusals the
// test causes on purpose, no CSP violations.  Screenshots in tests/browser/out/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, setup, upload, getJson, addUser, psql, TEAMS, until } from '../integration/lib.mjs';
import { openChromium } from './chromium.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'out');
const missing = ['STEADYD', 'STEADYCTL', 'STEADY_PG_ADMIN'].filter((k) => !process.env[k]);
const SKIP = missing.length ? `needs ${missing.join(', ')} (run it through the test script)` : false;

const AS_OF = '2026-09-30';
const RED_RGB = 'rgb(179, 38, 30)'; // --red of web/alerts.css
const AMBER_RGB = 'rgb(138, 90, 0)'; // --amber

function roster() {
  let s = 'staff_id,team,contract,fte\n';
  for (let i = 1; i <= 5; i++) s += `AP${i},ALPHA,permanent,1.0\n`;
  for (let i = 1; i <= 5; i++) s += `AG${i},ALPHA,agency,1.0\n`;
  for (let i = 1; i <= 8; i++) s += `BP${i},BRAVO,permanent,1.0\n`;
  for (let i = 1; i <= 2; i++) s += `BG${i},BRAVO,agency,1.0\n`;
  for (let i = 1; i <= 10; i++) s += `CP${i},CHARLIE,permanent,1.0\n`;
  return s;
}

/** A daemon with the three teams, users alice (admin) and vera (viewer), and the two alerts fired. */
async function daemonWithAlerts(t) {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  await addUser(env.db, 'alice', 'admin', 'admin password 1');
  await addUser(env.db, 'vera', 'viewer', 'viewer password 1');
  const up = await upload(d.url, { source: 'hr', as_of: AS_OF }, roster());
  assert.equal(up.status, 201, JSON.stringify(up.body));
  // the evaluation follows the upload's NOTIFY
  const alerts = await until(async () => {
    const r = await getJson(`${d.url}/api/v1/alerts`);
    return r.status === 200 && r.body.active.length >= 2 ? r.body : null;
  }, 15_000, 'the two alerts');
  const byTeam = Object.fromEntries(alerts.active.map((a) => [a.team, a]));
  assert.deepEqual(alerts.active.map((a) => `${a.team} ${a.figure} ${a.level} ${a.value}`).sort(),
    ['ALPHA agency_rate_fte red 50', 'BRAVO agency_rate_fte amber 20']);
  return { env, d, byTeam };
}

/**
 * A fresh Chromium profile; returns { page, problems(), csp() }.  problems() lists
 * page errors and console errors, except the "Failed to load resource" lines of the
 * HTTP refusals in `expected` ([{status, url: RegExp}]), which the test causes.
 */
async function browser(t, expected) {
  const { page, close } = await openChromium('alerts', { viewport: { width: 1400, height: 1000 } });
  t.after(close);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    const url = m.location()?.url || '';
    const st = /Failed to load resource: the server responded with a status of (\d+)/.exec(text);
    if (st && expected.some((x) => x.status === Number(st[1]) && x.url.test(url))) return;
    problems.push(`console: ${text} (${url})`);
  });
  page.on('dialog', (dlg) => dlg.accept());
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems: () => problems, csp: () => page.evaluate(() => window.__csp) };
}

/** Opens alerts.html signed out: the page sends us to the login page, we sign in and come back. */
async function signIn(page, d, user, password) {
  await page.goto(`${d.url}/alerts.html`);
  await page.waitForURL(/\/login\.html\?next=%2Falerts\.html$/);
  await page.fill('#user', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => u.pathname === '/alerts.html'), page.click('#submit')]);
  await loaded(page);
}

/** The page has finished a load(): its status says "Updated ..." (or shows an error). */
async function loaded(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status');
    return /^Updated /.test(s.textContent) || s.classList.contains('error');
  });
}

const row = (page, table, team) => page.locator(`#${table} tbody tr`, { hasText: `(${team})` });
const historyRow = (page, id) => page.locator('#history tbody tr', { has: page.locator(`td:first-child:text-is("${id}")`) });
const cells = (loc) => loc.locator(':scope > td').allTextContents();

// The refusals a signed-out browser gets: the alerts page's requests before it goes to
// the login page, and the login page's own "am I signed in?" (GET /api/v1/auth/me).
const SIGNED_OUT = [{ status: 401, url: /\/api\/v1\/(alerts|rules|receivers|auth\/me)\b/ }];

test('alerts page: an admin sees the alerts in words and colour and acknowledges one', { skip: SKIP, timeout: 120_000 }, async (t) => {
  const { d, byTeam } = await daemonWithAlerts(t);
  const { page, problems, csp } = await browser(t, SIGNED_OUT);
  await signIn(page, d, 'alice', 'admin password 1');
  assert.equal(await page.getAttribute('#status', 'class'), 'status');
  assert.equal(await page.isHidden('#no-active'), true);

  // the active alerts: level as a word and symbol, and as a colour
  assert.equal(await page.locator('#active tbody tr').count(), 2);
  const alpha = row(page, 'active', 'ALPHA');
  const bravo = row(page, 'active', 'BRAVO');
  const a = await cells(alpha);
  assert.equal(a[0], '\u25B2 RED');
  assert.equal(a[1], 'Alpha Team (ALPHA)');
  assert.equal(a[2], 'Agency rate (FTE)');
  assert.equal(a[3], '50.0%');
  assert.match(a[4], / at 50\.0%$/);
  assert.equal(a[6], `figures as of ${AS_OF}`);
  const b = await cells(bravo);
  assert.deepEqual([b[0], b[1], b[2], b[3]], ['\u25CF AMBER', 'Bravo Team (BRAVO)', 'Agency rate (FTE)', '20.0%']);
  const bg = (loc) => loc.locator('span.level').evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(await bg(alpha), RED_RGB);
  assert.equal(await bg(bravo), AMBER_RGB);

  // the history: both alerts, still active, fired from normal
  const h = await cells(historyRow(page, byTeam.ALPHA.id));
  assert.deepEqual([h[1], h[2], h[3], h[6]], ['\u25B2 RED', 'ALPHA', 'Agency rate (FTE)', 'active']);
  assert.match(h[4], / \(50\.0%\)$/);
  assert.match(h[7], /: fire normal \u2192 red \(50\.0%\)$/);
  assert.equal(await historyRow(page, byTeam.BRAVO.id).count(), 1);

  // the rules: the shipped default, with the form for an admin
  assert.equal(await page.isVisible('#rule-form'), true);
  assert.equal(await page.isVisible('#receiver-form'), true);
  const def = page.locator('#rules tbody tr', { hasText: 'Agency rate (FTE)' }).first();
  const r = await cells(def);
  assert.deepEqual([r[1], r[2], r[3], r[4], r[5], r[6]], ['all teams (default)', 'yes', 'higher', '20 (18)', '30 (27)', '5']);

  // acknowledging needs a comment: nothing is sent without one
  await alpha.locator('button', { hasText: 'Acknowledge' }).click();
  await page.waitForFunction(() => /needs a comment/.test(document.getElementById('status').textContent));
  assert.equal(await page.getAttribute('#status', 'class'), 'status error');
  assert.equal((await getJson(`${d.url}/api/v1/alerts`)).body.active.find((x) => x.team === 'ALPHA').acknowledged, false);

  const comment = 'Agency cover agreed until the two posts are filled';
  await alpha.locator('input[aria-label="Comment"]').fill(comment);
  await alpha.locator('button', { hasText: 'Acknowledge' }).click();
  await alpha.locator('td:nth-child(6) strong').waitFor();
  assert.equal(await alpha.locator('td:nth-child(6) strong').textContent(), 'alice');
  assert.match(await alpha.locator('td:nth-child(6)').textContent(), new RegExp(`${comment}$`));
  assert.equal(await alpha.locator('button', { hasText: 'Acknowledge' }).count(), 0);
  assert.equal(await page.textContent('#status'), 'Alert acknowledged.');
  assert.equal(await page.getAttribute('#status', 'class'), 'status');
  // BRAVO is still waiting for someone
  assert.equal(await bravo.locator('button', { hasText: 'Acknowledge' }).count(), 1);
  // the history row names alice and the comment, with the ack event
  const hist = historyRow(page, byTeam.ALPHA.id);
  await page.waitForFunction(([id]) => [...document.querySelectorAll('#history tbody tr')]
    .some((tr) => tr.cells[0].textContent === String(id) && tr.cells[5].textContent !== ''), [byTeam.ALPHA.id]);
  const h2 = await cells(hist);
  assert.equal(h2[5], `alice: ${comment}`);
  assert.match(h2[7], new RegExp(`: ack by alice: \u201C${comment}\u201D$`));

  // the API agrees
  const api = (await getJson(`${d.url}/api/v1/alerts`)).body;
  const acked = api.active.find((x) => x.team === 'ALPHA');
  assert.equal(acked.acknowledged, true);
  assert.equal(acked.acked_by, 'alice');
  assert.equal(acked.ack_comment, comment);
  assert.equal(api.active.find((x) => x.team === 'BRAVO').acknowledged, false);
  const ev = api.history.find((x) => x.id === byTeam.ALPHA.id).events;
  assert.deepEqual(ev.map((e) => [e.transition, e.by, e.comment]),
    [['fire', null, null], ['ack', 'alice', comment]]);

  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, 'alerts-admin-acked.png'), fullPage: true });
  assert.deepEqual(await csp(), [], 'no CSP violations');
  assert.deepEqual(problems(), [], 'no page or console errors');
});

test('alerts page: an admin adds an email receiver; an invalid address list is refused with the server\'s problem', { skip: SKIP, timeout: 120_000 }, async (t) => {
  const { env, d } = await daemonWithAlerts(t);
  const { page, problems, csp } = await browser(t, [...SIGNED_OUT, { status: 422, url: /\/api\/v1\/receivers$/ }]);
  await signIn(page, d, 'alice', 'admin password 1');
  assert.equal(await page.isVisible('#h-receivers'), true);
  assert.equal(await page.locator('#receivers tbody tr').count(), 0);

  // a display name is not a plain address: 422, its problem in the form's list, nothing stored
  await page.fill('#receiver-form input[name=name]', 'directors');
  await page.selectOption('#receiver-form select[name=kind]', 'email');
  await page.fill('#receiver-form input[name=url]', 'Directors <dir@council.example>');
  await page.click('#receiver-form button[type=submit]');
  await page.locator('#receiver-problems li').first().waitFor();
  const probs = await page.locator('#receiver-problems li').allTextContents();
  assert.equal(probs.length, 1, JSON.stringify(probs));
  assert.match(probs[0], /^url: email addresses, separated by commas: .*display name/);
  // the same text as the server's answer
  const direct = await fetch(`${d.url}/api/v1/receivers`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'directors', kind: 'email', url: 'Directors <dir@council.example>', timeout_ms: 5000 }),
  });
  assert.equal(direct.status, 422);
  const e = (await direct.json()).errors[0];
  assert.equal(probs[0], `${e.column}: ${e.message}`);
  assert.equal(await psql(env.db, 'SELECT count(*) FROM alert_receiver'), '0');
  assert.deepEqual((await getJson(`${d.url}/api/v1/receivers`)).body.receivers, []);
  assert.equal(await page.locator('#receivers tbody tr').count(), 0);
  // the form keeps what was typed, to be corrected
  assert.equal(await page.inputValue('#receiver-form input[name=name]'), 'directors');
  assert.equal(await page.inputValue('#receiver-form select[name=kind]'), 'email');

  // corrected: two plain addresses (stored normalised), shown in the table; the problems go
  await page.fill('#receiver-form input[name=url]', ' ops@council.example ,head.of.service@council.example');
  await page.click('#receiver-form button[type=submit]');
  await page.locator('#receivers tbody tr').first().waitFor();
  const rc = await cells(page.locator('#receivers tbody tr'));
  assert.deepEqual(rc.slice(0, 6), ['directors', 'email', 'ops@council.example, head.of.service@council.example', '0', '0', '0']);
  assert.equal(await page.locator('#receiver-problems li').count(), 0);
  assert.equal(await page.textContent('#status'), 'Receiver added.');
  assert.equal(await page.inputValue('#receiver-form input[name=name]'), '', 'the form is reset');
  const list = (await getJson(`${d.url}/api/v1/receivers`)).body.receivers;
  assert.equal(list.length, 1);
  assert.deepEqual([list[0].name, list[0].kind, list[0].url, list[0].enabled, list[0].timeout_ms, list[0].created_by],
    ['directors', 'email', 'ops@council.example, head.of.service@council.example', true, 5000, 'alice']);

  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, 'alerts-admin-receivers.png'), fullPage: true });
  assert.deepEqual(await csp(), [], 'no CSP violations');
  assert.deepEqual(problems(), [], 'no page or console errors');
});

test('alerts page: a viewer sees alerts and history, no rule form or receivers, and acknowledges', { skip: SKIP, timeout: 120_000 }, async (t) => {
  const { d, byTeam } = await daemonWithAlerts(t);
  // receivers are admin-only: the page's GET is refused (and not shown as a problem)
  const { page, problems, csp } = await browser(t, [...SIGNED_OUT, { status: 403, url: /\/api\/v1\/receivers$/ }]);
  await signIn(page, d, 'vera', 'viewer password 1');

  assert.match(await page.textContent('#status'), /^Updated /);
  assert.equal(await page.getAttribute('#status', 'class'), 'status', 'no error status');
  assert.equal(await page.evaluate(() => document.body.classList.contains('readonly')), true);
  assert.equal(await page.locator('#active tbody tr').count(), 2);
  assert.equal((await cells(row(page, 'active', 'ALPHA')))[0], '\u25B2 RED');
  assert.equal((await cells(row(page, 'active', 'BRAVO')))[0], '\u25CF AMBER');
  assert.equal(await page.locator('#history tbody tr').count(), 2);
  // rules are shown, not edited; receivers are not shown at all
  assert.ok(await page.locator('#rules tbody tr').count() >= 6);
  assert.equal(await page.isVisible('#rules'), true);
  assert.equal(await page.isVisible('#rule-form'), false, 'no rule form for a viewer');
  assert.equal(await page.locator('#rules button:visible').count(), 0, 'no Edit / Remove buttons');
  assert.equal(await page.isVisible('#h-receivers'), false, 'no receivers section for a viewer');
  assert.equal(await page.isVisible('#receivers'), false);
  assert.equal(await page.isVisible('#receiver-form'), false);

  // the viewer acknowledges the amber alert
  const bravo = row(page, 'active', 'BRAVO');
  const comment = 'Spoke to the team manager: two agency workers leave at the end of October';
  await bravo.locator('input[aria-label="Comment"]').fill(comment);
  await bravo.locator('button', { hasText: 'Acknowledge' }).click();
  await bravo.locator('td:nth-child(6) strong').waitFor();
  assert.equal(await bravo.locator('td:nth-child(6) strong').textContent(), 'vera');
  assert.match(await bravo.locator('td:nth-child(6)').textContent(), new RegExp(`${comment}$`));
  assert.equal(await page.textContent('#status'), 'Alert acknowledged.');
  assert.equal(await page.getAttribute('#status', 'class'), 'status');
  const api = (await getJson(`${d.url}/api/v1/alerts`)).body;
  const acked = api.active.find((x) => x.id === byTeam.BRAVO.id);
  assert.equal(acked.acked_by, 'vera');
  assert.equal(acked.ack_comment, comment);
  assert.equal(api.active.find((x) => x.id === byTeam.ALPHA.id).acknowledged, false);

  // after a reload still no error and still read-only
  await page.reload();
  await loaded(page);
  assert.equal(await page.getAttribute('#status', 'class'), 'status');
  assert.equal(await page.isVisible('#rule-form'), false);
  assert.equal(await page.isVisible('#h-receivers'), false);

  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, 'alerts-viewer.png'), fullPage: true });
  assert.deepEqual(await csp(), [], 'no CSP violations');
  assert.deepEqual(problems(), [], 'no page or console errors');
});
