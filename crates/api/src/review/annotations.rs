//! Annotations: comments, tags and a verdict on a message, a span of its text, or a whole
//! conversation. Written offline into the vault (a local copy plus an outbox entry, in one
//! transaction) and uploaded by the next sync; the server's copy replaces the local one when it
//! comes back. Auditors read annotations but may not write them.

use dossier_model::{Annotation, AnnotationTarget, AuditAction, ConversationKey, MsgId, Verdict};
use dossier_sync::outbox::{self, AnnotationEdit};
use dossier_vault::{Queries, conv_key, parse_conv_key};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit;
use super::state::EFFECTIVE_ANNOTATIONS;
use crate::search::TextSpan;
use crate::{ApiError, ErrorCode, Result, Session};

/// Most annotations one list returns (newest first).
pub const MAX_LIST: usize = 2000;
/// Longest comment, characters.
const MAX_COMMENT: usize = 10_000;
/// Most tags on one annotation, and the longest tag.
const MAX_TAGS: usize = 20;
const MAX_TAG: usize = 40;

/// A reviewer's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "Verdict")]
pub enum VerdictView {
    /// A real violation.
    ConfirmedViolation,
    /// Not a violation.
    FalsePositive,
    /// Needs someone senior.
    Escalate,
    /// Looked at, nothing to do.
    Cleared,
}

impl From<Verdict> for VerdictView {
    fn from(v: Verdict) -> Self {
        match v {
            Verdict::ConfirmedViolation => VerdictView::ConfirmedViolation,
            Verdict::FalsePositive => VerdictView::FalsePositive,
            Verdict::Escalate => VerdictView::Escalate,
            Verdict::Cleared => VerdictView::Cleared,
        }
    }
}

impl From<VerdictView> for Verdict {
    fn from(v: VerdictView) -> Self {
        match v {
            VerdictView::ConfirmedViolation => Verdict::ConfirmedViolation,
            VerdictView::FalsePositive => Verdict::FalsePositive,
            VerdictView::Escalate => Verdict::Escalate,
            VerdictView::Cleared => Verdict::Cleared,
        }
    }
}

/// What an annotation is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationTargetKind {
    /// A message (or a span of its text).
    Message,
    /// A whole conversation.
    Conversation,
}

/// An annotation's target as the UI names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AnnotationTargetView {
    /// Message or conversation.
    pub kind: AnnotationTargetKind,
    /// The conversation key (for a message: its conversation, empty when not cached).
    pub conversation: String,
    /// The message, for message targets.
    pub msgid: Option<String>,
    /// A span of the message's text (characters), for span annotations.
    pub span: Option<TextSpan>,
}

/// One annotation as the lists and panels show it.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct AnnotationView {
    /// Its id.
    pub id: String,
    /// What it is on.
    pub target: AnnotationTargetView,
    /// Who wrote it (account name).
    pub author: String,
    /// Comment.
    pub comment: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Verdict.
    pub verdict: Option<VerdictView>,
    /// The server version this copy is or starts from.
    #[ts(type = "number")]
    pub version: u64,
    /// Last change, ms.
    #[ts(type = "number")]
    pub updated_at: i64,
    /// Written here and not yet accepted by the server.
    pub pending: bool,
    /// Written by this profile's account (it may edit and delete it).
    pub mine: bool,
    /// The start of the message's text (message targets).
    pub excerpt: Option<String>,
    /// The message's time (message targets).
    #[ts(type = "number | null")]
    pub msgtime: Option<i64>,
}

/// Which annotations to list; every field narrows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AnnotationFilter {
    /// On this conversation or any of its messages.
    pub conversation: Option<String>,
    /// On this message.
    pub msgid: Option<String>,
    /// Only this account's own.
    pub mine: bool,
    /// Only with this verdict.
    pub verdict: Option<VerdictView>,
}

/// A new annotation (`id` null) or a new version of one's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AnnotationInput {
    /// The annotation to change; null creates one.
    pub id: Option<String>,
    /// What it is on (ignored when changing one: the target stays).
    pub target: AnnotationTargetView,
    /// Comment.
    pub comment: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Verdict.
    pub verdict: Option<VerdictView>,
}

