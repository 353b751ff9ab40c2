//! The scoped change feed: log rows after a cursor, filtered through [`crate::scope`], written as
//! NDJSON records (see `docs/api.md` for the record format).
//!
//! How grants flow: a user's grant changes are rows of their own in the log. A global row at
//! `seq` is sent when the grant in force at `seq` permits it *and* the grant in force now permits
//! it; when a grant widens, the rows it newly permits that lie before it are logged again for that
//! user alone, right after the grant record (backfill). So a client that applies records in order
//! and purges what a grant record excludes converges to exactly the permitted slice, from any
//! cursor, and no response carries anything outside the current grant.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::scope::{Subject, View};
use crate::store::{ChangeRef, ChangeRow, Item, MessageRef, Seq, UserRecord};
use crate::{Archive, now_ms};

/// One feed response, uncompressed.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// NDJSON: the records, then a `cursor` record.
    pub body: Vec<u8>,
    /// Records written (the cursor record not counted).
    pub records: usize,
    /// Messages among them.
    pub messages: usize,
    /// Where the next request starts (`after`).
    pub cursor: Seq,
    /// Whether the log goes on past `cursor`.
    pub more: bool,
}

#[derive(Serialize)]
struct MessageHead<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    seq: Seq,
    msgid: &'a str,
    archive_seq: Option<&'a str>,
    action: &'a str,
    from: &'a str,
    tolist: &'a [&'a str],
    roomid: &'a str,
    msgtime: i64,
    msgtype: &'a str,
    revoked_by: Option<&'a str>,
    revoke_of: Option<&'a str>,
}

/// A record whose `type` and `seq` come first, whatever the body.
#[derive(Serialize)]
struct Record<T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    seq: Seq,
    #[serde(flatten)]
    body: T,
}

fn write_record(out: &mut Vec<u8>, kind: &'static str, seq: Seq, body: serde_json::Value) -> Result<()> {
    serde_json::to_writer(&mut *out, &Record { kind, seq, body })?;
    out.push(b'\n');
    Ok(())
}

fn write_message(out: &mut Vec<u8>, seq: Seq, m: &MessageRef<'_>) -> Result<()> {
    let head = MessageHead {
        kind: "message",
        seq,
        msgid: m.msgid,
        archive_seq: m.archive_seq,
        action: m.action,
        from: m.from,
        tolist: m.tolist,
        roomid: m.roomid,
        msgtime: m.msgtime,
        msgtype: m.msgtype,
        revoked_by: m.revoked_by,
        revoke_of: m.revoke_of,
    };
    serde_json::to_writer(&mut *out, &head)?;
    // Splice the evidence in as stored: no re-parse, no re-encoding.
    out.pop();
    if m.raw_is_json {
        out.extend_from_slice(b",\"raw\":");
        out.extend_from_slice(m.raw.as_bytes());
    } else {
        out.extend_from_slice(b",\"raw_text\":");
        serde_json::to_writer(&mut *out, &m.raw)?;
    }
    out.extend_from_slice(b"}\n");
    Ok(())
}

fn wrap(out: &mut Vec<u8>, kind: &str, seq: Seq, field: &str, json: &str) -> Result<()> {
    writeln!(out, "{{\"type\":\"{kind}\",\"seq\":{seq},\"{field}\":{json}}}")
        .map_err(|e| Error::Internal(e.to_string()))
}

fn write_row(out: &mut Vec<u8>, row: &ChangeRow) -> Result<bool> {
    let seq = row.seq;
    match &row.item {
        Item::Message(m) => {
            let tolist: Vec<&str> = m.tolist.iter().map(String::as_str).collect();
            let r = MessageRef {
                msgid: &m.msgid,
                archive_seq: m.archive_seq.as_deref(),
                action: &m.action,
                from: &m.from,
                tolist: &tolist,
                roomid: &m.roomid,
                msgtime: m.msgtime,
                msgtype: &m.msgtype,
                raw: &m.raw,
                raw_is_json: m.raw_is_json,
                revoked_by: m.revoked_by.as_deref(),
                revoke_of: m.revoke_of.as_deref(),
            };
            write_message(out, seq, &r)?
        }
        Item::Hit { id, json } => {
            writeln!(
                out,
                "{{\"type\":\"hit\",\"seq\":{seq},\"id\":{id},\"hit\":{json}}}"
            )
            .map_err(|e| Error::Internal(e.to_string()))?;
        }
        Item::Contact(j) => wrap(out, "contact", seq, "contact", j)?,
        Item::Group(j) => wrap(out, "group", seq, "group", j)?,
        Item::Employee(j) => wrap(out, "employee", seq, "employee", j)?,
        Item::Department(j) => wrap(out, "department", seq, "department", j)?,
        Item::Event { id, json } => {
            // Stored as {"event":…,"alert":…}: open it up.
            let inner = json
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .unwrap_or("\"event\":null");
            writeln!(out, "{{\"type\":\"event\",\"seq\":{seq},\"id\":{id},{inner}}}")
                .map_err(|e| Error::Internal(e.to_string()))?;
        }
        Item::Annotation(a) => write_record(out, "annotation", seq, serde_json::json!({ "annotation": a }))?,
        Item::Rules(j) => wrap(out, "rules", seq, "rules", j)?,
        Item::Lexicon { name, words } => write_record(
            out,
            "lexicon",
            seq,
            serde_json::json!({ "name": name, "words": words }),
        )?,
        Item::Grant(g) => write_record(
            out,
            "grant",
            seq,
            serde_json::json!({
                "grant": g.grant,
                "all": g.resolved.all,
                "employees": g.resolved.employees,
                "departments": g.resolved.departments,
            }),
        )?,
        Item::Gone => return Ok(false),
    }
    Ok(true)
}

