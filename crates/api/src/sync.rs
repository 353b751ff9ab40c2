//! Sync with the archive server: sign in (or resume the stored session), upload the outbox, pull
//! the feed into the vault and index, report progress. The work is `dossier_sync`'s; this is the
//! boundary (DTOs, errors, the blocking pool).

use std::path::PathBuf;

use dossier_sync::{Client, ClientOptions, Phase, Progress, SyncOptions};
use dossier_vault::{CreateOptions, Profile};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{ApiError, ErrorCode, Result};
use crate::session::{ProfileArgs, Session};

impl From<dossier_sync::Error> for ApiError {
    fn from(e: dossier_sync::Error) -> Self {
        use dossier_sync::Error as E;
        let code = match &e {
            E::Unauthorized(_) | E::NotSignedIn | E::Throttled(_) => ErrorCode::SignInRequired,
            E::Forbidden(_) => ErrorCode::Forbidden,
            E::AccountDisabled => ErrorCode::AccountDisabled,
            E::Unavailable { .. } => ErrorCode::Offline,
            E::LeaseExpired { .. } => ErrorCode::LeaseExpired,
            E::Url(_) | E::OtherAccount { .. } => ErrorCode::BadInput,
            E::MediaCorrupt { .. } => ErrorCode::Integrity,
            E::Vault(_) | E::Search(_) => {
                return match e {
                    E::Vault(v) => v.into(),
                    E::Search(s) => s.into(),
                    _ => unreachable!("matched above"),
                };
            }
            E::Server { .. } | E::Protocol(_) | E::Internal(_) => ErrorCode::Internal,
        };
        if code == ErrorCode::Internal {
            tracing::error!(error = %e, "sync failure");
        }
        ApiError::new(code, e.to_string())
    }
}

/// Where to sync from and as whom.
#[derive(Clone)]
pub struct SyncRequest {
    /// Server URL (`https://host:port`; plain `http://` only for a server on this machine).
    pub server: String,
    /// Account name.
    pub user: String,
    /// The password, to sign in afresh; `None` resumes the session stored in the profile.
    pub password: Option<String>,
}

impl std::fmt::Debug for SyncRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncRequest")
            .field("server", &self.server)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// One progress report of a running sync.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct SyncProgress {
    /// `recovering`, `syncing`, `finishing` or `done`.
    pub phase: String,
    /// Feed records applied in this run.
    #[ts(type = "number")]
    pub records: u64,
    /// Messages among them.
    #[ts(type = "number")]
    pub messages: u64,
    /// Bytes received (compressed).
    #[ts(type = "number")]
    pub bytes: u64,
    /// The profile's cursor (kept below 2^53 by the server's counter).
    #[ts(type = "number")]
    pub cursor: i64,
    /// The server's newest seq as last reported.
    #[ts(type = "number")]
    pub head: i64,
    /// Messages per second.
    pub rate: f64,
    /// Seconds left, when they can be told.
    pub eta_secs: Option<f64>,
    /// Fraction of this run done, 0..=1.
    pub fraction: f64,
}

impl From<&Progress> for SyncProgress {
    fn from(p: &Progress) -> Self {
        SyncProgress {
            phase: match p.phase {
                Phase::Recovering => "recovering",
                Phase::Syncing => "syncing",
                Phase::Finishing => "finishing",
                Phase::Done => "done",
            }
            .into(),
            records: p.records,
            messages: p.messages,
            bytes: p.bytes,
            cursor: p.cursor,
            head: p.head,
            rate: p.rate,
            eta_secs: p.eta.map(|d| d.as_secs_f64()),
            fraction: p.fraction(),
        }
    }
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, TS)]
pub struct SyncSummary {
    /// The profile was created by this sync.
    pub created: bool,
    /// Feed records applied.
    #[ts(type = "number")]
    pub records: u64,
    /// Messages among them.
    #[ts(type = "number")]
    pub messages: u64,
    /// Bytes received.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Messages purged by grant changes.
    #[ts(type = "number")]
    pub purged: u64,
    /// Transient failures retried.
    pub retries: u32,
    /// The cursor at the end.
    #[ts(type = "number")]
    pub cursor: i64,
    /// Wall time, seconds.
    pub seconds: f64,
    /// Annotation writes the server accepted from the outbox.
    pub uploaded: u32,
    /// Annotation writes that came back as conflicts (both versions kept).
    pub conflicts: u32,
    /// Audit records uploaded.
    pub audit_uploaded: u32,
}

/// A client of the request's server, signed in: with the password when given, else with the
/// session stored in the profile (when there is one).
fn signed_in(
    session: Option<&Session>,
    req: &SyncRequest,
    runtime: tokio::runtime::Handle,
) -> Result<Client> {
    let client = Client::new(&req.server, ClientOptions::default(), runtime.clone())?;
    match (&req.password, session) {
        // On a blocking-pool thread: wait for the sign-in on the runtime.
        (Some(pw), _) => {
            runtime.block_on(client.login(&req.user, pw))?;
        }
        (None, Some(s)) if dossier_sync::session::restore(s.vault(), &client)? => {}
        (None, _) => {
            return Err(ApiError::new(
                ErrorCode::SignInRequired,
                "no stored session for this server in the profile; sign in with a password",
            ));
        }
    }
    Ok(client)
}

