//! Database: typed writes and reads, idempotence, paging, tampering.

use dossier_model::{
    Annotation, AnnotationTarget, AuditAction, AuditRecord, ConversationKey, Hit, HitKind, MsgId, RoomId,
    Severity, UserId, Verdict,
};
use dossier_vault::{Anchor, Direction, Error, Put, Queries};

use crate::common::{flip, new_vault, pass, text_message};

#[test]
fn messages_conversations_and_pages() {
    let (_tmp, vault) = new_vault();
    let db = vault.db();
    db.write(|tx| {
        for i in 0..120u64 {
            let (from, to) = if i % 2 == 0 {
                ("zhangsan", "wmCust1")
            } else {
                ("wmCust1", "zhangsan")
            };
            tx.put_message(
                &text_message(i, from, to, None, 1_000 + (i as i64 / 2), &format!("第{i}条")),
                None,
                i as i64,
            )?;
        }
        tx.put_message(
            &text_message(500, "lisi", "zhangsan", Some("wrRoom"), 5_000, "群消息"),
            None,
            500,
        )?;
        tx.set_cursor(500)
    })
    .unwrap();
    // Idempotent: the same msgid again changes nothing.
    let again = db
        .write(|tx| {
            tx.put_message(
                &text_message(3, "wmCust1", "zhangsan", None, 1_001, "第3条"),
                None,
                999,
            )
        })
        .unwrap();
    assert!(matches!(again, Put::Existing(_)));

    let conv = ConversationKey::single("zhangsan".into(), "wmCust1".into());
    db.read(|r| {
        let c = r.conversation(&conv)?.unwrap();
        assert_eq!(c.messages, 120);
        assert_eq!((c.first_time, c.last_time), (1_000, 1_059));
        let newest = r.conversation_page(&conv, None, Direction::Before, 50)?;
        assert_eq!(newest.len(), 50);
        assert_eq!(newest[0].message.msgid.0, "msg00000119");
        let last = newest.last().unwrap();
        let older = r.conversation_page(
            &conv,
            Some(Anchor {
                msgtime: last.message.msgtime,
                id: last.id,
            }),
            Direction::Before,
            50,
        )?;
        assert_eq!(older[0].message.msgid.0, "msg00000069");
        let oldest = r.conversation_page(&conv, None, Direction::After, 10)?;
        assert_eq!(oldest[0].message.msgid.0, "msg00000000");
        assert_eq!(oldest[0].text, "第0条");
        let ids: Vec<i64> = oldest.iter().map(|m| m.id).rev().collect();
        let by_id = r.messages_by_ids(&ids)?;
        assert_eq!(by_id.len(), 10);
        assert_eq!(by_id[0].id, ids[0]);
        let convs = r.conversations_of(&UserId("zhangsan".into()))?;
        assert_eq!(convs.len(), 1, "group membership unknown until the group arrives");
        Ok(())
    })
    .unwrap();

    db.write(|tx| {
        tx.put_group(&dossier_model::Group {
            roomid: RoomId("wrRoom".into()),
            kind: dossier_model::GroupKind::Internal,
            name: "销售一组".into(),
            owner: UserId("lisi".into()),
            create_time: 0,
            notice: String::new(),
            members: vec![dossier_model::GroupMember {
                userid: UserId("zhangsan".into()),
                external: false,
                join_time: 0,
                join_scene: None,
                invitor: None,
                group_nickname: None,
                name: None,
            }],
            admins: vec![],
            dismissed_at: None,
        })
    })
    .unwrap();
    let convs = db
        .read(|r| r.conversations_of(&UserId("zhangsan".into())))
        .unwrap();
    assert_eq!(convs.len(), 2);
    assert_eq!(convs[0].key, ConversationKey::Group(RoomId("wrRoom".into())));

    // Delete keeps counts right.
    let removed = db
        .write(|tx| tx.delete_message(&MsgId("msg00000000".into())))
        .unwrap();
    assert!(removed.is_some());
    assert_eq!(db.read(|r| r.conversation(&conv)).unwrap().unwrap().messages, 119);
}

