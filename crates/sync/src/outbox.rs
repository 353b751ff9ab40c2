//! The outbox: annotation edits and audit records made offline, queued in the vault and uploaded
//! in order when online. A write the server refuses — a 409 conflict (someone else changed the
//! annotation first) or a permanent 4xx (the target left the grant, the account may not write) —
//! is kept for the user as a [`Conflict`] with both versions; nothing is dropped.

use std::collections::HashMap;

use dossier_model::{Annotation, AnnotationTarget, AuditRecord, Verdict};
use dossier_vault::{Queries, Tx, Vault};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::apply::{in_read, in_write};
use crate::client::{Client, Failure, status_failure, transport};
use crate::error::{Error, Result};

const KIND: &str = "annotation";
const CONFLICT_PREFIX: &str = "sync.conflict.";
const CONFLICT_NEXT: &str = "sync.conflict_next";
/// The server takes at most this many audit records per request.
const AUDIT_CHUNK: usize = 10_000;

/// One queued annotation write, as the server's API takes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum AnnotationEdit {
    /// `POST /annotations`.
    Create {
        /// Client-made id.
        id: String,
        /// What it is attached to.
        target: AnnotationTarget,
        /// Comment.
        comment: String,
        /// Tags.
        tags: Vec<String>,
        /// Verdict.
        verdict: Option<Verdict>,
    },
    /// `PUT /annotations/{id}` against the version the edit started from.
    Update {
        /// Annotation id.
        id: String,
        /// The server version the edit started from.
        version: u64,
        /// Comment.
        comment: String,
        /// Tags.
        tags: Vec<String>,
        /// Verdict.
        verdict: Option<Verdict>,
    },
    /// `DELETE /annotations/{id}?version=N`.
    Delete {
        /// Annotation id.
        id: String,
        /// The server version the deletion started from.
        version: u64,
    },
}

impl AnnotationEdit {
    /// The annotation's id.
    pub fn id(&self) -> &str {
        match self {
            AnnotationEdit::Create { id, .. }
            | AnnotationEdit::Update { id, .. }
            | AnnotationEdit::Delete { id, .. } => id,
        }
    }

    fn base(&self) -> u64 {
        match self {
            AnnotationEdit::Create { .. } => 0,
            AnnotationEdit::Update { version, .. } | AnnotationEdit::Delete { version, .. } => *version,
        }
    }

    fn rebase(&mut self, to: u64) {
        if let AnnotationEdit::Update { version, .. } | AnnotationEdit::Delete { version, .. } = self {
            *version = to;
        }
    }
}

/// A write the server did not take, kept for the user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// Its id (in the order conflicts came back).
    pub id: i64,
    /// The local edit.
    pub local: AnnotationEdit,
    /// The server's current annotation, for a 409.
    pub server: Option<Annotation>,
    /// HTTP status and the server's message.
    pub status: u16,
    /// The server's message.
    pub message: String,
    /// When it came back, ms.
    pub at: i64,
}

/// Queues an annotation write (in the same transaction: the local copy the UI shows until the
/// server's copy arrives). `local` is the annotation as the user now sees it.
pub fn queue_annotation(
    tx: &Tx<'_>,
    edit: &AnnotationEdit,
    local: &Annotation,
) -> dossier_vault::Result<i64> {
    let payload = serde_json::to_string(edit).map_err(dossier_vault::Error::from)?;
    tx.put_local_annotation(local, edit.base())?;
    tx.push_outbox(KIND, &payload)
}

/// Queues an audit record.
pub fn queue_audit(tx: &Tx<'_>, record: &AuditRecord) -> Result<i64> {
    Ok(tx.push_audit(record)?)
}

/// Writes the server did not take, oldest first.
pub fn conflicts(vault: &Vault) -> Result<Vec<Conflict>> {
    in_read(vault.db(), |r| {
        let mut stmt = r
            .sql()
            .prepare("SELECT value FROM settings WHERE key >= ?1 AND key < ?2")
            .map_err(dossier_vault::Error::from)?;
        let rows = stmt
            .query_map([CONFLICT_PREFIX, "sync.conflict/"], |r| r.get::<_, String>(0))
            .map_err(dossier_vault::Error::from)?;
        let mut out: Vec<Conflict> = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row.map_err(dossier_vault::Error::from)?)?);
        }
        out.sort_by_key(|c| c.id);
        Ok(out)
    })
}

/// Forgets a conflict the user has dealt with.
pub fn dismiss_conflict(vault: &Vault, id: i64) -> Result<()> {
    in_write(vault.db(), |tx| {
        tx.sql()
            .execute(
                "DELETE FROM settings WHERE key = ?1",
                [format!("{CONFLICT_PREFIX}{id:020}")],
            )
            .map_err(dossier_vault::Error::from)?;
        Ok(())
    })
}

/// What [`push_outbox`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxReport {
    /// Annotation writes the server accepted.
    pub accepted: usize,
    /// Writes kept as conflicts (409 or a permanent refusal).
    pub conflicts: usize,
    /// Audit records uploaded.
    pub audit: usize,
}

enum Answer {
    Saved(Annotation),
    Refused {
        status: u16,
        message: String,
        current: Option<Annotation>,
    },
}

#[derive(Deserialize)]
struct ConflictBody {
    message: String,
    current: Option<Annotation>,
}

