//! The encrypted tantivy directory, used the way tantivy uses it, and tampered with.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use dossier_vault::{EncryptedDirectory, integrity_from_io};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::{Directory, TerminatingWrite};
use tantivy::query::TermQuery;
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TEXT};
use tantivy::{Index, IndexWriter, ReloadPolicy, Term, doc};

use crate::common::{flip, new_vault, pass};

struct Fields {
    id: Field,
    tag: Field,
    body: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_u64_field("id", INDEXED | STORED | FAST);
    let tag = b.add_text_field("tag", STRING | STORED);
    let body = b.add_text_field("body", TEXT);
    (b.build(), Fields { id, tag, body })
}

fn count(index: &Index, f: &Fields, tag: &str) -> usize {
    let reader = index.reader().unwrap();
    let q = TermQuery::new(Term::from_field_text(f.tag, tag), IndexRecordOption::Basic);
    reader.searcher().search(&q, &Count).unwrap()
}

fn add_batch(w: &mut IndexWriter, f: &Fields, start: u64, n: u64) {
    for i in start..start + n {
        let tag = format!("t{}", i % 7);
        w.add_document(doc!(f.id => i, f.tag => tag, f.body => format!("message number {i} about insurance and payments")))
            .unwrap();
    }
}

#[test]
fn index_commit_merge_reopen_search_with_a_concurrent_reader() {
    let (_tmp, vault) = new_vault();
    let (schema, f) = schema();
    let dir = vault.index_directory();
    let index = Index::create(dir.clone(), schema.clone(), Default::default()).unwrap();
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();

    // A reader searching in a loop while the writer commits.
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let bg = {
        let stop = stop.clone();
        let reader = reader.clone();
        let body = f.body;
        std::thread::spawn(move || {
            let mut searches = 0;
            let mut last = 0;
            while !stop.load(Ordering::Relaxed) {
                reader.reload().unwrap();
                let q = TermQuery::new(
                    Term::from_field_text(body, "insurance"),
                    IndexRecordOption::WithFreqsAndPositions,
                );
                let n = reader.searcher().search(&q, &Count).unwrap();
                assert!(n >= last, "a reader never sees fewer documents after a commit");
                last = n;
                searches += 1;
            }
            searches
        })
    };

    let mut total = 0;
    for round in 0..5u64 {
        add_batch(&mut writer, &f, round * 3000, 3000);
        writer.commit().unwrap();
        total += 3000;
    }
    let segments = index.searchable_segment_ids().unwrap();
    assert!(segments.len() >= 2, "{segments:?}");
    writer.merge(&segments).wait().unwrap();
    writer.commit().unwrap();
    writer.garbage_collect_files().wait().unwrap();
    writer.wait_merging_threads().unwrap();
    stop.store(true, Ordering::Relaxed);
    assert!(bg.join().unwrap() > 0);

    let index = Index::open(dir.clone()).unwrap();
    assert_eq!(index.searchable_segment_ids().unwrap().len(), 1);
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    assert_eq!(searcher.num_docs(), total);
    assert_eq!(count(&index, &f, "t3"), (0..total).filter(|i| i % 7 == 3).count());
    let q = TermQuery::new(Term::from_field_u64(f.id, 12345), IndexRecordOption::Basic);
    let top = searcher
        .search(&q, &TopDocs::with_limit(3).order_by_score())
        .unwrap();
    assert_eq!(top.len(), 1);
    let d: tantivy::TantivyDocument = searcher.doc(top[0].1).unwrap();
    assert_eq!(
        d.get_first(f.id).and_then(|v| tantivy::schema::Value::as_u64(&v)),
        Some(12345)
    );

    // Reopen through lock / unlock.
    let profile = vault.lock();
    drop((reader, searcher, index));
    let vault = profile.unlock(pass("correct horse")).unwrap();
    let index = Index::open(vault.index_directory()).unwrap();
    assert_eq!(index.reader().unwrap().searcher().num_docs(), total);
    drop(dir);
}

#[test]
fn commit_payload_carries_the_feed_seq() {
    let (_tmp, vault) = new_vault();
    let (schema, f) = schema();
    let index = Index::create(vault.index_directory(), schema, Default::default()).unwrap();
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
    add_batch(&mut writer, &f, 0, 10);
    let mut prepared = writer.prepare_commit().unwrap();
    prepared.set_payload("42");
    prepared.commit().unwrap();
    let index = Index::open(vault.index_directory()).unwrap();
    assert_eq!(index.load_metas().unwrap().payload.as_deref(), Some("42"));
}

fn write_file(dir: &EncryptedDirectory, name: &str, data: &[u8]) {
    let mut w = dir.open_write(Path::new(name)).unwrap();
    w.write_all(data).unwrap();
    w.terminate().unwrap();
}

