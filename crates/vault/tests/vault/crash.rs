//! Crashes: a copy of the profile taken mid-write (what power loss leaves), and a writer process
//! killed at random points. Either way the profile opens, and what was committed is there.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use dossier_vault::{Profile, Queries};
use tantivy::schema::{FAST, INDEXED, STORED, Schema, TEXT};
use tantivy::{Index, IndexWriter, doc};

use crate::common::{fast, pass, text_message, walk};

const CHILD_ENV: &str = "DOSSIER_VAULT_CRASH_CHILD_DIR";

fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_u64_field("id", INDEXED | STORED | FAST);
    b.add_text_field("body", TEXT);
    b.build()
}

/// Writes batches forever: messages + cursor in one transaction, then an index commit whose
/// payload is the same cursor. Run as a child process by `killed_writer_*`.
#[test]
#[ignore = "run as a child process by killed_writer_leaves_an_openable_profile"]
fn child_writer() {
    let Ok(dir) = std::env::var(CHILD_ENV) else { return };
    let dir = Path::new(&dir);
    let vault = if Profile::exists(dir) {
        Profile::open(dir).unwrap().unlock(pass("pw")).unwrap()
    } else {
        Profile::create(dir, pass("pw"), &fast()).unwrap()
    };
    let schema = schema();
    let id = schema.get_field("id").unwrap();
    let body = schema.get_field("body").unwrap();
    let index = Index::open_or_create(vault.index_directory(), schema).unwrap();
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
    let mut seq = vault.db().read(|r| r.cursor()).unwrap();
    // Catch the index up with what the database has (what sync does after a crash).
    let indexed: i64 = index
        .load_metas()
        .unwrap()
        .payload
        .map(|p| p.parse().unwrap())
        .unwrap_or(0);
    if indexed < seq {
        let rows = vault
            .db()
            .read(|r| {
                let ids: Vec<i64> = (indexed + 1..=seq)
                    .filter_map(|s| r.message(&format!("msg{s:08}")).unwrap().map(|m| m.id))
                    .collect();
                Ok(ids)
            })
            .unwrap();
        for rid in rows {
            writer
                .add_document(doc!(id => rid as u64, body => "崩溃 crash"))
                .unwrap();
        }
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload(&seq.to_string());
        prepared.commit().unwrap();
    }
    while seq < 2_000_000 {
        let start = seq;
        vault
            .db()
            .write(|tx| {
                for _ in 0..200 {
                    seq += 1;
                    let m = text_message(seq as u64, "emp", "wmCust", None, seq, "崩溃测试消息 crash test");
                    let put = tx.put_message(&m, None, seq)?;
                    writer
                        .add_document(doc!(id => put.id() as u64, body => "崩溃 crash"))
                        .unwrap();
                }
                tx.set_cursor(seq)
            })
            .unwrap();
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload(&seq.to_string());
        prepared.commit().unwrap();
        assert!(seq > start);
        if (seq / 200) % 5 == 0 {
            media_write(&vault, seq);
        }
    }
}

fn media_write(vault: &dossier_vault::Vault, seq: i64) {
    vault
        .store_media(&format!("sdk-{seq}"), &vec![7u8; 100_000])
        .unwrap();
}

fn check_opens(dir: &Path) -> (i64, Option<String>) {
    let vault = Profile::open(dir).unwrap().unlock(pass("pw")).unwrap();
    vault.db().verify().unwrap();
    let (cursor, count) = vault
        .db()
        .read(|r| Ok((r.cursor()?, r.message_count()?)))
        .unwrap();
    assert_eq!(cursor, count, "cursor and rows commit together");
    let index = Index::open(vault.index_directory()).unwrap();
    let payload = index.load_metas().unwrap().payload;
    let searcher = index.reader().unwrap().searcher();
    if let Some(p) = &payload {
        let indexed: i64 = p.parse().unwrap();
        assert!(indexed <= cursor, "the index never runs ahead of the database");
        assert_eq!(searcher.num_docs() as i64, indexed);
    }
    // Every readable segment file authenticates end to end.
    for seg in searcher.segment_readers() {
        let _ = seg.num_docs();
    }
    (cursor, payload)
}

#[test]
fn killed_writer_leaves_an_openable_profile() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let exe = std::env::current_exe().unwrap();
    let mut last_cursor = 0;
    for (round, delay_ms) in [700u64, 350, 900, 500].into_iter().enumerate() {
        let mut child = Command::new(&exe)
            .args([
                "crash::child_writer",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms + 200 * round as u64));
        child.kill().unwrap();
        child.wait().unwrap();
        if !Profile::exists(&dir) {
            continue;
        }
        let (cursor, _) = check_opens(&dir);
        assert!(cursor >= last_cursor, "committed data never goes away");
        last_cursor = cursor;
    }
    assert!(last_cursor > 0, "the writer got some work done");
}

#[test]
fn a_copy_taken_mid_write_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let vault = Profile::create(&dir, pass("pw"), &fast()).unwrap();
    let schema = schema();
    let body = schema.get_field("body").unwrap();
    let index = Index::create(vault.index_directory(), schema, Default::default()).unwrap();
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
    vault
        .db()
        .write(|tx| {
            for i in 1..=100 {
                tx.put_message(
                    &text_message(i, "a", "wmB", None, i as i64, "已提交"),
                    None,
                    i as i64,
                )?;
            }
            tx.set_cursor(100)
        })
        .unwrap();
    for _ in 0..100 {
        writer.add_document(doc!(body => "committed")).unwrap();
    }
    let mut p = writer.prepare_commit().unwrap();
    p.set_payload("100");
    p.commit().unwrap();
    // Uncommitted work in flight.
    for _ in 0..5000 {
        writer.add_document(doc!(body => "in flight")).unwrap();
    }
    // Power loss now: copy every file as it is.
    let copy = tmp.path().join("copy");
    for f in walk(&dir) {
        let rel = f.strip_prefix(&dir).unwrap();
        let to = copy.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        match std::fs::copy(&f, &to) {
            Ok(_) => {}
            // The writer's threads deleted it between listing and copying: at the moment of the
            // power loss it was gone, so the snapshot rightly lacks it.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("{}: {e}", f.display()),
        }
    }
    drop(writer);
    drop(vault);
    let (cursor, payload) = check_opens(&copy);
    assert_eq!(cursor, 100);
    assert_eq!(payload.as_deref(), Some("100"));
}
