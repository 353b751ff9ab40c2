// A lexicon's words as typed: one per line, trimmed, no blanks, no repeats.
export function parseWords(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((w) => w.trim()).filter(Boolean))];
}

/** How long typing must pause before a preview is asked for. */
export const PREVIEW_DELAY_MS = 400;
