//! Hit counts per conversation (schema v2): kept by triggers through every write path, and the
//! participant statistics built on them.

use dossier_model::{ConversationKey, Hit, HitKind, MsgId, Severity, UserId};
use dossier_vault::{HitCounts, Queries};

use crate::common::{new_vault, text_message};

fn hit(msgid: &str, start: usize) -> Hit {
    Hit {
        msgid: MsgId(msgid.into()),
        rule: "r".into(),
        kind: HitKind::Word,
        word: Some("x".into()),
        start,
        end: start + 1,
        severity: Severity::High,
    }
}

fn counts(hits: i64, messages: i64) -> HitCounts {
    HitCounts { hits, messages }
}

#[test]
fn hit_counts_follow_every_write() {
    let (_tmp, vault) = new_vault();
    let db = vault.db();
    let conv = ConversationKey::single("zhangsan".into(), "wmCust1".into());
    let room = ConversationKey::Group("wrRoom".into());
    db.write(|tx| {
        tx.put_message(&text_message(1, "zhangsan", "wmCust1", None, 1_000, "a"), None, 1)?;
        tx.put_message(&text_message(2, "wmCust1", "zhangsan", None, 2_000, "b"), None, 2)?;
        // A hit before its message: counted when the message arrives.
        tx.put_hit(&hit("msg00000003", 0))?;
        tx.put_hit(&hit("msg00000001", 0))?;
        tx.put_hit(&hit("msg00000001", 1))?;
        tx.put_hit(&hit("msg00000001", 1))?; // the same hit again is stored once
        tx.put_hit(&hit("msg00000002", 0))?;
        Ok(())
    })
    .unwrap();
    let read = |c: &ConversationKey| db.read(|r| r.conversation_hits(c)).unwrap();
    assert_eq!(read(&conv), counts(3, 2));
    assert_eq!(read(&room), counts(0, 0));

    db.write(|tx| {
        tx.put_message(
            &text_message(3, "lisi", "zhangsan", Some("wrRoom"), 3_000, "c"),
            None,
            3,
        )?;
        Ok(())
    })
    .unwrap();
    assert_eq!(read(&room), counts(1, 1));
    // Every hit carries its message's time, the early one since its message arrived.
    let times: Vec<(String, Option<i64>)> = db
        .read(|r| {
            Ok(r.sql()
                .prepare("SELECT msgid, msgtime FROM hits ORDER BY msgid, span_start")?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?)
        })
        .unwrap();
    let at = |m: &str, t: i64| (m.to_owned(), Some(t));
    assert_eq!(
        times,
        [
            at("msg00000001", 1_000),
            at("msg00000001", 1_000),
            at("msg00000002", 2_000),
            at("msg00000003", 3_000)
        ]
    );

    // A re-scan replaces a message's hits; a purge removes the message and its hits.
    db.write(|tx| tx.replace_hits(&MsgId("msg00000001".into()), &[hit("msg00000001", 5)]))
        .unwrap();
    assert_eq!(read(&conv), counts(2, 2));
    db.write(|tx| tx.replace_hits(&MsgId("msg00000002".into()), &[]))
        .unwrap();
    assert_eq!(read(&conv), counts(1, 1));
    db.write(|tx| tx.delete_message(&MsgId("msg00000001".into())))
        .unwrap();
    assert_eq!(read(&conv), counts(0, 0));
    db.write(|tx| tx.delete_message(&MsgId("msg00000003".into())))
        .unwrap();
    assert_eq!(read(&room), counts(0, 0));
}

#[test]
fn participant_stats_count_both_sides_and_group_members() {
    let (_tmp, vault) = new_vault();
    let db = vault.db();
    db.write(|tx| {
        tx.put_message(&text_message(1, "zhangsan", "wmCust1", None, 1_000, "a"), None, 1)?;
        tx.put_message(&text_message(2, "zhangsan", "lisi", None, 4_000, "b"), None, 2)?;
        tx.put_hit(&hit("msg00000001", 0))?;
        tx.put_hit(&hit("msg00000001", 1))?;
        Ok(())
    })
    .unwrap();
    let stats = db.read(|r| r.participant_stats()).unwrap();
    let of = |id: &str| {
        stats
            .iter()
            .find(|s| s.userid == UserId(id.into()))
            .unwrap_or_else(|| panic!("{id} has stats"))
            .clone()
    };
    let z = of("zhangsan");
    assert_eq!((z.conversations, z.conversations_with_hits), (2, 1));
    assert_eq!(z.hits, counts(2, 1));
    assert_eq!(z.last_time, Some(4_000));
    let c = of("wmCust1");
    assert_eq!(
        (c.conversations, c.conversations_with_hits, c.last_time),
        (1, 1, Some(1_000))
    );
    let l = of("lisi");
    assert_eq!((l.conversations, l.conversations_with_hits), (1, 0));
    assert_eq!(stats.len(), 3);
}
