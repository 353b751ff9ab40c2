//! Running a [`Query`]: hits in pages, highlight spans, snippets and facet counts.

use dossier_rules::fold_keep_noise;
use dossier_vault::{Queries, StoredMessage, Vault};

use crate::Result;
use crate::collect::{IdCollector, Rank, TopCollector, key_score};
use crate::compile::compile;
use crate::facets::{FacetCollector, Facets};
use crate::index::SearchIndex;
use crate::query::Query;

/// How hits are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Newest `msgtime` first (ties: index order).
    #[default]
    Newest,
    /// BM25 over the matched grams, best first (filters and dates narrow, they do not score; ties:
    /// newest-indexed first).
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
    /// Whether to count hits per employee, customer, group, msgtype and month ([`Facets`]; one
    /// pass over every hit).
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
        let q = compile(&self.fields, &self.cache, &query.expr);
        let facets = req.facets.then_some(FacetCollector { index: self });
        let rank = match req.order {
            SortOrder::Newest => Rank::Newest,
            SortOrder::Relevance => Rank::Score,
        };
        let top = TopCollector {
            k: req.offset + req.limit,
            index: self,
            rank,
        };
        let ((total, top), facets) = searcher.search(&q, &(top, facets))?;
        let page = top
            .into_iter()
            .skip(req.offset)
            .take(req.limit)
            .map(|(key, id)| (id, (rank == Rank::Score).then(|| key_score(key))))
            .collect();
        Ok((total, page, facets))
    }

    /// Every matching vault row id, ascending (tests and tools; a substring scan's equal).
    pub fn matching_ids(&self, query: &Query) -> Result<Vec<i64>> {
        let q = compile(&self.fields, &self.cache, &query.expr);
        let mut ids = self.searcher().search(&q, &IdCollector { index: self })?;
        ids.sort_unstable();
        Ok(ids)
    }
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
