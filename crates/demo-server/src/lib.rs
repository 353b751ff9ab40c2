//! The demo's embedded archive server, so the app shows a full archive on a machine with no server:
//! a generated archive ([`dossier_demo`]) is ingested once into a server data directory, then served on
//! loopback (never another interface) with demo accounts whose password is [`DEMO_PASSWORD`].
//!
//! The data is synthetic and the server binds 127.0.0.1 on a free port, so the well-known password
//! exposes nothing; a real server never uses this crate.
#![deny(missing_docs)]

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dossier_model::Role;
use dossier_server::{Archive, Config, http, ingest};

/// Password of every demo account (synthetic data, loopback only).
pub const DEMO_PASSWORD: &str = "dossier-demo";
/// The demo reviewer (sees everything).
pub const REVIEWER: &str = "reviewer";
/// The demo auditor (sees everything, cannot annotate).
pub const AUDITOR: &str = "auditor";
/// The demo administrator.
pub const ADMIN: &str = "admin";

/// Which demo archive to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Generator seed.
    pub seed: u64,
    /// Messages to generate.
    pub messages: u64,
    /// Employees to generate.
    pub employees: usize,
}

impl Default for Spec {
    /// 20,000 messages among 40 employees: a few seconds to build, enough to show every feature.
    fn default() -> Self {
        Spec {
            seed: 1,
            messages: 20_000,
            employees: 40,
        }
    }
}

impl Spec {
    /// The directory name of this spec under the demo root, so a different spec never reuses another's data.
    fn dir_name(&self) -> String {
        format!("seed{}-m{}-e{}", self.seed, self.messages, self.employees)
    }
}

/// Demo server failures.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Generating the archive failed.
    #[error("generating the demo archive: {0}")]
    Generate(#[from] dossier_demo::DemoError),
    /// The server failed (store, ingest, bind).
    #[error("demo server: {0}")]
    Server(#[from] dossier_server::Error),
    /// A file operation failed.
    #[error("demo server: {what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The blocking build task failed.
    #[error("demo server: {0}")]
    Task(#[from] tokio::task::JoinError),
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_owned();
    move |source| Error::Io { what, path, source }
}

/// Builds the demo server data directory under `root` unless a complete one exists, and returns it.
///
/// Built in a sibling temporary directory and renamed into place, so an interrupted build is never
/// mistaken for a finished one (the next call starts over).
pub fn prepare(root: &Path, spec: &Spec) -> Result<PathBuf, Error> {
    let done = root.join(spec.dir_name());
    if done.join("server").is_dir() {
        return Ok(done);
    }
    let building = root.join(format!("{}.building", spec.dir_name()));
    if building.exists() {
        std::fs::remove_dir_all(&building).map_err(io("remove an interrupted build", &building))?;
    }
    std::fs::create_dir_all(&building).map_err(io("create", &building))?;
    let archive_dir = building.join("archive");
    let options = dossier_demo::Options {
        seed: spec.seed,
        messages: spec.messages,
        employees: spec.employees,
        ..dossier_demo::Options::default()
    };
    let summary = dossier_demo::generate(&options, &archive_dir)?;
    let (archive, _) = Archive::init(
        &building.join("server"),
        ADMIN,
        Some(DEMO_PASSWORD.to_owned()),
        Config::default(),
    )?;
    let report = ingest::ingest_dir(&archive, &archive_dir, &ingest::Options::default())?;
    let everything = dossier_server::all_grant();
    archive.add_user(REVIEWER, Role::Reviewer, DEMO_PASSWORD, everything.clone())?;
    archive.add_user(AUDITOR, Role::Auditor, DEMO_PASSWORD, everything)?;
    drop(archive);
    tracing::info!(
        messages = summary.messages,
        ingested = report.messages_new,
        hits = report.hits,
        "demo archive built"
    );
    std::fs::rename(&building, &done).map_err(io("finish", &done))?;
    Ok(done)
}

/// A running demo server.
#[derive(Debug)]
pub struct DemoServer {
    /// Base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    /// The server data directory.
    pub data: PathBuf,
    /// `None` once shut down.
    running: Option<http::Running>,
}

// An embedded server lives exactly as long as its handle (the app drops it with the demo profile).
impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(running) = &self.running {
            running.stop();
        }
    }
}

impl DemoServer {
    /// Stops the server and waits for it to end.
    pub async fn shutdown(mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
    }
}

/// Prepares (once) and starts the demo server on a free loopback port.
pub async fn start(root: &Path, spec: &Spec) -> Result<DemoServer, Error> {
    let (root, spec) = (root.to_owned(), spec.clone());
    let dir = tokio::task::spawn_blocking(move || prepare(&root, &spec)).await??;
    let data = dir.join("server");
    let archive = Arc::new(Archive::open(&data, Config::default())?);
    let running = http::serve(
        archive,
        http::ServeOptions {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tls: None,
            allow_insecure_http: false,
        },
    )
    .await?;
    let url = format!("http://{}", running.addr);
    tracing::info!(%url, "demo server listening");
    Ok(DemoServer {
        url,
        data,
        running: Some(running),
    })
}
