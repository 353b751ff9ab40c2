//! Deterministic synthetic WeCom (企业微信) 会话内容存档 archives, with ground truth.
//!
//! [`generate`] writes an **archive directory**:
//!
//! | file | content |
//! |---|---|
//! | `messages.jsonl` (or `messages-000001.jsonl`, … above [`Options::lines_per_file`]) | one decrypted WeCom message per line, in `seq` order, each with the outer `"seq"` as an extra top-level key |
//! | `users.json` | `{"department":[department/list items],"userlist":[user/list items]}` |
//! | `customers.json` | array of externalcontact/get responses |
//! | `groups.json` | array of groupchat/get responses: msgaudit form (plus `roomid`) for internal groups, `group_chat` form for customer groups |
//! | `events.jsonl` | callback events as JSON objects with the callback XML's field names, in time order |
//! | `media/` | media files named by the lowercase hex SHA-256 of their `sdkfileid` |
//! | `rules.json` | the demo lexicon in the rules-file format |
//! | `truth.json` | every planted item (see [`truth`]) |
//!
//! The same [`Options`] give byte-identical directories. Memory stays bounded whatever the message count:
//! messages are written as they are generated and only active conversations are held.

#![deny(missing_docs)]

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

pub mod clock;
mod json;
pub mod media;
pub mod names;
pub mod org;
pub mod risk;
mod sim;
pub mod text;
pub mod truth;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seed: same seed, same bytes.
    pub seed: u64,
    /// Number of employees.
    pub employees: usize,
    /// Number of message lines (including `switch` records).
    pub messages: u64,
    /// Split `messages.jsonl` into numbered files above this many lines.
    pub lines_per_file: u64,
    /// Reply limit for customer single-chat messages, in working minutes.
    pub reply_limit_minutes: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 1,
            employees: 40,
            messages: 100_000,
            lines_per_file: 250_000,
            reply_limit_minutes: 30,
        }
    }
}

/// What was written.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Message lines written.
    pub messages: u64,
    /// Message files written (`messages.jsonl` or the numbered parts).
    pub message_files: Vec<String>,
    /// Employees.
    pub employees: usize,
    /// Customers.
    pub customers: usize,
    /// Groups (internal and customer).
    pub groups: usize,
    /// Events written to `events.jsonl`.
    pub events: u64,
    /// Media files written.
    pub media_files: u64,
    /// Media bytes written.
    pub media_bytes: u64,
    /// Planted items in truth.json.
    pub truth_items: u64,
    /// Near misses in truth.json.
    pub negatives: u64,
    /// Total bytes written (all files).
    pub bytes: u64,
    /// First message time, UTC ms.
    pub first_msgtime: i64,
    /// Last message time, UTC ms.
    pub last_msgtime: i64,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Bad options (user error).
    #[error("invalid options: {0}")]
    Options(&'static str),
    /// The output directory holds something other than an earlier demo archive.
    #[error("{0} holds files that are not a demo archive; choose a new or empty directory")]
    NotEmpty(PathBuf),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl DemoError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        DemoError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub(crate) fn create_file(path: &Path) -> Result<BufWriter<File>, DemoError> {
    File::create(path)
        .map(|f| BufWriter::with_capacity(1 << 16, f))
        .map_err(|e| DemoError::io(path, e))
}

const ARCHIVE_FILES: &[&str] = &[
    "users.json",
    "customers.json",
    "groups.json",
    "events.jsonl",
    "rules.json",
    "truth.json",
    ".truth-negatives.tmp",
];

fn is_archive_file(name: &str) -> bool {
    ARCHIVE_FILES.contains(&name) || (name.starts_with("messages") && name.ends_with(".jsonl"))
}

/// Empties `dir` if it holds only an earlier demo archive; refuses (leaving it untouched) otherwise.
fn clear_previous(dir: &Path) -> Result<(), DemoError> {
    let io = |p: &Path, e| DemoError::io(p, e);
    let not_empty = || DemoError::NotEmpty(dir.to_path_buf());
    let mut files = Vec::new();
    let mut media_files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "media" && entry.path().is_dir() {
            for m in std::fs::read_dir(entry.path()).map_err(|e| io(&entry.path(), e))? {
                let m = m.map_err(|e| io(&entry.path(), e))?;
                let n = m.file_name().to_string_lossy().into_owned();
                if n.len() != 64 || !n.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(not_empty());
                }
                media_files.push(m.path());
            }
        } else if is_archive_file(&name) {
            files.push(entry.path());
        } else {
            return Err(not_empty());
        }
    }
    if !files.is_empty() && !files.iter().any(|p| p.ends_with("truth.json")) {
        return Err(not_empty());
    }
    for p in files.iter().chain(&media_files) {
        std::fs::remove_file(p).map_err(|e| io(p, e))?;
    }
    Ok(())
}

/// Generates an archive directory at `out_dir`: created if missing; if it exists it must be empty or
/// hold only an earlier demo archive (which is replaced).
pub fn generate(options: &Options, out_dir: &Path) -> Result<Summary, DemoError> {
    if options.employees < 5 {
        return Err(DemoError::Options("need at least 5 employees"));
    }
    if options.messages == 0 {
        return Err(DemoError::Options("need at least 1 message"));
    }
    if options.lines_per_file == 0 {
        return Err(DemoError::Options("lines_per_file must be positive"));
    }
    if out_dir.exists() {
        clear_previous(out_dir)?;
    }
    let media = out_dir.join("media");
    std::fs::create_dir_all(&media).map_err(|e| DemoError::io(&media, e))?;
    sim::run(options, out_dir)
}
