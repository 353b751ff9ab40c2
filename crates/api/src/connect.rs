//! The app's link to its archive server: connect (sign in and sync a new or existing profile), the
//! demo, "sync now", and the sync status the UI's strip shows. One [`Connection`] per window; the
//! shell and the test bridge hold it, the work is in [`crate::sync`] and [`crate::demo`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::browse::{MediaBytes, media, media_stored};
use crate::demo::DemoSpec;
use crate::error::{ApiError, ErrorCode, Result};
use crate::session::{ProfileArgs, Session};
use crate::status;
use crate::sync::{
    SyncProgress, SyncRequest, SyncSummary, fetch_media, prefetch_media, sync_profile, sync_session,
};

/// Media prefetched in the background after each successful sync; the rest is fetched when viewed.
pub const PREFETCH_BUDGET: u64 = 512 << 20;

/// What the first-run screen sends to sign in to a server.
#[derive(Clone, Deserialize, TS)]
pub struct ConnectRequest {
    /// Server URL, `https://host:port` (`http://` only on this machine).
    pub server_url: String,
    /// Account name.
    pub user: String,
    /// Password (never logged, never stored; the session tokens are kept in the profile).
    pub password: String,
    /// Protect the new profile with this passphrase instead of the OS credential store.
    pub passphrase: Option<String>,
}

// Hand-written so the password and passphrase can never reach a log through `{:?}`.
impl std::fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("server_url", &self.server_url)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// Whether a sync is running.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// No sync running; the last one (if any) succeeded.
    #[default]
    Idle,
    /// A sync is running; `progress` says how far.
    Syncing,
    /// The last sync failed; `error` says why.
    Error,
}

/// The sync strip: running or not, progress, freshness and lease, the last failure.
#[derive(Clone, Debug, Default, PartialEq, Serialize, TS)]
pub struct SyncStatus {
    /// Running, idle or failed.
    pub state: SyncState,
    /// The server answered the last attempt (false: working offline from the cache).
    pub online: bool,
    /// Progress of the running sync.
    pub progress: Option<SyncProgress>,
    /// When the last sync finished, ms since the epoch.
    #[ts(type = "number | null")]
    pub last_sync_at: Option<i64>,
    /// When the offline lease runs out, ms since the epoch.
    #[ts(type = "number | null")]
    pub lease_expires_at: Option<i64>,
    /// Why the last sync failed.
    pub error: Option<ApiError>,
}

#[derive(Default)]
struct Link {
    /// How to sync the open profile again (no password: the stored session).
    request: Option<SyncRequest>,
    status: SyncStatus,
    /// Runs as long as the demo profile is open.
    demo: Option<dossier_demo_server::DemoServer>,
    /// The running media prefetch.
    background: Option<Background>,
}

/// A background task: told to stop through `stop`; `finished` disconnects when it has.
struct Background {
    stop: Arc<AtomicBool>,
    finished: mpsc::Receiver<()>,
}

impl Background {
    /// Asks the task to stop and waits up to `wait` for it; true when it has ended.
    fn stop(self, wait: Duration) -> bool {
        self.stop.store(true, Ordering::Relaxed);
        matches!(
            self.finished.recv_timeout(wait),
            Err(mpsc::RecvTimeoutError::Disconnected) | Ok(())
        )
    }
}

/// The window's server link. Cheap to clone.
#[derive(Clone, Default)]
pub struct Connection {
    link: Arc<Mutex<Link>>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connection")
    }
}

