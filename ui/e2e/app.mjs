// End-to-end in the real desktop window: the debug `dossier-app --demo` in WebKitGTK, driven by
// WebKitWebDriver (what tauri-driver runs on Linux: it only renames `tauri:options` to
// `webkitgtk:browserOptions` and sets TAURI_WEBVIEW_AUTOMATION, which we do here) on a private
// Xvfb display. The same walk and checks as browser.mjs (the message of markup included, planted
// through the webview's IPC fetch); screenshots to target/e2e/app-*.png.
//
//   node e2e/app.mjs    (dossier-app built with ui/dist embedded; `cargo xtask test` does both)
//
// DOSSIER_APP: the app binary (default <target>/debug/dossier-app); E2E_OUT: screenshots
// (default <repo>/target/e2e); E2E_USE_DISPLAY=1 uses $DISPLAY instead of starting Xvfb.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expectedWalk } from './demo.mjs';
import { walk } from './walk.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const target = process.env.CARGO_TARGET_DIR ?? join(repo, 'target');
const APP = process.env.DOSSIER_APP ?? join(target, 'debug/dossier-app');
const OUT = process.env.E2E_OUT ?? join(repo, 'target/e2e');
const MESSAGES = process.env.E2E_DEMO_MESSAGES ?? '3000';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const started = Date.now();
const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/** A free loopback port (closed again; WebKitWebDriver binds it next). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Xvfb on the first free display (`-displayfd` tells which). */
function startXvfb() {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1600x1000x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Xvfb named no display within 20 s')), 20_000);
    child.once('error', (e) => reject(new Error(`starting Xvfb: ${e.message}`)));
    child.stdio[3].once('data', (d) => {
      clearTimeout(timer);
      resolve({ display: `:${d.toString().trim()}`, child });
    });
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

mkdirSync(OUT, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'dossier-e2e-app-'));
let xvfb;
let driverProcess;
let base;
let sessionId;
let failed = false;

async function wd(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

// Over two minutes is a failure, not a slow pass; children go with us (the app dies with its display).
const watchdog = setTimeout(() => {
  console.error(`app e2e FAILED: still running after ${since()}`);
  driverProcess?.kill('SIGKILL');
  xvfb?.child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
}, 150_000);

try {
  let display = process.env.DISPLAY;
  if (process.env.E2E_USE_DISPLAY !== '1' || !display) {
    xvfb = await startXvfb();
    display = xvfb.display;
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DISPLAY: display,
    // wry lets WebKit's automation drive the webview only with this set (tauri-driver sets it too).
    TAURI_WEBVIEW_AUTOMATION: 'true',
    DOSSIER_DEMO_DIR: join(tmp, 'demo'),
    DOSSIER_PROFILES_DIR: join(tmp, 'profiles'),
    // Nothing of the run lands in the user's own directories.
    HOME: join(tmp, 'home'),
    XDG_DATA_HOME: join(tmp, 'data'),
    XDG_CONFIG_HOME: join(tmp, 'config'),
    XDG_CACHE_HOME: join(tmp, 'cache'),
    WAYLAND_DISPLAY: '',
    GDK_BACKEND: 'x11',
  };
  for (const d of ['home', 'data', 'config', 'cache']) mkdirSync(join(tmp, d), { recursive: true });
  driverProcess = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  driverProcess.once('error', (e) => console.error(`starting WebKitWebDriver: ${e.message}`));
  for (let i = 0; ; i++) {
    try {
      if ((await wd('GET', '/status')).ready) break;
    } catch (e) {
      if (i > 100) throw new Error(`WebKitWebDriver did not answer on ${base}: ${e.message}`);
    }
    await sleep(100);
  }

  ({ sessionId } = await wd('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        'webkitgtk:browserOptions': { binary: APP, args: ['--demo', '--demo-messages', MESSAGES] },
      },
    },
  }));
  console.log(`app window up, session ${sessionId} (${since()})`);
  const s = (path) => `/session/${sessionId}${path}`;
  await wd('POST', s('/window/rect'), { width: 1440, height: 900 }).catch(() => {});
  const element = async (selector) => {
    const found = await wd('POST', s('/element'), { using: 'css selector', value: selector });
    return Object.values(found)[0];
  };
  const driver = {
    run: (script, ...args) => wd('POST', s('/execute/sync'), { script, args }),
    shot: async (name, selector) => {
      // WebKitWebDriver answers a screenshot after the page's next frame; a page at rest (nothing
      // focused that blinks, nothing loading) draws none and the request waits forever. A 1 px
      // heartbeat near-transparent in a corner makes frames while the shot is taken.
      await wd('POST', s('/execute/sync'), {
        script: `const el = document.createElement('div');
          el.id = '__e2e_heartbeat';
          el.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
          document.body.append(el);
          let n = 0;
          const beat = () => { if (!el.isConnected) return; el.style.background = n++ % 2 ? 'rgba(0,0,0,0.02)' : 'rgba(0,0,0,0.01)'; requestAnimationFrame(beat); };
          beat();`,
        args: [],
      });
      const png = await (selector ? wd('GET', s(`/element/${await element(selector)}/screenshot`)) : wd('GET', s('/screenshot'))).finally(() =>
        wd('POST', s('/execute/sync'), { script: `document.getElementById('__e2e_heartbeat')?.remove();`, args: [] }),
      );
      const file = join(OUT, `app-${name}.png`);
      writeFileSync(file, Buffer.from(png, 'base64'));
      console.log(`screenshot ${file}`);
    },
    type: async (selector, text) => {
      const id = await element(selector);
      await wd('POST', s(`/element/${id}/clear`), {});
      await wd('POST', s(`/element/${id}/value`), { text });
    },
  };
  await walk(driver, () => expectedWalk(join(tmp, 'demo')), (line) => console.log(`${line} (${since()})`));
  const alerts = await wd('GET', s('/alert/text')).then(
    (text) => [text],
    () => [],
  );
  if (alerts.length) throw new Error(`a dialog is open: ${alerts[0]}`);
  console.log(`app e2e passed in ${since()}`);
} catch (e) {
  failed = true;
  console.error(`app e2e FAILED after ${since()}: ${e instanceof Error ? e.stack : e}`);
} finally {
  if (sessionId) await wd('DELETE', `/session/${sessionId}`).catch(() => {});
  await stop(driverProcess);
  await stop(xvfb?.child);
  rmSync(tmp, { recursive: true, force: true });
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
