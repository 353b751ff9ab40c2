// Look at the UI for real: drives WebKitGTK (the slowest of the three webviews) through
// WebKitWebDriver against the fake-backend build, saves screenshots of each pane, and measures
// the first paint of the 100k-message conversation in the real engine.
//
//   VITE_FAKE_BACKEND=1 npx vite build --outDir /tmp/ui-fake && npx vite preview --outDir /tmp/ui-fake --port 4173 &
//   Xvfb :99 & DISPLAY=:99 WebKitWebDriver --port=4444 &
//   node scripts/look.mjs [out-dir]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_URL ?? 'http://127.0.0.1:4173/';
const OUT = process.argv[2] ?? '/tmp/dossier-shots';
const BROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
mkdirSync(OUT, { recursive: true });

async function wd(method, path, body) {
  const response = await fetch(`${DRIVER}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

const { sessionId } = await wd('POST', '/session', {
  capabilities: {
    alwaysMatch: {
      'webkitgtk:browserOptions': { binary: BROWSER, args: ['--automation'] },
    },
  },
});
const s = (path) => `/session/${sessionId}${path}`;
const run = (script, ...args) => wd('POST', s('/execute/sync'), { script, args });
const runAsync = (script, ...args) => wd('POST', s('/execute/async'), { script, args });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(script, what, timeout = 10_000) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    if (await run(script)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function shot(name) {
  const png = await wd('GET', s('/screenshot'));
  const file = join(OUT, `${name}.png`);
  writeFileSync(file, Buffer.from(png, 'base64'));
  console.log(`screenshot ${file}`);
}

const click = (selector, text) =>
  run(
    `const [sel, text] = arguments; const el = [...document.querySelectorAll(sel)].find((e) => !text || e.textContent.includes(text));
     if (!el) throw new Error('no ' + sel + ' ' + text); el.click();`,
    selector,
    text ?? null,
  );

try {
  await wd('POST', s('/window/rect'), { width: 1440, height: 900, x: 0, y: 0 }).catch(() => {});
  await wd('POST', s('/url'), { url: APP });
  await run(`localStorage.clear(); localStorage.setItem('dossier.theme', 'light');`);
  await wd('POST', s('/refresh'), {});
  await until(`return document.querySelectorAll('[data-testid="employee-row"]').length > 0`, 'employees');
  await shot('1-employees');

  await click('[data-testid="employee-row"]', '张伟');
  await until(`return document.querySelectorAll('[data-testid="partner-row"]').length > 0`, 'partners');
  await shot('2-partners');

  await click('[data-testid="partner-row"]', '王女士');
  await until(`return document.querySelectorAll('[data-testid="message"]').length > 0`, 'showcase');
  await sleep(300);
  await shot('3-conversation-bottom');
  await run(`const f = document.querySelector('[data-testid="conversation-flow"]'); f.scrollTop = 0; f.dispatchEvent(new Event('scroll'));`);
  await sleep(300);
  await shot('4-conversation-top');
  await run(`const f = document.querySelector('[data-testid="conversation-flow"]'); f.scrollTop = f.scrollHeight / 2 - 300; f.dispatchEvent(new Event('scroll'));`);
  await sleep(300);
  await shot('5-conversation-middle');

  // A confirmation (save a copy) drawn over the whole window.
  await run(`const f = document.querySelector('[data-testid="conversation-flow"]'); f.scrollTop = f.scrollHeight; f.dispatchEvent(new Event('scroll'));`);
  await sleep(300);
  await click('.save');
  await until(`return !!document.querySelector('[role="alertdialog"]')`, 'confirmation');
  await shot('5b-confirm-save');
  await click('[role="alertdialog"] button', '取消');

  await click('.jump button[aria-pressed]');
  await until(`return !!document.querySelector('[data-testid="follow-user"]')`, 'details');
  await shot('6-details');
  await click('.jump button[aria-pressed]');

  // First paint of the 100k-message conversation in WebKitGTK: from the click to the frame
  // after the first rows are in the DOM, several times, beside the 60-message conversation.
  const measure = async (name) =>
    runAsync(
      `const [name, done] = [arguments[0], arguments[arguments.length - 1]];
       const row = [...document.querySelectorAll('[data-testid="partner-row"]')].find((e) => e.textContent.includes(name));
       const flowHas = () => document.querySelector('[data-testid="conversation-flow"] [data-testid="message"]');
       const start = performance.now();
       row.click();
       const poll = () => flowHas() ? requestAnimationFrame(() => done(performance.now() - start)) : setTimeout(poll, 0);
       poll();`,
      name,
    );
  const large = [];
  const small = [];
  for (let i = 0; i < 5; i++) {
    small.push(await measure('赵总'));
    await sleep(200);
    large.push(await measure('陈先生'));
    await sleep(200);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `first paint in WebKitGTK (fake backend, median of 5): 100k messages ${median(large).toFixed(1)} ms; ` +
      `baseline 60 messages ${median(small).toFixed(1)} ms; all 100k: ${large.map((x) => x.toFixed(0)).join(', ')}`,
  );
  await sleep(300);
  await shot('7-long-conversation');

  // Scroll up through older pages and check the reading position holds.
  const rows = await run(`const f = document.querySelector('[data-testid="conversation-flow"]');
    return f.querySelectorAll('[data-testid="message"]').length;`);
  console.log(`rows in the DOM of the 100k conversation: ${rows}`);
  // Scroll to the top of the loaded window: an older page is prepended and the row that was at
  // the top stays where it was on screen.
  const before = await run(`const f = document.querySelector('[data-testid="conversation-flow"]');
    f.scrollTop = 0; f.dispatchEvent(new Event('scroll'));
    const first = f.querySelector('[data-testid="message"]');
    return { id: first.dataset.msgid, top: first.getBoundingClientRect().top };`);
  await sleep(800);
  const after = await run(`const [id] = arguments; const f = document.querySelector('[data-testid="conversation-flow"]');
    const el = f.querySelector('[data-msgid="' + id + '"]');
    const first = f.querySelector('[data-testid="message"]');
    return { top: el ? el.getBoundingClientRect().top : null, firstId: first.dataset.msgid, scrollTop: f.scrollTop };`, before.id);
  console.log(`scroll up: ${before.id} was at ${before.top.toFixed(0)} px, after the older page at ${after.top?.toFixed(0)} px; first drawn now ${after.firstId}, scrollTop ${after.scrollTop.toFixed(0)}`);

  await run(`localStorage.setItem('dossier.theme', 'dark'); localStorage.setItem('dossier.locale', 'en');`);
  await wd('POST', s('/refresh'), {});
  await until(`return document.querySelectorAll('[data-testid="employee-row"]').length > 0`, 'employees (dark)');
  await click('[data-testid="employee-row"]', '张伟');
  await until(`return document.querySelectorAll('[data-testid="partner-row"]').length > 0`, 'partners (dark)');
  await click('[data-testid="partner-row"]', '王女士');
  await until(`return document.querySelectorAll('[data-testid="message"]').length > 0`, 'showcase (dark)');
  await sleep(300);
  await shot('8-dark-english');
} finally {
  await wd('DELETE', s('')).catch(() => {});
}
