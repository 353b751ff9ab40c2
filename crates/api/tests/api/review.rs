//! The review work (issue 10) over real vaults: the violation centre against brute-force
//! listings, verdicts settling hits, local lexicons against a scan, the audit trail, and two
//! accounts of a real demo server sharing annotations (an auditor may read, not write).

use std::collections::BTreeSet;

use dossier_api::browse::{PageAt, conversation, conversation_page};
use dossier_api::demo::{AUDITOR, DemoSpec, REVIEWER};
use dossier_api::review::annotations::{annotations, delete_annotation, save_annotation};
use dossier_api::review::lexicons::{delete_lexicon, preview_lexicon, rule_set, save_lexicon};
use dossier_api::review::violations::violations;
use dossier_api::review::{
    AnnotationFilter, AnnotationInput, AnnotationTargetKind, AnnotationTargetView, ReviewState, RuleSource,
    VerdictView, ViolationQuery, ViolationRow, ViolationSort, ViolationTab,
};
use dossier_api::search::{SearchSort, TextSpan, recent_searches, search};
use dossier_api::{ErrorCode, Session};
use dossier_model::{AuditAction, Severity};
use dossier_vault::Queries;

use crate::common::connected;

/// A fresh demo profile of its own (these tests write to it).
fn fresh() -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) =
        dossier_api::fixture::demo_profile(&dir.path().join("p"), "review test", 5, 1_500).unwrap();
    (dir, Session::from_vault(vault).unwrap())
}

fn query(tab: ViolationTab) -> ViolationQuery {
    ViolationQuery::first_page(tab)
}

/// Every row of a query, by paging.
async fn all(session: &Session, q: &ViolationQuery) -> Vec<ViolationRow> {
    let mut out = Vec::new();
    let mut q = q.clone();
    loop {
        let page = violations(session, q.clone()).await.unwrap();
        let n = page.rows.len();
        out.extend(page.rows);
        if n < q.limit as usize {
            assert_eq!(out.len() as u32, page.total, "paging reaches exactly the total");
            return out;
        }
        q.offset += q.limit;
    }
}

