//! The conversation pane: summary, pages around an anchor, jump to a date, and the message view.

use std::collections::HashMap;

use dossier_model::{AuditAction, Content, ConversationKey, MsgId};
use dossier_vault::{Anchor, Direction, Queries, StoredMessage, conv_key};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::content::wire_content;
use super::partners::parse_conversation;
use super::people::{People, Person};
use crate::review::ReviewState;
use crate::review::state::{annotation_count, conversation_state, message_state};
use crate::{ApiError, Result, Session};

/// Most messages one page returns.
pub const MAX_PAGE: u32 = 500;

/// How long after a message its revocation is looked for (WeCom allows recalling within minutes;
/// a day is generous).
const REVOKE_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// Single chat or group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    /// Two people.
    Single,
    /// A group chat.
    Group,
}

/// A conversation's header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ConversationInfo {
    /// The conversation key.
    pub conversation: String,
    /// Single or group.
    pub kind: ConversationKind,
    /// The other person's name (seen from the first participant) or the group's name.
    pub title: String,
    /// Both people of a single chat; the members of a group.
    pub participants: Vec<Person>,
    /// The group was dissolved.
    pub dismissed: bool,
    /// Cached messages.
    pub messages: u32,
    /// Oldest message time, ms.
    #[ts(type = "number")]
    pub first_time: i64,
    /// Newest message time, ms.
    #[ts(type = "number")]
    pub last_time: i64,
    /// Hits.
    pub hits: u32,
    /// How far it has been reviewed.
    pub review: ReviewState,
    /// Annotations in force on it and its messages.
    pub annotations: u32,
    /// How far this reviewer has read (the newest message shown to them), if at all.
    pub read_mark: Option<PageAnchor>,
}

/// A position in a conversation: a message's time and row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PageAnchor {
    /// Message time, ms.
    #[ts(type = "number")]
    pub msgtime: i64,
    /// Row id.
    #[ts(type = "number")]
    pub id: i64,
}

/// Where a page starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum PageAt {
    /// The newest messages.
    Newest,
    /// The oldest messages.
    Oldest,
    /// Messages older than the anchor (scrolling up).
    Before {
        /// The oldest message shown.
        anchor: PageAnchor,
    },
    /// Messages newer than the anchor (scrolling down).
    After {
        /// The newest message shown.
        anchor: PageAnchor,
    },
    /// A page with this message in the middle ("view in context").
    Around {
        /// The message.
        msgid: String,
    },
    /// The first messages at or after a time (jump to date), with some before it.
    Date {
        /// Time, ms.
        #[ts(type = "number")]
        time: i64,
    },
}

/// A page of messages, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ConversationPage {
    /// The messages, oldest first.
    pub messages: Vec<MessageView>,
    /// Older messages exist before the first one.
    pub more_before: bool,
    /// Newer messages exist after the last one.
    pub more_after: bool,
    /// The message to scroll to (`Around`: that message; `Date`: the first at or after the time).
    pub focus: Option<String>,
}

/// A rule hit on a message, at its span of `text`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct HitView {
    /// Rule or detector name.
    pub rule: String,
    /// `word`, `phone`, `wechat`, … (model `HitKind`).
    pub kind: String,
    /// A behaviour hit (contact hand-out, red packet, …) rather than a lexicon word.
    pub behaviour: bool,
    /// `low`, `medium` or `high`.
    pub severity: String,
    /// The word matched or the value found.
    pub word: Option<String>,
    /// The hit's id.
    #[ts(type = "number")]
    pub hit_id: i64,
    /// How far the message's hits have been reviewed.
    pub state: ReviewState,
    /// First character of `text` (Unicode scalar values).
    pub start: u32,
    /// One past the last character.
    pub end: u32,
}

/// The media a message refers to; fetch it by `sdkfileid` through the media protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct MediaView {
    /// The SDK file id (the media's id in the profile).
    pub sdkfileid: String,
    /// Size in bytes as the message states it (a 64-bit number, as a string).
    pub size: Option<String>,
    /// File name, for files.
    pub name: Option<String>,
    /// The media is in the cache.
    pub stored: bool,
    /// MIME type when known.
    pub mime: Option<String>,
    /// A thumbnail exists.
    pub thumbnail: bool,
}

