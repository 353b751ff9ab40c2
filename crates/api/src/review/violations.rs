//! The violation centre: every rule hit in the cache, sensitive words and behaviour apart,
//! filtered, sorted and paged, each with its review state.

use std::collections::{BTreeMap, HashMap, HashSet};

use dossier_model::{ConversationKey, RoomId, UserId};
use dossier_vault::{Queries, parse_conv_key};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::annotations::VerdictView;
use super::state::{ReviewState, review_ctes};
use crate::browse::{People, Person, Side, side_of};
use crate::search::{FacetCount, SnippetView};
use crate::{ApiError, Result, Session};

/// Most rows one page returns.
pub const MAX_PAGE: u32 = 500;

/// Which hits a tab lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ViolationTab {
    /// Lexicon words.
    Words,
    /// Behaviour: contact hand-outs, QR codes, red packets, deletions, revokes, timeouts, ….
    Behaviour,
}

/// Row order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ViolationSort {
    /// Newest message first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// High severity first, then newest.
    Severity,
}

/// Which violations to list; null fields do not filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ViolationQuery {
    /// Words or behaviour.
    pub tab: ViolationTab,
    /// From this time, ms (inclusive).
    #[ts(type = "number | null")]
    pub from: Option<i64>,
    /// Before this time, ms.
    #[ts(type = "number | null")]
    pub to: Option<i64>,
    /// Messages this employee sent or received.
    pub employee: Option<String>,
    /// Messages an employee of this department (or a sub-department) sent or received.
    #[ts(type = "number | null")]
    pub department: Option<u64>,
    /// This rule (or detector) name.
    pub rule: Option<String>,
    /// This hit kind (`word`, `phone`, `redpacket`, …).
    pub kind: Option<String>,
    /// This msgtype.
    pub msgtype: Option<String>,
    /// This review state.
    pub state: Option<ReviewState>,
    /// Order.
    pub sort: ViolationSort,
    /// Rows to skip.
    pub offset: u32,
    /// Page size (at most [`MAX_PAGE`]).
    pub limit: u32,
}

impl ViolationQuery {
    /// The first page (100 rows, newest first) of a tab, unfiltered.
    pub fn first_page(tab: ViolationTab) -> ViolationQuery {
        ViolationQuery {
            tab,
            from: None,
            to: None,
            employee: None,
            department: None,
            rule: None,
            kind: None,
            msgtype: None,
            state: None,
            sort: ViolationSort::Newest,
            offset: 0,
            limit: 100,
        }
    }
}

/// One violation: a hit on a message.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ViolationRow {
    /// The hit's id.
    #[ts(type = "number")]
    pub hit_id: i64,
    /// The message.
    pub msgid: String,
    /// The message's row id.
    #[ts(type = "number")]
    pub message_id: i64,
    /// Its conversation key (open at `{at: "around", msgid}`).
    pub conversation: String,
    /// Its time, ms.
    #[ts(type = "number")]
    pub msgtime: i64,
    /// Its msgtype.
    pub msgtype: String,
    /// Who sent it.
    pub sender: Person,
    /// The employee the hit is charged to: the sender, or the first employee it was sent to.
    pub employee: Option<Person>,
    /// The other side: the customer or colleague, or the group's name.
    pub partner: String,
    /// Rule or detector.
    pub rule: String,
    /// Hit kind.
    pub kind: String,
    /// A behaviour hit.
    pub behaviour: bool,
    /// `low`, `medium`, `high`.
    pub severity: String,
    /// The matched word or value.
    pub word: Option<String>,
    /// The hit's span in the message text (characters).
    pub start: u32,
    /// End of the span.
    pub end: u32,
    /// Context around the hit.
    pub snippet: SnippetView,
    /// Review state.
    pub state: ReviewState,
    /// The deciding verdict, when one is given.
    pub verdict: Option<VerdictView>,
    /// From a lexicon of this profile's own (not the server's rules).
    pub local: bool,
}

/// One page of violations with the counts the tabs and filters show.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ViolationPage {
    /// Rows matching every filter.
    pub total: u32,
    /// This page.
    pub rows: Vec<ViolationRow>,
    /// Rules in this tab (with every filter but rule and kind), most hits first.
    pub rules: Vec<FacetCount>,
    /// Kinds in this tab, likewise.
    pub kinds: Vec<FacetCount>,
    /// Word hits (every filter but tab, rule, kind and state).
    pub words: u32,
    /// Behaviour hits, likewise.
    pub behaviour: u32,
    /// Unreviewed hits in this tab (every filter but state).
    pub unreviewed: u32,
}

/// A page of violations.
#[tracing::instrument(skip(session), err)]
pub async fn violations(session: &Session, query: ViolationQuery) -> Result<ViolationPage> {
    if query.limit == 0 || query.limit > MAX_PAGE {
        return Err(ApiError::bad_input(format!("limit must be 1..={MAX_PAGE}")));
    }
    session
        .blocking(move |s| {
            let local = super::lexicons::local_names(s.vault())?;
            Ok(s.vault().db().read(|r| page(r, &query, &local))?)
        })
        .await
}

