//! Metadata filters as tantivy queries over the [`SegmentCache`]: a filter term is a cached doc
//! set, a date range a check of the cached msgtime column. Neither reads the encrypted directory
//! again after its first query on a segment. A doc set seeks in O(1) (bits) or O(log n) (sorted
//! ids); a date range answers an intersection's membership test (`seek_danger`) with one column
//! read, so a filter costs little beside the text it narrows.

use std::fmt;
use std::sync::Arc;

use tantivy::columnar::Column;
use tantivy::query::{AllScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, TantivyError, Term};

use crate::cache::{Docs, SegmentCache};

/// Documents with a term of a raw (`STRING`) or bool field: `employee:`, `type:`, `has:`, ….
#[derive(Clone)]
pub(crate) struct TermFilter {
    pub cache: Arc<SegmentCache>,
    pub term: Term,
}

/// Documents with `lo <= msgtime < hi` (ms).
#[derive(Clone)]
pub(crate) struct TimeFilter {
    pub cache: Arc<SegmentCache>,
    pub lo: i64,
    pub hi: i64,
}

impl fmt::Debug for TermFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TermFilter({:?})", self.term)
    }
}

impl fmt::Debug for TimeFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeFilter({}..{})", self.lo, self.hi)
    }
}

impl Query for TermFilter {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Query for TimeFilter {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for TermFilter {
    fn scorer(&self, reader: &SegmentReader, _: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self.cache.docs(reader, &self.term)?;
        Ok(Box::new(DocsScorer::new(docs)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain(self.scorer(reader, 1.0)?, doc, "filter term")
    }
}

impl Weight for TimeFilter {
    fn scorer(&self, reader: &SegmentReader, _: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let msgtime = self.cache.columns(reader)?.msgtime.clone();
        let (min, max) = (msgtime.min_value(), msgtime.max_value());
        let max_doc = reader.max_doc();
        if max_doc == 0 || max < self.lo || min >= self.hi {
            return Ok(Box::new(EmptyScorer));
        }
        if self.lo <= min && max < self.hi && msgtime.num_docs() == max_doc {
            return Ok(Box::new(AllScorer::new(max_doc)));
        }
        Ok(Box::new(TimeScorer::new(msgtime, self.lo, self.hi, max_doc)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain(self.scorer(reader, 1.0)?, doc, "msgtime range")
    }
}

fn explain(mut scorer: Box<dyn Scorer>, doc: DocId, what: &'static str) -> tantivy::Result<Explanation> {
    if scorer.seek(doc) == doc {
        Ok(Explanation::new(what, 0.0))
    } else {
        Err(TantivyError::InvalidArgument(format!(
            "document {doc} does not match"
        )))
    }
}

/// A cached doc set, walked by position. Scores 0: filters do not rank.
struct DocsScorer {
    docs: Arc<Docs>,
    /// Sparse: index of the current document; dense: unused.
    at: usize,
    doc: DocId,
}

impl DocsScorer {
    fn new(docs: Arc<Docs>) -> DocsScorer {
        let mut s = DocsScorer { docs, at: 0, doc: 0 };
        s.doc = match &*s.docs {
            Docs::Sparse(d) => d.first().copied().unwrap_or(TERMINATED),
            Docs::Dense { words, .. } => next_set(words, 0),
        };
        s
    }
}

/// The first set bit at or after `from`, or [`TERMINATED`].
fn next_set(words: &[u64], from: DocId) -> DocId {
    let mut w = (from / 64) as usize;
    if w >= words.len() {
        return TERMINATED;
    }
    let mut bits = words[w] & (u64::MAX << (from % 64));
    loop {
        if bits != 0 {
            return (w as DocId) * 64 + bits.trailing_zeros();
        }
        w += 1;
        if w == words.len() {
            return TERMINATED;
        }
        bits = words[w];
    }
}

impl DocSet for DocsScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc = match &*self.docs {
            Docs::Sparse(d) => {
                self.at += 1;
                d.get(self.at).copied().unwrap_or(TERMINATED)
            }
            Docs::Dense { words, .. } => next_set(words, self.doc + 1),
        };
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.doc = match &*self.docs {
            Docs::Sparse(d) => {
                self.at += d[self.at..].partition_point(|&x| x < target);
                d.get(self.at).copied().unwrap_or(TERMINATED)
            }
            Docs::Dense { words, .. } => next_set(words, target),
        };
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.docs.len()
    }
}

impl Scorer for DocsScorer {
    fn score(&mut self) -> Score {
        0.0
    }
}

/// Documents of a segment whose msgtime is in `[lo, hi)`, by scanning the cached column.
struct TimeScorer {
    msgtime: Column<i64>,
    lo: i64,
    hi: i64,
    max_doc: DocId,
    doc: DocId,
}

impl TimeScorer {
    fn new(msgtime: Column<i64>, lo: i64, hi: i64, max_doc: DocId) -> TimeScorer {
        let mut s = TimeScorer {
            msgtime,
            lo,
            hi,
            max_doc,
            doc: 0,
        };
        s.doc = s.scan(0);
        s
    }

    fn matches(&self, doc: DocId) -> bool {
        self.msgtime
            .first(doc)
            .is_some_and(|t| self.lo <= t && t < self.hi)
    }

    fn scan(&self, mut doc: DocId) -> DocId {
        while doc < self.max_doc {
            if self.matches(doc) {
                return doc;
            }
            doc += 1;
        }
        TERMINATED
    }
}

impl DocSet for TimeScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.scan(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.scan(target);
        }
        self.doc
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        // A membership test instead of a scan to the next match: the other clauses lead.
        if target >= self.max_doc {
            SeekDangerResult::SeekLowerBound(TERMINATED)
        } else if self.matches(target) {
            self.doc = target;
            SeekDangerResult::Found
        } else {
            SeekDangerResult::SeekLowerBound(target + 1)
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.max_doc
    }
}

impl Scorer for TimeScorer {
    fn score(&mut self) -> Score {
        0.0
    }
}
