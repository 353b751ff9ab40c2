//! Grant changes: a shrink purges rows, hits, annotations, index documents and media; a widening
//! backfills; the lease closes the slice until a sync succeeds.

use dossier_model::{Scope, UserId};
use dossier_sync::{Error, check_lease, check_lease_at};
use dossier_vault::Queries;

use crate::common::*;

fn employees_with_messages(server: &Server) -> Vec<String> {
    let org = org(&server.archive_dir);
    org.employees.iter().map(|e| e.userid.0.clone()).collect()
}

#[test]
fn shrinking_purges_and_widening_backfills() {
    let server = server(2_000, Scope::All);
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    let client = client(&server.rt, &server.url, "rev");
    run_sync(&vault, &client, &small_batches()).unwrap();
    let full = held(&vault);

    // Media of a message that the shrink will purge, stored in the vault.
    let everyone = employees_with_messages(&server);
    let keep: Vec<String> = everyone.iter().take(2).cloned().collect();
    let doomed_media: Option<String> = vault
        .db()
        .read(|r| {
            let mut stmt = r
                .sql()
                .prepare("SELECT sdkfileid, sender, tolist FROM messages WHERE sdkfileid IS NOT NULL")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            // A file only messages outside the kept scope refer to (a file can be sent twice).
            let (mut kept, mut dropped) = (std::collections::BTreeSet::new(), Vec::new());
            for row in rows {
                let (id, from, to) = row?;
                if keep
                    .iter()
                    .any(|k| *k == from || to.contains(&format!("\"{k}\"")))
                {
                    kept.insert(id);
                } else {
                    dropped.push(id);
                }
            }
            if let Some(id) = dropped.into_iter().find(|id| !kept.contains(id)) {
                return Ok(Some(id));
            }
            Ok(None)
        })
        .unwrap();
    let doomed_media = doomed_media.expect("a media message outside the shrunk scope");
    vault.store_media(&doomed_media, b"not really an image").unwrap();

    server
        .archive
        .set_grant(
            "rev",
            grant(Scope::Employees(keep.iter().map(|k| UserId(k.clone())).collect())),
        )
        .unwrap();
    let report = run_sync(&vault, &client, &small_batches()).unwrap();
    assert!(report.purged > 0, "{report:?}");
    let shrunk = held(&vault);
    assert!(shrunk.messages.len() < full.messages.len());
    assert_converged(&server, &vault, "rev");
    // Everything left involves a kept employee; the media went with its message.
    vault
        .db()
        .read(|r| {
            let mut stmt = r.sql().prepare("SELECT sender, tolist FROM messages")?;
            for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
                let (from, to) = row?;
                assert!(
                    keep.iter()
                        .any(|k| *k == from || to.contains(&format!("\"{k}\"")))
                );
            }
            assert!(r.media(&doomed_media)?.is_none(), "media row purged");
            let n: i64 = r.sql().query_row(
                "SELECT count(*) FROM employees WHERE userid NOT IN (?1, ?2)",
                [&keep[0], &keep[1]],
                |r| r.get(0),
            )?;
            assert_eq!(n, 0, "employees outside the scope purged");
            Ok(())
        })
        .unwrap();
    let blob = vault.media().blob_id(&doomed_media);
    assert!(!vault.media().contains(&blob), "media blob deleted");

    // Widen again: the backfill brings everything back.
    server.archive.set_grant("rev", grant(Scope::All)).unwrap();
    run_sync(&vault, &client, &small_batches()).unwrap();
    let back = held(&vault);
    assert_eq!(back.messages, full.messages);
    assert_converged(&server, &vault, "rev");
}

/// A fresh client reads a shrink and a widening after the messages (the server sends what the
/// current grant permits): the shrink purges messages of the same response, whose evidence was
/// compressed together ahead of the write and must go with them; the widening brings them back.
#[test]
fn a_fresh_sync_through_a_shrink_keeps_evidence_only_of_live_rows() {
    let server = server(2_000, Scope::All);
    let keep: Vec<UserId> = employees_with_messages(&server)
        .into_iter()
        .take(2)
        .map(UserId)
        .collect();
    server
        .archive
        .set_grant("rev", grant(Scope::Employees(keep)))
        .unwrap();
    server.archive.set_grant("rev", grant(Scope::All)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    let client = client(&server.rt, &server.url, "rev");
    let report = run_sync(&vault, &client, &small_batches()).unwrap();
    assert!(
        report.purged > 0,
        "the shrink purged what came before it: {report:?}"
    );
    // `held` (in `assert_converged`) checks that every kept record belongs to a live row, once.
    assert_converged(&server, &vault, "rev");
}

#[test]
fn past_the_lease_the_slice_stays_closed_until_a_sync_succeeds() {
    let server = server(200, Scope::All);
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    check_lease(&vault).unwrap(); // never synced: nothing to protect
    let client = client(&server.rt, &server.url, "rev");
    run_sync(&vault, &client, &small_batches()).unwrap();
    let lease = dossier_sync::lease_expires_at(&vault).unwrap().unwrap();
    let now = dossier_vault::now_ms();
    assert!(
        lease > now + 3_000_000 && lease <= now + 3_600_000,
        "an hour's lease"
    );
    check_lease(&vault).unwrap();
    let err = check_lease_at(&vault, lease + 1).unwrap_err();
    assert!(matches!(err, Error::LeaseExpired { .. }), "{err}");

    // A lease that ran out: the next successful sync renews it.
    vault
        .db()
        .write(|tx| tx.set_setting(dossier_sync::keys::LEASE, &(now - 1).to_string()))
        .unwrap();
    assert!(check_lease(&vault).is_err());
    run_sync(&vault, &client, &small_batches()).unwrap();
    check_lease(&vault).unwrap();
}
