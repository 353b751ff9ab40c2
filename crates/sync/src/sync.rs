//! The sync driver: a network task pulls feed responses into a bounded channel while the caller's
//! thread decodes and applies them, so the next response downloads while one is applied.
//!
//! ```text
//! runtime task (fetch)                       caller's thread (apply)
//!   GET /feed?after=a  ──Start{a}, chunks, End──►  zstd → lines → one Db::write → index
//!   GET /feed?after=c  (c = x-dossier-cursor,      │
//!                       fetched speculatively)     │
//!        ◄──────────── Feedback{a, reached, complete} ┘
//! ```
//! The applier applies a response only when it starts at the vault's cursor; anything else (a
//! response fetched after one that turned out truncated) is drained unread. The fetcher trusts
//! the feedback: when a response was not applied to its end it starts again from `reached`.

use std::collections::VecDeque;
use std::io::{BufReader, Read};
use std::time::{Duration, Instant};

use dossier_search::SearchIndex;
use dossier_vault::Vault;
use tokio::sync::mpsc;

use crate::apply::{Applier, Outcome, Round, in_write, keys};
use crate::client::{Client, Failure, Retry, describe, status_failure};
use crate::error::{Error, Result};
use crate::progress::{Phase, Progress};
use crate::session;

/// Sync settings with typed defaults.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// Records per feed request (the server caps it at 10,000).
    pub batch_limit: usize,
    /// Commit the search index after this many messages (and at the end). Between index commits
    /// a crash costs a re-index of the messages since the last one.
    pub index_commit_messages: usize,
    /// Body chunks buffered between the network task and the applier.
    pub channel_chunks: usize,
    /// Page cache of the vault's writer connection while syncing, MiB (the vault's own setting,
    /// [`dossier_vault::CACHE_KIB`], comes back afterwards). Every message inserts into the msgid
    /// and conversation indexes at random places; once those outgrow the cache, each insert
    /// reads and decrypts pages (SQLCipher) — the 1M-message sync ran at a third of its 100k pace
    /// with the 32 MiB default.
    pub writer_cache_mib: u32,
    /// A vault transaction takes the responses already downloaded until it holds this many
    /// messages or has run this long; then it commits. Each commit rewrites every page it
    /// touched, so fewer commits write less; but the writer is busy (an annotation saved
    /// meanwhile waits) and a crash re-downloads the round.
    pub round_messages: usize,
    /// See `round_messages`.
    pub round_time: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch_limit: 10_000,
            index_commit_messages: 100_000,
            channel_chunks: 512,
            writer_cache_mib: 256,
            round_messages: 100_000,
            round_time: Duration::from_secs(2),
        }
    }
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Records applied.
    pub records: u64,
    /// Messages among them.
    pub messages: u64,
    /// Bytes received (as on the wire).
    pub bytes: u64,
    /// Responses applied.
    pub batches: u64,
    /// Transient failures retried.
    pub retries: u32,
    /// Messages purged by grant changes.
    pub purged: u64,
    /// The cursor at the start.
    pub start: i64,
    /// The cursor at the end.
    pub cursor: i64,
    /// Wall time.
    pub elapsed: Duration,
}

enum Piece {
    /// A response starts; it was requested with `after`.
    Start {
        after: i64,
        zstd: bool,
    },
    Chunk(Vec<u8>),
    /// The response ended; with the transport error that ended it early.
    End(Option<String>),
}

struct Feedback {
    after: i64,
    reached: i64,
    complete: bool,
    more: bool,
}

/// The body of one response, read from the channel.
struct PieceReader<'r> {
    rx: &'r mut mpsc::Receiver<Piece>,
    buf: Vec<u8>,
    pos: usize,
    ended: bool,
    error: Option<String>,
    bytes: u64,
}

impl PieceReader<'_> {
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

