//! Incremental indexing: commit payloads, deletes, flag updates, catching up after a crash between
//! the vault and index commits, rebuilding, and nothing readable on disk.

use dossier_model::{Hit, HitKind, MsgId, Severity};
use dossier_search::{Query, SearchIndex, catch_up, rebuild};
use dossier_vault::Queries;

use crate::common::{new_vault, store, text_message};

fn find(index: &SearchIndex, q: &str) -> Vec<i64> {
    index.matching_ids(&Query::parse(q).unwrap()).unwrap()
}

#[test]
fn batches_commit_with_their_seq_and_deletes_and_upserts_apply() {
    let (_d, vault) = new_vault();
    let index = SearchIndex::open(&vault).unwrap();
    assert_eq!(index.committed_seq().unwrap(), None);
    let a = text_message(1, "zhangsan", &["wmc"], None, 1000, "第一批 保证");
    let b = text_message(2, "zhangsan", &["wmc"], None, 2000, "第二批 保证");
    let ida = store(&vault, &index, 5, &[(a.clone(), (false, false))]);
    let idb = store(&vault, &index, 9, &[(b, (false, false))]);
    assert_eq!(index.committed_seq().unwrap(), Some(9));
    assert_eq!(find(&index, "保证").len(), 2);
    // Storing the same message again adds no document (Put::Existing).
    store(&vault, &index, 10, &[(a.clone(), (false, false))]);
    assert_eq!(find(&index, "保证").len(), 2);

    let mut w = index.writer().unwrap();
    let text = a.content.text();
    w.upsert(&dossier_search::MessageDoc {
        id: ida[0],
        message: &a,
        text: &text,
        has_violation: true,
        has_annotation: false,
    })
    .unwrap();
    w.delete(idb[0]).unwrap();
    w.commit(11).unwrap();
    assert_eq!(find(&index, "保证"), ida);
    assert_eq!(find(&index, "has:violation"), ida);
    assert_eq!(index.committed_seq().unwrap(), Some(11));
    drop(w);

    // Reopened from the encrypted directory.
    drop(index);
    let index = SearchIndex::open(&vault).unwrap();
    assert_eq!(find(&index, "保证"), ida);
    assert_eq!(index.committed_seq().unwrap(), Some(11));
}

#[test]
fn catch_up_indexes_what_the_vault_committed_after_the_payload_and_drops_purged_rows() {
    let (_d, vault) = new_vault();
    let index = SearchIndex::open(&vault).unwrap();
    store(
        &vault,
        &index,
        3,
        &[(text_message(1, "u", &["wmc"], None, 1, "已索引"), (false, false))],
    );
    // A batch reaches the vault, then the process dies before the index commit.
    vault
        .db()
        .write(|tx| {
            tx.put_message(&text_message(2, "u", &["wmc"], None, 2, "未索引一"), None, 4)?;
            tx.put_message(&text_message(3, "u", &["wmc"], None, 3, "未索引二"), None, 4)?;
            tx.set_cursor(4)
        })
        .unwrap();
    assert!(find(&index, "未索引").is_empty());
    // And a purge reached the vault but not the index.
    let purged = vault
        .db()
        .write(|tx| {
            let id = tx.delete_message(&dossier_model::MsgId("msg00000001".into()))?;
            tx.set_cursor(5)?;
            Ok(id)
        })
        .unwrap()
        .unwrap();
    assert_eq!(find(&index, "已索引"), vec![purged]);
    let mut w = index.writer().unwrap();
    let r = catch_up(&vault, &index, &mut w).unwrap();
    assert_eq!((r.messages, r.seq), (2, 5));
    assert_eq!(find(&index, "未索引").len(), 2);
    assert!(find(&index, "已索引").is_empty());
    assert_eq!(find(&index, "索引").len(), 2);
    assert_eq!(index.committed_seq().unwrap(), Some(5));
    // Current: nothing to do.
    assert_eq!(catch_up(&vault, &index, &mut w).unwrap().messages, 0);
}

#[test]
fn rebuild_reindexes_every_row_with_its_flags() {
    let (_d, vault) = new_vault();
    let index = SearchIndex::open(&vault).unwrap();
    let msgs: Vec<_> = (0..50)
        .map(|i| {
            (
                text_message(i, "u", &["wmc"], None, i as i64, &format!("重建 {i}")),
                (false, false),
            )
        })
        .collect();
    store(&vault, &index, 1, &msgs);
    vault
        .db()
        .write(|tx| {
            tx.put_hit(&Hit {
                msgid: MsgId("msg00000007".into()),
                rule: "r".into(),
                kind: HitKind::Word,
                word: Some("重建".into()),
                start: 0,
                end: 2,
                severity: Severity::Medium,
            })?;
            tx.set_cursor(2)
        })
        .unwrap();
    // A stray document the vault does not have (e.g. a lost delete) goes away too.
    let mut w = index.writer().unwrap();
    w.add(&dossier_search::MessageDoc {
        id: 9999,
        message: &msgs[0].0,
        text: "孤儿",
        has_violation: false,
        has_annotation: false,
    })
    .unwrap();
    w.commit(1).unwrap();
    drop(w);
    let r = rebuild(&vault, &index).unwrap();
    assert_eq!((r.messages, r.seq), (50, 2));
    assert_eq!(index.num_docs(), 50);
    assert!(find(&index, "孤儿").is_empty());
    assert_eq!(find(&index, "重建").len(), 50);
    let seven = vault.db().read(|r| r.message("msg00000007")).unwrap().unwrap();
    assert_eq!(find(&index, "has:violation"), vec![seven.id]);
}

