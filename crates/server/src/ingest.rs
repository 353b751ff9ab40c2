//! Ingest of an archive directory (the layout `dossier server demo` writes and the WeCom export
//! tools produce): org, contacts, groups, rules, messages, events, media.
//!
//! Idempotent (a msgid is stored once; unchanged contacts, groups and events add nothing),
//! incremental (a later directory appends), tolerant (a malformed line is reported with its file
//! and line number and the rest goes on). Rules from `dossier-rules` run on every new message and
//! their hits are stored with their spans.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

use dossier_model::{Content, EventKind, Group, Message};
use dossier_rules::{OrgIndex, RulesFile, Scanner};
use dossier_wecom::{ArchiveLine, LineReader, api, events};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::Archive;
use crate::error::{Error, Result};
use crate::store::{NewEvent, NewMessage};

/// How much of an ingest to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// Decode images and look for QR codes (slow on big archives).
    pub scan_images: bool,
    /// Messages per transaction.
    pub batch: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            scan_images: true,
            batch: 2000,
        }
    }
}

/// What an ingest did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Message lines read (well-formed).
    pub messages_read: u64,
    /// Messages new to the server.
    pub messages_new: u64,
    /// Hits stored.
    pub hits: u64,
    /// Departments and employees added or changed.
    pub org_changed: usize,
    /// Contacts added or changed.
    pub contacts_changed: usize,
    /// Groups added or changed.
    pub groups_changed: usize,
    /// Events new to the server.
    pub events_new: usize,
    /// Media files copied in.
    pub media_new: u64,
    /// Whether the rules changed.
    pub rules_changed: bool,
    /// Users whose resolved scope changed with the org.
    pub regranted: usize,
    /// Problems, each `file:line: what` (the first 1000).
    pub problems: Vec<String>,
    /// Number of problems in all.
    pub problem_count: u64,
    /// Seconds spent on messages.
    pub message_secs: f64,
}

impl Report {
    fn problem(&mut self, p: String) {
        self.problem_count += 1;
        if self.problems.len() < 1000 {
            self.problems.push(p);
        }
    }
}

