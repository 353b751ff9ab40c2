//! Running a [`Query`]: hits in pages, highlight spans, snippets and facet counts.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::ops::Bound;
use std::sync::Arc;

use dossier_rules::fold_keep_noise;
use dossier_vault::{Queries, StoredMessage, Vault};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term};

use crate::index::{Columns, Fields, SearchIndex, field};
use crate::query::{Expr, Filter, Query};
use crate::{Error, Result};

/// How hits are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Newest `msgtime` first (ties: index order).
    #[default]
    Newest,
    /// BM25 over the matched grams, best first.
    Relevance,
}

/// One page of a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRequest {
    /// Ordering.
    pub order: SortOrder,
    /// Hits to skip (page start).
    pub offset: usize,
    /// Hits to return at most.
    pub limit: usize,
    /// Whether to count hits per employee and per msgtype (one pass over every hit).
    pub facets: bool,
    /// Characters of original text in a snippet.
    pub snippet_chars: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            order: SortOrder::Newest,
            offset: 0,
            limit: 50,
            facets: false,
            snippet_chars: 80,
        }
    }
}

/// A span of text, in Unicode characters, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// A window of a message's original text around its first match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The window's text (original characters, not folded).
    pub text: String,
    /// Highlights within `text`, in characters of `text`.
    pub spans: Vec<Span>,
    /// The window starts after the text's start (show an ellipsis).
    pub cut_start: bool,
    /// The window ends before the text's end.
    pub cut_end: bool,
}

/// One hit.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The message as stored in the vault.
    pub message: StoredMessage,
    /// BM25 score (relevance order only).
    pub score: Option<f32>,
    /// Highlights in `message.text`, in characters of the original text, sorted, disjoint.
    pub spans: Vec<Span>,
    /// A context window around the first highlight.
    pub snippet: Snippet,
}

/// Hit counts by value, most frequent first (ties by value).
pub type Counts = Vec<(String, u64)>;

/// Facet counts over every hit of a query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facets {
    /// Hits per employee taking part (a group message counts for each employee in it).
    pub employee: Counts,
    /// Hits per msgtype.
    pub msgtype: Counts,
}

/// A page of results.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResults {
    /// Hits of the whole query (every one reachable by paging).
    pub total: usize,
    /// This page. A hit whose row the vault no longer has (purged, index not yet committed) is
    /// left out, so a page can be shorter than `limit` before the end.
    pub hits: Vec<Hit>,
    /// Facet counts, when asked for.
    pub facets: Option<Facets>,
}

impl SearchIndex {
    /// Runs `query` and fetches the page's messages from `vault`.
    pub fn search(&self, vault: &Vault, query: &Query, req: &SearchRequest) -> Result<SearchResults> {
        let (total, page, facets) = self.search_ids(query, req)?;
        let ids: Vec<i64> = page.iter().map(|(id, _)| *id).collect();
        let messages = vault.db().read(|r| r.messages_by_ids(&ids))?;
        let terms = query.highlight_terms();
        let mut scores = page.into_iter();
        let hits = messages
            .into_iter()
            .map(|message| {
                let score = scores.find(|(id, _)| *id == message.id).and_then(|(_, s)| s);
                let spans = highlight(&message.text, &terms);
                let snippet = snippet(&message.text, &spans, req.snippet_chars);
                Hit {
                    message,
                    score,
                    spans,
                    snippet,
                }
            })
            .collect();
        Ok(SearchResults { total, hits, facets })
    }

    /// Runs `query` against the index alone: the total, the page's vault row ids (with scores in
    /// relevance order) and the facets when asked for.
    #[allow(clippy::type_complexity)]
    pub fn search_ids(
        &self,
        query: &Query,
        req: &SearchRequest,
    ) -> Result<(usize, Vec<(i64, Option<f32>)>, Option<Facets>)> {
        let searcher = self.searcher();
        let k = req.offset + req.limit;
        match req.order {
            SortOrder::Newest => {
                let (expr, range) = split_time_range(&query.expr);
                let q = compile(&self.fields, &expr);
                let facet_collector = req.facets.then_some(FacetCollector { index: self, range });
                let newest = NewestCollector {
                    k,
                    index: self,
                    range,
                };
                let ((total, top), facets) = searcher.search(&q, &(newest, facet_collector))?;
                let page = top
                    .into_iter()
                    .skip(req.offset)
                    .take(req.limit)
                    .map(|(_, id)| (id, None))
                    .collect();
                Ok((total, page, facets))
            }
            SortOrder::Relevance => {
                let q = compile(&self.fields, &query.expr);
                let facet_collector = req.facets.then_some(FacetCollector {
                    index: self,
                    range: None,
                });
                let top = TopDocs::with_limit(req.limit.max(1))
                    .and_offset(req.offset)
                    .order_by_score();
                let (total, docs, facets) = searcher.search(&q, &(Count, top, facet_collector))?;
                let docs = if req.limit == 0 { Vec::new() } else { docs };
                let mut out = Vec::with_capacity(docs.len());
                for (score, addr) in docs {
                    let ids = searcher
                        .segment_reader(addr.segment_ord)
                        .fast_fields()
                        .u64(field::ID)?;
                    let id = ids.first(addr.doc_id).ok_or(Error::MissingId)?;
                    out.push((id as i64, Some(score)));
                }
                Ok((total, out, facets))
            }
        }
    }

