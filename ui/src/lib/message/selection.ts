// A text selection inside a message, as a span of its text in Unicode scalar values (what an
// annotation's span counts). MessageText marks each run with `data-at` (its first index).
// A hidden-character marker counts as the letters of its label: selections across one are rare
// and land a few characters long, never on another message.

export interface SelectedSpan {
  start: number;
  end: number;
  text: string;
}

function position(node: Node, offset: number): number | null {
  const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as Element);
  const run = element?.closest<HTMLElement>('[data-at]');
  if (!run) return null;
  const range = document.createRange();
  range.setStart(run, 0);
  range.setEnd(node, offset);
  return Number(run.dataset.at) + Array.from(range.toString()).length;
}

/** The selected span of the message text inside `root`, or `null` when nothing there is selected. */
export function selectedSpan(root: Element): SelectedSpan | null {
  const selection = globalThis.getSelection?.();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  const text = root.querySelector('.message-text');
  if (!text || !text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
  const start = position(range.startContainer, range.startOffset);
  const end = position(range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return null;
  return { start, end, text: range.toString() };
}
