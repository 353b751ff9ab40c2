// Geometry of a list of rows of different heights: measured where a row has been drawn,
// estimated elsewhere. Pure functions, so the conversation's scroll logic can be tested alone.

/** Offsets of each row's top, plus the total height as the last element. */
export function offsets(keys: readonly string[], heights: ReadonlyMap<string, number>, estimate: number): Float64Array {
  const tops = new Float64Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) tops[i + 1] = tops[i]! + (heights.get(keys[i]!) ?? estimate);
  return tops;
}

/** Index of the row containing pixel `y` (the last row whose top is ≤ y), clamped. */
export function rowAt(tops: Float64Array, y: number): number {
  const rows = tops.length - 1;
  if (rows <= 0) return 0;
  let lo = 0;
  let hi = rows - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (tops[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Rows to draw for a viewport: [start, end), with `overscan` pixels drawn beyond each edge. */
export function visibleRange(tops: Float64Array, scrollTop: number, viewport: number, overscan: number): [number, number] {
  const rows = tops.length - 1;
  if (rows <= 0) return [0, 0];
  const start = rowAt(tops, Math.max(0, scrollTop - overscan));
  const end = Math.min(rows, rowAt(tops, scrollTop + viewport + overscan) + 1);
  return [start, end];
}
