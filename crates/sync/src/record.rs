//! Feed records as they arrive (`docs/api.md`, "The change feed"): one NDJSON line each.
//!
//! One flat struct with every field optional, borrowing from the line, decodes every record type
//! in a single pass (an internally tagged enum would buffer each record first).

use dossier_model::{Annotation, Department, Employee, Event, ExternalContact, Grant, Group, Hit, UserId};
use serde::Deserialize;
use serde_json::value::RawValue;

/// One decoded line.
#[derive(Deserialize)]
pub(crate) struct Line<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: &'a str,
    pub seq: i64,
    // message
    #[serde(borrow, default)]
    pub raw: Option<&'a RawValue>,
    #[serde(default)]
    pub raw_text: Option<String>,
    // hit
    #[serde(default)]
    pub hit: Option<Hit>,
    #[serde(default)]
    pub contact: Option<ExternalContact>,
    #[serde(default)]
    pub group: Option<Group>,
    #[serde(default)]
    pub employee: Option<Employee>,
    #[serde(default)]
    pub department: Option<Department>,
    #[serde(default)]
    pub event: Option<Event>,
    #[serde(default)]
    pub annotation: Option<Annotation>,
    // rules / lexicon
    #[serde(borrow, default)]
    pub rules: Option<&'a RawValue>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(borrow, default)]
    pub words: Option<&'a RawValue>,
    // grant
    #[serde(default)]
    pub grant: Option<Grant>,
    #[serde(default)]
    pub all: Option<bool>,
    #[serde(default)]
    pub employees: Option<Vec<UserId>>,
    #[serde(default)]
    pub departments: Option<Vec<u64>>,
    // cursor
    #[serde(default)]
    pub more: Option<bool>,
    #[serde(default)]
    pub head: Option<i64>,
    #[serde(default)]
    pub lease_expires_at: Option<i64>,
}

/// A grant record: the grant and the scope resolved by the server.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct GrantInForce {
    /// The grant.
    pub grant: Grant,
    /// Scope `all`.
    pub all: bool,
    /// Employees in scope, resolved against the organisation.
    pub employees: Vec<UserId>,
    /// Departments in scope (with ancestors of those holding employees in scope).
    pub departments: Vec<u64>,
}
