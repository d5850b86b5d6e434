// Debian's Chromium for the browser tests, through playwright-core: a fresh
// headless profile per test, closed and removed by close().
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Launches Chromium with a new profile directory named after `name`.
 * options: viewport, extraHTTPHeaders (playwright's).  Returns { context, page, close }.
 */
export async function openChromium(name, { viewport, extraHTTPHeaders } = {}) {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), `steady-chromium-${name}-`));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM, headless: true, args: ARGS,
      ...(viewport ? { viewport } : {}),
      ...(extraHTTPHeaders ? { extraHTTPHeaders } : {}),
    });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] || await context.newPage();
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
