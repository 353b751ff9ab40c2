//! JSON Lines input: one record per line; a bad line is reported with its number and the rest
//! goes on.

use std::io::{self, BufRead};

use crate::{ArchiveLine, ParseError, parse_line};

/// A line that could not be read as archive input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {error}")]
pub struct LineError {
    /// 1-based line number.
    pub line: u64,
    /// What was wrong.
    pub error: ParseError,
}

/// The input itself failed (not one bad line): the file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("reading line {line}: {source}")]
pub struct ReadError {
    /// The line being read when it failed.
    pub line: u64,
    /// The I/O error.
    #[source]
    pub source: io::Error,
}

/// Reads archive lines from any buffered reader, reusing one buffer. Blank lines are skipped.
pub struct LineReader<R> {
    input: R,
    buf: Vec<u8>,
    line: u64,
}

impl<R: BufRead> LineReader<R> {
    /// Reads from `input`.
    pub fn new(input: R) -> Self {
        Self {
            input,
            buf: Vec::with_capacity(4096),
            line: 0,
        }
    }

    /// The next non-blank line: its number, its text (the evidence to keep), and what it parsed
    /// into — or `None` at the end of input.
    #[allow(clippy::type_complexity)]
    pub fn next_line(&mut self) -> Result<Option<(u64, &str, Result<ArchiveLine, LineError>)>, ReadError> {
        loop {
            self.buf.clear();
            self.line += 1;
            let n = self
                .input
                .read_until(b'\n', &mut self.buf)
                .map_err(|source| ReadError {
                    line: self.line,
                    source,
                })?;
            if n == 0 {
                return Ok(None);
            }
            if !trim_line_end(&self.buf).iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
        let line = self.line;
        let raw = trim_line_end(&self.buf);
        Ok(Some(match std::str::from_utf8(raw) {
            Ok(text) => (
                line,
                text,
                parse_line(text).map_err(|error| LineError { line, error }),
            ),
            Err(e) => {
                let error = ParseError::new("", format!("not valid UTF-8 at byte {}", e.valid_up_to()));
                (line, "", Err(LineError { line, error }))
            }
        }))
    }
}

fn trim_line_end(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b'\r'] = line {
        line = rest;
    }
    line
}
