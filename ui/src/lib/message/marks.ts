// Highlights over message text. Spans count Unicode scalar values (what the API's rules count), so
// the text is split with Array.from — a UTF-16 index would land an emoji's width off.
import { segments, type Segment } from './segments';

/** A highlighted span of a message's text. */
export interface Mark {
  /** First scalar value, and one past the last. */
  start: number;
  end: number;
  /** Shown on hover (rule, kind, severity). */
  title: string;
  /** `high`, `medium`, `low`: the colour. */
  severity: string;
}

/** A run of text, with the scalar index it starts at and the mark over it (if any). */
export interface Run {
  at: number;
  mark: Mark | null;
  parts: Segment[];
}

/** `text` cut into runs at the marks' edges; overlapping marks: the first one wins. */
export function markRuns(text: string, marks: readonly Mark[]): Run[] {
  const chars = Array.from(text);
  const valid = marks.filter((m) => m.end > m.start && m.start < chars.length);
  const markAt = (i: number) => valid.find((m) => m.start <= i && i < m.end) ?? null;
  const runs: Run[] = [];
  let start = 0;
  for (let i = 1; i <= chars.length; i++) {
    if (i === chars.length || markAt(i) !== markAt(start)) {
      runs.push({ at: start, mark: markAt(start), parts: segments(chars.slice(start, i).join('')) });
      start = i;
    }
  }
  return runs;
}
