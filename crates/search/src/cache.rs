//! What a search reads from each segment once and keeps: fast columns and filter doc sets.
//!
//! On the vault's encrypted directory every read of a column or a posting list decrypts it (and
//! the chunk caches are shared with the text postings, which evict them). A segment never changes
//! once written (deletes are applied by the collectors through its alive bit set), so what is read
//! from it stays valid until it leaves the index; [`SegmentCache::retain`] drops it then.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED, Term};

use crate::index::field;

/// Bytes of filter doc sets kept across queries. A dense set costs `max_doc / 8` bytes (125 KB for
/// a segment of 1M messages), a sparse one 4 bytes per document.
const FILTER_BUDGET_BYTES: usize = 16 << 20;

/// The fast columns of one segment, opened once.
pub(crate) struct Columns {
    /// Message time, ms.
    pub msgtime: Column<i64>,
    /// Vault row ids.
    pub ids: Column<u64>,
    /// Facet columns (`None` when no document of the segment has a value).
    pub employee: Option<StrColumn>,
    pub customer: Option<StrColumn>,
    pub group: Option<StrColumn>,
    pub msgtype: Option<StrColumn>,
}

/// The documents of one segment that have a filter term (deleted ones included).
pub(crate) enum Docs {
    /// Sorted doc ids, for terms in fewer than 1 in 32 documents.
    Sparse(Box<[DocId]>),
    /// A bit per document.
    Dense { words: Box<[u64]>, len: u32 },
}

impl Docs {
    fn from_sorted(docs: Vec<DocId>, max_doc: DocId) -> Docs {
        if (docs.len() as u64) * 32 < u64::from(max_doc) {
            return Docs::Sparse(docs.into_boxed_slice());
        }
        let mut words = vec![0u64; (max_doc as usize).div_ceil(64)];
        for &d in &docs {
            words[(d / 64) as usize] |= 1 << (d % 64);
        }
        Docs::Dense {
            words: words.into_boxed_slice(),
            len: docs.len() as u32,
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Docs::Sparse(d) => d.len() * 4,
            Docs::Dense { words, .. } => words.len() * 8,
        }
    }

    /// Number of documents.
    pub fn len(&self) -> u32 {
        match self {
            Docs::Sparse(d) => d.len() as u32,
            Docs::Dense { len, .. } => *len,
        }
    }
}

#[derive(Default)]
struct Filters {
    map: HashMap<(SegmentId, Term), (Arc<Docs>, u64)>,
    bytes: usize,
    clock: u64,
}

impl Filters {
    fn get(&mut self, key: &(SegmentId, Term)) -> Option<Arc<Docs>> {
        self.clock += 1;
        let clock = self.clock;
        self.map.get_mut(key).map(|(docs, used)| {
            *used = clock;
            docs.clone()
        })
    }

    fn put(&mut self, key: (SegmentId, Term), docs: Arc<Docs>) {
        self.clock += 1;
        self.bytes += docs.bytes();
        if let Some((old, _)) = self.map.insert(key, (docs, self.clock)) {
            self.bytes -= old.bytes();
        }
        // Least recently used first; a few hundred entries at most, so a scan is fine.
        while self.bytes > FILTER_BUDGET_BYTES && self.map.len() > 1 {
            let Some(oldest) = self
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((docs, _)) = self.map.remove(&oldest) {
                self.bytes -= docs.bytes();
            }
        }
    }
}

/// Per-segment data of one index, shared by its searches.
#[derive(Default)]
pub(crate) struct SegmentCache {
    columns: Mutex<HashMap<SegmentId, Arc<Columns>>>,
    filters: Mutex<Filters>,
}

impl SegmentCache {
    /// The segment's fast columns, opened on first use.
    pub fn columns(&self, segment: &SegmentReader) -> tantivy::Result<Arc<Columns>> {
        let id = segment.segment_id();
        if let Some(c) = lock(&self.columns).get(&id) {
            return Ok(c.clone());
        }
        let ff = segment.fast_fields();
        let c = Arc::new(Columns {
            msgtime: ff.i64(field::MSGTIME)?,
            ids: ff.u64(field::ID)?,
            employee: ff.str(field::EMPLOYEE)?,
            customer: ff.str(field::CUSTOMER)?,
            group: ff.str(field::GROUP)?,
            msgtype: ff.str(field::MSGTYPE)?,
        });
        lock(&self.columns).insert(id, c.clone());
        Ok(c)
    }

    /// The segment's documents with `term`, read from its posting list on first use.
    pub fn docs(&self, segment: &SegmentReader, term: &Term) -> tantivy::Result<Arc<Docs>> {
        let key = (segment.segment_id(), term.clone());
        if let Some(d) = lock(&self.filters).get(&key) {
            return Ok(d);
        }
        let mut docs = Vec::new();
        let inverted = segment.inverted_index(term.field())?;
        if let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? {
            let mut doc = postings.doc();
            while doc != TERMINATED {
                docs.push(doc);
                doc = postings.advance();
            }
        }
        let docs = Arc::new(Docs::from_sorted(docs, segment.max_doc()));
        lock(&self.filters).put(key, docs.clone());
        Ok(docs)
    }

    /// Drops what belongs to segments no longer in the index (after a reload).
    pub fn retain(&self, live: &HashSet<SegmentId>) {
        lock(&self.columns).retain(|id, _| live.contains(id));
        let mut filters = lock(&self.filters);
        let mut freed = 0;
        filters.map.retain(|(id, _), (docs, _)| {
            let keep = live.contains(id);
            if !keep {
                freed += docs.bytes();
            }
            keep
        });
        filters.bytes -= freed;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
