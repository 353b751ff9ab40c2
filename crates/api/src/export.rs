//! Evidence leaving the vault at the reviewer's request: a copy of a media file saved where they
//! chose (after the UI's confirmation and the system save dialog). Every copy is an audit record,
//! uploaded with the next sync.

use std::path::PathBuf;

use dossier_model::{AuditAction, AuditRecord};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Result};
use crate::session::Session;

/// Writes the cached media `sdkfileid` to `dest` and records the export. Returns the bytes written.
/// `not_found` when the cache does not hold the media (nothing is written then).
#[tracing::instrument(skip(session, dest), err)]
pub async fn save_media_copy(session: &Session, sdkfileid: String, dest: PathBuf) -> Result<u64> {
    session
        .blocking(move |s| {
            let vault = s.vault();
            let bytes = vault.load_media(&sdkfileid)?;
            std::fs::write(&dest, &bytes[..])
                .map_err(|e| ApiError::bad_input(format!("could not write {}: {e}", dest.display())))?;
            let actor = dossier_sync::session::account(vault)?.map_or_else(|| "local".to_owned(), |a| a.name);
            let record = AuditRecord {
                at: dossier_vault::now_ms(),
                actor,
                // The server's id of the media (SHA-256 of the SDK file id), not its file name:
                // names can be content.
                action: AuditAction::Export {
                    what: format!("media {}", hex::encode(Sha256::digest(sdkfileid.as_bytes()))),
                },
            };
            vault.db().write(|tx| tx.push_audit(&record))?;
            Ok(bytes.len() as u64)
        })
        .await
}
