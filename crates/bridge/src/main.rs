//! `dossier-bridge [--demo [--demo-messages N]] [--dist DIR]`: serves the UI and the API on
//! loopback for browser tests; prints `{"url": …, "token": …}` on one line when ready and runs
//! until interrupted or until its standard input closes (the test driver went away).
//! `DOSSIER_PROFILES_DIR`, `DOSSIER_DEMO_DIR` and `DOSSIER_DOWNLOADS_DIR` place its files; each one
//! not set is a temporary directory removed on exit.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, bail};
use dossier_api::demo::DemoSpec;
use dossier_bridge::Config;

struct Args {
    demo: Option<DemoSpec>,
    dist: PathBuf,
}

fn parse() -> anyhow::Result<Args> {
    let mut demo = None;
    // The workspace's ui/dist by default: this is a development tool run from the checkout.
    let mut dist = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/dist"));
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--demo" => demo = Some(demo.unwrap_or_else(DemoSpec::default)),
            "--demo-messages" => {
                let n: u64 = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .context("--demo-messages needs a positive number")?;
                demo = Some(DemoSpec {
                    messages: n,
                    ..demo.unwrap_or_default()
                });
            }
            "--dist" => dist = args.next().context("--dist needs a directory")?.into(),
            other => bail!("unknown argument {other:?} (known: --demo, --demo-messages N, --dist DIR)"),
        }
    }
    Ok(Args { demo, dist })
}

/// `var`'s directory, or a fresh temporary one removed on exit.
fn dir_from(var: &str, temp: &mut Vec<tempfile::TempDir>) -> anyhow::Result<PathBuf> {
    if let Some(d) = std::env::var_os(var) {
        return Ok(d.into());
    }
    let t = tempfile::Builder::new()
        .prefix("dossier-bridge-")
        .tempdir()
        .context("creating a temporary directory")?;
    let p = t.path().to_owned();
    temp.push(t);
    Ok(p)
}

/// Resolves on SIGTERM (how test drivers stop a child); never elsewhere.
#[cfg(unix)]
fn terminated() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    Ok(async move {
        term.recv().await;
    })
}

#[cfg(not(unix))]
fn terminated() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(std::future::pending())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let args = parse()?;
    if !args.dist.join("index.html").exists() {
        bail!(
            "{} has no index.html: build the UI first (npm run build in ui/)",
            args.dist.display()
        );
    }
    let mut temp = Vec::new();
    let config = Config {
        dist: args.dist,
        profiles_root: dir_from("DOSSIER_PROFILES_DIR", &mut temp)?,
        demo_root: dir_from("DOSSIER_DEMO_DIR", &mut temp)?,
        demo: args.demo,
        downloads: dir_from("DOSSIER_DOWNLOADS_DIR", &mut temp)?,
    };
    let running = dossier_bridge::start(config).await?;
    println!(
        "{}",
        serde_json::json!({ "url": running.url, "token": running.token })
    );

    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = [0u8; 256];
        while matches!(std::io::stdin().read(&mut sink), Ok(n) if n > 0) {}
        let _ = closed_tx.send(());
    });
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminated()? => {}
        _ = closed_rx => {}
    }
    drop(running);
    drop(temp);
    // Exit without waiting for the runtime to wind down: background work of the api (media
    // prefetch after a sync) may still be running on the blocking pool, and a test run is over.
    std::process::exit(0)
}
