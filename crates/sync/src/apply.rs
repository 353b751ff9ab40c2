//! Applying decoded feed responses in rounds: vault rows and cursor in one transaction, then the
//! search index.
//!
//! Crash contract (ARCHITECTURE.md): a round's rows and the cursor commit together; the index
//! commits afterwards with the cursor as payload. Messages carry the seq that delivered them, so
//! after a crash `dossier_search::catch_up` re-indexes `(payload, cursor]`. What `catch_up` cannot
//! see — rows delivered earlier whose flags changed (a hit or an annotation arrived) — is kept in
//! the same transaction as a list of pending row ids ([`PENDING_KEY`]) until the index commits.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use dossier_model::{AnnotationTarget, ConversationKey, MsgId};
use dossier_search::{Indexer, MessageDoc, SearchIndex};
use dossier_vault::rusqlite::params;
use dossier_vault::{ConversationTally, Db, Put, Queries, RawChunk, Tx, Vault};

use crate::decode::{DecodedMessage, Record};
use crate::error::{Error, Result};
use crate::record::{GrantInForce, Line};

/// Runs `f` in one vault write transaction; an error of this crate rolls it back and comes out
/// as itself.
pub(crate) fn in_write<T>(db: &Db, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
    let mut failed = None;
    let r = db.write(|tx| {
        f(tx).map_err(|e| match e {
            Error::Vault(v) => v,
            other => {
                failed = Some(other);
                dossier_vault::UserError::Invalid("rolled back".into()).into()
            }
        })
    });
    r.map_err(|v| failed.take().unwrap_or(Error::Vault(v)))
}

/// Runs `f` on a read snapshot, like [`in_write`].
pub(crate) fn in_read<T>(db: &Db, f: impl FnOnce(&dyn Queries) -> Result<T>) -> Result<T> {
    let mut failed = None;
    let r = db.read(|q| {
        f(q).map_err(|e| match e {
            Error::Vault(v) => v,
            other => {
                failed = Some(other);
                dossier_vault::UserError::Invalid("read failed".into()).into()
            }
        })
    });
    r.map_err(|v| failed.take().unwrap_or(Error::Vault(v)))
}

/// Settings keys this crate keeps in the vault (all inside the encrypted database).
pub mod keys {
    /// Row ids whose index document must be re-made (flags changed) since the last index commit.
    pub const PENDING: &str = "sync.index_pending";
    /// When the offline lease runs out, ms.
    pub const LEASE: &str = "sync.lease_expires_at";
    /// The grant in force with its resolved scope, JSON ([`crate::GrantInForce`]).
    pub const GRANT: &str = "sync.grant";
    /// The server's newest seq at the last batch.
    pub const HEAD: &str = "sync.head";
    /// When the last sync finished, ms.
    pub const LAST_SYNC: &str = "sync.last_sync";
    /// The rules file, JSON.
    pub const RULES: &str = "sync.rules";
    /// Prefix of lexicon entries (`sync.lexicon.<name>` = words JSON or `null`).
    pub const LEXICON: &str = "sync.lexicon.";
}
use keys::PENDING as PENDING_KEY;

/// What the cursor record of a response said.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CursorInfo {
    pub more: bool,
    pub head: i64,
}

/// What applying one response did.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// The cursor now stored (the last applied record's seq, or the cursor record's).
    pub reached: i64,
    /// The cursor record, when the response was complete.
    pub cursor: Option<CursorInfo>,
    /// Records applied (the cursor record not counted).
    pub records: u64,
    /// Message records among them.
    pub messages: u64,
    /// Why the response ended early, when it did.
    pub cut: Option<String>,
    /// Messages purged by grant records.
    pub purged: u64,
}

/// Applies batches to one vault and its index. Holds the index writer.
pub(crate) struct Applier<'v> {
    vault: &'v Vault,
    writer: Indexer<'v>,
    /// Row ids with changed flags since the last index commit.
    pending: BTreeSet<i64>,
    /// Messages added to the index since its last commit.
    unindexed: usize,
    /// Commit the index after this many messages.
    commit_every: usize,
    /// Media blobs to delete once the purge that dropped them is committed.
    dead_blobs: Vec<String>,
    cursor: i64,
    /// The profile's own lexicons, applied to every message as it arrives.
    local_rules: Option<Arc<dossier_rules::RuleSet>>,
    /// Messages of this round not yet counted in their conversation rows.
    tally: ConversationTally,
    /// Every msgid a hit or an annotation names (or named): a new message outside it has
    /// neither, which spares two index lookups per message.
    flagged: HashSet<String>,
    _cache: CacheGuard<'v>,
}

