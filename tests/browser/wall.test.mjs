// Browser test of the wall display against a real steadyd and PostgreSQL.
//
//   STEADYD=... STEADYCTL=... STEADY_TEST_DB='dbname=...' STEADY_WEB_ROOT=web \
//     node --test tests/browser/wall.test.mjs
//
// Loads sample/ (teams, HR and agency rosters as at 2026-09-30) into the empty
// database, starts steadyd, opens the page in Debian's Chromium at 1920x1080
// and checks the figures against the hand-computed ones in sample/README.md;
// then uploads a later agency extract and watches the page change without a
// reload; then stops the daemon (STALE banner) and starts it again (banner
// gone). Between those it sets establishments through the API and checks the
// vacancy tile, the missing-figure texts, the trend and the stability view.
// Screenshots go to tests/browser/out/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openChromium } from './chromium.mjs';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SAMPLE = path.resolve(HERE, '../../sample');
const OUT = path.join(HERE, 'out');

const { STEADYD, STEADYCTL, STEADY_TEST_DB, STEADY_WEB_ROOT } = process.env;
const missing = ['STEADYD', 'STEADYCTL', 'STEADY_TEST_DB', 'STEADY_WEB_ROOT'].filter((k) => !process.env[k]);

// Hand-computed in sample/README.md.
const SEPT = {
  asOf: 'Data as at 30 Sep 2026',
  service: '17.9%',
  serviceCounts: '12.0 of 67.2 FTE agency',
  serviceHeadcount: '17.1% by headcount (12 of 70 people)',
  teams: {
    ICART: { rate: '0.0%', counts: '0.0 of 10.0 FTE', small: false },
    ASSESS: { rate: '50.0%', counts: '6.0 of 12.0 FTE', small: false },
    SAFE1: { rate: '20.4%', counts: '2.0 of 9.8 FTE', small: true },
    SAFE2: { rate: '17.2%', counts: '2.0 of 11.6 FTE', small: false },
    CIC: { rate: '10.5%', counts: '1.0 of 9.5 FTE', small: true },
    LEAVE: { rate: '0.0%', counts: '0.0 of 5.6 FTE', small: true },
    EHELP: { rate: '11.5%', counts: '1.0 of 8.7 FTE', small: true },
  },
};
// v1.1 figures at 30 Sep 2026, by hand from sample/README.md:
//  - turnover: the two HR leavers (E00531 ASSESS, E02351 SAFE2, 1.0 FTE each) over
//    E = 51.4 permanent + 3.8 fixed-term = 55.2 FTE: 2.0 / 55.2 = 3.62% -> 3.6%;
//  - stability: no roster 12 months earlier, so missing with its reason (never 0%);
//  - vacancy, only teams with an establishment count, V = max(0, est - E):
//      ASSESS est 14.0, E 6.0 (all permanent), V 8.0: 8.0 / (8.0 + 6.0) = 57.1%;
//      service with ASSESS alone: the same 8.0 of 14.0 = 57.1%;
//      then ICART est 12.0, E 10.0, V 2.0: 2.0 / 12.0 = 16.7%, and the service
//      (8.0 + 2.0) / (8.0 + 2.0 + 6.0 + 10.0) = 10 / 26 = 38.46% -> 38.5%;
//      agency cover min(A, V) / V summed: ASSESS min(6, 8) = 6, ICART min(0, 2) = 0:
//      6 / 10 = 60.0%.
const FIG = {
  turnover: '3.6%',
  turnoverCounts: '2.0 FTE left of 55.2',
  stabilityMissing: 'No roster 12 months before the reference date',
  vacancyMissing: 'No establishment set',
  assessVacancy: '57.1%',
  serviceVacancyAssessOnly: '57.1%',
  serviceVacancyAssessOnlyCounts: '8.0 of 14.0 FTE vacant',
  icartVacancy: '16.7%',
  serviceVacancy: '38.5%',
  serviceVacancyCounts: '10.0 of 26.0 FTE vacant',
  serviceCover: 'Agency covers 60.0%. Posts set for 2 of 7 teams.',
};
const OCT = {
  asOf: 'Data as at 31 Oct 2026',
  service: '20.2%',
  serviceCounts: '14.0 of 69.2 FTE agency',
  assess: '57.1%',
};

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function ctl(...args) {
  try {
    return await run(STEADYCTL, ['--db', STEADY_TEST_DB, ...args], { timeout: 60000 });
  } catch (e) {
    throw new Error(`steadyctl ${args.join(' ')} failed: ${e.message}\n${e.stdout || ''}${e.stderr || ''}`);
  }
}