/// This message was recalled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Revocation {
    /// When the revoke record was sent, ms.
    #[ts(type = "number")]
    pub at: i64,
}

/// The message a revoke record recalls, with its original content.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct OriginalMessage {
    /// Its msgid.
    pub msgid: String,
    /// Whether the cache holds it (it may lie outside the synced slice).
    pub found: bool,
    /// Its msgtype.
    pub msgtype: Option<String>,
    /// Its text.
    pub text: Option<String>,
    /// Its typed content (see `MessageView.content`).
    #[ts(type = "Content | null")]
    pub content: Option<serde_json::Value>,
}

/// One message as the conversation pane shows it.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct MessageView {
    /// Row id (anchors pages).
    #[ts(type = "number")]
    pub id: i64,
    /// The WeCom msgid.
    pub msgid: String,
    /// The archive seq, a 64-bit number as a string.
    pub seq: Option<String>,
    /// Time, ms.
    #[ts(type = "number")]
    pub msgtime: i64,
    /// Who sent it.
    pub sender: Person,
    /// `send`, `recall`, `switch` or another action as sent.
    pub action: String,
    /// The msgtype (`switch` for switch records, the sent name for unknown types).
    pub msgtype: String,
    /// The text reviewers read and rules scan (hit spans count its characters).
    pub text: String,
    /// The typed content: the model's JSON tagged by `msgtype`, 64-bit fields as strings;
    /// an unknown type as `{msgtype: "unknown", name, raw}` with the whole record.
    #[ts(type = "Content")]
    pub content: serde_json::Value,
    /// Set when this message was recalled (shown with its content, marked).
    pub revoked: Option<Revocation>,
    /// For a revoke record: the recalled message and its original content.
    pub revokes: Option<OriginalMessage>,
    /// Rule hits, by position.
    pub hits: Vec<HitView>,
    /// Annotations on the message.
    pub annotations: u32,
    /// The media it refers to.
    pub media: Option<MediaView>,
}

/// A conversation's header. Opening a conversation is audited.
#[tracing::instrument(skip(session), err)]
pub async fn conversation(session: &Session, conversation: String) -> Result<ConversationInfo> {
    let key = parse_conversation(&conversation)?;
    session
        .blocking(move |s| {
            crate::review::audit::record(
                s.vault(),
                AuditAction::ViewConversation {
                    conversation: key.clone(),
                },
            )?;
            s.vault().db().read(|r| {
                let Some(row) = r.conversation(&key)? else {
                    return Ok(Err(ApiError::not_found(format!(
                        "no conversation {conversation}"
                    ))));
                };
                let mut people = People::default();
                let hits = r.conversation_hits(&key)?;
                let (title, participants, dismissed) = match &key {
                    ConversationKey::Single(a, b) => {
                        let (a, b) = (people.get(r, a)?, people.get(r, b)?);
                        // Title from the employee's side: the customer (or the second colleague).
                        let title = if a.side == super::Side::Employee {
                            b.name.clone()
                        } else {
                            a.name.clone()
                        };
                        (title, vec![a, b], false)
                    }
                    ConversationKey::Group(room) => match r.group(room)? {
                        Some(g) => {
                            let members = g
                                .members
                                .iter()
                                .map(|m| {
                                    let mut p = people.get(r, &m.userid)?;
                                    if p.name == p.id
                                        && let Some(n) = m.name.clone().or(m.group_nickname.clone())
                                    {
                                        p.name = n;
                                    }
                                    Ok(p)
                                })
                                .collect::<dossier_vault::Result<Vec<_>>>()?;
                            let title = if g.name.is_empty() { room.0.clone() } else { g.name };
                            (title, members, g.dismissed_at.is_some())
                        }
                        None => (room.0.clone(), Vec::new(), false),
                    },
                };
                Ok(Ok(ConversationInfo {
                    conversation: conv_key(&key),
                    kind: match key {
                        ConversationKey::Single(..) => ConversationKind::Single,
                        ConversationKey::Group(_) => ConversationKind::Group,
                    },
                    title,
                    participants,
                    dismissed,
                    messages: row.messages as u32,
                    first_time: row.first_time,
                    last_time: row.last_time,
                    hits: hits.hits as u32,
                    review: conversation_state(r, &conv_key(&key))?,
                    annotations: annotation_count(r, &conv_key(&key))?,
                    read_mark: r.read_mark(&key)?.map(|a| PageAnchor {
                        msgtime: a.msgtime,
                        id: a.id,
                    }),
                }))
            })?
        })
        .await
}

