//! Chinese full-text search over the vault's encrypted index, with the recall of a substring scan.
//!
//! # Exact recall
//! A text query (a word or quoted phrase) matches **every message whose folded text contains the
//! folded query as a substring**, where *folded* is [`dossier_rules::fold_keep_noise`]: the rules'
//! folding of letters and digits (NFKC, case, width, traditional → simplified), with punctuation,
//! symbols and emoji kept (width-folded), white-space runs as one space, and invisible characters
//! dropped. So `vx:123`, `138 1234`, `😀` or `，` inside a query find exactly those substrings,
//! and `保證` finds `保证`. The rules' evasion-proof form (noise dropped) is for detection, not for
//! search: a search for `vx123` does not find `vx 123`.
//!
//! # How
//! The folded text is indexed with [`GramTokenizer`] (a unigram and a bigram at each character,
//! real positions); a 1–2 character query is a term query, a longer one a phrase query over its
//! overlapping bigrams. The index stores ids and metadata only; message text comes from the vault.
//!
//! Filters (`employee:`, `customer:`, `group:`, `conversation:`, `type:`, `has:`) are doc sets read
//! once per segment from their posting lists and kept (16 MB budget); `from:` / `to:` check the
//! segment's msgtime column, also read once. Every read of the encrypted directory decrypts, so
//! nothing a query needs beyond its text postings is read again; a reload drops what belongs to
//! merged-away segments. Facets count per employee, customer, group, msgtype and month
//! (Asia/Shanghai, like the query language's dates) over the same cached columns.
//!
//! # Use (sync, api)
//! - [`SearchIndex::open`] on an unlocked [`dossier_vault::Vault`].
//! - Sync, per feed batch: write the rows and the cursor in one `Db::write`, then
//!   [`Indexer::add`] each inserted row ([`MessageDoc`]), [`Indexer::delete`] purged row ids,
//!   [`Indexer::upsert`] rows whose flags changed, and [`Indexer::commit`] with the batch's seq.
//!   On start: [`catch_up`]. For recovery: [`rebuild`].
//! - Queries: [`Query::parse`] (the query language, see [`query`]) then [`SearchIndex::search`].

#![deny(missing_docs)]

mod cache;
mod collect;
mod compile;
mod facets;
mod filter;
mod index;
pub mod query;
mod search;
mod tokenizer;

pub use facets::{Counts, Facets};
pub use index::{Indexer, MessageDoc, PreparedDoc, Reindexed, SearchIndex, catch_up, field, rebuild, schema};
pub use query::{Expr, Filter, ParseError, ParseErrorKind, Query};
pub use search::{Hit, SearchRequest, SearchResults, Snippet, SortOrder, Span, highlight, snippet};
pub use tokenizer::{GRAM_TOKENIZER, GramStream, GramTokenizer};

/// Search errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The query is malformed (a user error: show it with its position).
    #[error("query: {0}")]
    Query(#[from] ParseError),
    /// The vault failed (database, key, integrity).
    #[error(transparent)]
    Vault(#[from] dossier_vault::Error),
    /// The index failed (I/O, a sealed file that does not authenticate, a schema mismatch).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// Another writer (a sync, a re-scan) holds the index; try again when it ends.
    #[error("search index: another task is writing to it (a sync or a re-scan); try again when it ends")]
    WriterBusy,
    /// The index's commit payload is not a feed seq (not written by this crate).
    #[error("search index: commit payload {0:?} is not a feed seq")]
    BadPayload(String),
    /// A document without its row id (not written by this crate).
    #[error("search index: a document has no row id")]
    MissingId,
}

impl Error {
    /// Whether the person at the keyboard can fix it (a malformed query, a wrong key).
    pub fn is_user_error(&self) -> bool {
        match self {
            Error::Query(_) => true,
            Error::Vault(e) => e.is_user_error(),
            _ => false,
        }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
