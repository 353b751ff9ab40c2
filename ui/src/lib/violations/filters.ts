// The violation centre's query: defaults, and the filters a reviewer sets.
import type { ReviewState, ViolationQuery, ViolationSort, ViolationTab } from '../backend';

/** Rows asked for at a time. */
export const PAGE_ROWS = 100;

export interface Filters {
  tab: ViolationTab;
  /** `YYYY-MM-DD` from the date inputs, or ''. */
  from: string;
  to: string;
  employee: string;
  department: string;
  rule: string;
  kind: string;
  msgtype: string;
  state: ReviewState | '';
  sort: ViolationSort;
}

/** Where a reviewer starts: the unreviewed word hits, newest first. */
export const DEFAULT_FILTERS: Filters = {
  tab: 'words',
  from: '',
  to: '',
  employee: '',
  department: '',
  rule: '',
  kind: '',
  msgtype: '',
  state: 'unreviewed',
  sort: 'newest',
};

/** Midnight in Shanghai (the archive's zone) of a `YYYY-MM-DD`, in ms; `null` for ''. */
function day(value: string, plusDays = 0): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays) - 8 * 3_600_000;
}

/** The query for `filters`, rows from `offset`. `to` includes its whole day. */
export function toQuery(filters: Filters, offset: number): ViolationQuery {
  const text = (v: string) => (v === '' ? null : v);
  return {
    tab: filters.tab,
    from: day(filters.from),
    to: day(filters.to, 1),
    employee: text(filters.employee),
    department: filters.department === '' ? null : Number(filters.department),
    rule: text(filters.rule),
    kind: text(filters.kind),
    msgtype: text(filters.msgtype),
    state: filters.state === '' ? null : filters.state,
    sort: filters.sort,
    offset,
    limit: PAGE_ROWS,
  };
}

/** Message types worth filtering hits by. */
export const MSGTYPES = ['text', 'image', 'card', 'redpacket', 'external_redpacket', 'file', 'link', 'voice', 'video', 'revoke'] as const;
