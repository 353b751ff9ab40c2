//! Past its offline lease a slice does not open for reading; a sync opens it again.

use dossier_api::{ErrorCode, ProfileArgs, Session};
use dossier_vault::Passphrase;

fn args(dir: &std::path::Path) -> ProfileArgs {
    ProfileArgs {
        dir: dir.to_owned(),
        passphrase: Some(Passphrase::new("lease test").unwrap()),
    }
}

fn set_lease(dir: &std::path::Path, at: i64) {
    let vault = dossier_vault::Profile::open(dir)
        .unwrap()
        .unlock(args(dir).key_source())
        .unwrap();
    vault
        .db()
        .write(|tx| tx.set_setting(dossier_sync::keys::LEASE, &at.to_string()))
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_lease_keeps_the_slice_closed() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("profile");
    let (vault, _) = dossier_api::fixture::demo_profile(&dir, "lease test", 5, 200).unwrap();
    drop(vault);

    set_lease(&dir, dossier_vault::now_ms() + 60_000);
    let session = Session::open(args(&dir)).await.unwrap();
    drop(session);

    set_lease(&dir, dossier_vault::now_ms() - 1);
    let err = Session::open(args(&dir)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::LeaseExpired, "{err:?}");
}
