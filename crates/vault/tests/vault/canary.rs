//! At rest, nothing readable: canaries planted in every kind of content are written through every
//! path (rows, raw evidence, index terms and stored fields, media, thumbnails, logs, temp files),
//! then every file under the profile and the temp directory is scanned for them in UTF-8 and
//! UTF-16 (LE and BE). A control run writes the same index to a plain directory and must find them,
//! so the scan itself is known to work.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use dossier_model::{
    Action, Annotation, AnnotationTarget, AuditAction, AuditRecord, Content, ConversationKey, Employee,
    EmployeeStatus, Event, EventKind, ExternalContact, File, FollowUser, Group, GroupKind, GroupMember, Hit,
    HitKind, Message, MsgId, RoomId, Severity, UserId,
};
use dossier_vault::{Profile, Queries};
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, STORED, STRING, Schema, TEXT};
use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings, IndexWriter, Term, doc};

use crate::common::{fast, pass, text_message, walk};
use crate::media::png;

const CANARIES: &[&str] = &[
    "CanaryTextQ7Z3",
    "金丝雀明文一号",
    "测试员金丝雀",
    "CanaryContactK9",
    "客户金丝雀乙",
    "群名金丝雀丙",
    "金丝雀合同机密",
    "批注金丝雀丁",
    "CanaryQueryW4",
    "查询金丝雀戊",
    "CanaryMediaM5",
    "媒体金丝雀己",
    "命中金丝雀庚",
    "CanaryEventE1",
];

fn encodings(s: &str) -> Vec<(&'static str, Vec<u8>)> {
    let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    vec![
        ("UTF-8", s.as_bytes().to_vec()),
        ("UTF-16LE", le),
        ("UTF-16BE", be),
    ]
}

/// (file, canary, encoding) for every canary found.
fn scan(files: &[PathBuf]) -> Vec<(PathBuf, &'static str, &'static str)> {
    let needles: Vec<(&'static str, &'static str, Vec<u8>)> = CANARIES
        .iter()
        .flat_map(|c| encodings(c).into_iter().map(move |(e, b)| (*c, e, b)))
        .collect();
    let mut found = Vec::new();
    for f in files {
        let Ok(bytes) = std::fs::read(f) else { continue };
        for (canary, enc, needle) in &needles {
            if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                found.push((f.clone(), *canary, *enc));
            }
        }
    }
    found
}

fn modified_since(dir: &Path, since: SystemTime) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .map(|t| t >= since)
                .unwrap_or(false)
        })
        .collect()
}

fn write_index(index: &Index, texts: &[(u64, String)]) {
    let schema = index.schema();
    let id = schema.get_field("id").unwrap();
    let body = schema.get_field("body").unwrap();
    let raw = schema.get_field("raw").unwrap();
    let mut w: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
    for (i, t) in texts {
        w.add_document(doc!(id => *i, body => t.clone(), raw => t.clone()))
            .unwrap();
    }
    w.commit().unwrap();
}

fn index_schema() -> Schema {
    let mut b = Schema::builder();
    b.add_u64_field("id", STORED);
    b.add_text_field("body", TEXT | STORED);
    b.add_text_field("raw", STRING);
    b.build()
}

fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::None,
        ..Default::default()
    }
}

