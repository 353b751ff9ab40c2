//! Errors. Callers act on three kinds differently:
//!
//! - permanent ([`Error::is_permanent`]): bad credentials, a revoked session, a request the server
//!   refuses for good. Retrying does not help; the user must act. The vault is left as it was.
//! - transient, exhausted: the server stayed unreachable or failing through every retry
//!   ([`Error::Unavailable`]). Sync again later; what was applied is kept.
//! - local: the vault or the index failed.
//!
//! Messages carry status codes, server error codes and ids, never archive content.

/// Any sync failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server refused the credentials or the session (wrong password, revoked or expired
    /// refresh token; a disabled account's password). Sign in again.
    #[error("the server refused the sign-in: {0}")]
    Unauthorized(String),
    /// The server says an administrator disabled the account: the slice must go
    /// ([`crate::wipe`]).
    #[error("the server disabled this account")]
    AccountDisabled,
    /// The account may not do this (an auditor writing an annotation, …).
    #[error("the server refused the request: {0}")]
    Forbidden(String),
    /// Too many failed sign-ins: the server asks to wait.
    #[error("too many sign-in attempts: {0}")]
    Throttled(String),
    /// Not signed in: no tokens (log in first).
    #[error("not signed in to a server; sign in first")]
    NotSignedIn,
    /// The server kept failing or could not be reached through every retry.
    #[error("the server could not be reached after {attempts} attempts: {last}")]
    Unavailable {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The server answered with an error that retrying does not fix.
    #[error("the server answered {status} {code}: {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The server's error code (`bad_request`, `not_found`, …).
        code: String,
        /// The server's message.
        message: String,
    },
    /// The server's answer does not follow the protocol.
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    /// The server URL is not usable.
    #[error("server URL: {0}")]
    Url(String),
    /// The offline lease of the synced slice ran out; a successful sync reopens it.
    #[error(
        "the offline lease of this profile ran out ({expired_at} ms since the epoch); sync with the server to reopen it"
    )]
    LeaseExpired {
        /// When it ran out, ms since the epoch.
        expired_at: i64,
    },
    /// The profile was synced from another server or account.
    #[error("this profile holds {held}'s slice; it cannot sync as {given}")]
    OtherAccount {
        /// Server and account the profile holds.
        held: String,
        /// Server and account given.
        given: String,
    },
    /// Media failed verification (its md5 is not what the message states).
    #[error("media {id} does not match the md5 its message states")]
    MediaCorrupt {
        /// The media id (sha256 of the sdkfileid).
        id: String,
    },
    /// The vault failed.
    #[error(transparent)]
    Vault(#[from] dossier_vault::Error),
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] dossier_search::Error),
    /// A bug or a failure of the runtime (a task panicked, a channel closed).
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// True when retrying cannot help and the user must act (sign in, ask an administrator).
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            Error::Unauthorized(_)
                | Error::AccountDisabled
                | Error::Forbidden(_)
                | Error::NotSignedIn
                | Error::Server { .. }
                | Error::Url(_)
                | Error::OtherAccount { .. }
        )
    }

    /// True when the person at the keyboard can act on it.
    pub fn is_user_error(&self) -> bool {
        match self {
            Error::Vault(e) => e.is_user_error(),
            Error::Search(e) => e.is_user_error(),
            Error::Internal(_) | Error::Protocol(_) => false,
            _ => true,
        }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("JSON of our own making: {e}"))
    }
}
