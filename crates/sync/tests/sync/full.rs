//! A full sync brings exactly the server's slice; a second sync changes nothing; progress
//! reports what happened.

use std::sync::Mutex;

use dossier_model::Scope;
use dossier_search::SearchIndex;
use dossier_sync::{Phase, Progress, check_lease};
use dossier_vault::Queries;

use crate::common::*;

#[test]
fn full_sync_equals_the_servers_slice_and_a_second_sync_changes_nothing() {
    let server = server(3_000, Scope::All);
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    let client = client(&server.rt, &server.url, "rev");
    let index = SearchIndex::open(&vault).unwrap();
    let seen = Mutex::new(Vec::<Progress>::new());
    let report = dossier_sync::sync(&vault, &index, &client, &small_batches(), &|p: &Progress| {
        seen.lock().unwrap().push(p.clone())
    })
    .unwrap();
    drop(index);
    // The rounds were checkpointed beside the writer and the WAL emptied at the end (what is left
    // is the last-sync stamp written after it).
    let wal = vault
        .db()
        .path()
        .with_file_name(format!("{}-wal", dossier_vault::DB_FILE));
    let wal_bytes = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert!(wal_bytes < 256 << 10, "WAL holds {wal_bytes} bytes after sync");
    assert!(report.batches > 10, "small batches: {report:?}");
    assert!(report.messages >= 2_900, "{report:?}");
    assert_converged(&server, &vault, "rev");

    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first().unwrap().phase, Phase::Recovering);
    assert_eq!(seen.last().unwrap().phase, Phase::Done);
    let last = seen.last().unwrap();
    assert_eq!(last.messages, report.messages);
    assert_eq!(last.cursor, report.cursor);
    assert!(last.bytes > 0 && last.rate > 0.0);
    assert!((last.fraction() - 1.0).abs() < 1e-9);
    // Counts only grow.
    assert!(
        seen.windows(2)
            .all(|w| w[1].messages >= w[0].messages && w[1].cursor >= w[0].cursor)
    );
    check_lease(&vault).unwrap();

    // Again: nothing new, nothing duplicated.
    let again = run_sync(&vault, &client, &small_batches()).unwrap();
    assert_eq!(again.messages, 0, "{again:?}");
    assert_converged(&server, &vault, "rev");
}

#[test]
fn a_scoped_reviewer_gets_exactly_their_slice() {
    let probe = tempfile::tempdir().unwrap();
    let opts = dossier_demo::Options {
        seed: 7,
        employees: 12,
        messages: 10,
        ..dossier_demo::Options::default()
    };
    dossier_demo::generate(&opts, probe.path()).unwrap();
    let org = org(probe.path());
    let dept = org.departments.iter().find(|d| d.parentid != 0).unwrap().id;
    let server = server(2_000, Scope::Departments(vec![dept]));
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    let client = client(&server.rt, &server.url, "rev");
    run_sync(&vault, &client, &small_batches()).unwrap();
    let all = server_slice(&server, "aud");
    let held = held(&vault);
    assert!(!held.messages.is_empty() && held.messages.len() < all.messages.len());
    assert_converged(&server, &vault, "rev");
    let stored = vault.db().read(|r| r.grants()).unwrap();
    assert_eq!(stored.len(), 1);
}
