//! Results: highlight spans in the original text, snippets, paging, order, facets and filters.

use dossier_search::{Query, SearchIndex, SearchRequest, SearchResults, SortOrder, Span, snippet};
use dossier_vault::Vault;

use crate::common::{new_vault, store, text_message};

/// 2024-03-01 00:00 in Asia/Shanghai.
const MAR1: i64 = 1_709_222_400_000;
const DAY: i64 = 86_400_000;
const PAGED: usize = 120;

fn setup() -> (tempfile::TempDir, Vault, SearchIndex) {
    let (dir, vault) = new_vault();
    let index = SearchIndex::open(&vault).unwrap();
    let mut batch = vec![
        (
            text_message(
                1,
                "zhangsan",
                &["wmcust1"],
                None,
                MAR1 - 1,
                "您好，保證收益😀，加我ＶＸ：abc123",
            ),
            (true, false),
        ),
        (
            text_message(2, "lisi", &["wmcust2"], None, MAR1, "保证收益不可能"),
            (false, true),
        ),
        (
            text_message(
                3,
                "zhangsan",
                &["lisi", "wmcust1"],
                Some("wrG1"),
                MAR1 + DAY - 1,
                "群里说保证收益",
            ),
            (false, false),
        ),
    ];
    for i in 0..PAGED as u64 {
        batch.push((
            text_message(
                100 + i,
                "wangwu",
                &["wmcust3"],
                None,
                MAR1 + 2 * DAY + (i as i64 % 40) * 1000,
                &format!("分页测试 {i}"),
            ),
            (false, false),
        ));
    }
    store(&vault, &index, 1, &batch);
    (dir, vault, index)
}

