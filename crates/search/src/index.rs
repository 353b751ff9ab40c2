//! The index: schema, opening it on the vault's encrypted directory, writing documents.

use std::collections::HashSet;
use std::sync::Arc;

use dossier_model::Message;
use dossier_rules::{Normalized, fold_keep_noise_into};
use dossier_vault::{Queries, StoredMessage, Vault};
use tantivy::index::SegmentId;
use tantivy::indexer::UserOperation;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, SegmentReader, TantivyDocument, Term};

use crate::cache::{Columns, SegmentCache};
use crate::tokenizer::{GRAM_TOKENIZER, GramTokenizer};
use crate::{Error, Result};

/// Field names of the schema (also the fast-field names).
pub mod field {
    /// Vault row id, u64: indexed (delete by id) and fast (results). The msgid and the text are
    /// not in the index: the vault has them by row id, and the index stays small.
    pub const ID: &str = "id";
    /// Conversation key (`dossier_vault::conv_key`): raw string, indexed, fast.
    pub const CONVERSATION: &str = "conversation";
    /// Employees taking part (sender and receivers that are not external), multi-valued.
    pub const EMPLOYEE: &str = "employee";
    /// External contacts taking part (sender and receivers), multi-valued.
    pub const CUSTOMER: &str = "customer";
    /// Group chat room id (absent for single chats).
    pub const GROUP: &str = "group";
    /// WeCom msgtype.
    pub const MSGTYPE: &str = "msgtype";
    /// Message time, ms since the epoch, i64: fast only (date filters check the column; as a
    /// term every message would add one to the term dictionary).
    pub const MSGTIME: &str = "msgtime";
    /// A rule hit is recorded on the message, bool.
    pub const HAS_VIOLATION: &str = "has_violation";
    /// An annotation is attached to the message, bool.
    pub const HAS_ANNOTATION: &str = "has_annotation";
    /// The folded text, [`crate::GramTokenizer`] with positions; not stored.
    pub const TEXT: &str = "text";
}

/// The schema's fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub id: Field,
    pub conversation: Field,
    pub employee: Field,
    pub customer: Field,
    pub group: Field,
    pub msgtype: Field,
    pub msgtime: Field,
    pub has_violation: Field,
    pub has_annotation: Field,
    pub text: Field,
}

/// The index schema. Nothing is stored: ids and metadata are fast fields, bodies come from the vault.
pub fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_u64_field(field::ID, INDEXED | FAST);
    b.add_text_field(field::CONVERSATION, STRING | FAST);
    b.add_text_field(field::EMPLOYEE, STRING | FAST);
    b.add_text_field(field::CUSTOMER, STRING | FAST);
    b.add_text_field(field::GROUP, STRING | FAST);
    b.add_text_field(field::MSGTYPE, STRING | FAST);
    b.add_i64_field(field::MSGTIME, FAST);
    b.add_bool_field(field::HAS_VIOLATION, INDEXED | FAST);
    b.add_bool_field(field::HAS_ANNOTATION, INDEXED | FAST);
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(GRAM_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field(field::TEXT, text);
    b.build()
}

impl Fields {
    fn of(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| schema.get_field(name).map_err(Error::from);
        Ok(Fields {
            id: f(field::ID)?,
            conversation: f(field::CONVERSATION)?,
            employee: f(field::EMPLOYEE)?,
            customer: f(field::CUSTOMER)?,
            group: f(field::GROUP)?,
            msgtype: f(field::MSGTYPE)?,
            msgtime: f(field::MSGTIME)?,
            has_violation: f(field::HAS_VIOLATION)?,
            has_annotation: f(field::HAS_ANNOTATION)?,
            text: f(field::TEXT)?,
        })
    }
}

/// One message to index. `text` is what the vault stores (`Content::text()`); the flags are what
/// the vault knows about the message when it is (re)indexed.
#[derive(Clone, Copy, Debug)]
pub struct MessageDoc<'a> {
    /// The vault row id ([`dossier_vault::Put::id`]).
    pub id: i64,
    /// The message.
    pub message: &'a Message,
    /// Its text as stored in the vault.
    pub text: &'a str,
    /// A rule hit is recorded on it.
    pub has_violation: bool,
    /// An annotation is attached to it.
    pub has_annotation: bool,
}

