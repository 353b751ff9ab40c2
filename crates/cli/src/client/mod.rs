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