#[test]
fn index_files_hold_no_readable_text_or_ids() {
    let (_d, vault) = new_vault();
    let index = SearchIndex::open(&vault).unwrap();
    let canary = "金丝雀canaryXQ7";
    store(
        &vault,
        &index,
        1,
        &[(
            text_message(1, "employeeCANARY", &["wmCANARY"], None, 1, canary),
            (false, false),
        )],
    );
    assert_eq!(find(&index, "canaryxq7").len(), 1);
    let root = vault.index_directory().root().to_owned();
    let mut stack = vec![root];
    let mut files = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            files += 1;
            let bytes = std::fs::read(&p).unwrap();
            for needle in ["金丝雀", "canary", "CANARY", "丝雀"] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{needle} in {p:?}"
                );
            }
        }
    }
    assert!(files > 3, "{files}");
}

/// Filter doc sets are cached per segment across queries: deletes, upserts (a flag turning on)
/// and new segments after commits must show in filtered queries.
#[test]
fn cached_filters_follow_deletes_upserts_and_new_segments() {
    let (_d, vault) = new_vault();
    let index = SearchIndex::open(&vault).unwrap();
    let msgs: Vec<_> = (0..6)
        .map(|i| text_message(i, "zhangsan", &["wmc"], None, 1000 + i as i64, "缓存 过滤"))
        .collect();
    let ids = store(
        &vault,
        &index,
        1,
        &msgs[..3]
            .iter()
            .map(|m| (m.clone(), (false, false)))
            .collect::<Vec<_>>(),
    );
    assert_eq!(find(&index, "employee:zhangsan 过滤"), ids);
    assert!(find(&index, "has:violation").is_empty());
    // Warm the caches, then change the segment under them.
    let mut w = index.writer().unwrap();
    w.delete(ids[0]).unwrap();
    let text = msgs[1].content.text();
    w.upsert(&dossier_search::MessageDoc {
        id: ids[1],
        message: &msgs[1],
        text: &text,
        has_violation: true,
        has_annotation: false,
    })
    .unwrap();
    w.commit(2).unwrap();
    drop(w);
    assert_eq!(find(&index, "employee:zhangsan 过滤"), ids[1..].to_vec());
    assert_eq!(find(&index, "has:violation employee:zhangsan"), vec![ids[1]]);
    assert_eq!(find(&index, "NOT has:violation 缓存"), vec![ids[2]]);
    // Another segment.
    let more = store(
        &vault,
        &index,
        3,
        &msgs[3..]
            .iter()
            .map(|m| (m.clone(), (false, false)))
            .collect::<Vec<_>>(),
    );
    let mut want = ids[1..].to_vec();
    want.extend(&more);
    assert_eq!(find(&index, "employee:zhangsan 过滤"), want);
    // A rebuild: new segments from the vault (which still has the row deleted from the index
    // and knows no hit), the old ones gone.
    rebuild(&vault, &index).unwrap();
    let mut every = ids.clone();
    every.extend(&more);
    assert_eq!(find(&index, "employee:zhangsan 过滤"), every);
    assert_eq!(find(&index, "has:violation"), Vec::<i64>::new());
}

/// The index of an older Dossier (another schema) is replaced on open and filled from the vault;
/// its files go at the first commit.
#[test]
fn an_index_of_another_schema_is_rebuilt_from_the_vault() {
    let (_d, vault) = new_vault();
    let files = |vault: &dossier_vault::Vault| -> std::collections::BTreeSet<String> {
        std::fs::read_dir(vault.dir().join("index"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && n != "meta.json")
            .collect()
    };
    {
        let mut b = tantivy::schema::Schema::builder();
        let body = b.add_text_field("body", tantivy::schema::TEXT);
        let old = tantivy::Index::create(vault.index_directory(), b.build(), Default::default()).unwrap();
        let mut w: tantivy::IndexWriter = old.writer_with_num_threads(1, 15_000_000).unwrap();
        w.add_document(tantivy::doc!(body => "旧版本的索引")).unwrap();
        let mut prepared = w.prepare_commit().unwrap();
        prepared.set_payload("7");
        prepared.commit().unwrap();
        w.wait_merging_threads().unwrap();
    }
    let old_files = files(&vault);
    assert!(!old_files.is_empty());
    let m = text_message(1, "zhangsan", &["wmc"], None, 1000, "新版本 保证收益");
    vault
        .db()
        .write(|tx| {
            tx.put_message(&m, None, 7)?;
            tx.set_cursor(7)
        })
        .unwrap();

    let index = SearchIndex::open(&vault).unwrap();
    assert_eq!(
        index.committed_seq().unwrap(),
        None,
        "an empty index in its place"
    );
    assert_eq!(index.num_docs(), 0);
    let mut w = index.writer().unwrap();
    let done = catch_up(&vault, &index, &mut w).unwrap();
    w.wait_merging_threads().unwrap();
    assert_eq!(done.messages, 1);
    assert_eq!(find(&index, "保证").len(), 1);
    assert!(
        files(&vault).is_disjoint(&old_files),
        "the old index's files are gone"
    );
}
