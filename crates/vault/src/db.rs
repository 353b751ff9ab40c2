//! The SQLCipher database: [`Db`] (connections and transactions), [`Tx`] (typed writes) and
//! [`Queries`] (typed reads, on both [`Tx`] and [`Reader`]).
//!
//! Every connection is opened with the raw 256-bit key and `cipher_page_size` before its first
//! read. There is no way to open the cache without a key: if the linked SQLite is not SQLCipher the
//! open fails ([`InternalError::NoSqlCipher`]).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dossier_model::{
    Annotation, AnnotationTarget, AuditRecord, ConversationKey, Department, Employee, Event, EventKind,
    ExternalContact, Grant, Group, Hit, Message, MsgId, RoomId, UserId,
};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior, params};
use zeroize::Zeroizing;

use crate::crypto::KEY_LEN;
use crate::error::{Error, IntegrityError, InternalError, Result, UserError};
use crate::evidence::{self, RawChunk};
use crate::schema;

/// SQLCipher page size in bytes, chosen by measurement (`benches/vault.rs`, 200k demo messages,
/// 32 MiB cache, 2 shared cores): encrypted bulk insert ran 19k rows/s at 4 KiB, 32k at 8 KiB and
/// 41k at 16 KiB, while warm random reads cost 13.8 / 15.1 / 18.0 µs per msgid lookup and
/// 324 / 295 / 332 µs per 50-message conversation page. Sync (bulk insert) is the heavy path, so
/// 16 KiB; reads give up ~20% on point lookups against 4 KiB.
pub const PAGE_SIZE: u32 = 16384;

/// Page cache of the writer connection, KiB (see `connect`).
pub const CACHE_KIB: u32 = 32 * 1024;

/// Page cache of the pooled reader connection, KiB.
///
/// SQLCipher authenticates (HMAC-SHA256) and decrypts a whole page each time one enters the page
/// cache: 10–14 µs for a 16 KiB page on the 2-core machine (SHA-NI), where plain SQLite copies the
/// page from the OS cache in ~2 µs. So page-cache misses are what separate the two, and the cache
/// must hold a reviewer's working set. Rows are stored in arrival order, so one 16 KiB page holds
/// ~44 messages of as many conversations: the 5,000 messages of 40 conversations touch ~5,000
/// table pages of a 1M-message cache. Measured (`benches/vault.rs`, `DOSSIER_BENCH_SWEEP=reads`,
/// 1M demo messages): lookups in that working set ran 3.0× plain at 32 MiB, 2.4× at 64 MiB and
/// 0.95× at 128 MiB. Memory: one reader keeps its cache ([`READER_POOL`]), so the database holds
/// at most 128 + 32 MiB of page cache between reads (DESIGN: ≤ 300 MB RSS browsing 1M messages).
pub const READER_CACHE_KIB: u32 = 128 * 1024;

/// Reader connections kept warm between reads. A single browsing thread always gets the warm one
/// back; a concurrent reader opens a connection (~1 ms with the raw key, cold cache) that is
/// closed afterwards — the oldest pooled connection (the warmest) is the one kept.
pub const READER_POOL: usize = 1;

/// File name of the database inside the profile's `db/` directory.
pub const DB_FILE: &str = "cache.db";

enum Keying {
    Key(Zeroizing<[u8; KEY_LEN]>),
    #[cfg(feature = "plaintext-bench")]
    Plain,
}

/// The encrypted database of a profile: one writer connection and a small pool of readers (WAL).
pub struct Db {
    path: PathBuf,
    shown: PathBuf,
    keying: Keying,
    page_size: u32,
    reader_cache_kib: u32,
    writer: Mutex<Connection>,
    /// Threads waiting for `writer` ([`Db::writer_wanted`]).
    writer_waiting: std::sync::atomic::AtomicUsize,
    /// Pooled readers with their opening order (lower = older = warmer).
    readers: Mutex<Vec<(u64, Connection)>>,
    opened: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({:?})", self.shown)
    }
}

impl Db {
    /// Opens (creating if needed) the database at `path` with `key`, migrating it to the latest
    /// schema. `shown` is the name used in integrity errors.
    pub(crate) fn open(path: &Path, shown: PathBuf, key: Zeroizing<[u8; KEY_LEN]>) -> Result<Self> {
        Self::open_keyed(path, shown, Keying::Key(key), schema::LATEST)
    }

    /// Opens at a given schema version (migration tests).
    #[cfg(test)]
    pub(crate) fn open_at_version(path: &Path, key: Zeroizing<[u8; KEY_LEN]>, version: u32) -> Result<Self> {
        Self::open_keyed(path, path.to_owned(), Keying::Key(key), version)
    }

    /// Opens an **unencrypted** database with the same schema and code paths, for the benchmark's
    /// baseline only. Not compiled into the product (feature `plaintext-bench`).
    #[cfg(feature = "plaintext-bench")]
    /// `cache_kib`: (writer, readers) page cache.
    pub fn open_plaintext_for_benchmark(path: &Path, page_size: u32, cache_kib: (u32, u32)) -> Result<Self> {
        Self::open_with(
            path,
            path.to_owned(),
            Keying::Plain,
            schema::LATEST,
            page_size,
            cache_kib,
        )
    }

    /// Opens an encrypted database with a random key and the given page size, for the benchmark's
    /// page-size measurement only (feature `plaintext-bench`).
    #[cfg(feature = "plaintext-bench")]
    pub fn open_encrypted_for_benchmark(path: &Path, page_size: u32, cache_kib: (u32, u32)) -> Result<Self> {
        let key = Zeroizing::new(crate::crypto::random_bytes::<KEY_LEN>());
        Self::open_with(
            path,
            path.to_owned(),
            Keying::Key(key),
            schema::LATEST,
            page_size,
            cache_kib,
        )
    }

    fn open_keyed(path: &Path, shown: PathBuf, keying: Keying, version: u32) -> Result<Self> {
        Self::open_with(
            path,
            shown,
            keying,
            version,
            PAGE_SIZE,
            (CACHE_KIB, READER_CACHE_KIB),
        )
    }