fn pending_ids(tx: &dyn Queries) -> Result<BTreeSet<i64>> {
    Ok(match tx.setting(PENDING_KEY)? {
        Some(s) => serde_json::from_str(&s).map_err(|e| Error::Internal(format!("{PENDING_KEY}: {e}")))?,
        None => BTreeSet::new(),
    })
}

/// The msgids that hits and annotations name.
fn flagged_msgids(q: &dyn Queries) -> Result<HashSet<String>> {
    let mut stmt = q
        .sql()
        .prepare("SELECT msgid FROM hits UNION SELECT msgid FROM annotations WHERE msgid IS NOT NULL")
        .map_err(dossier_vault::Error::from)?;
    let rows = stmt
        .query_map([], |r| r.get(0))
        .map_err(dossier_vault::Error::from)?;
    Ok(rows
        .collect::<Result<_, _>>()
        .map_err(dossier_vault::Error::from)?)
}

/// Whether a message has a hit and a live annotation.
fn flags(q: &dyn Queries, msgid: &str) -> Result<(bool, bool)> {
    let mut stmt = q
        .sql()
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM hits WHERE msgid = ?1),
                    EXISTS (SELECT 1 FROM annotations WHERE msgid = ?1 AND deleted = 0)",
        )
        .map_err(dossier_vault::Error::from)?;
    Ok(stmt
        .query_row([msgid], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(dossier_vault::Error::from)?)
}

fn reindex_rows(q: &dyn Queries, writer: &mut Indexer<'_>, ids: &BTreeSet<i64>) -> Result<()> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    for chunk in ids.chunks(500) {
        for m in q.messages_by_ids(chunk)? {
            let (v, a) = flags(q, &m.message.msgid.0)?;
            writer.upsert(&MessageDoc::stored(&m, v, a))?;
        }
    }
    Ok(())
}

/// Re-indexes the rows `ids` with their current flags (after a local re-scan changed their hits)
/// and commits, keeping the index's feed seq. `WriterBusy` while a sync holds the index.
pub fn reindex_messages(vault: &Vault, index: &SearchIndex, ids: &BTreeSet<i64>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut writer = index.writer()?;
    in_read(vault.db(), |r| reindex_rows(r, &mut writer, ids))?;
    let seq = index.committed_seq()?.unwrap_or(0);
    writer.commit(seq)?;
    Ok(())
}

impl<'v> Applier<'v> {
    /// Takes the index writer and brings the index up to the vault's cursor (after a crash).
    pub fn open(
        vault: &'v Vault,
        index: &'v SearchIndex,
        commit_every: usize,
        cache_mib: u32,
    ) -> Result<Self> {
        let mut writer = index.writer()?;
        set_writer_cache(
            vault,
            cache_mib.saturating_mul(1024).max(dossier_vault::CACHE_KIB),
            SYNC_AUTOCHECKPOINT,
        )?;
        let cache = CacheGuard(vault);
        let (cursor, pending, lexicons, flagged) = in_read(vault.db(), |r| {
            Ok((
                r.cursor()?,
                pending_ids(r)?,
                crate::lexicons::load(r)?,
                flagged_msgids(r)?,
            ))
        })?;
        if index.committed_seq()?.unwrap_or(0) < cursor {
            in_read(vault.db(), |r| reindex_rows(r, &mut writer, &pending))?;
            let done = dossier_search::catch_up(vault, index, &mut writer)?;
            tracing::info!(
                messages = done.messages,
                seq = done.seq,
                "index caught up with the vault"
            );
        }
        Ok(Applier {
            vault,
            writer,
            pending: BTreeSet::new(),
            unindexed: 0,
            commit_every,
            dead_blobs: Vec::new(),
            cursor,
            local_rules: crate::lexicons::compile_stored(&lexicons)?.map(Arc::new),
            tally: ConversationTally::default(),
            flagged,
            _cache: cache,
        })
    }

    /// The vault's cursor.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// Whether another thread waits to write to the vault.
    pub fn writer_wanted(&self) -> bool {
        self.vault.db().writer_wanted()
    }

    /// The profile's own lexicons, for the decoder to scan messages with.
    pub fn local_rules(&self) -> Option<Arc<dossier_rules::RuleSet>> {
        self.local_rules.clone()
    }

