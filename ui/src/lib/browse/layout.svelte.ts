// Pane widths, remembered between runs.

const STORAGE_KEY = 'dossier.panes';
export const DEFAULT_WIDTHS: [number, number] = [300, 300];
export const LIMITS = { min: 200, max: 560 };

function stored(): [number, number] {
  try {
    const raw = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? 'null') as unknown;
    if (
      Array.isArray(raw) &&
      raw.length === 2 &&
      raw.every((n) => typeof n === 'number' && n >= LIMITS.min && n <= LIMITS.max)
    ) {
      return [raw[0] as number, raw[1] as number];
    }
  } catch {
    // A damaged value falls back to the defaults.
  }
  return [...DEFAULT_WIDTHS];
}

let widths = $state<[number, number]>(stored());

export const paneWidths = {
  get value(): [number, number] {
    return widths;
  },
  set(index: 0 | 1, width: number): void {
    const next: [number, number] = [...widths];
    next[index] = width;
    widths = next;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // Storage unavailable: the sizes last for this session.
    }
  },
  /** Re-read storage (tests). */
  reload(): void {
    widths = stored();
  },
};
