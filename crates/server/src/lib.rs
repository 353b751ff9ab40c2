//! Dossier's archive server: ingest of WeCom archive directories, users with roles and scoped
//! grants, and the scoped change feed that clients sync from, over an axum HTTP API.
//!
//! - [`Archive`]: a data directory (SQLite database and media store) and the operations on it
//!   (init, users, grants, sessions);
//! - [`ingest`]: an archive directory into the store, rules run at ingest;
//! - [`scope`]: the one place that decides what a grant lets a user see;
//! - [`feed`]: the change feed, filtered through [`scope`];
//! - [`http`]: the API under `/api/v1` (see `docs/api.md`) and [`http::serve`].
//! - [`store`]: the [`store::Storage`] trait and its SQLite implementation.
#![deny(missing_docs)]

pub mod auth;
mod error;
pub mod feed;
pub mod http;
pub mod ingest;
pub mod scope;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dossier_model::{Grant, Role, Scope};

pub use auth::PasswordCost;
pub use error::{Error, Result};
use scope::GrantState;
use store::{SessionRecord, Storage, UserRecord};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Parses a role name (`admin`, `reviewer`, `auditor`).
pub fn parse_role(s: &str) -> Result<Role> {
    match s {
        "admin" => Ok(Role::Admin),
        "reviewer" => Ok(Role::Reviewer),
        "auditor" => Ok(Role::Auditor),
        other => Err(Error::bad(format!(
            "role `{other}`: expected admin, reviewer or auditor"
        ))),
    }
}

/// Server settings with typed defaults.
#[derive(Clone, Debug)]
pub struct Config {
    /// Access token lifetime, ms (default 15 minutes).
    pub access_ttl_ms: i64,
    /// Refresh token lifetime, ms (default 30 days).
    pub refresh_ttl_ms: i64,
    /// Argon2id cost for new passwords.
    pub password_cost: PasswordCost,
    /// Failed logins allowed per account before delays start (per address: four times as many).
    pub login_free_failures: u32,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Feed records per response when the client gives no limit.
    pub feed_default_limit: usize,
    /// Most feed records per response.
    pub feed_max_limit: usize,
    /// Most log rows one feed response scans (bounds the work of a response full of rows the
    /// caller may not see).
    pub feed_max_scan: usize,
    /// Most uncompressed bytes in one feed response.
    pub feed_max_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            access_ttl_ms: 15 * 60 * 1000,
            refresh_ttl_ms: 30 * 24 * 3600 * 1000,
            password_cost: PasswordCost::DEFAULT,
            login_free_failures: 5,
            max_body_bytes: 4 << 20,
            feed_default_limit: 1000,
            feed_max_limit: 10_000,
            feed_max_scan: 100_000,
            feed_max_bytes: 32 << 20,
        }
    }
}

/// Tokens handed out at login and refresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    /// Short-lived access token (`Authorization: Bearer …`).
    pub access_token: String,
    /// Its expiry, ms.
    pub access_expires_at: i64,
    /// Refresh token (single use: each refresh returns a new one).
    pub refresh_token: String,
    /// Its expiry, ms.
    pub refresh_expires_at: i64,
}

/// A data directory: the database and the media store, with the server's settings.
pub struct Archive {
    store: Arc<dyn Storage>,
    dir: PathBuf,
    config: Config,
    throttle: auth::Throttle,
    dummy_hash: std::sync::OnceLock<String>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("dir", &self.dir).finish()
    }
}

const DB_FILE: &str = "dossier.db";

fn check_name(name: &str) -> Result<()> {
    if name.is_empty()
        || name.chars().count() > 64
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Error::bad(
            "account name: 1 to 64 characters, no spaces or control characters",
        ));
    }
    Ok(())
}

fn check_password(pw: &str) -> Result<()> {
    if pw.chars().count() < 8 || pw.len() > 1024 {
        return Err(Error::bad("password: at least 8 characters"));
    }
    Ok(())
}

