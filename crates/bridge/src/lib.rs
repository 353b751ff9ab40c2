//! The loopback HTTP bridge, for development and tests only: it serves the built UI (`ui/dist`)
//! and every command the desktop shell registers, as `POST /api/<command>` with the command's
//! arguments as a JSON body (camelCase, as the window sends them over IPC), answered by the same
//! `dossier_api` functions. Browser tests drive the real UI against the real API this way
//! (issue 9); the desktop app never depends on this crate (DESIGN.md "Local attack surface").
//!
//! - Binds `127.0.0.1` only, on a port the OS picks.
//! - A random token per run: `/api/*` needs `Authorization: Bearer <token>`, `/media/*` (loaded by
//!   `<img>`, which cannot send headers) the same token as `?token=`. Anything else is 401. The UI
//!   files are served without it: they hold no data (the page reads the token from its
//!   `#bridge=<token>` fragment, which never reaches the server).
//! - Errors are the API's `ApiError {code, message}` with a 4xx/5xx status.
//! - Progress channels are not bridged; the UI polls `sync_status`.
#![deny(missing_docs)]

mod commands;
mod http;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use dossier_api::demo::DemoSpec;

pub use commands::COMMANDS;
pub use state::Bridge;

/// What to serve.
#[derive(Clone, Debug)]
pub struct Config {
    /// The built UI (`ui/dist`).
    pub dist: PathBuf,
    /// One sub-directory per profile.
    pub profiles_root: PathBuf,
    /// Where the demo keeps its server data and profile.
    pub demo_root: PathBuf,
    /// Open the demo before serving (`--demo`).
    pub demo: Option<DemoSpec>,
    /// Where `save_media_copy` writes (the shell: the user's Downloads).
    pub downloads: PathBuf,
}

/// A running bridge; stops when dropped.
pub struct Running {
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    /// The per-run token.
    pub token: String,
    /// The bound address.
    pub addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A fresh random token: 32 bytes from the OS-seeded generator, hex.
fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Opens the demo when asked, binds loopback and serves until the returned handle drops.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    let bridge = Bridge::new(
        config.profiles_root.clone(),
        config.demo_root.clone(),
        config.demo.clone().unwrap_or_default(),
        config.downloads.clone(),
    );
    if config.demo.is_some() {
        bridge
            .open_demo(dossier_api::demo::REVIEWER)
            .await
            .context("opening the demo")?;
    }
    let token = new_token();
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .await
        .context("binding 127.0.0.1")?;
    let addr = listener.local_addr()?;
    let app = http::router(bridge, token.clone(), config.dist);
    let server = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "bridge server stopped");
        }
    });
    Ok(Running {
        url: format!("http://{addr}/"),
        token,
        addr,
        server,
    })
}
