// End-to-end in the system Chromium: the real UI (ui/dist) served by `dossier-bridge --demo`, which
// runs the real `crates/api` over a real demo archive. Walks employee → customer → conversation and
// checks what is shown against the generated archive, then shows a message whose text is markup
// (planted in the real answer: the demo holds none) and checks it renders as text. Then the review
// walk (review-walk.mjs): violation centre → in context → annotate with a verdict → 批注 → a search
// narrowed by a facet → rules.
// Screenshots of each pane go to target/e2e/browser-*.png. Exits non-zero on any failure.
//
//   node e2e/browser.mjs    (ui/dist built, dossier-bridge built; `cargo xtask test` does both)
//
// DOSSIER_BRIDGE: the bridge binary (default: <target>/debug/dossier-bridge); CHROMIUM: the
// browser (default /usr/bin/chromium); E2E_OUT: where screenshots go (default <repo>/target/e2e).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { startBridge } from './bridge.mjs';
import { expectedWalk } from './demo.mjs';
import { walk } from './walk.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const target = process.env.CARGO_TARGET_DIR ?? join(repo, 'target');
const BRIDGE = process.env.DOSSIER_BRIDGE ?? join(target, 'debug/dossier-bridge');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const OUT = process.env.E2E_OUT ?? join(repo, 'target/e2e');
const MESSAGES = process.env.E2E_DEMO_MESSAGES ?? '3000';

const started = Date.now();
const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
mkdirSync(OUT, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'dossier-e2e-browser-'));
let bridge;
let browser;
let failed = false;
// Over two minutes is a failure, not a slow pass; the bridge exits when our end of its stdin closes.
const watchdog = setTimeout(() => {
  console.error(`browser e2e FAILED: still running after ${since()}`);
  process.exit(1);
}, 150_000);
try {
  bridge = await startBridge(BRIDGE, ['--demo', '--demo-messages', MESSAGES], {
    DOSSIER_DEMO_DIR: join(tmp, 'demo'),
    DOSSIER_PROFILES_DIR: join(tmp, 'profiles'),
  });
  console.log(`bridge ready at ${bridge.url} (${since()})`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The machine's network is closed: without these Chromium keeps dialling Google's hosts.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Containers give /dev/shm 64 MB; Chromium then crashes tabs.
      '--disable-dev-shm-usage',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Failed loads are reported with their address below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    // The UI ships no favicon; the browser asks anyway.
    if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') {
      problems.push(`${r.request().method()} ${new URL(r.url()).pathname} answered ${r.status()}`);
    }
  });
  // Content rendered as markup could run script; any dialog at all fails the run.
  page.on('dialog', (d) => {
    problems.push(`a dialog opened: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });

  await page.goto(`${bridge.url}#bridge=${bridge.token}`);
  const driver = {
    // A string is evaluated by DevTools, outside the page's CSP (which forbids eval, as the app's does).
    run: (script, ...args) => page.evaluate(`(function () { ${script} }).apply(null, ${JSON.stringify(args)})`),
    shot: async (name, selector) => {
      const file = join(OUT, `browser-${name}.png`);
      if (selector) await page.locator(selector).screenshot({ path: file });
      else await page.screenshot({ path: file });
      console.log(`screenshot ${file}`);
    },
    type: async (selector, text) => {
      await page.locator(selector).fill(text);
    },
  };
  await walk(driver, () => expectedWalk(join(tmp, 'demo')), (line) => console.log(`${line} (${since()})`));

  if (problems.length) throw new Error(`the page reported:\n  ${problems.join('\n  ')}`);
  console.log(`browser e2e passed in ${since()}`);
} catch (e) {
  failed = true;
  console.error(`browser e2e FAILED after ${since()}: ${e instanceof Error ? e.stack : e}`);
} finally {
  await browser?.close().catch(() => {});
  await bridge?.stop();
  rmSync(tmp, { recursive: true, force: true });
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
