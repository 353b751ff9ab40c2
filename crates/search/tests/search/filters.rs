//! Filters, facets and relevance against brute force: random text queries combined with random
//! filters find exactly the messages a scan of the stored messages finds, facet counts equal
//! counts over that scan, and relevance order with dates pages through exactly the same set.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset};
use dossier_model::Message;
use dossier_rules::fold_keep_noise;
use dossier_search::{Counts, Expr, Filter, Query, SearchIndex, SearchRequest, SortOrder};
use dossier_vault::Vault;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::common::{demo_messages, new_vault, store, text_message};

/// 2024-03-01 00:00 in Asia/Shanghai.
const MAR1: i64 = 1_709_222_400_000;

struct Row {
    id: i64,
    message: Message,
    folded: String,
    violation: bool,
    annotation: bool,
}

struct Fixture {
    _dir: tempfile::TempDir,
    _vault: Vault,
    index: SearchIndex,
    rows: Vec<Row>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let (dir, vault) = new_vault();
        let index = SearchIndex::open(&vault).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut messages: Vec<Message> = demo_messages(11, 3000);
        // Month boundaries in Shanghai that are not month boundaries in UTC, and the reverse.
        for (i, t) in [
            MAR1 - 1,
            MAR1,
            MAR1 + 31 * 86_400_000 - 1,
            MAR1 + 31 * 86_400_000,
            // 2024-03-31 20:00 UTC is April 1st in Shanghai.
            1_711_915_200_000,
        ]
        .into_iter()
        .enumerate()
        {
            messages.push(text_message(
                80_000_000 + i as u64,
                "zhangsan",
                &["wmcust1"],
                None,
                t,
                "月末保证收益",
            ));
        }
        let batch: Vec<_> = messages
            .into_iter()
            .map(|m| (m, (rng.random_bool(0.1), rng.random_bool(0.05))))
            .collect();
        // Three commits: three segments.
        let third = batch.len() / 3;
        let mut ids = store(&vault, &index, 1, &batch[..third]);
        ids.extend(store(&vault, &index, 2, &batch[third..2 * third]));
        ids.extend(store(&vault, &index, 3, &batch[2 * third..]));
        assert!(index.segments() >= 2, "{}", index.segments());
        let rows = batch
            .into_iter()
            .zip(ids)
            .map(|((message, (violation, annotation)), id)| Row {
                id,
                folded: fold_keep_noise(&message.content.text()).text,
                message,
                violation,
                annotation,
            })
            .collect();
        Fixture {
            _dir: dir,
            _vault: vault,
            index,
            rows,
        }
    })
}

/// Distinct participants of a message that are (not) external.
fn people(m: &Message, external: bool) -> BTreeSet<String> {
    std::iter::once(&m.from)
        .chain(&m.tolist)
        .filter(|u| !u.0.is_empty() && u.is_external() == external)
        .map(|u| u.0.clone())
        .collect()
}

/// The oracle: does `row` satisfy `e`?
fn matches(row: &Row, e: &Expr) -> bool {
    let m = &row.message;
    match e {
        Expr::All => true,
        Expr::Text { folded } => row.folded.contains(folded.as_str()),
        Expr::Filter(f) => match f {
            Filter::Employee(v) => people(m, false).contains(v),
            Filter::Customer(v) => people(m, true).contains(v),
            Filter::Group(v) => m.group().is_some_and(|g| &g.0 == v),
            Filter::Conversation(v) => &dossier_vault::conv_key(&m.conversation()) == v,
            Filter::Type(v) => m.msgtype() == v,
            Filter::From(ms) => m.msgtime >= *ms,
            Filter::Before(ms) => m.msgtime < *ms,
            Filter::HasViolation => row.violation,
            Filter::HasAnnotation => row.annotation,
        },
        Expr::And(items) => items.iter().all(|e| matches(row, e)),
        Expr::Or(items) => items.iter().any(|e| matches(row, e)),
        Expr::Not(e) => !matches(row, e),
    }
}

