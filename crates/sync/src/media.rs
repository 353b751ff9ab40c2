//! Media: fetched when viewed ([`fetch_media`]) and prefetched within a byte budget
//! ([`prefetch_media`]), verified by the md5 the message states, stored sealed through the
//! vault's media store. The server names a file by the hex SHA-256 of its `sdkfileid`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use dossier_model::Content;
use dossier_vault::{MediaRow, Queries, Vault};
use md5::{Digest as _, Md5};
use sha2::Sha256;

use crate::apply::in_read;
use crate::client::{Client, status_failure, transport};
use crate::error::{Error, Result};

/// The server's media id of an `sdkfileid`.
pub fn media_id(sdkfileid: &str) -> String {
    hex::encode(Sha256::digest(sdkfileid.as_bytes()))
}

/// What the cached messages say about a file: its md5 (when given) and size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Stated {
    md5: Option<String>,
    size: Option<u64>,
}

fn stated(q: &dyn Queries, sdkfileid: &str) -> Result<Option<Stated>> {
    let mut stmt = q
        .sql()
        .prepare_cached("SELECT content FROM messages WHERE sdkfileid = ?1 LIMIT 1")
        .map_err(dossier_vault::Error::from)?;
    let content: Option<String> = stmt
        .query_row([sdkfileid], |r| r.get(0))
        .map(Some)
        .or_else(|e| match e {
            dossier_vault::rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .map_err(dossier_vault::Error::from)?;
    let Some(content) = content else { return Ok(None) };
    let content: Content = serde_json::from_str(&content)?;
    Ok(content.media().map(|m| Stated {
        md5: m.md5sum.filter(|s| !s.is_empty()).map(str::to_ascii_lowercase),
        size: m.size,
    }))
}

/// Downloads, verifies and stores one file.
fn download(vault: &Vault, client: &Client, sdkfileid: &str, stated: &Stated) -> Result<MediaRow> {
    let id = media_id(sdkfileid);
    let url = client.url(&format!("/media/{id}"));
    let bytes = client.runtime().block_on(client.retrying(|| async {
        let resp = client.authed(|h| h.get(&url)).await?;
        if !resp.status().is_success() {
            return Err(status_failure(resp).await);
        }
        resp.bytes().await.map_err(transport)
    }))?;
    if let Some(want) = &stated.md5
        && hex::encode(Md5::digest(&bytes)) != *want
    {
        return Err(Error::MediaCorrupt { id });
    }
    Ok(vault.store_media(sdkfileid, &bytes)?)
}

/// The file of a cached message, from the vault or else from the server (stored on the way).
/// A file no cached message refers to is not asked for.
pub fn fetch_media(vault: &Vault, client: &Client, sdkfileid: &str) -> Result<MediaRow> {
    let (row, stated) = in_read(vault.db(), |r| Ok((r.media(sdkfileid)?, stated(r, sdkfileid)?)))?;
    if let Some(row) = row {
        return Ok(row);
    }
    let stated = stated
        .ok_or_else(|| Error::Vault(dossier_vault::UserError::MediaMissing(media_id(sdkfileid)).into()))?;
    download(vault, client, sdkfileid, &stated)
}

/// What [`prefetch_media`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefetched {
    /// Files stored.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Files left for later because they did not fit the budget.
    pub over_budget: usize,
    /// Files that failed (gone from the server, md5 mismatch); they are fetched when viewed.
    pub failed: usize,
}

/// Prefetches media of cached messages not stored yet, newest messages first, until `budget`
/// bytes were stored (a file whose stated size does not fit is left for later). Failures of
/// single files are counted, not fatal; a sign-in failure or an unreachable server is. Stops
/// between files once `stop` is set (the profile closed, the app quits).
pub fn prefetch_media(vault: &Vault, client: &Client, budget: u64, stop: &AtomicBool) -> Result<Prefetched> {
    let missing: Vec<(String, Stated)> = in_read(vault.db(), |r| {
        let mut stmt = r
            .sql()
            .prepare(
                "SELECT m.sdkfileid, max(m.msgtime) AS t FROM messages m
                 LEFT JOIN media x ON x.sdkfileid = m.sdkfileid
                 WHERE m.sdkfileid IS NOT NULL AND x.sdkfileid IS NULL
                 GROUP BY m.sdkfileid ORDER BY t DESC",
            )
            .map_err(dossier_vault::Error::from)?;
        let ids: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .map_err(dossier_vault::Error::from)?
            .collect::<Result<_, _>>()
            .map_err(dossier_vault::Error::from)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let s = stated(r, &id)?.unwrap_or_default();
            out.push((id, s));
        }
        Ok(out)
    })?;
    let mut done = Prefetched::default();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    for (sdkfileid, stated) in missing {
        // The profile closed or the app is quitting: stop between files.
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let left = budget.saturating_sub(done.bytes);
        if stated.size.is_some_and(|s| s > left) || left == 0 {
            done.over_budget += 1;
            continue;
        }
        match download(vault, client, &sdkfileid, &stated) {
            Ok(row) => {
                done.files += 1;
                done.bytes += row.size;
            }
            Err(e) if e.is_permanent() && !matches!(e, Error::Server { .. }) => return Err(e),
            Err(e @ Error::Unavailable { .. }) => return Err(e),
            Err(e) => {
                *failures.entry(kind(&e)).or_default() += 1;
                done.failed += 1;
            }
        }
    }
    if !failures.is_empty() {
        tracing::warn!(?failures, "some media could not be prefetched");
    }
    Ok(done)
}

fn kind(e: &Error) -> String {
    match e {
        Error::MediaCorrupt { .. } => "md5 mismatch".into(),
        Error::Server { status, .. } => format!("status {status}"),
        _ => "other".into(),
    }
}
