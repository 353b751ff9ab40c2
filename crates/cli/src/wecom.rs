//! `dossier wecom check`: read archive message files and report what they hold and every bad line.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Subcommand};
use dossier_wecom::{ArchiveLine, LineReader};
use serde_json::json;

/// WeCom archive formats.
#[derive(Args)]
pub struct WecomArgs {
    #[command(subcommand)]
    command: WecomCommand,
}

#[derive(Subcommand)]
enum WecomCommand {
    /// Parse decrypted archive messages (JSON Lines) and report counts per msgtype and every bad line.
    ///
    /// Exit status: 0 all lines parsed, 1 some line failed, 2 a file could not be read.
    Check {
        /// Print one JSON document with `lines`, `parsed`, `by_type` and `errors`.
        #[arg(long)]
        json: bool,
        /// Files to check; standard input when none.
        files: Vec<PathBuf>,
    },
}

pub fn run(args: WecomArgs) -> ExitCode {
    match args.command {
        WecomCommand::Check { json, files } => check(json, &files),
    }
}

#[derive(Default)]
struct Report {
    lines: u64,
    parsed: u64,
    by_type: BTreeMap<String, u64>,
    /// (file, line, error)
    errors: Vec<(String, u64, String)>,
    bytes: u64,
}

impl Report {
    fn read(&mut self, name: &str, input: impl BufRead) -> Result<(), dossier_wecom::ReadError> {
        let mut reader = LineReader::new(input);
        while let Some((line, text, result)) = reader.next_line()? {
            self.lines += 1;
            self.bytes += text.len() as u64 + 1;
            match result {
                Ok(ArchiveLine::Message(m)) => {
                    self.parsed += 1;
                    let msgtype = match m.msgtype() {
                        "" => "(none)",
                        t => t,
                    };
                    // Counted without allocating a key per line: the types are few, the lines many.
                    match self.by_type.get_mut(msgtype) {
                        Some(n) => *n += 1,
                        None => {
                            self.by_type.insert(msgtype.to_owned(), 1);
                        }
                    }
                }
                Ok(ArchiveLine::ChatData(entries)) => {
                    self.parsed += 1;
                    *self.by_type.entry("encrypted".to_owned()).or_default() += entries.len() as u64;
                }
                Err(e) => self.errors.push((name.to_owned(), line, e.error.to_string())),
            }
        }
        Ok(())
    }
}

fn check(as_json: bool, files: &[PathBuf]) -> ExitCode {
    let started = Instant::now();
    let mut report = Report::default();
    let mut unreadable = false;
    if files.is_empty()
        && let Err(e) = report.read("-", io::stdin().lock())
    {
        eprintln!("dossier: standard input: {e}");
        unreadable = true;
    }
    for path in files {
        let name = path.display().to_string();
        let result = File::open(path).map_err(|e| e.to_string()).and_then(|f| {
            report
                .read(&name, BufReader::with_capacity(1 << 16, f))
                .map_err(|e| e.to_string())
        });
        if let Err(e) = result {
            eprintln!("dossier: {name}: {e}");
            unreadable = true;
        }
    }
    let elapsed = started.elapsed();

    let several = files.len() > 1;
    let out = io::stdout();
    let mut out = out.lock();
    let written = if as_json {
        let errors: Vec<_> = report
            .errors
            .iter()
            .map(|(file, line, error)| {
                if several {
                    json!({"file": file, "line": line, "error": error})
                } else {
                    json!({"line": line, "error": error})
                }
            })
            .collect();
        let doc = json!({
            "lines": report.lines, "parsed": report.parsed, "by_type": report.by_type, "errors": errors,
        });
        writeln!(out, "{doc}")
    } else {
        print_text(&mut out, &report, several, elapsed)
    };
    if written.is_err() {
        return ExitCode::from(2);
    }
    if unreadable {
        ExitCode::from(2)
    } else if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_text(
    out: &mut impl Write,
    report: &Report,
    several: bool,
    elapsed: std::time::Duration,
) -> io::Result<()> {
    for (file, line, error) in &report.errors {
        if several {
            writeln!(out, "{file}:{line}: {error}")?;
        } else {
            writeln!(out, "line {line}: {error}")?;
        }
    }
    for (msgtype, n) in &report.by_type {
        writeln!(out, "{n:>10}  {msgtype}")?;
    }
    let secs = elapsed.as_secs_f64().max(1e-9);
    writeln!(
        out,
        "{} lines, {} parsed, {} bad  ({:.0} lines/s, {:.1} MB/s)",
        report.lines,
        report.parsed,
        report.errors.len(),
        report.lines as f64 / secs,
        report.bytes as f64 / secs / 1e6,
    )
}
