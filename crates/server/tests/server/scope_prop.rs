//! Property: over random orgs, archives and grants, no feed response carries anything outside the
//! caller's grant, and after a grant change the client converges to exactly the permitted slice
//! with nothing sent twice (a widening backfills exactly what it newly permits).

use std::collections::{BTreeSet, HashMap, HashSet};

use dossier_model::{
    Department, Employee, EmployeeStatus, ExternalContact, FollowUser, Grant, Role, Scope, UserId,
};
use dossier_server::store::NewMessage;
use dossier_server::{Archive, Config, feed};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Org {
    parents: Vec<Option<usize>>, // department i's parent index
    employees: Vec<Vec<usize>>,  // employee i's departments
}

#[derive(Clone, Debug)]
struct Msg {
    from: usize, // < employees: employee, else external
    to: Vec<usize>,
    time: i64,
    hit: bool,
}

#[derive(Clone, Debug)]
enum S {
    All,
    Depts(Vec<usize>),
    Emps(Vec<usize>),
}

#[derive(Clone, Debug)]
struct G {
    scope: S,
    window: (Option<i64>, Option<i64>),
}

const EXTERNALS: usize = 3;

fn org() -> impl Strategy<Value = Org> {
    (1usize..6).prop_flat_map(|nd| {
        let parents = (0..nd)
            .map(|i| {
                if i == 0 {
                    Just(None).boxed()
                } else {
                    proptest::option::of(0..i).boxed()
                }
            })
            .collect::<Vec<_>>();
        let emps = proptest::collection::vec(proptest::collection::vec(0..nd, 1..3), 2..8);
        (parents, emps).prop_map(|(parents, employees)| Org { parents, employees })
    })
}

fn grant(nd: usize, ne: usize) -> impl Strategy<Value = G> {
    let scope = prop_oneof![
        1 => Just(S::All),
        3 => proptest::collection::vec(0..nd, 1..3).prop_map(S::Depts),
        3 => proptest::collection::vec(0..ne, 1..4).prop_map(S::Emps),
    ];
    let bound = proptest::option::weighted(0.3, 0i64..1000);
    (scope, bound.clone(), bound).prop_map(|(scope, a, b)| G {
        scope,
        window: (a, b),
    })
}