impl<'a> MessageDoc<'a> {
    /// A document for a stored message with the given flags.
    pub fn stored(m: &'a StoredMessage, has_violation: bool, has_annotation: bool) -> Self {
        MessageDoc {
            id: m.id,
            message: &m.message,
            text: &m.text,
            has_violation,
            has_annotation,
        }
    }
}

/// The search index of one unlocked profile, on [`Vault::index_directory`].
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    pub(crate) fields: Fields,
    /// Columns and filter doc sets read once per segment (see [`crate::cache`]).
    pub(crate) cache: Arc<SegmentCache>,
}

impl SearchIndex {
    /// Opens the profile's index, creating it when the directory holds none, or one of another
    /// schema (an older Dossier's): that one is replaced by an empty index, which `catch_up`
    /// fills from the vault (its committed seq is none), and its files go at the first commit.
    pub fn open(vault: &Vault) -> Result<SearchIndex> {
        let index = match Index::open_or_create(vault.index_directory(), schema()) {
            Err(tantivy::TantivyError::SchemaError(why)) => {
                tracing::warn!(%why, "the search index is rebuilt for this version's schema");
                Index::create(vault.index_directory(), schema(), Default::default())?
            }
            other => other?,
        };
        index.tokenizers().register(GRAM_TOKENIZER, GramTokenizer);
        let fields = Fields::of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            cache: Arc::default(),
        })
    }

    /// The feed seq of the last commit (its payload), `None` for an index never committed.
    pub fn committed_seq(&self) -> Result<Option<i64>> {
        match self.index.load_metas()?.payload {
            None => Ok(None),
            Some(p) => p.parse().map(Some).map_err(|_| Error::BadPayload(p)),
        }
    }

    /// A writer (holds the index lock until dropped): one indexing thread and a 64 MB budget,
    /// what sync needs next to its database writes.
    pub fn writer(&self) -> Result<Indexer<'_>> {
        self.writer_with(1, 64_000_000)
    }

    /// A writer with `threads` indexing threads sharing `heap_bytes` (≥ 15 MB per thread).
    pub fn writer_with(&self, threads: usize, heap_bytes: usize) -> Result<Indexer<'_>> {
        Ok(Indexer {
            writer: self
                .index
                .writer_with_num_threads(threads, heap_bytes)
                .map_err(|e| match e {
                    tantivy::TantivyError::LockFailure(tantivy::directory::error::LockError::LockBusy, _) => {
                        Error::WriterBusy
                    }
                    e => Error::Index(e),
                })?,
            index: self,
            buf: Normalized::default(),
            queued: Vec::with_capacity(QUEUED_OPS),
        })
    }

    /// The document of `message` (whose stored text is `text`) without its row id and flags,
    /// which only the vault's write tells: a sync prepares documents on another thread than the
    /// one that writes ([`Indexer::add_prepared`]). `buf` is scratch space for the folded text.
    pub fn document(&self, m: &Message, text: &str, buf: &mut Normalized) -> PreparedDoc {
        let f = &self.fields;
        fold_keep_noise_into(text, buf);
        let conv = dossier_vault::conv_key(&m.conversation());
        // Room for every value, the row id and flags included, so the writer's additions do not
        // copy the document (each value takes its bytes and a few more).
        let people: usize = std::iter::once(&m.from)
            .chain(&m.tolist)
            .map(|u| u.0.len() + 8)
            .sum();
        let room = m.group().map_or(0, |r| r.0.len());
        let mut d = TantivyDocument::with_capacity(buf.text.len() + conv.len() + people + room + 96);
        d.add_text(f.conversation, conv);
        // Each participant once, so a facet counts a message once per person.
        let mut seen = HashSet::with_capacity(m.tolist.len() + 1);
        for user in std::iter::once(&m.from).chain(&m.tolist) {
            if user.0.is_empty() || !seen.insert(user.0.as_str()) {
                continue;
            }
            let field = if user.is_external() {
                f.customer
            } else {
                f.employee
            };
            d.add_text(field, &user.0);
        }
        if let Some(room) = m.group() {
            d.add_text(f.group, &room.0);
        }
        d.add_text(f.msgtype, m.msgtype());
        d.add_i64(f.msgtime, m.msgtime);
        d.add_text(f.text, &buf.text);
        PreparedDoc(d)
    }

    /// Makes the last commit visible to searches. [`Indexer::commit`] does it for its own commits.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        let live: HashSet<SegmentId> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        self.cache.retain(&live);
        Ok(())
    }

    /// The segment's fast columns, opened on first use.
    pub(crate) fn columns(&self, segment: &SegmentReader) -> tantivy::Result<Arc<Columns>> {
        self.cache.columns(segment)
    }

    pub(crate) fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Number of segments visible to searches (benchmarks, diagnostics).
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Number of documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// A message's document before its row id and flags are known ([`SearchIndex::document`]).
#[derive(Debug)]
pub struct PreparedDoc(TantivyDocument);