    fn open_with(
        path: &Path,
        shown: PathBuf,
        keying: Keying,
        version: u32,
        page_size: u32,
        (writer_cache_kib, reader_cache_kib): (u32, u32),
    ) -> Result<Self> {
        let mut writer = connect(path, &shown, &keying, page_size, writer_cache_kib)?;
        schema::migrate_to(&mut writer, version).map_err(|e| classify(e, &shown))?;
        Ok(Self {
            path: path.to_owned(),
            shown,
            keying,
            page_size,
            reader_cache_kib,
            writer: Mutex::new(writer),
            writer_waiting: std::sync::atomic::AtomicUsize::new(0),
            readers: Mutex::new(Vec::new()),
            opened: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in an immediate (write) transaction; commits when it returns `Ok`, rolls back
    /// otherwise. One writer at a time.
    pub fn write<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock_writer();
        let run = || -> Result<T> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let wrapped = Tx {
                tx,
                evidence: RefCell::new(evidence::Pending::default()),
            };
            let out = f(&wrapped)?;
            wrapped.evidence.borrow_mut().flush(&wrapped.tx)?;
            wrapped.tx.commit()?;
            Ok(out)
        };
        run().map_err(|e| classify(e, &self.shown))
    }

    /// Runs `f` on a read snapshot (a deferred transaction on a pooled reader connection), which
    /// does not wait for the writer.
    pub fn read<T>(&self, f: impl FnOnce(&Reader<'_>) -> Result<T>) -> Result<T> {
        self.with_reader(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let out = f(&Reader { conn: &tx })?;
            tx.finish()?;
            Ok(out)
        })
    }

    /// Copies what the WAL holds into the database file as far as readers allow, without waiting
    /// for the writer, which goes on meanwhile: a bulk writer (sync) checkpoints on another
    /// thread instead of stopping for it. Returns the number of frames (pages) in the WAL.
    pub fn checkpoint_passive(&self) -> Result<u64> {
        self.with_reader(|conn| {
            let frames: i64 = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))?;
            Ok(frames.max(0) as u64)
        })
    }

    /// Runs `f` on a pooled reader connection, outside any transaction.
    fn with_reader<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let pooled = {
            let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            // The oldest connection has the warmest page cache.
            let oldest = (0..pool.len()).min_by_key(|&i| pool[i].0);
            oldest.map(|i| pool.swap_remove(i))
        };
        let (seq, mut conn) = match pooled {
            Some(c) => c,
            None => (
                self.opened.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                connect(
                    &self.path,
                    &self.shown,
                    &self.keying,
                    self.page_size,
                    self.reader_cache_kib,
                )?,
            ),
        };
        let out = f(&mut conn);
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        pool.push((seq, conn));
        if pool.len() > READER_POOL {
            // Close the newest (coldest) connection.
            if let Some(newest) = (0..pool.len()).max_by_key(|&i| pool[i].0) {
                drop(pool.swap_remove(newest));
            }
        }
        drop(pool);
        out.map_err(|e| classify(e, &self.shown))
    }

    fn lock_writer(&self) -> std::sync::MutexGuard<'_, Connection> {
        use std::sync::atomic::Ordering::SeqCst;
        match self.writer.try_lock() {
            Ok(conn) => return conn,
            Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {}
        }
        self.writer_waiting.fetch_add(1, SeqCst);
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        self.writer_waiting.fetch_sub(1, SeqCst);
        conn
    }

    /// Whether another thread waits to write: a long write (a sync's round) should commit soon
    /// and let it in.
    pub fn writer_wanted(&self) -> bool {
        self.writer_waiting.load(std::sync::atomic::Ordering::SeqCst) > 0
    }

    /// Checkpoints the WAL into the main file (for instance before a backup).
    pub fn checkpoint(&self) -> Result<()> {
        let conn = self.lock_writer();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(|e| classify(e.into(), &self.shown))
    }

    /// Runs SQLite's full consistency check and SQLCipher's page HMAC check; an [`IntegrityError`]
    /// names the database when either fails.
    pub fn verify(&self) -> Result<()> {
        let conn = self.lock_writer();
        let run = || -> Result<()> {
            if matches!(self.keying, Keying::Key(_)) {
                let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
                let problems: Vec<String> = stmt
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<_>>()?;
                if !problems.is_empty() {
                    return Err(IntegrityError::new(&self.shown, problems.join("; ")).into());
                }
            }
            let ok: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
            if ok != "ok" {
                return Err(IntegrityError::new(&self.shown, ok).into());
            }
            Ok(())
        };
        run().map_err(|e| classify(e, &self.shown))
    }
}

// The one place the cache database is opened; the key is applied before the first read.
#[allow(clippy::disallowed_methods)]
fn connect(path: &Path, shown: &Path, keying: &Keying, page_size: u32, cache_kib: u32) -> Result<Connection> {
    let conn = Connection::open(path)?;
    match keying {
        Keying::Key(key) => {
            let version: Option<String> = conn
                .query_row("PRAGMA cipher_version", [], |r| r.get(0))
                .optional()?;
            if version.as_deref().is_none_or(str::is_empty) {
                return Err(InternalError::NoSqlCipher.into());
            }
            let hex_key = Zeroizing::new(hex::encode(key.as_ref()));
            let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex_key.as_str()));
            conn.execute_batch(&pragma)?;
            // HMAC-SHA256 rather than SQLCipher 4's default SHA-512: with SHA extensions (x86 since
            // Ice Lake / Zen, Apple silicon) it authenticates a page about twice as fast, and
            // page authentication is most of SQLCipher's read cost. Part of the file format: set
            // at every open, like the page size.
            conn.execute_batch(&format!(
                "PRAGMA cipher_page_size = {page_size}; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;"
            ))?;
            // Memory wiping/locking of every SQLite allocation (off by default since SQLCipher
            // 4.5; pinned here because it taxes every read). The key itself stays in
            // `Zeroizing` buffers on our side.
            conn.execute_batch("PRAGMA cipher_memory_security = OFF;")?;
        }
        #[cfg(feature = "plaintext-bench")]
        Keying::Plain => {
            conn.execute_batch(&format!("PRAGMA page_size = {page_size};"))?;
        }
    }
    // The first read decrypts page 1: a wrong key or a damaged header shows here.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
        .map_err(|e| classify(e.into(), shown))?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA foreign_keys = ON;",
    )?;
    // SQLCipher decrypts and authenticates a page each time it enters the page cache, so the cache
    // must hold the working set: the default 2 MiB made warm point reads 8× slower than plain.
    conn.execute_batch(&format!("PRAGMA cache_size = -{cache_kib};"))?;
    Ok(conn)
}

/// Maps SQLite's "corrupt" and "not a database" (what SQLCipher reports when a page fails its
/// HMAC) to an integrity error naming the database.
fn classify(e: Error, shown: &Path) -> Error {
    if let Error::Internal(InternalError::Sqlite(rusqlite::Error::SqliteFailure(f, _))) = &e
        && matches!(f.code, ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    {
        return IntegrityError::new(
            shown,
            format!("{e} (a page does not authenticate or the file is damaged)"),
        )
        .into();
    }
    e
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The text key the database uses for a conversation: `s:<a>\u{1f}<b>` or `g:<roomid>`.
pub fn conv_key(key: &ConversationKey) -> String {
    match key {
        ConversationKey::Single(a, b) => format!("s:{}\u{1f}{}", a.0, b.0),
        ConversationKey::Group(room) => format!("g:{}", room.0),
    }
}

/// Parses [`conv_key`] output.
pub fn parse_conv_key(s: &str) -> Option<ConversationKey> {
    if let Some(room) = s.strip_prefix("g:") {
        return Some(ConversationKey::Group(RoomId(room.to_owned())));
    }
    let (a, b) = s.strip_prefix("s:")?.split_once('\u{1f}')?;
    Some(ConversationKey::Single(
        UserId(a.to_owned()),
        UserId(b.to_owned()),
    ))
}

/// The `msgid` and `conv` columns of an annotation row: one of them is set.
fn annotation_target(a: &Annotation) -> (Option<String>, Option<String>) {
    match &a.target {
        AnnotationTarget::Message { msgid, .. } => (Some(msgid.0.clone()), None),
        AnnotationTarget::Conversation(c) => (None, Some(conv_key(c))),
    }
}

fn to_i64(what: &str, v: u64) -> Result<i64> {
    i64::try_from(v)
        .map_err(|_| UserError::Invalid(format!("{what} {v} exceeds the database's integer range")).into())
}

fn json_str<T: serde::Serialize>(v: &T) -> Result<String> {
    Ok(serde_json::to_string(v)?)
}

/// A short stable name for an enum that serialises as a string (`snake_case` serde names).
fn enum_name<T: serde::Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v)? {
        serde_json::Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

/// A message as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredMessage {
    /// Local row id (what the search index stores).
    pub id: i64,
    /// The message.
    pub message: Message,
    /// `Content::text()`, as stored for display and search.
    pub text: String,
    /// The change-feed seq that delivered it.
    pub feed_seq: i64,
}

/// Whether [`Tx::put_message`] added a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    /// A new row with this id.
    Inserted(i64),
    /// The msgid was already stored under this id; nothing changed.
    Existing(i64),
}