    /// Every matching vault row id, unordered (tests and tools; a substring scan's equal).
    pub fn matching_ids(&self, query: &Query) -> Result<Vec<i64>> {
        let (expr, range) = split_time_range(&query.expr);
        let q = compile(&self.fields, &expr);
        let searcher = self.searcher();
        let mut ids = searcher.search(&q, &IdCollector { index: self, range })?;
        ids.sort_unstable();
        Ok(ids)
    }
}

/// A `[from, before)` msgtime range, ms.
type TimeRange = (i64, i64);

/// Takes the top-level `from:` / `to:` conjuncts out of `e`, for collectors to check against the
/// cached msgtime column (a range query would open, so decrypt, the whole column per query).
fn split_time_range(e: &Expr) -> (Expr, Option<TimeRange>) {
    let is_range = |e: &Expr| matches!(e, Expr::Filter(Filter::From(_) | Filter::Before(_)));
    let items: Vec<&Expr> = match e {
        Expr::And(items) => items.iter().collect(),
        e if is_range(e) => vec![e],
        _ => return (e.clone(), None),
    };
    let mut range = (i64::MIN, i64::MAX);
    let mut rest = Vec::new();
    for item in items {
        match item {
            Expr::Filter(Filter::From(ms)) => range.0 = range.0.max(*ms),
            Expr::Filter(Filter::Before(ms)) => range.1 = range.1.min(*ms),
            other => rest.push(other.clone()),
        }
    }
    let rest = match rest.len() {
        0 => Expr::All,
        1 => rest.pop().unwrap_or(Expr::All),
        _ => Expr::And(rest),
    };
    (rest, Some(range))
}

fn in_range(columns: &Columns, range: Option<TimeRange>, doc: DocId) -> bool {
    match range {
        None => true,
        Some((lo, hi)) => columns.msgtime.first(doc).is_some_and(|t| lo <= t && t < hi),
    }
}

fn compile(f: &Fields, e: &Expr) -> Box<dyn tantivy::query::Query> {
    let filter = |q: Box<dyn tantivy::query::Query>| -> Box<dyn tantivy::query::Query> {
        Box::new(ConstScoreQuery::new(q, 0.0))
    };
    let term = |field, value: &str| -> Box<dyn tantivy::query::Query> {
        filter(Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        )))
    };
    match e {
        Expr::All => Box::new(AllQuery),
        Expr::Text { folded } => text_query(f, folded),
        Expr::Filter(Filter::Employee(v)) => term(f.employee, v),
        Expr::Filter(Filter::Customer(v)) => term(f.customer, v),
        Expr::Filter(Filter::Group(v)) => term(f.group, v),
        Expr::Filter(Filter::Conversation(v)) => term(f.conversation, v),
        Expr::Filter(Filter::Type(v)) => term(f.msgtype, v),
        // Both bounds explicit: tantivy 0.27's fast-field range doc set overflows (debug) on an
        // unbounded side under a union.
        Expr::Filter(Filter::From(ms)) => filter(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(f.msgtime, *ms)),
            Bound::Included(Term::from_field_i64(f.msgtime, i64::MAX)),
        ))),
        Expr::Filter(Filter::Before(ms)) => filter(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(f.msgtime, i64::MIN)),
            Bound::Excluded(Term::from_field_i64(f.msgtime, *ms)),
        ))),
        Expr::Filter(Filter::HasViolation) => filter(Box::new(TermQuery::new(
            Term::from_field_bool(f.has_violation, true),
            IndexRecordOption::Basic,
        ))),
        Expr::Filter(Filter::HasAnnotation) => filter(Box::new(TermQuery::new(
            Term::from_field_bool(f.has_annotation, true),
            IndexRecordOption::Basic,
        ))),
        Expr::And(items) => {
            // The dates of one AND make one range query: tantivy 0.27's fast-field range doc set
            // overflows (debug) when two of them are intersected.
            let (rest, range) = split_time_range(e);
            let items = match (&rest, range) {
                (_, None) => items.clone(),
                (Expr::And(rest), Some(_)) => rest.clone(),
                (Expr::All, Some(_)) => Vec::new(),
                (other, Some(_)) => vec![other.clone()],
            };
            let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = items
                .iter()
                .map(|e| match e {
                    Expr::Not(inner) => (Occur::MustNot, compile(f, inner)),
                    e => (Occur::Must, compile(f, e)),
                })
                .collect();
            if let Some((lo, hi)) = range {
                clauses.push((
                    Occur::Must,
                    filter(Box::new(RangeQuery::new(
                        Bound::Included(Term::from_field_i64(f.msgtime, lo)),
                        Bound::Excluded(Term::from_field_i64(f.msgtime, hi)),
                    ))),
                ));
            }
            if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Expr::Or(items) => Box::new(BooleanQuery::new(
            items.iter().map(|e| (Occur::Should, compile(f, e))).collect(),
        )),
        Expr::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, compile(f, inner)),
        ])),
    }
}

