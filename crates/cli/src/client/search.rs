//! `dossier search`: runs queries through `dossier_api::search::search` and prints the hits.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use dossier_api::search::{SearchPage, SearchSort, search};
use dossier_api::{ApiError, ErrorCode, Session};
use serde_json::json;

use super::ProfileOpts;

/// Hits fetched per call while printing more than one page.
const PAGE: u32 = 500;

/// `dossier search --profile DIR [--json] [--limit N] [--count] [--queries FILE] QUERY`
#[derive(Args, Debug)]
pub struct SearchArgs {
    #[command(flatten)]
    profile: ProfileOpts,
    /// One JSON object per hit (`msgid`, `conversation`, `msgtime`, `sender`, `msgtype`, `snippet`,
    /// `spans`); with `--queries`, one object per query.
    #[arg(long)]
    json: bool,
    /// Print at most N hits (per query); 0 prints every hit.
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: u32,
    /// Skip the first N hits (paging).
    #[arg(long, value_name = "N", default_value_t = 0)]
    offset: u32,
    /// Best match first instead of newest first.
    #[arg(long)]
    relevance: bool,
    /// Print only the number of hits.
    #[arg(long)]
    count: bool,
    /// Run each non-empty line of FILE as a query in this process; print per query its hit ids
    /// and its latency (measured in-process, so without process start-up).
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    queries: Option<PathBuf>,
    /// The query: words, "quoted phrases", AND / OR / NOT, and filters `employee:`, `customer:`,
    /// `group:`, `type:`, `from:` / `to:` dates, `has:violation`, `has:annotation`.
    #[arg(required_unless_present = "queries")]
    query: Option<String>,
}

/// Runs `dossier search`: 0 on success, 2 for bad input (a malformed query), 1 otherwise.
pub fn run(args: SearchArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dossier search: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(main(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dossier search: {e:#}");
            let bad_input = e
                .downcast_ref::<ApiError>()
                .is_some_and(|a| a.code == ErrorCode::BadInput);
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

async fn main(args: SearchArgs) -> anyhow::Result<()> {
    let session = args.profile.open().await?;
    let sort = if args.relevance {
        SearchSort::Relevance
    } else {
        SearchSort::Newest
    };
    let mut out = std::io::stdout().lock();
    if let Some(file) = &args.queries {
        let f = std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
        for line in std::io::BufReader::new(f).lines() {
            let query = line.with_context(|| format!("reading {}", file.display()))?;
            if query.trim().is_empty() {
                continue;
            }
            let started = Instant::now();
            let (total, hits) = collect(&session, &query, sort, args.offset, args.limit).await?;
            let latency_ms = started.elapsed().as_secs_f64() * 1e3;
            let ids: Vec<&str> = hits.iter().map(|h| h.msgid.as_str()).collect();
            if args.json {
                let v = json!({"query": query, "total": total, "ids": ids, "latency_ms": latency_ms});
                writeln!(out, "{v}")?;
            } else {
                writeln!(out, "{latency_ms:.3} ms\t{total}\t{query}\t{}", ids.join(" "))?;
            }
        }
        return Ok(());
    }
    let query = args.query.clone().unwrap_or_default();
    if args.count {
        let page = search(&session, query, sort, 0, 1).await?;
        writeln!(out, "{}", page.total)?;
        return Ok(());
    }
    let (total, hits) = collect(&session, &query, sort, args.offset, args.limit).await?;
    for h in &hits {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(h)?)?;
        } else {
            let snippet = h.snippet.text.replace(['\n', '\r', '\t'], " ");
            let conv = h.conversation.replace('\u{1f}', " ↔ ");
            writeln!(out, "{}\t{}\t{}\t{}", h.msgid, h.msgtime, conv, snippet)?;
        }
    }
    if !args.json {
        writeln!(out, "{} of {total} hits", hits.len())?;
    }
    Ok(())
}

/// Up to `limit` hits (0: all) from `offset`, paging through the API.
async fn collect(
    session: &Session,
    query: &str,
    sort: SearchSort,
    offset: u32,
    limit: u32,
) -> anyhow::Result<(u32, Vec<dossier_api::search::SearchHit>)> {
    let want = if limit == 0 { u32::MAX } else { limit };
    let size = want.min(PAGE);
    let mut hits = Vec::new();
    // Pages are aligned to `size`; the first may start inside a page.
    let mut page_no = offset / size;
    let mut skip = (offset % size) as usize;
    let total = loop {
        let SearchPage {
            total: t, hits: page, ..
        } = search(session, query.to_owned(), sort, page_no, size).await?;
        let end = page.is_empty() || (page_no + 1) as u64 * size as u64 >= t as u64;
        hits.extend(page.into_iter().skip(skip));
        skip = 0;
        if end || hits.len() as u64 >= want as u64 {
            break t;
        }
        page_no += 1;
    };
    hits.truncate(want as usize);
    Ok((total, hits))
}
