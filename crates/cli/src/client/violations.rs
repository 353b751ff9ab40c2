//! `dossier violations`: the violation centre for scripts, through `dossier_api::review::violations`.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use dossier_api::review::violations::violations;
use dossier_api::review::{ReviewState, ViolationQuery, ViolationRow, ViolationSort, ViolationTab};

use super::ProfileOpts;

/// Rows fetched per call while printing more than one page.
const PAGE: u32 = 500;

/// A review state as typed on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StateArg {
    /// Nobody has annotated it.
    Unreviewed,
    /// Annotated without a final verdict.
    InReview,
    /// A final verdict.
    Done,
}

/// An order as typed on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SortArg {
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
    /// High severity first.
    Severity,
}

/// `dossier violations --profile DIR [--behaviour] [--state S] [--employee ID] [--rule NAME]
/// [--sort S] [--limit N] [--json | --count]`
#[derive(Args, Debug)]
pub struct ViolationsArgs {
    #[command(flatten)]
    profile: ProfileOpts,
    /// Behaviour hits (contact hand-outs, red packets, deletions, …) instead of sensitive words.
    #[arg(long)]
    behaviour: bool,
    /// Only hits in this review state.
    #[arg(long, value_enum)]
    state: Option<StateArg>,
    /// Only messages this employee sent or received.
    #[arg(long, value_name = "USERID")]
    employee: Option<String>,
    /// Only this rule or detector.
    #[arg(long, value_name = "NAME")]
    rule: Option<String>,
    /// Order.
    #[arg(long, value_enum, default_value = "newest")]
    sort: SortArg,
    /// Print at most N rows; 0 prints every row.
    #[arg(long, value_name = "N", default_value_t = 50)]
    limit: u32,
    /// One JSON object per row.
    #[arg(long)]
    json: bool,
    /// Print only the number of rows.
    #[arg(long, conflicts_with = "json")]
    count: bool,
}

/// Runs `dossier violations`.
pub fn run(args: ViolationsArgs) -> ExitCode {
    super::run("violations", main(args))
}

async fn main(args: ViolationsArgs) -> anyhow::Result<()> {
    let session = args.profile.open().await?;
    let mut query = ViolationQuery {
        employee: args.employee.clone(),
        rule: args.rule.clone(),
        state: args.state.map(|s| match s {
            StateArg::Unreviewed => ReviewState::Unreviewed,
            StateArg::InReview => ReviewState::InReview,
            StateArg::Done => ReviewState::Done,
        }),
        sort: match args.sort {
            SortArg::Newest => ViolationSort::Newest,
            SortArg::Oldest => ViolationSort::Oldest,
            SortArg::Severity => ViolationSort::Severity,
        },
        limit: if args.count { 1 } else { PAGE },
        ..ViolationQuery::first_page(if args.behaviour {
            ViolationTab::Behaviour
        } else {
            ViolationTab::Words
        })
    };
    let mut out = std::io::stdout().lock();
    let mut printed = 0u32;
    loop {
        let page = violations(&session, query.clone()).await?;
        if args.count {
            writeln!(out, "{}", page.total)?;
            return Ok(());
        }
        for row in &page.rows {
            if args.limit != 0 && printed == args.limit {
                return Ok(());
            }
            if args.json {
                writeln!(out, "{}", serde_json::to_string(row)?)?;
            } else {
                writeln!(out, "{}", line(row))?;
            }
            printed += 1;
        }
        if page.rows.len() < query.limit as usize {
            return Ok(());
        }
        query.offset += query.limit;
    }
}

/// One row as a line of text (ids, names and the matched word; never the message text).
fn line(r: &ViolationRow) -> String {
    let state = serde_json::to_value(r.state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let who = r
        .employee
        .as_ref()
        .map_or(r.sender.name.as_str(), |e| e.name.as_str());
    format!(
        "{}\t{}\t{}\t{}\t{}\t{who} ↔ {}\t{state}\t{}",
        r.msgtime,
        r.severity,
        r.rule,
        r.kind,
        r.word.as_deref().unwrap_or("-"),
        r.partner,
        r.msgid
    )
}
