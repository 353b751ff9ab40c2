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
//! A bulk writer compresses on another thread, before the rows have ids ([`RawChunker`]): such a
//! chunk holds the records of rows `first..=last` in order, their ids implied.
//!
//! Entry encoding, repeated: row id (i64 LE, absent when implied), length (u32 LE), the record's
//! bytes.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

use crate::DB_FILE;
use crate::error::{Error, IntegrityError, Result};

/// Records per chunk at most.
pub const CHUNK_MESSAGES: usize = 64;
/// A chunk is closed once its records reach this size (a read decompresses the whole chunk).
pub const CHUNK_BYTES: usize = 32 << 10;
/// zstd level: 1 is the fastest, and higher levels gain little on chunks this small.
const LEVEL: i32 = 1;

/// `codec` of a chunk that holds the record of message `first` alone, uncompressed (rows carried
/// over from schema v6).
const SINGLE: i64 = 0;
/// `codec` of a zstd-compressed list of entries.
const ZSTD_ENTRIES: i64 = 1;
/// `codec` of zstd-compressed entries without ids: the records of rows `first..=last` in order.
const ZSTD_RUN: i64 = 2;

/// The records of consecutive new messages, compressed before they have row ids
/// ([`crate::Tx::put_raw_chunk`] stores it once they have).
pub struct RawChunk {
    data: Vec<u8>,
    records: usize,
}

impl RawChunk {
    /// Number of records.
    pub fn len(&self) -> usize {
        self.records
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.records == 0
    }
}

/// Compresses [`RawChunk`]s, keeping its zstd context between them.
pub struct RawChunker {
    compressor: zstd::bulk::Compressor<'static>,
    entries: Vec<u8>,
}

impl RawChunker {
    /// A chunker.
    pub fn new() -> Result<RawChunker> {
        Ok(RawChunker {
            compressor: new_compressor()?,
            entries: Vec::new(),
        })
    }

    /// The chunk of `records`, in the order their messages will be inserted.
    pub fn seal<'r>(&mut self, records: impl IntoIterator<Item = &'r str>) -> Result<RawChunk> {
        self.entries.clear();
        let mut count = 0;
        for raw in records {
            encode(&mut self.entries, None, raw);
            count += 1;
        }
        Ok(RawChunk {
            data: compress(&mut self.compressor, &self.entries)?,
            records: count,
        })
    }
}

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
        encode(&mut self.entries, Some(id), raw);
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
            for (i, raw) in Entries::with_ids(&entries) {
                if i != id {
                    encode(&mut self.entries, Some(i), raw);
                }
            }
        } else {
            self.scrub.insert(id);
        }
    }

    /// Stores `chunk` as the records of the new rows `first..first + chunk.len()`. What is
    /// pending goes first: its ids are lower, and a chunk written later must not span these.
    pub(crate) fn put_sealed(&mut self, conn: &Connection, first: i64, chunk: RawChunk) -> Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        self.flush(conn)?;
        let last = first + chunk.records as i64 - 1;
        insert(conn, first, last, ZSTD_RUN, &chunk.data)
    }

    /// Deleted records leave their chunks; before any new chunk is written, so its ids (which
    /// may reuse a deleted id) are not confused with a stored chunk's.
    fn scrub(&mut self, conn: &Connection) -> Result<()> {
        if self.scrub.is_empty() {
            return Ok(());
        }
        let ids = std::mem::take(&mut self.scrub);
        scrub(conn, &ids, context(&mut self.compressor)?)
    }

    /// Writes what is pending.
    pub(crate) fn flush(&mut self, conn: &Connection) -> Result<()> {
        self.scrub(conn)?;
        let (Some(&first), Some(&last)) = (self.ids.first(), self.ids.last()) else {
            return Ok(());
        };
        let data = compress(context(&mut self.compressor)?, &self.entries)?;
        insert(conn, first, last, ZSTD_ENTRIES, &data)?;
        self.ids.clear();
        self.entries.clear();
        Ok(())
    }
}