    /// Opens one vault write transaction and lets `f` apply responses in it ([`Round::apply`]);
    /// the rows, the cursor and the index's pending rows commit together when `f` returns. Then
    /// the index commits when enough messages wait. An error rolls the whole round back.
    ///
    /// A round spans several responses because every commit rewrites each page it touched, and
    /// the msgid and conversation indexes are touched at random places: committing every 10,000
    /// messages rewrote the whole msgid index each time, a 1M-message sync's largest cost.
    pub fn round<T>(&mut self, f: impl FnOnce(&mut Round<'_, 'v>) -> Result<T>) -> Result<T> {
        let vault = self.vault;
        let committed = self.cursor;
        let mut dirty: BTreeSet<i64> = BTreeSet::new();
        let mut messages = 0;
        let result = in_write(vault.db(), |tx| {
            let mut round = Round {
                applier: self,
                tx,
                dirty: &mut dirty,
                messages: 0,
                lease: None,
                head: None,
            };
            let out = f(&mut round)?;
            round.close()?;
            messages = round.messages;
            Ok(out)
        });
        let out = match result {
            Ok(out) => out,
            Err(e) => {
                // Nothing of this round is in the vault: nothing of it may reach the index.
                self.writer.rollback()?;
                self.pending.clear();
                self.dead_blobs.clear();
                self.tally = ConversationTally::default();
                self.cursor = committed;
                return Err(e);
            }
        };
        self.unindexed += messages as usize + dirty.len();
        if self.unindexed >= self.commit_every || !self.dead_blobs.is_empty() {
            self.commit_index()?;
        }
        Ok(out)
    }

    /// Commits the index with the vault's cursor, then forgets what was pending and deletes the
    /// blobs of purged media.
    pub fn commit_index(&mut self) -> Result<()> {
        self.writer.commit(self.cursor)?;
        self.unindexed = 0;
        self.pending.clear();
        for blob in self.dead_blobs.drain(..) {
            self.vault.media().delete(&blob)?;
        }
        Ok(())
    }

    /// Commits and waits for the index's merges.
    pub fn finish(mut self) -> Result<()> {
        self.commit_index()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }

    /// Stores a message (its evidence apart, [`RawRun`]); returns its row id when it is new.
    fn apply_message(&mut self, tx: &Tx<'_>, m: DecodedMessage, out: &mut Outcome) -> Result<Option<i64>> {
        out.messages += 1;
        // A hit or annotation can precede its message (a message moves to a later seq when a
        // revoke links to it); `flagged` names every msgid one ever named.
        let flagged = self.flagged.contains(&m.row.message.msgid.0);
        let put = tx.put_message_tallied(&m.row, None, m.seq, &mut self.tally, !flagged)?;
        if let Put::Inserted(id) = put {
            for hit in m.hits {
                tx.put_hit(&hit)?;
                self.flagged.insert(hit.msgid.0);
            }
            let msgid = &m.row.message.msgid.0;
            let (v, a) = if self.flagged.contains(msgid) {
                flags(tx, msgid)?
            } else {
                (false, false)
            };
            self.writer.add_prepared(m.doc, id, v, a)?;
            return Ok(Some(id));
        }
        Ok(None)
    }

