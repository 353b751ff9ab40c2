// Message text is data, never markup (DESIGN.md). Decrypted archive text can also hold control
// characters, bidirectional overrides and zero-width characters — the last two are classic ways
// to disguise a word from a lexicon or to make text display in an order other than it was sent.
// A reviewer must see them, so they are split out and shown as visible markers.

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'hidden'; codePoint: number; label: string };

/** Characters that are invisible or reorder text, with the short name a reviewer sees. */
const NAMED: ReadonlyMap<number, string> = new Map([
  [0x200b, 'ZWSP'],
  [0x200c, 'ZWNJ'],
  [0x200d, 'ZWJ'],
  [0x200e, 'LRM'],
  [0x200f, 'RLM'],
  [0x202a, 'LRE'],
  [0x202b, 'RLE'],
  [0x202c, 'PDF'],
  [0x202d, 'LRO'],
  [0x202e, 'RLO'],
  [0x2060, 'WJ'],
  [0x2066, 'LRI'],
  [0x2067, 'RLI'],
  [0x2068, 'FSI'],
  [0x2069, 'PDI'],
  [0xfeff, 'BOM'],
]);

function hex(codePoint: number): string {
  return codePoint.toString(16).toUpperCase().padStart(4, '0');
}

/** The marker for a hidden character, or `null` for one that displays as itself. */
function hiddenLabel(codePoint: number): string | null {
  const named = NAMED.get(codePoint);
  if (named) return named;
  // Tab, line feed and carriage return are layout the sender meant; keep them.
  if (codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d) return null;
  // C0 controls, DEL, C1 controls.
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return `U+${hex(codePoint)}`;
  return null;
}

/** Split message text into displayable runs and hidden characters, in order. */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let run = '';
  for (const ch of text) {
    const codePoint = ch.codePointAt(0) ?? 0;
    const label = hiddenLabel(codePoint);
    if (label === null) {
      run += ch;
      continue;
    }
    if (run) out.push({ kind: 'text', text: run });
    run = '';
    out.push({ kind: 'hidden', codePoint, label });
  }
  if (run) out.push({ kind: 'text', text: run });
  return out;
}

/** `U+202E` style name of a code point, for tooltips. */
export function codePointName(codePoint: number): string {
  return `U+${hex(codePoint)}`;
}