// ---- the daemon --------------------------------------------------------

let daemon = null;
let port = 0;
let starts = 0;

async function startDaemon() {
  starts += 1;
  const logFile = path.join(OUT, `steadyd-${starts}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(STEADYD, ['--listen', `127.0.0.1:${port}`, '--db', STEADY_TEST_DB, '--web-root', STEADY_WEB_ROOT], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  daemon = child;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (exited) throw new Error(`steadyd exited at start (${JSON.stringify(exited)}); see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) {
        const h = await r.json();
        if (h.database === 'up') return;
      }
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`steadyd not healthy within 30 s; see ${logFile}`);
    await sleep(200);
  }
}

async function stopDaemon() {
  const child = daemon;
  daemon = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10000);
  await gone;
  clearTimeout(t);
}

// ---- the browser -------------------------------------------------------

let browser = null;   /* openChromium()'s */

after(async () => {
  if (browser) await browser.close();
  await stopDaemon().catch(() => {});
});

test('wall display shows the sample figures, updates live and shows STALE', {
  skip: missing.length ? `needs ${missing.join(', ')} (run it through the test script)` : false,
  timeout: 240000,
}, async (t) => {
  mkdirSync(OUT, { recursive: true });
  port = await freePort();

  // -- data
  await ctl('migrate');
  // steadyd requires authentication: an admin API token for the test's own
  // requests, and a display token (read-only) in the wall's URL, as a TV has.
  const adminToken = (await ctl('token', 'add', 'wall test', '--role', 'admin')).stdout.trim().split('\t')[1];
  const displayPath = (await ctl('display-token', 'add', 'wall test TV')).stdout.trim().split('\t')[1];
  const plainFetch = globalThis.fetch;
  globalThis.fetch = (u, init = {}) => plainFetch(u, { ...init, headers: { authorization: `Bearer ${adminToken}`, ...init.headers } });
  const teams = readFileSync(path.join(SAMPLE, 'teams.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  for (const line of teams) {
    const [code, name, area] = line.split(',');
    await ctl('team', 'add', code, name, '--area', area);
  }
  await ctl('upload', '--kind', 'roster', '--source', 'hr', '--as-of', '2026-09-30', path.join(SAMPLE, 'roster-hr.csv'));
  await ctl('upload', '--kind', 'roster', '--source', 'agency', '--as-of', '2026-09-30', path.join(SAMPLE, 'roster-agency.csv'));

  await startDaemon();

  // -- the page, under the strict Content-Security-Policy the daemon is meant to send
  browser = await openChromium('wall', { viewport: { width: 1920, height: 1080 } });
  const { context, page } = browser;
  const problems = [];
  let daemonDown = false;
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    // while the daemon is stopped the browser logs each failed reconnect: expected
    if (m.type() === 'error' && !(daemonDown && /WebSocket connection to .* failed/.test(text))) problems.push(`console: ${text}`);
  });
  // CSP violations are reported to the page as events; collect them (the daemon is
  // meant to send script-src 'self'; the page must work under it).
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const resp = await page.goto(`${base}${displayPath}`, { waitUntil: 'load' });
  assert.equal(resp.status(), 200);
  const csp = resp.headers()['content-security-policy'];
  t.diagnostic(csp ? `daemon sends Content-Security-Policy: ${csp}` : 'daemon sends no Content-Security-Policy header');

  const text = (sel) => page.locator(sel).first().textContent().then((s) => (s || '').trim());
  const teamRate = (code) => text(`#team-rows [data-team="${code}"] .agency-rate`);

  await t.test('shows the 30 Sep 2026 figures from sample/README.md', async () => {
    await page.waitForFunction((v) => document.getElementById('service-agency-rate').textContent.trim() === v, SEPT.service, { timeout: 15000 });
    assert.equal(await text('#as-of'), SEPT.asOf);
    assert.equal(await text('#service-agency-rate'), SEPT.service);
    assert.equal(await text('#service-fte-counts'), SEPT.serviceCounts);
    assert.equal(await text('#service-hc-counts'), SEPT.serviceHeadcount);
    assert.match(await text('#updated-at'), /^updated \d\d:\d\d$/);
    assert.equal(await page.locator('#service-small').isVisible(), false, 'service rate is not small');
    for (const [code, want] of Object.entries(SEPT.teams)) {
      const row = page.locator(`#team-rows [data-team="${code}"]`);
      assert.equal(await row.count(), 1, `one row for ${code}`);
      assert.equal(await teamRate(code), want.rate, `${code} agency rate`);
      assert.equal((await row.locator('.rate-counts').textContent()).trim(), want.counts, `${code} counts`);
      assert.equal(await row.locator('.small-flag').isVisible(), want.small, `${code} small-numbers marker`);
    }
    assert.equal(await page.locator('#team-rows [data-team]').count(), Object.keys(SEPT.teams).length);
    assert.equal(await page.locator('#stale-banner').isVisible(), false);
    assert.equal(await page.locator('#conn').getAttribute('data-state'), 'live');
    assert.equal(await page.evaluate(() => !!(window.steady && window.steady.chart)), true, 'Chart.js chart exists');
    await page.screenshot({ path: path.join(OUT, 'wall-1080p.png') });
  });

  await t.test('alerts: ASSESS agency rate is RED on the banner and the row; acknowledging marks it', async () => {
    // the shipped default rule (daemon/rules.c, docs/alerts.md): agency rate by FTE red at 30%,
    // pending 1 (fires at once); the sample's ASSESS is at 50.0% (6.0 of 12.0 FTE, over min_den 5)
    const entry = '#alert-list .alert-item[data-team="ASSESS"][data-figure="agency_rate_fte"]:not([hidden])';
    await page.locator(entry).first().waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await page.locator(entry).count(), 1, 'exactly one banner entry for ASSESS agency rate');
    assert.equal(await page.locator('#alerts').isVisible(), true);
    assert.equal(await page.locator('#alerts-none').isVisible(), false);
    const e = page.locator(entry);
    assert.equal(await e.getAttribute('data-level'), 'red');
    assert.equal((await e.locator('.rag-word').textContent()).trim(), 'RED', 'the word, not colour alone');
    assert.equal(await e.locator('.rag-icon').isVisible(), true, 'and a symbol');
    assert.match(await e.textContent(), /Assessment\s*Agency rate 50\.0%/);
    assert.match(await e.locator('.alert-ack').textContent(), /Not acknowledged/);
    // the team row and the agency tile are marked red (edge, symbol, word); a team without an alert is not
    const row = page.locator('#team-rows [data-team="ASSESS"]');
    assert.equal(await row.getAttribute('data-alert'), 'red');
    assert.equal(await row.locator('.rag').isVisible(), true);
    assert.equal((await row.locator('.rag-word').textContent()).trim(), 'RED');
    assert.equal(await teamRate('ASSESS'), SEPT.teams.ASSESS.rate, 'the tag is not part of the rate');
    assert.equal(await page.locator('#team-rows [data-team="ICART"]').getAttribute('data-alert'), 'none');
    assert.equal(await page.locator('#team-rows [data-team="ICART"] .rag').isVisible(), false);
    assert.equal(await page.locator('.headline').getAttribute('data-alert'), 'red');
    assert.match(await page.locator('.headline .rag-word').textContent(), /^RED/);
    assert.equal(await page.locator('#team-table [data-team="ASSESS"] .cell-vacancy').getAttribute('data-alert'), 'none');
    // the banner never shows more than 3 lines
    assert.ok(await page.locator('#alert-list > li:not([hidden])').count() <= 3);
    await page.screenshot({ path: path.join(OUT, 'wall-alerts.png') });

    // acknowledge through the API, as a service manager would
    const list = await (await fetch(`${base}/api/v1/alerts`)).json();
    const active = list.active.filter((a) => a.team === 'ASSESS' && a.figure === 'agency_rate_fte');
    assert.equal(active.length, 1, `one active ASSESS agency alert: ${JSON.stringify(list.active)}`);
    const comment = 'Agency cover agreed until two permanent starters in January';
    const ack = await fetch(`${base}/api/v1/alerts/${active[0].id}/ack`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ comment }),
    });
    assert.equal(ack.status, 200, `ack: ${ack.status} ${await ack.text()}`);
    await page.waitForFunction((sel) => {
      const x = document.querySelector(sel);
      return x && x.getAttribute('data-acked') === 'true';
    }, entry, { timeout: 10000 });
    assert.equal(await page.locator(entry).count(), 1, 'still one entry, now acknowledged');
    assert.match(await e.locator('.alert-ack').textContent(), /^\u2713 Acknowledged( by .+)?: \u201CAgency cover agreed/);
    assert.equal((await e.locator('.rag-word').textContent()).trim(), 'RED', 'still red');
    assert.equal(await e.locator('.rag').getAttribute('data-acked'), 'true', 'the tag is drawn as acknowledged');
    assert.match(await text('#alerts-counts'), /1 acknowledged/);
    assert.equal(await row.getAttribute('data-alert'), 'red', 'acknowledged is still red on the row');
    await page.screenshot({ path: path.join(OUT, 'wall-alerts-acked.png') });
  });

  await t.test('figure tiles: turnover, caseload, and missing figures in words (never 0%)', async () => {
    assert.equal(await text('#tile-turnover .value'), FIG.turnover);
    assert.equal(await text('#tile-turnover .kpi-counts'), FIG.turnoverCounts);
    assert.match(await text('#tile-caseload .value'), /^\d+\.\d$/, 'caseload is cases per FTE, not a percentage');
    // no establishment yet, no roster a year earlier: the reason, not a number
    for (const [sel, want] of [['#tile-vacancy .value', FIG.vacancyMissing], ['#tile-stability .value', FIG.stabilityMissing]]) {
      assert.equal(await text(sel), want, sel);
      assert.doesNotMatch(await text(sel), /\d\s*%/, `${sel} shows no percentage`);
      assert.equal(await page.locator(sel).evaluate((e) => e.classList.contains('missing')), true, `${sel} is styled as missing`);
      assert.equal(await page.locator(sel).isVisible(), true, `${sel} is on screen`);
    }
    assert.equal(await text('#team-table [data-team="ASSESS"] .cell-vacancy .v'), FIG.vacancyMissing);
    // one month of data: a dot, and a note instead of lines
    assert.equal(await page.locator('#trend-chart').count(), 1);
    assert.equal(await page.evaluate(() => !!window.steady.trendChart), true, 'trend chart exists');
    await page.locator('#trend-note').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await text('#trend-note'), 'Trend lines appear after two months of data');
    assert.equal(await page.evaluate(() => window.steady.trendChart.data.labels.length), 1);
  });

  await t.test('an establishment set through the API shows in the vacancy tile', async () => {
    const put = async (team, fte) => {
      const r = await fetch(`${base}/api/v1/establishment`, {
        method: 'PUT', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ team, fte, effective_from: '2026-04-01' }),
      });
      assert.equal(r.status, 200, `PUT establishment ${team}: ${r.status} ${await r.text()}`);
    };
    const waitText = (sel, v) => page.waitForFunction(([s, w]) => {
      const e = document.querySelector(s);
      return e && e.textContent.trim() === w;
    }, [sel, v], { timeout: 10000 });

    await put('ASSESS', 14.0);
    await waitText('#tile-vacancy .value', FIG.serviceVacancyAssessOnly);
    assert.equal(await text('#tile-vacancy .kpi-counts'), FIG.serviceVacancyAssessOnlyCounts);
    assert.equal(await text('#team-table [data-team="ASSESS"] .cell-vacancy .v'), FIG.assessVacancy);
    assert.equal(await text('#team-table [data-team="ICART"] .cell-vacancy .v'), FIG.vacancyMissing);

    await put('ICART', 12.0);
    await waitText('#tile-vacancy .value', FIG.serviceVacancy);
    assert.equal(await text('#tile-vacancy .kpi-counts'), FIG.serviceVacancyCounts);
    assert.equal(await text('#tile-vacancy .kpi-extra'), FIG.serviceCover);
    assert.equal(await page.locator('#tile-vacancy .value').evaluate((e) => e.classList.contains('missing')), false);
    assert.equal(await text('#team-table [data-team="ICART"] .cell-vacancy .v'), FIG.icartVacancy);
    assert.equal(await text('#team-table [data-team="ASSESS"] .cell-vacancy .v'), FIG.assessVacancy);
    // the agency figures are not disturbed by an establishment update
    assert.equal(await text('#service-agency-rate'), SEPT.service);
    await page.screenshot({ path: path.join(OUT, 'wall-vacancy.png') });
  });

  await t.test('fits the screen without scrolling at 1920x1080, 1280x720 and 3840x2160', async () => {
    for (const [w, h] of [[1920, 1080], [1280, 720], [3840, 2160]]) {
      await page.setViewportSize({ width: w, height: h });
      await sleep(400); // chart resize is debounced
      const m = await page.evaluate(() => ({
        sh: document.documentElement.scrollHeight, ih: window.innerHeight,
        sw: document.documentElement.scrollWidth, iw: window.innerWidth,
      }));
      assert.ok(m.sh <= m.ih, `${w}x${h}: no vertical scrollbar (scrollHeight ${m.sh} > innerHeight ${m.ih})`);
      assert.ok(m.sw <= m.iw, `${w}x${h}: no horizontal scrollbar (scrollWidth ${m.sw} > innerWidth ${m.iw})`);
      // every team row is inside the window
      const lowest = await page.evaluate(() => Math.max.apply(null, Array.prototype.map.call(
        document.querySelectorAll('#team-rows [data-team]'), (e) => e.getBoundingClientRect().bottom)));
      assert.ok(lowest <= m.ih, `${w}x${h}: last team row ends at ${lowest} > ${m.ih}`);
      // every tile (figures, mix, trend, team views) is inside the window
      const out = await page.evaluate(() => Array.prototype.filter.call(document.querySelectorAll('.tile'), (e) => {
        const r = e.getBoundingClientRect();
        return r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5 || r.height < 10;
      }).map((e) => e.id || e.className));
      assert.deepEqual(out, [], `${w}x${h}: tiles outside the window`);
      if (w !== 1920) await page.screenshot({ path: path.join(OUT, `wall-${w}x${h}.png`) });
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    await sleep(400);
  });

  await t.test('a new agency extract shows up without a reload', async () => {
    await page.evaluate(() => {
      window.__steadyMarker = 'set before the upload';
      window.__steadyChart = window.steady.chart;
      window.__steadyTrend = window.steady.trendChart;
      window.__steadyNodes = document.getElementsByTagName('*').length;
    });
    const body = readFileSync(path.join(SAMPLE, 'roster-agency-2026-10-31.csv'));
    const r = await fetch(`${base}/api/v1/uploads?kind=roster&source=agency&as_of=2026-10-31`, {
      method: 'POST', headers: { 'content-type': 'text/csv' }, body,
    });
    assert.equal(r.status, 201, `upload: ${r.status} ${await r.text()}`);
    await page.waitForFunction((v) => {
      const e = document.querySelector('#team-rows [data-team="ASSESS"] .agency-rate');
      return e && e.textContent.trim() === v;
    }, OCT.assess, { timeout: 10000 });
    assert.equal(await text('#service-agency-rate'), OCT.service);
    assert.equal(await text('#service-fte-counts'), OCT.serviceCounts);
    assert.equal(await text('#as-of'), OCT.asOf);
    assert.equal(await teamRate('ICART'), '0.0%');
    assert.match(await text('#service-delta'), /Up 2\.3 points from 17\.9%/);
    const same = await page.evaluate(() => ({
      marker: window.__steadyMarker,
      chart: window.steady.chart === window.__steadyChart,
      trend: window.steady.trendChart === window.__steadyTrend,
      nodes: document.getElementsByTagName('*').length - window.__steadyNodes,
    }));
    assert.equal(same.marker, 'set before the upload', 'the page was not reloaded');
    assert.equal(same.chart, true, 'the chart was updated in place, not re-created');
    assert.equal(same.trend, true, 'the trend chart was updated in place, not re-created');
    assert.equal(same.nodes, 0, 'no DOM growth per update');
    // two months now (30 Sep, 31 Oct): lines, no note
    await page.locator('#trend-note').waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal(await page.evaluate(() => window.steady.trendChart.data.labels.length), 2);
    // the vacancy does not depend on agency staff: still 10 of 26
    assert.equal(await text('#tile-vacancy .value'), FIG.serviceVacancy);
    await page.screenshot({ path: path.join(OUT, 'wall-updated.png') });
  });

  await t.test('?view=stability shows the team table; ?rotate=N alternates the views', async () => {
    const p2 = await context.newPage();
    try {
      await p2.goto(`${base}${displayPath}${displayPath.includes('?') ? '&' : '?'}view=stability`, { waitUntil: 'load' });
      await p2.waitForFunction((v) => {
        const e = document.querySelector('#team-table [data-team="ASSESS"] .cell-vacancy .v');
        return e && e.textContent.trim() === v;
      }, FIG.assessVacancy, { timeout: 10000 });
      assert.equal(await p2.locator('#board').getAttribute('data-view'), 'stability');
      assert.equal(await p2.locator('#view-stability').isVisible(), true);
      assert.equal(await p2.locator('#view-agency').isVisible(), false);
      assert.equal(await p2.locator('#team-table [data-team]').count(), Object.keys(SEPT.teams).length);
      assert.equal((await p2.locator('#team-table [data-team="SAFE1"] .cell-stability .v').textContent()).trim(), FIG.stabilityMissing);
      const m = await p2.evaluate(() => ({ sh: document.documentElement.scrollHeight, ih: window.innerHeight }));
      assert.ok(m.sh <= m.ih, 'stability view: no vertical scrollbar');
      await p2.screenshot({ path: path.join(OUT, 'wall-stability.png') });

      await p2.goto(`${base}${displayPath}${displayPath.includes('?') ? '&' : '?'}rotate=5`, { waitUntil: 'load' });
      assert.equal(await p2.locator('#board').getAttribute('data-view'), 'agency', 'rotation starts on the agency view');
      await p2.waitForFunction(() => document.getElementById('board').getAttribute('data-view') === 'stability', null, { timeout: 9000 });
      assert.equal(await p2.locator('#views-nav').isVisible(), true, 'the view names show when rotating');
    } finally {
      await p2.close();
    }
  });

  await t.test('STALE banner when the daemon stops, gone when it is back', async () => {
    daemonDown = true;
    await stopDaemon();
    await page.locator('#stale-banner').waitFor({ state: 'visible', timeout: 20000 });
    assert.equal(await page.locator('#conn').getAttribute('data-state'), 'down');
    await page.screenshot({ path: path.join(OUT, 'wall-stale.png') });

    await startDaemon();
    // reconnect backoff is at most 30 s (+ connect time)
    await page.locator('#stale-banner').waitFor({ state: 'hidden', timeout: 45000 });
    daemonDown = false;
    assert.equal(await page.locator('#conn').getAttribute('data-state'), 'live');
    assert.equal(await teamRate('ASSESS'), OCT.assess, 'figures after the reconnect snapshot');
    assert.equal(await page.evaluate(() => window.__steadyMarker), 'set before the upload', 'still no reload');
    await page.screenshot({ path: path.join(OUT, 'wall-recovered.png') });
  });

  await t.test('no script errors or CSP violations; nothing inline that script-src \'self\' would block', async () => {
    const html = readFileSync(path.join(STEADY_WEB_ROOT, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline <script>');
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /\sstyle\s*=/i, 'no style attributes');
    assert.doesNotMatch(html, /(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\/[^"']*\.(js|css|woff2?)/i, 'no CDN or external font');
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(problems, []);
  });
});