    fn apply_line(
        &mut self,
        tx: &Tx<'_>,
        line: &Line<'_>,
        dirty: &mut BTreeSet<i64>,
        out: &mut Outcome,
    ) -> Result<()> {
        let seq = line.seq;
        let missing =
            |what: &str| Error::Protocol(format!("{} record at seq {seq} has no {what}", line.kind));
        match line.kind {
            "message" => return Err(Error::Internal("message records are decoded apart".into())),
            "hit" => {
                let hit = line.hit.as_ref().ok_or_else(|| missing("hit"))?;
                tx.put_hit(hit)?;
                mark(tx, &hit.msgid, dirty)?;
                self.flagged.insert(hit.msgid.0.clone());
            }
            "annotation" => {
                let a = line.annotation.as_ref().ok_or_else(|| missing("annotation"))?;
                tx.put_annotation(a)?;
                if let AnnotationTarget::Message { msgid, .. } = &a.target {
                    mark(tx, msgid, dirty)?;
                    self.flagged.insert(msgid.0.clone());
                }
            }
            "contact" => tx.put_contact(line.contact.as_ref().ok_or_else(|| missing("contact"))?)?,
            "group" => tx.put_group(line.group.as_ref().ok_or_else(|| missing("group"))?)?,
            "employee" => tx.put_employee(line.employee.as_ref().ok_or_else(|| missing("employee"))?)?,
            "department" => {
                tx.put_department(line.department.as_ref().ok_or_else(|| missing("department"))?)?
            }
            "event" => tx.put_event(line.event.as_ref().ok_or_else(|| missing("event"))?)?,
            "rules" => tx.set_setting(keys::RULES, line.rules.map_or("null", |r| r.get()))?,
            "lexicon" => {
                let name = line.name.as_deref().ok_or_else(|| missing("name"))?;
                let words = line.words.map_or("null", |w| w.get());
                tx.set_setting(&format!("{}{name}", keys::LEXICON), words)?;
            }
            "grant" => {
                let grant = GrantInForce {
                    grant: line.grant.clone().ok_or_else(|| missing("grant"))?,
                    all: line.all.unwrap_or(false),
                    employees: line.employees.clone().unwrap_or_default(),
                    departments: line.departments.clone().unwrap_or_default(),
                };
                out.purged += self.purge(tx, &grant)?;
                tx.set_grants(std::slice::from_ref(&grant.grant))?;
                tx.set_setting(keys::GRANT, &serde_json::to_string(&grant)?)?;
            }
            other => {
                // A newer server's record type: skipped, but noted (ids only).
                tracing::warn!(kind = other, seq, "unknown feed record type skipped");
            }
        }
        Ok(())
    }

