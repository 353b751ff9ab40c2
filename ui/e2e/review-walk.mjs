// The review part of the walk (issue 10), run by both drivers after the browse walk: highlights on,
// the violation centre, a hit opened in context, annotated with a verdict, the annotation on the
// 批注 page; a verdict by key 2 in the violation centre; a search narrowed by a facet filter; the
// rules page. Each step is one function over the shared state, so another (a second reviewer, an
// auditor) can be added to REVIEW_STEPS.
import { until } from './walk.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The page shown, for its screenshot. */
const SHOWN = '.workspace > .page:not([hidden])';

/** Switch to a top-level page by its tab. */
async function page(driver, id) {
  await driver.run(`document.querySelector('.page-tab[data-page="' + arguments[0] + '"]').click();`, id);
  await until(
    driver,
    `return document.querySelector('.page-tab[aria-current="page"]')?.dataset.page === arguments[0];`,
    `the ${id} page`,
    10_000,
    id,
  );
}

/** A key pressed on the element `selector` (Svelte handles it as a real one). */
async function key(driver, selector, k) {
  await driver.run(
    `const el = document.querySelector(arguments[0]);
     el.focus();
     el.dispatchEvent(new KeyboardEvent('keydown', { key: arguments[1], bubbles: true, cancelable: true }));`,
    selector,
    k,
  );
}

async function violationCentre(driver, state, log) {
  await page(driver, 'violations');
  const count = await until(
    driver,
    `const rows = document.querySelectorAll('[data-testid="violation-row"]');
     return rows.length || (document.querySelector('[data-testid="violation-empty"]') ? -1 : 0);`,
    'the violation list',
    30_000,
  );
  if (count < 0) throw new Error('the violation centre lists no unreviewed word hits in the demo archive');
  const row = await driver.run(
    `const r = document.querySelector('[data-testid="violation-row"][aria-selected="true"]');
     const d = document.querySelector('[data-testid="violation-detail"]');
     return { msgid: r.dataset.msgid, hitId: r.dataset.hitId,
              word: d.querySelector('[data-testid="detail-word"]')?.textContent ?? null,
              marks: [...d.querySelectorAll('[data-testid="hit-mark"]')].map((m) => m.textContent),
              summary: document.querySelector('[data-testid="violation-summary"]').textContent };`,
  );
  if (row.word && !row.marks.includes(row.word)) {
    throw new Error(`the detail marks ${JSON.stringify(row.marks)}, not the matched word ${row.word}`);
  }
  log(`violation centre: ${count} rows (${row.summary}); the first hit matched ${row.word}, marked in its snippet`);
  await driver.shot('5-violations', '.centre');
  Object.assign(state, { hit: row });
}

async function openInContext(driver, state, log) {
  await key(driver, '[data-testid="violation-list"]', 'Enter');
  await until(driver, `return document.querySelector('.page-tab[aria-current="page"]')?.dataset.page === 'browse';`, 'the browse page', 10_000);
  const sel = `[data-testid="conversation-flow"] [data-msgid="${state.hit.msgid}"]`;
  await until(driver, `return !!document.querySelector(arguments[0]);`, `message ${state.hit.msgid} in context`, 20_000, sel);
  await sleep(300);
  const shown = await driver.run(
    `const m = document.querySelector(arguments[0]);
     return { highlighted: !!m.closest('.row.highlight'),
              toggle: document.querySelector('[data-testid="highlight-toggle"]').checked,
              marks: [...m.querySelectorAll('[data-testid="hit-mark"]')].map((x) => x.textContent),
              badges: m.querySelectorAll('[data-testid="hit-badge"]').length };`,
    sel,
  );
  if (!shown.toggle) throw new Error('高亮敏感内容 is off by default');
  if (!shown.highlighted) throw new Error('the message opened in context is not the highlighted row');
  if (state.hit.word && !shown.marks.includes(state.hit.word) && shown.badges === 0) {
    throw new Error(`the message in context marks ${JSON.stringify(shown.marks)}, not ${state.hit.word}`);
  }
  log(`opened in context: message ${state.hit.msgid} highlighted, hits marked ${JSON.stringify(shown.marks)}`);
  await driver.shot('6-in-context', '.pane.p3');
  state.messageSelector = sel;
}

