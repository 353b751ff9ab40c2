//! Saving a copy of media: the exact bytes, where asked, and an audit record of it.

use dossier_api::ErrorCode;
use dossier_api::export::save_media_copy;
use dossier_model::AuditAction;
use dossier_vault::Queries;

use crate::common::{rows, session};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_copy_holds_the_cached_bytes_and_is_audited() {
    let session = session();
    // Bytes no message refers to, so the shared profile's other tests see no change.
    let sdkfileid = "export-test/sdkfileid".to_owned();
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect();
    session.vault().store_media(&sdkfileid, &bytes).unwrap();
    assert_eq!(
        rows(
            "SELECT count(*) FROM media WHERE sdkfileid = 'export-test/sdkfileid'",
            |r| r.get::<_, i64>(0)
        ),
        [1]
    );
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("copy.bin");

    let written = save_media_copy(&session, sdkfileid.clone(), dest.clone())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), bytes);
    assert_eq!(written, bytes.len() as u64);

    let audit = session.vault().db().read(|r| r.audit_queue(10_000)).unwrap();
    let id = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(sdkfileid.as_bytes()))
    };
    assert!(
        audit.iter().any(|(_, a)| a.action
            == AuditAction::Export {
                what: format!("media {id}")
            }),
        "the export is queued for upload: {audit:?}"
    );

    let missing = out.path().join("missing.bin");
    let err = save_media_copy(&session, "no-such-file".into(), missing.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(
        !missing.exists(),
        "nothing is written for media the cache does not hold"
    );
}