/// The compression context in `slot`, made on first use.
fn context<'s>(
    slot: &'s mut Option<zstd::bulk::Compressor<'static>>,
) -> Result<&'s mut zstd::bulk::Compressor<'static>> {
    if slot.is_none() {
        *slot = Some(new_compressor()?);
    }
    Ok(slot.as_mut().expect("just set"))
}

fn new_compressor() -> Result<zstd::bulk::Compressor<'static>> {
    zstd::bulk::Compressor::new(LEVEL).map_err(|e| Error::io("set up evidence compression for", DB_FILE, e))
}

fn insert(conn: &Connection, first: i64, last: i64, codec: i64, data: &[u8]) -> Result<()> {
    conn.prepare_cached("INSERT INTO raw_chunks (first, last, codec, data) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![first, last, codec, data])?;
    Ok(())
}

/// Appends an entry; `id` is `None` where ids are implied.
fn encode(out: &mut Vec<u8>, id: Option<i64>, raw: &str) {
    if let Some(id) = id {
        out.extend_from_slice(&id.to_le_bytes());
    }
    out.extend_from_slice(&(raw.len() as u32).to_le_bytes());
    out.extend_from_slice(raw.as_bytes());
}

fn compress(c: &mut zstd::bulk::Compressor<'static>, entries: &[u8]) -> Result<Vec<u8>> {
    c.compress(entries)
        .map_err(|e| Error::io("compress evidence for", DB_FILE, e))
}

/// Decoded entries of a chunk (stops at the first malformed entry; `Chunk::entries` checks the
/// whole). `next_id` is the id the next entry has when ids are implied.
struct Entries<'a> {
    rest: &'a [u8],
    next_id: Option<i64>,
}

impl<'a> Entries<'a> {
    fn with_ids(rest: &'a [u8]) -> Self {
        Entries { rest, next_id: None }
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = (i64, &'a str);

    fn next(&mut self) -> Option<(i64, &'a str)> {
        let id = match self.next_id.as_mut() {
            Some(next) => {
                *next += 1;
                *next - 1
            }
            None => {
                let (id, rest) = self.rest.split_at_checked(8)?;
                self.rest = rest;
                i64::from_le_bytes(id.try_into().ok()?)
            }
        };
        let (len, rest) = self.rest.split_at_checked(4)?;
        let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
        let (raw, rest) = rest.split_at_checked(len)?;
        self.rest = rest;
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
    /// A row of `SELECT first, last, codec, data FROM raw_chunks`.
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Chunk> {
        Ok(Chunk {
            first: r.get(0)?,
            last: r.get(1)?,
            codec: r.get(2)?,
            data: r.get(3)?,
        })
    }

    /// The chunk that would hold row `id`.
    fn holding(conn: &Connection, id: i64) -> Result<Option<Chunk>> {
        let chunk = conn
            .prepare_cached(
                "SELECT first, last, codec, data FROM raw_chunks WHERE first <= ?1 ORDER BY first DESC LIMIT 1",
            )?
            .query_row([id], Chunk::from_row)
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
            ZSTD_ENTRIES | ZSTD_RUN => {
                let bytes = zstd::stream::decode_all(&self.data[..]).map_err(|e| broken(e.to_string()))?;
                let mut entries = Entries {
                    rest: &bytes,
                    next_id: (self.codec == ZSTD_RUN).then_some(self.first),
                };
                let mut out = Vec::new();
                for (id, raw) in entries.by_ref() {
                    out.push((id, raw.to_owned()));
                }
                let implied_end = self.codec == ZSTD_RUN && out.last().map(|e| e.0) != Some(self.last);
                if !entries.rest.is_empty() || implied_end {
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
        for (id, raw) in Chunk::from_row(r)?.entries()? {
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
                encode(&mut entries, Some(*i), raw);
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
