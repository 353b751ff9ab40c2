//! `dossier rules …`: run the rules engine over archive messages, score sentiment, read QR codes.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use dossier_rules::detect::kind_name;
use dossier_rules::{NoOrg, RulesFile, Scanner};
use dossier_wecom::{ArchiveLine, LineReader};
use serde_json::json;

/// The rules engine.
#[derive(Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Check decrypted archive messages (JSON Lines on standard input) against a rules file and the
    /// behaviour detectors; print each message's hits.
    ///
    /// Spans are in Unicode characters of the message text. Exit status: 0 every line parsed,
    /// 1 some line could not be parsed (reported, the rest is checked), 2 the rules file is bad.
    Check {
        /// Rules file: `{"rules": [{"name": …, "words": […], "exclusions": […], …}], "detectors": {…}}`.
        #[arg(long)]
        rules: PathBuf,
        /// One JSON object per input line: `{"msgid", "hits": [{"rule", "kind", "word", "start", "end"}]}`.
        #[arg(long)]
        json: bool,
    },
    /// Sentiment of each line of standard input: a label and a score in −1…1.
    Sentiment {
        /// One JSON object per input line: `{"label", "score"}`.
        #[arg(long)]
        json: bool,
    },
    /// Decode the QR codes in image files (PNG, JPEG, GIF).
    Qr {
        /// Image files.
        files: Vec<PathBuf>,
    },
}

pub fn run(args: RulesArgs) -> ExitCode {
    let result = match args.command {
        RulesCommand::Check { rules, json } => check(&rules, json),
        RulesCommand::Sentiment { json } => sentiment(json),
        RulesCommand::Qr { files } => qr(&files),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dossier rules: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn check(rules: &PathBuf, as_json: bool) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(rules).with_context(|| format!("reading {}", rules.display()))?;
    let file = RulesFile::from_json(&text).with_context(|| format!("in {}", rules.display()))?;
    let mut scanner = Scanner::from_file(file).with_context(|| format!("compiling {}", rules.display()))?;
    let stdin = io::stdin();
    let mut reader = LineReader::new(stdin.lock());
    let mut out = BufWriter::new(io::stdout().lock());
    let mut bad_lines = 0u64;
    while let Some((line, _text, result)) = reader.next_line().context("reading standard input")? {
        match result {
            Ok(ArchiveLine::Message(msg)) => {
                let hits = scanner.scan(&msg, &NoOrg);
                if as_json {
                    let hits: Vec<_> = hits
                        .iter()
                        .map(|h| json!({"rule": h.rule, "kind": kind_name(h.kind), "word": h.word, "start": h.start, "end": h.end}))
                        .collect();
                    writeln!(out, "{}", json!({"msgid": msg.msgid.0, "hits": hits}))?;
                } else {
                    for h in &hits {
                        writeln!(
                            out,
                            "{}\t{}\t{}\t{}\t{}..{}",
                            msg.msgid,
                            h.rule,
                            kind_name(h.kind),
                            h.word.as_deref().unwrap_or(""),
                            h.start,
                            h.end
                        )?;
                    }
                }
            }
            Ok(ArchiveLine::ChatData(_)) => {
                if as_json {
                    writeln!(
                        out,
                        "{}",
                        json!({"msgid": null, "hits": [], "note": "encrypted GetChatData response"})
                    )?;
                }
            }
            Err(e) => {
                bad_lines += 1;
                eprintln!("line {line}: {}", e.error);
                if as_json {
                    writeln!(
                        out,
                        "{}",
                        json!({"msgid": null, "hits": [], "line": line, "error": e.error.to_string()})
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(if bad_lines > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn sentiment(as_json: bool) -> anyhow::Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    for line in io::stdin().lock().lines() {
        let line = line.context("reading standard input")?;
        let s = dossier_rules::sentiment::sentiment(&line);
        if as_json {
            writeln!(
                out,
                "{}",
                json!({"label": s.label.as_str(), "score": (s.score * 1000.0).round() / 1000.0})
            )?;
        } else {
            writeln!(out, "{}\t{:.3}\t{}", s.label.as_str(), s.score, line)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn qr(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut failed = false;
    for f in files {
        let bytes = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
        match dossier_rules::detect::find_qr_codes(&bytes) {
            Ok(codes) if codes.is_empty() => println!("{}\t(no QR code)", f.display()),
            Ok(codes) => {
                for c in codes {
                    println!(
                        "{}\t{}",
                        f.display(),
                        c.content.as_deref().unwrap_or("(unreadable QR code)")
                    );
                }
            }
            Err(e) => {
                failed = true;
                eprintln!("{}: {e}", f.display());
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