fn read_text(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Ok(Some(s)),
            Err(e) => Err(Error::bad(format!("{}: not UTF-8 ({e})", path.display()))),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Elements of a JSON array file, each as its own JSON text; a file that is not an array is
/// one problem.
fn array_items(name: &str, text: &str, report: &mut Report) -> Vec<String> {
    match serde_json::from_str::<Vec<&RawValue>>(text.trim_start_matches('\u{feff}')) {
        Ok(items) => items.into_iter().map(|r| r.get().to_owned()).collect(),
        Err(e) => {
            report.problem(format!("{name}:{}: not a JSON array: {e}", e.line()));
            Vec::new()
        }
    }
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The message files of a directory in order: `messages.jsonl`, then `messages-NNNNNN.jsonl`.
fn message_files(dir: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("messages") && n.ends_with(".jsonl"))
        .collect();
    names.sort();
    Ok(names)
}

/// Ingests the archive directory `dir`.
pub fn ingest_dir(archive: &Archive, dir: &Path, options: &Options) -> Result<Report> {
    if !dir.is_dir() {
        return Err(Error::bad(format!("{} is not a directory", dir.display())));
    }
    let store = archive.store();
    let mut report = Report::default();

    // Organisation first: scopes and rules depend on it.
    if let Some(text) = read_text(&dir.join("users.json"))? {
        match api::parse_org(&text) {
            Ok(org) => report.org_changed = store.ingest_org(&org.departments, &org.employees)?,
            Err(e) => report.problem(format!("users.json: {e}")),
        }
    }
    if let Some(text) = read_text(&dir.join("customers.json"))? {
        let mut contacts = Vec::new();
        for (i, item) in array_items("customers.json", &text, &mut report)
            .iter()
            .enumerate()
        {
            match api::parse_external_contact(item) {
                Ok(c) => contacts.push(c),
                Err(e) => report.problem(format!("customers.json: item {}: {e}", i + 1)),
            }
        }
        report.contacts_changed = store.ingest_contacts(&contacts)?;
    }

    // Events are parsed before groups so that a dissolution marks its group.
    let mut new_events = Vec::new();
    let mut dismissed: HashMap<String, i64> = HashMap::new();
    let scanner_rules = rules_for(archive, dir, &mut report)?;
    if let Ok(f) = File::open(dir.join("events.jsonl")) {
        let reader = std::io::BufRead::lines(BufReader::new(f));
        let mut line_no = 0u64;
        for line in reader {
            line_no += 1;
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    report.problem(format!("events.jsonl:{line_no}: {e}"));
                    continue;
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            match events::parse_event(&line) {
                Ok(ev) => {
                    let (userid, chat_id) = match &ev.kind {
                        EventKind::EmployeeDeletedCustomer { userid, .. }
                        | EventKind::CustomerDeletedEmployee { userid, .. }
                        | EventKind::TransferFailed { userid, .. } => (Some(userid.0.clone()), None),
                        EventKind::GroupDismissed { chat_id } => {
                            dismissed.insert(chat_id.0.clone(), ev.time);
                            (None, Some(chat_id.0.clone()))
                        }
                        EventKind::Other { .. } => (None, None),
                    };
                    let alert = scanner_rules.detectors.event_alert(&ev);
                    let json = serde_json::to_string(&serde_json::json!({"event": ev, "alert": alert}))?;
                    new_events.push(NewEvent {
                        key: sha256_hex(&line),
                        time_ms: ev.time.saturating_mul(1000),
                        userid,
                        chat_id,
                        json,
                    });
                }
                Err(e) => report.problem(format!("events.jsonl:{line_no}: {e}")),
            }
        }
    }

    if let Some(text) = read_text(&dir.join("groups.json"))? {
        let mut groups: Vec<Group> = Vec::new();
        for (i, item) in array_items("groups.json", &text, &mut report).iter().enumerate() {
            match api::parse_group(item) {
                Ok(mut g) => {
                    if let Some(&t) = dismissed.get(g.roomid.as_str()) {
                        g.dismissed_at.get_or_insert(t);
                    }
                    groups.push(g);
                }
                Err(e) => report.problem(format!("groups.json: item {}: {e}", i + 1)),
            }
        }
        report.groups_changed = store.ingest_groups(&groups)?;
    }

    report.media_new = copy_media(&dir.join("media"), &archive.media_dir(), &mut report)?;

    let started = Instant::now();
    ingest_messages(archive, dir, options, scanner_rules, &mut report)?;
    report.message_secs = started.elapsed().as_secs_f64();

    report.events_new = store.ingest_events(&new_events)?;
    if report.org_changed > 0 {
        report.regranted = archive.regrant_all()?;
    }
    Ok(report)
}

/// The rules to run: the archive's `rules.json` when present (it becomes the server's rules),
/// else the server's.
fn rules_for(archive: &Archive, dir: &Path, report: &mut Report) -> Result<RulesFile> {
    if let Some(text) = read_text(&dir.join("rules.json"))? {
        match RulesFile::from_json(&text) {
            Ok(file) => {
                let canonical = serde_json::to_string(&file)?;
                report.rules_changed = archive.store().set_rules(&canonical)?;
                return Ok(file);
            }
            Err(e) => report.problem(format!("rules.json: {e}")),
        }
    }
    Ok(match archive.store().rules()? {
        Some(json) => RulesFile::from_json(&json).unwrap_or_default(),
        None => RulesFile::default(),
    })
}

fn copy_media(from: &Path, to: &Path, report: &mut Report) -> Result<u64> {
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(0);
    };
    std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    let mut n = 0;
    for e in entries.flatten() {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        if name.len() != 64
            || !name
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            report.problem(format!("media/{name}: not named by a hex SHA-256; skipped"));
            continue;
        }
        let dest = to.join(&name);
        if dest.exists() {
            continue;
        }
        if std::fs::hard_link(e.path(), &dest).is_err() {
            std::fs::copy(e.path(), &dest).map_err(|err| Error::io(&dest, err))?;
        }
        n += 1;
    }
    Ok(n)
}

