//! Dossier's change-feed client: brings the permitted slice of the archive into the vault and
//! its search index, and keeps it current, through crashes and bad networks.
//!
//! - [`Client`]: sign-in, token refresh, sign-out against one archive server (reqwest, rustls);
//!   [`session`] keeps the tokens in the vault's encrypted database between runs.
//! - [`sync()`]: pulls `GET /api/v1/feed` (zstd NDJSON) in batches; a network task feeds a bounded
//!   channel, the caller's thread stream-decodes each response and applies it to vault rows and
//!   the cursor in one transaction, then to the search index (commit payload = the cursor).
//!   Interrupted anywhere, the next run resumes exactly: the vault never holds half a batch, and
//!   the index catches up from its payload. Cut responses are applied up to their last complete
//!   record; 5xx, timeouts, dropped connections and cut bodies are retried with backoff and jitter
//!   ([`Retry`]); bad credentials are a permanent [`Error::Unauthorized`] and touch nothing.
//! - Grant records purge what the new grant excludes (rows, hits, annotations, index documents,
//!   media); [`check_lease`] refuses a slice past its offline lease until a sync succeeds.
//! - [`outbox`]: annotation writes and audit records made offline, uploaded in order by
//!   [`outbox::push_outbox`]; a 409 (or a permanent refusal) is kept as an [`outbox::Conflict`]
//!   with both versions. Push before a sync, so the feed brings the server's copies back.
//! - [`media`]: files fetched when viewed and prefetched within a byte budget, md5-verified,
//!   stored sealed.
//! - [`Progress`] reports after every applied response.
#![deny(missing_docs)]

mod apply;
mod checkpoint;
mod client;
mod decode;
mod error;
mod lease;
pub mod lexicons;
pub mod media;
pub mod outbox;
mod progress;
mod record;
pub mod session;
mod sync;
mod wipe;

pub use apply::{keys, reindex_messages};
pub use client::{Account, Client, ClientOptions, Retry, Tokens};
pub use error::{Error, Result};
pub use lease::{check_lease, check_lease_at, lease_expires_at};
pub use progress::{Phase, Progress};
pub use record::GrantInForce;
pub use sync::{Report, SyncOptions, sync};
pub use wipe::wipe;
