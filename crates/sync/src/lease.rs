//! The offline lease: past it the synced slice stays closed until a sync succeeds.

use dossier_vault::Vault;

use crate::apply::{in_read, keys};
use crate::error::{Error, Result};

/// When the lease runs out (ms since the epoch), if the profile was ever synced.
pub fn lease_expires_at(vault: &Vault) -> Result<Option<i64>> {
    in_read(vault.db(), |r| {
        Ok(r.setting(keys::LEASE)?.and_then(|v| v.parse().ok()))
    })
}

/// Whether the slice may be opened now: [`Error::LeaseExpired`] past the lease. A profile never
/// synced holds nothing and passes. The api calls this before serving any read of the slice.
pub fn check_lease(vault: &Vault) -> Result<()> {
    check_lease_at(vault, dossier_vault::now_ms())
}

/// [`check_lease`] at a given time (ms).
pub fn check_lease_at(vault: &Vault, now_ms: i64) -> Result<()> {
    match lease_expires_at(vault)? {
        Some(expired_at) if now_ms >= expired_at => Err(Error::LeaseExpired { expired_at }),
        _ => Ok(()),
    }
}
