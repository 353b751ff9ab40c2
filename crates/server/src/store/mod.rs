//! Storage behind one trait. [`Storage`] is what the server needs from a database: users and
//! sessions, the archive with its change log, annotations, audit. [`SqliteStorage`] is the
//! embedded default; a PostgreSQL backend implements the same trait.
//!
//! The change log is the heart: every stored change (a message ingested, a contact updated, an
//! annotation saved, a grant changed …) appends a row with a fresh, never reused `seq`. Rows for
//! the same item are compacted: an item appears once, at the `seq` of its latest change. Rows that
//! belong to one user (their grant records and the backfill a widened grant brings) carry that
//! user's id. Storage never decides visibility; it hands rows to [`crate::scope`].

mod sqlite;

use dossier_model::{
    Annotation, AnnotationTarget, AuditRecord, Department, Employee, ExternalContact, Group, Role,
};

pub use sqlite::SqliteStorage;

use crate::error::Result;
use crate::scope::{GrantState, Subject};

/// A position in the change log.
pub type Seq = i64;

/// A user account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// Internal id.
    pub id: i64,
    /// Account name (login).
    pub name: String,
    /// Role.
    pub role: Role,
    /// Disabled accounts cannot sign in; their sessions are gone.
    pub disabled: bool,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Created, ms.
    pub created_at: i64,
}

/// A signed-in session: one access token and one refresh token, stored as SHA-256 hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// Session id.
    pub id: i64,
    /// The user.
    pub user_id: i64,
    /// Hash of the access token.
    pub access_hash: String,
    /// Access token expiry, ms.
    pub access_expires: i64,
    /// Hash of the refresh token.
    pub refresh_hash: String,
    /// Refresh token expiry, ms.
    pub refresh_expires: i64,
}

/// A message to ingest, with what ingest derived from it.
#[derive(Clone, Debug)]
pub struct NewMessage {
    /// `msgid`.
    pub msgid: String,
    /// The archive's own `seq`, as text (it can exceed i64).
    pub archive_seq: Option<String>,
    /// `send`, `recall`, `switch`.
    pub action: String,
    /// Sender.
    pub from: String,
    /// Recipients.
    pub tolist: Vec<String>,
    /// Group id, empty for single chats.
    pub roomid: String,
    /// Time, ms.
    pub msgtime: i64,
    /// msgtype.
    pub msgtype: String,
    /// The archive line as received (the evidence).
    pub raw: String,
    /// Whether `raw` is valid JSON (it may hold raw control characters).
    pub raw_is_json: bool,
    /// For a revoke: the msgid it recalls.
    pub revoke_of: Option<String>,
    /// Media id (hex SHA-256 of the sdkfileid), if the message carries a file.
    pub media: Option<String>,
    /// Hits found at ingest, as JSON objects of [`dossier_model::Hit`].
    pub hits: Vec<String>,
}

/// A stored message as the feed sends it.
#[derive(Clone, Debug)]
pub struct StoredMessage {
    /// `msgid`.
    pub msgid: String,
    /// The archive's `seq`.
    pub archive_seq: Option<String>,
    /// Action.
    pub action: String,
    /// Sender.
    pub from: String,
    /// Recipients.
    pub tolist: Vec<String>,
    /// Group id, empty for single chats.
    pub roomid: String,
    /// Time, ms.
    pub msgtime: i64,
    /// msgtype.
    pub msgtype: String,
    /// The evidence line.
    pub raw: String,
    /// Whether `raw` is valid JSON.
    pub raw_is_json: bool,
    /// The msgid of the revoke that recalled it.
    pub revoked_by: Option<String>,
    /// For a revoke: the msgid it recalls.
    pub revoke_of: Option<String>,
}

