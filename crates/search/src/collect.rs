//! Collectors of hit ids: the count and the best `k` (newest or by score), or every id.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::cache::Columns;
use crate::index::SearchIndex;

/// What ranks a hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rank {
    /// Its msgtime.
    Newest,
    /// Its score.
    Score,
}

/// The hit count and the `k` best hits as (key, row id), best first: the key is the msgtime
/// ([`Rank::Newest`]) or the score as [`score_key`] ([`Rank::Score`]). Ties go by segment and
/// document, newest-indexed first: one total order, so pages of any size are slices of it and
/// every hit is reachable by paging.
pub(crate) struct TopCollector<'i> {
    pub k: usize,
    pub index: &'i SearchIndex,
    pub rank: Rank,
}

/// A score as an integer with the same order (`f32::total_cmp`).
pub(crate) fn score_key(score: Score) -> i64 {
    let bits = score.to_bits() as i32;
    i64::from(bits ^ (((bits >> 31) as u32) >> 1) as i32)
}

/// The score of a [`score_key`] (the mapping is its own inverse).
pub(crate) fn key_score(key: i64) -> Score {
    let bits = key as i32;
    f32::from_bits((bits ^ (((bits >> 31) as u32) >> 1) as i32) as u32)
}

/// (key, segment, doc, row id): ordered so the best is the greatest.
type TopKey = (i64, u32, DocId, i64);

pub(crate) struct SegmentTop {
    k: usize,
    rank: Rank,
    segment: u32,
    count: usize,
    columns: Arc<Columns>,
    /// Min-heap of the k best so far.
    heap: BinaryHeap<Reverse<(i64, DocId)>>,
}

impl Collector for TopCollector<'_> {
    type Fruit = (usize, Vec<(i64, i64)>);
    type Child = SegmentTop;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentTop> {
        Ok(SegmentTop {
            k: self.k,
            rank: self.rank,
            segment,
            count: 0,
            columns: self.index.columns(reader)?,
            heap: BinaryHeap::with_capacity(self.k + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.rank == Rank::Score
    }

    fn merge_fruits(&self, fruits: Vec<(usize, Vec<TopKey>)>) -> tantivy::Result<(usize, Vec<(i64, i64)>)> {
        let total = fruits.iter().map(|(n, _)| n).sum();
        let mut all: Vec<TopKey> = fruits.into_iter().flat_map(|(_, v)| v).collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        all.truncate(self.k);
        Ok((total, all.into_iter().map(|(t, _, _, id)| (t, id)).collect()))
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = (usize, Vec<TopKey>);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        if self.k == 0 {
            return;
        }
        let t = match self.rank {
            Rank::Newest => self.columns.msgtime.first(doc).unwrap_or(i64::MIN),
            Rank::Score => score_key(score),
        };
        if self.heap.len() < self.k {
            self.heap.push(Reverse((t, doc)));
        } else if let Some(Reverse(min)) = self.heap.peek()
            && (t, doc) > *min
        {
            self.heap.pop();
            self.heap.push(Reverse((t, doc)));
        }
    }

    fn harvest(self) -> (usize, Vec<TopKey>) {
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
pub(crate) struct IdCollector<'i> {
    pub index: &'i SearchIndex,
}

pub(crate) struct SegmentIds {
    columns: Arc<Columns>,
    out: Vec<i64>,
}

impl Collector for IdCollector<'_> {
    type Fruit = Vec<i64>;
    type Child = SegmentIds;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentIds> {
        Ok(SegmentIds {
            columns: self.index.columns(segment)?,
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
        if let Some(id) = self.columns.ids.first(doc) {
            self.out.push(id as i64);
        }
    }

    fn harvest(self) -> Vec<i64> {
        self.out
    }
}
