//! Who may see what: the one place where a grant is turned into a yes or no.
//!
//! A grant's scope (everyone, departments with their sub-departments, listed employees) is first
//! *resolved* against the organisation into a set of employees ([`Resolved`]); that set, with the
//! time window, is a [`View`]. Every record the server hands out is described as a [`Subject`] and
//! passed through [`View::allows`]. Nothing else in the server decides visibility.
//!
//! - a **message** (and its hits, and annotations on it) is inside when its sender or any recipient
//!   is an employee in scope and its time is inside the window;
//! - a **contact** is inside when an employee in scope follows it (externalcontact/get
//!   `follow_user`), a **group** when an employee in scope owns it or is a member;
//! - an **employee** when in scope, a **department** when it holds (directly or below) an employee
//!   in scope or lies under a granted department;
//! - an **event** about an employee when that employee is in scope and its time inside the window;
//!   a group dissolution when the group is inside;
//! - an annotation on a **conversation** when one of its two parties is in scope (single chat) or
//!   the group is inside;
//! - rules and lexicons are public to every signed-in user.
//!
//! Scope `all` covers everything, the window still applies to messages and events.

use std::collections::{BTreeSet, HashMap, HashSet};

use dossier_model::{Department, Employee, Grant, Scope, UserId};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A scope resolved against the organisation at one point of the change log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    /// Scope `all`: every employee, including ones the org does not list.
    pub all: bool,
    /// The employees in scope (userids).
    pub employees: BTreeSet<String>,
    /// The departments a client shows: those in scope, and those holding an employee in scope,
    /// with their ancestors.
    pub departments: BTreeSet<u64>,
}

/// Resolves `scope` against the organisation.
pub fn resolve(scope: &Scope, departments: &[Department], employees: &[Employee]) -> Resolved {
    let parents: HashMap<u64, u64> = departments
        .iter()
        .filter(|d| d.parentid != 0 && d.parentid != d.id)
        .map(|d| (d.id, d.parentid))
        .collect();
    // Ancestors including `d`, bounded so that a cycle in a malformed org cannot hang us.
    let chain = |d: u64| {
        let mut out = vec![d];
        let mut cur = d;
        for _ in 0..64 {
            match parents.get(&cur) {
                Some(&p) if !out.contains(&p) => {
                    out.push(p);
                    cur = p;
                }
                _ => break,
            }
        }
        out
    };
    let mut r = Resolved::default();
    match scope {
        Scope::All => {
            r.all = true;
            r.employees = employees.iter().map(|e| e.userid.0.clone()).collect();
            r.departments = departments.iter().map(|d| d.id).collect();
        }
        Scope::Departments(granted) => {
            let granted: HashSet<u64> = granted.iter().copied().collect();
            let under = |d: u64| chain(d).iter().any(|a| granted.contains(a));
            for d in departments {
                if under(d.id) {
                    r.departments.extend(chain(d.id));
                }
            }
            for e in employees {
                if e.department.iter().any(|&d| under(d)) {
                    r.employees.insert(e.userid.0.clone());
                    for &d in &e.department {
                        r.departments.extend(chain(d));
                    }
                }
            }
        }
        Scope::Employees(listed) => {
            let by_id: HashMap<&str, &Employee> = employees.iter().map(|e| (e.userid.as_str(), e)).collect();
            for u in listed {
                r.employees.insert(u.0.clone());
                if let Some(e) = by_id.get(u.as_str()) {
                    for &d in &e.department {
                        r.departments.extend(chain(d));
                    }
                }
            }
        }
    }
    r
}

/// A grant as it stands at one point of the change log: what was granted and what it resolved to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantState {
    /// The grant as the administrator gave it.
    pub grant: Grant,
    /// The scope resolved against the organisation of the moment.
    pub resolved: Resolved,
}

impl GrantState {
    /// The view this grant gives.
    pub fn view(&self) -> View {
        View {
            all: self.resolved.all,
            employees: self.resolved.employees.iter().cloned().collect(),
            departments: self.resolved.departments.iter().copied().collect(),
            from: self.grant.window.0,
            to: self.grant.window.1,
        }
    }
}

/// What a record is about, as far as visibility goes.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    /// A message, a hit on it, or an annotation on it.
    Message {
        /// Sender.
        from: &'a str,
        /// Recipients.
        to: &'a [String],
        /// Time, ms.
        time_ms: i64,
    },
    /// A message as the feed reads it, recipients borrowed from the database row.
    MessageRef {
        /// Sender.
        from: &'a str,
        /// Recipients.
        to: &'a [&'a str],
        /// Time, ms.
        time_ms: i64,
    },
    /// An external contact, by the employees who follow it.
    Contact {
        /// `follow_user` userids.
        followers: &'a [String],
    },
    /// A group, by its owner and members.
    Group {
        /// Owner and member userids.
        members: &'a [String],
    },
    /// An employee.
    Employee(&'a str),
    /// A department.
    Department(u64),
    /// A callback event.
    Event {
        /// The employee it concerns, if any.
        userid: Option<&'a str>,
        /// For a group dissolution: the group's owner and members.
        group: Option<&'a [String]>,
        /// Time, ms.
        time_ms: i64,
    },
    /// A single chat between two parties (annotations on the conversation).
    Conversation {
        /// The two parties.
        parties: &'a [String],
    },
    /// Rules and lexicons: every signed-in user.
    Public,
}

