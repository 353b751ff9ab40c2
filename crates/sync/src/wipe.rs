//! Deleting a disabled account's slice: when the server says the account was disabled, the
//! archive it may no longer see must not stay readable on the laptop either.

use dossier_search::SearchIndex;
use dossier_vault::{Queries, Vault};

use crate::apply::in_write;
use crate::error::Result;

/// Tables holding archive data or the account's work on it; `settings` is cleared apart (it
/// also holds the sign-in tokens) and `audit_queue` goes too (it cannot be uploaded any more).
const TABLES: &[&str] = &[
    "messages",
    "raw_chunks",
    "conversations",
    "conv_hits",
    "departments",
    "employees",
    "employee_departments",
    "contacts",
    "contact_followers",
    "chat_groups",
    "group_members",
    "events",
    "hits",
    "annotations",
    "grants",
    "sync_state",
    "local_annotations",
    "read_marks",
    "outbox",
    "audit_queue",
    "settings",
];

/// Deletes every row, index document and media blob of the profile, in that order: the rows in
/// one transaction, then the index (committed empty at seq 0), then the blobs. The profile stays
/// (its key, its directory), empty, bound to no server. Returns the messages deleted.
pub fn wipe(vault: &Vault, index: &SearchIndex) -> Result<u64> {
    let (messages, blobs) = in_write(vault.db(), |tx| {
        let sql = tx.sql();
        let count = |q: &str| -> Result<i64> {
            Ok(sql
                .query_row(q, [], |r| r.get(0))
                .map_err(dossier_vault::Error::from)?)
        };
        let messages = count("SELECT count(*) FROM messages")? as u64;
        let mut stmt = sql
            .prepare("SELECT blob, thumb FROM media")
            .map_err(dossier_vault::Error::from)?;
        let blobs: Vec<(String, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(dossier_vault::Error::from)?
            .collect::<std::result::Result<_, _>>()
            .map_err(dossier_vault::Error::from)?;
        for table in TABLES.iter().chain(&["media"]) {
            sql.execute(&format!("DELETE FROM {table}"), [])
                .map_err(dossier_vault::Error::from)?;
        }
        Ok((messages, blobs))
    })?;
    let mut writer = index.writer()?;
    writer.delete_all()?;
    writer.commit(0)?;
    for (blob, thumb) in blobs {
        vault.media().delete(&blob)?;
        if let Some(t) = thumb {
            vault.media().delete(&t)?;
        }
    }
    tracing::warn!(messages, "the server disabled the account: its slice was deleted");
    Ok(messages)
}