    /// Deletes what `g` excludes (docs/api.md, "How grants flow through the feed"). Returns the
    /// number of messages purged.
    fn purge(&mut self, tx: &Tx<'_>, g: &GrantInForce) -> Result<u64> {
        // Deleting a message uncounts it from its conversation row: the row must be counted.
        tx.write_tally(&mut self.tally)?;
        let sql = tx.sql();
        let run = |q: &str, p: &[&dyn dossier_vault::rusqlite::ToSql]| -> Result<usize> {
            Ok(sql.execute(q, p).map_err(dossier_vault::Error::from)?)
        };
        run(
            "CREATE TEMP TABLE IF NOT EXISTS sync_scope (userid TEXT PRIMARY KEY)",
            &[],
        )?;
        run("DELETE FROM temp.sync_scope", &[])?;
        for e in &g.employees {
            run(
                "INSERT OR IGNORE INTO temp.sync_scope (userid) VALUES (?1)",
                &[&e.0],
            )?;
        }
        let all = g.all;
        let (from, to) = g.grant.window;
        let msgids: Vec<String> = {
            let mut stmt = sql
                .prepare(
                    "SELECT msgid FROM messages m WHERE
                       (?1 = 0 AND NOT EXISTS (SELECT 1 FROM temp.sync_scope s WHERE s.userid = m.sender)
                               AND NOT EXISTS (SELECT 1 FROM json_each(m.tolist) j
                                               JOIN temp.sync_scope s ON s.userid = j.value))
                       OR (?2 IS NOT NULL AND m.msgtime < ?2)
                       OR (?3 IS NOT NULL AND m.msgtime >= ?3)",
                )
                .map_err(dossier_vault::Error::from)?;
            let rows = stmt
                .query_map(params![all, from, to], |r| r.get(0))
                .map_err(dossier_vault::Error::from)?;
            rows.collect::<Result<_, _>>()
                .map_err(dossier_vault::Error::from)?
        };
        for msgid in &msgids {
            let msgid = MsgId(msgid.clone());
            if let Some(id) = tx.delete_message(&msgid)? {
                self.writer.delete(id)?;
            }
            run("DELETE FROM annotations WHERE msgid = ?1", &[&msgid.0])?;
        }
        let all_i = i64::from(all);
        run(
            "DELETE FROM contacts WHERE ?1 = 0 AND NOT EXISTS (
               SELECT 1 FROM contact_followers f JOIN temp.sync_scope s ON s.userid = f.userid
               WHERE f.external_userid = contacts.external_userid)",
            &[&all_i],
        )?;
        run(
            "DELETE FROM contact_followers WHERE external_userid NOT IN (SELECT external_userid FROM contacts)",
            &[],
        )?;
        run(
            "DELETE FROM chat_groups WHERE ?1 = 0
               AND owner NOT IN (SELECT userid FROM temp.sync_scope)
               AND NOT EXISTS (SELECT 1 FROM group_members gm JOIN temp.sync_scope s ON s.userid = gm.userid
                               WHERE gm.roomid = chat_groups.roomid)",
            &[&all_i],
        )?;
        run(
            "DELETE FROM group_members WHERE roomid NOT IN (SELECT roomid FROM chat_groups)",
            &[],
        )?;
        // Event times are seconds; the window is in ms.
        run(
            "DELETE FROM events WHERE
               (userid IS NOT NULL AND ?1 = 0 AND userid NOT IN (SELECT userid FROM temp.sync_scope))
               OR (userid IS NOT NULL AND ?2 IS NOT NULL AND time * 1000 < ?2)
               OR (userid IS NOT NULL AND ?3 IS NOT NULL AND time * 1000 >= ?3)
               OR (chat_id IS NOT NULL AND chat_id NOT IN (SELECT roomid FROM chat_groups))
               OR (kind = 'other' AND ?1 = 0)",
            &[&all_i, &from, &to],
        )?;
        run(
            "DELETE FROM employees WHERE ?1 = 0 AND userid NOT IN (SELECT userid FROM temp.sync_scope)",
            &[&all_i],
        )?;
        run(
            "DELETE FROM employee_departments WHERE userid NOT IN (SELECT userid FROM employees)",
            &[],
        )?;
        if !all {
            let keep: BTreeSet<i64> = g.departments.iter().map(|d| *d as i64).collect();
            let ids: Vec<i64> = {
                let mut stmt = sql
                    .prepare("SELECT id FROM departments")
                    .map_err(dossier_vault::Error::from)?;
                let rows = stmt
                    .query_map([], |r| r.get(0))
                    .map_err(dossier_vault::Error::from)?;
                rows.collect::<Result<_, _>>()
                    .map_err(dossier_vault::Error::from)?
            };
            for id in ids.into_iter().filter(|id| !keep.contains(id)) {
                run("DELETE FROM departments WHERE id = ?1", &[&id])?;
            }
        }
        // Conversation annotations: a single chat stays while one party is in scope, a group
        // chat while its group is covered.
        let convs: Vec<(String, String)> = {
            let mut stmt = sql
                .prepare("SELECT id, conv FROM annotations WHERE conv IS NOT NULL")
                .map_err(dossier_vault::Error::from)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(dossier_vault::Error::from)?;
            rows.collect::<Result<_, _>>()
                .map_err(dossier_vault::Error::from)?
        };
        let in_scope = |u: &str| all || g.employees.iter().any(|e| e.0 == u);
        for (id, conv) in convs {
            let keep = match dossier_vault::parse_conv_key(&conv) {
                Some(ConversationKey::Single(a, b)) => in_scope(&a.0) || in_scope(&b.0),
                Some(ConversationKey::Group(room)) => tx.group(&room)?.is_some(),
                None => true,
            };
            if !keep {
                run("DELETE FROM annotations WHERE id = ?1", &[&id])?;
            }
        }
        // Media no cached message refers to any more: rows now, blobs once this commits.
        let dead: Vec<(String, String, Option<String>)> = {
            let mut stmt = sql
                .prepare(
                    "SELECT sdkfileid, blob, thumb FROM media WHERE sdkfileid NOT IN
                       (SELECT sdkfileid FROM messages WHERE sdkfileid IS NOT NULL)",
                )
                .map_err(dossier_vault::Error::from)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(dossier_vault::Error::from)?;
            rows.collect::<Result<_, _>>()
                .map_err(dossier_vault::Error::from)?
        };
        for (sdkfileid, blob, thumb) in dead {
            run("DELETE FROM media WHERE sdkfileid = ?1", &[&sdkfileid])?;
            self.dead_blobs.push(blob);
            self.dead_blobs.extend(thumb);
        }
        if !msgids.is_empty() {
            tracing::info!(messages = msgids.len(), "purged what the new grant excludes");
        }
        Ok(msgids.len() as u64)
    }
}

/// The evidence of a run of messages the decoder compressed together ([`DecodedMessage::chunk`]):
/// kept as that chunk when the run's messages became consecutive new rows (the usual case), else
/// record by record for the new ones (a message stored before, or another record in between).
#[derive(Default)]
struct RawRun {
    chunk: Option<RawChunk>,
    /// Each message of the run so far: its new row id (`None`: it was stored before) and record.
    rows: Vec<(Option<i64>, String)>,
}

