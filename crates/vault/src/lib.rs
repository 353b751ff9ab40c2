//! Dossier's encrypted local cache: everything a reviewer's machine keeps, per profile, encrypted
//! at rest.
//!
//! - [`Profile`] / [`Vault`]: create, unlock, lock, re-key and delete a profile directory. The data
//!   key lives in the OS credential store ([`KeySource::OsKeyring`]) or is wrapped by a passphrase
//!   ([`KeySource::Passphrase`], Argon2id).
//! - [`Db`]: the SQLCipher database (raw key, WAL, [`PAGE_SIZE`]-byte pages), with typed writes on
//!   [`Tx`] and typed reads through [`Queries`]; schema and migrations in [`schema`].
//! - [`EncryptedDirectory`]: a `tantivy::Directory` whose files are sealed in 16 KiB AEAD chunks.
//!   The search crate owns the schema and queries; this crate owns only the bytes.
//! - [`MediaStore`]: sealed media blobs and thumbnails.
//!
//! # Crash consistency (for sync)
//! Apply a feed batch in one [`Db::write`] (rows + [`Tx::set_cursor`]), then commit the index with
//! the same seq as its payload (`prepare_commit()` → `set_payload(seq)` → `commit()`). After a crash
//! the index payload is ≤ the database cursor; re-index the messages with `feed_seq` in
//! `(payload, cursor]` (`tests/vault/crash.rs` does exactly this while being killed).
//!
//! # Tests
//! The OS credential store test runs when a store answers; with `DOSSIER_REQUIRE_KEYRING=1` an
//! unreachable store fails it. On Linux CI run the tests under a private Secret Service:
//! `dbus-run-session -- sh -c 'echo -n ci | gnome-keyring-daemon --components=secrets --daemonize --unlock >/dev/null && DOSSIER_REQUIRE_KEYRING=1 cargo test -p dossier-vault'`.
//!
//! Nothing readable is written to disk: no plaintext temp files (SQLite temp store is in memory,
//! atomic writes go through sealed temp files), and log lines carry ids the vault made, never content.
//!
//! ```no_run
//! use dossier_vault::{CreateOptions, KeySource, Passphrase, Profile, Queries};
//! # fn main() -> dossier_vault::Result<()> {
//! let dir = std::path::Path::new("/tmp/profile");
//! let vault = Profile::create(dir, KeySource::Passphrase(Passphrase::from_env("DOSSIER_PASSPHRASE")?), &CreateOptions::default())?;
//! let cursor = vault.db().read(|r| r.cursor())?;
//! let profile = vault.lock();
//! let vault = profile.unlock(KeySource::Passphrase(Passphrase::from_env("DOSSIER_PASSPHRASE")?))?;
//! # let _ = (cursor, vault); Ok(()) }
//! ```
#![deny(missing_docs)]

mod crypto;
mod db;
mod error;
mod evidence;
mod index_dir;
mod media;
mod profile;
pub mod schema;

pub use db::{
    Anchor, CACHE_KIB, ConversationRow, ConversationTally, DB_FILE, Db, Direction, HitCounts,
    LocalAnnotation, MediaRow, MessageRow, OutboxItem, PAGE_SIZE, ParticipantStats, Put, Queries,
    READER_CACHE_KIB, READER_POOL, Reader, StoredMessage, Tx, conv_key, now_ms, parse_conv_key,
};
pub use error::{Error, IntegrityError, InternalError, Result, UserError, integrity_from_io};
pub use evidence::{
    CHUNK_BYTES as RAW_CHUNK_BYTES, CHUNK_MESSAGES as RAW_CHUNK_MESSAGES, RawChunk, RawChunker,
};
pub use index_dir::{DEFAULT_CACHE_BYTES, DEFAULT_CHUNK_LOG2, EncryptedDirectory};
pub use media::{MediaStore, THUMBNAIL_SIDE, Thumbnail};
pub use profile::{
    CreateOptions, KEYRING_SERVICE, KdfParams, KeyMode, KeySource, Passphrase, Profile, Vault,
    os_keyring_available,
};
/// The rusqlite this crate links (SQLCipher), for callers of [`Queries::sql`].
pub use rusqlite;
