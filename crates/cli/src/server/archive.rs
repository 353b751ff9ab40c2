//! `dossier server init | ingest | serve | user | grant`: the archive server's administration.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use dossier_model::{Grant, Role};
use dossier_server::{Archive, Config, http, ingest, parse_role, scope};

/// `server init`.
#[derive(Args)]
pub struct InitArgs {
    /// Data directory to create (database and media store).
    #[arg(long)]
    data: PathBuf,
    /// Name of the admin account.
    #[arg(long, default_value = "admin")]
    admin: String,
    /// Read the admin password from the first line of standard input (else one is generated and
    /// printed once).
    #[arg(long)]
    password_stdin: bool,
}

/// `server ingest`.
#[derive(Args)]
pub struct IngestArgs {
    /// Data directory.
    #[arg(long)]
    data: PathBuf,
    /// Archive directories, ingested in order.
    #[arg(required = true)]
    archives: Vec<PathBuf>,
    /// Do not decode images for QR codes (faster on big archives).
    #[arg(long)]
    no_image_scan: bool,
}

/// `server serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Data directory.
    #[arg(long)]
    data: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7171")]
    listen: SocketAddr,
    /// TLS certificate chain (PEM).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Allow plain HTTP on a non-loopback address (only behind a TLS-terminating proxy).
    #[arg(long)]
    allow_insecure_http: bool,
}

/// `server user`.
#[derive(Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user (admin, reviewer or auditor) with a scope.
    Add(UserAddArgs),
    /// List users with their roles and grants.
    List {
        /// Data directory.
        #[arg(long)]
        data: PathBuf,
    },
    /// Disable a user: sign-in refused, sessions revoked.
    Disable {
        /// Data directory.
        #[arg(long)]
        data: PathBuf,
        /// Account name.
        #[arg(long)]
        name: String,
    },
}

#[derive(Args)]
struct GrantFlags {
    /// Time window start: ms since the epoch or YYYY-MM-DD (UTC).
    #[arg(long)]
    from: Option<String>,
    /// Time window end (exclusive): ms since the epoch or YYYY-MM-DD (UTC).
    #[arg(long)]
    to: Option<String>,
    /// Offline lease, days.
    #[arg(long)]
    lease_days: Option<u64>,
    /// Whether the user may export evidence.
    #[arg(long)]
    export: Option<bool>,
}

#[derive(Args)]
struct UserAddArgs {
    /// Data directory.
    #[arg(long)]
    data: PathBuf,
    /// Account name.
    #[arg(long)]
    name: String,
    /// admin, reviewer or auditor.
    #[arg(long)]
    role: String,
    /// all, dept:ID,… (with sub-departments) or emp:USERID,…
    #[arg(long, default_value = "all")]
    scope: String,
    #[command(flatten)]
    grant: GrantFlags,
    /// Read the password from the first line of standard input (else one is generated and
    /// printed once).
    #[arg(long)]
    password_stdin: bool,
}

/// `server grant`.
#[derive(Args)]
pub struct GrantArgs {
    /// Data directory.
    #[arg(long)]
    data: PathBuf,
    /// Account name.
    #[arg(long)]
    name: String,
    /// New scope: all, dept:ID,… or emp:USERID,… (unchanged when left out).
    #[arg(long)]
    scope: Option<String>,
    #[command(flatten)]
    grant: GrantFlags,
    /// Remove the time window.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    no_window: bool,
}