/// A callback event to ingest.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// Dedup key (hex SHA-256 of the raw line).
    pub key: String,
    /// Time, ms.
    pub time_ms: i64,
    /// The employee concerned, if any.
    pub userid: Option<String>,
    /// The group concerned (dissolution), if any.
    pub chat_id: Option<String>,
    /// The record the feed sends: `{"event": Event, "alert": EventAlert|null}`.
    pub json: String,
}

/// Who a stored record concerns: the owned form of [`Subject`].
#[derive(Clone, Debug)]
pub enum SubjectData {
    /// Message (and its hits and annotations).
    Message {
        /// Sender.
        from: String,
        /// Recipients.
        to: Vec<String>,
        /// Time, ms.
        time_ms: i64,
    },
    /// Contact by followers.
    Contact(Vec<String>),
    /// Group by owner and members.
    Group(Vec<String>),
    /// Employee.
    Employee(String),
    /// Department.
    Department(u64),
    /// Event.
    Event {
        /// Employee concerned.
        userid: Option<String>,
        /// Group members for a dissolution.
        group: Option<Vec<String>>,
        /// Time, ms.
        time_ms: i64,
    },
    /// A single chat.
    Conversation(Vec<String>),
    /// Everyone.
    Public,
    /// The user's own record (grant).
    Own,
    /// Read it off the item (messages: sender, recipients, time), saving a copy per row.
    OfItem,
}

impl SubjectData {
    /// The borrowed subject for [`crate::scope::View::allows`]; `None` for the user's own records.
    pub fn subject(&self) -> Option<Subject<'_>> {
        Some(match self {
            SubjectData::Message { from, to, time_ms } => Subject::Message {
                from,
                to,
                time_ms: *time_ms,
            },
            SubjectData::Contact(f) => Subject::Contact { followers: f },
            SubjectData::Group(m) => Subject::Group { members: m },
            SubjectData::Employee(u) => Subject::Employee(u),
            SubjectData::Department(d) => Subject::Department(*d),
            SubjectData::Event {
                userid,
                group,
                time_ms,
            } => Subject::Event {
                userid: userid.as_deref(),
                group: group.as_deref(),
                time_ms: *time_ms,
            },
            SubjectData::Conversation(p) => Subject::Conversation { parties: p },
            SubjectData::Public => Subject::Public,
            // Without its item nothing can be told: visible to scope `all` only.
            SubjectData::OfItem => Subject::Group { members: &[] },
            SubjectData::Own => return None,
        })
    }
}

/// One record of the change log, loaded.
#[derive(Clone, Debug)]
pub enum Item {
    /// A message with its evidence.
    Message(StoredMessage),
    /// A hit (JSON of [`dossier_model::Hit`]) with its id.
    Hit {
        /// Hit id.
        id: i64,
        /// JSON.
        json: String,
    },
    /// An external contact (JSON of [`ExternalContact`]).
    Contact(String),
    /// A group (JSON of [`Group`]).
    Group(String),
    /// An employee (JSON of [`Employee`]).
    Employee(String),
    /// A department (JSON of [`Department`]).
    Department(String),
    /// An event (`{"event":…,"alert":…}`).
    Event {
        /// Event id.
        id: i64,
        /// JSON.
        json: String,
    },
    /// An annotation.
    Annotation(Annotation),
    /// The rules file (JSON).
    Rules(String),
    /// A lexicon.
    Lexicon {
        /// Name.
        name: String,
        /// Words; `None` when deleted.
        words: Option<Vec<String>>,
    },
    /// A grant change of the reading user.
    Grant(GrantState),
    /// The referenced item no longer exists.
    Gone,
}

/// A change-log row with its item and what the item concerns.
#[derive(Clone, Debug)]
pub struct ChangeRow {
    /// Its position.
    pub seq: Seq,
    /// Whether the row belongs to the reading user alone (grant record or backfill).
    pub own: bool,
    /// The item.
    pub item: Item,
    /// What it concerns.
    pub subject: SubjectData,
}