/// The time filter, on the hit's copy of its message's time (an index), and the filters on the
/// message itself, as SQL over `h` (hits) and `m` (messages).
const TIME_FILTER: &str =
    "h.msgtime IS NOT NULL AND (?1 IS NULL OR h.msgtime >= ?1) AND (?2 IS NULL OR h.msgtime < ?2)";
const MESSAGE_FILTER: &str = "
       (?3 IS NULL OR m.sender = ?3 OR EXISTS (SELECT 1 FROM json_each(m.tolist) j WHERE j.value = ?3))
   AND (?4 IS NULL OR m.sender IN (SELECT userid FROM dept_users)
        OR EXISTS (SELECT 1 FROM json_each(m.tolist) j WHERE j.value IN (SELECT userid FROM dept_users)))
   AND (?5 IS NULL OR m.msgtype = ?5)";
/// What stands for [`MESSAGE_FILTER`] when none of its filters is set: hits are counted and
/// paged without reading their messages (the same parameters stay bound).
const NO_MESSAGE_FILTER: &str = "?3 IS NULL AND ?4 IS NULL AND ?5 IS NULL";

fn page(
    r: &impl Queries,
    q: &ViolationQuery,
    local: &HashSet<String>,
) -> dossier_vault::Result<ViolationPage> {
    let departments = match q.department {
        Some(d) => Some(serde_json::to_string(&subtree(r, d)?)?),
        None => None,
    };
    let prelude = format!(
        "WITH {},
              dept_users AS (SELECT userid FROM employee_departments
                             WHERE department IN (SELECT value FROM json_each(COALESCE(?4, '[]'))))",
        review_ctes()
    );
    let base = dossier_vault::rusqlite::params![q.from, q.to, q.employee, departments, q.msgtype];
    // Join the messages only for a filter on them; the page's rows are joined at the end.
    let (join, message_filter) = if q.employee.is_none() && q.department.is_none() && q.msgtype.is_none() {
        ("", NO_MESSAGE_FILTER)
    } else {
        ("JOIN messages m ON m.msgid = h.msgid", MESSAGE_FILTER)
    };

    // One pass over the filtered hits for the counts: (kind, rule, state) → hits.
    let mut groups: BTreeMap<(String, String, i64), u32> = BTreeMap::new();
    {
        let sql = format!(
            "{prelude} SELECT h.kind, h.rule, COALESCE(st.rank, 0), COUNT(*)
               FROM hits h {join} LEFT JOIN st ON st.msgid = h.msgid
              WHERE {TIME_FILTER} AND {message_filter} GROUP BY 1, 2, 3"
        );
        let mut stmt = r.sql().prepare(&sql)?;
        let rows = stmt.query_map(base, |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
        for row in rows {
            let (kind, rule, rank, n): (String, String, i64, u32) = row?;
            groups.insert((kind, rule, rank), n);
        }
    }
    let in_tab = |kind: &str| (kind == "word") == (q.tab == ViolationTab::Words);
    let (mut words, mut behaviour, mut unreviewed, mut total) = (0, 0, 0, 0);
    let mut rules: HashMap<&str, u32> = HashMap::new();
    let mut kinds: HashMap<&str, u32> = HashMap::new();
    for ((kind, rule, rank), &n) in &groups {
        if kind == "word" {
            words += n;
        } else {
            behaviour += n;
        }
        if !in_tab(kind) {
            continue;
        }
        let state_ok = q.state.is_none_or(|s| s.rank() == *rank);
        if state_ok {
            *rules.entry(rule).or_default() += n;
            *kinds.entry(kind).or_default() += n;
        }
        let rule_ok = q.rule.as_deref().is_none_or(|x| x == rule);
        let kind_ok = q.kind.as_deref().is_none_or(|x| x == kind);
        if rule_ok && kind_ok {
            if *rank == 0 {
                unreviewed += n;
            }
            if state_ok {
                total += n;
            }
        }
    }

    let order = match q.sort {
        ViolationSort::Newest => "h.msgtime DESC, h.id DESC",
        ViolationSort::Oldest => "h.msgtime ASC, h.id ASC",
        ViolationSort::Severity => {
            "CASE h.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, h.msgtime DESC, h.id DESC"
        }
    };
    // The page's hits are chosen first (from the hits alone unless a message filter is set),
    // then only they are joined to their messages.
    let sql = format!(
        "{prelude}, page AS (
             SELECT h.id FROM hits h {join} LEFT JOIN st ON st.msgid = h.msgid
              WHERE {TIME_FILTER} AND {message_filter}
                AND ((h.kind = 'word') = ?6) AND (?7 IS NULL OR h.rule = ?7) AND (?8 IS NULL OR h.kind = ?8)
                AND (?9 IS NULL OR COALESCE(st.rank, 0) = ?9)
              ORDER BY {order} LIMIT ?10 OFFSET ?11)
         SELECT h.id, h.msgid, m.id, m.conv, m.msgtime, m.msgtype, m.sender, m.tolist, h.rule, h.kind,
                h.word, h.span_start, h.span_end, h.severity, COALESCE(st.rank, 0), m.text,
                (SELECT verdict FROM eff WHERE eff.msgid = h.msgid AND verdict IS NOT NULL LIMIT 1)
           FROM page JOIN hits h ON h.id = page.id JOIN messages m ON m.msgid = h.msgid
                LEFT JOIN st ON st.msgid = h.msgid
          ORDER BY {order}"
    );
    let mut stmt = r.sql().prepare(&sql)?;
    let raw = stmt.query_map(
        dossier_vault::rusqlite::params![
            q.from,
            q.to,
            q.employee,
            departments,
            q.msgtype,
            q.tab == ViolationTab::Words,
            q.rule,
            q.kind,
            q.state.map(ReviewState::rank),
            q.limit,
            q.offset,
        ],
        |row| {
            Ok(Raw {
                hit_id: row.get(0)?,
                msgid: row.get(1)?,
                message_id: row.get(2)?,
                conv: row.get(3)?,
                msgtime: row.get(4)?,
                msgtype: row.get(5)?,
                sender: row.get(6)?,
                tolist: row.get(7)?,
                rule: row.get(8)?,
                kind: row.get(9)?,
                word: row.get(10)?,
                start: row.get(11)?,
                end: row.get(12)?,
                severity: row.get(13)?,
                rank: row.get(14)?,
                text: row.get(15)?,
                verdict: row.get(16)?,
            })
        },
    )?;
    let mut people = People::default();
    let mut rows = Vec::new();
    for raw in raw {
        rows.push(row_view(r, &mut people, raw?, local)?);
    }
    Ok(ViolationPage {
        total,
        rows,
        rules: facet(rules),
        kinds: facet(kinds),
        words,
        behaviour,
        unreviewed,
    })
}