fn open(data: &Path) -> Result<Archive> {
    Archive::open(data, Config::default()).with_context(|| format!("opening {}", data.display()))
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn window_bound(s: &Option<String>) -> Result<Option<i64>> {
    s.as_deref()
        .map(scope::parse_time)
        .transpose()
        .map_err(Into::into)
}

/// Runs `server init`.
pub fn init(a: InitArgs) -> Result<()> {
    let password = if a.password_stdin {
        Some(read_password()?)
    } else {
        None
    };
    let (_, generated) = Archive::init(&a.data, &a.admin, password, Config::default())
        .with_context(|| format!("initialising {}", a.data.display()))?;
    println!("Dossier server data directory created at {}", a.data.display());
    match generated {
        Some(pw) => println!("admin account `{}`; password (shown once): {pw}", a.admin),
        None => println!("admin account `{}` created", a.admin),
    }
    Ok(())
}

/// Runs `server ingest`.
pub fn ingest(a: IngestArgs) -> Result<()> {
    let archive = open(&a.data)?;
    let options = ingest::Options {
        scan_images: !a.no_image_scan,
        ..ingest::Options::default()
    };
    for dir in &a.archives {
        let started = Instant::now();
        let r = ingest::ingest_dir(&archive, dir, &options)
            .with_context(|| format!("ingesting {}", dir.display()))?;
        let secs = started.elapsed().as_secs_f64();
        for p in &r.problems {
            eprintln!("{}: {p}", dir.display());
        }
        if r.problem_count > r.problems.len() as u64 {
            eprintln!("{}: … {} problems in all", dir.display(), r.problem_count);
        }
        println!(
            "{}: {} messages read, {} new ({} hits) in {:.1} s ({:.0} messages/s)",
            dir.display(),
            r.messages_read,
            r.messages_new,
            r.hits,
            r.message_secs,
            r.messages_read as f64 / r.message_secs.max(1e-9)
        );
        println!(
            "  org {} changed, contacts {} changed, groups {} changed, events {} new, media {} new, rules {}, users re-scoped {}, {} problems; {:.1} s in all",
            r.org_changed,
            r.contacts_changed,
            r.groups_changed,
            r.events_new,
            r.media_new,
            if r.rules_changed { "changed" } else { "unchanged" },
            r.regranted,
            r.problem_count,
            secs
        );
    }
    Ok(())
}

/// Runs `server serve` until interrupted.
pub fn serve(a: ServeArgs) -> Result<()> {
    let archive = Arc::new(open(&a.data)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async move {
        let options = http::ServeOptions {
            listen: a.listen,
            tls: a.tls_cert.zip(a.tls_key),
            allow_insecure_http: a.allow_insecure_http,
        };
        let running = http::serve(archive, options).await?;
        let scheme = if running.tls { "https" } else { "http" };
        println!("Dossier server listening on {scheme}://{}/api/v1", running.addr);
        tokio::select! {
            r = tokio::signal::ctrl_c() => {
                r.context("waiting for Ctrl-C")?;
                println!("shutting down");
                Ok(())
            }
            r = running.wait() => r.context("serving"),
        }
    })
}

/// Runs `server user …`.
pub fn user(a: UserArgs) -> Result<()> {
    match a.command {
        UserCommand::Add(u) => {
            let archive = open(&u.data)?;
            let role = parse_role(&u.role)?;
            let grant = Grant {
                scope: scope::parse_scope(&u.scope)?,
                window: (window_bound(&u.grant.from)?, window_bound(&u.grant.to)?),
                lease_secs: u.grant.lease_days.unwrap_or(7) * 86_400,
                export_allowed: u.grant.export.unwrap_or(false),
            };
            let (password, generated) = if u.password_stdin {
                (read_password()?, false)
            } else {
                (dossier_server::auth::generate_password(), true)
            };
            let rec = archive.add_user(&u.name, role, &password, grant)?;
            println!("user `{}` added as {}", rec.name, role_name(rec.role));
            if generated {
                println!("password (shown once): {password}");
            }
        }
        UserCommand::List { data } => {
            let archive = open(&data)?;
            for (u, g) in archive.users()? {
                println!(
                    "{}\t{}\t{}\t{}\t{} employees\twindow {:?}..{:?}\tlease {} d\texport {}",
                    u.name,
                    role_name(u.role),
                    if u.disabled { "disabled" } else { "active" },
                    scope_text(&g.grant.scope),
                    if g.resolved.all {
                        "all".to_owned()
                    } else {
                        g.resolved.employees.len().to_string()
                    },
                    g.grant.window.0,
                    g.grant.window.1,
                    g.grant.lease_secs / 86_400,
                    g.grant.export_allowed
                );
            }
        }
        UserCommand::Disable { data, name } => {
            open(&data)?.disable_user(&name)?;
            println!("user `{name}` disabled; sessions revoked");
        }
    }
    Ok(())
}

/// Runs `server grant`.
pub fn grant(a: GrantArgs) -> Result<()> {
    let archive = open(&a.data)?;
    let user = archive
        .store()
        .user_by_name(&a.name)?
        .with_context(|| format!("no user `{}`", a.name))?;
    if user.role == Role::Admin {
        bail!("`{}` is an admin; admins always see everything", a.name);
    }
    let mut g = archive.current_grant(user.id)?.grant;
    if let Some(s) = &a.scope {
        g.scope = scope::parse_scope(s)?;
    }
    if a.no_window {
        g.window = (None, None);
    }
    if a.grant.from.is_some() {
        g.window.0 = window_bound(&a.grant.from)?;
    }
    if a.grant.to.is_some() {
        g.window.1 = window_bound(&a.grant.to)?;
    }
    if let Some(d) = a.grant.lease_days {
        g.lease_secs = d * 86_400;
    }
    if let Some(e) = a.grant.export {
        g.export_allowed = e;
    }
    let seq = archive.set_grant(&a.name, g)?;
    println!(
        "grant of `{}` changed (feed seq {seq}); their next sync converges to it",
        a.name
    );
    Ok(())
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Admin => "admin",
        Role::Reviewer => "reviewer",
        Role::Auditor => "auditor",
    }
}

fn scope_text(s: &dossier_model::Scope) -> String {
    match s {
        dossier_model::Scope::All => "all".into(),
        dossier_model::Scope::Departments(d) => {
            format!(
                "dept:{}",
                d.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
            )
        }
        dossier_model::Scope::Employees(e) => {
            format!(
                "emp:{}",
                e.iter().map(|u| u.0.as_str()).collect::<Vec<_>>().join(",")
            )
        }
    }
}
