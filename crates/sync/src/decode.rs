//! Decoding feed responses on a thread of their own, ahead of the thread that writes them.
//!
//! The network task's body chunks come in; what goes out per response is `Start`, the records
//! in batches, and `End`. A message leaves fully prepared: parsed from its WeCom record, its
//! vault row values, its search document (without the row id and flags only the write tells)
//! and the hits of the profile's own lexicons. Other records are few and leave as their line.

use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::SyncSender;

use dossier_model::Hit;
use dossier_rules::{Normalized, RuleSet};
use dossier_search::{PreparedDoc, SearchIndex};
use dossier_vault::{MessageRow, RAW_CHUNK_BYTES, RAW_CHUNK_MESSAGES, RawChunk, RawChunker};
use tokio::sync::mpsc;

use crate::record::Line;

/// What the network task hands the decoder.
pub(crate) enum Piece {
    /// A response starts; it was requested with `after`.
    Start {
        after: i64,
        zstd: bool,
    },
    Chunk(Vec<u8>),
    /// The response ended; with the transport error that ended it early.
    End(Option<String>),
}

/// What the decoder hands the applier.
pub(crate) enum Decoded {
    /// A response requested with `after` starts.
    Start { after: i64 },
    /// Its next records, in feed order.
    Records(Vec<Record>),
    /// It ended: `cut` says why when it ended before its cursor record; `bytes` as on the wire.
    End { cut: Option<String>, bytes: u64 },
}

/// One decoded feed record.
pub(crate) enum Record {
    Message(Box<DecodedMessage>),
    /// A message record whose WeCom record does not parse (applying it fails the round).
    Unparsable {
        seq: i64,
        error: String,
    },
    /// Any other record, as its line (it parsed once; the applier decodes it again).
    Line {
        seq: i64,
        line: Vec<u8>,
    },
    /// The response's last record.
    Cursor {
        seq: i64,
        more: bool,
        head: i64,
        lease: Option<i64>,
    },
}

impl Record {
    pub fn seq(&self) -> i64 {
        match self {
            Record::Message(m) => m.seq,
            Record::Unparsable { seq, .. } | Record::Line { seq, .. } | Record::Cursor { seq, .. } => *seq,
        }
    }
}

/// A message record, ready to write.
pub(crate) struct DecodedMessage {
    pub seq: i64,
    pub row: MessageRow,
    /// The WeCom record as archived.
    pub raw: String,
    /// On the first message of a run: the records of the run's messages (this one and the next
    /// `len() - 1` message records of the batch), compressed here rather than on the writing
    /// thread.
    pub chunk: Option<RawChunk>,
    pub doc: PreparedDoc,
    /// Hits of the profile's own lexicons.
    pub hits: Vec<Hit>,
}

/// Records per batch handed over: one hand-over per record would cost more than decoding it.
const BATCH: usize = 256;

/// Decodes the responses `rx` brings until the network task stops or the applier hangs up.
pub(crate) fn decode(
    rx: &mut mpsc::Receiver<Piece>,
    out: &SyncSender<Decoded>,
    index: &SearchIndex,
    rules: Option<&RuleSet>,
) {
    let mut decoder = Decoder::new(out, index, rules);
    while let Some(piece) = rx.blocking_recv() {
        let Piece::Start { after, zstd } = piece else {
            continue;
        };
        if out.send(Decoded::Start { after }).is_err() {
            return;
        }
        let mut reader = PieceReader {
            rx: &mut *rx,
            buf: Vec::new(),
            pos: 0,
            ended: false,
            error: None,
            bytes: 0,
        };
        let Ok(cut) = decoder.body(&mut reader, zstd) else {
            return;
        };
        reader.drain();
        let bytes = reader.bytes;
        if out.send(Decoded::End { cut, bytes }).is_err() {
            return;
        }
    }
}

/// The applier hung up.
pub(crate) struct Gone;

