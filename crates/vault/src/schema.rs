//! Database schema and its migrations.
//!
//! `PRAGMA user_version` holds the schema version. [`MIGRATIONS`]`[i]` takes a database from version
//! `i` to `i + 1`; all pending steps run in one transaction, so a crash leaves the old version or the
//! new one. A database newer than [`LATEST`] is refused (a newer Dossier wrote it), never touched.
//!
//! Adding a version: append a step, and add its fixture to `tests/vault/migrations.rs`, which builds a
//! database at every earlier version and migrates it to the latest.

use rusqlite::Connection;

use crate::error::{Result, UserError};

/// Schema steps; index `i` migrates version `i` → `i + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7];

/// The newest schema version this build knows.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

/// Version 1: everything the change feed carries, plus local state.
const V1: &str = r#"
-- Messages. `id` is the local row id: stable while the row lives; the search index stores it.
CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    msgid       TEXT NOT NULL UNIQUE,
    archive_seq BLOB,              -- archive seq, u64 big-endian (can exceed i64)
    action      TEXT NOT NULL,     -- send / recall / switch / other
    sender      TEXT NOT NULL,
    tolist      TEXT NOT NULL,     -- JSON array of user ids
    roomid      TEXT,              -- NULL for single chats
    conv        TEXT NOT NULL,     -- conversation key (see conv_key)
    msgtime     INTEGER NOT NULL,  -- milliseconds
    msgtype     TEXT NOT NULL,
    text        TEXT NOT NULL,     -- Content::text(): what reviewers read and search finds
    content     TEXT NOT NULL,     -- the typed content, model JSON
    sdkfileid   TEXT,              -- media the message refers to
    feed_seq    INTEGER NOT NULL   -- change-feed seq that delivered it
);
CREATE INDEX messages_conv_time ON messages (conv, msgtime, id);
CREATE INDEX messages_media ON messages (sdkfileid) WHERE sdkfileid IS NOT NULL;
-- The WeCom record as archived (the evidence), apart so message pages stay dense for browsing.
CREATE TABLE message_raw (
    id   INTEGER PRIMARY KEY,          -- messages.id
    raw  TEXT NOT NULL
);

