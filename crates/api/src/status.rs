//! `status`: what a profile holds and how fresh it is.

use dossier_vault::Queries;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::session::Session;

/// What a profile holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct ProfileStatus {
    /// Server the profile syncs from, once synced.
    pub server: Option<String>,
    /// Account it syncs as.
    pub account: Option<String>,
    /// Cached messages.
    #[ts(type = "number")]
    pub messages: i64,
    /// Conversations.
    #[ts(type = "number")]
    pub conversations: i64,
    /// Employees.
    #[ts(type = "number")]
    pub employees: i64,
    /// External contacts.
    #[ts(type = "number")]
    pub customers: i64,
    /// Groups.
    #[ts(type = "number")]
    pub groups: i64,
    /// Rule hits.
    #[ts(type = "number")]
    pub hits: i64,
    /// Live annotations (server copies).
    #[ts(type = "number")]
    pub annotations: i64,
    /// The last applied change-feed seq (below 2^53 by the server's counter).
    #[ts(type = "number")]
    pub last_seq: i64,
    /// When the last sync finished, ms since the epoch.
    #[ts(type = "number | null")]
    pub last_sync: Option<i64>,
    /// When the offline lease runs out, ms since the epoch.
    #[ts(type = "number | null")]
    pub lease_expires_at: Option<i64>,
    /// The lease has run out: the slice stays closed until a sync succeeds.
    pub lease_expired: bool,
    /// Annotation writes waiting for upload.
    #[ts(type = "number")]
    pub outbox: i64,
    /// Audit records waiting for upload.
    #[ts(type = "number")]
    pub audit_queue: i64,
    /// Writes the server refused, kept with both versions.
    pub conflicts: u32,
}

/// What the session's profile holds.
#[tracing::instrument(skip_all, err)]
pub async fn status(session: &Session) -> Result<ProfileStatus> {
    session
        .blocking(|s| {
            let vault = s.vault();
            let mut st = vault.db().read(|r| {
                let count = |sql: &str| -> dossier_vault::Result<i64> {
                    Ok(r.sql().query_row(sql, [], |x| x.get(0))?)
                };
                let num = |key: &str| -> dossier_vault::Result<Option<i64>> {
                    Ok(r.setting(key)?.and_then(|v| v.parse().ok()))
                };
                Ok(ProfileStatus {
                    messages: count("SELECT count(*) FROM messages")?,
                    conversations: count("SELECT count(*) FROM conversations")?,
                    employees: count("SELECT count(*) FROM employees")?,
                    customers: count("SELECT count(*) FROM contacts")?,
                    groups: count("SELECT count(*) FROM chat_groups")?,
                    hits: count("SELECT count(*) FROM hits")?,
                    annotations: count("SELECT count(*) FROM annotations WHERE deleted = 0")?,
                    last_seq: r.cursor()?,
                    last_sync: num(dossier_sync::keys::LAST_SYNC)?,
                    outbox: count("SELECT count(*) FROM outbox")?,
                    audit_queue: count("SELECT count(*) FROM audit_queue")?,
                    ..ProfileStatus::default()
                })
            })?;
            if let Some((server, account)) = dossier_sync::session::binding(vault)? {
                st.server = Some(server);
                st.account = Some(account);
            }
            st.lease_expires_at = dossier_sync::lease_expires_at(vault)?;
            st.lease_expired = matches!(
                dossier_sync::check_lease(vault),
                Err(dossier_sync::Error::LeaseExpired { .. })
            );
            st.conflicts = dossier_sync::outbox::conflicts(vault)?.len() as u32;
            Ok(st)
        })
        .await
}
