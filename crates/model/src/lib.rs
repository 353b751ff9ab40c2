//! Dossier's domain types. No I/O here: parsing lives in `dossier-wecom`, storage in the server and vault.
//!
//! Field names follow the WeCom archive vocabulary (`sdkfileid`, `md5sum`, …) because that is the
//! language of the domain and of the evidence reviewers cite; the WeCom *layout* (envelope, content
//! keys, JSON inside JSON strings) is the business of `dossier-wecom`.
//!
//! Numbers that can exceed 2^53 or i64 in the wild (seq, meetingid, collect ids, file sizes) are `u64`:
//! exact in Rust, and they must cross into JavaScript as strings.
#![deny(missing_docs)]

mod ids;
mod message;
mod org;
mod review;

pub use ids::*;
pub use message::*;
pub use org::*;
pub use review::*;