fn month(ms: i64) -> String {
    let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
    DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&shanghai)
        .format("%Y-%m")
        .to_string()
}

impl Fixture {
    fn scan(&self, e: &Expr) -> Vec<&Row> {
        self.rows.iter().filter(|r| matches(r, e)).collect()
    }

    fn random_text(&self, rng: &mut ChaCha8Rng) -> Expr {
        loop {
            let text: Vec<char> = self.rows[rng.random_range(0..self.rows.len())]
                .message
                .content
                .text()
                .chars()
                .collect();
            if text.is_empty() {
                continue;
            }
            let len = rng.random_range(1..=4usize).min(text.len());
            let start = rng.random_range(0..=text.len() - len);
            let s: String = text[start..start + len].iter().collect();
            if let Ok(q) = Query::substring(&s) {
                return q.expr;
            }
        }
    }

    /// A filter taken from a random row, so most of them match something.
    fn random_filter(&self, rng: &mut ChaCha8Rng) -> Filter {
        let m = &self.rows[rng.random_range(0..self.rows.len())].message;
        let pick = |set: BTreeSet<String>, rng: &mut ChaCha8Rng| {
            let v: Vec<String> = set.into_iter().collect();
            v.get(rng.random_range(0..v.len().max(1))).cloned()
        };
        loop {
            let f = match rng.random_range(0..9) {
                0 => pick(people(m, false), rng).map(Filter::Employee),
                1 => pick(people(m, true), rng).map(Filter::Customer),
                2 => m.group().map(|g| Filter::Group(g.0.clone())),
                3 => Some(Filter::Conversation(dossier_vault::conv_key(&m.conversation()))),
                4 => Some(Filter::Type(m.msgtype().to_owned())),
                5 => Some(Filter::From(m.msgtime)),
                6 => Some(Filter::Before(m.msgtime)),
                7 => Some(Filter::HasViolation),
                _ => Some(Filter::HasAnnotation),
            };
            if let Some(f) = f {
                return f;
            }
        }
    }

    /// A random query of text and filters: AND of text and one or two filters (one maybe
    /// negated), or filters under OR, or filters alone.
    fn random_query(&self, rng: &mut ChaCha8Rng) -> Expr {
        let f = |rng: &mut ChaCha8Rng| Expr::Filter(self.random_filter(rng));
        match rng.random_range(0..6) {
            0 => f(rng),
            1 => Expr::And(vec![self.random_text(rng), f(rng)]),
            2 => Expr::And(vec![self.random_text(rng), f(rng), f(rng)]),
            3 => Expr::And(vec![self.random_text(rng), Expr::Not(Box::new(f(rng)))]),
            4 => Expr::Or(vec![Expr::And(vec![self.random_text(rng), f(rng)]), f(rng)]),
            _ => Expr::And(vec![f(rng), Expr::Not(Box::new(f(rng))), f(rng)]),
        }
    }
}

#[test]
fn filtered_queries_find_exactly_what_a_scan_finds() {
    let f = fixture();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut nonempty = 0;
    for _ in 0..1500 {
        let expr = f.random_query(&mut rng);
        let want: Vec<i64> = f.scan(&expr).iter().map(|r| r.id).collect();
        let query = Query { expr };
        let got = f.index.matching_ids(&query).unwrap();
        assert_eq!(got, want, "{:?}", query.expr);
        let (total, _, _) = f.index.search_ids(&query, &SearchRequest::default()).unwrap();
        assert_eq!(total, want.len(), "{:?}", query.expr);
        nonempty += usize::from(!want.is_empty());
    }
    assert!(nonempty > 600, "{nonempty}");
}

