//! The review side: rules and their hits, annotations, grants and audit records.

use serde::{Deserialize, Serialize};

use crate::{ConversationKey, MsgId, UserId};

/// Who a rule, or a grant, covers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Everyone.
    #[default]
    All,
    /// These departments and their sub-departments.
    Departments(Vec<u64>),
    /// These employees.
    Employees(Vec<UserId>),
}

/// Which side of a conversation a rule watches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderSide {
    /// Messages sent by employees.
    Employee,
    /// Messages sent by customers.
    Customer,
    /// Both.
    #[default]
    Both,
}

/// The kinds of chat a rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatKind {
    /// One-to-one chats.
    Single,
    /// Group chats.
    Group,
    /// Chats among employees only.
    Internal,
    /// Chats with at least one outsider.
    External,
}

/// How serious a hit is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look.
    Low,
    /// Needs review.
    #[default]
    Medium,
    /// Needs review now.
    High,
}

/// What happens on a hit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// Record and alert.
    #[default]
    Warn,
    /// Record, alert, and ask for the message to be blocked.
    WarnAndBlock,
}

/// A sensitive-word rule. In rules files every field but `name` and `words` is optional.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Name shown to reviewers.
    pub name: String,
    /// Words and phrases that hit.
    pub words: Vec<String>,
    /// Phrases that cancel a hit they contain (不保本 cancels 保本).
    #[serde(default)]
    pub exclusions: Vec<String>,
    /// Whose messages the rule covers.
    #[serde(default)]
    pub scope: Scope,
    /// Which sender side.
    #[serde(default)]
    pub sender: SenderSide,
    /// Which chats; empty means all.
    #[serde(default)]
    pub chat_kinds: Vec<ChatKind>,
    /// Severity.
    #[serde(default)]
    pub severity: Severity,
    /// Action.
    #[serde(default)]
    pub action: RuleAction,
    /// Whether the rule is active.
    #[serde(default = "enabled_default")]
    pub enabled: bool,
}

fn enabled_default() -> bool {
    true
}

/// What produced a hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// A lexicon word.
    Word,
    /// A mainland mobile or landline number.
    Phone,
    /// A WeChat id offered as contact.
    Wechat,
    /// A bank card number (Luhn-valid).
    Bankcard,
    /// A resident id number (checksum-valid).
    Idcard,
    /// A QR code in an image.
    Qrcode,
    /// A personal business card sent to a customer.
    Card,
    /// A red packet.
    Redpacket,
    /// A money transfer.
    Transfer,
    /// A revoke of a message that had a hit.
    Revoke,
    /// A customer left waiting past the reply limit.
    Timeout,
    /// The employee deleted the customer.
    DelExternalContact,
    /// The customer deleted the employee.
    DelFollowUser,
}

impl HitKind {
    /// Whether this is a behaviour hit rather than a lexicon word.
    pub fn is_behaviour(self) -> bool {
        self != HitKind::Word
    }
}

/// A detection: where, what, and by which rule. Spans are in Unicode characters of the
/// message's text (see [`crate::Content::text`]), end exclusive; behaviour hits on a whole
/// message have an empty span at 0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// The message.
    pub msgid: MsgId,
    /// The rule's or detector's name.
    pub rule: String,
    /// What kind of hit.
    pub kind: HitKind,
    /// The word matched (lexicon hits) or the value found (detectors).
    pub word: Option<String>,
    /// Start, in characters.
    pub start: usize,
    /// End, in characters, exclusive.
    pub end: usize,
    /// Severity.
    pub severity: Severity,
}

/// A reviewer's judgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A real violation.
    ConfirmedViolation,
    /// Not a violation.
    FalsePositive,
    /// Needs someone senior.
    Escalate,
    /// Looked at, nothing to do.
    Cleared,
}

/// What an annotation is attached to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationTarget {
    /// A message, optionally a character span of its text.
    Message {
        /// The message.
        msgid: MsgId,
        /// Span in characters, end exclusive.
        span: Option<(usize, usize)>,
    },
    /// A whole conversation.
    Conversation(ConversationKey),
}

/// A comment, tags and verdict on a message, span or conversation. Versioned: a write against a
/// stale version is refused with the current one, never silently overwritten.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// Id (client-generated UUID-like text, so offline creation needs no server).
    pub id: String,
    /// What it is attached to.
    pub target: AnnotationTarget,
    /// Who wrote it (the reviewer's account name).
    pub author: String,
    /// Comment.
    pub comment: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Verdict, if given.
    pub verdict: Option<Verdict>,
    /// Version, incremented on every accepted write.
    pub version: u64,
    /// Last change, milliseconds.
    pub updated_at: i64,
    /// Deleted (kept as a tombstone so the deletion syncs).
    pub deleted: bool,
}

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the server: users, grants, rules, ingest.
    Admin,
    /// Reads the granted slice and annotates.
    Reviewer,
    /// Reads the granted slice; read-only.
    Auditor,
}

/// The slice of the archive a user may see. A message is inside when its sender or any recipient
/// is an employee in `scope` and its time is inside `window`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Employees covered.
    pub scope: Scope,
    /// Time window `[from, to)` in milliseconds; `None` ends are open.
    pub window: (Option<i64>, Option<i64>),
    /// How long a synced slice may be used offline without a successful sync, seconds.
    pub lease_secs: u64,
    /// Whether the user may export evidence.
    pub export_allowed: bool,
}

/// What an audited user did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum AuditAction {
    /// Opened a conversation.
    ViewConversation {
        /// Which.
        conversation: ConversationKey,
    },
    /// Ran a search (the query is archive-derived content and is stored encrypted).
    Search {
        /// The query as typed.
        query: String,
    },
    /// Exported evidence.
    Export {
        /// What was exported.
        what: String,
    },
    /// Created, changed or deleted an annotation.
    Annotate {
        /// The annotation id.
        annotation: String,
    },
}

/// One audit record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When, milliseconds.
    pub at: i64,
    /// Who (account name).
    pub actor: String,
    /// What.
    pub action: AuditAction,
}