/// A page of a conversation, oldest first, with at most `limit` (≤ 500) messages.
#[tracing::instrument(skip(session), err)]
pub async fn conversation_page(
    session: &Session,
    conversation: String,
    at: PageAt,
    limit: u32,
) -> Result<ConversationPage> {
    let key = parse_conversation(&conversation)?;
    let limit = limit.clamp(1, MAX_PAGE) as usize;
    session
        .blocking(move |s| s.vault().db().read(|r| Ok(page(r, &key, at, limit)))?)
        .await
}

fn page(r: &impl Queries, key: &ConversationKey, at: PageAt, limit: usize) -> Result<ConversationPage> {
    // Each side asks for one more than it shows, to know whether more exist.
    let older = |anchor: Option<Anchor>, n: usize| -> Result<(Vec<StoredMessage>, bool)> {
        let mut v = r.conversation_page(key, anchor, Direction::Before, n + 1)?;
        let more = v.len() > n;
        v.truncate(n);
        v.reverse();
        Ok((v, more))
    };
    let newer = |anchor: Option<Anchor>, n: usize| -> Result<(Vec<StoredMessage>, bool)> {
        let mut v = r.conversation_page(key, anchor, Direction::After, n + 1)?;
        let more = v.len() > n;
        v.truncate(n);
        Ok((v, more))
    };
    let anchor = |a: PageAnchor| Anchor {
        msgtime: a.msgtime,
        id: a.id,
    };
    let (messages, more_before, more_after, focus) = match at {
        PageAt::Newest => {
            let (v, more) = older(None, limit)?;
            (v, more, false, None)
        }
        PageAt::Oldest => {
            let (v, more) = newer(None, limit)?;
            (v, false, more, None)
        }
        PageAt::Before { anchor: a } => {
            let (v, more) = older(Some(anchor(a)), limit)?;
            (v, more, true, None)
        }
        PageAt::After { anchor: a } => {
            let (v, more) = newer(Some(anchor(a)), limit)?;
            (v, true, more, None)
        }
        PageAt::Around { msgid } => {
            let m = r
                .message(&msgid)?
                .filter(|m| m.message.conversation() == *key)
                .ok_or_else(|| ApiError::not_found(format!("no message {msgid} in this conversation")))?;
            let at = Anchor {
                msgtime: m.message.msgtime,
                id: m.id,
            };
            let (mut v, before) = older(Some(at), limit / 2)?;
            let (after, more_after) = newer(Some(at), limit - limit / 2 - 1)?;
            v.push(m);
            v.extend(after);
            (v, before, more_after, Some(msgid))
        }
        PageAt::Date { time } => {
            let at = Anchor {
                msgtime: time,
                id: i64::MIN,
            };
            let (mut v, before) = older(Some(at), limit / 4)?;
            let (after, more_after) = newer(Some(at), limit - limit / 4)?;
            let focus = after.first().or(v.last()).map(|m| m.message.msgid.0.clone());
            v.extend(after);
            (v, before, more_after, focus)
        }
    };
    Ok(ConversationPage {
        messages: views(r, key, messages)?,
        more_before,
        more_after,
        focus,
    })
}

/// Message views for consecutive messages of one conversation (oldest first).
pub(crate) fn views(
    r: &impl Queries,
    key: &ConversationKey,
    messages: Vec<StoredMessage>,
) -> Result<Vec<MessageView>> {
    let revoked: HashMap<MsgId, i64> = match (messages.first(), messages.last()) {
        (Some(first), Some(last)) => r
            .revocations(
                key,
                first.message.msgtime,
                last.message.msgtime + REVOKE_WINDOW_MS,
            )?
            .into_iter()
            .collect(),
        _ => HashMap::new(),
    };
    let mut people = People::default();
    messages
        .into_iter()
        .map(|m| {
            let revoked = revoked.get(&m.message.msgid).map(|at| Revocation { at: *at });
            message_view(r, &mut people, m, revoked)
        })
        .collect()
}