async function annotate(driver, state, log) {
  const comment = `e2e 复核 ${Date.now()}`;
  await driver.run(`document.querySelector(arguments[0] + ' [data-testid="annotate-message"]').click();`, state.messageSelector);
  await until(driver, `return !!document.querySelector('[data-testid="annotation-editor"]');`, 'the annotation editor', 10_000);
  await driver.type('[data-testid="annotation-comment"]', comment);
  await driver.run(`document.querySelector('[data-testid="verdict-confirmed_violation"]').click();`);
  await driver.run(`document.querySelector('[data-testid="annotation-save"]').click();`);
  await until(
    driver,
    `return [...document.querySelectorAll('[data-testid="conversation-notes"] [data-testid="annotation-item"]')]
       .some((n) => n.textContent.includes(arguments[0]) && n.dataset.verdict === 'confirmed_violation');`,
    'the annotation in the conversation panel',
    20_000,
    comment,
  );
  // The header follows: the conversation is no longer unreviewed.
  await until(
    driver,
    `const s = document.querySelector('[data-testid="review-state"]');
     return !!s && !s.classList.contains('unreviewed');`,
    "the conversation header's review state after the verdict",
    10_000,
  );
  log(`annotated message ${state.hit.msgid}: 确认违规, "${comment}"`);
  await driver.shot('7-annotated', '.pane.p3');
  state.comment = comment;
}

async function annotationsPage(driver, state, log) {
  await page(driver, 'annotations');
  await until(
    driver,
    `return [...document.querySelectorAll('[data-testid="annotation-list"] [data-testid="annotation-item"]')]
       .some((n) => n.textContent.includes(arguments[0]) && n.dataset.verdict === 'confirmed_violation');`,
    'the annotation on the 批注 page',
    20_000,
    state.comment,
  );
  log('the annotation is listed on the 批注 page with its verdict');
  await driver.shot('8-annotations', SHOWN);
  // The hit has a verdict now: it left the unreviewed list.
  await page(driver, 'violations');
  await until(
    driver,
    `return document.querySelectorAll('[data-testid="violation-row"]').length > 0 || !!document.querySelector('[data-testid="violation-empty"]');`,
    'the violation list again',
    20_000,
  );
  const still = await driver.run(`return !!document.querySelector('[data-testid="violation-row"][data-hit-id="' + arguments[0] + '"]');`, state.hit.hitId);
  if (still) throw new Error(`hit ${state.hit.hitId} is still listed as unreviewed after its verdict`);
  log(`hit ${state.hit.hitId} left the unreviewed list`);
}

/** The done-when: from the unreviewed list to a verdict without the mouse. */
async function triageByKey(driver, _state, log) {
  const first = await driver.run(
    `const r = document.querySelector('[data-testid="violation-row"][aria-selected="true"]'); return r ? r.dataset.hitId : null;`,
  );
  if (!first) {
    log('no unreviewed hit left to triage by key');
    return;
  }
  await key(driver, '[data-testid="violation-list"]', '2');
  await until(
    driver,
    `return !document.querySelector('[data-testid="violation-row"][data-hit-id="' + arguments[0] + '"]') &&
       document.querySelector('[data-testid="triage-status"]').textContent.includes('误报');`,
    `hit ${first} to leave the list after key 2`,
    20_000,
    first,
  );
  const next = await driver.run(
    `const r = document.querySelector('[data-testid="violation-row"][aria-selected="true"]'); return r ? r.dataset.hitId : null;`,
  );
  const focused = await driver.run(`return document.activeElement?.dataset.testid ?? null;`);
  if (focused !== 'violation-list') throw new Error(`after the verdict the focus is on ${focused}, not the list`);
  log(`key 2 on hit ${first}: 误报 saved, the row left, the cursor is on hit ${next}`);
  await driver.shot('9-triaged', '.centre');
}

async function search(driver, state, log) {
  await page(driver, 'search');
  const word = state.hit.word ?? '的';
  await driver.type('[data-testid="search-box"]', word);
  await driver.run(`document.querySelector('[data-testid="search-box"]').form.requestSubmit();`);
  await until(driver, `return document.querySelectorAll('[data-testid="search-hit"]').length > 0;`, `results for ${word}`, 20_000);
  const facet = await until(
    driver,
    `const f = document.querySelector('[data-testid="facet"][data-facet="employee"]'); return f ? f.dataset.value : null;`,
    'an employee facet',
    10_000,
  );
  const before = await driver.run(`return document.querySelector('[data-testid="search-total"]').textContent;`);
  await driver.run(`document.querySelector('[data-testid="facet"][data-facet="employee"]').click();`);
  const query = await driver.run(`return document.querySelector('[data-testid="search-box"]').value;`);
  if (query !== `${word} employee:${facet}`) throw new Error(`the facet made the query ${JSON.stringify(query)}`);
  await until(
    driver,
    `return document.querySelector('[data-testid="search-total"]')?.textContent !== arguments[0] || document.querySelectorAll('[data-testid="search-hit"]').length > 0;`,
    'the filtered results',
    20_000,
    before,
  );
  await sleep(300);
  const error = await driver.run(`return document.querySelector('[data-testid="search-error"]').textContent.trim();`);
  if (error) throw new Error(`the filtered search failed: ${error}`);
  const after = await driver.run(`return document.querySelector('[data-testid="search-total"]').textContent;`);
  log(`search "${word}": ${before}; with employee:${facet}: ${after}`);
  await driver.shot('10-search', SHOWN);
}