/// A write the server refused, with both versions, for the user to settle.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ConflictView {
    /// The conflict's id (for `resolve_conflict`).
    #[ts(type = "number")]
    pub id: i64,
    /// The annotation.
    pub annotation_id: String,
    /// The server's reason.
    pub reason: String,
    /// This reviewer's version (as it is kept locally).
    pub mine: Option<AnnotationView>,
    /// The server's current version, when the server sent one.
    pub theirs: Option<AnnotationView>,
}

/// Which side of a conflict to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// Send this reviewer's version again, on top of the server's.
    Mine,
    /// Drop this reviewer's version.
    Theirs,
}

/// Annotations matching `filter`, newest first (at most [`MAX_LIST`]).
#[tracing::instrument(skip(session), err)]
pub async fn annotations(session: &Session, filter: AnnotationFilter) -> Result<Vec<AnnotationView>> {
    session
        .blocking(move |s| {
            let (me, _) = audit::account(s.vault())?;
            Ok(s.vault().db().read(|r| list(r, &filter, &me))?)
        })
        .await
}

/// Creates or changes an annotation; returns it as now shown (pending until the next sync).
#[tracing::instrument(skip(session, input), err)]
pub async fn save_annotation(session: &Session, input: AnnotationInput) -> Result<AnnotationView> {
    session
        .blocking(move |s| {
            let vault = s.vault();
            let me = audit::may_annotate(vault)?;
            let comment = input.comment.trim().to_owned();
            if comment.chars().count() > MAX_COMMENT {
                return Err(ApiError::bad_input(format!(
                    "a comment holds at most {MAX_COMMENT} characters"
                )));
            }
            let tags = clean_tags(&input.tags)?;
            let verdict = input.verdict.map(Verdict::from);
            let (edit, local) = match &input.id {
                None => {
                    let target = vault.db().read(|r| validate_target(r, &input.target))??;
                    let id = new_id();
                    let local = Annotation {
                        id: id.clone(),
                        target: target.clone(),
                        author: me.clone(),
                        comment: comment.clone(),
                        tags: tags.clone(),
                        verdict,
                        version: 0,
                        updated_at: dossier_vault::now_ms(),
                        deleted: false,
                    };
                    let edit = AnnotationEdit::Create {
                        id,
                        target,
                        comment,
                        tags,
                        verdict,
                    };
                    (edit, local)
                }
                Some(id) => {
                    let (current, base) = own(vault, id, &me)?;
                    let local = Annotation {
                        comment: comment.clone(),
                        tags: tags.clone(),
                        verdict,
                        updated_at: dossier_vault::now_ms(),
                        ..current
                    };
                    let edit = AnnotationEdit::Update {
                        id: id.clone(),
                        version: base,
                        comment,
                        tags,
                        verdict,
                    };
                    (edit, local)
                }
            };
            queue(vault, &edit, &local)?;
            Ok(vault.db().read(|r| view(r, &local, true, &me))?)
        })
        .await
}

/// Deletes one of this account's annotations (a tombstone the next sync uploads).
#[tracing::instrument(skip(session), err)]
pub async fn delete_annotation(session: &Session, id: String) -> Result<()> {
    session
        .blocking(move |s| {
            let vault = s.vault();
            let me = audit::may_annotate(vault)?;
            let (current, base) = own(vault, &id, &me)?;
            let local = Annotation {
                deleted: true,
                updated_at: dossier_vault::now_ms(),
                ..current
            };
            queue(vault, &AnnotationEdit::Delete { id, version: base }, &local)
        })
        .await
}

/// Writes the server refused, oldest first, with both versions.
#[tracing::instrument(skip(session), err)]
pub async fn annotation_conflicts(session: &Session) -> Result<Vec<ConflictView>> {
    session
        .blocking(|s| {
            let vault = s.vault();
            let (me, _) = audit::account(vault)?;
            let conflicts = outbox::conflicts(vault)?;
            Ok(vault.db().read(|r| {
                conflicts
                    .into_iter()
                    .map(|c| {
                        let id = c.local.id().to_owned();
                        let mine = match local_copy(r, &id)? {
                            Some((a, _)) => Some(view(r, &a, true, &me)?),
                            None => None,
                        };
                        let theirs = c.server.as_ref().map(|a| view(r, a, false, &me)).transpose()?;
                        Ok(ConflictView {
                            id: c.id,
                            annotation_id: id,
                            reason: c.message,
                            mine,
                            theirs,
                        })
                    })
                    .collect::<dossier_vault::Result<Vec<_>>>()
            })?)
        })
        .await
}

