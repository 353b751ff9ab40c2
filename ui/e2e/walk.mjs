// The walk both e2e runs make — employee → customer → conversation, then the review pages
// (review-walk.mjs) — and what they check, over a
// small driver: `run(body, ...args)` runs a function body in the page and returns its value,
// `shot(name, selector?)` saves a screenshot (of one element, or the window), `type(selector,
// text)` fills an input the way a user does.

import { reviewWalk } from './review-walk.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const HOSTILE = '<img src=x onerror=alert(1)>';

export async function until(driver, body, what, timeoutMs, ...args) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeoutMs) {
    last = await driver.run(body, ...args);
    if (last) return last;
    await sleep(150);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

/** Scrolls the virtualised list `listSelector` until `rowSelector` is drawn; clicks it. */
export async function findAndClick(driver, listSelector, rowSelector, what) {
  const found = await until(
    driver,
    `const [list, row] = arguments;
     const el = document.querySelector(row);
     if (el) { el.scrollIntoView({ block: 'center' }); el.click(); return true; }
     const l = document.querySelector(list);
     if (!l) return false;
     if (l.scrollTop + l.clientHeight >= l.scrollHeight) l.scrollTop = 0;
     else l.scrollTop += l.clientHeight / 2;
     l.dispatchEvent(new Event('scroll'));
     return false;`,
    what,
    20_000,
    listSelector,
    rowSelector,
  );
  return found;
}

/** No element, script or handler came from content: what a hostile message would leave behind. */
export async function checkNothingFromContent(driver, where) {
  const leaks = await driver.run(
    `const bad = [];
     if (document.querySelector('img[src="x"], img[src$="/x"]')) bad.push('an img[src=x] element');
     const scripts = [...document.scripts].filter((s) => !s.src);
     if (scripts.length) bad.push(scripts.length + ' inline script element(s)');
     for (const el of document.querySelectorAll('[data-testid="conversation-flow"] *, [data-testid="entity-list"] *, [data-testid="partner-list"] *')) {
       for (const a of el.attributes) if (a.name.startsWith('on')) bad.push(el.tagName + ' with ' + a.name);
     }
     if (window.__xss) bad.push('window.__xss was set');
     return bad;`,
  );
  if (leaks.length) throw new Error(`${where}: ${leaks.join(', ')}`);
}

/**
 * `expectation()` reads the generated archive (demo.mjs: staff names, the employee and customer of
 * a chat, its newest texts); it is called once the window lists employees, so the demo exists.
 */
export async function walk(driver, expectation, log) {
  // Pane 1: the employees.
  await until(driver, `return document.querySelectorAll('[data-testid="employee-row"]').length >= 5`, 'the employee list', 120_000);
  const expected = expectation();
  const names = await driver.run(
    `return [...document.querySelectorAll('[data-testid="employee-row"] .name')].map((e) => e.textContent.trim());`,
  );
  const strangers = names.filter((n) => !expected.staffNames.has(n));
  if (strangers.length) throw new Error(`employee rows not in the archive's users.json: ${strangers.join(', ')}`);
  log(`pane 1: ${names.length} employee rows drawn, all from the archive's staff`);
  await driver.shot('1-employees', '.pane.p1');

  // The filter box shows hostile input as text, and nothing runs.
  await driver.type('input.filter', HOSTILE);
  await sleep(400);
  const shownFilter = await driver.run(`return document.querySelector('input.filter').value;`);
  if (shownFilter !== HOSTILE) throw new Error(`the filter box holds ${JSON.stringify(shownFilter)}`);
  await checkNothingFromContent(driver, 'after typing markup into the filter');

  // Filter to the employee and open them.
  await driver.type('input.filter', expected.employee.name);
  await findAndClick(
    driver,
    '[data-testid="entity-list"]',
    `[data-testid="employee-row"][data-userid="${expected.employee.id}"]`,
    `employee ${expected.employee.name}`,
  );
  log(`opened employee ${expected.employee.name} (${expected.employee.id})`);

  // Pane 2: their partners, the customer among them by id and name.
  await until(driver, `return document.querySelectorAll('[data-testid="partner-row"]').length > 0`, 'the partner list', 20_000);
  const customerRow = `[data-testid="partner-row"][data-id="${expected.customer.id}"]`;
  await findAndClick(driver, '[data-testid="partner-list"]', customerRow, `customer ${expected.customer.name}`);
  const rowText = await driver.run(`return document.querySelector(arguments[0])?.textContent ?? '';`, customerRow);
  if (!rowText.includes(expected.customer.name)) {
    throw new Error(`the customer row says ${JSON.stringify(rowText)}, not ${expected.customer.name}`);
  }
  log(`pane 2: customer ${expected.customer.name} listed and opened`);
  await driver.shot('2-partners', '.pane.p2');

  // Pane 3: the conversation shows the chat's newest texts, as text.
  await until(
    driver,
    `const f = document.querySelector('[data-testid="conversation-flow"]');
     return f && f.querySelectorAll('[data-testid="message"]').length > 0;`,
    'the conversation',
    20_000,
  );
  await sleep(300);
  const flowText = await driver.run(`return document.querySelector('[data-testid="conversation-flow"]').textContent;`);
  const missing = expected.newestTexts.filter((t) => !flowText.includes(t));
  if (missing.length) throw new Error(`the conversation does not show the archive's newest texts: ${missing.join(' | ')}`);
  const senders = await driver.run(
    `return [...new Set([...document.querySelectorAll('[data-testid="message"] .name')].map((e) => e.textContent.trim()))];`,
  );
  const unexpected = senders.filter((s) => s !== expected.employee.name && s !== expected.customer.name);
  if (unexpected.length) throw new Error(`messages from others than the two: ${unexpected.join(', ')}`);
  log(`pane 3: the newest ${expected.newestTexts.length} texts shown, senders ${senders.join(' and ')}`);
  // Markup-looking content is text: every bubble's text equals its own text nodes, no elements
  // beyond the renderer's own were made from it.
  await checkNothingFromContent(driver, 'with the conversation open');
  await driver.shot('3-conversation', '.pane.p3');
  await driver.shot('window');

  await markupShowsAsText(driver, expected, log);

  // Issue 10: highlights, the violation centre, in context, annotate, 批注, search, rules.
  await reviewWalk(driver, expected, log);
}

/**
 * The demo archive holds no message whose text is markup, so one is planted: the page's IPC
 * (the shell's, or the bridge's stand-in) gets a wrapper that rewrites the newest text message of
 * the walked chat's real `conversation_page` answer to HOSTILE. Reopened, the chat must show those
 * characters, make no element or handler, run nothing.
 */
async function markupShowsAsText(driver, expected, log) {
  const wrapped = await driver.run(
    `const [employee, customer, hostile] = arguments;
     window.__planted = null;
     const ours = (command, conversation) =>
       command === 'conversation_page' && conversation.includes(employee) && conversation.includes(customer);
     const plant = (answer) => {
       const m = [...(answer.messages || [])].reverse().find((x) => x.msgtype === 'text');
       if (m) {
         m.text = hostile;
         m.content = { ...m.content, content: hostile };
         window.__planted = m.msgid;
       }
       return answer;
     };
     const ipc = window.__TAURI_INTERNALS__;
     const invoke = ipc.invoke;
     ipc.invoke = async (command, args, options) => {
       const answer = await invoke(command, args, options);
       return ours(command, String(args && args.conversation)) ? plant(answer) : answer;
     };
     if (ipc.invoke !== invoke) return 'invoke';
     // The shell defines invoke read-only; its IPC goes through fetch (ipc://localhost/<command>).
     const fetch0 = window.fetch;
     window.fetch = async (input, init) => {
       const response = await fetch0(input, init);
       const url = String((input && input.url) || input);
       const body = init && typeof init.body === 'string' ? init.body : '';
       if (!ours(url.split('/').pop().split('?')[0], body) || !response.ok) return response;
       const answer = plant(await response.json());
       return new Response(JSON.stringify(answer), { status: response.status, headers: response.headers });
     };
     return window.fetch !== fetch0 ? 'fetch' : null;`,
    expected.employee.id,
    expected.customer.id,
    HOSTILE,
  );
  if (!wrapped) throw new Error('could not wrap the page IPC to plant a message');
  const customerRow = `[data-testid="partner-row"][data-id="${expected.customer.id}"]`;
  await driver.run(
    `[...document.querySelectorAll('[data-testid="partner-row"]')].find((r) => !r.matches(arguments[0])).click();`,
    customerRow,
  );
  await sleep(300);
  await findAndClick(driver, '[data-testid="partner-list"]', customerRow, 'the customer again');
  const planted = await until(driver, `return window.__planted;`, 'the conversation asked for again', 20_000);
  await until(driver, `return !!document.querySelector('[data-msgid="' + arguments[0] + '"]');`, 'the planted message', 20_000, planted);
  await sleep(300);
  const shown = await driver.run(`return document.querySelector('[data-msgid="' + arguments[0] + '"]').textContent;`, planted);
  if (!shown.includes(HOSTILE)) throw new Error(`the message with markup shows as ${JSON.stringify(shown)}`);
  await checkNothingFromContent(driver, 'with a message of markup on screen');
  log(`a message saying ${HOSTILE} (planted through ${wrapped}) shows those characters, and nothing ran`);
  await driver.shot('4-markup-as-text', `[data-msgid="${planted}"]`);
}
