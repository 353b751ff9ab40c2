//! The profile summary and the employee directory (first pane).

use std::collections::HashMap;

use dossier_model::{Department, Employee, EmployeeStatus};
use dossier_vault::{ParticipantStats, Queries};
use serde::Serialize;
use ts_rs::TS;

use crate::{Result, Session};

/// What the open profile holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ProfileSummary {
    /// The profile's id.
    pub profile_id: String,
    /// Cached messages.
    pub messages: u32,
    /// Conversations.
    pub conversations: u32,
    /// Employees in the cached org.
    pub employees: u32,
    /// External contacts.
    pub customers: u32,
    /// Groups.
    pub groups: u32,
    /// The last applied change-feed seq (kept below 2^53 by the server's counter).
    #[ts(type = "number")]
    pub cursor: i64,
}

/// Counts over one participant's conversations: `13/527 会话 · 4/127 敏感词` is
/// `conversations_with_hits/conversations` and `hit_messages/hits`… as the UI chooses to show them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct ChatStats {
    /// Conversations.
    pub conversations: u32,
    /// Conversations with at least one hit.
    pub conversations_with_hits: u32,
    /// Hits (sensitive words and behaviours) over all of them.
    pub hits: u32,
    /// Messages with at least one hit.
    pub hit_messages: u32,
    /// Latest message time, ms.
    #[ts(type = "number | null")]
    pub last_time: Option<i64>,
}

impl From<&ParticipantStats> for ChatStats {
    fn from(s: &ParticipantStats) -> Self {
        ChatStats {
            conversations: s.conversations as u32,
            conversations_with_hits: s.conversations_with_hits as u32,
            hits: s.hits.hits as u32,
            hit_messages: s.hits.messages as u32,
            last_time: s.last_time,
        }
    }
}

/// One employee in the first pane.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct EmployeeRow {
    /// userid.
    pub userid: String,
    /// Name.
    pub name: String,
    /// Position.
    pub position: String,
    /// Departments (ids).
    pub departments: Vec<u32>,
    /// Main department.
    pub main_department: Option<u32>,
    /// `active`, `disabled`, `inactive`, `departed` or `other`.
    pub status: String,
    /// Departed (or disabled): shown apart and opened read-only.
    pub departed: bool,
    /// Their conversations and hits.
    pub stats: ChatStats,
}

/// A department with its sub-departments and its employees (userids).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct DepartmentNode {
    /// Department id.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Sub-departments, in the org's order.
    pub children: Vec<DepartmentNode>,
    /// Employees in this department (not departed), by name.
    pub employees: Vec<String>,
}

/// The first pane: the department tree and every employee with their counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Directory {
    /// Root departments.
    pub departments: Vec<DepartmentNode>,
    /// Current employees, by name.
    pub employees: Vec<EmployeeRow>,
    /// Departed or disabled employees, by name (read-only).
    pub departed: Vec<EmployeeRow>,
}

/// What the profile holds.
#[tracing::instrument(skip_all, err)]
pub async fn profile_summary(session: &Session) -> Result<ProfileSummary> {
    session
        .blocking(|s| {
            let profile_id = s.vault().profile_id().to_owned();
            Ok(s.vault().db().read(|r| {
                let count = |table: &str| -> dossier_vault::Result<u32> {
                    Ok(r.sql()
                        .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                            row.get::<_, i64>(0)
                        })? as u32)
                };
                Ok(ProfileSummary {
                    profile_id,
                    messages: count("messages")?,
                    conversations: count("conversations")?,
                    employees: count("employees")?,
                    customers: count("contacts")?,
                    groups: count("chat_groups")?,
                    cursor: r.cursor()?,
                })
            })?)
        })
        .await
}

/// The employee directory with per-employee counts.
#[tracing::instrument(skip_all, err)]
pub async fn directory(session: &Session) -> Result<Directory> {
    session
        .blocking(|s| {
            let (departments, employees, stats) = s
                .vault()
                .db()
                .read(|r| Ok((r.departments()?, r.employees()?, r.participant_stats()?)))?;
            Ok(build_directory(departments, employees, &stats))
        })
        .await
}

pub(crate) fn status_name(s: EmployeeStatus) -> &'static str {
    match s {
        EmployeeStatus::Active => "active",
        EmployeeStatus::Disabled => "disabled",
        EmployeeStatus::Inactive => "inactive",
        EmployeeStatus::Departed => "departed",
        EmployeeStatus::Other(_) => "other",
    }
}

pub(crate) fn employee_row(e: &Employee, stats: Option<&ParticipantStats>) -> EmployeeRow {
    EmployeeRow {
        userid: e.userid.0.clone(),
        name: e.name.clone(),
        position: e.position.clone(),
        departments: e.department.iter().map(|d| *d as u32).collect(),
        main_department: e.main_department.map(|d| d as u32),
        status: status_name(e.status).to_owned(),
        departed: e.status.is_gone(),
        stats: stats.map(ChatStats::from).unwrap_or_default(),
    }
}

fn build_directory(
    departments: Vec<Department>,
    employees: Vec<Employee>,
    stats: &[ParticipantStats],
) -> Directory {
    let stats: HashMap<&str, &ParticipantStats> = stats.iter().map(|s| (s.userid.0.as_str(), s)).collect();
    let mut members: HashMap<u64, Vec<String>> = HashMap::new();
    let (mut current, mut departed) = (Vec::new(), Vec::new());
    for e in &employees {
        let row = employee_row(e, stats.get(e.userid.0.as_str()).copied());
        if row.departed {
            departed.push(row);
        } else {
            for d in &e.department {
                members.entry(*d).or_default().push(e.userid.0.clone());
            }
            current.push(row);
        }
    }
    // `departments()` is ordered by parent then order: children come out in the org's order.
    let ids: std::collections::HashSet<u64> = departments.iter().map(|d| d.id).collect();
    let mut children: HashMap<u64, Vec<&Department>> = HashMap::new();
    let mut roots = Vec::new();
    for d in &departments {
        if d.parentid == d.id || !ids.contains(&d.parentid) {
            roots.push(d);
        } else {
            children.entry(d.parentid).or_default().push(d);
        }
    }
    fn node(
        d: &Department,
        children: &HashMap<u64, Vec<&Department>>,
        members: &mut HashMap<u64, Vec<String>>,
        depth: usize,
    ) -> DepartmentNode {
        DepartmentNode {
            id: d.id as u32,
            name: d.name.clone(),
            // The depth bound guards against a cycle in the org data.
            children: if depth > 64 {
                Vec::new()
            } else {
                children
                    .get(&d.id)
                    .map(|c| c.iter().map(|c| node(c, children, members, depth + 1)).collect())
                    .unwrap_or_default()
            },
            employees: members.remove(&d.id).unwrap_or_default(),
        }
    }
    let departments = roots
        .into_iter()
        .map(|d| node(d, &children, &mut members, 0))
        .collect();
    Directory {
        departments,
        employees: current,
        departed,
    }
}
