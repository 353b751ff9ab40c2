//! Errors. Three kinds, because callers act on them differently:
//!
//! - [`UserError`]: something the person at the keyboard can fix or must be told (wrong passphrase,
//!   no key in the credential store, profile missing or already open).
//! - [`IntegrityError`]: stored data failed authentication (tampering or corruption). Names the file;
//!   nothing is repaired, overwritten or deleted.
//! - [`InternalError`]: I/O, SQLite, keyring or image failures, and bugs.
//!
//! Messages never contain archive content: only file names relative to the profile, ids the vault
//! made itself, and library error text.

use std::io;
use std::path::PathBuf;

/// Any vault failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user can act on it.
    #[error(transparent)]
    User(#[from] UserError),
    /// Stored data failed authentication.
    #[error(transparent)]
    Integrity(#[from] IntegrityError),
    /// Everything else.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

/// The vault's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Errors a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The passphrase does not unwrap this profile's key.
    #[error("wrong passphrase for this profile")]
    WrongPassphrase,
    /// A key was supplied or found, but it is not this profile's key.
    #[error("the key does not belong to this profile")]
    WrongKey,
    /// The OS credential store has no key for this profile.
    #[error("no key for this profile in the OS credential store ({store}); was it deleted?")]
    KeyMissing {
        /// Which store was asked.
        store: String,
    },
    /// No OS credential store could be reached (no Secret Service on Linux, …).
    #[error("no OS credential store is available: {0}; use a passphrase instead")]
    NoCredentialStore(String),
    /// The profile is protected by a passphrase and none was given, or the other way round.
    #[error("this profile is protected by {expected}, not by {given}")]
    WrongUnlockMethod {
        /// What the profile uses.
        expected: &'static str,
        /// What the caller offered.
        given: &'static str,
    },
    /// The environment variable that should hold the passphrase is not set.
    #[error("environment variable {0} is not set")]
    PassphraseEnvMissing(String),
    /// An empty passphrase was given.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    /// There is no profile at this path.
    #[error("no profile at {0}")]
    NoProfile(PathBuf),
    /// A profile already exists at this path.
    #[error("a profile already exists at {0}")]
    ProfileExists(PathBuf),
    /// The target directory exists and is not empty.
    #[error("{0} is not empty; choose an empty or new directory for a profile")]
    DirectoryNotEmpty(PathBuf),
    /// Another process has the profile open.
    #[error("the profile at {0} is open in another process")]
    ProfileBusy(PathBuf),
    /// The profile was written by a newer Dossier.
    #[error("the profile's {what} is version {found}; this build understands up to {supported}")]
    TooNew {
        /// Which part (`profile file`, `database schema`, `encrypted file`).
        what: &'static str,
        /// Version on disk.
        found: u64,
        /// Newest this build knows.
        supported: u64,
    },
    /// The vault is locked; unlock it first.
    #[error("the vault is locked")]
    Locked,
    /// A media item is not in the cache.
    #[error("media {0} is not in the cache")]
    MediaMissing(String),
    /// An image could not be decoded for a thumbnail.
    #[error("not a decodable image: {0}")]
    NotAnImage(String),
    /// A value given to the vault is out of range (an id or sequence number too large, …).
    #[error("invalid input: {0}")]
    Invalid(String),
}

/// Stored data failed authentication or is structurally broken. The file is named relative to the
/// profile directory (or absolute when outside it).
#[derive(Debug, thiserror::Error)]
#[error("integrity check failed for {file}: {what}")]
pub struct IntegrityError {
    /// The file.
    pub file: PathBuf,
    /// What failed (`chunk 3 does not authenticate`, `truncated`, …).
    pub what: String,
}

impl IntegrityError {
    /// Builds one.
    pub fn new(file: impl Into<PathBuf>, what: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            what: what.into(),
        }
    }
}

/// Failures that are not the user's to fix.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    /// A file operation failed.
    #[error("{op} {path}: {source}")]
    Io {
        /// What we were doing.
        op: &'static str,
        /// On which path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// SQLite / SQLCipher.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The OS credential store failed.
    #[error("credential store: {0}")]
    Keyring(String),
    /// Stored JSON of our own making did not parse.
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Image encoding.
    #[error("image: {0}")]
    Image(String),
    /// The linked SQLite has no SQLCipher: refuse rather than write plaintext.
    #[error("the linked SQLite library has no SQLCipher support; refusing to open an unencrypted database")]
    NoSqlCipher,
    /// A cryptographic primitive failed where it cannot fail with valid input.
    #[error("crypto: {0}")]
    Crypto(&'static str),
}

impl Error {
    /// True when the user can act on the error (see [`UserError`]).
    pub fn is_user_error(&self) -> bool {
        matches!(self, Error::User(_))
    }

    /// True for authentication / corruption failures.
    pub fn is_integrity_error(&self) -> bool {
        matches!(self, Error::Integrity(_))
    }

    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Internal(InternalError::Io {
            op,
            path: path.into(),
            source,
        })
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Internal(InternalError::Sqlite(e))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(InternalError::Json(e))
    }
}

/// Carries an [`IntegrityError`] through `io::Error` (tantivy's `Directory` API speaks `io`).
pub(crate) fn integrity_io(e: IntegrityError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// Recovers the [`IntegrityError`] inside an `io::Error` from [`EncryptedDirectory`](crate::EncryptedDirectory) reads, if that is what `e` is.
pub fn integrity_from_io(e: &io::Error) -> Option<&IntegrityError> {
    e.get_ref()?.downcast_ref::<IntegrityError>()
}
