//! Dossier's application API: every operation the desktop UI or the CLI performs is a plain async
//! function here, over a [`Session`] (one unlocked profile). `src-tauri` registers these functions as
//! commands, the `dossier` CLI calls them and prints, and the loopback test bridge serves them; so the
//! app and the CLI can never disagree.
//!
//! - Arguments and results are transport types (DTOs) defined in this crate; model types are
//!   converted at this boundary.
//! - Errors cross as one [`ApiError`] `{code, message}`; a code exists only where a caller acts on it.
//! - Blocking work (SQLCipher, tantivy) runs on the blocking pool ([`Session::blocking`]), so an
//!   async caller (the Tauri runtime) is never stalled.
//! - Logs carry ids and counts, never message content or queries.
#![deny(missing_docs)]

pub mod browse;
pub mod connect;
pub mod demo;
mod error;
pub mod export;
#[cfg(feature = "demo-fixture")]
pub mod fixture;
pub mod profiles;
pub mod review;
pub mod search;
mod session;
pub mod status;
pub mod sync;

pub use error::{ApiError, ErrorCode, Result};
pub use session::{ProfileArgs, Session};
