//! `dossier`: the command line. It parses arguments and prints; the work lives in the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod wecom;

#[derive(Parser)]
#[command(
    name = "dossier",
    version,
    about = "Dossier: review WeCom chat-compliance archives"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// WeCom archive formats: check message files.
    Wecom(wecom::WecomArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Wecom(args) => wecom::run(args),
    }
}
