// Small edits to a query string of the search language (the backend parses it).

/** A facet value as a filter term: `employee:zhangwei`, `type:text`, a month as `from:` `to:`. */
export function facetTerm(facet: 'employee' | 'msgtype' | 'month', value: string): string {
  if (facet === 'employee') return `employee:${value}`;
  if (facet === 'msgtype') return `type:${value}`;
  // `YYYY-MM` → the month's first and last day.
  const [y, m] = value.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `from:${value}-01 to:${value}-${String(last).padStart(2, '0')}`;
}

/** `query` with `term` added (once), separated by a space. */
export function addTerm(query: string, term: string): string {
  const q = query.trim();
  const words = q.split(/\s+/);
  if (term.split(' ').every((t) => words.includes(t))) return q;
  return q ? `${q} ${term}` : term;
}