CREATE TABLE conversations (
    conv        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,     -- single / group
    a           TEXT,              -- single chats: the two participants, sorted
    b           TEXT,
    roomid      TEXT,              -- group chats
    first_time  INTEGER NOT NULL,
    last_time   INTEGER NOT NULL,
    messages    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX conversations_a ON conversations (a, last_time);
CREATE INDEX conversations_b ON conversations (b, last_time);
CREATE INDEX conversations_room ON conversations (roomid);

-- Organisation and outside world.
CREATE TABLE departments (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    parentid  INTEGER NOT NULL,
    ord       INTEGER NOT NULL
);
CREATE TABLE employees (
    userid          TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    main_department INTEGER,
    status          INTEGER NOT NULL,
    json            TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE employee_departments (
    department  INTEGER NOT NULL,
    userid      TEXT NOT NULL,
    PRIMARY KEY (department, userid)
) WITHOUT ROWID;
CREATE TABLE contacts (
    external_userid TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    json            TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE contact_followers (
    userid          TEXT NOT NULL,
    external_userid TEXT NOT NULL,
    remark          TEXT NOT NULL,
    createtime      INTEGER NOT NULL,
    PRIMARY KEY (userid, external_userid)
) WITHOUT ROWID;
CREATE TABLE chat_groups (
    roomid       TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    owner        TEXT NOT NULL,
    dismissed_at INTEGER,
    json         TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE group_members (
    userid   TEXT NOT NULL,
    roomid   TEXT NOT NULL,
    external INTEGER NOT NULL,
    PRIMARY KEY (userid, roomid)
) WITHOUT ROWID;
CREATE INDEX group_members_room ON group_members (roomid);
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    time            INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    userid          TEXT,
    external_userid TEXT,
    chat_id         TEXT,
    json            TEXT NOT NULL UNIQUE
);
CREATE INDEX events_time ON events (time);

-- Review data from the server.
CREATE TABLE hits (
    id        INTEGER PRIMARY KEY,
    msgid     TEXT NOT NULL,
    rule      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    word      TEXT,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    severity  TEXT NOT NULL,
    UNIQUE (msgid, rule, kind, span_start, span_end)
);
CREATE INDEX hits_severity ON hits (severity, kind);
CREATE TABLE annotations (
    id          TEXT PRIMARY KEY,
    msgid       TEXT,
    conv        TEXT,
    author      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted     INTEGER NOT NULL,
    json        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX annotations_msg ON annotations (msgid) WHERE msgid IS NOT NULL;
CREATE INDEX annotations_conv ON annotations (conv) WHERE conv IS NOT NULL;
CREATE TABLE grants (
    id          INTEGER PRIMARY KEY,
    json        TEXT NOT NULL,
    received_at INTEGER NOT NULL
);

-- Local state.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE local_annotations (   -- written offline, not yet accepted by the server
    id           TEXT PRIMARY KEY,
    base_version INTEGER NOT NULL,  -- the server version the edit started from (0: new)
    updated_at   INTEGER NOT NULL,
    json         TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE read_marks (
    conv       TEXT PRIMARY KEY,
    msgtime    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE TABLE audit_queue (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL             -- model AuditAction JSON (search queries are content)
);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE media (
    sdkfileid TEXT PRIMARY KEY,
    blob      TEXT NOT NULL,         -- blob id (file name under media/)
    size      INTEGER NOT NULL,
    sha256    TEXT NOT NULL,
    mime      TEXT,
    thumb     TEXT,                  -- thumbnail blob id
    stored_at INTEGER NOT NULL
) WITHOUT ROWID;
"#;

/// Version 2: rule hits counted per conversation, kept current by triggers, so the employee and
/// partner lists read one row per conversation instead of joining every hit to its message.
/// A hit may arrive before its message (the trigger on `messages` counts it then); `delete_message`
/// deletes the message before its hits (the trigger on `messages` uncounts them).
const V2: &str = r#"
CREATE TABLE conv_hits (
    conv          TEXT PRIMARY KEY,
    hits          INTEGER NOT NULL,   -- hit rows on the conversation's messages
    hit_messages  INTEGER NOT NULL    -- messages with at least one hit
) WITHOUT ROWID;
INSERT INTO conv_hits (conv, hits, hit_messages)
    SELECT m.conv, count(*), count(DISTINCT h.msgid) FROM hits h JOIN messages m ON m.msgid = h.msgid
    GROUP BY m.conv;
CREATE TRIGGER conv_hits_hit_added AFTER INSERT ON hits
    WHEN EXISTS (SELECT 1 FROM messages WHERE msgid = NEW.msgid)
BEGIN
    INSERT INTO conv_hits (conv, hits, hit_messages)
        SELECT conv, 1, 1 FROM messages WHERE msgid = NEW.msgid
        ON CONFLICT (conv) DO UPDATE SET hits = hits + 1,
            hit_messages = hit_messages + ((SELECT count(*) FROM hits WHERE msgid = NEW.msgid) = 1);
END;
CREATE TRIGGER conv_hits_hit_removed AFTER DELETE ON hits
    WHEN EXISTS (SELECT 1 FROM messages WHERE msgid = OLD.msgid)
BEGIN
    UPDATE conv_hits SET hits = hits - 1,
            hit_messages = hit_messages - (NOT EXISTS (SELECT 1 FROM hits WHERE msgid = OLD.msgid))
        WHERE conv = (SELECT conv FROM messages WHERE msgid = OLD.msgid);
    DELETE FROM conv_hits WHERE hits <= 0 AND conv = (SELECT conv FROM messages WHERE msgid = OLD.msgid);
END;
CREATE TRIGGER conv_hits_message_added AFTER INSERT ON messages
    WHEN EXISTS (SELECT 1 FROM hits WHERE msgid = NEW.msgid)
BEGIN
    INSERT INTO conv_hits (conv, hits, hit_messages)
        SELECT NEW.conv, count(*), 1 FROM hits WHERE msgid = NEW.msgid
        ON CONFLICT (conv) DO UPDATE SET hits = hits + excluded.hits, hit_messages = hit_messages + 1;
END;
CREATE TRIGGER conv_hits_message_removed AFTER DELETE ON messages
    WHEN EXISTS (SELECT 1 FROM hits WHERE msgid = OLD.msgid)
BEGIN
    UPDATE conv_hits SET hits = hits - (SELECT count(*) FROM hits WHERE msgid = OLD.msgid),
            hit_messages = hit_messages - 1
        WHERE conv = OLD.conv;
    DELETE FROM conv_hits WHERE conv = OLD.conv AND hits <= 0;
END;
"#;

/// Version 3: contacts' followers by contact. Every contact upsert during sync replaces its
/// followers (`DELETE … WHERE external_userid = ?`), which scanned the whole table: quadratic in
/// the number of contacts.
const V3: &str = r#"
CREATE INDEX contact_followers_contact ON contact_followers (external_userid);
"#;

/// Version 4: a local annotation edit names its message or conversation in columns (as the
/// server copies in `annotations` do), so review states and lists join on them; existing edits
/// are backfilled from their JSON.
const V4: &str = r#"
ALTER TABLE local_annotations ADD COLUMN msgid TEXT;
ALTER TABLE local_annotations ADD COLUMN conv TEXT;
UPDATE local_annotations SET
    msgid = json_extract(json, '$.target.message.msgid'),
    conv = CASE
        WHEN json_extract(json, '$.target.conversation.group') IS NOT NULL
            THEN 'g:' || json_extract(json, '$.target.conversation.group')
        WHEN json_extract(json, '$.target.conversation.single') IS NOT NULL
            THEN 's:' || json_extract(json, '$.target.conversation.single[0]') || char(31)
                      || json_extract(json, '$.target.conversation.single[1]')
    END;
CREATE INDEX local_annotations_msg ON local_annotations (msgid) WHERE msgid IS NOT NULL;
"#;

/// Version 5: a hit carries its message's time, so the violation centre lists hits newest first
/// from an index instead of joining every hit to its message (0.8 s over 1M messages). A hit that
/// arrives before its message gets the time when the message does (the v2 trigger that counts it
/// then sets it too).
const V5: &str = r#"
ALTER TABLE hits ADD COLUMN msgtime INTEGER;
UPDATE hits SET msgtime = (SELECT m.msgtime FROM messages m WHERE m.msgid = hits.msgid);
CREATE INDEX hits_time ON hits (msgtime, id);
DROP TRIGGER conv_hits_message_added;
CREATE TRIGGER conv_hits_message_added AFTER INSERT ON messages
    WHEN EXISTS (SELECT 1 FROM hits WHERE msgid = NEW.msgid)
BEGIN
    INSERT INTO conv_hits (conv, hits, hit_messages)
        SELECT NEW.conv, count(*), 1 FROM hits WHERE msgid = NEW.msgid
        ON CONFLICT (conv) DO UPDATE SET hits = hits + excluded.hits, hit_messages = hit_messages + 1;
    UPDATE hits SET msgtime = NEW.msgtime WHERE msgid = NEW.msgid;
END;
"#;

/// Version 6: inserts into `messages` and `hits` fire no trigger; `Tx::put_message_tallied` and
/// `Tx::put_hit` keep `conv_hits` themselves. A trigger makes SQLite keep a statement journal for
/// every insert, a copy of each page the insert touches (16 KiB each): 17% of a 1M-message sync.
/// (Deletes are rare and keep theirs.)
const V6: &str = r#"
DROP TRIGGER conv_hits_message_added;
DROP TRIGGER conv_hits_hit_added;
"#;

/// Version 7: the raw records (the evidence) are kept in zstd-compressed chunks of consecutive
/// message rows (`crate::evidence`) instead of a row each: writing a row per record was a fifth of
/// a 1M-message sync. Records kept so far become single-record chunks, uncompressed (codec 0).
const V7: &str = r#"
CREATE TABLE raw_chunks (
    first  INTEGER PRIMARY KEY,   -- lowest messages.id in the chunk
    last   INTEGER NOT NULL,      -- highest
    codec  INTEGER NOT NULL,      -- 0: `data` is the record of message `first` alone; 1: zstd entries
    data   BLOB NOT NULL
);
INSERT INTO raw_chunks (first, last, codec, data) SELECT id, id, 0, CAST(raw AS BLOB) FROM message_raw;
DROP TABLE message_raw;
"#;

/// The schema version of an open database.
pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Migrates `conn` from its version to `target` (≤ [`LATEST`]) in one transaction.
/// Returns the version it started from.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32> {
    let from = version(conn)?;
    if from > LATEST {
        return Err(UserError::TooNew {
            what: "database schema",
            found: from.into(),
            supported: LATEST.into(),
        }
        .into());
    }
    if from >= target {
        return Ok(from);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (i, step) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(from as usize)
    {
        tracing::info!(from = i, to = i + 1, "migrating vault schema");
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()?;
    Ok(from)
}

/// Migrates to [`LATEST`].
pub fn migrate(conn: &mut Connection) -> Result<u32> {
    migrate_to(conn, LATEST)
}
