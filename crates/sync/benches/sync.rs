//! Sync throughput: `cargo bench -p dossier-sync --bench sync`.
//!
//! A demo archive (`DOSSIER_BENCH_MESSAGES`, default 1,000,000) is generated and ingested into a
//! real archive server once (kept under `DOSSIER_BENCH_DIR`, default `$CARGO_TARGET_DIR/sync-bench`,
//! so later runs start at once), served on loopback, and pulled by a scope-`all` reviewer:
//!
//! 1. floor — the same feed (same batches, zstd) fetched, decoded and parsed, each message's
//!    msgid, seq and evidence inserted into one unindexed table of a plain SQLite database;
//! 2. sync — `dossier_sync::sync` into a fresh encrypted vault and its search index (server hits
//!    included; the client runs no rules of its own during sync).
//!
//! Both run in this process against the same server, one after the other; each figure is
//! messages per second of wall time.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dossier_model::{Role, Scope};
use dossier_search::SearchIndex;
use dossier_server::http::{ServeOptions, serve};
use dossier_server::{Archive, Config, PasswordCost};
use dossier_sync::{Client, ClientOptions, Phase, Progress, SyncOptions};
use dossier_vault::{CreateOptions, KdfParams, KeySource, Passphrase, Profile, Queries};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The allocator of the binaries that sync (the app and the CLI).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PASSWORD: &str = "bench correct horse";
const BATCH: usize = 10_000;

type BoxError = Box<dyn std::error::Error>;

fn main() -> Result<(), BoxError> {
    let n: u64 = std::env::var("DOSSIER_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let base = std::env::var_os("DOSSIER_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into()))
                .join("sync-bench")
        });
    let data = prepare(&base.join(n.to_string()), n)?;
    let archive = Arc::new(Archive::open(&data, config())?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let running = rt.block_on(serve(
        archive,
        ServeOptions {
            listen: "127.0.0.1:0".parse()?,
            tls: None,
            allow_insecure_http: false,
        },
    ))?;
    let url = format!("http://{}", running.addr);
    let work = tempfile::tempdir_in(&base)?;

    let cpu0 = cpu_secs();
    let (floor_msgs, floor_time, floor_bytes) = floor(&rt, &url, &work.path().join("floor.db"))?;
    let floor_cpu = cpu_secs() - cpu0;
    let floor_rate = floor_msgs as f64 / floor_time.as_secs_f64();
    println!(
        "floor: {floor_msgs} messages ({:.1} MiB compressed) fetched, parsed and inserted into an unindexed plain SQLite table in {:.2} s: {floor_rate:.0} messages/s; {floor_cpu:.2} CPU-s (server included): {:.0} messages per CPU-second",
        floor_bytes as f64 / (1 << 20) as f64,
        floor_time.as_secs_f64(),
        floor_msgs as f64 / floor_cpu
    );

    let vault = Profile::create(
        &work.path().join("profile"),
        KeySource::Passphrase(Passphrase::new("bench pass")?),
        &CreateOptions {
            kdf: KdfParams {
                m_kib: 256,
                t: 1,
                p: 1,
            },
        },
    )?;
    let index = SearchIndex::open(&vault)?;
    let client = Client::new(&url, ClientOptions::default(), rt.handle().clone())?;
    rt.block_on(client.login("bench", PASSWORD))?;
    let started = Instant::now();
    let cpu0 = cpu_secs();
    // When the last response was applied (the rest is the index's last commit and merges).
    let finishing = std::sync::Mutex::new(None);
    let report = dossier_sync::sync(
        &vault,
        &index,
        &client,
        &SyncOptions::default(),
        &|p: &Progress| {
            if p.phase == Phase::Finishing {
                *finishing.lock().unwrap() = Some(Instant::now());
            }
        },
    )?;
    let sync_time = started.elapsed();
    let finish_time = finishing
        .into_inner()
        .unwrap()
        .map_or(Duration::ZERO, |at| at.elapsed());
    let sync_cpu = cpu_secs() - cpu0;
    let sync_rate = report.messages as f64 / sync_time.as_secs_f64();
    let stored = vault.db().read(|r| r.message_count())?;
    index.reload()?;
    println!(
        "sync: {} messages ({} records, {} batches) into the encrypted vault + search index in {:.2} s: {sync_rate:.0} messages/s; vault holds {stored}, index {} documents",
        report.messages,
        report.records,
        report.batches,
        sync_time.as_secs_f64(),
        index.num_docs()
    );
    println!(
        "sync: {sync_cpu:.2} CPU-s (server included): {:.0} messages per CPU-second; the last {:.2} s after the last response (index commit and merges)",
        report.messages as f64 / sync_cpu,
        finish_time.as_secs_f64()
    );
    println!(
        "sync / floor: {:.0}% by wall time, {:.0}% by CPU time (targets: >= 50000 messages/s, >= 40% of the floor)",
        100.0 * sync_rate / floor_rate,
        100.0 * floor_cpu / sync_cpu * report.messages as f64 / floor_msgs as f64
    );
    // The machine is shared: the load average says how much the wall times are to be trusted.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average during the run: {}",
            load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
    }
    drop(index);
    drop(vault);
    rt.block_on(running.shutdown());
    Ok(())
}

