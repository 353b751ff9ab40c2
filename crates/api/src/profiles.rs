//! The profiles on this machine (the picker) and what the open one is bound to.
//!
//! A locked profile shows only what is readable without its key: its directory name (for a server
//! account `user@host-port`, see [`crate::connect::profile_id`]) and how it is unlocked. The server,
//! account and role live in the encrypted database and are known once it is open.

use std::path::Path;

use dossier_vault::{KeyMode, Profile};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{ApiError, Result};
use crate::session::Session;

/// How a profile is unlocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// By the OS credential store, without asking.
    OsKeyring,
    /// By a passphrase: the picker shows the unlock screen.
    Passphrase,
}

/// A profile in the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ProfileEntry {
    /// Its id: the directory name under the profiles root.
    pub id: String,
    /// How it is unlocked.
    pub key_source: KeySource,
}

/// The open profile's binding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SessionInfo {
    /// The profile's id (directory name).
    pub profile_id: String,
    /// The server it syncs from (none before its first sync).
    pub server: Option<String>,
    /// The account it syncs as.
    pub user: Option<String>,
    /// The account's role on the server (`admin`, `reviewer`, `auditor`); auditors read only.
    pub role: Option<String>,
}

/// The profiles under `root`, by id. Directories that are not profiles are skipped.
pub async fn list_profiles(root: &Path) -> Result<Vec<ProfileEntry>> {
    let root = root.to_owned();
    tokio::task::spawn_blocking(move || {
        let entries = match std::fs::read_dir(&root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(ApiError::internal(format!("reading {}: {e}", root.display()))),
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let dir = entry.path();
            let Some(id) = dir.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
                continue;
            };
            if !Profile::exists(&dir) {
                continue;
            }
            let key_source = match Profile::open(&dir)?.key_mode()? {
                KeyMode::OsKeyring => KeySource::OsKeyring,
                KeyMode::Passphrase => KeySource::Passphrase,
            };
            out.push(ProfileEntry { id, key_source });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    })
    .await?
}

/// What the open profile is bound to.
pub async fn session_info(session: &Session) -> Result<SessionInfo> {
    session
        .blocking(|s| {
            let vault = s.vault();
            let binding = dossier_sync::session::binding(vault)?;
            let account = dossier_sync::session::account(vault)?;
            let profile_id = vault
                .dir()
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            Ok(SessionInfo {
                profile_id,
                server: binding.map(|(server, _)| server),
                user: account.as_ref().map(|a| a.name.clone()),
                role: account.map(|a| a.role),
            })
        })
        .await
}

/// The directory of profile `id` under `root`: `id` must be one plain path component (it comes
/// from the window), so no id reaches outside the profiles root.
pub fn profile_dir(root: &Path, id: &str) -> Result<std::path::PathBuf> {
    let plain = !id.is_empty()
        && id != "."
        && id != ".."
        && !id.contains(['/', '\\', ':'])
        && !id.chars().any(char::is_control);
    if !plain {
        return Err(ApiError::bad_input(format!("not a profile id: {id:?}")));
    }
    Ok(root.join(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_id_cannot_name_a_directory_outside_the_root() {
        let root = Path::new("/profiles");
        assert_eq!(
            profile_dir(root, "rev@host-7171").unwrap(),
            root.join("rev@host-7171")
        );
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", "C:x", "a\nb"] {
            assert!(profile_dir(root, bad).is_err(), "{bad:?}");
        }
    }
}