async function rules(driver, _state, log) {
  await page(driver, 'rules');
  const rows = await until(driver, `return document.querySelectorAll('[data-testid="rule-row"]').length;`, 'the rules', 20_000);
  log(`rules page: ${rows} rules`);
  await driver.shot('11-rules', SHOWN);
  await page(driver, 'browse');
}

/** The review steps, in order; each gets (driver, state, log). */
/** "Sync now": the annotations and audit records go up. */
async function syncUp(driver, state, log) {
  const before = await driver.run(`return Number(document.querySelector('[data-testid="sync-strip"]').dataset.finished);`);
  await driver.run(`document.querySelector('[data-testid="sync-strip"] button.sync').click();`);
  await until(
    driver,
    `return Number(document.querySelector('[data-testid="sync-strip"]').dataset.finished) > arguments[0];`,
    'the sync to finish',
    60_000,
    before,
  );
  const failed = await driver.run(`return document.querySelector('[data-testid="sync-strip"] .error')?.title ?? null;`);
  if (failed) throw new Error(`sync now failed: ${failed}`);
  log('synced: the annotations went up to the demo server');
}

/** The demo's auditor, on the same demo server: sees the reviewer's verdict, may not annotate. */
async function auditor(driver, state, log) {
  await driver.run(`document.querySelector('button.lock').click();`);
  await until(driver, `return !!document.querySelector('[data-testid="open-demo-auditor"]');`, 'the first-run screen after locking', 20_000);
  await driver.run(`document.querySelector('[data-testid="open-demo-auditor"]').click();`);
  await until(driver, `return document.querySelectorAll('[data-testid="employee-row"]').length > 0;`, "the auditor's demo profile", 90_000);
  await page(driver, 'annotations');
  const seen = await until(
    driver,
    `const n = [...document.querySelectorAll('[data-testid="annotation-list"] [data-testid="annotation-item"]')]
       .find((x) => x.textContent.includes(arguments[0]));
     return n ? { verdict: n.dataset.verdict, editable: !!n.querySelector('[data-testid="annotation-edit"], [data-testid="annotation-delete"]'),
                  byReviewer: n.textContent.includes('reviewer') } : null;`,
    "the reviewer's annotation in the auditor's 批注 page",
    30_000,
    state.comment,
  );
  if (seen.verdict !== 'confirmed_violation') throw new Error(`the auditor sees verdict ${seen.verdict}`);
  if (seen.editable) throw new Error("the auditor may edit or delete the reviewer's annotation");
  if (!seen.byReviewer) throw new Error('the annotation does not name its author, reviewer');
  await driver.shot('12-auditor-annotations', SHOWN);
  await page(driver, 'violations');
  await until(driver, `return document.querySelectorAll('[data-testid="violation-row"]').length > 0;`, "the auditor's violation list", 30_000);
  const centre = await driver.run(
    `return { triage: document.querySelectorAll('[data-testid^="triage-"]:not([data-testid="triage-status"])').length,
              stillUnreviewed: !!document.querySelector('[data-testid="violation-row"][data-msgid="' + arguments[0] + '"]') };`,
    state.hit.msgid,
  );
  if (centre.triage) throw new Error(`the auditor's violation centre offers ${centre.triage} triage controls`);
  if (centre.stillUnreviewed) throw new Error('the hit the reviewer confirmed is still unreviewed for the auditor');
  await key(driver, '[data-testid="violation-list"]', 'Enter');
  await until(driver, `return document.querySelectorAll('[data-testid="conversation-flow"] [data-msgid]').length > 0;`, "a conversation in the auditor's window", 20_000);
  await sleep(300);
  const annotate = await driver.run(`return document.querySelectorAll('[data-testid="annotate-message"]').length;`);
  if (annotate) throw new Error(`the auditor is offered ${annotate} annotate buttons`);
  log("auditor: sees the reviewer's verdict (not editable), the hit left 未处理, no triage or annotate controls");
  await driver.shot('13-auditor-conversation', '.pane.p3');
}

export const REVIEW_STEPS = [violationCentre, openInContext, annotate, annotationsPage, triageByKey, search, rules, syncUp, auditor];

export async function reviewWalk(driver, expected, log, steps = REVIEW_STEPS) {
  const state = { expected };
  for (const step of steps) await step(driver, state, log);
  return state;
}