fn sql<T>(
    s: &Session,
    sql: &str,
    f: impl Fn(&dossier_vault::rusqlite::Row<'_>) -> dossier_vault::rusqlite::Result<T>,
) -> Vec<T> {
    s.vault()
        .db()
        .read(|r| {
            Ok(r.sql()
                .prepare(sql)?
                .query_map([], |row| f(row))?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
}

fn on_message(msgid: &str, verdict: Option<VerdictView>, comment: &str) -> AnnotationInput {
    AnnotationInput {
        id: None,
        target: AnnotationTargetView {
            kind: AnnotationTargetKind::Message,
            conversation: String::new(),
            msgid: Some(msgid.to_owned()),
            span: None,
        },
        comment: comment.to_owned(),
        tags: vec!["测试".into(), " 测试 ".into(), "".into()],
        verdict,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_violation_centre_lists_exactly_the_hits_with_their_filters() {
    let (_dir, s) = fresh();
    let rows = all(&s, &query(ViolationTab::Words)).await;
    let want: Vec<(i64, i64)> = sql(
        &s,
        "SELECT h.id, m.msgtime FROM hits h JOIN messages m ON m.msgid = h.msgid WHERE h.kind = 'word'
         ORDER BY m.msgtime DESC, h.id DESC",
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    assert!(want.len() > 20, "the fixture plants hits: {}", want.len());
    assert_eq!(
        rows.iter().map(|r| (r.hit_id, r.msgtime)).collect::<Vec<_>>(),
        want
    );
    assert!(
        rows.iter()
            .all(|r| r.state == ReviewState::Unreviewed && !r.behaviour && !r.local)
    );
    // Each row's snippet highlights its span's characters.
    for r in &rows {
        let text: String = sql(
            &s,
            &format!("SELECT text FROM messages WHERE msgid = '{}'", r.msgid),
            |x| x.get(0),
        )
        .remove(0);
        let hit: String = text
            .chars()
            .skip(r.start as usize)
            .take((r.end - r.start) as usize)
            .collect();
        let span = r.snippet.spans[0];
        let shown: String = r
            .snippet
            .text
            .chars()
            .skip(span.start as usize)
            .take((span.end - span.start) as usize)
            .collect();
        assert_eq!(shown, hit, "{}", r.msgid);
    }

    let page = violations(&s, query(ViolationTab::Words)).await.unwrap();
    assert_eq!(
        (page.words, page.behaviour, page.unreviewed),
        (want.len() as u32, 0, want.len() as u32)
    );
    assert_eq!(
        page.rules
            .iter()
            .map(|f| (f.value.as_str(), f.count))
            .collect::<Vec<_>>(),
        [("planted", want.len() as u32)]
    );
    assert!(
        violations(&s, query(ViolationTab::Behaviour))
            .await
            .unwrap()
            .rows
            .is_empty()
    );

    // Oldest first is the reverse; an employee's filter is a brute-force "sent or received".
    let oldest = all(
        &s,
        &ViolationQuery {
            sort: ViolationSort::Oldest,
            ..query(ViolationTab::Words)
        },
    )
    .await;
    assert_eq!(
        oldest.iter().rev().map(|r| r.hit_id).collect::<Vec<_>>(),
        want.iter().map(|w| w.0).collect::<Vec<_>>()
    );
    let employee: String = sql(&s, "SELECT userid FROM employees ORDER BY userid LIMIT 1", |r| {
        r.get(0)
    })
    .remove(0);
    let theirs = all(
        &s,
        &ViolationQuery {
            employee: Some(employee.clone()),
            ..query(ViolationTab::Words)
        },
    )
    .await;
    let brute: BTreeSet<i64> = sql(
        &s,
        &format!(
            "SELECT h.id FROM hits h JOIN messages m ON m.msgid = h.msgid
             WHERE m.sender = '{employee}' OR EXISTS (SELECT 1 FROM json_each(m.tolist) WHERE value = '{employee}')"
        ),
        |r| r.get(0),
    )
    .into_iter()
    .collect();
    assert!(!brute.is_empty());
    assert_eq!(theirs.iter().map(|r| r.hit_id).collect::<BTreeSet<_>>(), brute);
    // A time window.
    let (from, to) = (want[want.len() - 1].1, want[want.len() / 2].1);
    let window = all(
        &s,
        &ViolationQuery {
            from: Some(from),
            to: Some(to),
            ..query(ViolationTab::Words)
        },
    )
    .await;
    assert_eq!(
        window.len(),
        want.iter().filter(|w| w.1 >= from && w.1 < to).count()
    );

    let err = violations(
        &s,
        ViolationQuery {
            limit: 0,
            ..query(ViolationTab::Words)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verdict_settles_a_hit_and_every_annotation_is_audited() {
    let (_dir, s) = fresh();
    let unreviewed = ViolationQuery {
        state: Some(ReviewState::Unreviewed),
        ..query(ViolationTab::Words)
    };
    let before = violations(&s, unreviewed.clone()).await.unwrap();
    let first = before.rows[0].clone();

    // A verdict on the hit's message: the row leaves the unreviewed list and shows as done.
    let saved = save_annotation(
        &s,
        on_message(&first.msgid, Some(VerdictView::FalsePositive), "  客户在问价格  "),
    )
    .await
    .unwrap();
    assert_eq!(
        (saved.pending, saved.mine, saved.comment.as_str()),
        (true, true, "客户在问价格")
    );
    assert_eq!(
        saved.tags,
        ["测试"],
        "tags trimmed, blanks and duplicates dropped"
    );
    assert_eq!(saved.target.conversation, first.conversation);
    let after = violations(&s, unreviewed.clone()).await.unwrap();
    assert_eq!(after.total, before.total - 1);
    assert!(after.rows.iter().all(|r| r.msgid != first.msgid));
    let done = all(
        &s,
        &ViolationQuery {
            state: Some(ReviewState::Done),
            ..query(ViolationTab::Words)
        },
    )
    .await;
    assert_eq!(
        done.iter().map(|r| r.msgid.as_str()).collect::<Vec<_>>(),
        [first.msgid.as_str()]
    );
    assert_eq!(done[0].verdict, Some(VerdictView::FalsePositive));

    // The conversation pane shows the state on the hit, and the conversation is reviewed.
    let page = conversation_page(
        &s,
        first.conversation.clone(),
        PageAt::Around {
            msgid: first.msgid.clone(),
        },
        20,
    )
    .await
    .unwrap();
    let m = page.messages.iter().find(|m| m.msgid == first.msgid).unwrap();
    assert_eq!(
        (m.hits[0].hit_id, m.hits[0].state, m.annotations),
        (first.hit_id, ReviewState::Done, 0)
    );
    let info = conversation(&s, first.conversation.clone()).await.unwrap();
    assert_eq!(info.annotations, 1);
    assert_ne!(info.review, ReviewState::Unreviewed);

    // A comment without verdict is "in review"; an edit keeps the id; a delete reopens.
    let edited = save_annotation(
        &s,
        AnnotationInput {
            id: Some(saved.id.clone()),
            verdict: Some(VerdictView::Escalate),
            ..on_message(&first.msgid, None, "再看")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (edited.id.as_str(), edited.verdict),
        (saved.id.as_str(), Some(VerdictView::Escalate))
    );
    let in_review = all(
        &s,
        &ViolationQuery {
            state: Some(ReviewState::InReview),
            ..query(ViolationTab::Words)
        },
    )
    .await;
    assert_eq!(
        in_review.iter().map(|r| r.msgid.as_str()).collect::<Vec<_>>(),
        [first.msgid.as_str()]
    );
    let listed = annotations(
        &s,
        AnnotationFilter {
            conversation: Some(first.conversation.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|a| (a.id.as_str(), a.comment.as_str()))
            .collect::<Vec<_>>(),
        [(saved.id.as_str(), "再看")]
    );
    delete_annotation(&s, saved.id.clone()).await.unwrap();
    assert_eq!(violations(&s, unreviewed).await.unwrap().total, before.total);
    assert!(
        annotations(&s, AnnotationFilter::default())
            .await
            .unwrap()
            .is_empty()
    );

    // Bad targets are refused with what is wrong.
    let err = save_annotation(&s, on_message("no-such-message", None, "x"))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    let mut span = on_message(&first.msgid, None, "x");
    span.target.span = Some(TextSpan {
        start: 3,
        end: 100_000,
    });
    assert_eq!(
        save_annotation(&s, span).await.unwrap_err().code,
        ErrorCode::BadInput
    );

    // Three writes and a view were audited, in the queue the next sync uploads.
    let audit = s.vault().db().read(|r| r.audit_queue(1000)).unwrap();
    let annotated = audit
        .iter()
        .filter(|(_, a)| matches!(&a.action, AuditAction::Annotate { annotation } if *annotation == saved.id))
        .count();
    assert_eq!(annotated, 3, "{audit:?}");
    assert!(
        audit
            .iter()
            .any(|(_, a)| matches!(a.action, AuditAction::ViewConversation { .. }))
    );
    // The outbox holds the three edits in order.
    let outbox = s.vault().db().read(|r| r.outbox(100)).unwrap();
    assert_eq!(outbox.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_lexicon_previews_what_it_saves_and_search_sees_its_hits() {
    let (_dir, s) = fresh();
    // A two-character word the corpus uses, counted by brute force (the demo's text is simplified
    // Chinese without width variants, so a substring count is the lexicon's count).
    let word = "产品";
    let brute: Vec<String> = sql(
        &s,
        &format!("SELECT msgid FROM messages WHERE text LIKE '%{word}%' ORDER BY msgid"),
        |r| r.get(0),
    );
    assert!(brute.len() > 5, "the demo talks about products: {}", brute.len());
    let preview = preview_lexicon(&s, vec![word.into(), " ".into(), word.into()])
        .await
        .unwrap();
    assert_eq!(preview.messages as usize, brute.len());
    assert_eq!(
        preview.scanned as i64,
        s.vault().db().read(|r| r.message_count()).unwrap()
    );
    assert!(!preview.samples.is_empty() && preview.samples.windows(2).all(|w| w[0].msgtime >= w[1].msgtime));
    assert!(preview.samples.iter().all(|x| x.snippet.text.contains(word)));

    let mut seen = Vec::new();
    let saved = save_lexicon(
        &s,
        "我的词表".into(),
        vec![word.into()],
        Severity::High,
        move |p| seen.push(p),
    )
    .await
    .unwrap();
    assert_eq!((saved.messages, saved.hits), (preview.messages, preview.hits));
    let rows = all(
        &s,
        &ViolationQuery {
            rule: Some("我的词表".into()),
            ..query(ViolationTab::Words)
        },
    )
    .await;
    assert_eq!(rows.len() as u32, saved.hits);
    assert!(
        rows.iter()
            .all(|r| r.local && r.severity == "high" && r.word.as_deref() == Some(word))
    );
    let set = rule_set(&s).await.unwrap();
    assert!(
        set.lexicons
            .iter()
            .any(|l| l.name == "我的词表" && l.source == RuleSource::Local && l.words == [word])
    );

    // The index knows the new violations: has:violation finds every hit message.
    let found = search(&s, format!("{word} has:violation"), SearchSort::Newest, 0, 1000)
        .await
        .unwrap();
    assert_eq!(found.total as usize, brute.len());
    assert_eq!(
        recent_searches(&s).await.unwrap()[0],
        format!("{word} has:violation")
    );

    // Deleting it removes its hits (the planted ones stay) and the index follows.
    delete_lexicon(&s, "我的词表".into()).await.unwrap();
    assert!(
        all(
            &s,
            &ViolationQuery {
                rule: Some("我的词表".into()),
                ..query(ViolationTab::Words)
            }
        )
        .await
        .is_empty()
    );
    let planted: BTreeSet<String> = sql(&s, "SELECT msgid FROM hits", |r| r.get(0))
        .into_iter()
        .collect();
    let still = search(&s, format!("{word} has:violation"), SearchSort::Newest, 0, 1000)
        .await
        .unwrap();
    assert_eq!(
        still.total as usize,
        brute.iter().filter(|m| planted.contains(*m)).count()
    );

    let err = save_lexicon(&s, " ".into(), vec![word.into()], Severity::Low, |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadInput);
    let err = preview_lexicon(&s, vec!["  ".into()]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::BadInput);
    // A word without letters or digits can never match: refused, naming it.
    let err = save_lexicon(&s, "符号".into(), vec!["**".into()], Severity::Low, |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadInput);
    assert!(err.message.contains("\"**\""), "{}", err.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_reviewer_sees_the_first_ones_verdict_and_an_auditor_may_not_annotate() {
    let root = tempfile::tempdir().unwrap();
    let spec = DemoSpec {
        seed: 21,
        messages: 1_500,
        employees: 5,
    };
    let server = dossier_demo_server::start(&root.path().join("server"), &spec)
        .await
        .unwrap();
    let (link, reviewer) = connected(&server.url, REVIEWER, &root.path().join("a")).await;
    let (audit_link, auditor) = connected(&server.url, AUDITOR, &root.path().join("b")).await;

    // The server's rules found behaviour as well as words.
    let page = violations(&reviewer, query(ViolationTab::Behaviour))
        .await
        .unwrap();
    assert!(
        page.words > 0 && page.behaviour > 0,
        "{} words, {} behaviour",
        page.words,
        page.behaviour
    );
    assert!(page.rows.iter().all(|r| r.behaviour && r.kind != "word"));

    // A hit both accounts can see.
    let theirs: BTreeSet<String> = all(&auditor, &query(ViolationTab::Words))
        .await
        .into_iter()
        .map(|r| r.msgid)
        .collect();
    let hit = all(&reviewer, &query(ViolationTab::Words))
        .await
        .into_iter()
        .find(|r| theirs.contains(&r.msgid))
        .expect("the two slices share a hit");

    let err = save_annotation(&auditor, on_message(&hit.msgid, Some(VerdictView::Cleared), ""))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");

    let mine = save_annotation(
        &reviewer,
        on_message(&hit.msgid, Some(VerdictView::ConfirmedViolation), "私下加微信"),
    )
    .await
    .unwrap();
    link.sync_now(&reviewer, |_| {}).await.unwrap();
    let synced = annotations(&reviewer, AnnotationFilter::default()).await.unwrap();
    assert_eq!(synced.len(), 1);
    assert!(
        !synced[0].pending && synced[0].version >= 1,
        "the server's copy replaced the local one: {synced:?}"
    );

    audit_link.sync_now(&auditor, |_| {}).await.unwrap();
    let seen = annotations(
        &auditor,
        AnnotationFilter {
            msgid: Some(hit.msgid.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        (seen[0].id.as_str(), seen[0].author.as_str(), seen[0].mine),
        (mine.id.as_str(), REVIEWER, false)
    );
    assert_eq!(seen[0].verdict, Some(VerdictView::ConfirmedViolation));
    let done = all(
        &auditor,
        &ViolationQuery {
            state: Some(ReviewState::Done),
            ..query(ViolationTab::Words)
        },
    )
    .await;
    assert!(done.iter().any(|r| r.msgid == hit.msgid));
    // Not theirs to change.
    let err = delete_annotation(&auditor, mine.id.clone()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    drop((link, audit_link));
}