/// The grants of a user along the log: which one was in force at a given seq.
struct Grants {
    /// (seq of the grant record, its view), in log order; never empty.
    views: Vec<(Seq, View)>,
}

impl Grants {
    fn at(&self, seq: Seq) -> &View {
        let i = self.views.partition_point(|(s, _)| *s <= seq);
        // Before the user's first grant, that first grant applies (no backfill at creation).
        &self.views[i.saturating_sub(1)].1
    }

    fn current(&self) -> &View {
        &self.views[self.views.len() - 1].1
    }
}

/// Whether `row` goes to the user: the one visibility decision of the feed, through
/// [`View::allows`].
fn visible(grants: &Grants, seq: Seq, own: bool, subject: Option<Subject<'_>>) -> bool {
    let Some(subject) = subject else {
        return true; // the user's own grant record
    };
    let now = grants.current();
    if !now.allows(&subject) {
        return false;
    }
    if own {
        return true; // backfill: logged for this user because the grant then permitted it
    }
    let then = grants.at(seq);
    std::ptr::eq(then, now) || then.allows(&subject)
}

/// Builds one feed response for `user` after `after`, at most `limit` records.
pub fn read(archive: &Archive, user: &UserRecord, after: Seq, limit: usize) -> Result<Batch> {
    let cfg = archive.config();
    let limit = limit.clamp(1, cfg.feed_max_limit);
    let history = archive.store().grant_history(user.id)?;
    if history.is_empty() {
        return Err(Error::Internal(format!("user {} has no grant", user.id)));
    }
    let lease_secs = history.last().map_or(0, |(_, g)| g.grant.lease_secs);
    let grants = Grants {
        views: history.into_iter().map(|(s, g)| (s, g.view())).collect(),
    };
    let mut batch = Batch {
        body: Vec::with_capacity((limit * 1024).min(cfg.feed_max_bytes)),
        cursor: after.max(0),
        ..Batch::default()
    };
    // Read before scanning: when the scan runs out, every row up to here has been seen (rows of
    // other users are not returned, so the cursor jumps over them).
    let head = archive.store().head()?;
    let (mut scanned, mut stopped) = (0usize, false);
    let mut failed = None;
    archive
        .store()
        .for_each_change(user.id, batch.cursor, cfg.feed_max_scan, &mut |change| {
            scanned += 1;
            let written = match &change {
                ChangeRef::Message { seq, own, message } => {
                    batch.cursor = *seq;
                    let subject = Subject::MessageRef {
                        from: message.from,
                        to: message.tolist,
                        time_ms: message.msgtime,
                    };
                    if visible(&grants, *seq, *own, Some(subject)) {
                        write_message(&mut batch.body, *seq, message)?;
                        batch.messages += 1;
                        true
                    } else {
                        false
                    }
                }
                ChangeRef::Other(row) => {
                    batch.cursor = row.seq;
                    visible(&grants, row.seq, row.own, row.subject()) && write_row(&mut batch.body, row)?
                }
            };
            batch.records += usize::from(written);
            if batch.records >= limit || batch.body.len() >= cfg.feed_max_bytes {
                stopped = true;
                return Ok(false);
            }
            Ok(true)
        })
        .unwrap_or_else(|e| failed = Some(e));
    if let Some(e) = failed {
        return Err(e);
    }
    // Stopped early, or scanned as much as one response may: the client asks again.
    let exhausted = !stopped && scanned < cfg.feed_max_scan;
    if exhausted {
        batch.cursor = batch.cursor.max(head);
    }
    batch.more = !exhausted;
    write_record(
        &mut batch.body,
        "cursor",
        batch.cursor,
        serde_json::json!({
            "more": batch.more,
            "head": head,
            "lease_expires_at": now_ms().saturating_add((lease_secs as i64).saturating_mul(1000)),
        }),
    )?;
    Ok(batch)
}
