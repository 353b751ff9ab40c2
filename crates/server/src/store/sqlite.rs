//! The embedded storage: one SQLite file in WAL mode, one writer connection and a few readers.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use dossier_model::{
    Annotation, AnnotationTarget, AuditRecord, ConversationKey, Department, Employee, ExternalContact, Group,
    Role,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{
    AnnotationWrite, ApiAudit, ChangeRef, ChangeRow, Item, MessageRef, NewEvent, NewMessage, Seq,
    SessionRecord, Storage, StoredMessage, SubjectData, UserRecord,
};
use crate::error::{Error, Result};
use crate::scope::GrantState;

const MESSAGE: i64 = 1;
const HIT: i64 = 2;
const CONTACT: i64 = 3;
const GROUP: i64 = 4;
const EMPLOYEE: i64 = 5;
const DEPARTMENT: i64 = 6;
const EVENT: i64 = 7;
const ANNOTATION: i64 = 8;
const RULES: i64 = 9;
const LEXICON: i64 = 10;
const GRANT: i64 = 11;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind INTEGER NOT NULL,
    ref INTEGER NOT NULL,
    user_id INTEGER
);
CREATE INDEX IF NOT EXISTS changes_item ON changes(kind, ref) WHERE user_id IS NULL;
CREATE INDEX IF NOT EXISTS changes_user ON changes(user_id, kind) WHERE user_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    msgid TEXT NOT NULL UNIQUE,
    archive_seq TEXT,
    action TEXT NOT NULL,
    from_id TEXT NOT NULL,
    tolist TEXT NOT NULL,
    roomid TEXT NOT NULL,
    msgtime INTEGER NOT NULL,
    msgtype TEXT NOT NULL,
    raw TEXT NOT NULL,
    raw_json INTEGER NOT NULL,
    revoked_by TEXT,
    revoke_of TEXT
);
CREATE INDEX IF NOT EXISTS messages_revoke_of ON messages(revoke_of) WHERE revoke_of IS NOT NULL;
CREATE TABLE IF NOT EXISTS hits (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS hits_message ON hits(message_id);
CREATE TABLE IF NOT EXISTS media_refs (
    media_id TEXT NOT NULL,
    message_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS media_refs_id ON media_refs(media_id);
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY,
    external_userid TEXT NOT NULL UNIQUE,
    followers TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS groups (
    id INTEGER PRIMARY KEY,
    roomid TEXT NOT NULL UNIQUE,
    members TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS employees (
    id INTEGER PRIMARY KEY,
    userid TEXT NOT NULL UNIQUE,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS departments (
    id INTEGER PRIMARY KEY,
    dept_id INTEGER NOT NULL UNIQUE,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    time_ms INTEGER NOT NULL,
    userid TEXT,
    chat_id TEXT,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS annotations (
    id INTEGER PRIMARY KEY,
    ann_id TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rules (
    id INTEGER PRIMARY KEY,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lexicons (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    words TEXT
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS grants_user ON grants(user_id);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    access_hash TEXT NOT NULL UNIQUE,
    access_expires INTEGER NOT NULL,
    refresh_hash TEXT NOT NULL UNIQUE,
    refresh_expires INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS api_audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    remote TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS client_audit (
    id INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    user_name TEXT NOT NULL,
    json TEXT NOT NULL
);
"#;

/// SQLite storage (WAL; one writer, pooled readers).
pub struct SqliteStorage {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStorage").field("path", &self.path).finish()
    }
}

// The server's own store: plain SQLite on the server's disk, protected by the server's host.
#[allow(clippy::disallowed_methods)]
fn open_conn(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    Ok(conn)
}

fn lock<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| Error::Internal("storage lock poisoned".into()))
}

fn now_ms() -> i64 {
    crate::now_ms()
}

fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Admin => "admin",
        Role::Reviewer => "reviewer",
        Role::Auditor => "auditor",
    }
}

fn role_of(s: &str) -> Result<Role> {
    crate::parse_role(s).map_err(|_| Error::Internal(format!("stored role `{s}` unknown")))
}

/// Appends a log row for a new item.
fn log_new(tx: &Connection, kind: i64, r: i64) -> Result<Seq> {
    tx.prepare_cached("INSERT INTO changes(kind, ref) VALUES (?1, ?2)")?
        .execute(params![kind, r])?;
    Ok(tx.last_insert_rowid())
}

/// Moves an item's log row to a fresh seq (compaction: an item appears once, at its latest change).
fn relog(tx: &Connection, kind: i64, r: i64) -> Result<Seq> {
    tx.prepare_cached("DELETE FROM changes WHERE kind = ?1 AND ref = ?2 AND user_id IS NULL")?
        .execute(params![kind, r])?;
    log_new(tx, kind, r)
}

fn user_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String, String, bool, i64)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn to_user(t: (i64, String, String, String, bool, i64)) -> Result<UserRecord> {
    Ok(UserRecord {
        id: t.0,
        name: t.1,
        role: role_of(&t.2)?,
        password_hash: t.3,
        disabled: t.4,
        created_at: t.5,
    })
}

const USER_COLS: &str = "id, name, role, password_hash, disabled, created_at";

fn session_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id: row.get(0)?,
        user_id: row.get(1)?,
        access_hash: row.get(2)?,
        access_expires: row.get(3)?,
        refresh_hash: row.get(4)?,
        refresh_expires: row.get(5)?,
    })
}

