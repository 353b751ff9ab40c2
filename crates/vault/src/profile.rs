//! Profiles: a directory holding one reviewer's cache, and the key that opens it.
//!
//! ```text
//! <profile>/profile.json   format, profile id, key check value, how the key is kept (no content)
//! <profile>/.lock          held while a process has the profile open
//! <profile>/db/cache.db    SQLCipher (+ -wal, -shm)
//! <profile>/index/         sealed tantivy files
//! <profile>/media/         sealed blobs and thumbnails
//! ```
//!
//! The data key is kept either in the OS credential store (service [`KEYRING_SERVICE`], account =
//! the profile id, value = the key in hex) or wrapped with XChaCha20-Poly1305 under an
//! Argon2id-derived key from a passphrase, in `profile.json`. Either way `profile.json` carries a
//! key-check value, so a wrong key is refused before any file is opened, and nothing is written.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::{DataKey, KEY_LEN, random_bytes};
use crate::db::{DB_FILE, Db};
use crate::error::{Error, InternalError, Result, UserError};
use crate::index_dir::{EncryptedDirectory, remove_stale_temps, write_atomically};
use crate::media::MediaStore;

/// Service name of the vault's entries in the OS credential store.
pub const KEYRING_SERVICE: &str = "dossier-vault";
const PROFILE_FILE: &str = "profile.json";
const LOCK_FILE: &str = ".lock";
const PROFILE_FORMAT: u64 = 1;

/// A passphrase. Wiped from memory on drop.
pub struct Passphrase(Zeroizing<String>);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

impl Passphrase {
    /// From a string.
    pub fn new(s: impl Into<String>) -> Result<Self> {
        let s = Zeroizing::new(s.into());
        if s.is_empty() {
            return Err(UserError::EmptyPassphrase.into());
        }
        Ok(Self(s))
    }

    /// From the environment variable whose name the caller gives (for scripts and CI).
    pub fn from_env(var: &str) -> Result<Self> {
        match std::env::var(var) {
            Ok(v) => Self::new(v),
            Err(_) => Err(UserError::PassphraseEnvMissing(var.to_owned()).into()),
        }
    }