/// 1–2 characters: the gram's term; more: a phrase over the overlapping bigrams.
fn text_query(f: &Fields, folded: &str) -> Box<dyn tantivy::query::Query> {
    let bounds: Vec<usize> = folded
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(folded.len()))
        .collect();
    let chars = bounds.len() - 1;
    if chars <= 2 {
        return Box::new(TermQuery::new(
            Term::from_field_text(f.text, folded),
            IndexRecordOption::WithFreqs,
        ));
    }
    let terms = (0..chars - 1)
        .map(|i| {
            (
                i,
                Term::from_field_text(f.text, &folded[bounds[i]..bounds[i + 2]]),
            )
        })
        .collect();
    Box::new(PhraseQuery::new_with_offset(terms))
}

/// Every occurrence of every term in the folded text, mapped back to the original, merged.
pub fn highlight(text: &str, terms: &[String]) -> Vec<Span> {
    if terms.is_empty() {
        return Vec::new();
    }
    let folded = fold_keep_noise(text);
    let mut spans = Vec::new();
    for term in terms {
        let count = term.chars().count();
        let mut from = 0;
        while let Some(at) = folded.text[from..].find(term.as_str()) {
            let start = from + at;
            let first = folded.char_index(start);
            let (s, e) = folded.original_char_span(first, first + count);
            spans.push(Span { start: s, end: e });
            // Overlapping occurrences: continue one character further.
            from = start + folded.text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    merged
}

/// A window of about `width` characters of `text` that starts a little before the first span.
pub fn snippet(text: &str, spans: &[Span], width: usize) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let width = width.max(1);
    let start = match spans.first() {
        Some(first) if n > width => {
            let lead = (width / 4).min(first.start);
            (first.start - lead).min(n - width)
        }
        _ => 0,
    };
    let end = (start + width).min(n);
    let spans = spans
        .iter()
        .filter(|s| s.end > start && s.start < end)
        .map(|s| Span {
            start: s.start.max(start) - start,
            end: s.end.min(end) - start,
        })
        .collect();
    Snippet {
        text: chars[start..end].iter().collect(),
        spans,
        cut_start: start > 0,
        cut_end: end < n,
    }
}

/// Counts per employee and msgtype over every hit.
struct FacetCollector<'i> {
    index: &'i SearchIndex,
    range: Option<TimeRange>,
}

struct SegmentFacets {
    columns: Arc<Columns>,
    range: Option<TimeRange>,
    employee: Option<StrColumn>,
    msgtype: Option<StrColumn>,
    employee_counts: Vec<u64>,
    msgtype_counts: Vec<u64>,
}