impl Put {
    /// The row id either way.
    pub fn id(self) -> i64 {
        match self {
            Put::Inserted(id) | Put::Existing(id) => id,
        }
    }
}

/// A conversation summary row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationRow {
    /// Which conversation.
    pub key: ConversationKey,
    /// Earliest message time, ms.
    pub first_time: i64,
    /// Latest message time, ms.
    pub last_time: i64,
    /// Number of cached messages.
    pub messages: i64,
}

/// Rule hits counted over some messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HitCounts {
    /// Hit rows.
    pub hits: i64,
    /// Messages with at least one hit.
    pub messages: i64,
}

/// What one participant's conversations hold ([`Queries::participant_stats`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParticipantStats {
    /// The participant.
    pub userid: UserId,
    /// Conversations they take part in.
    pub conversations: i64,
    /// Those with at least one hit.
    pub conversations_with_hits: i64,
    /// Hits over all their conversations.
    pub hits: HitCounts,
    /// Latest message time of their conversations, ms.
    pub last_time: Option<i64>,
}

/// A position in a conversation (time, row id) used to page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// Message time, ms.
    pub msgtime: i64,
    /// Row id (breaks ties between messages of the same millisecond).
    pub id: i64,
}

/// Which way to page from an anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Older messages, newest first.
    Before,
    /// Newer messages, oldest first.
    After,
}

/// A media record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaRow {
    /// The SDK file id.
    pub sdkfileid: String,
    /// The blob's id in the media store.
    pub blob: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// MIME type when known.
    pub mime: Option<String>,
    /// The thumbnail's blob id, when one was made.
    pub thumb: Option<String>,
}

/// An outbox item waiting to be sent to the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxItem {
    /// Queue id.
    pub id: i64,
    /// What it is (`annotation`, …); the sync crate defines the kinds.
    pub kind: String,
    /// Payload, JSON.
    pub payload: String,
    /// When queued, ms.
    pub created_at: i64,
    /// Failed attempts so far.
    pub attempts: i64,
}

/// A local (not yet accepted) annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalAnnotation {
    /// The annotation as edited.
    pub annotation: Annotation,
    /// The server version the edit started from (0: created offline).
    pub base_version: u64,
}

/// Typed reads, available inside [`Db::read`] and [`Db::write`].
pub trait Queries {
    /// The underlying connection, for queries this crate does not offer yet.
    fn sql(&self) -> &Connection;

    /// The last applied change-feed seq (0 when nothing was applied).
    fn cursor(&self) -> Result<i64> {
        Ok(self
            .sql()
            .query_row("SELECT value FROM sync_state WHERE key = 'cursor'", [], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or(0))
    }

    /// A message by msgid.
    fn message(&self, msgid: &str) -> Result<Option<StoredMessage>> {
        let mut stmt = self
            .sql()
            .prepare_cached(&format!("{SELECT_MESSAGE} WHERE msgid = ?1"))?;
        let row = stmt.query_row([msgid], message_row).optional()?;
        row.transpose()
    }

    /// Messages by row id, in the order of `ids` (missing ids are skipped).
    fn messages_by_ids(&self, ids: &[i64]) -> Result<Vec<StoredMessage>> {
        let mut stmt = self
            .sql()
            .prepare_cached(&format!("{SELECT_MESSAGE} WHERE id = ?1"))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(m) = stmt.query_row([id], message_row).optional()? {
                out.push(m?);
            }
        }
        Ok(out)
    }

    /// The raw WeCom record kept as evidence.
    fn raw_message(&self, msgid: &str) -> Result<Option<String>> {
        evidence::read(self.sql(), msgid)
    }

    /// Every kept raw record with its message's row id, in row id order.
    fn each_raw_message(&self, f: &mut dyn FnMut(i64, &str) -> Result<()>) -> Result<()> {
        evidence::each(self.sql(), f)
    }

    /// A page of a conversation. Without an anchor: the newest `limit` messages (`Before`) or the
    /// oldest (`After`). `Before` returns newest first, `After` oldest first.
    fn conversation_page(
        &self,
        conv: &ConversationKey,
        anchor: Option<Anchor>,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<StoredMessage>> {
        let key = conv_key(conv);
        let (min, max) = (
            Anchor {
                msgtime: i64::MIN,
                id: i64::MIN,
            },
            Anchor {
                msgtime: i64::MAX,
                id: i64::MAX,
            },
        );
        let sql = match direction {
            Direction::Before => format!(
                "{SELECT_MESSAGE} WHERE conv = ?1 AND (msgtime, id) < (?2, ?3) ORDER BY msgtime DESC, id DESC LIMIT ?4"
            ),
            Direction::After => format!(
                "{SELECT_MESSAGE} WHERE conv = ?1 AND (msgtime, id) > (?2, ?3) ORDER BY msgtime ASC, id ASC LIMIT ?4"
            ),
        };
        let a = anchor.unwrap_or(if direction == Direction::Before { max } else { min });
        let mut stmt = self.sql().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![key, a.msgtime, a.id, limit as i64], message_row)?;
        let mut out = Vec::with_capacity(limit);
        for r in rows {
            out.push(r??);
        }
        Ok(out)
    }

