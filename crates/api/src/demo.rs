//! The demo: an embedded archive server on loopback with a generated archive
//! ([`dossier_demo_server`]), and a fresh profile synced from it, so the app shows a full archive on a
//! machine with no server (the README's first command, `dossier-app --demo`).
//!
//! Each start syncs a new profile: the server's port is new on every run and a profile is bound to
//! one server; annotations made in the demo live on the demo server and come back with the sync.

use std::path::{Path, PathBuf};

use dossier_demo_server::{DEMO_PASSWORD, DemoServer, Spec};
use dossier_vault::{Passphrase, Profile};

use crate::error::{ApiError, Result};
use crate::session::{ProfileArgs, Session};
use crate::sync::{SyncProgress, SyncRequest, SyncSummary, sync_profile};

pub use dossier_demo_server::{AUDITOR, REVIEWER, Spec as DemoSpec};

/// A running demo: the server (stops when dropped or shut down) and the synced session.
#[derive(Debug)]
pub struct Demo {
    /// The open demo profile.
    pub session: Session,
    /// What the first sync did.
    pub summary: SyncSummary,
    /// How to sync again (the stored session, no password).
    pub sync: SyncRequest,
    /// The embedded server.
    pub server: DemoServer,
}

/// Starts the demo under `root` (server data is built there once; the profile is made afresh) and
/// signs in as `user` ([`REVIEWER`] or [`AUDITOR`]).
#[tracing::instrument(skip_all, err, fields(root = %root.display(), user))]
pub async fn open_demo(
    root: &Path,
    spec: &Spec,
    user: &str,
    progress: impl Fn(&SyncProgress) + Send + Sync + 'static,
) -> Result<Demo> {
    if user != REVIEWER && user != AUDITOR {
        return Err(ApiError::bad_input(format!(
            "the demo has the accounts {REVIEWER} and {AUDITOR}, not {user}"
        )));
    }
    let server = dossier_demo_server::start(&root.join("server"), spec)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let profile = root.join(format!("profile-{user}"));
    let dir = profile.clone();
    tokio::task::spawn_blocking(move || remove_profile(&dir)).await??;
    let request = SyncRequest {
        server: server.url.clone(),
        user: user.to_owned(),
        password: Some(DEMO_PASSWORD.to_owned()),
    };
    let (session, summary) = sync_profile(demo_profile(profile)?, request.clone(), progress).await?;
    Ok(Demo {
        session,
        summary,
        sync: SyncRequest {
            password: None,
            ..request
        },
        server,
    })
}

/// The demo profile's protection: the OS credential store where one answers, else a passphrase
/// that is no secret (the data is synthetic; the point is to run on machines without a store).
fn demo_profile(dir: PathBuf) -> Result<ProfileArgs> {
    let passphrase = match dossier_vault::os_keyring_available() {
        Ok(()) => None,
        Err(e) => {
            tracing::info!(reason = %e, "no OS credential store; the demo profile uses the demo passphrase");
            Some(Passphrase::new(DEMO_PASSWORD)?)
        }
    };
    Ok(ProfileArgs { dir, passphrase })
}

/// Deletes the previous run's demo profile (and its key in the credential store).
fn remove_profile(dir: &Path) -> Result<()> {
    if Profile::exists(dir) {
        Profile::open(dir)?.delete()?;
    } else if dir.exists() {
        // A profile whose creation was interrupted before its profile file was written.
        std::fs::remove_dir_all(dir)
            .map_err(|e| ApiError::internal(format!("removing {}: {e}", dir.display())))?;
    }
    Ok(())
}