impl RawRun {
    /// A message record comes; `chunk` starts a run.
    fn start(&mut self, tx: &Tx<'_>, chunk: Option<RawChunk>) -> Result<()> {
        if chunk.is_some() {
            self.finish(tx)?;
            self.chunk = chunk;
        }
        Ok(())
    }

    /// The message's outcome.
    fn add(&mut self, tx: &Tx<'_>, id: Option<i64>, raw: String) -> Result<()> {
        if self.chunk.is_none() {
            return match id {
                Some(id) => Ok(tx.put_raw(id, &raw)?),
                None => Ok(()),
            };
        }
        self.rows.push((id, raw));
        if self.chunk.as_ref().is_some_and(|c| c.len() == self.rows.len()) {
            self.finish(tx)?;
        }
        Ok(())
    }

    /// Stores the run's evidence.
    fn finish(&mut self, tx: &Tx<'_>) -> Result<()> {
        let Some(chunk) = self.chunk.take() else {
            return Ok(());
        };
        let first = self.rows.first().and_then(|r| r.0);
        let consecutive = chunk.len() == self.rows.len()
            && first.is_some_and(|first| (0..).zip(&self.rows).all(|(i, (id, _))| *id == Some(first + i)));
        match first {
            Some(first) if consecutive => tx.put_raw_chunk(first, chunk)?,
            _ => {
                for (id, raw) in &self.rows {
                    if let Some(id) = id {
                        tx.put_raw(*id, raw)?;
                    }
                }
            }
        }
        self.rows.clear();
        Ok(())
    }
}

/// One vault transaction of a sync ([`Applier::round`]).
pub(crate) struct Round<'a, 'v> {
    applier: &'a mut Applier<'v>,
    tx: &'a Tx<'a>,
    /// Rows delivered earlier whose flags changed in this round.
    dirty: &'a mut BTreeSet<i64>,
    /// Messages applied in this round.
    messages: u64,
    lease: Option<i64>,
    head: Option<i64>,
}

impl Round<'_, '_> {
    /// The cursor the next response must start at.
    pub fn cursor(&self) -> i64 {
        self.applier.cursor
    }

    /// Whether another thread waits to write to the vault (the round should end).
    pub fn writer_wanted(&self) -> bool {
        self.applier.writer_wanted()
    }

    /// Messages applied in this round so far.
    pub fn messages(&self) -> u64 {
        self.messages
    }

    /// The transaction, for what must commit with the round (refreshed tokens).
    pub fn tx(&self) -> &Tx<'_> {
        self.tx
    }

    /// Starts applying a response (records after [`Round::cursor`]).
    pub fn begin(&self) -> Outcome {
        Outcome {
            reached: self.applier.cursor,
            ..Outcome::default()
        }
    }

    /// Applies the next records of the response `out` describes.
    pub fn apply(&mut self, records: Vec<Record>, out: &mut Outcome) -> Result<()> {
        let mut run = RawRun::default();
        for mut record in records {
            let seq = record.seq();
            if let Record::Message(m) = &mut record {
                run.start(self.tx, m.chunk.take())?;
            }
            if let Record::Cursor {
                more, head, lease, ..
            } = record
            {
                out.reached = out.reached.max(seq);
                out.cursor = Some(CursorInfo { more, head });
                self.lease = lease.or(self.lease);
                self.head = Some(head);
                continue;
            }
            if seq <= out.reached {
                // Already applied (a resumed response can start with it): upserts are
                // idempotent, but the cursor must never move back.
                if let Record::Message(m) = record {
                    run.add(self.tx, None, m.raw)?;
                }
                continue;
            }
            match record {
                Record::Message(mut m) => {
                    let raw = std::mem::take(&mut m.raw);
                    let id = self.applier.apply_message(self.tx, *m, out)?;
                    run.add(self.tx, id, raw)?;
                }
                Record::Unparsable { error, .. } => {
                    return Err(Error::Protocol(format!("message at seq {seq}: {error}")));
                }
                Record::Line { line, .. } => {
                    // A grant can purge messages of the open run: their evidence goes in first,
                    // so the purge takes it out.
                    run.finish(self.tx)?;
                    let line: Line<'_> = serde_json::from_slice(&line)
                        .map_err(|e| Error::Internal(format!("record at seq {seq}: {e}")))?;
                    self.applier.apply_line(self.tx, &line, self.dirty, out)?;
                }
                Record::Cursor { .. } => unreachable!("handled above"),
            }
            out.reached = seq;
            out.records += 1;
        }
        run.finish(self.tx)
    }

    /// Ends the response `out` describes: the cursor moves to where it reached.
    pub fn end(&mut self, out: &Outcome) {
        self.messages += out.messages;
        self.applier.cursor = out.reached;
    }

    /// What commits with the round's rows: the re-made documents of rows whose flags changed,
    /// the pending list, the lease, the head and the cursor.
    fn close(&mut self) -> Result<()> {
        let a = &mut *self.applier;
        self.tx.write_tally(&mut a.tally)?;
        reindex_rows(self.tx, &mut a.writer, self.dirty)?;
        a.pending.extend(self.dirty.iter());
        self.tx
            .set_setting(PENDING_KEY, &serde_json::to_string(&a.pending)?)?;
        if let Some(at) = self.lease {
            self.tx.set_setting(keys::LEASE, &at.to_string())?;
        }
        if let Some(head) = self.head {
            self.tx.set_setting(keys::HEAD, &head.to_string())?;
        }
        self.tx.set_cursor(a.cursor)?;
        Ok(())
    }
}