/// Adds and deletes handed to tantivy's indexing thread at a time. One operation at a time wakes
/// the thread for every message (a futex wake and a context switch each, a tenth of sync's time).
const QUEUED_OPS: usize = 1024;

/// Writes documents; nothing is visible (or durable) until [`Indexer::commit`].
pub struct Indexer<'i> {
    writer: IndexWriter,
    index: &'i SearchIndex,
    buf: Normalized,
    /// Adds and deletes not yet handed to the indexing thread, in order (a delete must not pass
    /// an add of the same id).
    queued: Vec<UserOperation<TantivyDocument>>,
}

impl Indexer<'_> {
    /// Adds a message. Adding a row id twice makes two documents: use [`Indexer::upsert`] unless
    /// the row is new ([`dossier_vault::Put::Inserted`]).
    pub fn add(&mut self, doc: &MessageDoc<'_>) -> Result<()> {
        let prepared = self.index.document(doc.message, doc.text, &mut self.buf);
        self.add_prepared(prepared, doc.id, doc.has_violation, doc.has_annotation)
    }

    /// Adds a document [`SearchIndex::document`] prepared, with its row id and flags.
    pub fn add_prepared(
        &mut self,
        prepared: PreparedDoc,
        id: i64,
        has_violation: bool,
        has_annotation: bool,
    ) -> Result<()> {
        let f = &self.index.fields;
        let mut d = prepared.0;
        d.add_u64(f.id, id as u64);
        d.add_bool(f.has_violation, has_violation);
        d.add_bool(f.has_annotation, has_annotation);
        self.queue(UserOperation::Add(d))
    }

    fn queue(&mut self, op: UserOperation<TantivyDocument>) -> Result<()> {
        self.queued.push(op);
        if self.queued.len() >= QUEUED_OPS {
            self.flush()?;
        }
        Ok(())
    }

    /// Hands the queued operations to the indexing thread.
    fn flush(&mut self) -> Result<()> {
        if !self.queued.is_empty() {
            let ops = std::mem::replace(&mut self.queued, Vec::with_capacity(QUEUED_OPS));
            self.writer.run(ops)?;
        }
        Ok(())
    }

    /// Replaces the document of `doc.id` (or adds it): for re-indexing after a crash and for flag
    /// changes (a new hit or annotation).
    pub fn upsert(&mut self, doc: &MessageDoc<'_>) -> Result<()> {
        self.delete(doc.id)?;
        self.add(doc)
    }

    /// Deletes the document of a vault row id (a purged message, [`dossier_vault::Tx::delete_message`]).
    pub fn delete(&mut self, id: i64) -> Result<()> {
        let term = Term::from_field_u64(self.index.fields.id, id as u64);
        self.queue(UserOperation::Delete(term))
    }

    /// Deletes every document (the start of a rebuild).
    pub fn delete_all(&mut self) -> Result<()> {
        // What is queued would be deleted with the rest.
        self.queued.clear();
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Commits with `seq` (the feed seq the vault's cursor was set to in the same batch) as payload,
    /// then makes the commit visible to searches.
    pub fn commit(&mut self, seq: i64) -> Result<()> {
        self.flush()?;
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&seq.to_string());
        prepared.commit()?;
        self.index.reload()
    }

    /// Drops everything added or deleted since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        self.queued.clear();
        self.writer.rollback()?;
        Ok(())
    }

    /// Waits for the writer's merge threads (call before dropping at shutdown). What was not
    /// committed is dropped.
    pub fn wait_merging_threads(self) -> Result<()> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