impl ChangeRow {
    /// What the row concerns, for [`crate::scope::View::allows`]; `None` for the user's own
    /// records (grants).
    pub fn subject(&self) -> Option<Subject<'_>> {
        match (&self.subject, &self.item) {
            (SubjectData::OfItem, Item::Message(m)) => Some(Subject::Message {
                from: &m.from,
                to: &m.tolist,
                time_ms: m.msgtime,
            }),
            (SubjectData::OfItem, _) => Some(Subject::Group { members: &[] }),
            (d, _) => d.subject(),
        }
    }
}

/// A message row borrowed from the database while the feed reads it (no copies).
#[derive(Clone, Copy, Debug)]
pub struct MessageRef<'a> {
    /// `msgid`.
    pub msgid: &'a str,
    /// The archive's `seq`.
    pub archive_seq: Option<&'a str>,
    /// Action.
    pub action: &'a str,
    /// Sender.
    pub from: &'a str,
    /// Recipients.
    pub tolist: &'a [&'a str],
    /// Group id, empty for single chats.
    pub roomid: &'a str,
    /// Time, ms.
    pub msgtime: i64,
    /// msgtype.
    pub msgtype: &'a str,
    /// The evidence line.
    pub raw: &'a str,
    /// Whether `raw` is valid JSON.
    pub raw_is_json: bool,
    /// The msgid of the revoke that recalled it.
    pub revoked_by: Option<&'a str>,
    /// For a revoke: the msgid it recalls.
    pub revoke_of: Option<&'a str>,
}

/// A change-log row as [`Storage::for_each_change`] hands it out: messages borrowed, the rest
/// loaded.
#[derive(Debug)]
pub enum ChangeRef<'a> {
    /// A message row (global or backfill).
    Message {
        /// Its position.
        seq: Seq,
        /// Whether the row belongs to the reading user alone (backfill).
        own: bool,
        /// The message.
        message: MessageRef<'a>,
    },
    /// Any other row.
    Other(ChangeRow),
}

/// One API call, for the server-side audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiAudit {
    /// When, ms.
    pub at: i64,
    /// The signed-in user, if any.
    pub user_id: Option<i64>,
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Response status.
    pub status: u16,
    /// Remote address.
    pub remote: String,
}

/// Outcome of a versioned annotation write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnnotationWrite {
    /// Written; the stored annotation with its new version.
    Saved(Annotation),
    /// Refused: the version did not match; the current annotation.
    Conflict(Annotation),
    /// Refused: there is no annotation with that id (update or delete).
    Missing,
}

