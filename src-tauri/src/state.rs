//! What the shell keeps between commands: the open profile's session and where profiles live.

use std::path::PathBuf;
use std::sync::Mutex;

use dossier_api::{ApiError, ErrorCode, Session};

/// The app's state, managed by Tauri.
pub struct AppState {
    session: Mutex<Option<Session>>,
    /// Directory holding one sub-directory per profile.
    pub profiles_root: PathBuf,
}

impl AppState {
    /// No profile open yet.
    pub fn new(profiles_root: PathBuf) -> Self {
        AppState {
            session: Mutex::new(None),
            profiles_root,
        }
    }

    /// The open session, or `not_found` when the profile is locked (the UI shows the unlock screen).
    pub fn session(&self) -> Result<Session, ApiError> {
        self.session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no profile is open"))
    }

    /// Replaces the open session (`None` locks the profile once running calls finish).
    pub fn set_session(&self, session: Option<Session>) {
        *self.session.lock().unwrap_or_else(|e| e.into_inner()) = session;
    }

    /// The directory of profile `id` under the profiles root ([`dossier_api::profiles::profile_dir`]).
    pub fn profile_dir(&self, id: &str) -> Result<PathBuf, ApiError> {
        dossier_api::profiles::profile_dir(&self.profiles_root, id)
    }
}
