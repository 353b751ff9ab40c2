//! The one error that crosses IPC, HTTP and the CLI.

use serde::Serialize;
use ts_rs::TS;

/// What went wrong, as a caller that acts on it needs to know. Add a code only when a consumer
/// branches on it; everything else is `internal` with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input is wrong (a malformed query, an id that does not parse, an empty required field):
    /// show the message next to the input.
    BadInput,
    /// The passphrase or key does not open this profile: ask again.
    WrongPassphrase,
    /// No profile at the path, or no such item in it.
    NotFound,
    /// The profile is open in another process or window, or a sync is already running.
    Busy,
    /// The offline lease of the cached slice ran out: the slice opens only after a successful sync.
    LeaseExpired,
    /// The server refused the credentials (or the session ended): sign in again.
    SignInRequired,
    /// The user's role does not allow this (an auditor annotating).
    Forbidden,
    /// An administrator disabled the account on the server; the profile's copy of the archive
    /// has been deleted (tell the user, then close the profile).
    AccountDisabled,
    /// The server holds a newer version (an annotation edited elsewhere): show both.
    Conflict,
    /// The server cannot be reached; cached data still works.
    Offline,
    /// Stored data failed authentication (tampering or corruption); nothing was changed.
    Integrity,
    /// Anything else; the message says what.
    Internal,
}

/// An API failure: a code for the caller's logic and a message for the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// What happened, for the person at the keyboard (never message content).
    pub message: String,
}

impl ApiError {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Bad input from the caller.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadInput, message)
    }

    /// Something the caller asked for does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// An internal failure.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

/// Results of this crate.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

impl From<dossier_vault::Error> for ApiError {
    fn from(e: dossier_vault::Error) -> Self {
        use dossier_vault::{Error, UserError};
        let code = match &e {
            Error::User(
                UserError::WrongPassphrase | UserError::WrongKey | UserError::WrongUnlockMethod { .. },
            ) => ErrorCode::WrongPassphrase,
            Error::User(UserError::NoProfile(_) | UserError::MediaMissing(_)) => ErrorCode::NotFound,
            Error::User(UserError::ProfileBusy(_)) => ErrorCode::Busy,
            Error::User(_) => ErrorCode::BadInput,
            Error::Integrity(_) => ErrorCode::Integrity,
            Error::Internal(_) => ErrorCode::Internal,
        };
        if code == ErrorCode::Internal {
            tracing::error!(error = %e, "vault failure");
        }
        ApiError::new(code, e.to_string())
    }
}

impl From<dossier_search::Error> for ApiError {
    fn from(e: dossier_search::Error) -> Self {
        match e {
            dossier_search::Error::Query(q) => ApiError::bad_input(q.to_string()),
            dossier_search::Error::Vault(v) => v.into(),
            e @ dossier_search::Error::WriterBusy => ApiError::new(ErrorCode::Busy, e.to_string()),
            other => {
                tracing::error!(error = %other, "search failure");
                ApiError::internal(other.to_string())
            }
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::internal(format!("background task failed: {e}"))
    }
}
