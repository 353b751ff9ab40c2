// The review commands' transport types (issue 10), written from the contract the API is built to
// until generated/api.ts carries them; then this file re-exports the generated ones. The review
// pages read these shapes directly: they are already what a page shows (snake_case, numbers).
import type { FacetCount, PageAnchor, Person, SnippetView, TextSpan } from './generated/api';

export type { FacetCount, Person, SnippetView, TextSpan };
export type { PageAnchor as RowAnchor };

export type ViolationTab = 'words' | 'behaviour';
export type ReviewState = 'unreviewed' | 'in_review' | 'done';
export type ViolationSort = 'newest' | 'oldest' | 'severity';
export type Verdict = 'confirmed_violation' | 'false_positive' | 'escalate' | 'cleared';
export type Severity = 'low' | 'medium' | 'high';

export interface ViolationQuery {
  tab: ViolationTab;
  /** Milliseconds. */
  from: number | null;
  to: number | null;
  employee: string | null;
  department: number | null;
  rule: string | null;
  kind: string | null;
  msgtype: string | null;
  state: ReviewState | null;
  sort: ViolationSort;
  offset: number;
  limit: number;
}

export interface ViolationRow {
  hit_id: number;
  msgid: string;
  message_id: number;
  conversation: string;
  msgtime: number;
  msgtype: string;
  sender: Person;
  employee: Person | null;
  partner: string;
  rule: string;
  kind: string;
  behaviour: boolean;
  severity: string;
  word: string | null;
  start: number;
  end: number;
  snippet: SnippetView;
  state: ReviewState;
  verdict: Verdict | null;
  local: boolean;
}

export interface ViolationPage {
  total: number;
  rows: ViolationRow[];
  rules: FacetCount[];
  kinds: FacetCount[];
  /** Rows of each tab under the other filters. */
  words: number;
  behaviour: number;
  unreviewed: number;
}

export interface AnnotationTargetView {
  kind: 'message' | 'conversation';
  conversation: string;
  msgid: string | null;
  span: TextSpan | null;
}

export interface AnnotationView {
  id: string;
  target: AnnotationTargetView;
  author: string;
  comment: string;
  tags: string[];
  verdict: Verdict | null;
  version: number;
  updated_at: number;
  /** Not yet synced (still in the outbox). */
  pending: boolean;
  /** Written by the signed-in account (editable). */
  mine: boolean;
  excerpt: string | null;
  msgtime: number | null;
}

export interface AnnotationFilter {
  conversation: string | null;
  msgid: string | null;
  mine: boolean;
  verdict: Verdict | null;
}

export interface AnnotationInput {
  /** `null` for a new annotation. */
  id: string | null;
  target: AnnotationTargetView;
  comment: string;
  tags: string[];
  verdict: Verdict | null;
}

export interface ConflictView {
  id: number;
  annotation_id: string;
  reason: string;
  mine: AnnotationView | null;
  theirs: AnnotationView | null;
}

export interface RuleView {
  name: string;
  source: 'server' | 'local';
  words: number;
  severity: string;
  enabled: boolean;
}

export interface LexiconView {
  name: string;
  source: 'server' | 'local';
  words: string[];
  severity: string;
}

export interface RuleSetView {
  rules: RuleView[];
  lexicons: LexiconView[];
}

export interface LexiconSample {
  msgid: string;
  conversation: string;
  msgtime: number;
  snippet: SnippetView;
}

export interface LexiconPreview {
  scanned: number;
  messages: number;
  hits: number;
  samples: LexiconSample[];
}

export interface RescanProgress {
  scanned: number;
  total: number;
  hits: number;
}

export interface RescanSummary {
  scanned: number;
  messages: number;
  hits: number;
}

export type { SearchFacets, SearchHit, SearchPage, SearchSort } from './generated/api';

/** Arguments of `search`. */
export interface SearchRequest {
  query: string;
  sort: import('./generated/api').SearchSort;
  /** 0-based. */
  page: number;
  pageSize: number;
}