    /// Conversations a participant (employee or customer) takes part in, most recent first:
    /// single chats by participant, group chats by membership or by room.
    fn conversations_of(&self, userid: &UserId) -> Result<Vec<ConversationRow>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT conv, first_time, last_time, messages FROM conversations WHERE a = ?1 OR b = ?1
             UNION
             SELECT c.conv, c.first_time, c.last_time, c.messages FROM conversations c
               JOIN group_members m ON m.roomid = c.roomid WHERE m.userid = ?1
             ORDER BY 3 DESC",
        )?;
        let rows = stmt.query_map([&userid.0], conversation_row)?;
        rows.filter_map(|r| r.transpose())
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Into::into)
    }

    /// A conversation's summary.
    fn conversation(&self, conv: &ConversationKey) -> Result<Option<ConversationRow>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT conv, first_time, last_time, messages FROM conversations WHERE conv = ?1",
        )?;
        Ok(stmt
            .query_row([conv_key(conv)], conversation_row)
            .optional()?
            .flatten())
    }

    /// All employees, by name.
    fn employees(&self) -> Result<Vec<Employee>> {
        json_rows(self.sql(), "SELECT json FROM employees ORDER BY name, userid", [])
    }

    /// One employee.
    fn employee(&self, userid: &UserId) -> Result<Option<Employee>> {
        Ok(json_rows(
            self.sql(),
            "SELECT json FROM employees WHERE userid = ?1",
            [&userid.0],
        )?
        .pop())
    }

    /// All departments.
    fn departments(&self) -> Result<Vec<Department>> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT id, name, parentid, ord FROM departments ORDER BY parentid, ord, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(Department {
                id: r.get::<_, i64>(0)? as u64,
                name: r.get(1)?,
                parentid: r.get::<_, i64>(2)? as u64,
                order: r.get::<_, i64>(3)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One external contact.
    fn contact(&self, external_userid: &UserId) -> Result<Option<ExternalContact>> {
        Ok(json_rows(
            self.sql(),
            "SELECT json FROM contacts WHERE external_userid = ?1",
            [&external_userid.0],
        )?
        .pop())
    }

    /// The external contacts an employee follows.
    fn contacts_of(&self, userid: &UserId) -> Result<Vec<ExternalContact>> {
        json_rows(
            self.sql(),
            "SELECT c.json FROM contacts c JOIN contact_followers f ON f.external_userid = c.external_userid
             WHERE f.userid = ?1 ORDER BY c.name",
            [&userid.0],
        )
    }

    /// One group.
    fn group(&self, roomid: &RoomId) -> Result<Option<Group>> {
        Ok(json_rows(
            self.sql(),
            "SELECT json FROM chat_groups WHERE roomid = ?1",
            [&roomid.0],
        )?
        .pop())
    }

    /// Events in a time range (seconds, `[from, to)`).
    fn events(&self, from: i64, to: i64) -> Result<Vec<Event>> {
        json_rows(
            self.sql(),
            "SELECT json FROM events WHERE time >= ?1 AND time < ?2 ORDER BY time, id",
            [from, to],
        )
    }

    /// Hits on a message.
    fn hits_for(&self, msgid: &MsgId) -> Result<Vec<Hit>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT msgid, rule, kind, word, span_start, span_end, severity FROM hits WHERE msgid = ?1 ORDER BY span_start, id",
        )?;
        let rows = stmt.query_map([&msgid.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (msgid, rule, kind, word, start, end, severity) = row?;
            out.push(Hit {
                msgid: MsgId(msgid),
                rule,
                kind: serde_json::from_value(serde_json::Value::String(kind))?,
                word,
                start: start as usize,
                end: end as usize,
                severity: serde_json::from_value(serde_json::Value::String(severity))?,
            });
        }
        Ok(out)
    }

    /// Annotations on a message (server copies; tombstones included).
    fn annotations_for_message(&self, msgid: &MsgId) -> Result<Vec<Annotation>> {
        json_rows(
            self.sql(),
            "SELECT json FROM annotations WHERE msgid = ?1 ORDER BY updated_at, id",
            [&msgid.0],
        )
    }

    /// Annotations on a conversation as a whole.
    fn annotations_for_conversation(&self, conv: &ConversationKey) -> Result<Vec<Annotation>> {
        json_rows(
            self.sql(),
            "SELECT json FROM annotations WHERE conv = ?1 ORDER BY updated_at, id",
            [conv_key(conv)],
        )
    }

    /// Local annotation edits not yet accepted by the server.
    fn local_annotations(&self) -> Result<Vec<LocalAnnotation>> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT base_version, json FROM local_annotations ORDER BY updated_at, id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (base, json) = row?;
            out.push(LocalAnnotation {
                annotation: serde_json::from_str(&json)?,
                base_version: base as u64,
            });
        }
        Ok(out)
    }

    /// The grants currently in force.
    fn grants(&self) -> Result<Vec<Grant>> {
        json_rows(self.sql(), "SELECT json FROM grants ORDER BY id", [])
    }

    /// The read mark of a conversation.
    fn read_mark(&self, conv: &ConversationKey) -> Result<Option<Anchor>> {
        Ok(self
            .sql()
            .query_row(
                "SELECT msgtime, message_id FROM read_marks WHERE conv = ?1",
                [conv_key(conv)],
                |r| {
                    Ok(Anchor {
                        msgtime: r.get(0)?,
                        id: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// A setting.
    fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .sql()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// The oldest `limit` outbox items.
    fn outbox(&self, limit: usize) -> Result<Vec<OutboxItem>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, kind, payload, created_at, attempts FROM outbox ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(OutboxItem {
                id: r.get(0)?,
                kind: r.get(1)?,
                payload: r.get(2)?,
                created_at: r.get(3)?,
                attempts: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The oldest `limit` queued audit records, with their queue ids.
    fn audit_queue(&self, limit: usize) -> Result<Vec<(i64, AuditRecord)>> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT id, at, actor, action FROM audit_queue ORDER BY id LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, actor, action) = row?;
            out.push((
                id,
                AuditRecord {
                    at,
                    actor,
                    action: serde_json::from_str(&action)?,
                },
            ));
        }
        Ok(out)
    }

    /// The media record of an SDK file id.
    fn media(&self, sdkfileid: &str) -> Result<Option<MediaRow>> {
        Ok(self
            .sql()
            .query_row(
                "SELECT sdkfileid, blob, size, sha256, mime, thumb FROM media WHERE sdkfileid = ?1",
                [sdkfileid],
                |r| {
                    Ok(MediaRow {
                        sdkfileid: r.get(0)?,
                        blob: r.get(1)?,
                        size: r.get::<_, i64>(2)? as u64,
                        sha256: r.get(3)?,
                        mime: r.get(4)?,
                        thumb: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// SDK file ids referenced by cached messages whose media is not stored yet (up to `limit`).
    fn missing_media(&self, limit: usize) -> Result<Vec<String>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT DISTINCT m.sdkfileid FROM messages m LEFT JOIN media x ON x.sdkfileid = m.sdkfileid
             WHERE m.sdkfileid IS NOT NULL AND x.sdkfileid IS NULL LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Rule hits on a conversation's messages (kept by triggers, one row read).
    fn conversation_hits(&self, conv: &ConversationKey) -> Result<HitCounts> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT hits, hit_messages FROM conv_hits WHERE conv = ?1")?;
        Ok(stmt
            .query_row([conv_key(conv)], |r| {
                Ok(HitCounts {
                    hits: r.get(0)?,
                    messages: r.get(1)?,
                })
            })
            .optional()?
            .unwrap_or_default())
    }

    /// Per participant (employee or customer) of any cached conversation: conversations, those
    /// with hits, hits and the latest message time. Single chats count for both sides, group
    /// chats for every member. Reads the conversation summaries, never the messages.
    fn participant_stats(&self) -> Result<Vec<ParticipantStats>> {
        let mut stmt = self.sql().prepare_cached(
            "WITH pc(userid, conv, last_time) AS (
                 SELECT a, conv, last_time FROM conversations WHERE a IS NOT NULL
                 UNION ALL SELECT b, conv, last_time FROM conversations WHERE b IS NOT NULL AND b <> a
                 UNION ALL SELECT m.userid, c.conv, c.last_time FROM conversations c
                     JOIN group_members m ON m.roomid = c.roomid)
             SELECT pc.userid, count(*), count(h.conv), coalesce(sum(h.hits), 0),
                    coalesce(sum(h.hit_messages), 0), max(pc.last_time)
             FROM pc LEFT JOIN conv_hits h ON h.conv = pc.conv GROUP BY pc.userid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ParticipantStats {
                userid: UserId(r.get(0)?),
                conversations: r.get(1)?,
                conversations_with_hits: r.get(2)?,
                hits: HitCounts {
                    hits: r.get(3)?,
                    messages: r.get(4)?,
                },
                last_time: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All external contacts, by name.
    fn contacts(&self) -> Result<Vec<ExternalContact>> {
        json_rows(
            self.sql(),
            "SELECT json FROM contacts ORDER BY name, external_userid",
            [],
        )
    }

    /// All groups, by name.
    fn groups(&self) -> Result<Vec<Group>> {
        json_rows(
            self.sql(),
            "SELECT json FROM chat_groups ORDER BY name, roomid",
            [],
        )
    }

    /// Events naming an external contact, oldest first.
    fn events_of_contact(&self, external_userid: &UserId) -> Result<Vec<Event>> {
        json_rows(
            self.sql(),
            "SELECT json FROM events WHERE external_userid = ?1 ORDER BY time, id",
            [&external_userid.0],
        )
    }

    /// Revocations in a conversation between two times (ms, inclusive): (revoked msgid, the
    /// revoke record's time). Uses the conversation/time index, so a page asks for its own window.
    fn revocations(&self, conv: &ConversationKey, from: i64, to: i64) -> Result<Vec<(MsgId, i64)>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT json_extract(content, '$.pre_msgid'), msgtime FROM messages
             WHERE conv = ?1 AND msgtime >= ?2 AND msgtime <= ?3 AND msgtype = 'revoke'",
        )?;
        let rows = stmt.query_map(params![conv_key(conv), from, to], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            if let (Some(id), at) = row? {
                out.push((MsgId(id), at));
            }
        }
        Ok(out)
    }

    /// Number of annotations (server copies, tombstones excluded) on a message.
    fn annotation_count(&self, msgid: &MsgId) -> Result<i64> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT count(*) FROM annotations WHERE msgid = ?1 AND deleted = 0")?;
        Ok(stmt.query_row([&msgid.0], |r| r.get(0))?)
    }

    /// Number of cached messages.
    fn message_count(&self) -> Result<i64> {
        Ok(self
            .sql()
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?)
    }
}

const SELECT_MESSAGE: &str = "SELECT id, msgid, archive_seq, action, sender, tolist, roomid, msgtime, content, text, feed_seq FROM messages";

fn message_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<StoredMessage>> {
    let id: i64 = r.get(0)?;
    let msgid: String = r.get(1)?;
    let seq: Option<Vec<u8>> = r.get(2)?;
    let action: String = r.get(3)?;
    let from: String = r.get(4)?;
    let tolist: String = r.get(5)?;
    let roomid: Option<String> = r.get(6)?;
    let msgtime: i64 = r.get(7)?;
    let content: String = r.get(8)?;
    let text: String = r.get(9)?;
    let feed_seq: i64 = r.get(10)?;
    Ok((|| {
        Ok(StoredMessage {
            id,
            message: Message {
                msgid: MsgId(msgid),
                seq: seq
                    .and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok())
                    .map(u64::from_be_bytes),
                action: dossier_model::Action::from_wire(&action),
                from: UserId(from),
                tolist: serde_json::from_str(&tolist)?,
                roomid: roomid.map(RoomId),
                msgtime,
                content: serde_json::from_str(&content)?,
            },
            text,
            feed_seq,
        })
    })())
}

fn conversation_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<ConversationRow>> {
    let key: String = r.get(0)?;
    Ok(parse_conv_key(&key).map(|key| ConversationRow {
        key,
        first_time: r.get(1).unwrap_or(0),
        last_time: r.get(2).unwrap_or(0),
        messages: r.get(3).unwrap_or(0),
    }))
}

fn json_rows<T: serde::de::DeserializeOwned, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    p: P,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(p, |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(serde_json::from_str(&row?)?);
    }
    Ok(out)
}

/// A read snapshot.
pub struct Reader<'c> {
    conn: &'c Connection,
}

impl Queries for Reader<'_> {
    fn sql(&self) -> &Connection {
        self.conn
    }
}

/// A message with the column values the vault derives from it (its text, its content and
/// receivers as JSON, its conversation), computed outside the write transaction: a sync
/// prepares rows on another thread than the one that writes them.
#[derive(Clone, Debug)]
pub struct MessageRow {
    /// The message.
    pub message: Message,
    /// `Content::text()`: what reviewers read and search finds.
    pub text: String,
    conv: ConversationKey,
    key: String,
    content: String,
    tolist: String,
}

impl MessageRow {
    /// Derives the row of `message`.
    pub fn new(message: Message) -> Result<Self> {
        let conv = message.conversation();
        Ok(MessageRow {
            text: message.content.text(),
            key: conv_key(&conv),
            conv,
            content: json_str(&message.content)?,
            tolist: json_str(&message.tolist)?,
            message,
        })
    }
}

/// Messages stored but not yet counted in their conversation rows ([`Tx::put_message_tallied`]).
#[derive(Debug, Default)]
pub struct ConversationTally(std::collections::HashMap<String, Tallied>);

#[derive(Debug)]
struct Tallied {
    conv: ConversationKey,
    first: i64,
    last: i64,
    messages: i64,
}

impl ConversationTally {
    fn count(&mut self, key: &str, conv: &ConversationKey, msgtime: i64) {
        match self.0.get_mut(key) {
            Some(t) => {
                t.first = t.first.min(msgtime);
                t.last = t.last.max(msgtime);
                t.messages += 1;
            }
            None => {
                let t = Tallied {
                    conv: conv.clone(),
                    first: msgtime,
                    last: msgtime,
                    messages: 1,
                };
                self.0.insert(key.to_owned(), t);
            }
        }
    }
}

/// A write transaction. Every method is part of the same transaction; it commits when the closure
/// given to [`Db::write`] returns `Ok`.
pub struct Tx<'c> {
    tx: Transaction<'c>,
    /// Raw records not yet in a chunk; written before the transaction commits.
    evidence: RefCell<evidence::Pending>,
}

impl Queries for Tx<'_> {
    fn sql(&self) -> &Connection {
        &self.tx
    }

    fn raw_message(&self, msgid: &str) -> Result<Option<String>> {
        self.evidence.borrow_mut().flush(&self.tx)?;
        evidence::read(&self.tx, msgid)
    }

    fn each_raw_message(&self, f: &mut dyn FnMut(i64, &str) -> Result<()>) -> Result<()> {
        self.evidence.borrow_mut().flush(&self.tx)?;
        evidence::each(&self.tx, f)
    }
}

impl Tx<'_> {
    /// Records the last applied change-feed seq (do it in the same transaction as the data).
    pub fn set_cursor(&self, seq: i64) -> Result<()> {
        self.tx.execute(
            "INSERT INTO sync_state (key, value) VALUES ('cursor', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [seq],
        )?;
        Ok(())
    }

    /// Stores a message (idempotent by msgid). `raw` is the WeCom record as archived, kept as
    /// evidence; `feed_seq` the change that delivered it.
    pub fn put_message(&self, message: &Message, raw: Option<&str>, feed_seq: i64) -> Result<Put> {
        let mut tally = ConversationTally::default();
        let row = MessageRow::new(message.clone())?;
        let put = self.put_message_tallied(&row, raw, feed_seq, &mut tally, false)?;
        self.write_tally(&mut tally)?;
        Ok(put)
    }

    /// [`Tx::put_message`] of a prepared row that counts the message into `tally` instead of its
    /// conversation row: a bulk writer writes each conversation's row once ([`Tx::write_tally`])
    /// rather than once per message (a row update and two index moves each). The rows are
    /// behind until then. `hitless` promises that no stored hit names the message, which spares
    /// looking for hits that arrived before it.
    pub fn put_message_tallied(
        &self,
        row: &MessageRow,
        raw: Option<&str>,
        feed_seq: i64,
        tally: &mut ConversationTally,
        hitless: bool,
    ) -> Result<Put> {
        let message = &row.message;
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO messages (msgid, archive_seq, action, sender, tolist, roomid, conv, msgtime, msgtype,
                                   text, content, sdkfileid, feed_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (msgid) DO NOTHING",
        )?;
        let changed = insert.execute(params![
            message.msgid.0,
            message.seq.map(u64::to_be_bytes),
            message.action.as_str(),
            message.from.0,
            row.tolist,
            message.group().map(|r| r.0.as_str()),
            row.key,
            message.msgtime,
            message.msgtype(),
            row.text,
            row.content,
            message.content.media().map(|m| m.sdkfileid),
            feed_seq,
        ])?;
        if changed == 0 {
            let id = self.tx.query_row(
                "SELECT id FROM messages WHERE msgid = ?1",
                [&message.msgid.0],
                |r| r.get(0),
            )?;
            return Ok(Put::Existing(id));
        }
        let id = self.tx.last_insert_rowid();
        if let Some(raw) = raw {
            self.put_raw(id, raw)?;
        }
        tally.count(&row.key, &row.conv, message.msgtime);
        if hitless {
            return Ok(Put::Inserted(id));
        }
        // Hits that arrived before their message are counted now, and get its time.
        let mut early = self
            .tx
            .prepare_cached("UPDATE hits SET msgtime = ?2 WHERE msgid = ?1")?;
        let hits = early.execute(params![message.msgid.0, message.msgtime])?;
        if hits > 0 {
            let mut count = self.tx.prepare_cached(
                "INSERT INTO conv_hits (conv, hits, hit_messages) VALUES (?1, ?2, 1)
                 ON CONFLICT (conv) DO UPDATE SET hits = hits + excluded.hits, hit_messages = hit_messages + 1",
            )?;
            count.execute(params![row.key, hits as i64])?;
        }
        Ok(Put::Inserted(id))
    }

    /// Keeps `raw`, the WeCom record of the new message row `id`, as its evidence (for rows
    /// [`Tx::put_message_tallied`] stored without).
    pub fn put_raw(&self, id: i64, raw: &str) -> Result<()> {
        self.evidence.borrow_mut().push(&self.tx, id, raw)
    }

    /// Keeps `chunk` as the evidence of the new message rows `first..first + chunk.len()`, which
    /// must be the rows of its records, inserted in that order (a bulk writer compresses them on
    /// another thread before they have ids: [`crate::RawChunker`]).
    pub fn put_raw_chunk(&self, first: i64, chunk: RawChunk) -> Result<()> {
        self.evidence.borrow_mut().put_sealed(&self.tx, first, chunk)
    }

    /// Adds what `tally` counted to the conversation rows, and empties it.
    pub fn write_tally(&self, tally: &mut ConversationTally) -> Result<()> {
        let mut upsert = self.tx.prepare_cached(
            "INSERT INTO conversations (conv, kind, a, b, roomid, first_time, last_time, messages)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (conv) DO UPDATE SET first_time = min(first_time, excluded.first_time),
                 last_time = max(last_time, excluded.last_time), messages = messages + excluded.messages",
        )?;
        for (key, c) in tally.0.drain() {
            let (kind, a, b, room) = match &c.conv {
                ConversationKey::Single(a, b) => ("single", Some(a.0.as_str()), Some(b.0.as_str()), None),
                ConversationKey::Group(r) => ("group", None, None, Some(r.0.as_str())),
            };
            upsert.execute(params![key, kind, a, b, room, c.first, c.last, c.messages])?;
        }
        Ok(())
    }

    /// Deletes a message (scope shrink), with its hits and conversation count. Returns its row id,
    /// which the caller removes from the search index.
    pub fn delete_message(&self, msgid: &MsgId) -> Result<Option<i64>> {
        let row: Option<(i64, String)> = self
            .tx
            .query_row(
                "SELECT id, conv FROM messages WHERE msgid = ?1",
                [&msgid.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, conv)) = row else { return Ok(None) };
        self.tx.execute("DELETE FROM messages WHERE id = ?1", [id])?;
        self.evidence.borrow_mut().remove(id);
        self.tx.execute("DELETE FROM hits WHERE msgid = ?1", [&msgid.0])?;
        self.tx.execute(
            "UPDATE conversations SET messages = messages - 1 WHERE conv = ?1",
            [&conv],
        )?;
        self.tx.execute(
            "DELETE FROM conversations WHERE conv = ?1 AND messages <= 0",
            [&conv],
        )?;
        Ok(Some(id))
    }

    /// Replaces a department.
    pub fn put_department(&self, d: &Department) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO departments (id, name, parentid, ord) VALUES (?1, ?2, ?3, ?4)",
            params![
                to_i64("department id", d.id)?,
                d.name,
                to_i64("parent id", d.parentid)?,
                to_i64("order", d.order)?
            ],
        )?;
        Ok(())
    }

    /// Replaces an employee.
    pub fn put_employee(&self, e: &Employee) -> Result<()> {
        let main = e
            .main_department
            .map(|d| to_i64("department id", d))
            .transpose()?;
        self.tx.execute(
            "INSERT OR REPLACE INTO employees (userid, name, main_department, status, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![e.userid.0, e.name, main, e.status.code(), json_str(e)?],
        )?;
        self.tx.execute(
            "DELETE FROM employee_departments WHERE userid = ?1",
            [&e.userid.0],
        )?;
        for d in &e.department {
            self.tx.execute(
                "INSERT OR IGNORE INTO employee_departments (department, userid) VALUES (?1, ?2)",
                params![to_i64("department id", *d)?, e.userid.0],
            )?;
        }
        Ok(())
    }

    /// Replaces an external contact and the employees following it.
    pub fn put_contact(&self, c: &ExternalContact) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO contacts (external_userid, name, json) VALUES (?1, ?2, ?3)",
            params![c.external_userid.0, c.name, json_str(c)?],
        )?;
        self.tx.execute(
            "DELETE FROM contact_followers WHERE external_userid = ?1",
            [&c.external_userid.0],
        )?;
        for f in &c.follow_users {
            self.tx.execute(
                "INSERT OR REPLACE INTO contact_followers (userid, external_userid, remark, createtime) VALUES (?1, ?2, ?3, ?4)",
                params![f.userid.0, c.external_userid.0, f.remark, f.createtime],
            )?;
        }
        Ok(())
    }

    /// Replaces a group and its members.
    pub fn put_group(&self, g: &Group) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO chat_groups (roomid, kind, name, owner, dismissed_at, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![g.roomid.0, enum_name(&g.kind)?, g.name, g.owner.0, g.dismissed_at, json_str(g)?],
        )?;
        self.tx
            .execute("DELETE FROM group_members WHERE roomid = ?1", [&g.roomid.0])?;
        for m in &g.members {
            self.tx.execute(
                "INSERT OR REPLACE INTO group_members (userid, roomid, external) VALUES (?1, ?2, ?3)",
                params![m.userid.0, g.roomid.0, m.external],
            )?;
        }
        Ok(())
    }

    /// Stores an event (idempotent: the same event twice is stored once).
    pub fn put_event(&self, e: &Event) -> Result<()> {
        let (kind, userid, external, chat): (&str, Option<&str>, Option<&str>, Option<&str>) = match &e.kind {
            EventKind::EmployeeDeletedCustomer {
                userid,
                external_userid,
                ..
            } => (
                "employee_deleted_customer",
                Some(&userid.0),
                Some(&external_userid.0),
                None,
            ),
            EventKind::CustomerDeletedEmployee {
                userid,
                external_userid,
            } => (
                "customer_deleted_employee",
                Some(&userid.0),
                Some(&external_userid.0),
                None,
            ),
            EventKind::TransferFailed {
                userid,
                external_userid,
                ..
            } => ("transfer_failed", Some(&userid.0), Some(&external_userid.0), None),
            EventKind::GroupDismissed { chat_id } => ("group_dismissed", None, None, Some(&chat_id.0)),
            EventKind::Other { .. } => ("other", None, None, None),
        };
        self.tx.execute(
            "INSERT OR IGNORE INTO events (time, kind, userid, external_userid, chat_id, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![e.time, kind, userid, external, chat, json_str(e)?],
        )?;
        Ok(())
    }

    /// Stores a hit (idempotent).
    pub fn put_hit(&self, h: &Hit) -> Result<()> {
        let mut message = self
            .tx
            .prepare_cached("SELECT conv, msgtime FROM messages WHERE msgid = ?1")?;
        let stored: Option<(String, i64)> = message
            .query_row([&h.msgid.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO hits (msgid, rule, kind, word, span_start, span_end, severity, msgtime)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let inserted = insert.execute(params![
            h.msgid.0,
            h.rule,
            enum_name(&h.kind)?,
            h.word,
            h.start as i64,
            h.end as i64,
            enum_name(&h.severity)?,
            stored.as_ref().map(|(_, t)| *t),
        ])?;
        // Counted per conversation here, not by a trigger (schema v6); a hit that arrives
        // before its message is counted when the message does.
        if let (1, Some((conv, _))) = (inserted, stored) {
            let mut count = self.tx.prepare_cached(
                "INSERT INTO conv_hits (conv, hits, hit_messages)
                 VALUES (?1, 1, (SELECT count(*) FROM hits WHERE msgid = ?2) = 1)
                 ON CONFLICT (conv) DO UPDATE SET hits = hits + 1, hit_messages = hit_messages + excluded.hit_messages",
            )?;
            count.execute(params![conv, h.msgid.0])?;
        }
        Ok(())
    }

    /// Replaces every hit of a message (after a re-scan).
    pub fn replace_hits(&self, msgid: &MsgId, hits: &[Hit]) -> Result<()> {
        self.tx.execute("DELETE FROM hits WHERE msgid = ?1", [&msgid.0])?;
        hits.iter().try_for_each(|h| self.put_hit(h))
    }

    /// Stores the server's copy of an annotation if it is newer than the stored one; drops a local
    /// edit the server has now accepted (same id, server version past the edit's base).
    pub fn put_annotation(&self, a: &Annotation) -> Result<()> {
        let (msgid, conv) = annotation_target(a);
        self.tx.execute(
            "INSERT INTO annotations (id, msgid, conv, author, version, updated_at, deleted, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET msgid = excluded.msgid, conv = excluded.conv, author = excluded.author,
                 version = excluded.version, updated_at = excluded.updated_at, deleted = excluded.deleted, json = excluded.json
             WHERE excluded.version >= annotations.version",
            params![a.id, msgid, conv, a.author, to_i64("version", a.version)?, a.updated_at, a.deleted, json_str(a)?],
        )?;
        Ok(())
    }

    /// Saves a local annotation edit (offline), to be sent by sync.
    pub fn put_local_annotation(&self, a: &Annotation, base_version: u64) -> Result<()> {
        let (msgid, conv) = annotation_target(a);
        self.tx.execute(
            "INSERT OR REPLACE INTO local_annotations (id, base_version, updated_at, json, msgid, conv)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                a.id,
                to_i64("version", base_version)?,
                a.updated_at,
                json_str(a)?,
                msgid,
                conv
            ],
        )?;
        Ok(())
    }

    /// Forgets a local edit (accepted or abandoned).
    pub fn remove_local_annotation(&self, id: &str) -> Result<()> {
        self.tx
            .execute("DELETE FROM local_annotations WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Replaces the grants in force.
    pub fn set_grants(&self, grants: &[Grant]) -> Result<()> {
        self.tx.execute("DELETE FROM grants", [])?;
        let now = now_ms();
        for g in grants {
            self.tx.execute(
                "INSERT INTO grants (json, received_at) VALUES (?1, ?2)",
                params![json_str(g)?, now],
            )?;
        }
        Ok(())
    }

    /// Sets a conversation's read mark.
    pub fn set_read_mark(&self, conv: &ConversationKey, at: Anchor) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO read_marks (conv, msgtime, message_id, updated_at) VALUES (?1, ?2, ?3, ?4)",
            params![conv_key(conv), at.msgtime, at.id, now_ms()],
        )?;
        Ok(())
    }

    /// Sets a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
            [key, value],
        )?;
        Ok(())
    }

    /// Queues an item for the server. Returns its id.
    pub fn push_outbox(&self, kind: &str, payload: &str) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO outbox (kind, payload, created_at) VALUES (?1, ?2, ?3)",
            params![kind, payload, now_ms()],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Removes a delivered outbox item.
    pub fn remove_outbox(&self, id: i64) -> Result<()> {
        self.tx.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Notes a failed delivery attempt (the error text must not contain content).
    pub fn outbox_failed(&self, id: i64, error: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![id, error],
        )?;
        Ok(())
    }

    /// Queues an audit record for upload. Returns its queue id.
    pub fn push_audit(&self, record: &AuditRecord) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO audit_queue (at, actor, action) VALUES (?1, ?2, ?3)",
            params![record.at, record.actor, json_str(&record.action)?],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Removes uploaded audit records.
    pub fn remove_audit(&self, ids: &[i64]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached("DELETE FROM audit_queue WHERE id = ?1")?;
        for id in ids {
            stmt.execute([id])?;
        }
        Ok(())
    }

    /// Records stored media (the blob is written first by [`crate::MediaStore`]).
    pub fn put_media(&self, row: &MediaRow) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO media (sdkfileid, blob, size, sha256, mime, thumb, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![row.sdkfileid, row.blob, to_i64("size", row.size)?, row.sha256, row.mime, row.thumb, now_ms()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod migration_tests {
    //! Every earlier schema version is built, filled with data of its own shape, and migrated to
    //! [`schema::LATEST`]. When you add version N+1, add a `fixture` arm for N that writes rows the
    //! way version N stored them, and extend `check_fixture` with what they must become.

    use super::*;
    use crate::schema::{LATEST, MIGRATIONS};

    fn key() -> Zeroizing<[u8; KEY_LEN]> {
        Zeroizing::new([42u8; KEY_LEN])
    }

    /// Rows written with the schema of `version`, through raw SQL (not through today's `Tx`).
    fn fixture(version: u32, conn: &Connection) {
        match version {
            0 => {}
            1..=7 => conn
                .execute_batch(
                    "INSERT INTO messages (msgid, action, sender, tolist, roomid, conv, msgtime, msgtype, text, content, feed_seq)
                     VALUES ('m1', 'send', 'zhangsan', '[\"wmCust\"]', NULL, 's:wmCust\u{1f}zhangsan', 1700000000000, 'text',
                             '你好', '{\"msgtype\":\"text\",\"content\":\"你好\"}', 7);
                     INSERT INTO sync_state (key, value) VALUES ('cursor', 7);
                     INSERT INTO settings (key, value) VALUES ('theme', 'dark');
                     INSERT INTO hits (msgid, rule, kind, word, span_start, span_end, severity)
                     VALUES ('m1', 'r', 'word', '你', 0, 1, 'high'), ('m1', 'r', 'word', '好', 1, 2, 'high');",
                )
                .unwrap(),
            v => panic!("no fixture for schema version {v}: add one"),
        }
        // The evidence: a row each before version 7, in chunks since.
        let raw = match version {
            0 => None,
            1..=6 => Some("INSERT INTO message_raw (id, raw) SELECT id, '{}' FROM messages"),
            _ => Some(
                "INSERT INTO raw_chunks (first, last, codec, data) SELECT id, id, 0, CAST('{}' AS BLOB) FROM messages",
            ),
        };
        if let Some(sql) = raw {
            conn.execute(sql, []).unwrap();
        }
        if version >= 5 {
            // A version-5 writer stores a hit with its message's time.
            conn.execute("UPDATE hits SET msgtime = 1700000000000", [])
                .unwrap();
        }
        if version >= 6 {
            // A version-6 writer counts hits per conversation itself (no trigger).
            conn.execute(
                "INSERT INTO conv_hits (conv, hits, hit_messages) VALUES ('s:wmCust\u{1f}zhangsan', 2, 1)",
                [],
            )
            .unwrap();
        }
        // Local annotation edits: before version 4 their targets are only in the JSON.
        let edits = [
            (
                "a1",
                r#"{"message":{"msgid":"m1","span":null}}"#,
                Some("m1"),
                None,
            ),
            (
                "a2",
                r#"{"conversation":{"single":["wmCust","zhangsan"]}}"#,
                None,
                Some("s:wmCust\u{1f}zhangsan"),
            ),
            (
                "a3",
                r#"{"conversation":{"group":"wrRoom"}}"#,
                None,
                Some("g:wrRoom"),
            ),
        ];
        for (id, target, msgid, conv) in edits {
            let json = format!(
                r#"{{"id":"{id}","target":{target},"author":"r","comment":"","tags":[],"verdict":null,"version":0,"updated_at":1,"deleted":false}}"#
            );
            match version {
                0 => {}
                1..=3 => conn
                    .execute(
                        "INSERT INTO local_annotations (id, base_version, updated_at, json) VALUES (?1, 0, 1, ?2)",
                        rusqlite::params![id, json],
                    )
                    .map(drop)
                    .unwrap(),
                _ => conn
                    .execute(
                        "INSERT INTO local_annotations (id, base_version, updated_at, json, msgid, conv)
                         VALUES (?1, 0, 1, ?2, ?3, ?4)",
                        rusqlite::params![id, json, msgid, conv],
                    )
                    .map(drop)
                    .unwrap(),
            }
        }
    }

    fn check_fixture(from: u32, db: &Db) {
        db.read(|r| {
            if from >= 1 {
                assert_eq!(r.cursor()?, 7);
                let m = r.message("m1")?.expect("message survives migration");
                assert_eq!(m.text, "你好");
                assert_eq!(r.raw_message("m1")?.as_deref(), Some("{}"));
                assert_eq!(r.setting("theme")?.as_deref(), Some("dark"));
                // Version 2 counts the hits per conversation (backfilled, or by trigger).
                let conv = parse_conv_key("s:wmCust\u{1f}zhangsan").unwrap();
                assert_eq!(r.conversation_hits(&conv)?, HitCounts { hits: 2, messages: 1 });
                // Version 3: replacing a contact's followers looks them up by index.
                let plan: String = r.sql().query_row(
                    "EXPLAIN QUERY PLAN DELETE FROM contact_followers WHERE external_userid = 'x'",
                    [],
                    |row| row.get(3),
                )?;
                assert!(plan.contains("contact_followers_contact"), "{plan}");
                // Version 5: hits carry their message's time (backfilled), and so does a hit
                // stored before its message once the message arrives.
                let times: Vec<Option<i64>> = r
                    .sql()
                    .prepare("SELECT msgtime FROM hits ORDER BY id")?
                    .query_map([], |row| row.get(0))?
                    .collect::<std::result::Result<_, _>>()?;
                assert_eq!(times, [Some(1700000000000), Some(1700000000000)]);
                // Version 6: nothing fires on inserting a message or a hit (a trigger costs every
                // insert a statement journal).
                let insert_triggers: i64 = r.sql().query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%AFTER INSERT ON%'",
                    [],
                    |row| row.get(0),
                )?;
                assert_eq!(insert_triggers, 0);
                // Version 4: local edits name their target in columns (backfilled from JSON).
                let targets: Vec<(String, Option<String>, Option<String>)> = r
                    .sql()
                    .prepare("SELECT id, msgid, conv FROM local_annotations ORDER BY id")?
                    .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                    .collect::<std::result::Result<_, _>>()?;
                let want = |id: &str, m: Option<&str>, c: Option<&str>| {
                    (id.to_owned(), m.map(str::to_owned), c.map(str::to_owned))
                };
                assert_eq!(
                    targets,
                    vec![
                        want("a1", Some("m1"), None),
                        want("a2", None, Some("s:wmCust\u{1f}zhangsan")),
                        want("a3", None, Some("g:wrRoom")),
                    ]
                );
            } else {
                assert_eq!(r.cursor()?, 0);
            }
            Ok(())
        })
        .unwrap();
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // the fixture database is built plain, then migrated
    fn every_fixture_version_is_covered() {
        for v in 0..LATEST {
            let dir = tempfile::tempdir().unwrap();
            let conn = Connection::open(dir.path().join("x.db")).unwrap();
            for step in &MIGRATIONS[..v as usize] {
                conn.execute_batch(step).unwrap();
            }
            fixture(v, &conn);
        }
    }

    #[test]
    fn migrates_from_every_earlier_version() {
        for from in 0..=LATEST {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("cache.db");
            {
                let db = Db::open_at_version(&path, key(), from).unwrap();
                let conn = db.writer.lock().unwrap();
                assert_eq!(schema::version(&conn).unwrap(), from);
                fixture(from, &conn);
            }
            let db = Db::open(&path, path.clone(), key()).unwrap();
            assert_eq!(
                schema::version(&db.writer.lock().unwrap()).unwrap(),
                LATEST,
                "from {from}"
            );
            check_fixture(from, &db);
            db.verify().unwrap();
            drop(db);
            // Reopening at the current version changes nothing.
            let db = Db::open(&path, path.clone(), key()).unwrap();
            check_fixture(from, &db);
        }
    }

    #[test]
    fn a_newer_schema_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        {
            let db = Db::open(&path, path.clone(), key()).unwrap();
            db.writer
                .lock()
                .unwrap()
                .pragma_update(None, "user_version", LATEST + 1)
                .unwrap();
            db.checkpoint().unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Db::open(&path, path.clone(), key()).unwrap_err();
        assert!(matches!(err, Error::User(UserError::TooNew { .. })), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
}

#[cfg(test)]
mod pool_tests {
    use super::*;

    #[test]
    fn a_concurrent_reader_is_closed_and_the_warm_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let db = Db::open(&path, path.clone(), Zeroizing::new([9u8; KEY_LEN])).unwrap();
        db.read(|r| r.cursor()).unwrap();
        // While reader 0 is out, a second (nested, as a concurrent thread would) opens reader 1;
        // it comes back first, yet reader 0 is the one kept.
        db.read(|_| db.read(|r| r.cursor())).unwrap();
        let kept: Vec<u64> = db.readers.lock().unwrap().iter().map(|(seq, _)| *seq).collect();
        assert_eq!(kept, vec![0]);
        // And the warm one is what the next read gets.
        db.read(|r| r.cursor()).unwrap();
        assert_eq!(db.opened.load(std::sync::atomic::Ordering::Relaxed), 2);
    }
}
