//! `dossier status`: what a profile holds, through `dossier_api::status`.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use dossier_api::status::{ProfileStatus, status};

use super::ProfileOpts;

/// `dossier status --profile DIR [--passphrase-env VAR] [--json]`
#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    profile: ProfileOpts,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Runs `dossier status`.
pub fn run(args: StatusArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dossier status: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(main(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dossier status: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn main(args: StatusArgs) -> anyhow::Result<()> {
    let session = args.profile.open().await?;
    let st = status(&session).await?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&st)?)?;
    } else {
        print_text(&mut out, &st)?;
    }
    Ok(())
}

fn when(ms: Option<i64>) -> String {
    ms.map_or_else(|| "never".into(), |ms| format!("{ms} ms since the epoch"))
}

fn print_text(out: &mut impl Write, st: &ProfileStatus) -> std::io::Result<()> {
    let row = |out: &mut dyn Write, k: &str, v: &dyn std::fmt::Display| writeln!(out, "{k:<16}{v}");
    let server = match (&st.server, &st.account) {
        (Some(s), Some(a)) => format!("{a} at {s}"),
        _ => "not synced yet".into(),
    };
    row(out, "server", &server)?;
    row(out, "messages", &st.messages)?;
    row(out, "conversations", &st.conversations)?;
    row(out, "employees", &st.employees)?;
    row(out, "customers", &st.customers)?;
    row(out, "groups", &st.groups)?;
    row(out, "hits", &st.hits)?;
    row(out, "annotations", &st.annotations)?;
    row(out, "last seq", &st.last_seq)?;
    row(out, "last sync", &when(st.last_sync))?;
    let lease = format!(
        "{}{}",
        when(st.lease_expires_at),
        if st.lease_expired {
            " (expired: sync to reopen)"
        } else {
            ""
        }
    );
    row(out, "lease expires", &lease)?;
    row(
        out,
        "outbox",
        &format!(
            "{} annotation writes, {} audit records",
            st.outbox, st.audit_queue
        ),
    )?;
    row(out, "conflicts", &st.conflicts)?;
    Ok(())
}