impl Archive {
    /// Creates a data directory with an admin account. Without a password one is generated and
    /// returned (print it once).
    pub fn init(
        dir: &Path,
        admin: &str,
        password: Option<String>,
        config: Config,
    ) -> Result<(Archive, Option<String>)> {
        check_name(admin)?;
        if dir.join(DB_FILE).exists() {
            return Err(Error::AlreadyExists(format!(
                "{} already holds a Dossier server",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir.join("media")).map_err(|e| Error::io(dir, e))?;
        let archive = Archive::open(dir, config)?;
        let generated = password.is_none();
        let password = password.unwrap_or_else(auth::generate_password);
        archive.add_user(admin, Role::Admin, &password, all_grant())?;
        Ok((archive, generated.then_some(password)))
    }

    /// Opens an existing data directory.
    pub fn open(dir: &Path, config: Config) -> Result<Archive> {
        let db = dir.join(DB_FILE);
        if !dir.is_dir() {
            return Err(Error::bad(format!(
                "{} is not a directory; run `dossier server init` first",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir.join("media")).map_err(|e| Error::io(dir, e))?;
        let store = store::SqliteStorage::open(&db)?;
        Ok(Archive::with_storage(Arc::new(store), dir, config))
    }

    /// An archive over any storage (media still lives in `dir/media`).
    pub fn with_storage(store: Arc<dyn Storage>, dir: &Path, config: Config) -> Archive {
        let throttle = auth::Throttle::new(config.login_free_failures);
        Archive {
            store,
            dir: dir.to_path_buf(),
            config,
            throttle,
            dummy_hash: std::sync::OnceLock::new(),
        }
    }

    /// The storage.
    pub fn store(&self) -> &dyn Storage {
        &*self.store
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Where media files live (named by the hex SHA-256 of their sdkfileid).
    pub fn media_dir(&self) -> PathBuf {
        self.dir.join("media")
    }

    /// Resolves a grant against the current organisation.
    pub fn resolve(&self, grant: Grant) -> Result<GrantState> {
        let (depts, emps) = self.store.org()?;
        let resolved = scope::resolve(&grant.scope, &depts, &emps);
        Ok(GrantState { grant, resolved })
    }

    /// Adds a user.
    pub fn add_user(&self, name: &str, role: Role, password: &str, grant: Grant) -> Result<UserRecord> {
        check_name(name)?;
        check_password(password)?;
        let grant = if role == Role::Admin { all_grant() } else { grant };
        let hash = auth::hash_password(password, self.config.password_cost)?;
        let state = self.resolve(grant)?;
        self.store.create_user(name, role, &hash, &state)
    }

    fn user(&self, name: &str) -> Result<UserRecord> {
        self.store
            .user_by_name(name)?
            .ok_or_else(|| Error::bad(format!("no user `{name}`")))
    }

    /// Disables a user and revokes their sessions.
    pub fn disable_user(&self, name: &str) -> Result<()> {
        let u = self.user(name)?;
        self.store.set_disabled(u.id, true)
    }

    /// Gives a user a new grant; it becomes a record in their feed (with backfill when it widens).
    pub fn set_grant(&self, name: &str, grant: Grant) -> Result<store::Seq> {
        let u = self.user(name)?;
        let state = self.resolve(grant)?;
        self.store.set_grant(u.id, &state)
    }

    /// The user's grant in force.
    pub fn current_grant(&self, user_id: i64) -> Result<GrantState> {
        self.store
            .grant_history(user_id)?
            .pop()
            .map(|(_, g)| g)
            .ok_or_else(|| Error::Internal(format!("user {user_id} has no grant")))
    }

    /// Every user with the grant in force.
    pub fn users(&self) -> Result<Vec<(UserRecord, GrantState)>> {
        self.store
            .list_users()?
            .into_iter()
            .map(|u| {
                let g = self.current_grant(u.id)?;
                Ok((u, g))
            })
            .collect()
    }

    /// Re-resolves every user's grant against the organisation (after an org change); logs a
    /// grant record for each user whose resolved scope changed. Returns how many changed.
    pub fn regrant_all(&self) -> Result<usize> {
        let (depts, emps) = self.store.org()?;
        let mut n = 0;
        for u in self.store.list_users()? {
            let cur = self.current_grant(u.id)?;
            let resolved = scope::resolve(&cur.grant.scope, &depts, &emps);
            if resolved != cur.resolved {
                self.store.set_grant(
                    u.id,
                    &GrantState {
                        grant: cur.grant,
                        resolved,
                    },
                )?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Signs in: checks throttling, the account and the password; returns the user and tokens.
    pub fn login(&self, name: &str, password: &str, remote: &str) -> Result<(UserRecord, Tokens)> {
        let now = now_ms();
        self.throttle.check(name, remote, now)?;
        let user = self.store.user_by_name(name)?;
        // Verify against a real hash even for unknown users, so timing does not tell them apart.
        let ok = match &user {
            Some(u) => auth::verify_password(password, &u.password_hash) && !u.disabled,
            None => {
                let dummy = self.dummy_hash.get_or_init(|| {
                    auth::hash_password(&auth::generate_password(), self.config.password_cost)
                        .unwrap_or_default()
                });
                auth::verify_password(password, dummy);
                false
            }
        };
        match user {
            Some(u) if ok => {
                self.throttle.success(name);
                let tokens = self.new_session(u.id, None)?;
                Ok((u, tokens))
            }
            _ => {
                self.throttle.failure(name, remote, now);
                Err(Error::Unauthorized(
                    "wrong account name or password, or the account is disabled".into(),
                ))
            }
        }
    }

    fn new_session(&self, user_id: i64, existing: Option<i64>) -> Result<Tokens> {
        let now = now_ms();
        let tokens = Tokens {
            access_token: auth::new_token(),
            access_expires_at: now + self.config.access_ttl_ms,
            refresh_token: auth::new_token(),
            refresh_expires_at: now + self.config.refresh_ttl_ms,
        };
        let rec = SessionRecord {
            id: existing.unwrap_or(0),
            user_id,
            access_hash: auth::token_hash(&tokens.access_token),
            access_expires: tokens.access_expires_at,
            refresh_hash: auth::token_hash(&tokens.refresh_token),
            refresh_expires: tokens.refresh_expires_at,
        };
        match existing {
            None => self.store.create_session(&rec)?,
            Some(_) => {
                if !self.store.rotate_session(&rec)? {
                    return Err(Error::Unauthorized("session ended".into()));
                }
            }
        }
        Ok(tokens)
    }

    /// Exchanges a refresh token for new tokens (the old refresh token stops working).
    pub fn refresh(&self, refresh_token: &str) -> Result<(UserRecord, Tokens)> {
        let s = self
            .store
            .session_by_refresh(&auth::token_hash(refresh_token))?
            .filter(|s| s.refresh_expires > now_ms())
            .ok_or_else(|| Error::Unauthorized("refresh token unknown, expired or revoked".into()))?;
        let u = self.active_user(s.user_id)?;
        let tokens = self.new_session(u.id, Some(s.id))?;
        Ok((u, tokens))
    }

    fn active_user(&self, id: i64) -> Result<UserRecord> {
        self.store
            .user_by_id(id)?
            .ok_or_else(|| Error::Unauthorized("the session's account no longer exists".into()))
            .and_then(|u| {
                if u.disabled {
                    Err(Error::AccountDisabled)
                } else {
                    Ok(u)
                }
            })
    }

    /// The user and session of an access token.
    pub fn authenticate(&self, access_token: &str) -> Result<(UserRecord, SessionRecord)> {
        let s = self
            .store
            .session_by_access(&auth::token_hash(access_token))?
            .ok_or_else(|| Error::Unauthorized("access token unknown or revoked".into()))?;
        if s.access_expires <= now_ms() {
            return Err(Error::Unauthorized("access token expired; refresh it".into()));
        }
        let u = self.active_user(s.user_id)?;
        Ok((u, s))
    }

    /// Ends a session.
    pub fn logout(&self, session_id: i64) -> Result<()> {
        self.store.delete_session(session_id)
    }
}

/// Scope `all`, no window, a week's lease, export allowed.
pub fn all_grant() -> Grant {
    Grant {
        scope: Scope::All,
        window: (None, None),
        lease_secs: 7 * 24 * 3600,
        export_allowed: true,
    }
}
