//! Ingest: idempotent, incremental, malformed lines reported with file and line, revokes linked,
//! rules run with spans stored.

use dossier_server::ingest::ingest_dir;
use dossier_server::{Archive, feed};

use crate::fixture;

fn admin_feed(archive: &Archive) -> Vec<serde_json::Value> {
    let admin = archive
        .store()
        .user_by_name("admin")
        .expect("query")
        .expect("admin");
    let batch = feed::read(archive, &admin, 0, 10_000).expect("feed");
    String::from_utf8(batch.body)
        .expect("utf8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson line"))
        .collect()
}

#[test]
fn ingest_reports_bad_lines_links_revokes_and_is_idempotent() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (archive, _) = dossier_server::Archive::init(
        &tmp.path().join("data"),
        "admin",
        Some(fixture::PASSWORD.into()),
        fixture::config(),
    )
    .expect("init");
    let src = tmp.path().join("archive");
    std::fs::create_dir_all(&src).expect("mkdir");
    fixture::write_archive(&src);

    let r = ingest_dir(&archive, &src, &Default::default()).expect("ingest");
    assert_eq!(r.messages_read, 6);
    assert_eq!(r.messages_new, 6);
    assert!(
        r.problems.iter().any(|p| p.starts_with("messages.jsonl:3:")),
        "{:?}",
        r.problems
    );
    assert!(
        r.problems.iter().any(|p| p.starts_with("events.jsonl:2:")),
        "{:?}",
        r.problems
    );
    assert_eq!(r.events_new, 1);
    assert_eq!(r.contacts_changed, 2);
    assert!(r.rules_changed);
    assert_eq!(r.media_new, 2);
    assert!(r.hits >= 1, "the rule hit on m1 is stored");

    let records = admin_feed(&archive);
    let seqs: Vec<i64> = records.iter().map(|r| r["seq"].as_i64().expect("seq")).collect();
    assert!(
        seqs.windows(2)
            .all(|w| w[0] < w[1] || w[1] == *seqs.last().expect("last")),
        "seq order {seqs:?}"
    );
    let m1 = records
        .iter()
        .find(|r| r["type"] == "message" && r["msgid"] == "m1")
        .expect("m1");
    assert_eq!(m1["revoked_by"], "m4", "revoke linked to its original");
    assert_eq!(
        m1["raw"]["text"]["content"], "您好，这款产品保本保息",
        "raw evidence kept"
    );
    assert_eq!(m1["archive_seq"], "1");
    let m4 = records
        .iter()
        .find(|r| r["type"] == "message" && r["msgid"] == "m4")
        .expect("m4");
    assert_eq!(m4["revoke_of"], "m1");
    let hit = records
        .iter()
        .find(|r| r["type"] == "hit" && r["hit"]["kind"] == "word")
        .expect("word hit");
    assert_eq!(hit["hit"]["msgid"], "m1");
    assert_eq!(hit["hit"]["word"], "保本");
    assert_eq!(
        (hit["hit"]["start"].as_u64(), hit["hit"]["end"].as_u64()),
        (Some(7), Some(9)),
        "span in characters"
    );
    assert!(records.iter().any(|r| r["type"] == "rules"));
    let ev = records.iter().find(|r| r["type"] == "event").expect("event");
    assert_eq!(ev["alert"]["kind"], "del_follow_user");

    // The same directory again adds nothing.
    let head = archive.store().head().expect("head");
    let again = ingest_dir(&archive, &src, &Default::default()).expect("ingest again");
    assert_eq!(
        (
            again.messages_new,
            again.contacts_changed,
            again.events_new,
            again.org_changed
        ),
        (0, 0, 0, 0)
    );
    assert!(!again.rules_changed);
    assert_eq!(again.hits, 0, "stored messages are not scanned again");
    assert_eq!(archive.store().head().expect("head"), head, "no change logged");

    // A later directory appends; a revoke of a message from the earlier ingest links back.
    let more = tmp.path().join("more");
    std::fs::create_dir_all(&more).expect("mkdir");
    std::fs::write(
        more.join("messages-000001.jsonl"),
        format!(
            "{}\n{}\n",
            r#"{"seq":7,"msgid":"m7","action":"send","from":"lisi","tolist":["wmCust2"],"roomid":"","msgtime":1700000006000,"msgtype":"text","text":{"content":"再来一条"}}"#,
            r#"{"seq":8,"msgid":"m8","action":"recall","from":"lisi","tolist":["wmCust2"],"roomid":"","msgtime":1700000007000,"msgtype":"revoke","revoke":{"pre_msgid":"m2"}}"#
        ),
    )
    .expect("write");
    let r3 = ingest_dir(&archive, &more, &Default::default()).expect("ingest more");
    assert_eq!(r3.messages_new, 2);
    let records = admin_feed(&archive);
    let m2 = records
        .iter()
        .find(|r| r["type"] == "message" && r["msgid"] == "m2")
        .expect("m2");
    assert_eq!(m2["revoked_by"], "m8");
    assert_eq!(
        records
            .iter()
            .filter(|r| r["type"] == "message" && r["msgid"] == "m2")
            .count(),
        1,
        "compacted"
    );
}

#[test]
fn a_missing_directory_is_a_user_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (archive, generated) =
        Archive::init(&tmp.path().join("data"), "admin", None, fixture::config()).expect("init");
    assert!(
        generated.is_some_and(|p| p.len() >= 16),
        "a generated password is returned once"
    );
    let err = ingest_dir(&archive, &tmp.path().join("nope"), &Default::default()).expect_err("no dir");
    assert!(err.is_user_error());
    assert!(
        Archive::init(&tmp.path().join("data"), "admin", None, fixture::config()).is_err(),
        "init twice refused"
    );
}
