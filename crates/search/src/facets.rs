//! Facet counts over every hit: per employee, customer, group, msgtype and month.
//!
//! Months are calendar months in Asia/Shanghai (UTC+8 all year, no daylight saving since 1991):
//! WeCom archives are of mainland-Chinese companies, and the query language's `from:` / `to:`
//! days are Shanghai days, so a month's count and a `from:`/`to:` query over that month agree.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::cache::Columns;
use crate::index::SearchIndex;
use crate::query::SHANGHAI_OFFSET_MS;

/// Hit counts by value: most frequent first (ties by value), except months (chronological).
pub type Counts = Vec<(String, u64)>;

/// Facet counts over every hit of a query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facets {
    /// Hits per employee taking part (a group message counts for each employee in it).
    pub employee: Counts,
    /// Hits per msgtype.
    pub msgtype: Counts,
    /// Hits per external contact taking part (sender or receiver).
    pub customer: Counts,
    /// Hits per group chat (room id); single chats are not counted here.
    pub group: Counts,
    /// Hits per calendar month of `msgtime` in Asia/Shanghai, `YYYY-MM`, oldest first.
    pub month: Counts,
}

/// The month of `ms` (since the epoch) in Asia/Shanghai, as `year * 12 + month0`, and the
/// `[start, end)` ms of that month.
pub(crate) fn shanghai_month(ms: i64) -> (i64, i64, i64) {
    const DAY: i64 = 86_400_000;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days = (ms + SHANGHAI_OFFSET_MS).div_euclid(DAY);
    let date = epoch
        .checked_add_signed(chrono::TimeDelta::days(days))
        .unwrap_or(epoch);
    let first = date.with_day(1).unwrap_or(date);
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let start = |d: NaiveDate| (d - epoch).num_days() * DAY - SHANGHAI_OFFSET_MS;
    let key = i64::from(date.year()) * 12 + i64::from(date.month0());
    (key, start(first), start(next))
}

fn month_name(key: i64) -> String {
    format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1)
}

/// Counts facets of every hit.
pub(crate) struct FacetCollector<'i> {
    pub index: &'i SearchIndex,
}

/// Term ordinals of one string column, counted.
struct OrdCounts {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl OrdCounts {
    fn new(column: &Option<StrColumn>) -> OrdCounts {
        OrdCounts {
            counts: vec![0; column.as_ref().map_or(0, |c| c.num_terms())],
            column: column.clone(),
        }
    }

    fn collect(&mut self, doc: DocId) {
        if let Some(c) = &self.column {
            for ord in c.term_ords(doc) {
                self.counts[ord as usize] += 1;
            }
        }
    }

    fn named(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        let Some(c) = &self.column else { return out };
        for (ord, &n) in self.counts.iter().enumerate() {
            let mut s = String::new();
            if n > 0 && c.ord_to_str(ord as u64, &mut s).unwrap_or(false) {
                out.insert(s, n);
            }
        }
        out
    }
}

pub(crate) struct SegmentFacets {
    columns: Arc<Columns>,
    employee: OrdCounts,
    customer: OrdCounts,
    group: OrdCounts,
    msgtype: OrdCounts,
    months: BTreeMap<i64, u64>,
    /// The month of the last hit (key, start, end, count so far): hits come in doc order, which
    /// is mostly time order, so most hits fall in the month of the one before.
    current: Option<(i64, i64, i64, u64)>,
}

/// Per-segment facet counts, by name (merged, then ordered, in [`Collector::merge_fruits`]).
#[derive(Default)]
pub(crate) struct Named {
    employee: BTreeMap<String, u64>,
    customer: BTreeMap<String, u64>,
    group: BTreeMap<String, u64>,
    msgtype: BTreeMap<String, u64>,
    month: BTreeMap<i64, u64>,
}

impl Collector for FacetCollector<'_> {
    type Fruit = Facets;
    type Child = SegmentFacets;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let columns = self.index.columns(segment)?;
        Ok(SegmentFacets {
            employee: OrdCounts::new(&columns.employee),
            customer: OrdCounts::new(&columns.customer),
            group: OrdCounts::new(&columns.group),
            msgtype: OrdCounts::new(&columns.msgtype),
            columns,
            months: BTreeMap::new(),
            current: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Named>) -> tantivy::Result<Facets> {
        let mut all = Named::default();
        for f in fruits {
            let add = |to: &mut BTreeMap<String, u64>, from: BTreeMap<String, u64>| {
                for (k, v) in from {
                    *to.entry(k).or_default() += v;
                }
            };
            add(&mut all.employee, f.employee);
            add(&mut all.customer, f.customer);
            add(&mut all.group, f.group);
            add(&mut all.msgtype, f.msgtype);
            for (k, v) in f.month {
                *all.month.entry(k).or_default() += v;
            }
        }
        let by_count = |m: BTreeMap<String, u64>| {
            let mut v: Counts = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        };
        Ok(Facets {
            employee: by_count(all.employee),
            msgtype: by_count(all.msgtype),
            customer: by_count(all.customer),
            group: by_count(all.group),
            month: all.month.into_iter().map(|(k, v)| (month_name(k), v)).collect(),
        })
    }
}

impl SegmentFacets {
    fn flush_month(&mut self) {
        if let Some((key, _, _, n)) = self.current.take() {
            *self.months.entry(key).or_default() += n;
        }
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = Named;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.employee.collect(doc);
        self.customer.collect(doc);
        self.group.collect(doc);
        self.msgtype.collect(doc);
        let Some(t) = self.columns.msgtime.first(doc) else {
            return;
        };
        match &mut self.current {
            Some((_, start, end, n)) if *start <= t && t < *end => *n += 1,
            _ => {
                self.flush_month();
                let (key, start, end) = shanghai_month(t);
                self.current = Some((key, start, end, 1));
            }
        }
    }

    fn harvest(mut self) -> Named {
        self.flush_month();
        Named {
            employee: self.employee.named(),
            customer: self.customer.named(),
            group: self.group.named(),
            msgtype: self.msgtype.named(),
            month: self.months,
        }
    }
}