async fn send_edit(client: &Client, edit: &AnnotationEdit) -> Result<Answer> {
    client
        .retrying(|| async {
            let resp = client
                .authed(|h| match edit {
                    AnnotationEdit::Create {
                        id,
                        target,
                        comment,
                        tags,
                        verdict,
                    } => h.post(client.url("/annotations")).json(&serde_json::json!({
                        "id": id, "target": target, "comment": comment, "tags": tags, "verdict": verdict,
                    })),
                    AnnotationEdit::Update {
                        id,
                        version,
                        comment,
                        tags,
                        verdict,
                    } => h
                        .put(client.url(&format!("/annotations/{}", path_segment(id))))
                        .json(&serde_json::json!({
                            "version": version, "comment": comment, "tags": tags, "verdict": verdict,
                        })),
                    AnnotationEdit::Delete { id, version } => {
                        h.delete(client.url(&format!("/annotations/{}?version={version}", path_segment(id))))
                    }
                })
                .await?;
            let status = resp.status();
            if status.is_success() {
                return Ok(Answer::Saved(resp.json().await.map_err(transport)?));
            }
            if status == StatusCode::CONFLICT {
                let body: ConflictBody = resp.json().await.map_err(transport)?;
                return Ok(Answer::Refused {
                    status: status.as_u16(),
                    message: body.message,
                    current: body.current,
                });
            }
            match status_failure(resp).await {
                // The edit itself is refused for good (target outside the grant, not the
                // author, invalid): keep it for the user, go on with the queue.
                Failure::Fatal(Error::Forbidden(message)) => Ok(Answer::Refused {
                    status: 403,
                    message,
                    current: None,
                }),
                Failure::Fatal(Error::Server { status, message, .. }) => Ok(Answer::Refused {
                    status,
                    message,
                    current: None,
                }),
                other => Err(other),
            }
        })
        .await
}

/// Percent-encodes an id for a URL path segment.
fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Uploads the outbox in order, then the audit queue. Stops at the first failure a retry could
/// fix (what is left stays queued, in order); a sign-in failure is an error. Blocking, like
/// [`crate::sync()`].
pub fn push_outbox(vault: &Vault, client: &Client) -> Result<OutboxReport> {
    let mut report = OutboxReport::default();
    // id → (the base our last accepted write for it started from, the version it produced): an
    // edit queued on top of our own pending edit is sent against the version the server gave.
    let mut accepted: HashMap<String, (u64, u64)> = HashMap::new();
    loop {
        // Items of a kind this build does not know stay queued (a newer build wrote them).
        let items = in_read(vault.db(), |r| {
            let mut stmt = r
                .sql()
                .prepare("SELECT id, payload FROM outbox WHERE kind = ?1 ORDER BY id LIMIT 100")
                .map_err(dossier_vault::Error::from)?;
            let rows = stmt
                .query_map([KIND], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .map_err(dossier_vault::Error::from)?;
            Ok(rows
                .collect::<Result<Vec<_>, _>>()
                .map_err(dossier_vault::Error::from)?)
        })?;
        if items.is_empty() {
            break;
        }
        for (item_id, payload) in items {
            let mut edit: AnnotationEdit = serde_json::from_str(&payload)?;
            if let Some((base, version)) = accepted.get(edit.id())
                && edit.base() == *base
                && !matches!(edit, AnnotationEdit::Create { .. })
            {
                edit.rebase(*version);
            }
            let answer = client.runtime().block_on(send_edit(client, &edit))?;
            in_write(vault.db(), |tx| {
                match &answer {
                    Answer::Saved(a) => {
                        tx.put_annotation(a)?;
                        accepted.insert(a.id.clone(), (edit.base(), a.version));
                        // The local copy stays while later edits of it are queued.
                        let later: i64 = tx
                            .sql()
                            .query_row(
                                "SELECT count(*) FROM outbox WHERE id > ?1 AND kind = ?2 AND json_extract(payload, '$.id') = ?3",
                                dossier_vault::rusqlite::params![item_id, KIND, a.id],
                                |r| r.get(0),
                            )
                            .map_err(dossier_vault::Error::from)?;
                        if later == 0 {
                            tx.remove_local_annotation(&a.id)?;
                        }
                        report.accepted += 1;
                    }
                    Answer::Refused {
                        status,
                        message,
                        current,
                    } => {
                        if let Some(c) = current {
                            tx.put_annotation(c)?;
                        }
                        // Outbox ids are reused once the queue empties; conflicts get their own.
                        let id = tx
                            .setting(CONFLICT_NEXT)?
                            .and_then(|v| v.parse::<i64>().ok())
                            .unwrap_or(1);
                        tx.set_setting(CONFLICT_NEXT, &(id + 1).to_string())?;
                        let conflict = Conflict {
                            id,
                            local: edit.clone(),
                            server: current.clone(),
                            status: *status,
                            message: message.clone(),
                            at: dossier_vault::now_ms(),
                        };
                        tx.set_setting(
                            &format!("{CONFLICT_PREFIX}{id:020}"),
                            &serde_json::to_string(&conflict)?,
                        )?;
                        tracing::info!(outbox = item_id, status, "annotation write kept as a conflict");
                        report.conflicts += 1;
                    }
                }
                tx.remove_outbox(item_id)?;
                Ok(())
            })?;
        }
    }
    loop {
        let batch = in_read(vault.db(), |r| Ok(r.audit_queue(AUDIT_CHUNK)?))?;
        if batch.is_empty() {
            break;
        }
        let records: Vec<&AuditRecord> = batch.iter().map(|(_, r)| r).collect();
        let body = serde_json::json!({ "records": records });
        client.runtime().block_on(client.retrying(|| async {
            let resp = client
                .authed(|h| h.post(client.url("/audit")).json(&body))
                .await?;
            if !resp.status().is_success() {
                return Err(status_failure(resp).await);
            }
            Ok(())
        }))?;
        let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        in_write(vault.db(), |tx| Ok(tx.remove_audit(&ids)?))?;
        report.audit += ids.len();
    }
    Ok(report)
}