fn run(vault: &Vault, index: &SearchIndex, q: &str, req: &SearchRequest) -> SearchResults {
    index
        .search(vault, &Query::parse(q).unwrap(), req)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn msgids(vault: &Vault, index: &SearchIndex, q: &str) -> Vec<String> {
    let r = run(
        vault,
        index,
        q,
        &SearchRequest {
            limit: 1000,
            ..Default::default()
        },
    );
    assert_eq!(r.total, r.hits.len(), "{q}");
    let mut ids: Vec<String> = r.hits.into_iter().map(|h| h.message.message.msgid.0).collect();
    ids.sort();
    ids
}

fn ids(list: &[u64]) -> Vec<String> {
    list.iter().map(|i| format!("msg{i:08}")).collect()
}

#[test]
fn highlights_are_spans_of_the_original_text() {
    let (_d, vault, index) = setup();
    let r = run(&vault, &index, "保证收益 \"vx:abc\"", &SearchRequest::default());
    assert_eq!(r.total, 1);
    let hit = &r.hits[0];
    assert_eq!(hit.message.message.msgid.0, "msg00000001");
    assert_eq!(
        hit.spans,
        vec![Span { start: 3, end: 7 }, Span { start: 11, end: 17 }]
    );
    let chars: Vec<char> = hit.message.text.chars().collect();
    assert_eq!(chars[3..7].iter().collect::<String>(), "保證收益");
    assert_eq!(chars[11..17].iter().collect::<String>(), "ＶＸ：abc");
    // The whole short text is the snippet.
    assert_eq!(hit.snippet.text, hit.message.text);
    assert_eq!(hit.snippet.spans, hit.spans);
    assert!(!hit.snippet.cut_start && !hit.snippet.cut_end);
    // Overlapping occurrences merge into one span.
    let r = run(
        &vault,
        &index,
        "分页 页测",
        &SearchRequest {
            limit: 1,
            ..Default::default()
        },
    );
    assert_eq!(r.hits[0].spans, vec![Span { start: 0, end: 3 }]);
}

#[test]
fn snippets_window_the_first_highlight() {
    let text = format!("{}保证收益{}", "前".repeat(100), "后".repeat(100));
    let spans = vec![Span { start: 100, end: 104 }];
    let s = snippet(&text, &spans, 40);
    assert_eq!(s.text.chars().count(), 40);
    assert!(s.cut_start && s.cut_end);
    assert_eq!(s.spans, vec![Span { start: 10, end: 14 }]);
    assert_eq!(s.text.chars().skip(10).take(4).collect::<String>(), "保证收益");
    // Near the end, the window ends at the text's end.
    let s = snippet(&text, &[Span { start: 203, end: 204 }], 40);
    assert!(s.cut_start && !s.cut_end);
    assert_eq!(s.spans, vec![Span { start: 39, end: 40 }]);
}

#[test]
fn every_hit_is_reachable_by_paging_newest_first() {
    let (_d, vault, index) = setup();
    let mut seen = Vec::new();
    let mut last_time = i64::MAX;
    let mut offset = 0;
    loop {
        let r = run(
            &vault,
            &index,
            "分页测试",
            &SearchRequest {
                offset,
                limit: 7,
                ..Default::default()
            },
        );
        assert_eq!(r.total, PAGED);
        if r.hits.is_empty() {
            break;
        }
        for h in &r.hits {
            assert!(h.message.message.msgtime <= last_time);
            last_time = h.message.message.msgtime;
            seen.push(h.message.id);
        }
        offset += 7;
    }
    let n = seen.len();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!((n, seen.len()), (PAGED, PAGED));
}

#[test]
fn relevance_order_scores_descend() {
    let (_d, vault, index) = setup();
    let r = run(
        &vault,
        &index,
        "保证 OR 收益 OR 群",
        &SearchRequest {
            order: SortOrder::Relevance,
            ..Default::default()
        },
    );
    assert_eq!(r.total, 3);
    let scores: Vec<f32> = r.hits.iter().map(|h| h.score.unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // The message with the extra term 群 ranks first.
    assert_eq!(r.hits[0].message.message.msgid.0, "msg00000003");
}

#[test]
fn facets_count_every_hit() {
    let (_d, vault, index) = setup();
    let r = run(
        &vault,
        &index,
        "保证收益",
        &SearchRequest {
            limit: 1,
            facets: true,
            ..Default::default()
        },
    );
    let f = r.facets.unwrap();
    assert_eq!(
        f.employee,
        vec![("lisi".to_owned(), 2), ("zhangsan".to_owned(), 2)]
    );
    assert_eq!(f.msgtype, vec![("text".to_owned(), 3)]);
    let r = run(
        &vault,
        &index,
        "",
        &SearchRequest {
            limit: 0,
            facets: true,
            ..Default::default()
        },
    );
    assert_eq!(r.total, 3 + PAGED);
    assert!(r.hits.is_empty());
    assert_eq!(r.facets.unwrap().employee[0], ("wangwu".to_owned(), PAGED as u64));
}

#[test]
fn filters_narrow_the_hits() {
    let (_d, vault, index) = setup();
    let m = |q: &str| msgids(&vault, &index, q);
    assert_eq!(m("保证收益"), ids(&[1, 2, 3]));
    assert_eq!(m("employee:zhangsan 保证收益"), ids(&[1, 3]));
    assert_eq!(m("employee:lisi"), ids(&[2, 3]));
    assert_eq!(m("customer:wmcust2"), ids(&[2]));
    assert_eq!(m("group:wrG1"), ids(&[3]));
    let conv = dossier_vault::conv_key(&dossier_model::ConversationKey::single(
        "wmcust2".into(),
        "lisi".into(),
    ));
    assert_eq!(m(&format!("conversation:\"{conv}\"")), ids(&[2]));
    assert_eq!(m("has:violation"), ids(&[1]));
    assert_eq!(m("has:annotation"), ids(&[2]));
    assert_eq!(m("NOT has:violation 保证收益"), ids(&[2, 3]));
    assert_eq!(m("type:text 保证收益"), ids(&[1, 2, 3]));
    assert_eq!(m("type:image"), ids(&[]));
    // Day boundaries are Asia/Shanghai: message 1 is the last millisecond of Feb 29 there.
    assert_eq!(m("to:2024-02-29"), ids(&[1]));
    assert_eq!(m("from:2024-03-01 to:2024-03-01"), ids(&[2, 3]));
    assert_eq!(m("from:2024-03-02 保证"), ids(&[]));
    assert_eq!(m("(保证 OR 分页) to:2024-03-01 NOT employee:lisi"), ids(&[1]));
    assert_eq!(m("vx:abc OR 不可能"), ids(&[1, 2]));
    // Dates nested under OR / NOT agree with top-level ones, in both orders, in counts and facets.
    assert_eq!(m("to:2024-02-29 OR 不可能"), ids(&[1, 2]));
    assert_eq!(m("保证 NOT (from:2024-03-01 to:2024-03-01)"), ids(&[1]));
    for order in [SortOrder::Newest, SortOrder::Relevance] {
        let req = SearchRequest {
            order,
            facets: true,
            ..Default::default()
        };
        let r = run(&vault, &index, "from:2024-03-01 to:2024-03-01 保证收益", &req);
        assert_eq!((r.total, r.hits.len()), (2, 2), "{order:?}");
        assert_eq!(r.facets.unwrap().msgtype, vec![("text".to_owned(), 2)]);
    }
    let q = Query::parse("from:2024-03-01 to:2024-03-01").unwrap();
    assert_eq!(index.matching_ids(&q).unwrap().len(), 2);
}