/// SQLite's default WAL auto-checkpoint interval, pages (the vault keeps the default).
const DEFAULT_AUTOCHECKPOINT: u32 = 1000;

/// WAL auto-checkpoint interval while syncing: none, the writer does not stop for checkpoints;
/// the sync's checkpointer thread runs one after each round ([`dossier_vault::Db::checkpoint_passive`]).
const SYNC_AUTOCHECKPOINT: u32 = 0;

/// Sets the page cache (KiB) and WAL auto-checkpoint interval (pages) of the vault's writer.
fn set_writer_cache(vault: &Vault, kib: u32, checkpoint_pages: u32) -> Result<()> {
    in_write(vault.db(), |tx| {
        tx.sql()
            .execute_batch(&format!(
                "PRAGMA cache_size = -{kib}; PRAGMA wal_autocheckpoint = {checkpoint_pages};"
            ))
            .map_err(dossier_vault::Error::from)?;
        Ok(())
    })
}

/// Gives the writer connection the vault's own page cache back when sync ends, however it ends
/// (browsing needs the memory).
struct CacheGuard<'v>(&'v Vault);

impl Drop for CacheGuard<'_> {
    fn drop(&mut self) {
        if let Err(e) = set_writer_cache(self.0, dossier_vault::CACHE_KIB, DEFAULT_AUTOCHECKPOINT) {
            tracing::warn!(error = %e, "could not restore the writer's page cache");
        }
    }
}