struct Raw {
    hit_id: i64,
    msgid: String,
    message_id: i64,
    conv: String,
    msgtime: i64,
    msgtype: String,
    sender: String,
    tolist: String,
    rule: String,
    kind: String,
    word: Option<String>,
    start: i64,
    end: i64,
    severity: String,
    rank: i64,
    text: String,
    verdict: Option<String>,
}

fn row_view(
    r: &impl Queries,
    people: &mut People,
    raw: Raw,
    local: &HashSet<String>,
) -> dossier_vault::Result<ViolationRow> {
    let sender = people.get(r, &UserId(raw.sender.clone()))?;
    let tolist: Vec<String> = serde_json::from_str(&raw.tolist)?;
    let employee_id = if sender.side == Side::Employee {
        Some(raw.sender.clone())
    } else {
        tolist
            .iter()
            .find(|t| side_of(&UserId((*t).clone())) == Side::Employee)
            .cloned()
    };
    let employee = employee_id
        .as_ref()
        .map(|e| people.get(r, &UserId(e.clone())))
        .transpose()?;
    let partner = match parse_conv_key(&raw.conv) {
        Some(ConversationKey::Group(room)) => group_name(r, &room)?,
        Some(ConversationKey::Single(a, b)) => {
            let other = if Some(&a.0) == employee_id.as_ref() { b } else { a };
            people.get(r, &other)?.name
        }
        None => String::new(),
    };
    let (start, end) = (raw.start.max(0) as usize, raw.end.max(0) as usize);
    let spans: &[(usize, usize)] = if end > start { &[(start, end)] } else { &[] };
    Ok(ViolationRow {
        hit_id: raw.hit_id,
        behaviour: raw.kind != "word",
        snippet: SnippetView::around(&raw.text, spans),
        msgid: raw.msgid,
        message_id: raw.message_id,
        conversation: raw.conv,
        msgtime: raw.msgtime,
        msgtype: raw.msgtype,
        sender,
        employee,
        partner,
        local: raw.kind == "word" && local.contains(&raw.rule),
        rule: raw.rule,
        kind: raw.kind,
        severity: raw.severity,
        word: raw.word,
        start: start as u32,
        end: end as u32,
        state: ReviewState::from_rank(raw.rank),
        verdict: raw
            .verdict
            .and_then(|v| serde_json::from_value(serde_json::Value::String(v)).ok()),
    })
}

fn group_name(r: &impl Queries, room: &RoomId) -> dossier_vault::Result<String> {
    Ok(match r.group(room)? {
        Some(g) if !g.name.is_empty() => g.name,
        _ => room.0.clone(),
    })
}

/// `department` and every department below it.
fn subtree(r: &impl Queries, department: u64) -> dossier_vault::Result<Vec<u64>> {
    let all = r.departments()?;
    let mut out = vec![department];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(
            all.iter()
                .filter(|d| d.parentid == parent && d.id != parent)
                .map(|d| d.id),
        );
        i += 1;
    }
    Ok(out)
}

fn facet(counts: HashMap<&str, u32>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount {
            value: value.to_owned(),
            count,
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v
}
