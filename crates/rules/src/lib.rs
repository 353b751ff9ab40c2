//! Detection over archive messages, the same on the server (alerts at ingest) and in the client
//! (highlighting, ad-hoc lexicons, offline re-scan). Pure functions over `dossier-model` types:
//! no I/O.
//!
//! - [`normalize`]: the text folding rules and search share (NFKC, case, traditional →
//!   simplified, evasion noise dropped), with a map back to original character indices.
//! - [`Lexicon`] / [`RuleSet`]: thousands of words in one Aho-Corasick automaton; rules with
//!   exclusions, scope, sender side and chat kinds; one pass per message whatever the rule count.
//! - [`detect`]: behaviour detectors (phone, WeChat id, bank card, id card, QR code, personal
//!   card, red packet, transfer, revoke, deletions).
//! - [`Scanner`]: rules and detectors over a message stream.
//! - [`timeout`]: reply timeouts in working minutes; [`quality`]: service quality score;
//!   [`sentiment`]: offline Chinese sentiment.
//!
//! Spans are in Unicode characters of the original text ([`dossier_model::Content::text`]),
//! end exclusive.
#![deny(missing_docs)]

pub mod detect;
mod error;
pub mod lexicon;
pub mod normalize;
pub mod org;
pub mod quality;
pub mod ruleset;
mod scan;
pub mod sentiment;
pub mod timeout;

pub use error::Error;
pub use lexicon::{DFA_MAX_PATTERN_BYTES, Engine, LexMatch, Lexicon, LexiconBuilder};
pub use normalize::{
    Fold, Normalized, fold, fold_keep_noise, fold_keep_noise_into, is_noise, normalize, normalize_into,
    normalize_word,
};
pub use org::{NoOrg, Org, OrgIndex};
pub use ruleset::{MessageContext, RuleSet, RulesFile, WordHit};
pub use scan::Scanner;
