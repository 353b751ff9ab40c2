//! `dossier sync`: signs in, creates the profile on first use, syncs it through
//! `dossier_api::sync`, and shows progress (a bar on a terminal, plain lines otherwise).

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use dossier_api::sync::{SyncProgress, SyncRequest, SyncSummary, sync_profile};
use dossier_api::{ApiError, ErrorCode};

use super::ProfileOpts;

/// `dossier sync --server URL --user NAME --profile DIR [--password-stdin] [--passphrase-env VAR]`
#[derive(Args, Debug)]
pub struct SyncArgs {
    #[command(flatten)]
    profile: ProfileOpts,
    /// The archive server (`https://host:port`; plain `http://` only on this machine).
    #[arg(long, value_name = "URL")]
    server: String,
    /// The account to sign in as.
    #[arg(long, value_name = "NAME")]
    user: String,
    /// Read the password from the first line of stdin and sign in afresh (needed the first
    /// time); without it the session stored in the profile is used.
    #[arg(long)]
    password_stdin: bool,
    /// Print the summary as JSON (progress still goes to stderr).
    #[arg(long)]
    json: bool,
}

/// Runs `dossier sync`: 0 on success, 2 when the user must act (sign in, bad input, lease), 1
/// otherwise.
pub fn run(args: SyncArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dossier sync: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(main(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dossier sync: {e:#}");
            let user_must_act = e.downcast_ref::<ApiError>().is_some_and(|a| {
                matches!(
                    a.code,
                    ErrorCode::BadInput
                        | ErrorCode::SignInRequired
                        | ErrorCode::WrongPassphrase
                        | ErrorCode::Forbidden
                )
            });
            ExitCode::from(if user_must_act { 2 } else { 1 })
        }
    }
}

async fn main(args: SyncArgs) -> anyhow::Result<()> {
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        Some(line.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        None
    };
    let req = SyncRequest {
        server: args.server.clone(),
        user: args.user.clone(),
        password,
    };
    let shown = Shown::new(std::io::stderr().is_terminal());
    let (_session, summary) = sync_profile(args.profile.args()?, req, move |p| shown.show(p))
        .await
        .with_context(|| format!("syncing {} from {}", args.profile.profile.display(), args.server))?;
    print_summary(&summary, args.json)
}

fn print_summary(s: &SyncSummary, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(s)?)?;
    } else {
        writeln!(
            out,
            "{}synced {} messages ({} records, {}) in {:.1} s; cursor {}{}{}",
            if s.created { "created the profile; " } else { "" },
            s.messages,
            s.records,
            human_bytes(s.bytes),
            s.seconds,
            s.cursor,
            if s.purged > 0 {
                format!("; {} purged by a grant change", s.purged)
            } else {
                String::new()
            },
            if s.uploaded + s.conflicts + s.audit_uploaded > 0 {
                format!(
                    "; uploaded {} annotation writes ({} conflicts kept) and {} audit records",
                    s.uploaded, s.conflicts, s.audit_uploaded
                )
            } else {
                String::new()
            },
        )?;
    }
    Ok(())
}

/// Progress on stderr: a redrawn bar on a terminal, a line per second (and per phase) otherwise.
struct Shown {
    tty: bool,
    last: Mutex<(Option<Instant>, String)>,
}

impl Shown {
    fn new(tty: bool) -> Self {
        Shown {
            tty,
            last: Mutex::new((None, String::new())),
        }
    }

    fn show(&self, p: &SyncProgress) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let phase_changed = last.1 != p.phase;
        let due = last.0.is_none_or(|t| {
            now.duration_since(t) >= Duration::from_millis(if self.tty { 100 } else { 1000 })
        });
        if !(due || phase_changed || p.phase == "done") {
            return;
        }
        *last = (Some(now), p.phase.clone());
        let eta = p
            .eta_secs
            .filter(|_| p.phase == "syncing")
            .map(|s| format!(" ETA {}", human_secs(s)))
            .unwrap_or_default();
        let figures = format!(
            "{} messages, {}, {:.0} msg/s, seq {}/{}{eta}",
            p.messages,
            human_bytes(p.bytes),
            p.rate,
            p.cursor,
            p.head
        );
        let mut err = std::io::stderr().lock();
        if self.tty {
            const WIDTH: usize = 30;
            let filled = ((p.fraction * WIDTH as f64).round() as usize).min(WIDTH);
            let _ = write!(
                err,
                "\r\x1b[2K{:<10} [{}{}] {:>3.0}% {figures}",
                p.phase,
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                p.fraction * 100.0
            );
            if p.phase == "done" {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "sync: {}: {figures}", p.phase);
        }
        let _ = err.flush();
    }
}

fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

fn human_secs(s: f64) -> String {
    let s = s.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s / 60 % 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}