/// What the server needs from a database. Methods block; the HTTP layer calls them on the
/// blocking pool.
pub trait Storage: Send + Sync + 'static {
    /// Creates a user with a first grant (logged as the user's first grant record).
    fn create_user(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
        grant: &GrantState,
    ) -> Result<UserRecord>;
    /// A user by name.
    fn user_by_name(&self, name: &str) -> Result<Option<UserRecord>>;
    /// A user by id.
    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>>;
    /// Every user.
    fn list_users(&self) -> Result<Vec<UserRecord>>;
    /// Disables or enables a user; disabling deletes the user's sessions.
    fn set_disabled(&self, user_id: i64, disabled: bool) -> Result<()>;
    /// Logs a new grant for the user and, for what it newly permits, backfill rows; returns the
    /// grant record's seq.
    fn set_grant(&self, user_id: i64, grant: &GrantState) -> Result<Seq>;
    /// The user's grants in log order.
    fn grant_history(&self, user_id: i64) -> Result<Vec<(Seq, GrantState)>>;

    /// Creates a session.
    fn create_session(&self, session: &SessionRecord) -> Result<()>;
    /// The session of an access-token hash.
    fn session_by_access(&self, hash: &str) -> Result<Option<SessionRecord>>;
    /// The session of a refresh-token hash.
    fn session_by_refresh(&self, hash: &str) -> Result<Option<SessionRecord>>;
    /// Replaces a session's tokens (refresh rotation); false when the session is gone.
    fn rotate_session(&self, session: &SessionRecord) -> Result<bool>;
    /// Deletes a session (logout).
    fn delete_session(&self, id: i64) -> Result<()>;

    /// The organisation.
    fn org(&self) -> Result<(Vec<Department>, Vec<Employee>)>;
    /// Inserts or updates departments and employees; returns how many changed.
    fn ingest_org(&self, departments: &[Department], employees: &[Employee]) -> Result<usize>;
    /// Inserts or updates contacts; returns how many changed.
    fn ingest_contacts(&self, contacts: &[ExternalContact]) -> Result<usize>;
    /// Inserts or updates groups; returns how many changed.
    fn ingest_groups(&self, groups: &[Group]) -> Result<usize>;
    /// Inserts messages (with hits and media references) in one transaction; a msgid already
    /// stored is skipped. Links revokes both ways. Returns how many messages and hits were new.
    fn ingest_messages(&self, messages: &[NewMessage]) -> Result<(usize, usize)>;
    /// Which of `msgids` are stored already.
    fn known_msgids(&self, msgids: &[String]) -> Result<std::collections::HashSet<String>>;
    /// Inserts events, skipping ones already stored; returns how many were new.
    fn ingest_events(&self, events: &[NewEvent]) -> Result<usize>;
    /// Whether a stored message had a hit (for revoke detection across ingests).
    fn message_had_hit(&self, msgid: &str) -> Result<bool>;

    /// The rules file, if one was set.
    fn rules(&self) -> Result<Option<String>>;
    /// Replaces the rules file; false when it was the same.
    fn set_rules(&self, json: &str) -> Result<bool>;
    /// Every lexicon.
    fn lexicons(&self) -> Result<Vec<(String, Vec<String>)>>;
    /// Sets (`Some`) or deletes (`None`) a lexicon.
    fn set_lexicon(&self, name: &str, words: Option<&[String]>) -> Result<()>;

    /// The newest seq (0 when empty).
    fn head(&self) -> Result<Seq>;
    /// Up to `max` log rows after `after` that are global or belong to `user_id`, loaded.
    fn changes(&self, user_id: i64, after: Seq, max: usize) -> Result<Vec<ChangeRow>>;
    /// Like [`Storage::changes`], streaming: calls `f` for each row, in order, until it returns
    /// `Ok(false)` or `max` rows were given.
    fn for_each_change(
        &self,
        user_id: i64,
        after: Seq,
        max: usize,
        f: &mut dyn FnMut(ChangeRef<'_>) -> Result<bool>,
    ) -> Result<()>;
    /// The messages that reference a media id.
    fn media_subjects(&self, media_id: &str) -> Result<Vec<SubjectData>>;

    /// An annotation by id.
    fn annotation(&self, id: &str) -> Result<Option<Annotation>>;
    /// What an annotation target concerns; `None` when the target is unknown.
    fn target_subject(&self, target: &AnnotationTarget) -> Result<Option<SubjectData>>;
    /// Writes an annotation: `expected` `None` creates (conflict when the id exists), `Some(v)`
    /// updates only when the stored version is `v`. The stored version becomes `v + 1`.
    fn write_annotation(&self, annotation: &Annotation, expected: Option<u64>) -> Result<AnnotationWrite>;

    /// Appends API-call audit records.
    fn append_api_audit(&self, records: &[ApiAudit]) -> Result<()>;
    /// Appends client-side audit records of a user.
    fn append_client_audit(&self, user: &str, records: &[AuditRecord]) -> Result<()>;
    /// API audit records with id above `after` (oldest first), for inspection.
    fn api_audit(&self, after: i64, limit: usize) -> Result<Vec<(i64, ApiAudit)>>;
    /// Number of client audit records stored.
    fn client_audit_count(&self) -> Result<u64>;
}
