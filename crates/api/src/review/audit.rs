//! The local audit trail: every conversation viewed, search run, export and annotation is a
//! record in the vault's audit queue, uploaded in order with the next sync.

use dossier_model::{AuditAction, AuditRecord};
use dossier_vault::{Tx, Vault};

use crate::{ApiError, Result};

/// The account name and role the profile syncs as (`local`, no role, before its first sync).
pub(crate) fn account(vault: &Vault) -> Result<(String, Option<String>)> {
    Ok(match dossier_sync::session::account(vault)? {
        Some(a) => (a.name, Some(a.role)),
        None => ("local".to_owned(), None),
    })
}

/// Queues one audit record of `action` by the profile's account.
pub(crate) fn record(vault: &Vault, action: AuditAction) -> Result<()> {
    record_with(vault, action, |_| Ok(()))
}

/// Queues an audit record of `action` and does `also` in the same transaction (the write it audits).
pub(crate) fn record_with(
    vault: &Vault,
    action: AuditAction,
    also: impl FnOnce(&Tx<'_>) -> dossier_vault::Result<()>,
) -> Result<()> {
    let (actor, _) = account(vault)?;
    let record = AuditRecord {
        at: dossier_vault::now_ms(),
        actor,
        action,
    };
    vault.db().write(|tx| {
        also(tx)?;
        tx.push_audit(&record).map(drop)
    })?;
    Ok(())
}

/// Refuses a write to the shared review record for read-only accounts (auditors).
pub(crate) fn may_annotate(vault: &Vault) -> Result<String> {
    let (name, role) = account(vault)?;
    if role.as_deref() == Some("auditor") {
        return Err(ApiError::new(
            crate::ErrorCode::Forbidden,
            "auditors read the archive but may not annotate it",
        ));
    }
    Ok(name)
}
