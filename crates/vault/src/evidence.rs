//! The evidence: each message's WeCom record as archived, in `raw_chunks`.
//!
//! A chunk holds the records of up to [`CHUNK_MESSAGES`] consecutive message rows, zstd-compressed
//! together: the records repeat their keys, so a chunk is several times smaller than its records,
//! and a sync writes one row per chunk instead of one per message (a separate row per record was a
//! fifth of a 1M-message sync). Reading one record decompresses its chunk (a few dozen µs).
//!
//! Chunk rows are keyed by their lowest message row id and never overlap: a transaction's new
//! rows have ids above every live row, and deleting a message takes its record out of its chunk
//! (which then shrinks to the ids it still holds), so no record outlives its message.
//!
//! Entry encoding, repeated: row id (i64 LE), length (u32 LE), the record's bytes.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

use crate::DB_FILE;
use crate::error::{Error, IntegrityError, Result};

/// Records per chunk at most.
pub(crate) const CHUNK_MESSAGES: usize = 64;
/// A chunk is closed once its records reach this size.
const CHUNK_BYTES: usize = 32 << 10;
/// zstd level: 1 is the fastest, and higher levels gain little on chunks this small.
const LEVEL: i32 = 1;

/// `codec` of a chunk that holds the record of message `first` alone, uncompressed (rows carried
/// over from schema v6).
const SINGLE: i64 = 0;
/// `codec` of a zstd-compressed list of entries.
const ZSTD_ENTRIES: i64 = 1;

/// What a write transaction did to the evidence that is not in `raw_chunks` yet.
#[derive(Default)]
pub(crate) struct Pending {
    /// Row ids of the records in `entries`, ascending.
    ids: Vec<i64>,
    entries: Vec<u8>,
    /// Ids whose record is in a stored chunk and must leave it.
    scrub: BTreeSet<i64>,
    compressor: Option<zstd::bulk::Compressor<'static>>,
}

impl Pending {
    /// Keeps the record of the new row `id`.
    pub(crate) fn push(&mut self, conn: &Connection, id: i64, raw: &str) -> Result<()> {
        if self.ids.last().is_some_and(|&last| last >= id) {
            // Row ids only grow within a transaction; a chunk's ids must ascend.
            self.flush(conn)?;
        }
        self.ids.push(id);
        encode(&mut self.entries, id, raw);
        if self.ids.len() >= CHUNK_MESSAGES || self.entries.len() >= CHUNK_BYTES {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Forgets the record of the deleted row `id`.
    pub(crate) fn remove(&mut self, id: i64) {
        if self.ids.binary_search(&id).is_ok() {
            let entries = std::mem::take(&mut self.entries);
            self.ids.retain(|&i| i != id);
            for (i, raw) in Entries(&entries) {
                if i != id {
                    encode(&mut self.entries, i, raw);
                }
            }
        } else {
            self.scrub.insert(id);
        }
    }

    /// Writes what is pending: deleted records leave their chunks first, so the new chunk's ids
    /// (which may reuse a deleted id) are not confused with a stored chunk's.
    pub(crate) fn flush(&mut self, conn: &Connection) -> Result<()> {
        if self.scrub.is_empty() && self.ids.is_empty() {
            return Ok(());
        }
        let compressor = self.compressor.get_or_insert_with(|| {
            zstd::bulk::Compressor::new(LEVEL).expect("zstd accepts its own compression level")
        });
        if !self.scrub.is_empty() {
            scrub(conn, &std::mem::take(&mut self.scrub), compressor)?;
        }
        let (Some(&first), Some(&last)) = (self.ids.first(), self.ids.last()) else {
            return Ok(());
        };
        let data = compress(compressor, &self.entries)?;
        conn.prepare_cached("INSERT INTO raw_chunks (first, last, codec, data) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![first, last, ZSTD_ENTRIES, data])?;
        self.ids.clear();
        self.entries.clear();
        Ok(())
    }
}

fn encode(out: &mut Vec<u8>, id: i64, raw: &str) {
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&(raw.len() as u32).to_le_bytes());
    out.extend_from_slice(raw.as_bytes());
}

fn compress(c: &mut zstd::bulk::Compressor<'static>, entries: &[u8]) -> Result<Vec<u8>> {
    c.compress(entries)
        .map_err(|e| Error::io("compress evidence for", DB_FILE, e))
}

/// Decoded entries of a chunk (stops at the first malformed entry; [`decode`] checks the whole).
struct Entries<'a>(&'a [u8]);

impl<'a> Iterator for Entries<'a> {
    type Item = (i64, &'a str);

    fn next(&mut self) -> Option<(i64, &'a str)> {
        let (head, rest) = self.0.split_at_checked(12)?;
        let id = i64::from_le_bytes(head[..8].try_into().ok()?);
        let len = u32::from_le_bytes(head[8..].try_into().ok()?) as usize;
        let (raw, rest) = rest.split_at_checked(len)?;
        self.0 = rest;
        Some((id, std::str::from_utf8(raw).ok()?))
    }
}

/// A stored chunk.
struct Chunk {
    first: i64,
    last: i64,
    codec: i64,
    data: Vec<u8>,
}

impl Chunk {
    /// The chunk that would hold row `id`.
    fn holding(conn: &Connection, id: i64) -> Result<Option<Chunk>> {
        let chunk = conn
            .prepare_cached(
                "SELECT first, last, codec, data FROM raw_chunks WHERE first <= ?1 ORDER BY first DESC LIMIT 1",
            )?
            .query_row([id], |r| {
                Ok(Chunk {
                    first: r.get(0)?,
                    last: r.get(1)?,
                    codec: r.get(2)?,
                    data: r.get(3)?,
                })
            })
            .optional()?;
        Ok(chunk.filter(|c| c.last >= id))
    }