/// When the server says the account was disabled: deletes the profile's slice, and says so.
fn deleted_if_disabled(session: &Session, e: ApiError) -> ApiError {
    if e.code != ErrorCode::AccountDisabled {
        return e;
    }
    match dossier_sync::wipe(session.vault(), session.index()) {
        Ok(_) => ApiError::new(
            ErrorCode::AccountDisabled,
            "an administrator disabled this account on the server; its copy of the archive on this \
             computer has been deleted",
        ),
        Err(w) => ApiError::new(
            ErrorCode::AccountDisabled,
            format!(
                "an administrator disabled this account on the server; deleting its copy of the archive failed: {w}"
            ),
        ),
    }
}

fn run(
    session: &Session,
    client: &Client,
    progress: &(dyn Fn(&SyncProgress) + Send + Sync),
) -> Result<SyncSummary> {
    let vault = session.vault();
    // Upload first, so the feed brings the server's copies of our own writes back.
    let pushed = dossier_sync::outbox::push_outbox(vault, client)?;
    let report = dossier_sync::sync(vault, session.index(), client, &SyncOptions::default(), &|p| {
        progress(&SyncProgress::from(p))
    })?;
    Ok(SyncSummary {
        created: false,
        records: report.records,
        messages: report.messages,
        bytes: report.bytes,
        purged: report.purged,
        retries: report.retries,
        cursor: report.cursor,
        seconds: report.elapsed.as_secs_f64(),
        uploaded: pushed.accepted as u32,
        conflicts: pushed.conflicts as u32,
        audit_uploaded: pushed.audit as u32,
    })
}

/// Syncs an open profile.
#[tracing::instrument(skip_all, err, fields(server = %req.server))]
pub async fn sync_session(
    session: &Session,
    req: SyncRequest,
    progress: impl Fn(&SyncProgress) + Send + Sync + 'static,
) -> Result<SyncSummary> {
    let runtime = tokio::runtime::Handle::current();
    session
        .blocking(move |s| {
            signed_in(Some(s), &req, runtime)
                .and_then(|client| run(s, &client, &progress))
                .map_err(|e| deleted_if_disabled(s, e))
        })
        .await
}

/// Opens the profile at `profile.dir` — creating it on first use, protected as `profile` says
/// (passphrase, or the OS credential store) — and syncs it. Returns the open session.
#[tracing::instrument(skip_all, err, fields(server = %req.server, dir = %profile.dir.display()))]
pub async fn sync_profile(
    profile: ProfileArgs,
    req: SyncRequest,
    progress: impl Fn(&SyncProgress) + Send + Sync + 'static,
) -> Result<(Session, SyncSummary)> {
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let dir: PathBuf = profile.dir.clone();
        let created = !Profile::exists(&dir);
        if created && req.password.is_none() {
            return Err(ApiError::new(
                ErrorCode::SignInRequired,
                "a new profile needs a sign-in with a password",
            ));
        }
        // Sign in before creating anything: a wrong password leaves no empty profile behind.
        let (session, client) = if created {
            let client = signed_in(None, &req, runtime)?;
            let vault = Profile::create(&dir, profile.key_source(), &CreateOptions::default())?;
            (Session::from_vault(vault)?, client)
        } else {
            let session = Session::from_vault(Profile::open(&dir)?.unlock(profile.key_source())?)?;
            let client =
                signed_in(Some(&session), &req, runtime).map_err(|e| deleted_if_disabled(&session, e))?;
            (session, client)
        };
        let mut summary = run(&session, &client, &progress).map_err(|e| deleted_if_disabled(&session, e))?;
        summary.created = created;
        Ok((session, summary))
    })
    .await?
}

/// Refuses a slice past its offline lease ([`ErrorCode::LeaseExpired`]) until a sync succeeds.
/// Call before serving reads of a cached slice.
pub fn check_lease(session: &Session) -> Result<()> {
    Ok(dossier_sync::check_lease(session.vault())?)
}

/// Prefetches media of cached messages within `budget` bytes (run it in the background after a
/// sync), stopping between files once `stop` is set. Returns the files and bytes stored.
pub async fn prefetch_media(
    session: &Session,
    req: SyncRequest,
    budget: u64,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<(u32, u64)> {
    let runtime = tokio::runtime::Handle::current();
    session
        .blocking(move |s| {
            let client = signed_in(Some(s), &req, runtime)?;
            let done = dossier_sync::media::prefetch_media(s.vault(), &client, budget, &stop)?;
            Ok((done.files as u32, done.bytes))
        })
        .await
}

/// The media of a cached message, fetched from the server when the cache does not hold it yet
/// (verified by md5 where the archive states one, stored encrypted). For viewing.
pub async fn fetch_media(session: &Session, req: SyncRequest, sdkfileid: String) -> Result<()> {
    let runtime = tokio::runtime::Handle::current();
    session
        .blocking(move |s| {
            if s.vault()
                .db()
                .read(|r| dossier_vault::Queries::media(r, &sdkfileid))?
                .is_some()
            {
                return Ok(());
            }
            let client = signed_in(Some(s), &req, runtime)?;
            dossier_sync::media::fetch_media(s.vault(), &client, &sdkfileid)?;
            Ok(())
        })
        .await
}