/// Settles a conflict: keep mine (sent again on top of the server's version) or theirs (mine
/// dropped).
#[tracing::instrument(skip(session), err)]
pub async fn resolve_conflict(session: &Session, id: i64, keep: Keep) -> Result<()> {
    session
        .blocking(move |s| {
            let vault = s.vault();
            let conflict = outbox::conflicts(vault)?
                .into_iter()
                .find(|c| c.id == id)
                .ok_or_else(|| ApiError::not_found(format!("no conflict {id}")))?;
            let annotation = conflict.local.id().to_owned();
            match keep {
                Keep::Theirs => {
                    vault.db().write(|tx| tx.remove_local_annotation(&annotation))?;
                }
                Keep::Mine => {
                    audit::may_annotate(vault)?;
                    let Some(server) = &conflict.server else {
                        return Err(ApiError::bad_input(format!(
                            "the server refused this edit ({}); it cannot be sent again — keep theirs to drop it",
                            conflict.message
                        )));
                    };
                    let (local, _) = vault
                        .db()
                        .read(|r| local_copy(r, &annotation))?
                        .ok_or_else(|| ApiError::not_found(format!("no local copy of annotation {annotation}")))?;
                    let edit = if local.deleted {
                        AnnotationEdit::Delete {
                            id: annotation,
                            version: server.version,
                        }
                    } else {
                        AnnotationEdit::Update {
                            id: annotation,
                            version: server.version,
                            comment: local.comment.clone(),
                            tags: local.tags.clone(),
                            verdict: local.verdict,
                        }
                    };
                    queue(vault, &edit, &local)?;
                }
            }
            outbox::dismiss_conflict(vault, id)?;
            Ok(())
        })
        .await
}

/// Queues `edit` with its local copy and audit record in one transaction.
fn queue(vault: &dossier_vault::Vault, edit: &AnnotationEdit, local: &Annotation) -> Result<()> {
    let action = AuditAction::Annotate {
        annotation: local.id.clone(),
    };
    audit::record_with(vault, action, |tx| {
        outbox::queue_annotation(tx, edit, local).map(drop)
    })
}

/// The annotation `id` as this reviewer sees it, and the server version an edit starts from;
/// refused unless `me` wrote it.
fn own(vault: &dossier_vault::Vault, id: &str, me: &str) -> Result<(Annotation, u64)> {
    let found = vault.db().read(|r| {
        Ok(match local_copy(r, id)? {
            Some((a, base)) => Some((a, base)),
            None => server_copy(r, id)?.map(|a| {
                let v = a.version;
                (a, v)
            }),
        })
    })?;
    match found {
        Some((a, _)) if a.deleted => Err(ApiError::not_found(format!("annotation {id} was deleted"))),
        Some((a, _)) if a.author != me => Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("annotation {id} is {}'s; you can change only your own", a.author),
        )),
        Some(found) => Ok(found),
        None => Err(ApiError::not_found(format!("no annotation {id}"))),
    }
}

fn local_copy(r: &impl Queries, id: &str) -> dossier_vault::Result<Option<(Annotation, u64)>> {
    let mut stmt = r
        .sql()
        .prepare_cached("SELECT json, base_version FROM local_annotations WHERE id = ?1")?;
    let mut rows = stmt.query([id])?;
    Ok(match rows.next()? {
        Some(row) => Some((
            serde_json::from_str(&row.get::<_, String>(0)?)?,
            row.get::<_, i64>(1)? as u64,
        )),
        None => None,
    })
}

fn server_copy(r: &impl Queries, id: &str) -> dossier_vault::Result<Option<Annotation>> {
    let mut stmt = r
        .sql()
        .prepare_cached("SELECT json FROM annotations WHERE id = ?1")?;
    let mut rows = stmt.query([id])?;
    Ok(match rows.next()? {
        Some(row) => Some(serde_json::from_str(&row.get::<_, String>(0)?)?),
        None => None,
    })
}