pub(crate) struct Decoder<'a> {
    out: &'a SyncSender<Decoded>,
    index: &'a SearchIndex,
    rules: Option<&'a RuleSet>,
    fold: Normalized,
    batch: Vec<Record>,
    chunker: Option<RawChunker>,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(
        out: &'a SyncSender<Decoded>,
        index: &'a SearchIndex,
        rules: Option<&'a RuleSet>,
    ) -> Self {
        Decoder {
            out,
            index,
            rules,
            fold: Normalized::default(),
            batch: Vec::with_capacity(BATCH),
            // Without it the writer compresses the records itself.
            chunker: RawChunker::new()
                .inspect_err(
                    |e| tracing::warn!(error = %e, "evidence compression unavailable to the decoder"),
                )
                .ok(),
        }
    }

    /// Decodes one body; returns why it was cut short, if it was.
    fn body(&mut self, reader: &mut PieceReader<'_>, zstd: bool) -> Result<Option<String>, Gone> {
        const BUF: usize = 256 << 10;
        let cut = if zstd {
            match zstd::stream::read::Decoder::new(reader) {
                Ok(dec) => self.lines(&mut BufReader::with_capacity(BUF, dec))?,
                Err(e) => Some(crate::client::describe(&e)),
            }
        } else {
            self.lines(&mut BufReader::with_capacity(BUF, reader))?
        };
        self.flush()?;
        Ok(cut)
    }

    /// Decodes lines up to the cursor record; returns why the body ended before it, if it did.
    pub(crate) fn lines(&mut self, body: &mut dyn BufRead) -> Result<Option<String>, Gone> {
        let mut buf = Vec::with_capacity(64 << 10);
        let mut last = None;
        loop {
            buf.clear();
            match body.read_until(b'\n', &mut buf) {
                Ok(0) => return Ok(Some("the response ended without its cursor record".into())),
                Ok(_) if buf.last() != Some(&b'\n') => {
                    return Ok(Some("the response ended inside a record".into()));
                }
                Ok(_) => {}
                Err(e) => return Ok(Some(crate::client::describe(&e))),
            }
            let line: Line<'_> = match serde_json::from_slice(&buf) {
                Ok(l) => l,
                Err(e) => {
                    let after = last.map_or_else(|| "the start".to_owned(), |s: i64| format!("seq {s}"));
                    return Ok(Some(format!("a record after {after} does not parse: {e}")));
                }
            };
            last = Some(line.seq);
            let record = match line.kind {
                "cursor" => Record::Cursor {
                    seq: line.seq,
                    more: line.more.unwrap_or(false),
                    head: line.head.unwrap_or(line.seq),
                    lease: line.lease_expires_at,
                },
                "message" => self.message(&line),
                _ => Record::Line {
                    seq: line.seq,
                    line: buf.clone(),
                },
            };
            let end = matches!(record, Record::Cursor { .. });
            self.batch.push(record);
            if end {
                return Ok(None);
            }
            if self.batch.len() >= BATCH {
                self.flush()?;
            }
        }
    }

    fn message(&mut self, line: &Line<'_>) -> Record {
        let seq = line.seq;
        let raw = match (&line.raw, &line.raw_text) {
            (Some(r), _) => r.get(),
            (None, Some(t)) => t.as_str(),
            (None, None) => {
                return Record::Unparsable {
                    seq,
                    error: "the record has no raw".into(),
                };
            }
        };
        let row = match dossier_wecom::parse_message(raw)
            .map_err(|e| e.to_string())
            .and_then(|m| MessageRow::new(m).map_err(|e| e.to_string()))
        {
            Ok(row) => row,
            Err(error) => return Record::Unparsable { seq, error },
        };
        let doc = self.index.document(&row.message, &row.text, &mut self.fold);
        let hits = self
            .rules
            .map(|r| crate::lexicons::scan(r, &row.message.msgid, &row.text))
            .unwrap_or_default();
        Record::Message(Box::new(DecodedMessage {
            seq,
            row,
            raw: raw.to_owned(),
            chunk: None,
            doc,
            hits,
        }))
    }

    pub(crate) fn flush(&mut self) -> Result<(), Gone> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let mut batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if let Some(chunker) = &mut self.chunker {
            seal_runs(chunker, &mut batch);
        }
        self.out.send(Decoded::Records(batch)).map_err(|_| Gone)
    }
}

/// Compresses the records of the batch's messages in runs of up to [`RAW_CHUNK_MESSAGES`] records
/// (closed once they reach [`RAW_CHUNK_BYTES`], like the vault's own chunks); each run's chunk
/// goes with its first message. A run that fails to compress goes without (the writer keeps its
/// records one by one).
fn seal_runs(chunker: &mut RawChunker, batch: &mut [Record]) {
    let mut messages: Vec<&mut DecodedMessage> = batch
        .iter_mut()
        .filter_map(|r| match r {
            Record::Message(m) => Some(&mut **m),
            _ => None,
        })
        .collect();
    let mut rest = &mut messages[..];
    while !rest.is_empty() {
        let mut len = 0;
        let mut bytes = 0;
        while len < rest.len() && len < RAW_CHUNK_MESSAGES && bytes < RAW_CHUNK_BYTES {
            bytes += rest[len].raw.len();
            len += 1;
        }
        let (run, after) = std::mem::take(&mut rest).split_at_mut(len);
        match chunker.seal(run.iter().map(|m| m.raw.as_str())) {
            Ok(chunk) => run[0].chunk = Some(chunk),
            Err(e) => tracing::warn!(error = %e, "evidence not compressed ahead"),
        }
        rest = after;
    }
}

/// The body of one response, read from the network task's channel.
struct PieceReader<'r> {
    rx: &'r mut mpsc::Receiver<Piece>,
    buf: Vec<u8>,
    pos: usize,
    ended: bool,
    error: Option<String>,
    bytes: u64,
}

impl PieceReader<'_> {
    /// Reads the rest of the body unread.
    fn drain(&mut self) {
        while !self.ended {
            match self.rx.blocking_recv() {
                Some(Piece::Chunk(c)) => self.bytes += c.len() as u64,
                Some(Piece::End(_)) | None => self.ended = true,
                Some(Piece::Start { .. }) => self.ended = true,
            }
        }
        self.pos = self.buf.len();
    }
}

impl Read for PieceReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.pos < self.buf.len() {
                let n = out.len().min(self.buf.len() - self.pos);
                out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.ended {
                return match self.error.take() {
                    Some(e) => Err(std::io::Error::other(e)),
                    None => Ok(0),
                };
            }
            match self.rx.blocking_recv() {
                Some(Piece::Chunk(c)) => {
                    self.bytes += c.len() as u64;
                    self.buf = c;
                    self.pos = 0;
                }
                Some(Piece::End(e)) => {
                    self.ended = true;
                    self.error = e;
                }
                Some(Piece::Start { .. }) | None => {
                    self.ended = true;
                    self.error = Some("the network task stopped mid-response".into());
                }
            }
        }
    }
}
