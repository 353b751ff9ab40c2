//! Server benchmark: prints figures, times nothing as a test.
//!
//! `cargo bench -p dossier-server --bench feed` generates a demo archive (or uses
//! `DOSSIER_BENCH_ARCHIVE`), ingests it, then measures for a reviewer scoped to half the org:
//! - the floor: reading the same message rows from SQLite and nothing else;
//! - the feed in-process (scope filter + NDJSON + zstd);
//! - the feed over HTTP on loopback through reqwest, decompressing, as a client would.
//!
//! `DOSSIER_BENCH_MESSAGES` (default 1,000,000) sets the archive size.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use dossier_model::{Grant, Role, Scope, UserId};
use dossier_server::store::SqliteStorage;
use dossier_server::{Archive, Config, PasswordCost, feed, ingest};

fn main() {
    if let Err(e) = run() {
        eprintln!("bench failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::var("DOSSIER_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let tmp = tempfile::tempdir()?;
    let src = match std::env::var_os("DOSSIER_BENCH_ARCHIVE") {
        Some(p) => PathBuf::from(p),
        None => {
            let dir = tmp.path().join("archive");
            let t = Instant::now();
            let opts = dossier_demo::Options {
                messages: n,
                employees: 200,
                ..dossier_demo::Options::default()
            };
            dossier_demo::generate(&opts, &dir)?;
            println!(
                "demo archive: {n} messages, 200 employees, generated in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            dir
        }
    };
    let data = tmp.path().join("data");
    let config = Config {
        password_cost: PasswordCost::LOW,
        ..Config::default()
    };
    let (archive, _) = Archive::init(&data, "admin", Some("benchmark-password".into()), config.clone())?;

    let t = Instant::now();
    let report = ingest::ingest_dir(&archive, &src, &ingest::Options::default())?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "ingest: {} messages ({} hits) in {:.1} s: {:.0} messages/s (messages phase {:.1} s: {:.0} messages/s; rules and QR scan included)",
        report.messages_new,
        report.hits,
        secs,
        report.messages_new as f64 / secs,
        report.message_secs,
        report.messages_new as f64 / report.message_secs
    );

    // A reviewer scoped to half the employees.
    let (_, emps) = archive.store().org()?;
    let half: Vec<UserId> = emps
        .iter()
        .take(emps.len() / 2)
        .map(|e| e.userid.clone())
        .collect();
    let grant = Grant {
        scope: Scope::Employees(half.clone()),
        window: (None, None),
        lease_secs: 86_400,
        export_allowed: false,
    };
    let user = archive.add_user("rev", Role::Reviewer, "benchmark-password", grant)?;
    println!("reviewer scoped to {} of {} employees", half.len(), emps.len());

    // Floor: the same message rows, read from SQLite and nothing else.
    let floor_store = SqliteStorage::open(&data.join("dossier.db"))?;
    let t = Instant::now();
    let (rows, bytes) = floor_store.scan_messages_raw()?;
    let floor = t.elapsed().as_secs_f64();
    println!(
        "floor (read every message row from SQLite): {rows} rows, {:.0} MB in {:.2} s: {:.0} rows/s",
        bytes as f64 / 1e6,
        floor,
        rows as f64 / floor
    );

    // Storage::changes: every log row loaded into owned items, nothing filtered (the path the
    // backfill planner of a grant change takes; the feed streams borrowed rows instead).
    let t = Instant::now();
    let (mut after, mut loaded) = (0, 0usize);
    loop {
        let rows = archive.store().changes(user.id, after, 10_000)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        loaded += rows.len();
    }
    let load = t.elapsed().as_secs_f64();
    println!(
        "Storage::changes (owned rows, unfiltered; the backfill planner's path): {loaded} rows in {load:.2} s: {:.0} rows/s",
        loaded as f64 / load
    );

    // The feed in-process: filter, NDJSON (zstd timed apart).
    let t = Instant::now();
    let (mut after, mut encoded) = (0, 0usize);
    loop {
        let b = feed::read(&archive, &user, after, 5000)?;
        encoded += b.body.len();
        after = b.cursor;
        if !b.more {
            break;
        }
    }
    let enc = t.elapsed().as_secs_f64();
    println!(
        "feed filter + NDJSON, no compression: {:.0} MB in {enc:.2} s",
        encoded as f64 / 1e6
    );

    // The feed in-process: filter, NDJSON, zstd.
    let t = Instant::now();
    let (mut after, mut msgs, mut raw_bytes, mut zbytes) = (0, 0usize, 0usize, 0usize);
    loop {
        let b = feed::read(&archive, &user, after, 5000)?;
        let z = zstd::bulk::compress(&b.body, 1)?;
        msgs += b.messages;
        raw_bytes += b.body.len();
        zbytes += z.len();
        after = b.cursor;
        if !b.more {
            break;
        }
    }
    let inproc = t.elapsed().as_secs_f64();
    println!(
        "feed in-process: {msgs} messages to the reviewer ({:.0} MB NDJSON, {:.0} MB zstd) in {:.2} s: {:.0} messages/s delivered, {:.0} log rows/s scanned ({:.0}% of the floor's rows/s)",
        raw_bytes as f64 / 1e6,
        zbytes as f64 / 1e6,
        inproc,
        msgs as f64 / inproc,
        rows as f64 / inproc,
        100.0 * floor / inproc
    );

    // The feed over HTTP on loopback.
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let archive = Arc::new(Archive::open(&data, config)?);
        let running = dossier_server::http::serve(
            archive,
            dossier_server::http::ServeOptions { listen: "127.0.0.1:0".parse()?, tls: None, allow_insecure_http: false },
        )
        .await?;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().build()?;
        let base = format!("http://{}/api/v1", running.addr);
        let login: serde_json::Value = http
            .post(format!("{base}/login"))
            .json(&serde_json::json!({"name": "rev", "password": "benchmark-password"}))
            .send()
            .await?
            .json()
            .await?;
        let token = login["access_token"].as_str().unwrap_or_default().to_owned();
        let t = Instant::now();
        let (mut after, mut msgs, mut requests) = (0i64, 0usize, 0usize);
        loop {
            let r = http
                .get(format!("{base}/feed?after={after}&limit=5000"))
                .bearer_auth(&token)
                .header("accept-encoding", "zstd")
                .send()
                .await?;
            let body = r.bytes().await?;
            let mut text = String::new();
            zstd::Decoder::new(&body[..])?.read_to_string(&mut text)?;
            requests += 1;
            let mut more = false;
            for line in text.lines() {
                if line.starts_with("{\"type\":\"message\"") {
                    msgs += 1;
                } else if line.contains("\"type\":\"cursor\"") {
                    let v: serde_json::Value = serde_json::from_str(line)?;
                    after = v["seq"].as_i64().unwrap_or(after);
                    more = v["more"].as_bool().unwrap_or(false);
                }
            }
            if !more {
                break;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "feed over HTTP (loopback, zstd, {requests} requests): {msgs} messages in {:.2} s: {:.0} messages/s ({:.0}% of the floor's rows/s in log rows)",
            secs,
            msgs as f64 / secs,
            100.0 * floor / secs
        );
        running.shutdown().await;
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    Ok(())
}
