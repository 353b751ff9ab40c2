//! What the rules need to know about the organisation: who is an employee, and which departments
//! (with their parents) an employee belongs to. The caller provides it; [`OrgIndex`] builds one
//! from the model's departments and employees.

use std::collections::HashMap;

use dossier_model::{Department, Employee, UserId};

/// Organisation lookups used for scopes and sender sides.
pub trait Org {
    /// Whether `id` is an employee of the archiving corp. The default judges by WeCom's id
    /// prefixes (`wm…`, `wo…`, `wb…` are outsiders).
    fn is_employee(&self, id: &UserId) -> bool {
        !id.is_external()
    }

    /// The departments `id` belongs to directly (empty for outsiders and unknown ids).
    fn departments_of(&self, id: &UserId) -> &[u64];

    /// The parent of department `dept`, `None` for the root or an unknown department.
    fn parent_of(&self, dept: u64) -> Option<u64>;

    /// Whether employee `id` is in one of `depts` or one of their sub-departments.
    fn in_departments(&self, id: &UserId, depts: &[u64]) -> bool {
        self.departments_of(id).iter().any(|&d| {
            let mut cur = Some(d);
            // Bounded walk up the tree: a malformed org with a cycle must not hang a scan.
            for _ in 0..64 {
                match cur {
                    Some(c) if depts.contains(&c) => return true,
                    Some(c) => cur = self.parent_of(c),
                    None => return false,
                }
            }
            false
        })
    }
}

/// No organisation data: employees are judged by id prefix, nobody is in any department.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoOrg;

impl Org for NoOrg {
    fn departments_of(&self, _id: &UserId) -> &[u64] {
        &[]
    }

    fn parent_of(&self, _dept: u64) -> Option<u64> {
        None
    }
}

/// An [`Org`] built from the model's departments and employees.
#[derive(Clone, Debug, Default)]
pub struct OrgIndex {
    parents: HashMap<u64, u64>,
    employees: HashMap<UserId, Vec<u64>>,
}

impl OrgIndex {
    /// Indexes `departments` and `employees`.
    pub fn new(departments: &[Department], employees: &[Employee]) -> Self {
        Self {
            parents: departments
                .iter()
                .filter(|d| d.parentid != 0 && d.parentid != d.id)
                .map(|d| (d.id, d.parentid))
                .collect(),
            employees: employees
                .iter()
                .map(|e| (e.userid.clone(), e.department.clone()))
                .collect(),
        }
    }
}

impl Org for OrgIndex {
    fn is_employee(&self, id: &UserId) -> bool {
        self.employees.contains_key(id) || !id.is_external()
    }

    fn departments_of(&self, id: &UserId) -> &[u64] {
        self.employees.get(id).map_or(&[], Vec::as_slice)
    }

    fn parent_of(&self, dept: u64) -> Option<u64> {
        self.parents.get(&dept).copied()
    }
}
