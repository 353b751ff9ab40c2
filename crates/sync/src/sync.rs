//! The sync driver: a network task pulls feed responses into a bounded channel, a decoder thread
//! turns them into ready-to-write records, and the caller's thread applies them, so the next
//! response downloads and decodes while one is written.
//!
//! ```text
//! runtime task (fetch)                 decoder thread             caller's thread (apply)
//!   GET /feed?after=a ─Start{a}, chunks, End─► zstd → lines → rows, ─Start, Records…, End─► rounds:
//!   GET /feed?after=c  (c = x-dossier-cursor,   documents, hits, evidence  one Db::write for the
//!                       fetched speculatively)                            responses waiting → index
//!        ◄─────────────────────── Feedback{a, reached, complete} ────────────────────┘
//! ```
//! After each round a checkpoint thread ([`crate::checkpoint`]) copies the WAL into the database
//! file while the next round runs.
//!
//! The applier applies a response only when it starts at the vault's cursor; anything else (a
//! response fetched after one that turned out truncated) is skipped. The fetcher trusts the
//! feedback: when a response was not applied to its end it starts again from `reached`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use dossier_search::SearchIndex;
use dossier_vault::Vault;
use tokio::sync::mpsc;

use crate::apply::{Applier, in_write, keys};
use crate::checkpoint::Checkpointer;
use crate::client::{Client, Failure, Retry, describe, status_failure};
use crate::decode::{Decoded, Piece};
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
    /// Body chunks buffered between the network task and the decoder.
    pub channel_chunks: usize,
    /// Page cache of the vault's writer connection while syncing, MiB (the vault's own setting,
    /// [`dossier_vault::CACHE_KIB`], comes back afterwards). Every message inserts into the msgid
    /// and conversation indexes at random places; once those outgrow the cache, each insert
    /// reads and decrypts pages (SQLCipher) — the 1M-message sync ran at a third of its 100k pace
    /// with the 32 MiB default.
    pub writer_cache_mib: u32,
    /// A vault transaction takes the responses already downloaded until it holds this many
    /// messages or has run this long, or another thread wants to write (an annotation saved
    /// meanwhile waits for one response at most); then it commits. Each commit rewrites every
    /// index page it touched, so fewer commits write less (1M messages: 24.0 s with rounds of
    /// 100k, 18.9 s with 300k); a crash re-downloads the round.
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
            round_messages: 300_000,
            round_time: Duration::from_secs(10),
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

struct Feedback {
    after: i64,
    reached: i64,
    complete: bool,
    more: bool,
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

    let (dec_tx, dec_rx) = std::sync::mpsc::sync_channel::<Decoded>(DECODED_BATCHES);
    let rules = applier.local_rules();
    let fetched = std::thread::scope(|scope| {
        let decoder = std::thread::Builder::new()
            .name("dossier-decode".into())
            .spawn_scoped(scope, move || {
                crate::decode::decode(&mut rx, &dec_tx, index, rules.as_deref());
            })
            .map_err(|e| Error::Internal(format!("could not start the decoder: {e}")));
        let checkpointer = Checkpointer::start(scope, vault.db());
        let applied = decoder.and(checkpointer).and_then(|checkpointer| {
            apply_all(
                &mut applier,
                &dec_rx,
                &fb_tx,
                &checkpointer,
                options,
                client,
                &mut saved_tokens,
                &mut report,
                &mut p,
                started,
                progress,
            )?;
            Ok(checkpointer)
        });
        // Hang up, so the decoder stops; on an error the network task stops too.
        drop(dec_rx);
        drop(fb_tx);
        let checkpointer = applied.inspect_err(|_| task.abort())?;
        let fetched = done_rx
            .recv()
            .map_err(|_| Error::Internal("the network task ended without a result".into()))?;
        p.phase = Phase::Finishing;
        progress(&p);
        // Whatever the network did, what was applied gets indexed (while the last round is
        // checkpointed).
        applier.finish()?;
        drop(checkpointer);
        Ok::<_, Error>(fetched)
    })?;
    // Every round is in the database file now: the WAL can be emptied.
    if let Err(e) = vault.db().checkpoint() {
        tracing::warn!(error = %e, "could not empty the WAL after sync");
    }
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

/// Decoded batches buffered between the decoder and the applier (256 records each).
const DECODED_BATCHES: usize = 16;

/// Applies what the decoder hands over until it stops. A round (one vault transaction) takes the
/// responses already decoded, up to the options' limits; the wait for the network happens
/// outside it, so the writer is free then.
#[allow(clippy::too_many_arguments)]
fn apply_all(
    applier: &mut Applier<'_>,
    rx: &std::sync::mpsc::Receiver<Decoded>,
    fb_tx: &mpsc::UnboundedSender<Feedback>,
    checkpointer: &Checkpointer,
    options: &SyncOptions,
    client: &Client,
    saved_tokens: &mut Option<u64>,
    report: &mut Report,
    p: &mut Progress,
    started: Instant,
    progress: &dyn Fn(&Progress),
) -> Result<()> {
    let mut next = rx.recv().ok();
    while let Some(first) = next.take() {
        let round_started = Instant::now();
        let mut first = Some(first);
        applier.round(|round| {
            loop {
                let item = match first.take() {
                    Some(item) => item,
                    None => match rx.try_recv() {
                        Ok(item) => item,
                        Err(_) => return Ok(()),
                    },
                };
                let Decoded::Start { after } = item else {
                    continue;
                };
                let skip = after != round.cursor();
                let mut outcome = round.begin();
                loop {
                    match rx.recv() {
                        Ok(Decoded::Records(records)) if !skip => round.apply(records, &mut outcome)?,
                        Ok(Decoded::Records(_)) => {}
                        Ok(Decoded::End { cut, bytes }) => {
                            report.bytes += bytes;
                            outcome.cut = cut;
                            break;
                        }
                        Ok(Decoded::Start { .. }) | Err(_) => {
                            return Err(Error::Internal("the decoder stopped mid-response".into()));
                        }
                    }
                }
                if skip {
                    continue;
                }
                round.end(&outcome);
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
                progress(p);
                if let Some((_, generation)) = client.tokens()
                    && *saved_tokens != Some(generation)
                {
                    // Refreshed tokens are durable as soon as the rows they fetched.
                    session::save_in(round.tx(), client)?;
                    *saved_tokens = Some(generation);
                    return Ok(());
                }
                if round.messages() >= options.round_messages as u64
                    || round_started.elapsed() >= options.round_time
                    || round.writer_wanted()
                {
                    return Ok(());
                }
            }
        })?;
        checkpointer.after_round();
        if applier.writer_wanted() {
            // Let the waiting writer take the lock before the next round does.
            std::thread::yield_now();
        }
        next = rx.recv().ok();
    }
    Ok(())
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
