//! Details panels: a customer (who added them, when, how, tags, deletions) and an employee.

use dossier_model::{EventKind, UserId};
use dossier_vault::Queries;
use serde::Serialize;
use ts_rs::TS;

use super::org::{ChatStats, EmployeeRow, employee_row};
use super::people::{People, Person};
use crate::{ApiError, Result, Session};

/// A customer tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct TagView {
    /// Tag group.
    pub group: String,
    /// Tag name.
    pub name: String,
}

/// An employee who added the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Follower {
    /// The employee.
    pub employee: Person,
    /// Their remark for the customer.
    pub remark: String,
    /// Their description.
    pub description: String,
    /// When they added the customer, seconds.
    #[ts(type = "number")]
    pub added_at: i64,
    /// WeCom's `add_way` code (how they were added: QR code, search, card, …).
    #[ts(type = "number | null")]
    pub add_way: Option<i64>,
    /// The channel `state` the add came through.
    pub source: Option<String>,
    /// Who performed the add (`oper_userid`).
    pub added_by: Option<String>,
    /// Tags the employee set.
    pub tags: Vec<TagView>,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeletionKind {
    /// The employee deleted the customer.
    EmployeeDeletedCustomer,
    /// The customer deleted the employee.
    CustomerDeletedEmployee,
    /// A transfer of the customer to another employee failed.
    TransferFailed,
}

/// A deletion (or failed transfer) between the customer and an employee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct DeletionEvent {
    /// When, seconds.
    #[ts(type = "number")]
    pub time: i64,
    /// What happened.
    pub kind: DeletionKind,
    /// The employee.
    pub employee: Person,
    /// The source or failure reason WeCom gave.
    pub detail: Option<String>,
}

/// Whether the customer is still someone's contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    /// At least one employee has them as a contact.
    Active,
    /// Deleted on every side (or never a contact).
    Deleted,
}

/// The customer details panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CustomerDetails {
    /// The customer.
    pub person: Person,
    /// 1 WeChat user, 2 WeCom user (`null` when no contact record is cached).
    pub contact_kind: Option<u32>,
    /// Their corp.
    pub corp_name: Option<String>,
    /// Their corp's full name.
    pub corp_full_name: Option<String>,
    /// Their position.
    pub position: Option<String>,
    /// 0 unknown, 1 male, 2 female.
    pub gender: Option<u32>,
    /// Employees who added them.
    pub followers: Vec<Follower>,
    /// Deletions and failed transfers, oldest first.
    pub deletions: Vec<DeletionEvent>,
    /// Active or deleted.
    pub status: CustomerStatus,
    /// Their conversations and hits.
    pub stats: ChatStats,
}

/// The employee details panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct EmployeeDetails {
    /// The employee with their counts.
    pub employee: EmployeeRow,
    /// Their departments' names, in `employee.departments` order.
    pub department_names: Vec<String>,
    /// Customers they have as contacts.
    pub customers: u32,
}

fn stats_of(r: &impl Queries, id: &UserId) -> dossier_vault::Result<ChatStats> {
    Ok(r.participant_stats()?
        .iter()
        .find(|s| s.userid == *id)
        .map(ChatStats::from)
        .unwrap_or_default())
}

/// The customer details panel.
#[tracing::instrument(skip(session), err)]
pub async fn customer_details(session: &Session, customer: String) -> Result<CustomerDetails> {
    session
        .blocking(move |s| {
            s.vault()
                .db()
                .read(|r| {
                    let id = UserId(customer);
                    let mut people = People::default();
                    let person = people.get(r, &id)?;
                    let contact = r.contact(&id)?;
                    let mut followers = Vec::new();
                    for f in contact.iter().flat_map(|c| &c.follow_users) {
                        followers.push(Follower {
                            employee: people.get(r, &f.userid)?,
                            remark: f.remark.clone(),
                            description: f.description.clone(),
                            added_at: f.createtime,
                            add_way: f.add_way,
                            source: f.state.clone(),
                            added_by: f.oper_userid.clone(),
                            tags: f
                                .tags
                                .iter()
                                .map(|t| TagView {
                                    group: t.group_name.clone(),
                                    name: t.tag_name.clone(),
                                })
                                .collect(),
                        });
                    }
                    let mut deletions = Vec::new();
                    for e in r.events_of_contact(&id)? {
                        let (kind, userid, detail) = match e.kind {
                            EventKind::EmployeeDeletedCustomer { userid, source, .. } => {
                                (DeletionKind::EmployeeDeletedCustomer, userid, source)
                            }
                            EventKind::CustomerDeletedEmployee { userid, .. } => {
                                (DeletionKind::CustomerDeletedEmployee, userid, None)
                            }
                            EventKind::TransferFailed {
                                userid, fail_reason, ..
                            } => (DeletionKind::TransferFailed, userid, Some(fail_reason)),
                            _ => continue,
                        };
                        deletions.push(DeletionEvent {
                            time: e.time,
                            kind,
                            employee: people.get(r, &userid)?,
                            detail,
                        });
                    }
                    Ok(CustomerDetails {
                        person,
                        contact_kind: contact.as_ref().map(|c| c.kind),
                        corp_name: contact.as_ref().and_then(|c| c.corp_name.clone()),
                        corp_full_name: contact.as_ref().and_then(|c| c.corp_full_name.clone()),
                        position: contact.as_ref().and_then(|c| c.position.clone()),
                        gender: contact.as_ref().map(|c| c.gender),
                        status: if followers.is_empty() {
                            CustomerStatus::Deleted
                        } else {
                            CustomerStatus::Active
                        },
                        followers,
                        deletions,
                        stats: stats_of(r, &id)?,
                    })
                })
                .map_err(ApiError::from)
        })
        .await
}

/// The employee details panel.
#[tracing::instrument(skip(session), err)]
pub async fn employee_details(session: &Session, userid: String) -> Result<EmployeeDetails> {
    session
        .blocking(move |s| {
            let id = UserId(userid);
            let found = s.vault().db().read(|r| {
                let Some(e) = r.employee(&id)? else {
                    return Ok(None);
                };
                let stats = r.participant_stats()?.into_iter().find(|s| s.userid == id);
                let departments = r.departments()?;
                let names = e
                    .department
                    .iter()
                    .map(|d| {
                        departments
                            .iter()
                            .find(|x| x.id == *d)
                            .map_or_else(|| d.to_string(), |x| x.name.clone())
                    })
                    .collect();
                Ok(Some(EmployeeDetails {
                    employee: employee_row(&e, stats.as_ref()),
                    department_names: names,
                    customers: r.contacts_of(&id)?.len() as u32,
                }))
            })?;
            found.ok_or_else(|| ApiError::not_found(format!("no employee {}", id.0)))
        })
        .await
}