#[test]
fn review_and_local_state() {
    let (_tmp, vault) = new_vault();
    let db = vault.db();
    let msgid = MsgId("m1".into());
    let hit = Hit {
        msgid: msgid.clone(),
        rule: "保本承诺".into(),
        kind: HitKind::Word,
        word: Some("保本".into()),
        start: 3,
        end: 5,
        severity: Severity::High,
    };
    let mut ann = Annotation {
        id: "a1".into(),
        target: AnnotationTarget::Message {
            msgid: msgid.clone(),
            span: Some((3, 5)),
        },
        author: "reviewer".into(),
        comment: "确认违规".into(),
        tags: vec!["保本".into()],
        verdict: Some(Verdict::ConfirmedViolation),
        version: 2,
        updated_at: 10,
        deleted: false,
    };
    db.write(|tx| {
        tx.put_hit(&hit)?;
        tx.put_hit(&hit)?;
        tx.put_annotation(&ann)?;
        let mut stale = ann.clone();
        stale.version = 1;
        stale.comment = "old".into();
        tx.put_annotation(&stale)?;
        tx.put_local_annotation(&ann, 2)?;
        tx.push_outbox("annotation", r#"{"id":"a1"}"#)?;
        tx.push_audit(&AuditRecord {
            at: 1,
            actor: "reviewer".into(),
            action: AuditAction::Search {
                query: "保本".into()
            },
        })?;
        tx.set_read_mark(
            &ConversationKey::Group(RoomId("r".into())),
            Anchor { msgtime: 5, id: 7 },
        )?;
        tx.set_setting("theme", "dark")
    })
    .unwrap();
    ann.version = 2;
    db.read(|r| {
        assert_eq!(r.hits_for(&msgid)?, vec![hit.clone()]);
        assert_eq!(r.annotations_for_message(&msgid)?, vec![ann.clone()]);
        assert_eq!(r.local_annotations()?.len(), 1);
        let out = r.outbox(10)?;
        assert_eq!(out.len(), 1);
        let audit = r.audit_queue(10)?;
        assert!(matches!(&audit[0].1.action, AuditAction::Search { query } if query == "保本"));
        assert_eq!(
            r.read_mark(&ConversationKey::Group(RoomId("r".into())))?,
            Some(Anchor { msgtime: 5, id: 7 })
        );
        Ok(())
    })
    .unwrap();
    db.write(|tx| {
        let out = tx.outbox(10)?;
        tx.remove_outbox(out[0].id)?;
        let audit = tx.audit_queue(10)?;
        tx.remove_audit(&[audit[0].0])
    })
    .unwrap();
    db.read(|r| {
        assert!(r.outbox(10)?.is_empty());
        assert!(r.audit_queue(10)?.is_empty());
        Ok(())
    })
    .unwrap();
}

#[test]
fn a_failed_transaction_leaves_nothing() {
    let (_tmp, vault) = new_vault();
    let err = vault
        .db()
        .write(|tx| {
            tx.set_cursor(77)?;
            tx.put_message(&text_message(1, "a", "b", None, 1, "x"), None, 77)?;
            Err::<(), _>(dossier_vault::UserError::Invalid("stop".into()).into())
        })
        .unwrap_err();
    assert!(err.is_user_error());
    vault
        .db()
        .read(|r| {
            assert_eq!(r.cursor()?, 0);
            assert_eq!(r.message_count()?, 0);
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_long_write_sees_another_thread_waiting_to_write() {
    let (_tmp, vault) = new_vault();
    let db = vault.db();
    assert!(!db.writer_wanted());
    std::thread::scope(|s| {
        db.write(|tx| {
            tx.set_cursor(1)?;
            let waiter = s.spawn(|| db.write(|tx| tx.set_cursor(2)));
            // The other write blocks on this one; it shows as wanted until this one commits.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while !db.writer_wanted() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the waiting writer never showed"
                );
                std::thread::yield_now();
            }
            assert!(!waiter.is_finished());
            Ok(waiter)
        })
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    });
    assert!(!db.writer_wanted());
    assert_eq!(db.read(|r| r.cursor()).unwrap(), 2);
}

#[test]
fn a_passive_checkpoint_copies_committed_pages_while_a_write_is_open() {
    let (_tmp, vault) = new_vault();
    let db = vault.db();
    db.write(|tx| {
        for i in 0..200u64 {
            tx.put_message(&text_message(i, "a", "wmB", None, i as i64, "检查点"), None, 1)?;
        }
        tx.set_cursor(1)
    })
    .unwrap();
    let file = db.path().to_owned();
    let before = std::fs::metadata(&file).unwrap().len();
    db.write(|tx| {
        tx.set_cursor(2)?;
        // Run from a writing thread's point of view: the checkpoint does not wait for this write.
        let frames = db.checkpoint_passive()?;
        assert!(frames > 0, "the committed rows are in the WAL");
        Ok(())
    })
    .unwrap();
    assert!(
        std::fs::metadata(&file).unwrap().len() > before,
        "the rows reached the database file"
    );
    assert_eq!(db.read(|r| r.cursor()).unwrap(), 2);
}

#[test]
fn a_tampered_page_is_an_integrity_error_naming_the_database() {
    let (_tmp, vault) = new_vault();
    vault
        .db()
        .write(|tx| {
            for i in 0..2000u64 {
                tx.put_message(
                    &text_message(i, "a", "wmB", None, i as i64, "这是一条用于填充数据库页面的消息"),
                    None,
                    1,
                )?;
            }
            Ok(())
        })
        .unwrap();
    vault.db().checkpoint().unwrap();
    let db_path = vault.dir().join("db").join("cache.db");
    let profile = vault.lock();
    let len = std::fs::metadata(&db_path).unwrap().len() as usize;
    assert!(len > 8 * dossier_vault::PAGE_SIZE as usize);
    // A page in the middle of the file.
    flip(&db_path, 5 * dossier_vault::PAGE_SIZE as usize + 1234);
    // Whatever the page holds (table or index), reading it fails: the full check reads every page.
    let vault = profile.unlock(pass("correct horse")).unwrap();
    let err = vault.db().verify().unwrap_err();
    assert!(matches!(err, Error::Integrity(_)), "{err}");
    assert!(err.to_string().contains("cache.db"), "{err}");
    drop(vault);

    // Page 1 damaged: the key checks out against profile.json, so this is integrity, not a wrong key.
    flip(&db_path, 5 * dossier_vault::PAGE_SIZE as usize + 1234);
    flip(&db_path, 100);
    let err = profile.unlock(pass("correct horse")).unwrap_err();
    assert!(matches!(err, Error::Integrity(_)), "{err}");
    assert!(err.to_string().contains("cache.db"), "{err}");
}
