// The review commands' transport types (issue 10), as ts-rs generates them from `crates/api`
// (generated/api.ts). The review pages read these shapes directly: they are already what a page
// shows (snake_case, numbers within 2^53).
export type {
  AnnotationFilter,
  AnnotationInput,
  AnnotationTargetKind,
  AnnotationTargetView,
  AnnotationView,
  ConflictView,
  FacetCount,
  Keep,
  LexiconPreview,
  LexiconSample,
  LexiconView,
  Person,
  RescanProgress,
  RescanSummary,
  ReviewState,
  RuleSetView,
  RuleSource,
  RuleView,
  SearchFacets,
  SearchHit,
  SearchPage,
  SearchSort,
  SnippetView,
  TextSpan,
  Verdict,
  ViolationPage,
  ViolationQuery,
  ViolationRow,
  ViolationSort,
  ViolationTab,
} from './generated/api';

/** A lexicon's severity as `save_lexicon` takes it. */
export type Severity = 'low' | 'medium' | 'high';

/** Arguments of `search`. */
export interface SearchRequest {
  query: string;
  sort: import('./generated/api').SearchSort;
  /** 0-based. */
  page: number;
  pageSize: number;
}