/// Syncs the vault with the server: binds the profile to the client's account on first use,
/// brings the index up to the vault after an interrupted run, then pulls and applies the feed
/// until the server has nothing more. Blocking: call it from a thread that may block (not from
/// an async task); the network part runs on the client's runtime. `progress` is called after
/// every applied response.
pub fn sync(
    vault: &Vault,
    index: &SearchIndex,
    client: &Client,
    options: &SyncOptions,
    progress: &dyn Fn(&Progress),
) -> Result<Report> {
    let started = Instant::now();
    session::bind(vault, client)?;
    let mut saved_tokens = client.tokens().map(|(_, g)| g);
    let mut report = Report::default();
    let mut p = Progress {
        phase: Phase::Recovering,
        records: 0,
        messages: 0,
        bytes: 0,
        start: 0,
        cursor: 0,
        head: 0,
        rate: 0.0,
        eta: None,
    };
    progress(&p);
    let mut applier = Applier::open(
        vault,
        index,
        options.index_commit_messages.max(1),
        options.writer_cache_mib,
    )?;
    report.start = applier.cursor();
    p.start = report.start;
    p.cursor = report.start;
    p.head = report.start;
    p.phase = Phase::Syncing;
    progress(&p);

    let (tx, mut rx) = mpsc::channel::<Piece>(options.channel_chunks.max(2));
    let (fb_tx, fb_rx) = mpsc::unbounded_channel::<Feedback>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<Result<u32>>();
    let task = client.runtime().spawn({
        let client = client.clone();
        let (start, limit) = (report.start, options.batch_limit.max(1));
        async move {
            let r = fetch(&client, start, limit, tx, fb_rx).await;
            let _ = done_tx.send(r);
        }
    });

    let applied = (|| -> Result<()> {
        // A round (one vault transaction) takes the responses already waiting, up to a limit;
        // the wait for the network happens outside it, so the writer is free then.
        while let Some(first) = rx.blocking_recv() {
            let round_started = Instant::now();
            let mut first = Some(first);
            applier.round(|round| {
                loop {
                    let piece = match first.take() {
                        Some(piece) => piece,
                        None => match rx.try_recv() {
                            Ok(piece) => piece,
                            Err(_) => return Ok(()),
                        },
                    };
                    let Piece::Start { after, zstd } = piece else {
                        continue;
                    };
                    let mut reader = PieceReader {
                        rx: &mut rx,
                        buf: Vec::new(),
                        pos: 0,
                        ended: false,
                        error: None,
                        bytes: 0,
                    };
                    if after != round.cursor() {
                        reader.drain();
                        report.bytes += reader.bytes;
                        continue;
                    }
                    let outcome = apply_body(round, &mut reader, zstd)?;
                    reader.drain();
                    report.bytes += reader.bytes;
                    if let Some(why) = &outcome.cut {
                        tracing::warn!(after, reached = outcome.reached, reason = %why, "feed response cut short");
                    }
                    let _ = fb_tx.send(Feedback {
                        after,
                        reached: outcome.reached,
                        complete: outcome.cursor.is_some(),
                        more: outcome.cursor.is_none_or(|c| c.more),
                    });
                    report.batches += 1;
                    report.records += outcome.records;
                    report.messages += outcome.messages;
                    report.purged += outcome.purged;
                    let elapsed = started.elapsed().as_secs_f64().max(1e-3);
                    p.records = report.records;
                    p.messages = report.messages;
                    p.bytes = report.bytes;
                    p.cursor = outcome.reached;
                    p.head = outcome.cursor.map_or(p.head, |c| c.head).max(p.cursor);
                    p.rate = report.messages as f64 / elapsed;
                    let seq_rate = (p.cursor - p.start) as f64 / elapsed;
                    p.eta = (seq_rate > 0.0).then(|| Duration::from_secs_f64((p.head - p.cursor) as f64 / seq_rate));
                    progress(&p);
                    if let Some((_, generation)) = client.tokens()
                        && saved_tokens != Some(generation)
                    {
                        // Refreshed tokens are durable as soon as the rows they fetched.
                        session::save_in(round.tx(), client)?;
                        saved_tokens = Some(generation);
                        return Ok(());
                    }
                    if round.messages() >= options.round_messages as u64
                        || round_started.elapsed() >= options.round_time
                    {
                        return Ok(());
                    }
                }
            })?;
        }
        Ok(())
    })();
    drop(fb_tx);
    if let Err(e) = applied {
        task.abort();
        return Err(e);
    }
    let fetched = done_rx
        .recv()
        .map_err(|_| Error::Internal("the network task ended without a result".into()))?;
    p.phase = Phase::Finishing;
    progress(&p);
    // Whatever the network did, what was applied gets indexed.
    applier.finish()?;
    report.retries = fetched?;
    in_write(vault.db(), |tx| {
        tx.set_setting(keys::LAST_SYNC, &dossier_vault::now_ms().to_string())?;
        session::save_in(tx, client)
    })?;
    report.cursor = p.cursor;
    report.elapsed = started.elapsed();
    p.phase = Phase::Done;
    p.eta = Some(Duration::ZERO);
    progress(&p);
    Ok(report)
}

