//! Evidence leaving the vault at the reviewer's request: a copy of a media file saved where they
//! chose (after the UI's confirmation and the system save dialog). Every copy is an audit record,
//! uploaded with the next sync.

use std::path::PathBuf;

use dossier_model::AuditAction;
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
            // The server's id of the media (SHA-256 of the SDK file id), not its file name:
            // names can be content.
            crate::review::audit::record(
                vault,
                AuditAction::Export {
                    what: format!("media {}", hex::encode(Sha256::digest(sdkfileid.as_bytes()))),
                },
            )?;
            Ok(bytes.len() as u64)
        })
        .await
}

/// A file name from an archive (a message's file name is content a sender chose) made safe to
/// create in a directory: no separators, no control characters, no `..`, not empty, at most 120
/// characters (extension kept).
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return "dossier-media".to_owned();
    }
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.chars().count() <= 10 => (s, Some(e)),
        _ => (cleaned, None),
    };
    let stem: String = stem.chars().take(110).collect();
    match ext {
        Some(e) => format!("{stem}.{e}"),
        None => stem,
    }
}

/// `dir/name`, or `dir/stem (2).ext`, … for the first that does not exist yet.
pub fn unused_path(dir: &std::path::Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .expect("an unbounded range finds a free name")
}

/// Links a reviewer may open in the system browser (after the UI's confirmation): web and mail
/// addresses only, never `file:` or custom schemes a message could carry.
pub fn checked_link(url: &str) -> Result<&str> {
    let url = url.trim();
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https") if url.contains("://") => Ok(url),
        Some("mailto") => Ok(url),
        _ => Err(ApiError::bad_input(
            "only web (http, https) and mail links open outside Dossier",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_file_names_cannot_leave_the_chosen_directory() {
        assert_eq!(safe_file_name("合同.docx"), "合同.docx");
        assert_eq!(
            safe_file_name("../../.ssh/authorized_keys"),
            "_.._.ssh_authorized_keys"
        );
        assert_eq!(safe_file_name("..\\boot.ini"), "_boot.ini");
        assert_eq!(safe_file_name("a\u{0}b\nc.pdf"), "a_b_c.pdf");
        assert_eq!(safe_file_name("  .. "), "dossier-media");
        assert_eq!(safe_file_name(""), "dossier-media");
        let long = format!("{}.pdf", "长".repeat(300));
        let safe = safe_file_name(&long);
        assert!(safe.ends_with(".pdf") && safe.chars().count() == 114, "{safe}");
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(unused_path(dir.path(), "a.txt"), dir.path().join("a.txt"));
        std::fs::write(dir.path().join("a.txt"), "1").unwrap();
        std::fs::write(dir.path().join("a (2).txt"), "2").unwrap();
        assert_eq!(unused_path(dir.path(), "a.txt"), dir.path().join("a (3).txt"));
        std::fs::write(dir.path().join("README"), "").unwrap();
        assert_eq!(unused_path(dir.path(), "README"), dir.path().join("README (2)"));
    }

    #[test]
    fn only_web_and_mail_links_open() {
        assert!(checked_link("https://example.com/x?y=1").is_ok());
        assert!(checked_link(" HTTP://example.com ").is_ok());
        assert!(checked_link("mailto:a@example.com").is_ok());
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "smb://host/share",
            "weixin://x",
            "example.com",
            "",
        ] {
            assert!(checked_link(bad).is_err(), "{bad}");
        }
    }
}
