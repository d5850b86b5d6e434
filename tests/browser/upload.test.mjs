// Browser test of the HR upload page (web/upload.html) and the upload history
// (web/uploads.html) in Debian's Chromium, against a real steadyd and PostgreSQL:
// roster-small.csv is uploaded through the API, then the page previews its
// replacement (tests/data/upload/hr-2026-09-30-v2.csv, worked by hand in
// tests/data/upload/README.md): columns, counts, before -> after per team;
// Commit; the summary follows; Revert; the summary is back.  Then a file with
// problems shows every problem and cannot be committed; the history page lists
// the batches and reverts one.  Uses a database of its own (tests/integration/lib.mjs).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, setup, upload, getJson, readData, teamOf, until, DATA, TEAMS } from '../integration/lib.mjs';
import { openChromium } from './chromium.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'out');

test('upload page: preview -> commit -> revert; problems; history', { timeout: 120_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  const first = await upload(d.url, { source: 'hr', as_of: '2026-09-30' }, readData('roster-small.csv'));
  assert.equal(first.status, 201);

  mkdirSync(OUT, { recursive: true });
  const { page, close } = await openChromium('upload', {
    viewport: { width: 1280, height: 1000 },
    // when steadyd requires credentials, the test daemon's token (tests/integration/lib.mjs)
    extraHTTPHeaders: d.token ? { authorization: `Bearer ${d.token}` } : {},
  });
  t.after(close);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('dialog', (dlg) => dlg.accept());

  await page.goto(`${d.url}/upload.html`);
  await page.setInputFiles('#file', path.join(DATA, 'upload/hr-2026-09-30-v2.csv'));
  await page.selectOption('#kind', 'roster');
  await page.fill('#source', 'hr');
  await page.fill('#as_of', '2026-09-30');
  await page.click('#preview-btn');
  await page.waitForSelector('#preview:not([hidden])', { timeout: 10_000 });
  assert.equal(await page.textContent('#p-encoding'), 'UTF-8');
  assert.equal(await page.textContent('#p-delimiter'), 'comma');
  assert.equal(await page.textContent('#p-rows'), '10');
  assert.equal(await page.textContent('#p-valid'), '10');
  assert.equal(await page.locator('#p-columns tr').count(), 4);
  assert.equal(await page.isHidden('#p-errors-box'), true);
  const teamRow = async (code) => page.locator(`#p-teams tr[data-team="${code}"] td`).allTextContents();
  assert.deepEqual(await teamRow('ALPHA'), ['ALPHA', '36.4%', '30.0%']);
  assert.deepEqual(await teamRow('BRAVO'), ['BRAVO', '10.0%', '0.0%']);
  assert.deepEqual(await teamRow('Whole service'), ['Whole service', '25.3%', '17.4%']);
  assert.match(await page.textContent('#p-people'), /Starters: 1 \(0\.5 FTE\)\. Leavers: 2 \(1\.4 FTE\)/);
  assert.match(await page.textContent('#p-warnings'), /not in it: they count as leavers/);
  await page.screenshot({ path: path.join(OUT, 'upload-preview.png'), fullPage: true });
  // the preview stored nothing
  assert.equal(teamOf((await getJson(`${d.url}/api/v1/summary`)).body, 'ALPHA').agency_rate_fte.value, 36.4);

  await page.click('#commit-btn');
  await page.waitForSelector('#done:not([hidden])', { timeout: 10_000 });
  assert.match(await page.textContent('#done-title'), /^Stored as batch \d+$/);
  await until(async () => teamOf((await getJson(`${d.url}/api/v1/summary`)).body, 'ALPHA').agency_rate_fte.value === 30.0,
    5000, 'summary after commit');

  await page.click('#revert-btn');
  await page.waitForFunction(() => /reverted$/.test(document.getElementById('done-title').textContent), null, { timeout: 10_000 });
  await until(async () => teamOf((await getJson(`${d.url}/api/v1/summary`)).body, 'ALPHA').agency_rate_fte.value === 36.4,
    5000, 'summary after revert');
  await page.screenshot({ path: path.join(OUT, 'upload-reverted.png'), fullPage: true });

  // a file with problems: every problem listed, Commit disabled
  await page.click('#again-btn');
  await page.setInputFiles('#file', path.join(DATA, 'bad-mixed.csv'));
  await page.fill('#source', 'hr');
  await page.fill('#as_of', '2026-10-31');
  await page.click('#preview-btn');
  await page.waitForSelector('#p-errors-box:not([hidden])', { timeout: 10_000 });
  assert.equal(await page.locator('#p-errors tr').count(), 3);
  assert.equal(await page.isDisabled('#commit-btn'), true);
  await page.click('#cancel-btn');
  assert.match(await page.textContent('#status'), /nothing was stored/);

  // history: the reverted batch and the first; revert the first from here
  await page.goto(`${d.url}/uploads.html`);
  await page.waitForSelector('#rows tr[data-batch]');
  const statuses = await page.locator('#rows tr[data-batch] td:nth-child(6)').allTextContents();
  assert.deepEqual(statuses.map((s) => s.replace(/\s.*/, '')), ['reverted', 'loaded']);
  await page.click(`#rows tr[data-batch="${first.body.batch_id}"] button.revert`);
  await page.waitForFunction(() => /reverted/.test(document.getElementById('status').textContent), null, { timeout: 10_000 });
  await until(async () => (await getJson(`${d.url}/api/v1/summary`)).body.as_of === null, 5000, 'no roster left');
  await page.screenshot({ path: path.join(OUT, 'uploads-history.png'), fullPage: true });
  assert.deepEqual(problems, [], 'no console errors (CSP violations included)');
});
