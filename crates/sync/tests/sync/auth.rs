//! Bad credentials and disabled accounts: a permanent error with a clear message, nothing in the
//! vault touched.

use dossier_model::Scope;
use dossier_sync::{Client, Error};
use dossier_vault::Queries;

use crate::common::*;

fn snapshot(vault: &dossier_vault::Vault) -> (i64, usize, Option<String>) {
    let h = held(vault);
    let cursor = vault.db().read(|r| r.cursor()).unwrap();
    let lease = vault.db().read(|r| r.setting(dossier_sync::keys::LEASE)).unwrap();
    (cursor, h.messages.len(), lease)
}

#[test]
fn a_wrong_password_is_a_permanent_error() {
    let server = server(200, Scope::All);
    let c = Client::new(&server.url, client_options(), server.rt.handle().clone()).unwrap();
    let err = server
        .rt
        .block_on(c.login("rev", "not the password"))
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err}");
    assert!(err.is_permanent() && err.is_user_error());
    assert!(err.to_string().contains("refused the sign-in"), "{err}");
    // Without a session nothing can be synced, and the vault is untouched.
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    let err = run_sync(&vault, &c, &small_batches()).unwrap_err();
    assert!(matches!(err, Error::NotSignedIn), "{err}");
    assert_eq!(snapshot(&vault), (0, 0, None));
}

#[test]
fn a_disabled_user_is_told_and_the_wipe_deletes_the_slice() {
    let server = server(1_000, Scope::All);
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    let client = client(&server.rt, &server.url, "rev");
    run_sync(&vault, &client, &small_batches()).unwrap();
    let before = snapshot(&vault);
    assert!(before.1 > 0);

    server.archive.disable_user("rev").unwrap();
    let started = std::time::Instant::now();
    let err = run_sync(&vault, &client, &small_batches()).unwrap_err();
    // The session's holder is told the account is disabled (not a generic 401 that a typo or an
    // expired session also gives), so the caller may delete the slice.
    assert!(matches!(err, Error::AccountDisabled), "{err}");
    assert!(err.is_permanent());
    // Permanent: no retry loop.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(snapshot(&vault), before);
    assert_converged_rows_only(&vault);

    // Signing in with the password is the generic refusal.
    let c = Client::new(&server.url, client_options(), server.rt.handle().clone()).unwrap();
    let err = server.rt.block_on(c.login("rev", PASSWORD)).unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err}");

    // The wipe deletes rows, index documents and media blobs; the profile still opens, empty.
    let index = dossier_search::SearchIndex::open(&vault).unwrap();
    assert!(index.num_docs() > 0);
    vault.store_media("wipe-test", b"evidence").unwrap();
    // Blob files, in their two-character shard directories.
    let blobs = || -> usize {
        std::fs::read_dir(vault.dir().join("media"))
            .map(|shards| {
                shards
                    .flatten()
                    .filter_map(|s| std::fs::read_dir(s.path()).ok())
                    .map(|files| files.count())
                    .sum()
            })
            .unwrap_or(0)
    };
    assert!(blobs() > 0);
    let deleted = dossier_sync::wipe(&vault, &index).unwrap();
    assert_eq!(deleted as usize, before.1);
    assert_eq!(snapshot(&vault), (0, 0, None));
    index.reload().unwrap();
    assert_eq!(index.num_docs(), 0);
    assert_eq!(blobs(), 0, "no media blob is left");
    assert!(
        dossier_sync::session::account(&vault).unwrap().is_none(),
        "the sign-in is forgotten"
    );
    let tables: i64 = vault
        .db()
        .read(|r| {
            Ok(r.sql().query_row(
                "SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM employees)
                      + (SELECT count(*) FROM hits) + (SELECT count(*) FROM events)",
                [],
                |x| x.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(tables, 0);
}

fn assert_converged_rows_only(vault: &dossier_vault::Vault) {
    let h = held(vault);
    assert_index_agrees(vault, &h);
}

#[test]
fn a_profile_refuses_another_account() {
    let server = server(200, Scope::All);
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    run_sync(&vault, &client(&server.rt, &server.url, "rev"), &small_batches()).unwrap();
    let before = snapshot(&vault);
    let err = run_sync(&vault, &client(&server.rt, &server.url, "aud"), &small_batches()).unwrap_err();
    assert!(matches!(err, Error::OtherAccount { .. }), "{err}");
    assert_eq!(snapshot(&vault), before);
}

#[test]
fn stored_tokens_resume_the_session_and_refresh_when_the_access_token_is_stale() {
    let server = server(300, Scope::All);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    {
        let vault = new_vault(&dir);
        run_sync(&vault, &client(&server.rt, &server.url, "rev"), &small_batches()).unwrap();
    }
    let vault = open_vault(&dir);
    let c = Client::new(&server.url, client_options(), server.rt.handle().clone()).unwrap();
    assert!(dossier_sync::session::restore(&vault, &c).unwrap());
    // Make the stored access token look expired: the client refreshes before using it.
    let (mut tokens, _) = c.tokens().unwrap();
    tokens.access_expires_at = 0;
    c.resume(tokens.clone(), c.account().unwrap());
    run_sync(&vault, &c, &small_batches()).unwrap();
    let (now, _) = c.tokens().unwrap();
    assert_ne!(now.refresh_token, tokens.refresh_token, "refreshed");
    // The new tokens were stored; the old refresh token is spent.
    let c2 = Client::new(&server.url, client_options(), server.rt.handle().clone()).unwrap();
    assert!(dossier_sync::session::restore(&vault, &c2).unwrap());
    assert_eq!(c2.tokens().unwrap().0, now);
    server.rt.block_on(c2.logout()).unwrap();
    let err = server.rt.block_on(c.me()).unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err}");
}
