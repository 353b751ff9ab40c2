//! The api's search: pages, totals, facets, and errors a reviewer can act on.

use dossier_api::ErrorCode;
use dossier_api::search::{SearchSort, search};

use crate::common::session;

#[tokio::test]
async fn pages_add_up_to_the_total_and_facets_count_every_hit() {
    let s = session();
    let first = search(&s, "的".into(), SearchSort::Newest, 0, 10).await.unwrap();
    assert!(first.total > 20, "total {}", first.total);
    let facets = first.facets.as_ref().unwrap();
    let by_type: u32 = facets.msgtype.iter().map(|f| f.count).sum();
    assert_eq!(by_type, first.total);
    let by_month: u32 = facets.month.iter().map(|f| f.count).sum();
    assert_eq!(by_month, first.total);
    assert!(
        facets.month.windows(2).all(|w| w[0].value < w[1].value),
        "months oldest first"
    );
    let mut seen = std::collections::BTreeSet::new();
    let mut page = 0;
    loop {
        let p = search(&s, "的".into(), SearchSort::Newest, page, 10)
            .await
            .unwrap();
        if page > 0 {
            assert!(p.facets.is_none());
        }
        if p.hits.is_empty() {
            break;
        }
        for h in &p.hits {
            assert!(h.snippet.text.contains('的'));
            assert!(seen.insert(h.msgid.clone()), "{} twice", h.msgid);
        }
        page += 1;
    }
    assert_eq!(seen.len() as u32, first.total);
}

#[tokio::test]
async fn a_malformed_query_is_bad_input_with_a_position() {
    let err = search(&session(), "(的".into(), SearchSort::Relevance, 0, 10)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadInput);
    assert!(!err.message.is_empty());
}
