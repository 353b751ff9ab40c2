//! `dossier server …`: archive server administration: `demo` (write a synthetic archive), `init`,
//! `ingest`, `serve`, `user`, `grant` (in [`archive`]).

mod archive;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Subcommand};

/// Archive server administration.
#[derive(Args)]
pub struct ServerArgs {
    #[command(subcommand)]
    command: ServerCommand,
}

#[derive(Subcommand)]
enum ServerCommand {
    /// Write a deterministic synthetic WeCom archive directory (messages, contacts, groups, events,
    /// media, rules.json and truth.json). Same seed, same bytes.
    Demo(DemoArgs),
    /// Create a server data directory with an admin account.
    Init(archive::InitArgs),
    /// Ingest archive directories (idempotent, incremental; rules run at ingest).
    Ingest(archive::IngestArgs),
    /// Serve the API (default 127.0.0.1:7171; TLS with --tls-cert/--tls-key).
    Serve(archive::ServeArgs),
    /// Manage users: add, list, disable.
    User(archive::UserArgs),
    /// Change a user's grant (scope, window, lease, export).
    Grant(archive::GrantArgs),
}

#[derive(Args)]
struct DemoArgs {
    /// Output directory (created; must be empty or hold an earlier demo archive, which is replaced).
    #[arg(long)]
    out: PathBuf,
    /// Number of employees.
    #[arg(long, default_value_t = 40)]
    employees: usize,
    /// Number of message lines.
    #[arg(long, default_value_t = 100_000)]
    messages: u64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Split messages into numbered files above this many lines.
    #[arg(long, default_value_t = 250_000)]
    lines_per_file: u64,
}

/// Runs a `dossier server` subcommand.
pub fn run(args: ServerArgs) -> ExitCode {
    match args.command {
        ServerCommand::Demo(a) => demo(a),
        ServerCommand::Init(a) => report(archive::init(a)),
        ServerCommand::Ingest(a) => report(archive::ingest(a)),
        ServerCommand::Serve(a) => report(archive::serve(a)),
        ServerCommand::User(a) => report(archive::user(a)),
        ServerCommand::Grant(a) => report(archive::grant(a)),
    }
}

fn report(r: anyhow::Result<()>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dossier server: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn demo(a: DemoArgs) -> ExitCode {
    let options = dossier_demo::Options {
        seed: a.seed,
        employees: a.employees,
        messages: a.messages,
        lines_per_file: a.lines_per_file,
        ..dossier_demo::Options::default()
    };
    let started = Instant::now();
    let s = match dossier_demo::generate(&options, &a.out) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("dossier server demo: {e}");
            return ExitCode::from(2);
        }
    };
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    let mb = s.bytes as f64 / 1_048_576.0;
    println!("demo archive written to {}", a.out.display());
    println!(
        "  {} messages in {} file(s); {} employees, {} customers, {} groups, {} events",
        s.messages,
        s.message_files.len(),
        s.employees,
        s.customers,
        s.groups,
        s.events
    );
    println!(
        "  {} media files ({:.1} MB); truth: {} planted items, {} near misses",
        s.media_files,
        s.media_bytes as f64 / 1_048_576.0,
        s.truth_items,
        s.negatives
    );
    println!(
        "  {:.1} MB in {:.2} s: {:.0} messages/s, {:.1} MB/s",
        mb,
        secs,
        s.messages as f64 / secs,
        mb / secs
    );
    ExitCode::SUCCESS
}