const SESSION_COLS: &str = "id, user_id, access_hash, access_expires, refresh_hash, refresh_expires";

const FEED_SQL: &str = "SELECT c.seq, c.kind, c.ref, c.user_id, m.msgid, m.archive_seq, m.action, m.from_id, \
     m.tolist, m.roomid, m.msgtime, m.msgtype, m.raw, m.raw_json, m.revoked_by, m.revoke_of \
     FROM changes c LEFT JOIN messages m ON c.kind = 1 AND m.id = c.ref \
     WHERE c.seq > ?1 AND (c.user_id IS NULL OR c.user_id = ?2) ORDER BY c.seq LIMIT ?3";

/// The global rows only (for backfill planning): user id -1 matches nobody.
const NO_USER: i64 = -1;

impl SqliteStorage {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let writer = open_conn(path)?;
        writer.execute_batch(SCHEMA)?;
        Ok(SqliteStorage {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = lock(&self.readers)?.pop();
        let conn = match conn {
            Some(c) => c,
            None => open_conn(&self.path)?,
        };
        let out = f(&conn);
        let mut pool = lock(&self.readers)?;
        if pool.len() < 8 {
            pool.push(conn);
        }
        out
    }

    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer)?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Reads the same rows the feed reads for messages, without any filtering or encoding: the
    /// floor a feed benchmark compares against. Returns (rows, bytes of evidence).
    pub fn scan_messages_raw(&self) -> Result<(u64, u64)> {
        self.read(|c| {
            let mut st = c.prepare("SELECT c.seq, m.msgid, m.from_id, m.tolist, m.msgtime, m.raw FROM changes c JOIN messages m ON c.kind = 1 AND m.id = c.ref ORDER BY c.seq")?;
            let mut rows = st.query([])?;
            let (mut n, mut bytes) = (0u64, 0u64);
            while let Some(r) = rows.next()? {
                let raw: String = r.get(5)?;
                let _: String = r.get(3)?;
                n += 1;
                bytes += raw.len() as u64;
            }
            Ok((n, bytes))
        })
    }
}

/// Reads rows of the log after `after` (global ones and those of `user_id`), loading each item.
fn read_changes(c: &Connection, user_id: i64, after: Seq, max: usize) -> Result<Vec<ChangeRow>> {
    let mut out = Vec::with_capacity(max.min(4096));
    let mut st = c.prepare_cached(FEED_SQL)?;
    let mut rows = st.query(params![after, user_id, max as i64])?;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let kind: i64 = r.get(1)?;
        let rf: i64 = r.get(2)?;
        let owner: Option<i64> = r.get(3)?;
        let own = owner.is_some();
        if kind == MESSAGE {
            let msgid: Option<String> = r.get(4)?;
            let Some(msgid) = msgid else {
                out.push(ChangeRow {
                    seq,
                    own,
                    item: Item::Gone,
                    subject: SubjectData::Public,
                });
                continue;
            };
            let tolist = json_list(&r.get::<_, String>(8)?);
            let m = StoredMessage {
                msgid,
                archive_seq: r.get(5)?,
                action: r.get(6)?,
                from: r.get(7)?,
                tolist,
                roomid: r.get(9)?,
                msgtime: r.get(10)?,
                msgtype: r.get(11)?,
                raw: r.get(12)?,
                raw_is_json: r.get(13)?,
                revoked_by: r.get(14)?,
                revoke_of: r.get(15)?,
            };
            let subject = SubjectData::Message {
                from: m.from.clone(),
                to: m.tolist.clone(),
                time_ms: m.msgtime,
            };
            out.push(ChangeRow {
                seq,
                own,
                item: Item::Message(m),
                subject,
            });
        } else {
            let (item, subject) = load_item(c, kind, rf)?;
            out.push(ChangeRow {
                seq,
                own,
                item,
                subject,
            });
        }
    }
    Ok(out)
}

/// The recipients column (a JSON array of strings) borrowed when it has no escapes.
fn borrow_list<'a>(s: &'a str, out: &mut Vec<&'a str>) -> Option<()> {
    if s.contains('\\') {
        return None;
    }
    let inner = s.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    if inner.is_empty() {
        return Some(());
    }
    let inner = inner.strip_prefix('"')?.strip_suffix('"')?;
    out.extend(inner.split("\",\""));
    Some(())
}

