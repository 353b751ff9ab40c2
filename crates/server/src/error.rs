//! The server's errors: what the caller did wrong (answered with a 4xx and a message they can act
//! on) apart from what went wrong inside (logged, answered with a bare 500).

use std::path::PathBuf;

/// A server error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request or input is wrong; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// No valid credentials, or the token expired or was revoked.
    #[error("{0}")]
    Unauthorized(String),
    /// A token of an account an administrator has disabled: its holder is told, so a client can
    /// delete the archive slice it keeps for the account.
    #[error("this account has been disabled")]
    AccountDisabled,
    /// Authenticated, but the role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// Not there, or not inside the caller's grant (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// Something with that name or id already exists.
    #[error("{0}")]
    AlreadyExists(String),
    /// Too many failed logins: try again after the given number of seconds.
    #[error("too many failed logins; try again in {0} s")]
    Throttled(u64),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    /// Anything else internal (a broken invariant, a failed hash).
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// A bad-request error.
    pub fn bad(msg: impl Into<String>) -> Self {
        Error::BadRequest(msg.into())
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether the caller is at fault (as opposed to the server).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Error::Io { .. } | Error::Db(_) | Error::Internal(_))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("json: {e}"))
    }
}

/// Result with the server's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
