//! The window's server link: connect, sync again, status, failures.

use dossier_api::ErrorCode;
use dossier_api::connect::{ConnectRequest, Connection, SyncState, profile_id};
use dossier_api::demo::{DemoSpec, REVIEWER};
use dossier_api::profiles::KeySource;
use dossier_demo_server::DEMO_PASSWORD;
use dossier_vault::Queries;

fn spec() -> DemoSpec {
    DemoSpec {
        seed: 12,
        messages: 300,
        employees: 5,
    }
}

#[test]
fn profile_ids_are_one_plain_path_component() {
    assert_eq!(
        profile_id("https://archive.example.com:8443/", "rev"),
        "rev@archive.example.com-8443"
    );
    assert_eq!(
        profile_id("http://127.0.0.1:7171", "a/../b"),
        "a-..-b@127.0.0.1-7171"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_syncs_a_new_profile_then_sync_now_resumes_and_failures_show_in_the_status() {
    let root = tempfile::tempdir().unwrap();
    let server = dossier_demo_server::start(&root.path().join("server"), &spec())
        .await
        .unwrap();
    let profiles = root.path().join("profiles");
    let link = Connection::default();
    let request = |password: &str| ConnectRequest {
        server_url: server.url.clone(),
        user: REVIEWER.into(),
        password: password.into(),
        passphrase: Some("correct horse battery".into()),
    };

    let err = link
        .connect(&profiles, request("wrong"), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SignInRequired, "{err:?}");
    let status = link.status(None).await.unwrap();
    assert_eq!(status.state, SyncState::Error);
    assert!(status.online, "the server answered: the account was refused");
    assert_eq!(status.error.map(|e| e.code), Some(ErrorCode::SignInRequired));

    let progressed = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let p = progressed.clone();
    let session = link
        .connect(&profiles, request(DEMO_PASSWORD), move |s| {
            p.fetch_max(s.messages, std::sync::atomic::Ordering::Relaxed);
        })
        .await
        .unwrap();
    assert!(progressed.load(std::sync::atomic::Ordering::Relaxed) >= 250);
    assert!(session.vault().dir().starts_with(&profiles));
    let status = link.status(Some(&session)).await.unwrap();
    assert_eq!(status.state, SyncState::Idle);
    assert!(
        status.last_sync_at.is_some() && status.lease_expires_at.is_some(),
        "{status:?}"
    );

    // The picker lists it (passphrase: the unlock screen); open, it tells its binding.
    let listed = dossier_api::profiles::list_profiles(&profiles).await.unwrap();
    let id = profile_id(&server.url, REVIEWER);
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id.as_str(), listed[0].key_source),
        (id.as_str(), KeySource::Passphrase)
    );
    let info = dossier_api::profiles::session_info(&session).await.unwrap();
    assert_eq!(info.profile_id, id);
    assert_eq!(info.server.as_deref(), Some(server.url.as_str()));
    assert_eq!(
        (info.user.as_deref(), info.role.as_deref()),
        (Some(REVIEWER), Some("reviewer"))
    );

    // Media comes from the cache or, when not there yet, from the server as it is viewed.
    let sdkfileid: String = session
        .vault()
        .db()
        .read(|r| {
            Ok(r.sql().query_row(
                "SELECT sdkfileid FROM messages WHERE sdkfileid IS NOT NULL AND msgtype = 'image' LIMIT 1",
                [],
                |row| row.get(0),
            )?)
        })
        .unwrap();
    let id = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(sdkfileid.as_bytes()))
    };
    let archived = std::fs::read(server.data.parent().unwrap().join("archive/media").join(&id)).unwrap();
    let shown = link.media(&session, sdkfileid, false).await.unwrap();
    assert_eq!(&shown.bytes[..], &archived[..]);
    let err = link
        .media(&session, "no-such-media".into(), false)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "{err:?}");

    // Nothing new on the server: sync again with the stored session, no password.
    let again = link.sync_now(&session, |_| {}).await.unwrap();
    assert_eq!(again.messages, 0);

    // The server goes away: the failure is `offline`, the cache stays open.
    drop(server);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let err = link.sync_now(&session, |_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline, "{err:?}");
    let status = link.status(Some(&session)).await.unwrap();
    assert_eq!((status.state, status.online), (SyncState::Error, false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_accounts_next_sync_deletes_its_slice_and_says_so() {
    let root = tempfile::tempdir().unwrap();
    let spec = DemoSpec {
        seed: 22,
        messages: 400,
        employees: 5,
    };
    let server = dossier_demo_server::start(&root.path().join("server"), &spec)
        .await
        .unwrap();
    let (link, session) =
        crate::common::connected(&server.url, REVIEWER, &root.path().join("profiles")).await;
    let count = |s: &dossier_api::Session| s.vault().db().read(|r| r.message_count()).unwrap();
    assert!(count(&session) > 100);

    // An administrator disables the account (a second handle on the server's data, as the CLI's
    // `dossier server user disable` would be).
    let data = server.data.clone();
    tokio::task::spawn_blocking(move || {
        dossier_server::Archive::open(&data, dossier_server::Config::default())
            .unwrap()
            .disable_user(REVIEWER)
            .unwrap()
    })
    .await
    .unwrap();

    let err = link.sync_now(&session, |_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::AccountDisabled, "{err:?}");
    assert!(
        err.message.contains("deleted"),
        "the user is told: {}",
        err.message
    );
    assert_eq!(count(&session), 0);
    let found = dossier_api::search::search(
        &session,
        "的".into(),
        dossier_api::search::SearchSort::Newest,
        0,
        10,
    )
    .await
    .unwrap();
    assert_eq!(found.total, 0, "the index is empty too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_prefetch_stops_when_asked_and_stores_nothing_after() {
    let root = tempfile::tempdir().unwrap();
    let server = dossier_demo_server::start(&root.path().join("server"), &spec())
        .await
        .unwrap();
    let (link, session) =
        crate::common::connected(&server.url, REVIEWER, &root.path().join("profiles")).await;
    // The connect started a prefetch; quitting asks it to stop and waits.
    assert!(link.stop_background(std::time::Duration::from_secs(20)));
    let stored = |s: &dossier_api::Session| {
        s.vault()
            .db()
            .read(|r| {
                Ok(r.sql()
                    .query_row("SELECT count(*) FROM media", [], |x| x.get::<_, i64>(0))?)
            })
            .unwrap()
    };
    let at_stop = stored(&session);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(stored(&session), at_stop, "nothing is stored once it has stopped");
    assert!(
        link.stop_background(std::time::Duration::ZERO),
        "nothing runs any more"
    );
}
