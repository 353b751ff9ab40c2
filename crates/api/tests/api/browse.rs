//! Browsing: counts equal a brute-force count over messages and hits; pages reach every message.

use std::collections::{BTreeMap, BTreeSet};

use dossier_api::browse::{self, PageAnchor, PageAt};

use crate::common::{rows, session};

/// Per participant: (conversations, conversations with hits, hits), counted from the messages and
/// hits tables themselves (not from the summaries the api reads).
fn brute_force_stats() -> BTreeMap<String, (u32, u32, u32)> {
    let conv_hits: BTreeMap<String, u32> = rows(
        "SELECT m.conv, count(*) FROM hits h JOIN messages m ON m.msgid = h.msgid GROUP BY m.conv",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .into_iter()
    .collect();
    let convs: Vec<(String, Option<String>)> = rows("SELECT DISTINCT conv, roomid FROM messages", |r| {
        Ok((r.get(0)?, r.get(1)?))
    });
    let members: Vec<(String, String)> = rows("SELECT roomid, userid FROM group_members", |r| {
        Ok((r.get(0)?, r.get(1)?))
    });
    let mut out: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
    for (conv, room) in convs {
        let people: BTreeSet<String> = match conv.strip_prefix("s:") {
            Some(pair) => pair.split('\u{1f}').map(str::to_owned).collect(),
            None => {
                let room = room.unwrap();
                members
                    .iter()
                    .filter(|(r, _)| *r == room)
                    .map(|(_, u)| u.clone())
                    .collect()
            }
        };
        let hits = conv_hits.get(&conv).copied().unwrap_or(0);
        for p in people {
            let e = out.entry(p).or_default();
            e.0 += 1;
            e.1 += u32::from(hits > 0);
            e.2 += hits;
        }
    }
    out
}

#[tokio::test]
async fn directory_counts_equal_a_count_over_messages_and_hits() {
    let s = session();
    let dir = browse::directory(&s).await.unwrap();
    let expected = brute_force_stats();
    let all: Vec<_> = dir.employees.iter().chain(&dir.departed).collect();
    assert!(all.len() >= 10);
    assert!(dir.departed.iter().all(|e| e.departed) && dir.employees.iter().all(|e| !e.departed));
    let mut with_hits = 0;
    for e in &all {
        let (c, ch, h) = expected.get(&e.userid).copied().unwrap_or_default();
        assert_eq!(
            (
                e.stats.conversations,
                e.stats.conversations_with_hits,
                e.stats.hits
            ),
            (c, ch, h),
            "{}",
            e.userid
        );
        with_hits += usize::from(h > 0);
    }
    assert!(with_hits > 0, "planted hits show up");
    // Every current employee sits in the department tree.
    fn walk(n: &browse::DepartmentNode, out: &mut BTreeSet<String>) {
        out.extend(n.employees.iter().cloned());
        n.children.iter().for_each(|c| walk(c, out));
    }
    let mut placed = BTreeSet::new();
    dir.departments.iter().for_each(|d| walk(d, &mut placed));
    for e in dir.employees.iter().filter(|e| !e.departments.is_empty()) {
        assert!(placed.contains(&e.userid), "{} in the tree", e.userid);
    }
    let summary = browse::profile_summary(&s).await.unwrap();
    assert_eq!(summary.employees as usize, all.len());
    assert!(summary.messages > 3_000);
}

#[tokio::test]
async fn partners_customers_and_groups_agree_with_the_conversations() {
    let s = session();
    let dir = browse::directory(&s).await.unwrap();
    let busiest = dir
        .employees
        .iter()
        .max_by_key(|e| e.stats.conversations)
        .unwrap();
    let p = browse::partners(&s, busiest.userid.clone()).await.unwrap();
    let n = p.customers.len() + p.employees.len() + p.groups.len();
    assert_eq!(n as u32, busiest.stats.conversations);
    let hits: u32 = p
        .customers
        .iter()
        .chain(&p.employees)
        .chain(&p.groups)
        .map(|x| x.hits)
        .sum();
    assert_eq!(hits, busiest.stats.hits);
    assert!(
        p.customers
            .iter()
            .all(|c| c.person.as_ref().unwrap().side != browse::Side::Employee)
    );
    assert!(
        p.customers.windows(2).all(|w| w[0].last_time >= w[1].last_time),
        "most recent first"
    );

    let groups = browse::groups(&s).await.unwrap();
    for g in &p.groups {
        let row = groups.iter().find(|x| x.conversation == g.conversation).unwrap();
        assert_eq!(g.dismissed, row.dismissed_at.is_some());
        assert_eq!(g.messages, row.messages);
    }
    // Customer-first: a customer's partners are the employees they chat with.
    let customers = browse::customers(&s).await.unwrap();
    let c = customers.iter().max_by_key(|c| c.stats.conversations).unwrap();
    let cp = browse::partners(&s, c.person.id.clone()).await.unwrap();
    assert_eq!(
        (cp.customers.len() + cp.employees.len() + cp.groups.len()) as u32,
        c.stats.conversations
    );
    let details = browse::customer_details(&s, c.person.id.clone()).await.unwrap();
    assert_eq!(details.stats, c.stats);
    assert_eq!(details.followers.len(), c.followers.len());
    let e = browse::employee_details(&s, busiest.userid.clone())
        .await
        .unwrap();
    assert_eq!(e.employee.stats, busiest.stats);
    assert_eq!(
        browse::employee_details(&s, "nobody".into())
            .await
            .unwrap_err()
            .code,
        dossier_api::ErrorCode::NotFound
    );
}

#[tokio::test]
async fn pages_reach_every_message_in_order_around_anchors_and_dates() {
    let s = session();
    let (conv, count): (String, u32) = rows(
        "SELECT conv, messages FROM conversations ORDER BY messages DESC LIMIT 1",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .pop()
    .unwrap();
    assert!(count > 20);
    let expected: Vec<String> = rows(
        &format!(
            "SELECT msgid FROM messages WHERE conv = '{}' ORDER BY msgtime, id",
            conv.replace('\'', "''")
        ),
        |r| r.get(0),
    );
    // Scrolling up from the newest page, 7 at a time.
    let mut page = browse::conversation_page(&s, conv.clone(), PageAt::Newest, 7)
        .await
        .unwrap();
    assert!(!page.more_after);
    let mut seen: Vec<String> = Vec::new();
    loop {
        let mut ids: Vec<String> = page.messages.iter().map(|m| m.msgid.clone()).collect();
        ids.extend(seen);
        seen = ids;
        if !page.more_before {
            break;
        }
        let first = &page.messages[0];
        let anchor = PageAnchor {
            msgtime: first.msgtime,
            id: first.id,
        };
        page = browse::conversation_page(&s, conv.clone(), PageAt::Before { anchor }, 7)
            .await
            .unwrap();
    }
    assert_eq!(seen, expected);
    // Scrolling down from the oldest.
    let first = browse::conversation_page(&s, conv.clone(), PageAt::Oldest, 5)
        .await
        .unwrap();
    assert_eq!(first.messages[0].msgid, expected[0]);
    let last = first.messages.last().unwrap();
    let next = browse::conversation_page(
        &s,
        conv.clone(),
        PageAt::After {
            anchor: PageAnchor {
                msgtime: last.msgtime,
                id: last.id,
            },
        },
        5,
    )
    .await
    .unwrap();
    assert_eq!(next.messages[0].msgid, expected[5]);
    // Around a message: it is in the page and focused.
    let mid = expected[expected.len() / 2].clone();
    let around = browse::conversation_page(&s, conv.clone(), PageAt::Around { msgid: mid.clone() }, 9)
        .await
        .unwrap();
    assert_eq!(around.focus.as_deref(), Some(mid.as_str()));
    let i = around.messages.iter().position(|m| m.msgid == mid).unwrap();
    assert_eq!(i, 4);
    assert!(
        around
            .messages
            .windows(2)
            .all(|w| (w[0].msgtime, w[0].id) < (w[1].msgtime, w[1].id))
    );
    // Jump to a date: the focus is the first message at or after it.
    let t = around.messages[i].msgtime;
    let date = browse::conversation_page(&s, conv.clone(), PageAt::Date { time: t }, 8)
        .await
        .unwrap();
    let focus = date.focus.unwrap();
    let f = date.messages.iter().find(|m| m.msgid == focus).unwrap();
    assert_eq!(f.msgtime, t);
    assert!(date.messages.iter().filter(|m| m.msgtime < t).count() <= 2);
    // Bad keys are bad input.
    let err = browse::conversation_page(&s, "nonsense".into(), PageAt::Newest, 5)
        .await
        .unwrap_err();
    assert_eq!(err.code, dossier_api::ErrorCode::BadInput);
}

#[tokio::test]
async fn a_revocation_shows_the_original_and_marks_it() {
    let s = session();
    let revokes: Vec<(String, String)> = rows(
        "SELECT m.conv, m.msgid FROM messages m JOIN messages o ON o.msgid = json_extract(m.content, '$.pre_msgid')
         WHERE m.msgtype = 'revoke' LIMIT 1",
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    let (conv, msgid) = revokes
        .first()
        .cloned()
        .expect("the demo archive has revoked messages");
    let rv_conv = conv.clone();
    let page = browse::conversation_page(&s, conv, PageAt::Around { msgid: msgid.clone() }, 41)
        .await
        .unwrap();
    let rv = page.messages.iter().find(|m| m.msgid == msgid).unwrap();
    assert_eq!(rv.msgtype, "revoke");
    let original = rv.revokes.as_ref().unwrap();
    assert!(original.found);
    let orig_text: String = rows(
        &format!(
            "SELECT text FROM messages WHERE msgid = '{}'",
            original.msgid.replace('\'', "''")
        ),
        |r| r.get(0),
    )
    .pop()
    .unwrap();
    assert_eq!(original.text.as_deref(), Some(orig_text.as_str()));
    let conv = rv_conv;
    let around = browse::conversation_page(
        &s,
        conv,
        PageAt::Around {
            msgid: original.msgid.clone(),
        },
        1,
    )
    .await
    .unwrap();
    let o = &around.messages[0];
    assert_eq!(o.msgid, original.msgid);
    assert_eq!(
        o.revoked.as_ref().expect("the original is marked revoked").at,
        rv.msgtime
    );
}

#[tokio::test]
async fn hits_and_media_are_on_the_message_view() {
    let s = session();
    let (conv, msgid): (String, String) = rows(
        "SELECT m.conv, m.msgid FROM hits h JOIN messages m ON m.msgid = h.msgid LIMIT 1",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .pop()
    .unwrap();
    let page = browse::conversation_page(&s, conv, PageAt::Around { msgid: msgid.clone() }, 3)
        .await
        .unwrap();
    let m = page.messages.iter().find(|m| m.msgid == msgid).unwrap();
    assert_eq!(m.hits.len(), 1);
    assert_eq!(
        (m.hits[0].rule.as_str(), m.hits[0].start, m.hits[0].end),
        ("planted", 0, 1)
    );
    assert_eq!(m.hits[0].severity, "high");

    let (conv, msgid): (String, String) = rows(
        "SELECT conv, msgid FROM messages WHERE msgtype = 'file' LIMIT 1",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .pop()
    .expect("the demo has files");
    let page = browse::conversation_page(&s, conv, PageAt::Around { msgid: msgid.clone() }, 1)
        .await
        .unwrap();
    let m = &page.messages[0];
    let media = m.media.as_ref().unwrap();
    assert_eq!(media.name.as_deref(), m.content["filename"].as_str());
    assert!(!media.sdkfileid.is_empty());
    if let Some(size) = &media.size {
        assert_eq!(
            m.content["filesize"].as_str(),
            Some(size.as_str()),
            "sizes cross as strings"
        );
    }
}
