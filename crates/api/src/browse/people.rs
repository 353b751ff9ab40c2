//! Who a participant id is, as the UI shows it: a display name and a side.

use dossier_model::{PartyKind, UserId};
use dossier_vault::Queries;
use serde::Serialize;
use ts_rs::TS;

use dossier_vault::Result;

/// Which side of the corp a participant is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// An employee of the archiving corp.
    Employee,
    /// A customer (WeChat user or another corp's WeCom user).
    Customer,
    /// A robot.
    Robot,
}

/// A participant with a display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Person {
    /// The WeCom id (userid or external userid).
    pub id: String,
    /// The name the org or the contact record gives, or the id when neither knows it.
    pub name: String,
    /// Employee, customer or robot.
    pub side: Side,
}

impl Person {
    /// Looks the id up in the cached org and contacts.
    pub fn lookup(r: &impl Queries, id: &UserId) -> Result<Person> {
        let side = side_of(id);
        let name = match side {
            Side::Employee => r.employee(id)?.map(|e| e.name),
            Side::Customer | Side::Robot => r.contact(id)?.map(|c| c.name),
        };
        Ok(Person {
            id: id.0.clone(),
            name: name.filter(|n| !n.is_empty()).unwrap_or_else(|| id.0.clone()),
            side,
        })
    }
}

/// The side an id is on, by WeCom's id conventions.
pub fn side_of(id: &UserId) -> Side {
    match id.party_kind() {
        PartyKind::Employee => Side::Employee,
        PartyKind::WeChat | PartyKind::OtherCorp => Side::Customer,
        PartyKind::Robot => Side::Robot,
    }
}

/// A small per-call cache of [`Person::lookup`] (a page has a handful of senders).
#[derive(Default)]
pub struct People(std::collections::HashMap<String, Person>);

impl People {
    /// The person for `id`, looked up once per call.
    pub fn get(&mut self, r: &impl Queries, id: &UserId) -> Result<Person> {
        if let Some(p) = self.0.get(&id.0) {
            return Ok(p.clone());
        }
        let p = Person::lookup(r, id)?;
        self.0.insert(id.0.clone(), p.clone());
        Ok(p)
    }
}
