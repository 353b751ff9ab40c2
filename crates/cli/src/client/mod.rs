//! Client commands (`sync`, `status`, `search`, …): the options every command that opens a profile
//! shares, and opening it. The work is in `dossier_api`; these modules parse and print.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use dossier_api::{ProfileArgs, Session};
use dossier_vault::Passphrase;

pub mod annotate;
pub mod search;
pub mod status;
pub mod sync;
pub mod violations;

/// `--profile DIR [--passphrase-env VAR]`, shared by every client command.
#[derive(Args, Debug, Clone)]
pub struct ProfileOpts {
    /// The profile directory (created by `dossier sync` on first use).
    #[arg(long, value_name = "DIR")]
    pub profile: PathBuf,
    /// Protect / unlock the profile with the passphrase in this environment variable instead of the
    /// OS credential store.
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
}

impl ProfileOpts {
    /// The API's view of these options (reads the passphrase variable).
    pub fn args(&self) -> anyhow::Result<ProfileArgs> {
        let passphrase = self
            .passphrase_env
            .as_deref()
            .map(Passphrase::from_env)
            .transpose()
            .context("reading the passphrase")?;
        Ok(ProfileArgs {
            dir: self.profile.clone(),
            passphrase,
        })
    }

    /// Unlocks the profile.
    pub async fn open(&self) -> anyhow::Result<Session> {
        let dir = self.profile.display().to_string();
        Session::open(self.args()?)
            .await
            .with_context(|| format!("opening the profile at {dir}"))
    }
}

/// Runs a client command's work on a runtime: 0 on success, 2 for bad input, 3 when the account
/// may not do it, 1 otherwise.
pub fn run(
    name: &str,
    work: impl std::future::Future<Output = anyhow::Result<()>>,
) -> std::process::ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dossier {name}: starting the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(work) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dossier {name}: {e:#}");
            std::process::ExitCode::from(match e.downcast_ref::<dossier_api::ApiError>().map(|a| a.code) {
                Some(dossier_api::ErrorCode::BadInput) => 2,
                Some(dossier_api::ErrorCode::Forbidden) => 3,
                _ => 1,
            })
        }
    }
}