fn apply_body(round: &mut Round<'_, '_>, reader: &mut PieceReader<'_>, zstd: bool) -> Result<Outcome> {
    const BUF: usize = 256 << 10;
    if zstd {
        match zstd::stream::read::Decoder::new(reader) {
            Ok(dec) => round.apply(&mut BufReader::with_capacity(BUF, dec)),
            Err(e) => round.apply(&mut BufReader::new(FailedRead(Some(e)))),
        }
    } else {
        round.apply(&mut BufReader::with_capacity(BUF, reader))
    }
}

/// A body that fails at once (a zstd decoder that could not start).
struct FailedRead(Option<std::io::Error>);

impl Read for FailedRead {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// The network task. Returns the number of transient failures retried.
async fn fetch(
    client: &Client,
    start: i64,
    limit: usize,
    tx: mpsc::Sender<Piece>,
    mut fb: mpsc::UnboundedReceiver<Feedback>,
) -> Result<u32> {
    let mut failures = Failures {
        retry: client.options().retry.clone(),
        in_a_row: 0,
        total: 0,
    };
    let mut next = Some(start);
    // Responses sent to the applier: (after, the cursor it should reach when whole).
    let mut inflight: VecDeque<(i64, Option<i64>)> = VecDeque::new();
    loop {
        let must_wait = next.is_none() || inflight.len() >= 2;
        let mut feedback = Vec::new();
        if must_wait {
            match fb.recv().await {
                Some(f) => feedback.push(f),
                None => return Ok(failures.total), // the applier stopped
            }
        }
        while let Ok(f) = fb.try_recv() {
            feedback.push(f);
        }
        for f in feedback {
            let whole = inflight
                .front()
                .is_some_and(|(a, want)| *a == f.after && f.complete && *want == Some(f.reached));
            if whole {
                inflight.pop_front();
                failures.in_a_row = 0;
            } else {
                // Cut short (or a response we had given up on): everything after it is stale.
                inflight.clear();
                next = Some(f.reached);
                if f.reached > f.after {
                    failures.in_a_row = 0;
                } else if !f.complete || f.more {
                    failures.wait("a feed response was cut short".into()).await?;
                }
            }
            if f.complete && !f.more {
                return Ok(failures.total);
            }
        }
        let Some(after) = next else { continue };
        if inflight.len() >= 2 {
            continue;
        }
        let url = client.url(&format!("/feed?after={after}&limit={limit}"));
        let sent = client
            .authed(|h| h.get(&url).header(reqwest::header::ACCEPT_ENCODING, "zstd"))
            .await;
        let resp = match sent {
            Ok(r) if r.status().is_success() => r,
            Ok(r) => match status_failure(r).await {
                Failure::Fatal(e) => return Err(e),
                Failure::Transient(why) => {
                    failures.wait(why).await?;
                    continue;
                }
            },
            Err(Failure::Fatal(e)) => return Err(e),
            Err(Failure::Transient(why)) => {
                failures.wait(why).await?;
                continue;
            }
        };
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let cursor: Option<i64> = header("x-dossier-cursor").and_then(|v| v.parse().ok());
        let more = header("x-dossier-more").is_none_or(|v| v != "false");
        let zstd = header("content-encoding").is_some_and(|v| v.eq_ignore_ascii_case("zstd"));
        if tx.send(Piece::Start { after, zstd }).await.is_err() {
            return Ok(failures.total);
        }
        let mut resp = resp;
        let ended = loop {
            match resp.chunk().await {
                Ok(Some(bytes)) => {
                    if tx.send(Piece::Chunk(bytes.to_vec())).await.is_err() {
                        return Ok(failures.total);
                    }
                }
                Ok(None) => break None,
                Err(e) => break Some(describe(&e.without_url())),
            }
        };
        let whole = ended.is_none();
        if tx.send(Piece::End(ended)).await.is_err() {
            return Ok(failures.total);
        }
        inflight.push_back((after, if whole { cursor } else { None }));
        next = match (whole, cursor) {
            (true, Some(c)) if more => Some(c),
            _ => None,
        };
    }
}

/// Transient failures of the network task: in a row (reset by progress) and in total.
struct Failures {
    retry: Retry,
    in_a_row: u32,
    total: u32,
}

impl Failures {
    /// Counts a failure and waits before the next attempt, or gives up.
    async fn wait(&mut self, why: String) -> Result<()> {
        self.in_a_row += 1;
        self.total += 1;
        if self.in_a_row >= self.retry.attempts {
            return Err(Error::Unavailable {
                attempts: self.in_a_row,
                last: why,
            });
        }
        tracing::warn!(failures = self.in_a_row, reason = %why, "feed request failed; retrying");
        tokio::time::sleep(self.retry.delay(self.in_a_row)).await;
        Ok(())
    }
}