fn messages(ne: usize, n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Msg>> {
    let party = 0..ne + EXTERNALS;
    proptest::collection::vec(
        (
            party.clone(),
            proptest::collection::vec(party, 1..3),
            0i64..1000,
            proptest::bool::weighted(0.3),
        )
            .prop_map(|(from, to, time, hit)| Msg { from, to, time, hit }),
        n,
    )
}

fn uid(i: usize, ne: usize) -> String {
    if i < ne {
        format!("emp{i}")
    } else {
        format!("wm_ext{}", i - ne)
    }
}

/// The oracle, written apart from the server: the employees a grant covers.
fn covered(org: &Org, g: &G) -> Option<HashSet<String>> {
    let ne = org.employees.len();
    match &g.scope {
        S::All => None,
        S::Emps(list) => Some(list.iter().map(|&i| uid(i, ne)).collect()),
        S::Depts(list) => {
            // Departments under the granted ones: walk children.
            let mut under: HashSet<usize> = list.iter().copied().collect();
            loop {
                let before = under.len();
                for (d, p) in org.parents.iter().enumerate() {
                    if let Some(p) = p
                        && under.contains(p)
                    {
                        under.insert(d);
                    }
                }
                if under.len() == before {
                    break;
                }
            }
            Some(
                org.employees
                    .iter()
                    .enumerate()
                    .filter(|(_, ds)| ds.iter().any(|d| under.contains(d)))
                    .map(|(i, _)| uid(i, ne))
                    .collect(),
            )
        }
    }
}

fn msg_inside(
    cov: &Option<HashSet<String>>,
    window: (Option<i64>, Option<i64>),
    from: &str,
    to: &[String],
    t: i64,
) -> bool {
    let in_window = window.0.is_none_or(|a| t >= a) && window.1.is_none_or(|b| t < b);
    in_window
        && match cov {
            None => true,
            Some(e) => e.contains(from) || to.iter().any(|u| e.contains(u)),
        }
}

fn to_grant(org: &Org, g: &G) -> Grant {
    let ne = org.employees.len();
    Grant {
        scope: match &g.scope {
            S::All => Scope::All,
            S::Depts(d) => Scope::Departments(d.iter().map(|&i| i as u64 + 1).collect()),
            S::Emps(e) => Scope::Employees(e.iter().map(|&i| UserId(uid(i, ne))).collect()),
        },
        window: g.window,
        lease_secs: 3600,
        export_allowed: false,
    }
}

struct Client {
    cursor: i64,
    /// msgid → (from, to, time)
    messages: HashMap<String, (String, Vec<String>, i64)>,
    hits: HashMap<i64, String>, // hit id → msgid
    contacts: HashMap<String, Vec<String>>,
}

/// What one pass over the feed delivered.
#[derive(Default)]
struct Pass {
    messages: Vec<String>,
}

fn read_all(
    archive: &Archive,
    user: &dossier_server::store::UserRecord,
    client: &mut Client,
    limit: usize,
    oracle: &dyn Fn(&str, &[String], i64) -> bool,
    cov: &Option<HashSet<String>>,
) -> Result<Pass, TestCaseError> {
    let mut pass = Pass::default();
    for _ in 0..10_000 {
        let batch = feed::read(archive, user, client.cursor, limit)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let text = String::from_utf8(batch.body).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for line in text.lines() {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| TestCaseError::fail(e.to_string()))?;
            match v["type"].as_str().unwrap_or("") {
                "message" => {
                    let id = v["msgid"].as_str().unwrap_or("").to_owned();
                    let from = v["from"].as_str().unwrap_or("").to_owned();
                    let to: Vec<String> = serde_json::from_value(v["tolist"].clone()).unwrap_or_default();
                    let t = v["msgtime"].as_i64().unwrap_or(-1);
                    // No response carries a message outside the grant in force.
                    prop_assert!(oracle(&from, &to, t), "message {id} outside the grant");
                    prop_assert!(!client.messages.contains_key(&id), "message {id} sent twice");
                    client.messages.insert(id.clone(), (from, to, t));
                    pass.messages.push(id);
                }
                "hit" => {
                    let msgid = v["hit"]["msgid"].as_str().unwrap_or("").to_owned();
                    prop_assert!(
                        client.messages.contains_key(&msgid),
                        "hit before or without its message {msgid}"
                    );
                    client.hits.insert(v["id"].as_i64().unwrap_or(0), msgid);
                }
                "contact" => {
                    let c: ExternalContact = serde_json::from_value(v["contact"].clone())
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    let followers: Vec<String> = c.follow_users.iter().map(|f| f.userid.0.clone()).collect();
                    let ok = match cov {
                        None => true,
                        Some(e) => followers.iter().any(|f| e.contains(f)),
                    };
                    prop_assert!(ok, "contact {} outside the grant", c.external_userid);
                    client.contacts.insert(c.external_userid.0.clone(), followers);
                }
                "grant" => {
                    // Purge what the grant record excludes, from its own data.
                    let all = v["all"].as_bool().unwrap_or(false);
                    let emps: HashSet<String> =
                        serde_json::from_value(v["employees"].clone()).unwrap_or_default();
                    let w = (v["grant"]["window"][0].as_i64(), v["grant"]["window"][1].as_i64());
                    let cov_rec = if all { None } else { Some(emps) };
                    client
                        .messages
                        .retain(|_, (f, to, t)| msg_inside(&cov_rec, w, f, to, *t));
                    let kept: HashSet<String> = client.messages.keys().cloned().collect();
                    client.hits.retain(|_, m| kept.contains(m));
                    client.contacts.retain(|_, f| match &cov_rec {
                        None => true,
                        Some(e) => f.iter().any(|x| e.contains(x)),
                    });
                }
                "cursor" => {}
                "employee" | "department" | "rules" | "lexicon" | "group" | "event" | "annotation" => {}
                other => prop_assert!(false, "unknown record type {other}"),
            }
        }
        client.cursor = batch.cursor;
        if !batch.more {
            return Ok(pass);
        }
    }
    Err(TestCaseError::fail("feed did not end"))
}

