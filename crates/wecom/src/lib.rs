//! WeCom 会话内容存档 formats into Dossier's model.
//!
//! - [`parse_message`]: one decrypted archive message (every msgtype, `switch`, revoke; the outer
//!   `seq` when the line carries it), with [`to_wecom_json`] as its inverse for evidence and demos;
//! - [`LineReader`]: JSON Lines input where a bad line is reported with its number and field while
//!   the rest goes on;
//! - [`api`]: the side-API JSON (departments, users, external contacts, groups, consent);
//! - [`events`]: callback events given as JSON objects with the callback's field names.
//!
//! Tolerant by design: an unknown msgtype is kept raw as [`Content::Unknown`], never dropped.
//!
//! [`Content::Unknown`]: dossier_model::Content::Unknown
#![deny(missing_docs)]

pub mod api;
mod error;
pub mod events;
mod lines;
mod message;
mod sanitize;
mod write;

pub use error::ParseError;
pub use lines::{LineError, LineReader, ReadError};
pub use message::{ArchiveLine, ChatData, parse_line, parse_message};
pub use write::to_wecom_json;