fn ingest_messages(
    archive: &Archive,
    dir: &Path,
    options: &Options,
    rules: RulesFile,
    report: &mut Report,
) -> Result<()> {
    let store = archive.store();
    let mut scanner = match Scanner::from_file(rules) {
        Ok(s) => s,
        Err(e) => {
            report.problem(format!("rules.json: {e}; messages ingested without rules"));
            Scanner::from_file(RulesFile::default()).map_err(|e| Error::Internal(e.to_string()))?
        }
    };
    let (depts, emps) = store.org()?;
    let org = OrgIndex::new(&depts, &emps);
    let media_dir = dir.join("media");
    let mut qr_cache: HashMap<String, Vec<dossier_model::Hit>> = HashMap::new();
    let mut checked_revokes: HashSet<String> = HashSet::new();
    let mut pending: Vec<(Message, String, bool)> = Vec::with_capacity(options.batch);
    let mut ctx = Prep {
        store,
        scanner: &mut scanner,
        org: &org,
        options,
        media_dir: &media_dir,
        qr_cache: &mut qr_cache,
        checked_revokes: &mut checked_revokes,
    };
    for name in message_files(dir)? {
        let path = dir.join(&name);
        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut reader = LineReader::new(BufReader::with_capacity(1 << 20, file));
        loop {
            let next = reader
                .next_line()
                .map_err(|e| Error::bad(format!("{name}: {e}")))?;
            let Some((line, text, parsed)) = next else { break };
            let msg = match parsed {
                Ok(ArchiveLine::Message(m)) => m,
                Ok(ArchiveLine::ChatData(_)) => {
                    report.problem(format!(
                        "{name}:{line}: encrypted chatdata; decrypt it first; skipped"
                    ));
                    continue;
                }
                Err(e) => {
                    report.problem(format!("{name}:{line}: {}", e.error));
                    continue;
                }
            };
            report.messages_read += 1;
            let raw_is_json = !text.starts_with('\u{feff}') && !text.bytes().any(|b| b < 0x20);
            pending.push((msg, text.to_owned(), raw_is_json));
            if pending.len() >= options.batch {
                flush(&mut ctx, &mut pending, report)?;
            }
        }
    }
    flush(&mut ctx, &mut pending, report)?;
    Ok(())
}

/// What preparing a message needs across a run.
struct Prep<'a> {
    store: &'a dyn crate::store::Storage,
    scanner: &'a mut Scanner,
    org: &'a OrgIndex,
    options: &'a Options,
    media_dir: &'a Path,
    qr_cache: &'a mut HashMap<String, Vec<dossier_model::Hit>>,
    checked_revokes: &'a mut HashSet<String>,
}

/// Stores the pending messages; ones already stored are not scanned again.
fn flush(ctx: &mut Prep<'_>, pending: &mut Vec<(Message, String, bool)>, report: &mut Report) -> Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = pending.iter().map(|(m, _, _)| m.msgid.0.clone()).collect();
    let known = ctx.store.known_msgids(&ids)?;
    let mut batch = Vec::with_capacity(pending.len());
    for (msg, raw, raw_is_json) in pending.drain(..) {
        if !known.contains(msg.msgid.as_str()) {
            batch.push(prepare(ctx, &msg, raw, raw_is_json)?);
        }
    }
    let (messages, hits) = ctx.store.ingest_messages(&batch)?;
    report.messages_new += messages as u64;
    report.hits += hits as u64;
    Ok(())
}

fn prepare(ctx: &mut Prep<'_>, msg: &Message, raw: String, raw_is_json: bool) -> Result<NewMessage> {
    let Prep {
        store,
        scanner,
        org,
        options,
        media_dir,
        qr_cache,
        checked_revokes,
    } = ctx;
    let revoke_of = match &msg.content {
        Content::Revoke(r) => Some(r.pre_msgid.0.clone()),
        _ => None,
    };
    // A revoke of a message stored by an earlier ingest: tell the scanner whether it had a hit.
    if let Some(orig) = &revoke_of
        && checked_revokes.insert(orig.clone())
        && store.message_had_hit(orig)?
    {
        scanner.remember_hit(dossier_model::MsgId(orig.clone()));
    }
    let media = msg.content.media().map(|m| sha256_hex(m.sdkfileid));
    let mut hits = scanner.scan(msg, *org);
    if options.scan_images
        && let (Content::Image(_), Some(id)) = (&msg.content, &media)
    {
        let found = qr_cache.entry(id.clone()).or_insert_with(|| {
            std::fs::read(media_dir.join(id))
                .ok()
                .and_then(|bytes| scanner.detectors().image_hits(msg, &bytes).ok())
                .unwrap_or_default()
        });
        hits.extend(found.iter().map(|h| dossier_model::Hit {
            msgid: msg.msgid.clone(),
            ..h.clone()
        }));
    }
    let hits = hits
        .iter()
        .map(serde_json::to_string)
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(NewMessage {
        msgid: msg.msgid.0.clone(),
        archive_seq: msg.seq.map(|s| s.to_string()),
        action: msg.action.as_str().to_owned(),
        from: msg.from.0.clone(),
        tolist: msg.tolist.iter().map(|u| u.0.clone()).collect(),
        roomid: msg.group().map(|r| r.0.clone()).unwrap_or_default(),
        msgtime: msg.msgtime,
        msgtype: msg.msgtype().to_owned(),
        raw,
        raw_is_json,
        revoke_of,
        media,
        hits,
    })
}
