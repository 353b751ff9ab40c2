//! The demo: an embedded server on loopback and a fresh profile synced from it hold exactly the
//! generated archive.

use std::collections::BTreeSet;

use dossier_api::ErrorCode;
use dossier_api::demo::{AUDITOR, DemoSpec, REVIEWER, open_demo};
use dossier_vault::Queries;

fn spec() -> DemoSpec {
    DemoSpec {
        seed: 11,
        messages: 500,
        employees: 6,
    }
}

fn archive_msgids(root: &std::path::Path, spec: &DemoSpec) -> BTreeSet<String> {
    let dir = root
        .join("server")
        .join(format!(
            "seed{}-m{}-e{}",
            spec.seed, spec.messages, spec.employees
        ))
        .join("archive");
    let mut ids = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.starts_with("messages") && name.ends_with(".jsonl") {
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                ids.insert(v["msgid"].as_str().unwrap().to_owned());
            }
        }
    }
    ids
}

fn vault_msgids(session: &dossier_api::Session) -> BTreeSet<String> {
    session
        .vault()
        .db()
        .read(|r| {
            let mut stmt = r.sql().prepare("SELECT msgid FROM messages")?;
            let ids = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<BTreeSet<_>, _>>()?;
            Ok(ids)
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_syncs_the_whole_generated_archive_into_a_fresh_profile_each_start() {
    let root = tempfile::tempdir().unwrap();
    let spec = spec();
    let phases = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = phases.clone();
    let demo = open_demo(root.path(), &spec, REVIEWER, move |p| {
        seen.lock().unwrap().push(p.phase.clone())
    })
    .await
    .unwrap();
    assert!(
        demo.server.url.starts_with("http://127.0.0.1:"),
        "{}",
        demo.server.url
    );
    assert!(demo.summary.created);
    let expected = archive_msgids(root.path(), &spec);
    assert!(expected.len() >= 450, "{}", expected.len());
    assert_eq!(
        vault_msgids(&demo.session),
        expected,
        "the reviewer sees the whole archive"
    );
    assert_eq!(phases.lock().unwrap().last().map(String::as_str), Some("done"));
    assert!(
        demo.sync.password.is_none(),
        "a later sync resumes the stored session"
    );
    let cursor = demo.session.vault().db().read(|r| r.cursor()).unwrap();
    assert!(cursor > 0);
    drop(demo);

    // Started again: the server build is reused, the profile is new and holds the same slice.
    let again = open_demo(root.path(), &spec, REVIEWER, |_| {}).await.unwrap();
    assert!(again.summary.created, "each start makes a fresh profile");
    assert_eq!(vault_msgids(&again.session), expected);
    drop(again);

    let auditor = open_demo(root.path(), &spec, AUDITOR, |_| {}).await.unwrap();
    assert_eq!(vault_msgids(&auditor.session), expected);
    drop(auditor);

    let err = open_demo(root.path(), &spec, "mallory", |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadInput);
}
