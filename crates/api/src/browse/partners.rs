//! Chat partners of one participant (second pane), and the customer-first and group-first lists.

use std::collections::HashMap;

use dossier_model::{ConversationKey, RoomId, UserId};
use dossier_vault::{Queries, conv_key};
use serde::Serialize;
use ts_rs::TS;

use super::org::ChatStats;
use super::people::{People, Person, Side, side_of};
use crate::{ApiError, Result, Session};

/// One conversation partner of the participant being browsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Partner {
    /// The conversation key (pass it to `conversation_page`).
    pub conversation: String,
    /// The other person of a single chat; `None` for a group.
    pub person: Option<Person>,
    /// The group id, for a group chat.
    pub roomid: Option<String>,
    /// The other person's name, or the group's name.
    pub name: String,
    /// The group was dissolved.
    pub dismissed: bool,
    /// Cached messages.
    pub messages: u32,
    /// Latest message time, ms.
    #[ts(type = "number")]
    pub last_time: i64,
    /// Hits in the conversation.
    pub hits: u32,
    /// Messages with hits.
    pub hit_messages: u32,
}

/// Everyone a participant chats with, most recent first in each list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Partners {
    /// Whose partners these are.
    pub of: Person,
    /// Customers (single chats with external contacts).
    pub customers: Vec<Partner>,
    /// Employees (colleagues, or a customer's employees).
    pub employees: Vec<Partner>,
    /// Groups.
    pub groups: Vec<Partner>,
}

/// A customer in the customer-first list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CustomerRow {
    /// The customer.
    pub person: Person,
    /// Their corp, when they are another corp's WeCom user.
    pub corp_name: Option<String>,
    /// Employees who added them.
    pub followers: Vec<String>,
    /// Their conversations and hits.
    pub stats: ChatStats,
}

/// A group in the group-first list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct GroupRow {
    /// The conversation key.
    pub conversation: String,
    /// Group id.
    pub roomid: String,
    /// Name.
    pub name: String,
    /// The owner.
    pub owner: Person,
    /// Members (employees and customers).
    pub members: u32,
    /// Customers among the members.
    pub customers: u32,
    /// Dissolved at, seconds, when dissolved.
    #[ts(type = "number | null")]
    pub dismissed_at: Option<i64>,
    /// Cached messages.
    pub messages: u32,
    /// Latest message time, ms (`null` when nothing is cached).
    #[ts(type = "number | null")]
    pub last_time: Option<i64>,
    /// Hits in the group.
    pub hits: u32,
}

/// The chat partners of an employee or a customer.
#[tracing::instrument(skip(session), err)]
pub async fn partners(session: &Session, participant: String) -> Result<Partners> {
    session
        .blocking(move |s| {
            Ok(s.vault().db().read(|r| {
                let id = UserId(participant.clone());
                let mut people = People::default();
                let of = people.get(r, &id)?;
                let mut out = Partners {
                    of,
                    customers: Vec::new(),
                    employees: Vec::new(),
                    groups: Vec::new(),
                };
                let mut group_cache: HashMap<RoomId, (String, bool)> = HashMap::new();
                for row in r.conversations_of(&id)? {
                    let hits = r.conversation_hits(&row.key)?;
                    let mut p = Partner {
                        conversation: conv_key(&row.key),
                        person: None,
                        roomid: None,
                        name: String::new(),
                        dismissed: false,
                        messages: row.messages as u32,
                        last_time: row.last_time,
                        hits: hits.hits as u32,
                        hit_messages: hits.messages as u32,
                    };
                    match &row.key {
                        ConversationKey::Single(a, b) => {
                            let other = if *a == id { b } else { a };
                            let person = people.get(r, other)?;
                            p.name = person.name.clone();
                            let side = person.side;
                            p.person = Some(person);
                            match side {
                                Side::Employee => out.employees.push(p),
                                Side::Customer | Side::Robot => out.customers.push(p),
                            }
                        }
                        ConversationKey::Group(room) => {
                            let (name, dismissed) = match group_cache.get(room) {
                                Some(g) => g.clone(),
                                None => {
                                    let g = r
                                        .group(room)?
                                        .map(|g| (g.name, g.dismissed_at.is_some()))
                                        .unwrap_or_else(|| (room.0.clone(), false));
                                    group_cache.insert(room.clone(), g.clone());
                                    g
                                }
                            };
                            p.roomid = Some(room.0.clone());
                            p.name = if name.is_empty() { room.0.clone() } else { name };
                            p.dismissed = dismissed;
                            out.groups.push(p);
                        }
                    }
                }
                Ok(out)
            })?)
        })
        .await
}

/// Every customer: the contacts the org knows and any external participant of a cached chat.
#[tracing::instrument(skip_all, err)]
pub async fn customers(session: &Session) -> Result<Vec<CustomerRow>> {
    session
        .blocking(|s| {
            Ok(s.vault().db().read(|r| {
                let mut stats: HashMap<String, ChatStats> = r
                    .participant_stats()?
                    .iter()
                    .filter(|s| side_of(&s.userid) != Side::Employee)
                    .map(|s| (s.userid.0.clone(), ChatStats::from(s)))
                    .collect();
                let mut out = Vec::new();
                for c in r.contacts()? {
                    let st = stats.remove(&c.external_userid.0).unwrap_or_default();
                    out.push(CustomerRow {
                        person: Person {
                            id: c.external_userid.0.clone(),
                            name: c.name.clone(),
                            side: side_of(&c.external_userid),
                        },
                        corp_name: c.corp_name.clone(),
                        followers: c.follow_users.iter().map(|f| f.userid.0.clone()).collect(),
                        stats: st,
                    });
                }
                // Participants without a contact record (left, or outside the synced contacts).
                let mut rest: Vec<_> = stats.into_iter().collect();
                rest.sort_by(|a, b| a.0.cmp(&b.0));
                for (id, st) in rest {
                    let uid = UserId(id.clone());
                    out.push(CustomerRow {
                        person: Person {
                            name: id.clone(),
                            id,
                            side: side_of(&uid),
                        },
                        corp_name: None,
                        followers: Vec::new(),
                        stats: st,
                    });
                }
                Ok(out)
            })?)
        })
        .await
}

/// Every group with its counts.
#[tracing::instrument(skip_all, err)]
pub async fn groups(session: &Session) -> Result<Vec<GroupRow>> {
    session
        .blocking(|s| {
            Ok(s.vault().db().read(|r| {
                let mut people = People::default();
                let mut out = Vec::new();
                for g in r.groups()? {
                    let key = ConversationKey::Group(g.roomid.clone());
                    let conv = r.conversation(&key)?;
                    let hits = r.conversation_hits(&key)?;
                    out.push(GroupRow {
                        conversation: conv_key(&key),
                        roomid: g.roomid.0.clone(),
                        name: if g.name.is_empty() {
                            g.roomid.0.clone()
                        } else {
                            g.name.clone()
                        },
                        owner: people.get(r, &g.owner)?,
                        members: g.members.len() as u32,
                        customers: g.members.iter().filter(|m| m.external).count() as u32,
                        dismissed_at: g.dismissed_at,
                        messages: conv.as_ref().map_or(0, |c| c.messages as u32),
                        last_time: conv.map(|c| c.last_time),
                        hits: hits.hits as u32,
                    });
                }
                Ok(out)
            })?)
        })
        .await
}

/// Parses a conversation key the UI sends back.
pub(crate) fn parse_conversation(key: &str) -> Result<ConversationKey> {
    dossier_vault::parse_conv_key(key)
        .ok_or_else(|| ApiError::bad_input(format!("not a conversation key: {key:?}")))
}