/// Marks the row of `msgid` (if stored) for re-indexing with its new flags.
fn mark(tx: &Tx<'_>, msgid: &MsgId, dirty: &mut BTreeSet<i64>) -> Result<()> {
    let mut stmt = tx
        .sql()
        .prepare_cached("SELECT id FROM messages WHERE msgid = ?1")
        .map_err(dossier_vault::Error::from)?;
    let id: Option<i64> = stmt
        .query_row([&msgid.0], |r| r.get(0))
        .map(Some)
        .or_else(|e| match e {
            dossier_vault::rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .map_err(dossier_vault::Error::from)?;
    dirty.extend(id);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use dossier_model::{Grant, Scope, UserId};
    use dossier_vault::{CreateOptions, KdfParams, KeySource, Passphrase, Profile};

    use super::*;
    use crate::decode::{Decoded, Decoder};

    /// A fresh profile (cheap key derivation) and its index.
    fn profile() -> (tempfile::TempDir, Vault, SearchIndex) {
        let tmp = tempfile::tempdir().unwrap();
        let vault = Profile::create(
            &tmp.path().join("p"),
            KeySource::Passphrase(Passphrase::new("pass").unwrap()),
            &CreateOptions {
                kdf: KdfParams {
                    m_kib: 256,
                    t: 1,
                    p: 1,
                },
            },
        )
        .unwrap();
        let index = SearchIndex::open(&vault).unwrap();
        (tmp, vault, index)
    }

    fn message_line(seq: i64, from: &str) -> String {
        serde_json::json!({
            "type": "message",
            "seq": seq,
            "raw": {
                "msgid": format!("m{seq}"), "action": "send", "from": from, "tolist": ["wmCust"],
                "roomid": "", "msgtime": 1_700_000_000_000i64 + seq, "msgtype": "text",
                "text": {"content": format!("第{seq}条")}
            }
        })
        .to_string()
    }

    /// Runs close at 64 records or once their records reach the chunk size, so reading one
    /// record never decompresses much more than that.
    #[test]
    fn the_decoder_closes_a_run_at_its_size() {
        let (_tmp, _vault, index) = profile();
        let long = "长".repeat(2_000); // 6,000 bytes
        let mut body = String::new();
        for seq in 1..=20 {
            let line = message_line(seq, "zhangsan").replace(&format!("第{seq}条"), &long);
            body += &line;
            body.push('\n');
        }
        for seq in 21..=100 {
            body += &message_line(seq, "zhangsan");
            body.push('\n');
        }
        body += "{\"type\":\"cursor\",\"seq\":100,\"more\":false,\"head\":100}\n";
        let (out, decoded) = std::sync::mpsc::sync_channel(4);
        let mut decoder = Decoder::new(&out, &index, None);
        assert!(
            decoder
                .lines(&mut Cursor::new(body.into_bytes()))
                .ok()
                .flatten()
                .is_none()
        );
        assert!(decoder.flush().is_ok());
        let Ok(Decoded::Records(records)) = decoded.recv() else {
            panic!("one batch of records");
        };
        let runs: Vec<usize> = records
            .iter()
            .filter_map(|r| match r {
                Record::Message(m) => m.chunk.as_ref().map(|c| c.len()),
                _ => None,
            })
            .collect();
        // Six long records pass 32 KiB; 20 = 6 + 6 + 6 + 2, then short ones fill 64.
        assert_eq!(runs, vec![6, 6, 6, 64, 18]);
    }

    /// A grant record among the messages of one run: the messages it purges take their evidence
    /// with them, although it was compressed with the rest of the run.
    #[test]
    fn a_purge_inside_a_run_takes_the_purged_evidence_too() {
        let (_tmp, vault, index) = profile();
        let grant = Grant {
            scope: Scope::Employees(vec![UserId("zhangsan".into())]),
            window: (None, None),
            lease_secs: 3600,
            export_allowed: false,
        };
        let mut body = String::new();
        for seq in 1..=10 {
            body += &message_line(seq, if seq % 2 == 0 { "zhangsan" } else { "lisi" });
            body.push('\n');
        }
        let grant_line = serde_json::json!({
            "type": "grant", "seq": 11, "grant": grant, "all": false,
            "employees": ["zhangsan"], "departments": []
        });
        body += &format!("{grant_line}\n{}\n", message_line(12, "zhangsan"));
        body += "{\"type\":\"cursor\",\"seq\":12,\"more\":false,\"head\":12}\n";

        // The decoder puts all twelve records in one batch: the eleven messages are one run.
        let (out, decoded) = std::sync::mpsc::sync_channel(4);
        let mut decoder = Decoder::new(&out, &index, None);
        let cut = decoder.lines(&mut Cursor::new(body.into_bytes())).ok().flatten();
        assert!(cut.is_none(), "{cut:?}");
        assert!(decoder.flush().is_ok());
        let Ok(Decoded::Records(records)) = decoded.recv() else {
            panic!("one batch of records");
        };
        assert!(matches!(&records[0], Record::Message(m) if m.chunk.as_ref().is_some_and(|c| c.len() == 11)));

        let mut applier = Applier::open(&vault, &index, 1_000, 64).unwrap();
        applier
            .round(|round| {
                let mut out = round.begin();
                round.apply(records, &mut out)?;
                round.end(&out);
                assert_eq!(out.purged, 5);
                Ok(())
            })
            .unwrap();
        applier.finish().unwrap();

        let (kept, live) = vault
            .db()
            .read(|r| {
                let mut kept = Vec::new();
                r.each_raw_message(&mut |id, raw| {
                    kept.push((id, raw.contains("zhangsan")));
                    Ok(())
                })?;
                let mut stmt = r.sql().prepare("SELECT id FROM messages ORDER BY id")?;
                let live: Vec<i64> = stmt
                    .query_map([], |x| x.get(0))?
                    .collect::<std::result::Result<_, _>>()?;
                Ok((kept, live))
            })
            .unwrap();
        assert_eq!(
            live.len(),
            6,
            "zhangsan's five messages and the one after the grant"
        );
        assert_eq!(kept.iter().map(|k| k.0).collect::<Vec<_>>(), live);
        assert!(kept.iter().all(|k| k.1), "only zhangsan's records are kept");
    }
}
