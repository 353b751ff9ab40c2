//! Media bytes by SDK file id, for the shell's media protocol (never by path, never as JSON).

use dossier_vault::Queries;

use crate::{ApiError, Result, Session};

/// Decrypted media, held only in memory and wiped when dropped.
pub struct MediaBytes {
    /// MIME type when known (`application/octet-stream` otherwise).
    pub mime: String,
    /// The bytes.
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for MediaBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MediaBytes({}, {} bytes)", self.mime, self.bytes.len())
    }
}

/// The media of the open profile with this SDK file id, or its thumbnail when asked and
/// one exists (a JPEG; falling back to the media itself). `not_found` when the cache does not hold it.
#[tracing::instrument(skip(session), err)]
pub async fn media(session: &Session, sdkfileid: String, thumbnail: bool) -> Result<MediaBytes> {
    session
        .blocking(move |s| {
            let vault = s.vault();
            let row = vault
                .db()
                .read(|r| r.media(&sdkfileid))?
                .ok_or_else(|| ApiError::not_found("this media is not in the cache"))?;
            if thumbnail
                && row.thumb.is_some()
                && let Some(bytes) = vault.load_thumbnail(&sdkfileid)?
            {
                return Ok(MediaBytes {
                    mime: "image/jpeg".into(),
                    bytes,
                });
            }
            Ok(MediaBytes {
                mime: row.mime.unwrap_or_else(|| "application/octet-stream".into()),
                bytes: vault.load_media(&sdkfileid)?,
            })
        })
        .await
}

/// Whether the cache holds this media (the UI shows a placeholder otherwise).
pub async fn media_stored(session: &Session, sdkfileid: String) -> Result<bool> {
    session
        .blocking(move |s| Ok(s.vault().db().read(|r| r.media(&sdkfileid))?.is_some()))
        .await
}
