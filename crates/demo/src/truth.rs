//! `truth.json` and `rules.json`.
//!
//! `truth.json` is one object, written as the archive is generated:
//!
//! ```text
//! {"params": {seed, employees, messages, reply_limit_minutes, working_hours, working_days, time_zone,
//!             timeout_rule, span_unit, …},
//!  "items": [ {"msgid", "kind", …} … ],        one line per planted item
//!  "negatives": [ {"msgid", "kind", …} … ],    one line per near miss that must not be detected
//!  "counts": {kind: n, …}}
//! ```
//!
//! Spans (`start`, `end`) are Unicode character indices into the message's text content, end exclusive.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::json::Obj;
use crate::risk::RULES;
use crate::{DemoError, Options, create_file};

/// Streams truth.json.
pub struct TruthWriter {
    path: PathBuf,
    out: BufWriter<File>,
    neg_path: PathBuf,
    neg: BufWriter<File>,
    items: u64,
    negatives: u64,
    counts: BTreeMap<String, u64>,
    buf: Vec<u8>,
}

impl TruthWriter {
    /// Opens truth.json in `dir` and writes the parameters.
    pub fn new(dir: &Path, o: &Options) -> Result<Self, DemoError> {
        let path = dir.join("truth.json");
        let neg_path = dir.join(".truth-negatives.tmp");
        let mut out = create_file(&path)?;
        let neg = create_file(&neg_path)?;
        let mut buf = Vec::new();
        {
            let mut p = Obj::new(&mut buf);
            p.u("seed", o.seed)
                .u("employees", o.employees as u64)
                .u("messages", o.messages);
            p.u("reply_limit_minutes", u64::from(o.reply_limit_minutes));
            p.s("time_zone", "Asia/Shanghai")
                .s("working_hours", "09:00-18:00")
                .s("working_days", "Mon-Fri");
            p.s("archive_start", "2025-03-03T00:00:00+08:00");
            p.s(
                "timeout_rule",
                "single chats only (roomid empty or absent): the first customer message (action send, msgtype not agree/disagree) of a run \
                 not yet answered starts the wait; the next message from the employee in that chat ends it; \
                 minutes = working minutes between the two msgtimes; a timeout when minutes > reply_limit_minutes",
            );
            p.s(
                "span_unit",
                "Unicode characters of the text content, end exclusive",
            );
            p.close();
        }
        out.write_all(b"{\"params\":")
            .map_err(|e| DemoError::io(&path, e))?;
        out.write_all(&buf).map_err(|e| DemoError::io(&path, e))?;
        out.write_all(b",\n\"items\":[")
            .map_err(|e| DemoError::io(&path, e))?;
        Ok(TruthWriter {
            path,
            out,
            neg_path,
            neg,
            items: 0,
            negatives: 0,
            counts: BTreeMap::new(),
            buf,
        })
    }

    /// Records a planted item; `f` writes its fields after `msgid` and `kind`.
    pub fn item(
        &mut self,
        msgid: Option<&str>,
        kind: &str,
        f: impl FnOnce(&mut Obj<'_>),
    ) -> Result<(), DemoError> {
        self.buf.clear();
        self.buf
            .extend_from_slice(if self.items == 0 { b"\n" } else { b",\n" });
        let mut o = Obj::new(&mut self.buf);
        match msgid {
            Some(m) => o.s("msgid", m),
            None => o.raw("msgid", b"null"),
        };
        o.s("kind", kind);
        f(&mut o);
        o.close();
        self.out
            .write_all(&self.buf)
            .map_err(|e| DemoError::io(&self.path, e))?;
        self.items += 1;
        *self.counts.entry(kind.to_string()).or_default() += 1;
        Ok(())
    }

    /// Records a near miss.
    pub fn negative(
        &mut self,
        msgid: &str,
        kind: &str,
        f: impl FnOnce(&mut Obj<'_>),
    ) -> Result<(), DemoError> {
        self.buf.clear();
        let mut o = Obj::new(&mut self.buf);
        o.s("msgid", msgid).s("kind", kind);
        f(&mut o);
        o.close();
        self.buf.push(b'\n');
        self.neg
            .write_all(&self.buf)
            .map_err(|e| DemoError::io(&self.neg_path, e))?;
        self.negatives += 1;
        *self.counts.entry(format!("negative_{kind}")).or_default() += 1;
        Ok(())
    }

    /// Appends the negatives and counts and closes the file; returns (items, negatives, bytes).
    pub fn finish(mut self) -> Result<(u64, u64, u64), DemoError> {
        self.neg.flush().map_err(|e| DemoError::io(&self.neg_path, e))?;
        drop(self.neg);
        self.out
            .write_all(b"\n],\n\"negatives\":[")
            .map_err(|e| DemoError::io(&self.path, e))?;
        let reader =
            BufReader::new(File::open(&self.neg_path).map_err(|e| DemoError::io(&self.neg_path, e))?);
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| DemoError::io(&self.neg_path, e))?;
            self.out
                .write_all(if i == 0 { b"\n" } else { b",\n" })
                .map_err(|e| DemoError::io(&self.path, e))?;
            self.out
                .write_all(line.as_bytes())
                .map_err(|e| DemoError::io(&self.path, e))?;
        }
        fs::remove_file(&self.neg_path).map_err(|e| DemoError::io(&self.neg_path, e))?;
        self.buf.clear();
        {
            let mut o = Obj::new(&mut self.buf);
            for (k, v) in &self.counts {
                o.u(k, *v);
            }
            o.close();
        }
        self.out
            .write_all(b"\n],\n\"counts\":")
            .map_err(|e| DemoError::io(&self.path, e))?;
        self.out
            .write_all(&self.buf)
            .map_err(|e| DemoError::io(&self.path, e))?;
        self.out
            .write_all(b"}\n")
            .map_err(|e| DemoError::io(&self.path, e))?;
        self.out.flush().map_err(|e| DemoError::io(&self.path, e))?;
        let bytes = fs::metadata(&self.path)
            .map_err(|e| DemoError::io(&self.path, e))?
            .len();
        Ok((self.items, self.negatives, bytes))
    }
}

/// Writes `rules.json`: `{"rules":[{"name","words","exclusions","severity"}]}`.
pub fn write_rules(dir: &Path) -> Result<u64, DemoError> {
    let path = dir.join("rules.json");
    let mut buf = Vec::new();
    buf.extend_from_slice(b"{\"rules\":[");
    for (i, r) in RULES.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        let words: Vec<&str> = r.words.iter().map(|w| w.0).collect();
        let mut o = Obj::new(&mut buf);
        o.s("name", r.name)
            .strs("words", &words)
            .strs("exclusions", r.exclusions)
            .s("severity", r.severity);
        o.close();
    }
    buf.extend_from_slice(b"\n]}\n");
    let mut f = create_file(&path)?;
    f.write_all(&buf).map_err(|e| DemoError::io(&path, e))?;
    f.flush().map_err(|e| DemoError::io(&path, e))?;
    Ok(buf.len() as u64)
}
