//! The evidence (raw records) kept in compressed chunks: every record reads back exactly, a
//! deleted message's record is gone from its chunk, and a broken chunk is an integrity error.

use std::collections::BTreeMap;

use dossier_model::MsgId;
use dossier_vault::{Error, Put, Queries, RawChunker, Tx, Vault};

use crate::common::{new_vault, text_message};

/// A record shaped like a WeCom one (keys repeat, as in the archive).
fn raw(i: u64) -> String {
    format!(
        r#"{{"msgid":"msg{i:08}","action":"send","from":"zhangsan","tolist":["wmCust{}"],"roomid":"","msgtime":{},"msgtype":"text","text":{{"content":"第{i}条：您好，这款理财产品的年化收益率是多少？"}}}}"#,
        i % 7,
        1_700_000_000_000u64 + i
    )
}

fn put(tx: &Tx<'_>, i: u64) -> dossier_vault::Result<()> {
    let m = text_message(i, "zhangsan", &format!("wmCust{}", i % 7), None, i as i64, "您好");
    tx.put_message(&m, Some(&raw(i)), i as i64)?;
    Ok(())
}

fn delete(tx: &Tx<'_>, i: u64) -> dossier_vault::Result<()> {
    tx.delete_message(&MsgId(format!("msg{i:08}")))?;
    Ok(())
}

/// Every kept record by msgid number, read in bulk, checked against reading them one by one.
fn kept(vault: &Vault) -> BTreeMap<u64, String> {
    vault
        .db()
        .read(|r| {
            let mut by_row = BTreeMap::new();
            r.each_raw_message(&mut |id, raw| {
                assert!(by_row.insert(id, raw.to_owned()).is_none(), "row {id} twice");
                Ok(())
            })?;
            let mut out = BTreeMap::new();
            let mut stmt = r.sql().prepare("SELECT id, msgid FROM messages")?;
            for row in stmt.query_map([], |x| Ok((x.get::<_, i64>(0)?, x.get::<_, String>(1)?)))? {
                let (id, msgid) = row?;
                let raw = by_row
                    .remove(&id)
                    .unwrap_or_else(|| panic!("{msgid} has no record"));
                assert_eq!(r.raw_message(&msgid)?.as_deref(), Some(raw.as_str()));
                out.insert(msgid[3..].parse().unwrap(), raw);
            }
            assert!(
                by_row.is_empty(),
                "records of deleted rows remain: {:?}",
                by_row.keys()
            );
            Ok(out)
        })
        .unwrap()
}

fn chunks(vault: &Vault) -> (i64, i64) {
    vault
        .db()
        .read(|r| {
            Ok(r.sql()
                .query_row("SELECT count(*), sum(length(data)) FROM raw_chunks", [], |x| {
                    Ok((x.get(0)?, x.get(1)?))
                })?)
        })
        .unwrap()
}

#[test]
fn records_read_back_exactly_and_are_stored_compressed() {
    let (_tmp, vault) = new_vault();
    vault
        .db()
        .write(|tx| {
            for i in 0..1000 {
                put(tx, i)?;
            }
            // Readable inside the transaction that wrote them, before it commits.
            assert_eq!(tx.raw_message("msg00000999")?, Some(raw(999)));
            Ok(())
        })
        .unwrap();
    let want: BTreeMap<u64, String> = (0..1000).map(|i| (i, raw(i))).collect();
    assert_eq!(kept(&vault), want);
    let (count, bytes) = chunks(&vault);
    let plain: usize = want.values().map(String::len).sum();
    // 64 records a chunk: 15 full ones and the rest.
    assert_eq!(count, 16);
    assert!(bytes * 3 < plain as i64, "{bytes} bytes stored for {plain}");
    assert_eq!(vault.db().read(|r| r.raw_message("msg99999999")).unwrap(), None);
}