#[test]
#[allow(clippy::disallowed_methods)] // the control index is deliberately plain
fn no_canary_on_disk() {
    let started = SystemTime::now() - std::time::Duration::from_secs(1);
    let tmp = tempfile::tempdir().unwrap();
    let log_path = tmp.path().join("vault.log");
    let log_file = std::fs::File::create(&log_path).unwrap();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(std::sync::Mutex::new(log_file))
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let dir = tmp.path().join("profile");
    let vault = Profile::create(&dir, pass("pw"), &fast()).unwrap();
    let emp = UserId("emp01".into());
    let cust = UserId("wmCust01".into());
    let room = RoomId("wrRoom01".into());
    let texts = [
        format!("你好 {} 请看 {}", CANARIES[0], CANARIES[1]),
        "普通消息".to_owned(),
    ];
    let file_msg = Message {
        msgid: MsgId("file-msg".into()),
        seq: Some(99),
        action: Action::Send,
        from: emp.clone(),
        tolist: vec![cust.clone()],
        roomid: None,
        msgtime: 1_700_000_100_000,
        content: Content::File(File {
            filename: format!("{}.pdf", CANARIES[6]),
            sdkfileid: "sdk-file-1".into(),
            ..Default::default()
        }),
    };
    let mut ids = Vec::new();
    vault
        .db()
        .write(|tx| {
            for (i, t) in texts.iter().enumerate() {
                let m = text_message(i as u64, &emp.0, &cust.0, None, 1_700_000_000_000 + i as i64, t);
                let raw = serde_json::json!({"msgid": m.msgid.0, "msgtype": "text", "text": {"content": t}})
                    .to_string();
                ids.push((tx.put_message(&m, Some(&raw), 1)?.id() as u64, t.clone()));
            }
            let raw =
                serde_json::json!({"msgtype": "file", "file": {"filename": format!("{}.pdf", CANARIES[6])}})
                    .to_string();
            let put = tx.put_message(&file_msg, Some(&raw), 2)?;
            ids.push((put.id() as u64, file_msg.content.text()));
            tx.put_employee(&Employee {
                userid: emp.clone(),
                name: CANARIES[2].into(),
                department: vec![1],
                main_department: Some(1),
                position: "销售".into(),
                status: EmployeeStatus::Active,
            })?;
            tx.put_contact(&ExternalContact {
                external_userid: cust.clone(),
                name: format!("{} {}", CANARIES[3], CANARIES[4]),
                kind: 1,
                corp_name: None,
                corp_full_name: None,
                position: None,
                gender: 0,
                unionid: None,
                follow_users: vec![FollowUser {
                    userid: emp.clone(),
                    remark: CANARIES[4].into(),
                    description: String::new(),
                    createtime: 0,
                    tags: vec![],
                    oper_userid: None,
                    add_way: None,
                    state: None,
                }],
            })?;
            tx.put_group(&Group {
                roomid: room.clone(),
                kind: GroupKind::Customer,
                name: CANARIES[5].into(),
                owner: emp.clone(),
                create_time: 0,
                notice: CANARIES[5].into(),
                members: vec![GroupMember {
                    userid: cust.clone(),
                    external: true,
                    join_time: 0,
                    join_scene: None,
                    invitor: None,
                    group_nickname: Some(CANARIES[4].into()),
                    name: Some(CANARIES[4].into()),
                }],
                admins: vec![],
                dismissed_at: None,
            })?;
            tx.put_event(&Event {
                time: 1,
                kind: EventKind::Other {
                    event: CANARIES[13].into(),
                    change_type: CANARIES[13].into(),
                },
            })?;
            tx.put_hit(&Hit {
                msgid: MsgId("msg00000000".into()),
                rule: CANARIES[12].into(),
                kind: HitKind::Word,
                word: Some(CANARIES[12].into()),
                start: 0,
                end: 2,
                severity: Severity::High,
            })?;
            let ann = Annotation {
                id: "ann1".into(),
                target: AnnotationTarget::Conversation(ConversationKey::single(emp.clone(), cust.clone())),
                author: "reviewer".into(),
                comment: CANARIES[7].into(),
                tags: vec![CANARIES[7].into()],
                verdict: None,
                version: 1,
                updated_at: 1,
                deleted: false,
            };
            tx.put_annotation(&ann)?;
            tx.put_local_annotation(&ann, 1)?;
            tx.push_outbox("annotation", &serde_json::to_string(&ann)?)?;
            for q in [CANARIES[8], CANARIES[9]] {
                tx.push_audit(&AuditRecord {
                    at: 1,
                    actor: "reviewer".into(),
                    action: AuditAction::Search { query: q.into() },
                })?;
            }
            tx.set_setting("last_search", CANARIES[9])?;
            tx.set_cursor(2)
        })
        .unwrap();

    // Media: a document holding canaries, and an image carrying them after its end marker.
    let doc_bytes = format!("{} {} {}", CANARIES[10], CANARIES[11], CANARIES[1]).repeat(50);
    vault.store_media("sdk-file-1", doc_bytes.as_bytes()).unwrap();
    let mut img = png(400, 300);
    img.extend_from_slice(CANARIES[10].as_bytes());
    let row = vault.store_media("sdk-image-1", &img).unwrap();
    assert!(row.thumb.is_some(), "thumbnail path exercised");

    // Index: tokenised, raw terms and stored fields; several commits and a merge.
    let index = Index::create(vault.index_directory(), index_schema(), settings()).unwrap();
    write_index(&index, &ids);
    write_index(&index, &ids);
    {
        let mut w: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
        w.merge(&index.searchable_segment_ids().unwrap()).wait().unwrap();
        w.commit().unwrap();
        w.garbage_collect_files().wait().unwrap();
        w.wait_merging_threads().unwrap();
    }
    // Read paths too (a search for a canary, a conversation page).
    let raw = index.schema().get_field("raw").unwrap();
    let n = index
        .reader()
        .unwrap()
        .searcher()
        .search(
            &TermQuery::new(Term::from_field_text(raw, &ids[0].1), IndexRecordOption::Basic),
            &Count,
        )
        .unwrap();
    assert_eq!(n, 2);
    let page = vault
        .db()
        .read(|r| {
            r.conversation_page(
                &ConversationKey::single(emp.clone(), cust.clone()),
                None,
                dossier_vault::Direction::Before,
                50,
            )
        })
        .unwrap();
    assert!(
        page.iter().any(|m| m.text.contains(CANARIES[0])),
        "the canary really went in"
    );
    assert_eq!(&vault.load_media("sdk-file-1").unwrap()[..], doc_bytes.as_bytes());

    // Control: the same index in a plain directory shows the canaries, so the scan works.
    {
        let control = tempfile::tempdir().unwrap();
        let plain = Index::create(
            tantivy::directory::MmapDirectory::open(control.path()).unwrap(),
            index_schema(),
            settings(),
        )
        .unwrap();
        write_index(&plain, &ids);
        let found = scan(&walk(control.path()));
        assert!(
            found.iter().any(|(_, c, _)| *c == CANARIES[0]),
            "control index should contain the canary: {found:?}"
        );
        std::fs::write(
            control.path().join("utf16.txt"),
            encodings(CANARIES[9])[2].1.clone(),
        )
        .unwrap();
        assert!(
            scan(&walk(control.path()))
                .iter()
                .any(|(_, c, e)| *c == CANARIES[9] && *e == "UTF-16BE")
        );
    }

    // Scan while open (WAL, -shm, lock files), then after lock.
    let in_profile = scan(&walk(&dir));
    assert!(
        in_profile.is_empty(),
        "canaries in the open profile: {in_profile:?}"
    );
    let profile = vault.lock();
    drop(index);
    let mut files = walk(&dir);
    files.extend(modified_since(&std::env::temp_dir(), started));
    files.sort();
    files.dedup();
    assert!(files.iter().any(|f| f.ends_with("cache.db")));
    assert!(files.iter().any(|f| f == &log_path));
    let found = scan(&files);
    assert!(found.is_empty(), "canaries at rest: {found:?}");
    drop(profile);
}