fn integrity_file(e: &std::io::Error) -> String {
    integrity_from_io(e)
        .map(|i| i.file.display().to_string())
        .unwrap_or_default()
}

#[test]
fn random_reads_and_write_once() {
    let (_tmp, vault) = new_vault();
    let dir = vault.index_directory();
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    write_file(&dir, "seg.idx", &data);
    assert!(
        dir.open_write(Path::new("seg.idx")).is_err(),
        "files are write-once"
    );
    let h = dir.get_file_handle(Path::new("seg.idx")).unwrap();
    assert_eq!(h.len(), data.len());
    for (s, e) in [
        (0, 0),
        (0, 1),
        (16383, 16385),
        (5, 50_000),
        (99_000, 100_000),
        (0, 100_000),
    ] {
        assert_eq!(h.read_bytes(s..e).unwrap().as_slice(), &data[s..e], "{s}..{e}");
    }
    write_file(&dir, "empty", b"");
    assert_eq!(dir.get_file_handle(Path::new("empty")).unwrap().len(), 0);
    dir.atomic_write(Path::new("meta.json"), b"{\"a\":1}").unwrap();
    dir.atomic_write(Path::new("meta.json"), b"{\"a\":2}").unwrap();
    assert_eq!(dir.atomic_read(Path::new("meta.json")).unwrap(), b"{\"a\":2}");
    dir.delete(Path::new("seg.idx")).unwrap();
    assert!(!dir.exists(Path::new("seg.idx")).unwrap());
}

#[test]
fn tampering_is_an_integrity_error_naming_the_file() {
    let (_tmp, vault) = new_vault();
    let dir = vault.index_directory();
    let root = dir.root().to_owned();
    let data = vec![0xABu8; 3 * 16384 + 100];
    let stride = 16384 + 16;
    let header = 40;

    // A flipped byte.
    write_file(&dir, "a.pos", &data);
    flip(&root.join("a.pos"), header + stride + 10);
    dir.clear_cache();
    let h = dir.get_file_handle(Path::new("a.pos")).unwrap();
    assert!(h.read_bytes(0..10).is_ok(), "untouched chunks still read");
    let err = h.read_bytes(16384..16400).unwrap_err();
    assert!(integrity_file(&err).ends_with("a.pos"), "{err}");
    assert!(err.to_string().contains("a.pos"), "{err}");

    // Truncated at a chunk boundary, and in the middle of a chunk.
    write_file(&dir, "b.idx", &data);
    let bytes = std::fs::read(root.join("b.idx")).unwrap();
    std::fs::write(root.join("b.idx"), &bytes[..header + 2 * stride]).unwrap();
    let err = dir.get_file_handle(Path::new("b.idx")).unwrap_err();
    assert!(err.to_string().contains("b.idx"), "{err}");
    std::fs::write(root.join("b.idx"), &bytes[..bytes.len() - 5]).unwrap();
    assert!(dir.get_file_handle(Path::new("b.idx")).is_err());

    // Two chunks swapped.
    write_file(&dir, "c.store", &data);
    let mut bytes = std::fs::read(root.join("c.store")).unwrap();
    let (first, second) = bytes[header..header + 2 * stride].split_at_mut(stride);
    first.swap_with_slice(second);
    std::fs::write(root.join("c.store"), &bytes).unwrap();
    let h = dir.get_file_handle(Path::new("c.store")).unwrap();
    let err = h.read_bytes(0..100).unwrap_err();
    assert!(integrity_file(&err).ends_with("c.store"), "{err}");

    // A whole file put in another's place.
    write_file(&dir, "d.term", b"one file");
    write_file(&dir, "e.term", b"another");
    std::fs::copy(root.join("d.term"), root.join("e.term")).unwrap();
    assert!(dir.get_file_handle(Path::new("e.term")).is_err());

    // meta.json edited: the index does not open, and the error names the file.
    let (schema, _) = schema();
    Index::create(dir.clone(), schema, Default::default()).unwrap();
    flip(&root.join("meta.json"), 60);
    let err = Index::open(dir.clone()).unwrap_err();
    assert!(format!("{err:?}").contains("meta.json"), "{err:?}");
}

#[test]
fn another_profiles_key_cannot_read_the_index() {
    let (_t1, v1) = new_vault();
    let (_t2, v2) = new_vault();
    write_file(&v1.index_directory(), "x.idx", b"secret bytes");
    std::fs::copy(
        v1.index_directory().root().join("x.idx"),
        v2.index_directory().root().join("x.idx"),
    )
    .unwrap();
    assert!(v2.index_directory().get_file_handle(Path::new("x.idx")).is_err());
}