fn stream_changes(
    c: &Connection,
    user_id: i64,
    after: Seq,
    max: usize,
    f: &mut dyn FnMut(ChangeRef<'_>) -> Result<bool>,
) -> Result<()> {
    let mut st = c.prepare_cached(FEED_SQL)?;
    let mut rows = st.query(params![after, user_id, max as i64])?;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let kind: i64 = r.get(1)?;
        let rf: i64 = r.get(2)?;
        let own = r.get::<_, Option<i64>>(3)?.is_some();
        let go_on = if kind == MESSAGE {
            let text = |i: usize| -> Result<Option<&str>> {
                Ok(r.get_ref(i)?.as_str_or_null().map_err(rusqlite::Error::from)?)
            };
            match text(4)? {
                None => f(ChangeRef::Other(ChangeRow {
                    seq,
                    own,
                    item: Item::Gone,
                    subject: SubjectData::Public,
                }))?,
                Some(msgid) => {
                    let list = text(8)?.unwrap_or("[]");
                    let mut to: Vec<&str> = Vec::with_capacity(4);
                    let owned: Vec<String>;
                    let tolist: Vec<&str> = if borrow_list(list, &mut to).is_some() {
                        to
                    } else {
                        owned = json_list(list);
                        owned.iter().map(String::as_str).collect()
                    };
                    let message = MessageRef {
                        msgid,
                        archive_seq: text(5)?,
                        action: text(6)?.unwrap_or(""),
                        from: text(7)?.unwrap_or(""),
                        tolist: &tolist,
                        roomid: text(9)?.unwrap_or(""),
                        msgtime: r.get(10)?,
                        msgtype: text(11)?.unwrap_or(""),
                        raw: text(12)?.unwrap_or(""),
                        raw_is_json: r.get(13)?,
                        revoked_by: text(14)?,
                        revoke_of: text(15)?,
                    };
                    f(ChangeRef::Message { seq, own, message })?
                }
            }
        } else {
            let (item, subject) = load_item(c, kind, rf)?;
            f(ChangeRef::Other(ChangeRow {
                seq,
                own,
                item,
                subject,
            }))?
        };
        if !go_on {
            break;
        }
    }
    Ok(())
}

fn group_members(c: &Connection, roomid: &str) -> Result<Option<Vec<String>>> {
    Ok(c.prepare_cached("SELECT members FROM groups WHERE roomid = ?1")?
        .query_row([roomid], |r| r.get::<_, String>(0))
        .optional()?
        .map(|s| json_list(&s)))
}