fn config() -> Config {
    Config {
        password_cost: PasswordCost::LOW,
        ..Config::default()
    }
}

/// The server data directory for `n` demo messages, made once.
fn prepare(dir: &Path, n: u64) -> Result<PathBuf, BoxError> {
    let data = dir.join("data");
    let done = dir.join("ready");
    if done.exists() {
        return Ok(data);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let src = dir.join("archive");
    let t = Instant::now();
    let opts = dossier_demo::Options {
        seed: 42,
        employees: 200,
        messages: n,
        ..dossier_demo::Options::default()
    };
    dossier_demo::generate(&opts, &src)?;
    println!(
        "demo archive: {n} messages generated in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let (archive, _) = Archive::init(&data, "admin", Some(PASSWORD.into()), config())?;
    let report = dossier_server::ingest::ingest_dir(
        &archive,
        &src,
        &dossier_server::ingest::Options {
            scan_images: false,
            ..Default::default()
        },
    )?;
    archive.add_user(
        "bench",
        Role::Reviewer,
        PASSWORD,
        dossier_model::Grant {
            scope: Scope::All,
            window: (None, None),
            lease_secs: 7 * 24 * 3600,
            export_allowed: false,
        },
    )?;
    println!(
        "ingest: {} messages in {:.1} s",
        report.messages_new,
        t.elapsed().as_secs_f64()
    );
    std::fs::remove_dir_all(&src)?;
    std::fs::write(done, b"")?;
    Ok(data)
}

/// What the floor reads of a record.
#[derive(Deserialize)]
struct FloorLine<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    seq: i64,
    #[serde(default)]
    msgid: Option<&'a str>,
    #[serde(borrow, default)]
    raw: Option<&'a RawValue>,
    #[serde(default)]
    more: Option<bool>,
}

/// Fetches the feed in the same batches, decodes and parses every record, inserts messages into
/// one unindexed plain table. Returns messages, time, compressed bytes.
fn floor(rt: &tokio::runtime::Runtime, url: &str, db: &Path) -> Result<(u64, Duration, u64), BoxError> {
    // The baseline must be plain and unindexed, so it opens SQLite directly (not through the vault).
    #[allow(clippy::disallowed_methods)]
    let conn = dossier_vault::rusqlite::Connection::open(db)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA page_size = 16384;
         CREATE TABLE messages (seq INTEGER NOT NULL, msgid TEXT NOT NULL, raw TEXT NOT NULL);",
    )?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let token: String = rt.block_on(async {
        let v: serde_json::Value = http
            .post(format!("{url}/api/v1/login"))
            .json(&serde_json::json!({"name": "bench", "password": PASSWORD}))
            .send()
            .await?
            .json()
            .await?;
        Ok::<_, reqwest::Error>(v["access_token"].as_str().unwrap_or_default().to_owned())
    })?;
    let started = Instant::now();
    let (mut after, mut messages, mut bytes) = (0i64, 0u64, 0u64);
    let mut line = Vec::new();
    loop {
        let body = rt.block_on(async {
            http.get(format!("{url}/api/v1/feed?after={after}&limit={BATCH}"))
                .bearer_auth(&token)
                .header("accept-encoding", "zstd")
                .send()
                .await?
                .error_for_status()?
                .bytes()
                .await
        })?;
        bytes += body.len() as u64;
        let mut reader = BufReader::with_capacity(256 << 10, zstd::stream::read::Decoder::new(&body[..])?);
        let tx = conn.unchecked_transaction()?;
        let mut more = false;
        {
            let mut insert =
                tx.prepare_cached("INSERT INTO messages (seq, msgid, raw) VALUES (?1, ?2, ?3)")?;
            loop {
                line.clear();
                if reader.read_until(b'\n', &mut line)? == 0 {
                    break;
                }
                let rec: FloorLine<'_> = serde_json::from_slice(&line)?;
                match rec.kind {
                    "message" => {
                        let raw = rec.raw.map_or("", |r| r.get());
                        insert.execute(dossier_vault::rusqlite::params![
                            rec.seq,
                            rec.msgid.unwrap_or(""),
                            raw
                        ])?;
                        messages += 1;
                    }
                    "cursor" => {
                        after = rec.seq;
                        more = rec.more.unwrap_or(false);
                    }
                    _ => {}
                }
            }
            let mut rest = Vec::new();
            reader.read_to_end(&mut rest)?;
        }
        tx.commit()?;
        if !more {
            break;
        }
    }
    Ok((messages, started.elapsed(), bytes))
}

/// CPU time of this process so far (user + system), seconds; 0 where `/proc` is absent.
fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line: indices 11 and 12 after the name.
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| f.get(*i)?.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}