fn list(r: &impl Queries, f: &AnnotationFilter, me: &str) -> dossier_vault::Result<Vec<AnnotationView>> {
    let sql = format!(
        "SELECT json, pending FROM ({EFFECTIVE_ANNOTATIONS})
         WHERE (?1 IS NULL OR conv = ?1 OR msgid IN (SELECT msgid FROM messages WHERE conv = ?1))
           AND (?2 IS NULL OR msgid = ?2)
           AND (?3 IS NULL OR author = ?3)
           AND (?4 IS NULL OR verdict = ?4)
         ORDER BY updated_at DESC LIMIT {MAX_LIST}"
    );
    let verdict = f.verdict.map(|v| {
        serde_json::to_value(v)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    });
    let mine = f.mine.then_some(me);
    let rows: Vec<(String, bool)> = r
        .sql()
        .prepare(&sql)?
        .query_map(
            dossier_vault::rusqlite::params![f.conversation, f.msgid, mine, verdict],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter()
        .map(|(json, pending)| view(r, &serde_json::from_str(&json)?, pending, me))
        .collect()
}

/// The view of `a`, with its message's excerpt and time when cached.
fn view(r: &impl Queries, a: &Annotation, pending: bool, me: &str) -> dossier_vault::Result<AnnotationView> {
    let (target, excerpt, msgtime) = match &a.target {
        AnnotationTarget::Message { msgid, span } => {
            let m = r.message(&msgid.0)?;
            let target = AnnotationTargetView {
                kind: AnnotationTargetKind::Message,
                conversation: m
                    .as_ref()
                    .map(|m| conv_key(&m.message.conversation()))
                    .unwrap_or_default(),
                msgid: Some(msgid.0.clone()),
                span: span.map(|(start, end)| TextSpan {
                    start: start as u32,
                    end: end as u32,
                }),
            };
            let excerpt = m.as_ref().map(|m| m.text.chars().take(80).collect());
            (target, excerpt, m.map(|m| m.message.msgtime))
        }
        AnnotationTarget::Conversation(key) => (
            AnnotationTargetView {
                kind: AnnotationTargetKind::Conversation,
                conversation: conv_key(key),
                msgid: None,
                span: None,
            },
            None,
            None,
        ),
    };
    Ok(AnnotationView {
        id: a.id.clone(),
        target,
        author: a.author.clone(),
        comment: a.comment.clone(),
        tags: a.tags.clone(),
        verdict: a.verdict.map(VerdictView::from),
        version: a.version,
        updated_at: a.updated_at,
        pending,
        mine: a.author == me,
        excerpt,
        msgtime,
    })
}

/// The model target of `t`, checked against the cache: the message or conversation exists and
/// a span lies inside the message's text.
fn validate_target(
    r: &impl Queries,
    t: &AnnotationTargetView,
) -> dossier_vault::Result<Result<AnnotationTarget>> {
    Ok(Ok(match t.kind {
        AnnotationTargetKind::Message => {
            let Some(msgid) = &t.msgid else {
                return Ok(Err(ApiError::bad_input("a message annotation needs its msgid")));
            };
            let Some(m) = r.message(msgid)? else {
                return Ok(Err(ApiError::not_found(format!("no message {msgid}"))));
            };
            let span = match t.span {
                None => None,
                Some(s) => {
                    let len = m.text.chars().count() as u32;
                    if s.start >= s.end || s.end > len {
                        return Ok(Err(ApiError::bad_input(format!(
                            "span {}..{} is not inside the message's {len} characters",
                            s.start, s.end
                        ))));
                    }
                    Some((s.start as usize, s.end as usize))
                }
            };
            AnnotationTarget::Message {
                msgid: MsgId(msgid.clone()),
                span,
            }
        }
        AnnotationTargetKind::Conversation => {
            let key: Option<ConversationKey> = parse_conv_key(&t.conversation);
            let Some(key) = key else {
                return Ok(Err(ApiError::bad_input(format!(
                    "malformed conversation key {:?}",
                    t.conversation
                ))));
            };
            if r.conversation(&key)?.is_none() {
                return Ok(Err(ApiError::not_found("no such conversation in the cache")));
            }
            AnnotationTarget::Conversation(key)
        }
    }))
}

/// Tags trimmed, empty ones dropped, duplicates removed (first kept), within the limits.
fn clean_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if t.chars().count() > MAX_TAG {
            return Err(ApiError::bad_input(format!(
                "a tag holds at most {MAX_TAG} characters"
            )));
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    if out.len() > MAX_TAGS {
        return Err(ApiError::bad_input(format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

/// A random 128-bit id in hex: annotations are created offline, so the client names them.
fn new_id() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}