/// A resolved grant ready for checks.
#[derive(Clone, Debug, Default)]
pub struct View {
    all: bool,
    employees: HashSet<String>,
    departments: HashSet<u64>,
    from: Option<i64>,
    to: Option<i64>,
}

impl View {
    /// A view that sees nothing.
    pub fn nothing() -> Self {
        View::default()
    }

    fn in_window(&self, ms: i64) -> bool {
        self.from.is_none_or(|f| ms >= f) && self.to.is_none_or(|t| ms < t)
    }

    fn any_in_scope<'a>(&self, ids: impl IntoIterator<Item = &'a String>) -> bool {
        self.all || ids.into_iter().any(|u| self.employees.contains(u))
    }

    fn message<'b>(&self, from: &str, mut to: impl Iterator<Item = &'b str>, time_ms: i64) -> bool {
        self.in_window(time_ms)
            && (self.all || self.employees.contains(from) || to.any(|u| self.employees.contains(u)))
    }

    /// Whether a record about `subject` is inside the grant. The only visibility decision in the
    /// server.
    pub fn allows(&self, subject: &Subject<'_>) -> bool {
        match *subject {
            Subject::Message { from, to, time_ms } => {
                self.message(from, to.iter().map(String::as_str), time_ms)
            }
            Subject::MessageRef { from, to, time_ms } => self.message(from, to.iter().copied(), time_ms),
            Subject::Contact { followers } => self.any_in_scope(followers),
            Subject::Group { members } => self.any_in_scope(members),
            Subject::Employee(u) => self.all || self.employees.contains(u),
            Subject::Department(d) => self.all || self.departments.contains(&d),
            Subject::Event {
                userid,
                group,
                time_ms,
            } => {
                self.in_window(time_ms)
                    && match (userid, group) {
                        (Some(u), _) => self.all || self.employees.contains(u),
                        (None, Some(members)) => self.any_in_scope(members),
                        (None, None) => self.all,
                    }
            }
            Subject::Conversation { parties } => self.any_in_scope(parties),
            Subject::Public => true,
        }
    }
}

/// Parses a scope as the CLI writes it: `all`, `dept:ID,…` or `emp:USERID,…`.
pub fn parse_scope(s: &str) -> Result<Scope> {
    let s = s.trim();
    if s == "all" {
        return Ok(Scope::All);
    }
    let list = |rest: &str| -> Vec<String> {
        rest.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    };
    if let Some(rest) = s.strip_prefix("dept:") {
        let ids = list(rest)
            .iter()
            .map(|x| {
                x.parse::<u64>()
                    .map_err(|_| Error::bad(format!("scope: `{x}` is not a department id")))
            })
            .collect::<Result<Vec<_>>>()?;
        if ids.is_empty() {
            return Err(Error::bad("scope: dept: needs at least one department id"));
        }
        return Ok(Scope::Departments(ids));
    }
    if let Some(rest) = s.strip_prefix("emp:") {
        let ids = list(rest);
        if ids.is_empty() {
            return Err(Error::bad("scope: emp: needs at least one userid"));
        }
        return Ok(Scope::Employees(ids.into_iter().map(UserId).collect()));
    }
    Err(Error::bad(format!(
        "scope `{s}`: expected all, dept:ID,… or emp:USERID,…"
    )))
}

/// Parses a time bound: milliseconds since the epoch, or a UTC date `YYYY-MM-DD`.
pub fn parse_time(s: &str) -> Result<i64> {
    let s = s.trim();
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    let date = chrono_free_date(s)
        .ok_or_else(|| Error::bad(format!("time `{s}`: expected milliseconds or YYYY-MM-DD")))?;
    Ok(date)
}

/// `YYYY-MM-DD` at 00:00 UTC in ms, without a date library (days from civil, H. Hinnant).
fn chrono_free_date(s: &str) -> Option<i64> {
    let mut it = s.splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1970..=9999).contains(&y) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_time("1970-01-01").ok(), Some(0));
        assert_eq!(parse_time("2024-03-01").ok(), Some(1_709_251_200_000));
        assert!(parse_time("2024-13-01").is_err());
    }

    #[test]
    fn scopes() {
        assert_eq!(parse_scope("all").ok(), Some(Scope::All));
        assert_eq!(parse_scope("dept:2,3").ok(), Some(Scope::Departments(vec![2, 3])));
        assert!(parse_scope("dept:x").is_err());
        assert!(parse_scope("emp:").is_err());
        assert!(parse_scope("everyone").is_err());
    }
}