    /// The first line of a reader (stdin for scripts), without its line ending.
    pub fn from_reader(mut r: impl BufRead) -> Result<Self> {
        let mut line = Zeroizing::new(String::new());
        r.read_line(&mut line)
            .map_err(|e| Error::io("read passphrase", "<input>", e))?;
        let trimmed = line.trim_end_matches(['\r', '\n']);
        Self::new(trimmed.to_owned())
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Where a profile's key is kept, or where to find it.
#[derive(Debug)]
pub enum KeySource {
    /// The OS credential store (Keychain, Credential Manager, Secret Service).
    OsKeyring,
    /// Wrapped by a passphrase.
    Passphrase(Passphrase),
}

impl KeySource {
    fn label(&self) -> &'static str {
        match self {
            KeySource::OsKeyring => "the OS credential store",
            KeySource::Passphrase(_) => "a passphrase",
        }
    }
}

/// Argon2id cost of passphrase wrapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory, KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane: about a quarter second on the development machine; paid on
    /// unlock and passphrase change only (SQLCipher uses the raw key).
    fn default() -> Self {
        Self {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

/// Options for [`Profile::create`].
#[derive(Clone, Debug, Default)]
pub struct CreateOptions {
    /// Argon2id cost for passphrase mode.
    pub kdf: KdfParams,
}

#[derive(Serialize, Deserialize)]
struct ProfileFile {
    format: u64,
    id: String,
    created_at: i64,
    key_check: String,
    key: StoredKey,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
enum StoredKey {
    OsKeyring {
        service: String,
        account: String,
    },
    Passphrase {
        kdf: KdfParams,
        salt: String,
        nonce: String,
        wrapped: String,
    },
}

/// A profile on disk, locked (no key in memory).
#[derive(Clone, Debug)]
pub struct Profile {
    dir: PathBuf,
    id: String,
}

/// How a profile's key is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyMode {
    /// In the OS credential store.
    OsKeyring,
    /// Wrapped by a passphrase.
    Passphrase,
}

impl Profile {
    /// Whether `dir` holds a profile.
    pub fn exists(dir: &Path) -> bool {
        dir.join(PROFILE_FILE).is_file()
    }

    /// Opens a profile (locked).
    pub fn open(dir: &Path) -> Result<Self> {
        let file = read_profile_file(dir)?;
        Ok(Self {
            dir: dir.to_owned(),
            id: file.id,
        })
    }

    /// Creates a profile in `dir` (new or empty) with a fresh random data key kept as `source`
    /// says, and returns it unlocked.
    pub fn create(dir: &Path, source: KeySource, options: &CreateOptions) -> Result<Vault> {
        if Self::exists(dir) {
            return Err(UserError::ProfileExists(dir.to_owned()).into());
        }
        if let Ok(mut entries) = fs::read_dir(dir)
            && entries.next().is_some()
        {
            return Err(UserError::DirectoryNotEmpty(dir.to_owned()).into());
        }
        fs::create_dir_all(dir).map_err(|e| Error::io("create profile directory", dir, e))?;
        let lock = lock_profile(dir)?;
        let key = DataKey::random();
        let id = hex::encode(random_bytes::<16>());
        let stored = store_key(&id, &key, &source, options.kdf)?;
        let file = ProfileFile {
            format: PROFILE_FORMAT,
            id: id.clone(),
            created_at: crate::db::now_ms(),
            key_check: key.check_value(),
            key: stored,
        };
        write_profile_file(dir, &file)?;
        tracing::info!(profile = %id, mode = source.label(), "created vault profile");
        Vault::open_parts(
            Profile {
                dir: dir.to_owned(),
                id,
            },
            key,
            lock,
        )
    }

    /// The profile directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The profile's random id (also the credential-store account name).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// How the key is kept.
    pub fn key_mode(&self) -> Result<KeyMode> {
        Ok(match read_profile_file(&self.dir)?.key {
            StoredKey::OsKeyring { .. } => KeyMode::OsKeyring,
            StoredKey::Passphrase { .. } => KeyMode::Passphrase,
        })
    }

    /// Unlocks: fetches or unwraps the key, checks it, opens database, index and media.
    /// On any error nothing on disk has changed.
    pub fn unlock(&self, source: KeySource) -> Result<Vault> {
        let file = read_profile_file(&self.dir)?;
        let key = load_key(&file, &source)?;
        if key.check_value() != file.key_check {
            return Err(UserError::WrongKey.into());
        }
        let lock = lock_profile(&self.dir)?;
        Vault::open_parts(self.clone(), key, lock)
    }

    /// Deletes the profile: its key in the credential store (if any) and every file. Refused while
    /// the profile is open; does not need the key (a forgotten passphrase can still be cleared).
    pub fn delete(self) -> Result<()> {
        let lock = lock_profile(&self.dir)?;
        let file = read_profile_file(&self.dir)?;
        if let StoredKey::OsKeyring { service, account } = &file.key {
            keyring_delete(service, account)?;
        }
        drop(lock);
        // profile.json first: a crash mid-way leaves a directory that is no longer a profile.
        fs::remove_file(self.dir.join(PROFILE_FILE))
            .map_err(|e| Error::io("delete", self.dir.join(PROFILE_FILE), e))?;
        fs::remove_dir_all(&self.dir).map_err(|e| Error::io("delete profile directory", &self.dir, e))?;
        tracing::info!(profile = %self.id, "deleted vault profile");
        Ok(())
    }
}

/// An unlocked profile: the database, the index directory and the media store.
///
/// [`Vault::lock`] (or drop) closes everything and wipes the key material this value holds; clones
/// of the [`EncryptedDirectory`] handed out (index readers) keep their copy of the index key until
/// they are dropped too.
pub struct Vault {
    profile: Profile,
    key: DataKey,
    db: Db,
    index: EncryptedDirectory,
    media: MediaStore,
    _lock: File,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault({:?})", self.profile.dir)
    }
}

impl Vault {
    fn open_parts(profile: Profile, key: DataKey, lock: File) -> Result<Self> {
        let dir = &profile.dir;
        let db_dir = dir.join("db");
        fs::create_dir_all(&db_dir).map_err(|e| Error::io("create database directory", &db_dir, e))?;
        let db = Db::open(
            &db_dir.join(DB_FILE),
            Path::new("db").join(DB_FILE),
            key.derive("sqlcipher"),
        )?;
        let index_dir = dir.join("index");
        let index = EncryptedDirectory::open(&index_dir, key.derive("index"))?;
        remove_stale_temps(&index_dir);
        remove_stale_temps(dir);
        let media = MediaStore::open(&dir.join("media"), key.derive("media"), key.derive("media-names"))?;
        Ok(Self {
            profile,
            key,
            db,
            index,
            media,
            _lock: lock,
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The encrypted tantivy directory (`tantivy::Index::open_or_create(vault.index_directory(), schema)`).
    pub fn index_directory(&self) -> EncryptedDirectory {
        self.index.clone()
    }

    /// The media store.
    pub fn media(&self) -> &MediaStore {
        &self.media
    }

    /// The profile directory.
    pub fn dir(&self) -> &Path {
        &self.profile.dir
    }

    /// The profile id.
    pub fn profile_id(&self) -> &str {
        &self.profile.id
    }

    /// Stores media bytes (sealed blob, thumbnail for images) and records it in the database.
    pub fn store_media(&self, sdkfileid: &str, bytes: &[u8]) -> Result<crate::MediaRow> {
        let row = self.media.put(sdkfileid, bytes)?;
        self.db.write(|tx| tx.put_media(&row))?;
        Ok(row)
    }

    /// Reads stored media by SDK file id.
    pub fn load_media(&self, sdkfileid: &str) -> Result<Zeroizing<Vec<u8>>> {
        use crate::Queries;
        let row = self
            .db
            .read(|r| r.media(sdkfileid))?
            .ok_or_else(|| UserError::MediaMissing(self.media.blob_id(sdkfileid)))?;
        self.media.get(&row.blob)
    }

    /// Reads the thumbnail of stored media, if one was made.
    pub fn load_thumbnail(&self, sdkfileid: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        use crate::Queries;
        let Some(row) = self.db.read(|r| r.media(sdkfileid))? else {
            return Ok(None);
        };
        row.thumb.map(|t| self.media.get(&t)).transpose()
    }

    /// Changes how the key is kept: a new passphrase, or a move between passphrase and the OS
    /// credential store. The data key itself (and so every file) is unchanged. `profile.json` is
    /// replaced atomically; a crash leaves the old or the new protection.
    pub fn change_key_protection(&self, new: KeySource, kdf: KdfParams) -> Result<()> {
        let mut file = read_profile_file(&self.profile.dir)?;
        let old = std::mem::replace(&mut file.key, store_key(&self.profile.id, &self.key, &new, kdf)?);
        write_profile_file(&self.profile.dir, &file)?;
        if let (StoredKey::OsKeyring { service, account }, KeySource::Passphrase(_)) = (&old, &new) {
            keyring_delete(service, account)?;
        }
        tracing::info!(profile = %self.profile.id, mode = new.label(), "changed key protection");
        Ok(())
    }

    /// Closes everything and wipes the key from memory. Returns the locked profile.
    pub fn lock(self) -> Profile {
        self.index.clear_cache();
        let Vault { profile, .. } = self;
        profile
    }
}

fn read_profile_file(dir: &Path) -> Result<ProfileFile> {
    let path = dir.join(PROFILE_FILE);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(UserError::NoProfile(dir.to_owned()).into());
        }
        Err(e) => return Err(Error::io("read", path, e)),
    };
    #[derive(Deserialize)]
    struct Format {
        format: u64,
    }
    let format: Format = serde_json::from_slice(&bytes)
        .map_err(|e| crate::IntegrityError::new(PROFILE_FILE, format!("does not parse: {e}")))?;
    if format.format > PROFILE_FORMAT {
        return Err(UserError::TooNew {
            what: "profile file",
            found: format.format,
            supported: PROFILE_FORMAT,
        }
        .into());
    }
    Ok(serde_json::from_slice(&bytes)
        .map_err(|e| crate::IntegrityError::new(PROFILE_FILE, format!("does not parse: {e}")))?)
}

fn write_profile_file(dir: &Path, file: &ProfileFile) -> Result<()> {
    let json = serde_json::to_vec_pretty(file)?;
    let path = dir.join(PROFILE_FILE);
    write_atomically(&path, &json).map_err(|e| Error::io("write", path, e))
}

fn lock_profile(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io("open", &path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(UserError::ProfileBusy(dir.to_owned()).into()),
        Err(fs::TryLockError::Error(e)) => Err(Error::io("lock", path, e)),
    }
}

fn kdf(passphrase: &Passphrase, salt: &[u8], params: KdfParams) -> Result<Zeroizing<[u8; KEY_LEN]>> {
    let p = argon2::Params::new(params.m_kib, params.t, params.p, Some(KEY_LEN))
        .map_err(|_| UserError::Invalid("Argon2 parameters out of range".into()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(passphrase.bytes(), salt, out.as_mut())
        .map_err(|_| InternalError::Crypto("argon2id"))?;
    Ok(out)
}

fn store_key(profile_id: &str, key: &DataKey, source: &KeySource, params: KdfParams) -> Result<StoredKey> {
    match source {
        KeySource::OsKeyring => {
            let entry = keyring_entry(KEYRING_SERVICE, profile_id)?;
            let hex_key = Zeroizing::new(hex::encode(key.as_bytes()));
            entry.set_password(&hex_key).map_err(keyring_error)?;
            Ok(StoredKey::OsKeyring {
                service: KEYRING_SERVICE.to_owned(),
                account: profile_id.to_owned(),
            })
        }
        KeySource::Passphrase(pass) => {
            let salt = random_bytes::<16>();
            let nonce = random_bytes::<24>();
            let kek = kdf(pass, &salt, params)?;
            let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
            let wrapped = cipher
                .encrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: key.as_bytes(),
                        aad: profile_id.as_bytes(),
                    },
                )
                .map_err(|_| InternalError::Crypto("key wrap"))?;
            Ok(StoredKey::Passphrase {
                kdf: params,
                salt: hex::encode(salt),
                nonce: hex::encode(nonce),
                wrapped: hex::encode(wrapped),
            })
        }
    }
}

fn load_key(file: &ProfileFile, source: &KeySource) -> Result<DataKey> {
    let damaged = |what: &str| crate::IntegrityError::new(PROFILE_FILE, what.to_owned());
    match (&file.key, source) {
        (StoredKey::OsKeyring { service, account }, KeySource::OsKeyring) => {
            let entry = keyring_entry(service, account)?;
            let hex_key = match entry.get_password() {
                Ok(s) => Zeroizing::new(s),
                Err(keyring::Error::NoEntry) => {
                    return Err(UserError::KeyMissing {
                        store: keyring_store_name(),
                    }
                    .into());
                }
                Err(e) => return Err(keyring_error(e)),
            };
            let bytes = Zeroizing::new(hex::decode(hex_key.as_str()).map_err(|_| UserError::WrongKey)?);
            DataKey::from_bytes(&bytes).ok_or_else(|| UserError::WrongKey.into())
        }
        (
            StoredKey::Passphrase {
                kdf: params,
                salt,
                nonce,
                wrapped,
            },
            KeySource::Passphrase(pass),
        ) => {
            let salt = hex::decode(salt).map_err(|_| damaged("salt is not hex"))?;
            let nonce = hex::decode(nonce).map_err(|_| damaged("nonce is not hex"))?;
            let wrapped = hex::decode(wrapped).map_err(|_| damaged("wrapped key is not hex"))?;
            if nonce.len() != 24 {
                return Err(damaged("nonce has the wrong length").into());
            }
            let kek = kdf(pass, &salt, *params)?;
            let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
            let plain = Zeroizing::new(
                cipher
                    .decrypt(
                        XNonce::from_slice(&nonce),
                        Payload {
                            msg: &wrapped,
                            aad: file.id.as_bytes(),
                        },
                    )
                    .map_err(|_| UserError::WrongPassphrase)?,
            );
            DataKey::from_bytes(&plain).ok_or_else(|| damaged("wrapped key has the wrong length").into())
        }
        (stored, given) => Err(UserError::WrongUnlockMethod {
            expected: match stored {
                StoredKey::OsKeyring { .. } => "the OS credential store",
                StoredKey::Passphrase { .. } => "a passphrase",
            },
            given: given.label(),
        }
        .into()),
    }
}

fn keyring_store_name() -> String {
    if cfg!(target_os = "macos") {
        "macOS Keychain".into()
    } else if cfg!(windows) {
        "Windows Credential Manager".into()
    } else {
        "Secret Service".into()
    }
}

fn keyring_entry(service: &str, account: &str) -> Result<keyring::Entry> {
    if let Err(e) = keyring::Entry::store_status() {
        return Err(UserError::NoCredentialStore(e.to_string()).into());
    }
    keyring::Entry::new(service, account).map_err(keyring_error)
}

fn keyring_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoStorageAccess(inner) => UserError::NoCredentialStore(inner.to_string()).into(),
        keyring::Error::NoDefaultStore => UserError::NoCredentialStore("no default store".into()).into(),
        other => InternalError::Keyring(other.to_string()).into(),
    }
}

fn keyring_delete(service: &str, account: &str) -> Result<()> {
    let entry = keyring_entry(service, account)?;
    match entry.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}

/// Whether the OS credential store can be used right now: it answers a lookup of an entry that
/// does not exist with "no entry". (On Linux this needs a running, unlocked Secret Service.)
pub fn os_keyring_available() -> Result<()> {
    let entry = keyring_entry(KEYRING_SERVICE, "availability-probe")?;
    match entry.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}