/// One message's view (its hits, annotations, media, revocation).
pub(crate) fn message_view(
    r: &impl Queries,
    people: &mut People,
    m: StoredMessage,
    revoked: Option<Revocation>,
) -> Result<MessageView> {
    let msg = &m.message;
    let hits = hit_views(r, &msg.msgid.0)?;
    let media = match msg.content.media() {
        Some(media) => {
            let row = r.media(media.sdkfileid)?;
            let name = match &msg.content {
                Content::File(f) => Some(f.filename.clone()),
                Content::VoipDocShare(f) => Some(f.filename.clone()),
                _ => None,
            };
            Some(MediaView {
                sdkfileid: media.sdkfileid.to_owned(),
                size: media.size.map(|s| s.to_string()),
                name,
                stored: row.is_some(),
                mime: row.as_ref().and_then(|r| r.mime.clone()),
                thumbnail: row.as_ref().is_some_and(|r| r.thumb.is_some()),
            })
        }
        None => None,
    };
    let revokes = match &msg.content {
        Content::Revoke(rv) => {
            let original = r.message(&rv.pre_msgid.0)?;
            Some(OriginalMessage {
                msgid: rv.pre_msgid.0.clone(),
                found: original.is_some(),
                msgtype: original.as_ref().map(|o| o.message.msgtype().to_owned()),
                text: original.as_ref().map(|o| o.text.clone()),
                content: original.as_ref().map(|o| wire_content(&o.message.content)),
            })
        }
        _ => None,
    };
    Ok(MessageView {
        id: m.id,
        msgid: msg.msgid.0.clone(),
        seq: msg.seq.map(|s| s.to_string()),
        msgtime: msg.msgtime,
        sender: people.get(r, &msg.from)?,
        action: msg.action.as_str().to_owned(),
        msgtype: msg.msgtype().to_owned(),
        content: wire_content(&msg.content),
        revoked,
        revokes,
        hits,
        annotations: r.annotation_count(&msg.msgid)? as u32,
        media,
        text: m.text,
    })
}

/// The hits of a message with their ids and review state, by position.
fn hit_views(r: &impl Queries, msgid: &str) -> dossier_vault::Result<Vec<HitView>> {
    let mut stmt = r.sql().prepare_cached(
        "SELECT id, rule, kind, word, span_start, span_end, severity FROM hits WHERE msgid = ?1 ORDER BY span_start, id",
    )?;
    let rows: Vec<HitView> = stmt
        .query_map([msgid], |row| {
            let kind: String = row.get(2)?;
            Ok(HitView {
                hit_id: row.get(0)?,
                rule: row.get(1)?,
                behaviour: kind != "word",
                kind,
                word: row.get(3)?,
                start: row.get::<_, i64>(4)?.max(0) as u32,
                end: row.get::<_, i64>(5)?.max(0) as u32,
                severity: row.get(6)?,
                state: ReviewState::Unreviewed,
            })
        })?
        .collect::<std::result::Result<_, _>>()?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // One state for the message's hits: a verdict on the message settles them all.
    let state = message_state(r, msgid)?;
    Ok(rows.into_iter().map(|h| HitView { state, ..h }).collect())
}

/// Records that the reviewer has seen a conversation up to `anchor` (a later mark only moves it
/// forward).
#[tracing::instrument(skip(session), err)]
pub async fn mark_read(session: &Session, conversation: String, anchor: PageAnchor) -> Result<()> {
    let key = parse_conversation(&conversation)?;
    session
        .blocking(move |s| {
            s.vault().db().write(|tx| {
                let newer = match tx.read_mark(&key)? {
                    Some(old) => (anchor.msgtime, anchor.id) > (old.msgtime, old.id),
                    None => true,
                };
                if newer {
                    tx.set_read_mark(
                        &key,
                        Anchor {
                            msgtime: anchor.msgtime,
                            id: anchor.id,
                        },
                    )?;
                }
                Ok(())
            })?;
            Ok(())
        })
        .await
}