/// A profile id for a server account: `user@host-port`, one plain path component.
pub fn profile_id(server_url: &str, user: &str) -> String {
    let host = server_url
        .split_once("://")
        .map_or(server_url, |(_, rest)| rest)
        .trim_end_matches('/');
    format!("{user}@{host}")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "@.-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

impl Connection {
    fn with<T>(&self, f: impl FnOnce(&mut Link) -> T) -> T {
        f(&mut self.link.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The sync strip's state; `session` adds the lease and last sync of the open profile.
    pub async fn status(&self, session: Option<&Session>) -> Result<SyncStatus> {
        let mut out = self.with(|l| l.status.clone());
        if let Some(s) = session {
            let held = status::status(s).await?;
            out.last_sync_at = held.last_sync;
            out.lease_expires_at = held.lease_expires_at;
        }
        Ok(out)
    }

    fn started(&self) -> Result<()> {
        self.with(|l| {
            if l.status.state == SyncState::Syncing {
                return Err(ApiError::new(ErrorCode::Busy, "a sync is already running"));
            }
            l.status.state = SyncState::Syncing;
            l.status.progress = None;
            l.status.error = None;
            Ok(())
        })
    }

    fn finished<T>(&self, result: &Result<T>) {
        self.with(|l| match result {
            Ok(_) => {
                l.status.state = SyncState::Idle;
                l.status.online = true;
                l.status.progress = None;
            }
            Err(e) => {
                l.status.state = SyncState::Error;
                l.status.online = e.code != ErrorCode::Offline;
                l.status.error = Some(e.clone());
            }
        })
    }

    /// Fetches media of the synced slice in the background, within [`PREFETCH_BUDGET`]; a
    /// prefetch still running from an earlier sync is told to stop.
    fn prefetch(&self, session: &Session, request: SyncRequest) {
        let session = session.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let (done, finished) = mpsc::channel::<()>();
        let earlier = self.with(|l| {
            l.background.replace(Background {
                stop: stop.clone(),
                finished,
            })
        });
        if let Some(earlier) = earlier {
            earlier.stop(Duration::ZERO);
        }
        tokio::spawn(async move {
            // Dropped when the task ends, however it ends: `finished` then disconnects.
            let _done = done;
            match prefetch_media(&session, request, PREFETCH_BUDGET, stop).await {
                Ok((files, bytes)) => tracing::info!(files, bytes, "media prefetched"),
                // Media is fetched again when viewed; a failed prefetch only costs time then.
                Err(e) => tracing::warn!(code = ?e.code, error = %e, "media prefetch failed"),
            }
        });
    }

    /// Stops background work and waits up to `wait` for it to end: the app calls this as it
    /// quits, so no download is cut by the runtime shutting down. True when nothing runs any more.
    pub fn stop_background(&self, wait: Duration) -> bool {
        match self.with(|l| l.background.take()) {
            Some(b) => b.stop(wait),
            None => true,
        }
    }

    fn reporter(
        &self,
        progress: impl Fn(&SyncProgress) + Send + Sync + 'static,
    ) -> impl Fn(&SyncProgress) + Send + Sync + 'static {
        let link = self.link.clone();
        move |p: &SyncProgress| {
            link.lock().unwrap_or_else(|e| e.into_inner()).status.progress = Some(p.clone());
            progress(p)
        }
    }

    /// Signs in to a server and syncs the account's profile under `profiles_root` (created on first
    /// use, with the passphrase when one is given, else the OS credential store).
    #[tracing::instrument(skip_all, err, fields(server = %request.server_url, user = %request.user))]
    pub async fn connect(
        &self,
        profiles_root: &Path,
        request: ConnectRequest,
        progress: impl Fn(&SyncProgress) + Send + Sync + 'static,
    ) -> Result<Session> {
        if request.server_url.trim().is_empty() || request.user.trim().is_empty() {
            return Err(ApiError::bad_input(
                "give the server address and the account name",
            ));
        }
        let passphrase = request
            .passphrase
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(dossier_vault::Passphrase::new)
            .transpose()?;
        let dir: PathBuf = profiles_root.join(profile_id(&request.server_url, &request.user));
        let sync = SyncRequest {
            server: request.server_url.trim().to_owned(),
            user: request.user.trim().to_owned(),
            password: Some(request.password),
        };
        self.started()?;
        let result = sync_profile(
            ProfileArgs { dir, passphrase },
            sync.clone(),
            self.reporter(progress),
        )
        .await;
        self.finished(&result);
        let (session, _) = result?;
        self.with(|l| {
            l.request = Some(SyncRequest {
                password: None,
                ..sync
            });
            l.demo = None;
        });
        Ok(session)
    }

    /// Starts the demo server (built under `root` once; what was annotated in it stays) and syncs
    /// a fresh demo profile of `user` ([`crate::demo::REVIEWER`] or [`crate::demo::AUDITOR`]) from it.
    #[tracing::instrument(skip_all, err, fields(user))]
    pub async fn open_demo(
        &self,
        root: &Path,
        spec: &DemoSpec,
        user: &str,
        progress: impl Fn(&SyncProgress) + Send + Sync + 'static,
    ) -> Result<Session> {
        self.started()?;
        // The previous demo's profile must close before it is replaced.
        self.with(|l| l.demo = None);
        let result = crate::demo::open_demo(root, spec, user, self.reporter(progress)).await;
        self.finished(&result);
        let demo = result?;
        self.prefetch(&demo.session, demo.sync.clone());
        self.with(|l| {
            l.request = Some(demo.sync);
            l.demo = Some(demo.server);
        });
        Ok(demo.session)
    }

    /// Syncs the open profile again with its stored session (a profile opened from the picker syncs
    /// with the server and account it is bound to).
    #[tracing::instrument(skip_all, err)]
    pub async fn sync_now(
        &self,
        session: &Session,
        progress: impl Fn(&SyncProgress) + Send + Sync + 'static,
    ) -> Result<SyncSummary> {
        let request = match self.with(|l| l.request.clone()) {
            Some(r) => r,
            None => {
                let bound = dossier_sync::session::binding(session.vault())?;
                let (server, user) = bound.ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::SignInRequired,
                        "this profile was never synced; connect to a server",
                    )
                })?;
                SyncRequest {
                    server,
                    user,
                    password: None,
                }
            }
        };
        self.started()?;
        let result = sync_session(session, request.clone(), self.reporter(progress)).await;
        self.finished(&result);
        if result.is_ok() {
            self.prefetch(session, request.clone());
            self.with(|l| l.request = Some(request));
        }
        result
    }

    /// Whether media can be shown: cached, or fetchable because the profile is linked to its server.
    pub async fn media_available(&self, session: &Session, sdkfileid: String) -> Result<bool> {
        Ok(self.with(|l| l.request.is_some()) || media_stored(session, sdkfileid).await?)
    }

    /// Media for viewing: from the cache, else fetched from the server now (then cached).
    pub async fn media(&self, session: &Session, sdkfileid: String, thumbnail: bool) -> Result<MediaBytes> {
        match media(session, sdkfileid.clone(), thumbnail).await {
            Err(e) if e.code == ErrorCode::NotFound => {
                let request = self.with(|l| l.request.clone()).ok_or(e)?;
                fetch_media(session, request, sdkfileid.clone()).await?;
                media(session, sdkfileid, thumbnail).await
            }
            other => other,
        }
    }

    /// Forgets the link when the profile closes (the demo server stops with it).
    pub fn close(&self) {
        self.stop_background(Duration::ZERO);
        self.with(|l| *l = Link::default());
    }
}