fn new_messages(msgs: &[Msg], ne: usize, offset: usize) -> Vec<NewMessage> {
    msgs.iter()
        .enumerate()
        .map(|(i, m)| {
            let id = format!("m{}", i + offset);
            NewMessage {
                msgid: id.clone(),
                archive_seq: Some((i + offset).to_string()),
                action: "send".into(),
                from: uid(m.from, ne),
                tolist: m.to.iter().map(|&t| uid(t, ne)).collect(),
                roomid: String::new(),
                msgtime: m.time,
                msgtype: "text".into(),
                raw: format!("{{\"msgid\":\"{id}\"}}"),
                raw_is_json: true,
                revoke_of: None,
                media: None,
                hits: if m.hit {
                    vec![format!(
                        "{{\"msgid\":\"{id}\",\"rule\":\"r\",\"kind\":\"word\",\"word\":\"x\",\"start\":0,\"end\":1,\"severity\":\"high\"}}"
                    )]
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// Org, first messages, later messages, first grant, second grant, batch limit, batches read
/// before the change, each external contact's followers, and instead of a grant change maybe an
/// org change (an employee moved to other departments).
type Case = (
    Org,
    Vec<Msg>,
    Vec<Msg>,
    G,
    G,
    usize,
    usize,
    Vec<Vec<usize>>,
    Option<(usize, Vec<usize>)>,
);

fn case() -> impl Strategy<Value = Case> {
    org().prop_flat_map(|o| {
        let nd = o.parents.len();
        let ne = o.employees.len();
        (
            Just(o),
            messages(ne, 1..30),
            messages(ne, 0..15),
            grant(nd, ne),
            grant(nd, ne),
            1usize..8,
            0usize..40,
            proptest::collection::vec(proptest::collection::vec(0..ne, 0..3), EXTERNALS),
            proptest::option::weighted(0.3, (0..ne, proptest::collection::vec(0..nd, 1..3))),
        )
    })
}

proptest! {
    // 40 cases in CI; PROPTEST_CASES=… for a longer run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(40),
        ..ProptestConfig::default()
    })]

    #[test]
    fn feed_stays_inside_the_grant_and_converges((o, first, second, g1, g2, limit, read_first, follows, moved) in case()) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let archive = Archive::open(dir.path(), Config::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let ne = o.employees.len();
        let store = archive.store();
        let depts: Vec<Department> = o.parents.iter().enumerate().map(|(i, p)| Department {
            id: i as u64 + 1, name: format!("d{i}"), parentid: p.map_or(0, |p| p as u64 + 1), order: 0,
        }).collect();
        let emps: Vec<Employee> = o.employees.iter().enumerate().map(|(i, ds)| Employee {
            userid: UserId(uid(i, ne)), name: format!("e{i}"), department: ds.iter().map(|&d| d as u64 + 1).collect(),
            main_department: None, position: String::new(), status: EmployeeStatus::Active,
        }).collect();
        let contacts: Vec<ExternalContact> = follows.iter().enumerate().map(|(i, f)| ExternalContact {
            external_userid: UserId(format!("wm_ext{i}")), name: format!("c{i}"), kind: 1, corp_name: None,
            corp_full_name: None, position: None, gender: 0, unionid: None,
            follow_users: f.iter().map(|&e| FollowUser { userid: UserId(uid(e, ne)), remark: String::new(), description: String::new(),
                createtime: 0, tags: vec![], oper_userid: None, add_way: None, state: None }).collect(),
        }).collect();
        let fail = |e: dossier_server::Error| TestCaseError::fail(e.to_string());
        store.ingest_org(&depts, &emps).map_err(fail)?;
        store.ingest_contacts(&contacts).map_err(fail)?;
        store.ingest_messages(&new_messages(&first, ne, 0)).map_err(fail)?;

        let state1 = archive.resolve(to_grant(&o, &g1)).map_err(fail)?;
        let user = store.create_user("rev", Role::Reviewer, "x", &state1).map_err(fail)?;
        let cov1 = covered(&o, &g1);
        let mut client = Client { cursor: 0, messages: HashMap::new(), hits: HashMap::new(), contacts: HashMap::new() };

        // Read part of the feed under g1 (maybe none, maybe all of it).
        for _ in 0..read_first {
            let o1 = |f: &str, t: &[String], ms: i64| msg_inside(&cov1, g1.window, f, t, ms);
            let saved = client.cursor;
            let more = read_batch_only(&archive, &user, &mut client, limit, &o1, &cov1)?;
            prop_assert!(client.cursor >= saved);
            if !more { break; }
        }

        // Change the grant (or move an employee, which re-scopes department grants), ingest
        // more, then read to the end.
        let (o, g2) = match moved {
            None => {
                let state2 = archive.resolve(to_grant(&o, &g2)).map_err(fail)?;
                store.set_grant(user.id, &state2).map_err(fail)?;
                (o, g2)
            }
            Some((who, to)) => {
                let mut o2 = o.clone();
                o2.employees[who] = to.clone();
                let mut emps2 = emps.clone();
                emps2[who].department = to.iter().map(|&d| d as u64 + 1).collect();
                store.ingest_org(&depts, &emps2).map_err(fail)?;
                archive.regrant_all().map_err(fail)?;
                (o2, g1.clone())
            }
        };
        store.ingest_messages(&new_messages(&second, ne, 1000)).map_err(fail)?;
        let cov2 = covered(&o, &g2);
        let o2 = |f: &str, t: &[String], ms: i64| msg_inside(&cov2, g2.window, f, t, ms);
        read_all(&archive, &user, &mut client, limit, &o2, &cov2)?;

        // Converged to exactly the permitted slice.
        let expected: BTreeSet<String> = new_messages(&first, ne, 0).into_iter().chain(new_messages(&second, ne, 1000))
            .filter(|m| o2(&m.from, &m.tolist, m.msgtime)).map(|m| m.msgid).collect();
        let got: BTreeSet<String> = client.messages.keys().cloned().collect();
        prop_assert_eq!(&got, &expected);
        let expected_hits: BTreeSet<String> = new_messages(&first, ne, 0).into_iter().chain(new_messages(&second, ne, 1000))
            .filter(|m| !m.hits.is_empty() && o2(&m.from, &m.tolist, m.msgtime)).map(|m| m.msgid).collect();
        let got_hits: BTreeSet<String> = client.hits.values().cloned().collect();
        prop_assert_eq!(got_hits, expected_hits);
        let expected_contacts: BTreeSet<String> = contacts.iter().filter(|c| match &cov2 {
            None => true,
            Some(e) => c.follow_users.iter().any(|f| e.contains(f.userid.as_str())),
        }).map(|c| c.external_userid.0.clone()).collect();
        let got_contacts: BTreeSet<String> = client.contacts.keys().cloned().collect();
        prop_assert_eq!(got_contacts, expected_contacts);

        // A fresh client under the final grant gets the same slice from zero.
        let mut fresh = Client { cursor: 0, messages: HashMap::new(), hits: HashMap::new(), contacts: HashMap::new() };
        read_all(&archive, &user, &mut fresh, limit, &o2, &cov2)?;
        let fresh_ids: BTreeSet<String> = fresh.messages.keys().cloned().collect();
        prop_assert_eq!(fresh_ids, expected);
    }
}

/// One feed request through the same checks as [`read_all`].
fn read_batch_only(
    archive: &Archive,
    user: &dossier_server::store::UserRecord,
    client: &mut Client,
    limit: usize,
    oracle: &dyn Fn(&str, &[String], i64) -> bool,
    cov: &Option<HashSet<String>>,
) -> Result<bool, TestCaseError> {
    let before = client.cursor;
    let batch = feed::read(archive, user, before, limit).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let end = batch.cursor;
    let more = batch.more;
    let mut c2 = Client {
        cursor: before,
        messages: std::mem::take(&mut client.messages),
        hits: std::mem::take(&mut client.hits),
        contacts: std::mem::take(&mut client.contacts),
    };
    let text = String::from_utf8(batch.body).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for line in text.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if v["type"] == "message" {
            let id = v["msgid"].as_str().unwrap_or("").to_owned();
            let from = v["from"].as_str().unwrap_or("").to_owned();
            let to: Vec<String> = serde_json::from_value(v["tolist"].clone()).unwrap_or_default();
            let t = v["msgtime"].as_i64().unwrap_or(-1);
            prop_assert!(oracle(&from, &to, t), "message {id} outside the grant");
            prop_assert!(!c2.messages.contains_key(&id), "message {id} sent twice");
            c2.messages.insert(id, (from, to, t));
        } else if v["type"] == "hit" {
            let msgid = v["hit"]["msgid"].as_str().unwrap_or("").to_owned();
            c2.hits.insert(v["id"].as_i64().unwrap_or(0), msgid);
        } else if v["type"] == "contact" {
            let c: ExternalContact = serde_json::from_value(v["contact"].clone())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let followers: Vec<String> = c.follow_users.iter().map(|f| f.userid.0.clone()).collect();
            let ok = match cov {
                None => true,
                Some(e) => followers.iter().any(|f| e.contains(f)),
            };
            prop_assert!(ok, "contact outside the grant");
            c2.contacts.insert(c.external_userid.0.clone(), followers);
        }
    }
    c2.cursor = end;
    *client = c2;
    Ok(more)
}
