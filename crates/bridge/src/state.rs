//! What the bridge keeps between requests, as the shell does: the open session, the profiles
//! root and the server link.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use dossier_api::connect::Connection;
use dossier_api::demo::DemoSpec;
use dossier_api::profiles::{self, SessionInfo};
use dossier_api::{ApiError, ErrorCode, Session};

/// The bridge's state. Cheap to clone.
#[derive(Clone)]
pub struct Bridge {
    inner: Arc<Inner>,
}

struct Inner {
    session: Mutex<Option<Session>>,
    profiles_root: PathBuf,
    demo_root: PathBuf,
    demo_spec: DemoSpec,
    downloads: PathBuf,
    link: Connection,
}

impl Bridge {
    /// No profile open yet.
    pub fn new(profiles_root: PathBuf, demo_root: PathBuf, demo_spec: DemoSpec, downloads: PathBuf) -> Self {
        Bridge {
            inner: Arc::new(Inner {
                session: Mutex::new(None),
                profiles_root,
                demo_root,
                demo_spec,
                downloads,
                link: Connection::default(),
            }),
        }
    }

    /// The open session, or `not_found` when none is (the UI shows its first-run screen).
    pub fn session(&self) -> Result<Session, ApiError> {
        self.inner
            .session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no profile is open"))
    }

    /// Replaces the open session.
    pub fn set_session(&self, session: Option<Session>) {
        *self.inner.session.lock().unwrap_or_else(|e| e.into_inner()) = session;
    }

    /// The server link.
    pub fn link(&self) -> &Connection {
        &self.inner.link
    }

    /// Where profiles live.
    pub fn profiles_root(&self) -> &std::path::Path {
        &self.inner.profiles_root
    }

    /// Where `save_media_copy` writes.
    pub fn downloads(&self) -> &std::path::Path {
        &self.inner.downloads
    }

    /// Makes `session` the open one and says what it is bound to.
    pub async fn opened(&self, session: Session) -> Result<SessionInfo, ApiError> {
        let info = profiles::session_info(&session).await?;
        self.set_session(Some(session));
        Ok(info)
    }

    /// Opens the demo as `user` (replacing the open profile).
    pub async fn open_demo(&self, user: &str) -> Result<SessionInfo, ApiError> {
        self.set_session(None);
        let session = self
            .inner
            .link
            .open_demo(&self.inner.demo_root, &self.inner.demo_spec, user, |_| {})
            .await?;
        self.opened(session).await
    }

    /// The directory of profile `id` under the profiles root ([`dossier_api::profiles::profile_dir`]).
    pub fn profile_dir(&self, id: &str) -> Result<PathBuf, ApiError> {
        dossier_api::profiles::profile_dir(&self.inner.profiles_root, id)
    }
}
