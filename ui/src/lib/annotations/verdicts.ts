import type { AnnotationTargetView, AnnotationView, Verdict } from '../backend';

/** The four verdicts, in the order of the triage keys 1–4. */
export const VERDICTS: readonly Verdict[] = ['confirmed_violation', 'false_positive', 'escalate', 'cleared'];

/** Tags typed as `a, b，c` (ASCII or full-width commas), trimmed, without blanks or repeats. */
export function parseTags(input: string): string[] {
  return [...new Set(input.split(/[,，]/).map((t) => t.trim()).filter(Boolean))];
}

/** What the annotation editor is open on. */
export interface Draft {
  target: AnnotationTargetView;
  existing: AnnotationView | null;
  /** The selected text of a span target. */
  spanText: string | null;
}
