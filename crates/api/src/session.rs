//! A session: one unlocked profile (vault + search index), shared by every API call.

use std::path::PathBuf;
use std::sync::Arc;

use dossier_search::SearchIndex;
use dossier_vault::{KeySource, Passphrase, Profile, Vault};

use crate::error::{ApiError, Result};

/// Where a profile is and how to unlock it: the `--profile` / `--passphrase-env` options of every
/// client command, and the app's unlock screen.
#[derive(Debug)]
pub struct ProfileArgs {
    /// The profile directory.
    pub dir: PathBuf,
    /// The passphrase, for a profile protected by one; `None` uses the OS credential store.
    pub passphrase: Option<Passphrase>,
}

impl ProfileArgs {
    /// The key source these arguments name (consumes the passphrase).
    pub fn key_source(self) -> KeySource {
        match self.passphrase {
            Some(p) => KeySource::Passphrase(p),
            None => KeySource::OsKeyring,
        }
    }
}

/// One unlocked profile. Cheap to clone; the vault is locked when the last clone is dropped.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    // Field order matters: the index (holding directory handles) closes before the vault.
    index: SearchIndex,
    vault: Vault,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Session({:?})", self.inner.vault.dir())
    }
}

impl Session {
    /// Unlocks an existing profile for reading and brings its search index up to the database
    /// (re-indexing what a crash left behind). Past the offline lease the slice stays closed
    /// ([`crate::ErrorCode::LeaseExpired`]) until a sync succeeds; `sync::sync_profile` (the app's
    /// connect, `dossier sync`) opens it for that.
    #[tracing::instrument(skip_all, err, fields(dir = %args.dir.display()))]
    pub async fn open(args: ProfileArgs) -> Result<Session> {
        tokio::task::spawn_blocking(move || {
            if !Profile::exists(&args.dir) {
                return Err(ApiError::not_found(format!(
                    "no profile at {}",
                    args.dir.display()
                )));
            }
            let profile = Profile::open(&args.dir)?;
            let vault = profile.unlock(args.key_source())?;
            dossier_sync::check_lease(&vault)?;
            Session::from_vault(vault)
        })
        .await?
    }

    /// Wraps an unlocked vault: opens its index and re-indexes rows the index has not committed.
    pub fn from_vault(vault: Vault) -> Result<Session> {
        let index = SearchIndex::open(&vault)?;
        let cursor = vault.db().read(|r| dossier_vault::Queries::cursor(r))?;
        if index.committed_seq()?.unwrap_or(0) < cursor {
            let mut writer = index.writer()?;
            let done = dossier_search::catch_up(&vault, &index, &mut writer)?;
            tracing::info!(messages = done.messages, seq = done.seq, "search index caught up");
        }
        Ok(Session {
            inner: Arc::new(Inner { index, vault }),
        })
    }

    /// The unlocked vault.
    pub fn vault(&self) -> &Vault {
        &self.inner.vault
    }

    /// The search index.
    pub fn index(&self) -> &SearchIndex {
        &self.inner.index
    }

    /// Runs blocking work (database, index) on the blocking pool with a clone of the session.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Session) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let session = self.clone();
        tokio::task::spawn_blocking(move || f(&session)).await?
    }
}
