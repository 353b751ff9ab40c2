// The top-level pages and their shortcuts. Cmd/Ctrl+1/2/3 already jump between the browse panes,
// so the pages take Cmd/Ctrl+Shift+1..5 (read from `event.code`: Shift changes `event.key` to
// `!`, `@` … on most layouts).
import { hasMod } from '../util/keys';

export const PAGES = ['browse', 'violations', 'search', 'annotations', 'rules'] as const;
export type Page = (typeof PAGES)[number];

/** The page a key event switches to, or `null`. */
export function pageForKey(event: KeyboardEvent): Page | null {
  if (!hasMod(event) || !event.shiftKey || event.altKey) return null;
  const match = /^Digit([1-5])$/.exec(event.code);
  return match ? PAGES[Number(match[1]) - 1]! : null;
}