    /// Its entries, checked whole: a chunk that does not decode is an integrity failure.
    fn entries(&self) -> Result<Vec<(i64, String)>> {
        let broken =
            |what: String| IntegrityError::new(DB_FILE, format!("evidence chunk {}: {what}", self.first));
        match self.codec {
            SINGLE => {
                let raw = String::from_utf8(self.data.clone()).map_err(|_| broken("not UTF-8".into()))?;
                Ok(vec![(self.first, raw)])
            }
            ZSTD_ENTRIES => {
                let bytes = zstd::stream::decode_all(&self.data[..]).map_err(|e| broken(e.to_string()))?;
                let mut out = Vec::new();
                let mut rest = Entries(&bytes);
                for (id, raw) in rest.by_ref() {
                    out.push((id, raw.to_owned()));
                }
                if !rest.0.is_empty() {
                    return Err(broken("malformed entry".into()).into());
                }
                Ok(out)
            }
            other => Err(broken(format!("unknown codec {other}")).into()),
        }
    }
}

/// The record of message `msgid`, if one is kept.
pub(crate) fn read(conn: &Connection, msgid: &str) -> Result<Option<String>> {
    let id: Option<i64> = conn
        .prepare_cached("SELECT id FROM messages WHERE msgid = ?1")?
        .query_row([msgid], |r| r.get(0))
        .optional()?;
    let Some(id) = id else { return Ok(None) };
    let Some(chunk) = Chunk::holding(conn, id)? else {
        return Ok(None);
    };
    Ok(chunk
        .entries()?
        .into_iter()
        .find(|(i, _)| *i == id)
        .map(|(_, raw)| raw))
}

/// Every kept record with its row id, in row id order.
pub(crate) fn each(conn: &Connection, f: &mut dyn FnMut(i64, &str) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare("SELECT first, last, codec, data FROM raw_chunks ORDER BY first")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let chunk = Chunk {
            first: r.get(0)?,
            last: r.get(1)?,
            codec: r.get(2)?,
            data: r.get(3)?,
        };
        for (id, raw) in chunk.entries()? {
            f(id, &raw)?;
        }
    }
    Ok(())
}

/// Takes the records of `ids` out of their stored chunks: each chunk is rewritten once with what
/// it still holds, or deleted when nothing is left.
fn scrub(conn: &Connection, ids: &BTreeSet<i64>, c: &mut zstd::bulk::Compressor<'static>) -> Result<()> {
    let mut next = ids.first().copied();
    while let Some(id) = next {
        let Some(chunk) = Chunk::holding(conn, id)? else {
            next = ids.range(id + 1..).next().copied();
            continue;
        };
        let kept: Vec<(i64, String)> = chunk
            .entries()?
            .into_iter()
            .filter(|(i, _)| !ids.contains(i))
            .collect();
        conn.execute("DELETE FROM raw_chunks WHERE first = ?1", [chunk.first])?;
        if let (Some(first), Some(last)) = (kept.first(), kept.last()) {
            let mut entries = Vec::new();
            for (i, raw) in &kept {
                encode(&mut entries, *i, raw);
            }
            conn.execute(
                "INSERT INTO raw_chunks (first, last, codec, data) VALUES (?1, ?2, ?3, ?4)",
                params![first.0, last.0, ZSTD_ENTRIES, compress(c, &entries)?],
            )?;
        }
        next = ids.range(chunk.last + 1..).next().copied();
    }
    Ok(())
}