#[test]
fn a_deleted_message_takes_its_record_out_of_its_chunk() {
    let (_tmp, vault) = new_vault();
    let db = vault.db();
    db.write(|tx| (0..300).try_for_each(|i| put(tx, i))).unwrap();
    db.write(|tx| {
        // Stored chunks: one record of a chunk, a whole chunk, and the newest row.
        delete(tx, 5)?;
        (64..128).try_for_each(|i| delete(tx, i))?;
        delete(tx, 299)?;
        // New rows reuse the newest row's id; records still pending leave with their row.
        (300..400).try_for_each(|i| put(tx, i))?;
        delete(tx, 399)?;
        delete(tx, 350)?;
        Ok(())
    })
    .unwrap();
    // Deleting after the commit reaches the chunks written by that transaction.
    db.write(|tx| delete(tx, 300)).unwrap();
    let gone = |i: &u64| [5, 299, 300, 350, 399].contains(i) || (64..128).contains(i);
    let want: BTreeMap<u64, String> = (0..400).filter(|i| !gone(i)).map(|i| (i, raw(i))).collect();
    assert_eq!(kept(&vault), want);
    // Ranges stay apart: each chunk spans only ids it holds.
    let overlaps: i64 = db
        .read(|r| {
            Ok(r.sql().query_row(
                "SELECT count(*) FROM raw_chunks a JOIN raw_chunks b ON a.first < b.first AND a.last >= b.first",
                [],
                |x| x.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(overlaps, 0);
}

#[test]
fn records_compressed_before_their_rows_exist_read_back_and_leave_with_them() {
    let (_tmp, vault) = new_vault();
    let mut chunker = RawChunker::new().unwrap();
    let runs: Vec<Vec<u64>> = vec![(0..64).collect(), (64..100).collect()];
    let alone = |tx: &Tx<'_>, i: u64| -> dossier_vault::Result<()> {
        let m = text_message(i, "zhangsan", "wmCust1", None, i as i64, "您好");
        let id = tx.put_message(&m, None, i as i64)?.id();
        tx.put_raw(id, &raw(i))
    };
    vault
        .db()
        .write(|tx| {
            // Records kept one by one before and after the runs (a run with a message stored
            // before falls back to that).
            alone(tx, 200)?;
            for run in &runs {
                let records: Vec<String> = run.iter().map(|&i| raw(i)).collect();
                let chunk = chunker.seal(records.iter().map(String::as_str))?;
                assert_eq!(chunk.len(), run.len());
                let mut first = None;
                for &i in run {
                    let m = text_message(i, "zhangsan", "wmCust1", None, i as i64, "您好");
                    let Put::Inserted(id) = tx.put_message(&m, None, i as i64)? else {
                        panic!("new message");
                    };
                    first.get_or_insert(id);
                }
                tx.put_raw_chunk(first.unwrap(), chunk)?;
            }
            alone(tx, 201)
        })
        .unwrap();
    assert_eq!(chunks(&vault).0, 4);
    let mut want: BTreeMap<u64, String> = (0..100).chain([200, 201]).map(|i| (i, raw(i))).collect();
    assert_eq!(kept(&vault), want);
    // Deleting from such a chunk rewrites it with the ids it still holds.
    vault
        .db()
        .write(|tx| [0, 31, 63, 64].iter().try_for_each(|&i| delete(tx, i)))
        .unwrap();
    want.retain(|i, _| ![0, 31, 63, 64].contains(i));
    assert_eq!(kept(&vault), want);
}

#[test]
fn a_chunk_that_does_not_decode_is_an_integrity_error() {
    let (_tmp, vault) = new_vault();
    vault
        .db()
        .write(|tx| (0..10).try_for_each(|i| put(tx, i)))
        .unwrap();
    // Stored data the vault did not write (SQLCipher authenticates pages; this is the layer above).
    vault
        .db()
        .write(|tx| {
            tx.sql()
                .execute("UPDATE raw_chunks SET data = x'28b52ffd00'", [])?;
            Ok(())
        })
        .unwrap();
    let err = vault.db().read(|r| r.raw_message("msg00000003")).unwrap_err();
    assert!(matches!(err, Error::Integrity(_)), "{err}");
    assert!(err.to_string().contains("evidence chunk"), "{err}");
}