/// Counts as [`dossier_search::Facets`] orders them: most first, ties by value.
fn by_count(m: BTreeMap<String, u64>) -> Counts {
    let mut v: Counts = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

#[test]
fn facets_equal_counts_over_a_scan() {
    let f = fixture();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut queries: Vec<Expr> = vec![Expr::All];
    queries.extend((0..150).map(|_| f.random_query(&mut rng)));
    let mut months_seen = BTreeSet::new();
    for expr in queries {
        let hits = f.scan(&expr);
        let mut employee = BTreeMap::new();
        let mut customer = BTreeMap::new();
        let mut group = BTreeMap::new();
        let mut msgtype = BTreeMap::new();
        let mut months: BTreeMap<String, u64> = BTreeMap::new();
        for r in &hits {
            let m = &r.message;
            for e in people(m, false) {
                *employee.entry(e).or_default() += 1;
            }
            for c in people(m, true) {
                *customer.entry(c).or_default() += 1;
            }
            if let Some(g) = m.group() {
                *group.entry(g.0.clone()).or_default() += 1;
            }
            *msgtype.entry(m.msgtype().to_owned()).or_default() += 1;
            *months.entry(month(m.msgtime)).or_default() += 1;
        }
        months_seen.extend(months.keys().cloned());
        for order in [SortOrder::Newest, SortOrder::Relevance] {
            let req = SearchRequest {
                order,
                limit: 3,
                facets: true,
                ..Default::default()
            };
            let query = Query { expr: expr.clone() };
            let (total, _, facets) = f.index.search_ids(&query, &req).unwrap();
            let facets = facets.unwrap();
            assert_eq!(total, hits.len(), "{expr:?}");
            assert_eq!(facets.employee, by_count(employee.clone()), "{expr:?}");
            assert_eq!(facets.customer, by_count(customer.clone()), "{expr:?}");
            assert_eq!(facets.group, by_count(group.clone()), "{expr:?}");
            assert_eq!(facets.msgtype, by_count(msgtype.clone()), "{expr:?}");
            let chronological: Counts = months.clone().into_iter().collect();
            assert_eq!(facets.month, chronological, "{expr:?}");
        }
    }
    // The planted boundary messages: Feb, Mar and Apr in Shanghai.
    for m in ["2024-02", "2024-03", "2024-04"] {
        assert!(months_seen.contains(m), "{months_seen:?}");
    }
    let r = Query::parse("月末保证收益").unwrap();
    let (_, _, facets) = f
        .index
        .search_ids(
            &r,
            &SearchRequest {
                facets: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        facets.unwrap().month,
        vec![
            ("2024-02".to_owned(), 1),
            ("2024-03".to_owned(), 2),
            ("2024-04".to_owned(), 2)
        ]
    );
}

#[test]
fn relevance_order_with_dates_pages_through_exactly_the_filtered_hits() {
    let f = fixture();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut checked = 0;
    while checked < 60 {
        let text = f.random_text(&mut rng);
        let a = f.rows[rng.random_range(0..f.rows.len())].message.msgtime;
        let b = f.rows[rng.random_range(0..f.rows.len())].message.msgtime;
        let expr = Expr::And(vec![
            text,
            Expr::Filter(Filter::From(a.min(b))),
            Expr::Filter(Filter::Before(a.max(b) + 1)),
        ]);
        let want: BTreeSet<i64> = f.scan(&expr).iter().map(|r| r.id).collect();
        if want.len() < 2 {
            continue;
        }
        checked += 1;
        let query = Query { expr };
        let mut got = Vec::new();
        let mut scores = Vec::new();
        let page = 7;
        loop {
            let req = SearchRequest {
                order: SortOrder::Relevance,
                offset: got.len(),
                limit: page,
                ..Default::default()
            };
            let (total, hits, _) = f.index.search_ids(&query, &req).unwrap();
            assert_eq!(total, want.len(), "{:?}", query.expr);
            if hits.is_empty() {
                break;
            }
            for (id, score) in hits {
                got.push(id);
                scores.push(score.unwrap());
            }
        }
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{:?}: {scores:?}",
            query.expr
        );
        let set: BTreeSet<i64> = got.iter().copied().collect();
        assert_eq!(set.len(), got.len(), "a hit on two pages: {:?}", query.expr);
        assert_eq!(set, want, "{:?}", query.expr);
    }
}