/// What [`rebuild`] and [`catch_up`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reindexed {
    /// Messages (re)indexed.
    pub messages: u64,
    /// The payload committed (the vault's cursor).
    pub seq: i64,
}

const ROWS_PER_READ: i64 = 5_000;

/// The message ids with a rule hit and those with a live annotation.
fn flags(vault: &Vault) -> Result<(HashSet<String>, HashSet<String>)> {
    Ok(vault.db().read(|r| {
        let set = |sql: &str| -> dossier_vault::Result<HashSet<String>> {
            let mut stmt = r.sql().prepare(sql)?;
            let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        };
        Ok((
            set("SELECT DISTINCT msgid FROM hits")?,
            set("SELECT DISTINCT msgid FROM annotations WHERE deleted = 0 AND msgid IS NOT NULL")?,
        ))
    })?)
}

/// Re-indexes the vault rows `where_sql` selects (`?1` is the last id read, `?2` `seq`), in id
/// order, upserting or adding.
fn reindex(vault: &Vault, writer: &mut Indexer<'_>, where_sql: &str, seq: i64, upsert: bool) -> Result<u64> {
    let (violations, annotations) = flags(vault)?;
    let sql =
        format!("SELECT id FROM messages WHERE id > ?1 AND {where_sql} ORDER BY id LIMIT {ROWS_PER_READ}");
    let mut last = 0i64;
    let mut count = 0u64;
    loop {
        let rows = vault.db().read(|r| {
            let ids: Vec<i64> = {
                let mut stmt = r.sql().prepare_cached(&sql)?;
                let rows = stmt.query_map([last, seq], |row| row.get(0))?;
                rows.collect::<std::result::Result<_, _>>()?
            };
            r.messages_by_ids(&ids)
        })?;
        let Some(tail) = rows.last() else { break };
        last = tail.id;
        for m in &rows {
            let doc = MessageDoc::stored(
                m,
                violations.contains(&m.message.msgid.0),
                annotations.contains(&m.message.msgid.0),
            );
            if upsert {
                writer.upsert(&doc)?;
            } else {
                writer.add(&doc)?;
            }
            count += 1;
        }
    }
    Ok(count)
}

/// Rebuilds the index from the vault (recovery): deletes every document, indexes every stored
/// message and commits with the vault's cursor. Run it with no sync writing (the writer's lock
/// keeps a second writer out).
pub fn rebuild(vault: &Vault, index: &SearchIndex) -> Result<Reindexed> {
    let mut writer = index.writer_with(2, 128_000_000)?;
    let seq = vault.db().read(|r| r.cursor())?;
    writer.delete_all()?;
    let messages = reindex(vault, &mut writer, "?2 = ?2", seq, false)?;
    writer.commit(seq)?;
    writer.wait_merging_threads()?;
    Ok(Reindexed { messages, seq })
}

/// After a crash between the vault commit and the index commit: re-indexes the messages delivered
/// after the index's payload (`feed_seq` in `(payload, cursor]`), deletes the documents of rows the
/// vault no longer has (purges the index missed), and commits with the cursor. A no-op when the
/// index is current.
pub fn catch_up(vault: &Vault, index: &SearchIndex, writer: &mut Indexer<'_>) -> Result<Reindexed> {
    let seq = vault.db().read(|r| r.cursor())?;
    let indexed = index.committed_seq()?.unwrap_or(0);
    if indexed >= seq {
        return Ok(Reindexed { messages: 0, seq });
    }
    let sql = format!("feed_seq > {indexed} AND feed_seq <= ?2");
    let messages = reindex(vault, writer, &sql, seq, true)?;
    let stored: HashSet<i64> = vault.db().read(|r| {
        let mut stmt = r.sql().prepare("SELECT id FROM messages")?;
        let rows = stmt.query_map([], |row| row.get::<_, i64>(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    })?;
    for id in index.matching_ids(&crate::Query {
        expr: crate::Expr::All,
    })? {
        if !stored.contains(&id) {
            writer.delete(id)?;
        }
    }
    writer.commit(seq)?;
    Ok(Reindexed { messages, seq })
}
