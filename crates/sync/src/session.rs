//! Which server and account a profile belongs to, and the session tokens between runs.
//!
//! Kept in the vault's encrypted database (`settings`), in both key modes: the database is
//! SQLCipher under the profile's data key, so the tokens are as protected as the archive slice
//! they open, and one place serves the OS-keyring and the passphrase mode alike.

use dossier_vault::{Queries, Tx, Vault};

use crate::apply::{in_read, in_write};
use crate::client::{Account, Client, Tokens};
use crate::error::{Error, Result};

const SERVER: &str = "sync.server";
const ACCOUNT: &str = "sync.account";
const TOKENS: &str = "sync.tokens";

/// The server and account name a profile is bound to, if it was ever synced.
pub fn binding(vault: &Vault) -> Result<Option<(String, String)>> {
    in_read(vault.db(), |r| {
        let server = r.setting(SERVER)?;
        let account: Option<Account> = r
            .setting(ACCOUNT)?
            .map(|a| serde_json::from_str(&a))
            .transpose()?;
        Ok(server.zip(account.map(|a| a.name)))
    })
}

/// The account (name and role) a profile is bound to, if it was ever synced.
pub fn account(vault: &Vault) -> Result<Option<Account>> {
    in_read(vault.db(), |r| {
        Ok(r.setting(ACCOUNT)?
            .map(|a| serde_json::from_str(&a))
            .transpose()?)
    })
}

/// Binds the profile to the client's server and account on first use; refuses another one later
/// (a profile holds one account's slice).
pub fn bind(vault: &Vault, client: &Client) -> Result<()> {
    let account = client.account().ok_or(Error::NotSignedIn)?;
    if let Some((server, name)) = binding(vault)?
        && (server != client.server() || name != account.name)
    {
        return Err(Error::OtherAccount {
            held: format!("{name} at {server}"),
            given: format!("{} at {}", account.name, client.server()),
        });
    }
    in_write(vault.db(), |tx| {
        tx.set_setting(SERVER, client.server())?;
        tx.set_setting(ACCOUNT, &serde_json::to_string(&account)?)?;
        save_in(tx, client)
    })
}

/// Stores the client's tokens in a transaction.
pub(crate) fn save_in(tx: &Tx<'_>, client: &Client) -> Result<()> {
    if let Some((tokens, _)) = client.tokens() {
        tx.set_setting(TOKENS, &serde_json::to_string(&tokens)?)?;
    }
    Ok(())
}

/// Stores the client's tokens.
pub fn save(vault: &Vault, client: &Client) -> Result<()> {
    in_write(vault.db(), |tx| save_in(tx, client))
}

/// Resumes the stored session on `client` when the profile is bound to its server. Returns
/// whether there was one (false: sign in with a password).
pub fn restore(vault: &Vault, client: &Client) -> Result<bool> {
    let stored = in_read(vault.db(), |r| {
        let server = r.setting(SERVER)?;
        let account: Option<Account> = r
            .setting(ACCOUNT)?
            .map(|a| serde_json::from_str(&a))
            .transpose()?;
        let tokens: Option<Tokens> = r.setting(TOKENS)?.map(|t| serde_json::from_str(&t)).transpose()?;
        Ok((server, account, tokens))
    })?;
    match stored {
        (Some(server), Some(account), Some(tokens))
            if server == client.server() && tokens.refresh_expires_at > dossier_vault::now_ms() =>
        {
            client.resume(tokens, account);
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Forgets the stored tokens (sign-out).
pub fn forget(vault: &Vault) -> Result<()> {
    in_write(vault.db(), |tx| {
        tx.sql()
            .execute("DELETE FROM settings WHERE key = ?1", [TOKENS])
            .map_err(dossier_vault::Error::from)?;
        Ok(())
    })
}