fn message_subject(c: &Connection, msgid: &str) -> Result<Option<SubjectData>> {
    Ok(
        c.prepare_cached("SELECT from_id, tolist, msgtime FROM messages WHERE msgid = ?1")?
            .query_row([msgid], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .optional()?
            .map(|(from, to, time_ms)| SubjectData::Message {
                from,
                to: json_list(&to),
                time_ms,
            }),
    )
}

fn target_subject(c: &Connection, target: &AnnotationTarget) -> Result<Option<SubjectData>> {
    match target {
        AnnotationTarget::Message { msgid, .. } => message_subject(c, msgid.as_str()),
        AnnotationTarget::Conversation(ConversationKey::Single(a, b)) => {
            Ok(Some(SubjectData::Conversation(vec![a.0.clone(), b.0.clone()])))
        }
        AnnotationTarget::Conversation(ConversationKey::Group(room)) => {
            Ok(group_members(c, room.as_str())?.map(SubjectData::Group))
        }
    }
}

/// The two text columns of the row `id` that `sql` selects, if it exists.
fn two_texts(c: &Connection, sql: &str, id: i64) -> Result<Option<(String, String)>> {
    Ok(c.prepare_cached(sql)?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

fn load_item(c: &Connection, kind: i64, rf: i64) -> Result<(Item, SubjectData)> {
    let gone = (Item::Gone, SubjectData::Public);
    Ok(match kind {
        HIT => {
            let row = c
                .prepare_cached(
                    "SELECT h.json, m.from_id, m.tolist, m.msgtime FROM hits h JOIN messages m ON m.id = h.message_id WHERE h.id = ?1",
                )?
                .query_row([rf], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
                })
                .optional()?;
            match row {
                Some((json, from, to, time_ms)) => (
                    Item::Hit { id: rf, json },
                    SubjectData::Message {
                        from,
                        to: json_list(&to),
                        time_ms,
                    },
                ),
                None => gone,
            }
        }
        CONTACT => match two_texts(c, "SELECT json, followers FROM contacts WHERE id = ?1", rf)? {
            Some((json, f)) => (Item::Contact(json), SubjectData::Contact(json_list(&f))),
            None => gone,
        },
        GROUP => match two_texts(c, "SELECT json, members FROM groups WHERE id = ?1", rf)? {
            Some((json, m)) => (Item::Group(json), SubjectData::Group(json_list(&m))),
            None => gone,
        },
        EMPLOYEE => match two_texts(c, "SELECT json, userid FROM employees WHERE id = ?1", rf)? {
            Some((json, u)) => (Item::Employee(json), SubjectData::Employee(u)),
            None => gone,
        },
        DEPARTMENT => {
            let row = c
                .prepare_cached("SELECT json, dept_id FROM departments WHERE id = ?1")?
                .query_row([rf], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .optional()?;
            match row {
                Some((json, d)) => (Item::Department(json), SubjectData::Department(d as u64)),
                None => gone,
            }
        }
        EVENT => {
            let row = c
                .prepare_cached("SELECT json, time_ms, userid, chat_id FROM events WHERE id = ?1")?
                .query_row([rf], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                })
                .optional()?;
            match row {
                Some((json, time_ms, userid, chat_id)) => {
                    let group = match (&userid, chat_id) {
                        // An unknown group has no members: only scope `all` sees its dissolution.
                        (None, Some(room)) => Some(group_members(c, &room)?.unwrap_or_default()),
                        _ => None,
                    };
                    (
                        Item::Event { id: rf, json },
                        SubjectData::Event {
                            userid,
                            group,
                            time_ms,
                        },
                    )
                }
                None => gone,
            }
        }
        ANNOTATION => {
            let row = c
                .prepare_cached("SELECT json FROM annotations WHERE id = ?1")?
                .query_row([rf], |r| r.get::<_, String>(0))
                .optional()?;
            match row {
                Some(json) => {
                    let a: Annotation = serde_json::from_str(&json)?;
                    // A target the server does not know is visible to scope `all` only.
                    let subject = target_subject(c, &a.target)?.unwrap_or(SubjectData::Group(Vec::new()));
                    (Item::Annotation(a), subject)
                }
                None => gone,
            }
        }
        RULES => {
            let row = c
                .prepare_cached("SELECT json FROM rules WHERE id = ?1")?
                .query_row([rf], |r| r.get::<_, String>(0))
                .optional()?;
            match row {
                Some(json) => (Item::Rules(json), SubjectData::Public),
                None => gone,
            }
        }
        LEXICON => {
            let row = c
                .prepare_cached("SELECT name, words FROM lexicons WHERE id = ?1")?
                .query_row([rf], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
                })
                .optional()?;
            match row {
                Some((name, words)) => (
                    Item::Lexicon {
                        name,
                        words: words.map(|w| json_list(&w)),
                    },
                    SubjectData::Public,
                ),
                None => gone,
            }
        }
        GRANT => {
            let row = c
                .prepare_cached("SELECT json FROM grants WHERE id = ?1")?
                .query_row([rf], |r| r.get::<_, String>(0))
                .optional()?;
            match row {
                Some(json) => (Item::Grant(serde_json::from_str(&json)?), SubjectData::Own),
                None => gone,
            }
        }
        _ => gone,
    })
}

#[allow(clippy::too_many_arguments)]
fn upsert_json(
    tx: &Connection,
    kind: i64,
    select: &str,
    insert: &str,
    update: &str,
    key: &dyn rusqlite::ToSql,
    extra: &str,
    json: &str,
) -> Result<bool> {
    let existing: Option<(i64, String, String)> = tx
        .prepare_cached(select)?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match existing {
        Some((_, old, old_extra)) if old == json && old_extra == extra => Ok(false),
        Some((id, _, _)) => {
            tx.prepare_cached(update)?.execute(params![id, extra, json])?;
            relog(tx, kind, id)?;
            Ok(true)
        }
        None => {
            tx.prepare_cached(insert)?.execute(params![key, extra, json])?;
            let id = tx.last_insert_rowid();
            log_new(tx, kind, id)?;
            Ok(true)
        }
    }
}

impl Storage for SqliteStorage {
    fn create_user(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
        grant: &GrantState,
    ) -> Result<UserRecord> {
        let json = serde_json::to_string(grant)?;
        self.write(|tx| {
            let exists: Option<i64> =
                tx.query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0)).optional()?;
            if exists.is_some() {
                return Err(Error::AlreadyExists(format!("user `{name}` already exists")));
            }
            let now = now_ms();
            tx.execute(
                "INSERT INTO users(name, role, password_hash, disabled, created_at) VALUES (?1, ?2, ?3, 0, ?4)",
                params![name, role_name(role), password_hash, now],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute("INSERT INTO grants(user_id, json) VALUES (?1, ?2)", params![id, json])?;
            let gid = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO changes(kind, ref, user_id) VALUES (?1, ?2, ?3)",
                params![GRANT, gid, id],
            )?;
            Ok(UserRecord {
                id,
                name: name.to_owned(),
                role,
                disabled: false,
                password_hash: password_hash.to_owned(),
                created_at: now,
            })
        })
    }

    fn user_by_name(&self, name: &str) -> Result<Option<UserRecord>> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {USER_COLS} FROM users WHERE name = ?1"),
                [name],
                user_row,
            )
            .optional()?
            .map(to_user)
            .transpose()
        })
    }

    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
                [id],
                user_row,
            )
            .optional()?
            .map(to_user)
            .transpose()
        })
    }

    fn list_users(&self) -> Result<Vec<UserRecord>> {
        self.read(|c| {
            let mut st = c.prepare(&format!("SELECT {USER_COLS} FROM users ORDER BY id"))?;
            let rows = st
                .query_map([], user_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(to_user).collect()
        })
    }

    fn set_disabled(&self, user_id: i64, disabled: bool) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE users SET disabled = ?2 WHERE id = ?1",
                params![user_id, disabled],
            )?;
            if n == 0 {
                return Err(Error::NotFound);
            }
            // A disabled account's sessions stay, answering `AccountDisabled`, so a client learns
            // to delete its copy of the slice; enabling the account again ends them.
            if !disabled {
                tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])?;
            }
            Ok(())
        })
    }

    fn set_grant(&self, user_id: i64, grant: &GrantState) -> Result<Seq> {
        let json = serde_json::to_string(grant)?;
        self.write(|tx| {
            let old: Option<String> = tx
                .query_row(
                    "SELECT json FROM grants WHERE user_id = ?1 ORDER BY id DESC LIMIT 1",
                    [user_id],
                    |r| r.get(0),
                )
                .optional()?;
            let old_view = match old {
                Some(j) => serde_json::from_str::<GrantState>(&j)?.view(),
                None => crate::scope::View::nothing(),
            };
            let new_view = grant.view();
            tx.execute(
                "INSERT INTO grants(user_id, json) VALUES (?1, ?2)",
                params![user_id, json],
            )?;
            let gid = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO changes(kind, ref, user_id) VALUES (?1, ?2, ?3)",
                params![GRANT, gid, user_id],
            )?;
            let seq = tx.last_insert_rowid();
            // Backfill: every item logged before this grant that the new grant permits and the old
            // one did not, in log order, as rows of this user after the grant record.
            let mut after = 0;
            let mut planned = Vec::new();
            loop {
                let rows = read_changes(tx, NO_USER, after, 20_000)?;
                let Some(last) = rows.last() else { break };
                after = last.seq;
                for row in rows.iter().filter(|r| r.seq < seq) {
                    let Some(subject) = row.subject() else {
                        continue;
                    };
                    if new_view.allows(&subject) && !old_view.allows(&subject) {
                        planned.push(row.seq);
                    }
                }
                if after >= seq {
                    break;
                }
            }
            let mut st = tx.prepare_cached(
                "INSERT INTO changes(kind, ref, user_id) SELECT kind, ref, ?2 FROM changes WHERE seq = ?1",
            )?;
            for s in planned {
                st.execute(params![s, user_id])?;
            }
            Ok(seq)
        })
    }

    fn grant_history(&self, user_id: i64) -> Result<Vec<(Seq, GrantState)>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT c.seq, g.json FROM changes c JOIN grants g ON g.id = c.ref \
                 WHERE c.user_id = ?2 AND c.kind = ?1 AND c.user_id IS NOT NULL ORDER BY c.seq",
            )?;
            let rows = st
                .query_map(params![GRANT, user_id], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter()
                .map(|(s, j)| Ok((s, serde_json::from_str(&j)?)))
                .collect()
        })
    }

    fn create_session(&self, s: &SessionRecord) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sessions(user_id, access_hash, access_expires, refresh_hash, refresh_expires) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.user_id, s.access_hash, s.access_expires, s.refresh_hash, s.refresh_expires],
            )?;
            // Expired sessions are swept as new ones come.
            tx.execute("DELETE FROM sessions WHERE refresh_expires < ?1", [now_ms()])?;
            Ok(())
        })
    }

    fn session_by_access(&self, hash: &str) -> Result<Option<SessionRecord>> {
        self.read(|c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {SESSION_COLS} FROM sessions WHERE access_hash = ?1"
            ))?
            .query_row([hash], session_row)
            .optional()?)
        })
    }

    fn session_by_refresh(&self, hash: &str) -> Result<Option<SessionRecord>> {
        self.read(|c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {SESSION_COLS} FROM sessions WHERE refresh_hash = ?1"
            ))?
            .query_row([hash], session_row)
            .optional()?)
        })
    }

    fn rotate_session(&self, s: &SessionRecord) -> Result<bool> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE sessions SET access_hash = ?2, access_expires = ?3, refresh_hash = ?4, refresh_expires = ?5 WHERE id = ?1",
                params![s.id, s.access_hash, s.access_expires, s.refresh_hash, s.refresh_expires],
            )?;
            Ok(n == 1)
        })
    }

    fn delete_session(&self, id: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM sessions WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    fn org(&self) -> Result<(Vec<Department>, Vec<Employee>)> {
        self.read(|c| {
            let mut st = c.prepare("SELECT json FROM departments ORDER BY dept_id")?;
            let depts = st
                .query_map([], |r| r.get::<_, String>(0))?
                .map(|j| Ok(serde_json::from_str(&j?)?))
                .collect::<Result<Vec<Department>>>()?;
            let mut st = c.prepare("SELECT json FROM employees ORDER BY id")?;
            let emps = st
                .query_map([], |r| r.get::<_, String>(0))?
                .map(|j| Ok(serde_json::from_str(&j?)?))
                .collect::<Result<Vec<Employee>>>()?;
            Ok((depts, emps))
        })
    }

    fn ingest_org(&self, departments: &[Department], employees: &[Employee]) -> Result<usize> {
        self.write(|tx| {
            let mut n = 0;
            for d in departments {
                let json = serde_json::to_string(d)?;
                n += usize::from(upsert_json(
                    tx,
                    DEPARTMENT,
                    "SELECT id, json, '' FROM departments WHERE dept_id = ?1",
                    "INSERT INTO departments(dept_id, json) SELECT ?1, ?3 WHERE ?2 IS NOT NULL",
                    "UPDATE departments SET json = ?3 WHERE id = ?1 AND ?2 IS NOT NULL",
                    &(d.id as i64),
                    "",
                    &json,
                )?);
            }
            for e in employees {
                let json = serde_json::to_string(e)?;
                n += usize::from(upsert_json(
                    tx,
                    EMPLOYEE,
                    "SELECT id, json, '' FROM employees WHERE userid = ?1",
                    "INSERT INTO employees(userid, json) SELECT ?1, ?3 WHERE ?2 IS NOT NULL",
                    "UPDATE employees SET json = ?3 WHERE id = ?1 AND ?2 IS NOT NULL",
                    &e.userid.0,
                    "",
                    &json,
                )?);
            }
            Ok(n)
        })
    }

    fn ingest_contacts(&self, contacts: &[ExternalContact]) -> Result<usize> {
        self.write(|tx| {
            let mut n = 0;
            for ct in contacts {
                let json = serde_json::to_string(ct)?;
                let followers: Vec<&str> = ct.follow_users.iter().map(|f| f.userid.as_str()).collect();
                let followers = serde_json::to_string(&followers)?;
                n += usize::from(upsert_json(
                    tx,
                    CONTACT,
                    "SELECT id, json, followers FROM contacts WHERE external_userid = ?1",
                    "INSERT INTO contacts(external_userid, followers, json) VALUES (?1, ?2, ?3)",
                    "UPDATE contacts SET followers = ?2, json = ?3 WHERE id = ?1",
                    &ct.external_userid.0,
                    &followers,
                    &json,
                )?);
            }
            Ok(n)
        })
    }

    fn ingest_groups(&self, groups: &[Group]) -> Result<usize> {
        self.write(|tx| {
            let mut n = 0;
            for g in groups {
                let json = serde_json::to_string(g)?;
                let mut members: Vec<&str> = vec![g.owner.as_str()];
                members.extend(g.members.iter().map(|m| m.userid.as_str()));
                let members = serde_json::to_string(&members)?;
                n += usize::from(upsert_json(
                    tx,
                    GROUP,
                    "SELECT id, json, members FROM groups WHERE roomid = ?1",
                    "INSERT INTO groups(roomid, members, json) VALUES (?1, ?2, ?3)",
                    "UPDATE groups SET members = ?2, json = ?3 WHERE id = ?1",
                    &g.roomid.0,
                    &members,
                    &json,
                )?);
            }
            Ok(n)
        })
    }

    fn known_msgids(&self, msgids: &[String]) -> Result<std::collections::HashSet<String>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT 1 FROM messages WHERE msgid = ?1")?;
            let mut out = std::collections::HashSet::new();
            for id in msgids {
                if st.exists([id])? {
                    out.insert(id.clone());
                }
            }
            Ok(out)
        })
    }

    fn ingest_messages(&self, messages: &[NewMessage]) -> Result<(usize, usize)> {
        self.write(|tx| {
            let mut n = 0;
            let mut hits = 0;
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO messages(msgid, archive_seq, action, from_id, tolist, roomid, msgtime, msgtype, raw, raw_json, revoke_of) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            let mut hit = tx.prepare_cached("INSERT INTO hits(message_id, json) VALUES (?1, ?2)")?;
            let mut media = tx.prepare_cached("INSERT INTO media_refs(media_id, message_id) VALUES (?1, ?2)")?;
            for m in messages {
                let tolist = serde_json::to_string(&m.tolist)?;
                let added = ins.execute(params![
                    m.msgid,
                    m.archive_seq,
                    m.action,
                    m.from,
                    tolist,
                    m.roomid,
                    m.msgtime,
                    m.msgtype,
                    m.raw,
                    m.raw_is_json,
                    m.revoke_of
                ])?;
                if added == 0 {
                    continue;
                }
                n += 1;
                let id = tx.last_insert_rowid();
                // A revoke stored earlier than the message it recalls (files out of order).
                let revoked_by: Option<String> = tx
                    .prepare_cached("SELECT msgid FROM messages WHERE revoke_of = ?1 LIMIT 1")?
                    .query_row([&m.msgid], |r| r.get(0))
                    .optional()?;
                if let Some(by) = revoked_by {
                    tx.prepare_cached("UPDATE messages SET revoked_by = ?2 WHERE id = ?1")?.execute(params![id, by])?;
                }
                log_new(tx, MESSAGE, id)?;
                for h in &m.hits {
                    hit.execute(params![id, h])?;
                    hits += 1;
                    let hid = tx.last_insert_rowid();
                    log_new(tx, HIT, hid)?;
                }
                if let Some(mid) = &m.media {
                    media.execute(params![mid, id])?;
                }
                if let Some(orig) = &m.revoke_of {
                    let orig_id: Option<i64> = tx
                        .prepare_cached("SELECT id FROM messages WHERE msgid = ?1 AND revoked_by IS NULL")?
                        .query_row([orig], |r| r.get(0))
                        .optional()?;
                    if let Some(oid) = orig_id {
                        tx.prepare_cached("UPDATE messages SET revoked_by = ?2 WHERE id = ?1")?
                            .execute(params![oid, m.msgid])?;
                        relog(tx, MESSAGE, oid)?;
                    }
                }
            }
            Ok((n, hits))
        })
    }

    fn ingest_events(&self, events: &[NewEvent]) -> Result<usize> {
        self.write(|tx| {
            let mut n = 0;
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO events(key, time_ms, userid, chat_id, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for e in events {
                if ins.execute(params![e.key, e.time_ms, e.userid, e.chat_id, e.json])? == 1 {
                    let id = tx.last_insert_rowid();
                    log_new(tx, EVENT, id)?;
                    n += 1;
                }
            }
            Ok(n)
        })
    }

    fn message_had_hit(&self, msgid: &str) -> Result<bool> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM hits h JOIN messages m ON m.id = h.message_id WHERE m.msgid = ?1)",
            )?
            .query_row([msgid], |r| r.get(0))?)
        })
    }

    fn rules(&self) -> Result<Option<String>> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT json FROM rules WHERE id = 1", [], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    fn set_rules(&self, json: &str) -> Result<bool> {
        self.write(|tx| {
            let old: Option<String> =
                tx.query_row("SELECT json FROM rules WHERE id = 1", [], |r| r.get(0)).optional()?;
            if old.as_deref() == Some(json) {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO rules(id, json) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET json = excluded.json",
                [json],
            )?;
            relog(tx, RULES, 1)?;
            Ok(true)
        })
    }

    fn lexicons(&self) -> Result<Vec<(String, Vec<String>)>> {
        self.read(|c| {
            let mut st =
                c.prepare("SELECT name, words FROM lexicons WHERE words IS NOT NULL ORDER BY name")?;
            let rows = st
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows.into_iter().map(|(n, w)| (n, json_list(&w))).collect())
        })
    }

    fn set_lexicon(&self, name: &str, words: Option<&[String]>) -> Result<()> {
        let words = words.map(serde_json::to_string).transpose()?;
        self.write(|tx| {
            let id: Option<i64> = tx
                .query_row("SELECT id FROM lexicons WHERE name = ?1", [name], |r| r.get(0))
                .optional()?;
            match id {
                Some(id) => {
                    tx.execute("UPDATE lexicons SET words = ?2 WHERE id = ?1", params![id, words])?;
                    relog(tx, LEXICON, id)?;
                }
                None if words.is_none() => return Err(Error::NotFound),
                None => {
                    tx.execute(
                        "INSERT INTO lexicons(name, words) VALUES (?1, ?2)",
                        params![name, words],
                    )?;
                    let id = tx.last_insert_rowid();
                    log_new(tx, LEXICON, id)?;
                }
            }
            Ok(())
        })
    }

    fn head(&self) -> Result<Seq> {
        self.read(|c| Ok(c.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes", [], |r| r.get(0))?))
    }

    fn changes(&self, user_id: i64, after: Seq, max: usize) -> Result<Vec<ChangeRow>> {
        self.read(|c| {
            // One snapshot for the rows and the items they load.
            c.execute_batch("BEGIN DEFERRED")?;
            let out = read_changes(c, user_id, after, max);
            let end = c.execute_batch("COMMIT");
            let out = out?;
            end?;
            Ok(out)
        })
    }

    fn for_each_change(
        &self,
        user_id: i64,
        after: Seq,
        max: usize,
        f: &mut dyn FnMut(ChangeRef<'_>) -> Result<bool>,
    ) -> Result<()> {
        self.read(|c| {
            c.execute_batch("BEGIN DEFERRED")?;
            let out = stream_changes(c, user_id, after, max, f);
            let end = c.execute_batch("COMMIT");
            out?;
            end?;
            Ok(())
        })
    }

    fn media_subjects(&self, media_id: &str) -> Result<Vec<SubjectData>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT m.from_id, m.tolist, m.msgtime FROM media_refs r JOIN messages m ON m.id = r.message_id WHERE r.media_id = ?1",
            )?;
            let rows = st
                .query_map([media_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows
                .into_iter()
                .map(|(from, to, time_ms)| SubjectData::Message {
                    from,
                    to: json_list(&to),
                    time_ms,
                })
                .collect())
        })
    }

    fn annotation(&self, id: &str) -> Result<Option<Annotation>> {
        self.read(|c| {
            c.query_row("SELECT json FROM annotations WHERE ann_id = ?1", [id], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .map(|j| Ok(serde_json::from_str(&j)?))
            .transpose()
        })
    }

    fn target_subject(&self, target: &AnnotationTarget) -> Result<Option<SubjectData>> {
        self.read(|c| target_subject(c, target))
    }

    fn write_annotation(&self, a: &Annotation, expected: Option<u64>) -> Result<AnnotationWrite> {
        self.write(|tx| {
            let cur: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, json FROM annotations WHERE ann_id = ?1",
                    [&a.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match (cur, expected) {
                (Some((_, json)), None) => Ok(AnnotationWrite::Conflict(serde_json::from_str(&json)?)),
                (None, Some(_)) => Ok(AnnotationWrite::Missing),
                (Some((rid, json)), Some(v)) => {
                    let current: Annotation = serde_json::from_str(&json)?;
                    if current.version != v {
                        return Ok(AnnotationWrite::Conflict(current));
                    }
                    let mut next = a.clone();
                    next.version = v + 1;
                    tx.execute(
                        "UPDATE annotations SET version = ?2, json = ?3 WHERE id = ?1",
                        params![rid, next.version as i64, serde_json::to_string(&next)?],
                    )?;
                    relog(tx, ANNOTATION, rid)?;
                    Ok(AnnotationWrite::Saved(next))
                }
                (None, None) => {
                    let mut next = a.clone();
                    next.version = 1;
                    tx.execute(
                        "INSERT INTO annotations(ann_id, version, json) VALUES (?1, ?2, ?3)",
                        params![next.id, 1, serde_json::to_string(&next)?],
                    )?;
                    let rid = tx.last_insert_rowid();
                    log_new(tx, ANNOTATION, rid)?;
                    Ok(AnnotationWrite::Saved(next))
                }
            }
        })
    }

    fn append_api_audit(&self, records: &[ApiAudit]) -> Result<()> {
        self.write(|tx| {
            let mut st = tx.prepare_cached(
                "INSERT INTO api_audit(at, user_id, method, path, status, remote) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for r in records {
                st.execute(params![r.at, r.user_id, r.method, r.path, r.status, r.remote])?;
            }
            Ok(())
        })
    }

    fn append_client_audit(&self, user: &str, records: &[AuditRecord]) -> Result<()> {
        self.write(|tx| {
            let mut st = tx.prepare_cached(
                "INSERT INTO client_audit(received_at, user_name, json) VALUES (?1, ?2, ?3)",
            )?;
            let now = now_ms();
            for r in records {
                st.execute(params![now, user, serde_json::to_string(r)?])?;
            }
            Ok(())
        })
    }

    fn api_audit(&self, after: i64, limit: usize) -> Result<Vec<(i64, ApiAudit)>> {
        self.read(|c| {
            let mut st = c.prepare(
                "SELECT id, at, user_id, method, path, status, remote FROM api_audit WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = st
                .query_map(params![after, limit as i64], |r| {
                    Ok((
                        r.get(0)?,
                        ApiAudit {
                            at: r.get(1)?,
                            user_id: r.get(2)?,
                            method: r.get(3)?,
                            path: r.get(4)?,
                            status: r.get(5)?,
                            remote: r.get(6)?,
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn client_audit_count(&self) -> Result<u64> {
        self.read(|c| {
            Ok(c.query_row("SELECT COUNT(*) FROM client_audit", [], |r| r.get::<_, i64>(0))? as u64)
        })
    }
}