impl Collector for FacetCollector<'_> {
    type Fruit = Facets;
    type Child = SegmentFacets;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let ff = segment.fast_fields();
        let employee = ff.str(field::EMPLOYEE)?;
        let msgtype = ff.str(field::MSGTYPE)?;
        let len = |c: &Option<StrColumn>| c.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentFacets {
            columns: self.index.columns(segment)?,
            range: self.range,
            employee_counts: vec![0; len(&employee)],
            msgtype_counts: vec![0; len(&msgtype)],
            employee,
            msgtype,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Facets>) -> tantivy::Result<Facets> {
        let merge = |pick: fn(&Facets) -> &Counts| {
            let mut all: BTreeMap<String, u64> = BTreeMap::new();
            for f in &fruits {
                for (k, v) in pick(f) {
                    *all.entry(k.clone()).or_default() += v;
                }
            }
            let mut v: Counts = all.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        };
        Ok(Facets {
            employee: merge(|f| &f.employee),
            msgtype: merge(|f| &f.msgtype),
        })
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = Facets;

    fn collect(&mut self, doc: DocId, _: Score) {
        if !in_range(&self.columns, self.range, doc) {
            return;
        }
        if let Some(c) = &self.employee {
            for ord in c.term_ords(doc) {
                self.employee_counts[ord as usize] += 1;
            }
        }
        if let Some(c) = &self.msgtype {
            for ord in c.term_ords(doc) {
                self.msgtype_counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Facets {
        let named = |c: &Option<StrColumn>, counts: &[u64]| -> Counts {
            let Some(c) = c else { return Vec::new() };
            let mut out = Vec::new();
            for (ord, &n) in counts.iter().enumerate() {
                let mut s = String::new();
                if n > 0 && c.ord_to_str(ord as u64, &mut s).unwrap_or(false) {
                    out.push((s, n));
                }
            }
            out
        };
        Facets {
            employee: named(&self.employee, &self.employee_counts),
            msgtype: named(&self.msgtype, &self.msgtype_counts),
        }
    }
}

/// The hit count and the `k` newest hits as (msgtime, row id), newest first; ties by segment and
/// document, newest-indexed first, so pages are stable for a searcher.
struct NewestCollector<'i> {
    k: usize,
    index: &'i SearchIndex,
    range: Option<TimeRange>,
}

/// (msgtime, segment, doc, row id): ordered so the newest is the greatest.
type NewestKey = (i64, u32, DocId, i64);

struct SegmentNewest {
    k: usize,
    segment: u32,
    count: usize,
    columns: Arc<Columns>,
    range: Option<TimeRange>,
    /// Min-heap of the k newest so far.
    heap: BinaryHeap<Reverse<(i64, DocId)>>,
}

impl Collector for NewestCollector<'_> {
    type Fruit = (usize, Vec<(i64, i64)>);
    type Child = SegmentNewest;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentNewest> {
        Ok(SegmentNewest {
            k: self.k,
            segment,
            count: 0,
            columns: self.index.columns(reader)?,
            range: self.range,
            heap: BinaryHeap::with_capacity(self.k + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(usize, Vec<NewestKey>)>,
    ) -> tantivy::Result<(usize, Vec<(i64, i64)>)> {
        let total = fruits.iter().map(|(n, _)| n).sum();
        let mut all: Vec<NewestKey> = fruits.into_iter().flat_map(|(_, v)| v).collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        all.truncate(self.k);
        Ok((total, all.into_iter().map(|(t, _, _, id)| (t, id)).collect()))
    }
}

impl SegmentCollector for SegmentNewest {
    type Fruit = (usize, Vec<NewestKey>);

    fn collect(&mut self, doc: DocId, _: Score) {
        if !in_range(&self.columns, self.range, doc) {
            return;
        }
        self.count += 1;
        if self.k == 0 {
            return;
        }
        let t = self.columns.msgtime.first(doc).unwrap_or(i64::MIN);
        if self.heap.len() < self.k {
            self.heap.push(Reverse((t, doc)));
        } else if let Some(Reverse(min)) = self.heap.peek()
            && (t, doc) > *min
        {
            self.heap.pop();
            self.heap.push(Reverse((t, doc)));
        }
    }

    fn harvest(self) -> (usize, Vec<NewestKey>) {
        let segment = self.segment;
        let ids = &self.columns.ids;
        let top = self
            .heap
            .into_iter()
            .filter_map(|Reverse((t, doc))| ids.first(doc).map(|id| (t, segment, doc, id as i64)))
            .collect();
        (self.count, top)
    }
}

/// Every matching row id.
struct IdCollector<'i> {
    index: &'i SearchIndex,
    range: Option<TimeRange>,
}

struct SegmentIds {
    columns: Arc<Columns>,
    range: Option<TimeRange>,
    out: Vec<i64>,
}

impl Collector for IdCollector<'_> {
    type Fruit = Vec<i64>;
    type Child = SegmentIds;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentIds> {
        Ok(SegmentIds {
            columns: self.index.columns(segment)?,
            range: self.range,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<i64>>) -> tantivy::Result<Vec<i64>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentIds {
    type Fruit = Vec<i64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if !in_range(&self.columns, self.range, doc) {
            return;
        }
        if let Some(id) = self.columns.ids.first(doc) {
            self.out.push(id as i64);
        }
    }

    fn harvest(self) -> Vec<i64> {
        self.out
    }
}
