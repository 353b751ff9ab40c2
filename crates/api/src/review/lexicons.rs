//! Rules in the client: the server's rules and lexicons (read-only, as synced) and the reviewer's
//! own ad-hoc lexicons, previewed over the cache before saving and re-scanned offline.

use std::collections::{BTreeSet, HashSet};

use dossier_model::{MsgId, Severity};
use dossier_rules::{Normalized, RuleSet, RulesFile, WordHit, normalize_into};
use dossier_sync::keys;
use dossier_sync::lexicons::{self, LocalLexicon};
use dossier_vault::{Queries, Vault};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::search::SnippetView;
use crate::{ApiError, Result, Session};

/// Longest lexicon name, characters.
const MAX_NAME: usize = 40;
/// Most words in one local lexicon.
const MAX_WORDS: usize = 10_000;
/// Messages read per batch while scanning.
const BATCH: usize = 5_000;
/// Samples a preview returns.
const SAMPLES: usize = 5;

/// Where a rule or lexicon comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RuleSource {
    /// The archive server (read-only here).
    Server,
    /// This profile's own.
    Local,
}

/// A sensitive-word rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RuleView {
    /// Name.
    pub name: String,
    /// Server or local.
    pub source: RuleSource,
    /// How many words it has.
    pub words: u32,
    /// `low`, `medium`, `high`.
    pub severity: String,
    /// Active.
    pub enabled: bool,
}

/// A word list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct LexiconView {
    /// Name.
    pub name: String,
    /// Server or local.
    pub source: RuleSource,
    /// Its words.
    pub words: Vec<String>,
    /// Severity of its hits (local lexicons; the server's rules say theirs).
    pub severity: String,
}

/// The rules in force for this profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RuleSetView {
    /// Sensitive-word rules: the server's, then the local lexicons as rules.
    pub rules: Vec<RuleView>,
    /// Word lists: the server's, then the local ones.
    pub lexicons: Vec<LexiconView>,
}

/// A message a lexicon would hit.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct LexiconSample {
    /// The msgid.
    pub msgid: String,
    /// Its conversation.
    pub conversation: String,
    /// Its time, ms.
    #[ts(type = "number")]
    pub msgtime: i64,
    /// Context with the hits highlighted.
    pub snippet: SnippetView,
}

/// What a lexicon would hit in the cache.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct LexiconPreview {
    /// Messages scanned.
    pub scanned: u32,
    /// Messages with a hit.
    pub messages: u32,
    /// Hits.
    pub hits: u32,
    /// The newest few messages hit.
    pub samples: Vec<LexiconSample>,
}

/// Re-scan progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RescanProgress {
    /// Messages scanned so far.
    pub scanned: u32,
    /// Messages to scan.
    pub total: u32,
    /// Hits found so far.
    pub hits: u32,
}

/// What a re-scan did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RescanSummary {
    /// Messages scanned.
    pub scanned: u32,
    /// Messages with a hit of the lexicon.
    pub messages: u32,
    /// Its hits.
    pub hits: u32,
}

/// The server's rules and lexicons and the local lexicons.
#[tracing::instrument(skip(session), err)]
pub async fn rule_set(session: &Session) -> Result<RuleSetView> {
    session
        .blocking(|s| {
            let (server_rules, server_lexicons, local) = s
                .vault()
                .db()
                .read(|r| Ok((r.setting(keys::RULES)?, server_lexicons(r)?, lexicons::load(r)?)))?;
            let rules = match server_rules.as_deref() {
                None | Some("null") => Vec::new(),
                Some(json) => {
                    RulesFile::from_json(json)
                        .map_err(|e| ApiError::internal(format!("the synced rules do not parse: {e}")))?
                        .rules
                }
            };
            let mut view = RuleSetView {
                rules: rules
                    .iter()
                    .map(|r| RuleView {
                        name: r.name.clone(),
                        source: RuleSource::Server,
                        words: r.words.len() as u32,
                        severity: severity_name(r.severity),
                        enabled: r.enabled,
                    })
                    .collect(),
                lexicons: server_lexicons
                    .into_iter()
                    .map(|(name, words)| LexiconView {
                        name,
                        source: RuleSource::Server,
                        words,
                        severity: String::new(),
                    })
                    .collect(),
            };
            for l in local {
                view.rules.push(RuleView {
                    name: l.name.clone(),
                    source: RuleSource::Local,
                    words: l.words.len() as u32,
                    severity: severity_name(l.severity),
                    enabled: true,
                });
                view.lexicons.push(LexiconView {
                    name: l.name,
                    source: RuleSource::Local,
                    severity: severity_name(l.severity),
                    words: l.words,
                });
            }
            Ok(view)
        })
        .await
}

/// How many cached messages `words` would hit, with the newest few, without saving anything.
#[tracing::instrument(skip(session, words), err, fields(words = words.len()))]
pub async fn preview_lexicon(session: &Session, words: Vec<String>) -> Result<LexiconPreview> {
    session
        .blocking(move |s| {
            let lexicon = LocalLexicon {
                name: "preview".to_owned(),
                words: clean_words(&words)?,
                severity: Severity::Medium,
            };
            let Some(rules) = compile(&lexicon)? else {
                return Err(ApiError::internal("no rules compiled"));
            };
            let mut preview = LexiconPreview {
                scanned: 0,
                messages: 0,
                hits: 0,
                samples: Vec::new(),
            };
            let mut found = Vec::new();
            scan_all(s.vault(), &rules, |_, m, hits| {
                preview.scanned += 1;
                if !hits.is_empty() {
                    preview.messages += 1;
                    preview.hits += hits.len() as u32;
                    found.push((m, hits.iter().map(|h| (h.start, h.end)).collect::<Vec<_>>()));
                    // Keep the newest few (rows come oldest id first; msgtime decides).
                    found.sort_by_key(|(m, _)| std::cmp::Reverse(m.msgtime));
                    found.truncate(SAMPLES);
                }
                Ok(())
            })?;
            preview.samples = found
                .into_iter()
                .map(|(m, spans)| LexiconSample {
                    snippet: SnippetView::around(&m.text, &spans),
                    msgid: m.msgid,
                    conversation: m.conv,
                    msgtime: m.msgtime,
                })
                .collect();
            Ok(preview)
        })
        .await
}

/// Saves a local lexicon (replacing one of the same name) and re-scans the cache for it,
/// reporting progress. Its hits replace the lexicon's earlier ones in one transaction.
#[tracing::instrument(skip(session, words, progress), err, fields(words = words.len()))]
pub async fn save_lexicon(
    session: &Session,
    name: String,
    words: Vec<String>,
    severity: Severity,
    progress: impl FnMut(RescanProgress) + Send + 'static,
) -> Result<RescanSummary> {
    session
        .blocking(move |s| {
            let name = clean_name(s.vault(), &name)?;
            let lexicon = LocalLexicon {
                name,
                words: clean_words(&words)?,
                severity,
            };
            rescan(s, Some(lexicon.clone()), &lexicon.name, progress)
        })
        .await
}

/// Deletes a local lexicon and its hits.
#[tracing::instrument(skip(session), err)]
pub async fn delete_lexicon(session: &Session, name: String) -> Result<RescanSummary> {
    session
        .blocking(move |s| {
            if !local_names(s.vault())?.contains(&name) {
                return Err(ApiError::not_found(format!("no local lexicon {name:?}")));
            }
            rescan(s, None, &name, |_| {})
        })
        .await
}

/// The names of the local lexicons.
pub(crate) fn local_names(vault: &Vault) -> Result<HashSet<String>> {
    let local = vault.db().read(|r| lexicons::load(r))?;
    Ok(local.into_iter().map(|l| l.name).collect())
}

/// Replaces the hits of lexicon `name` by those of `lexicon` (none: deletes it) and re-indexes
/// the messages whose violation flag may have changed.
fn rescan(
    s: &Session,
    lexicon: Option<LocalLexicon>,
    name: &str,
    mut progress: impl FnMut(RescanProgress),
) -> Result<RescanSummary> {
    let vault = s.vault();
    let total = vault.db().read(|r| r.message_count())? as u32;
    let mut summary = RescanSummary {
        scanned: 0,
        messages: 0,
        hits: 0,
    };
    let mut new_hits = Vec::new();
    let mut touched: BTreeSet<i64> = BTreeSet::new();
    if let Some(l) = &lexicon
        && let Some(rules) = compile(l)?
    {
        scan_all(vault, &rules, |id, m, hits| {
            summary.scanned += 1;
            if !hits.is_empty() {
                summary.messages += 1;
                summary.hits += hits.len() as u32;
                touched.insert(id);
                let msgid = MsgId(m.msgid);
                new_hits.extend(hits.iter().map(|h| lexicons::hit(&rules, &msgid, h)));
            }
            if summary.scanned.is_multiple_of(BATCH as u32) || summary.scanned == total {
                progress(RescanProgress {
                    scanned: summary.scanned,
                    total,
                    hits: summary.hits,
                });
            }
            Ok(())
        })?;
    }
    let key = format!("{}{name}", lexicons::PREFIX);
    let value = lexicon
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ApiError::internal(e.to_string()))?;
    vault.db().write(|tx| {
        let sql = tx.sql();
        // The messages that had a hit of this lexicon may lose their violation flag.
        let mut stmt = sql.prepare(
            "SELECT m.id FROM hits h JOIN messages m ON m.msgid = h.msgid WHERE h.rule = ?1 AND h.kind = 'word'",
        )?;
        for id in stmt.query_map([name], |r| r.get::<_, i64>(0))? {
            touched.insert(id?);
        }
        sql.execute("DELETE FROM hits WHERE rule = ?1 AND kind = 'word'", [name])?;
        for hit in &new_hits {
            tx.put_hit(hit)?;
        }
        match &value {
            Some(v) => tx.set_setting(&key, v)?,
            None => {
                sql.execute("DELETE FROM settings WHERE key = ?1", [&key])?;
            }
        }
        Ok(())
    })?;
    dossier_sync::reindex_messages(vault, s.index(), &touched)?;
    Ok(summary)
}

/// One lexicon compiled; a word that can never match is bad input naming it.
fn compile(lexicon: &LocalLexicon) -> Result<Option<RuleSet>> {
    lexicons::compile(std::slice::from_ref(lexicon)).map_err(|e| ApiError::bad_input(e.to_string()))
}

/// One message as a scan sees it.
struct Scanned {
    msgid: String,
    conv: String,
    msgtime: i64,
    text: String,
}

/// Runs `rules` over every cached message's text, in row order, calling `f(row id, message, hits)`.
/// The buffers are reused from message to message: a preview allocates nothing per hit.
fn scan_all(
    vault: &Vault,
    rules: &RuleSet,
    mut f: impl FnMut(i64, Scanned, &[WordHit]) -> Result<()>,
) -> Result<()> {
    let mut norm = Normalized::default();
    let mut hits: Vec<WordHit> = Vec::new();
    let mut last = i64::MIN;
    loop {
        let batch: Vec<(i64, Scanned)> = vault.db().read(|r| {
            let mut stmt = r.sql().prepare_cached(
                "SELECT id, msgid, conv, msgtime, text FROM messages WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt.query_map(dossier_vault::rusqlite::params![last, BATCH as i64], |row| {
                Ok((
                    row.get(0)?,
                    Scanned {
                        msgid: row.get(1)?,
                        conv: row.get(2)?,
                        msgtime: row.get(3)?,
                        text: row.get(4)?,
                    },
                ))
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })?;
        let Some((tail, _)) = batch.last() else { break };
        last = *tail;
        for (id, m) in batch {
            normalize_into(&m.text, &mut norm);
            hits.clear();
            rules.scan_normalized(&norm, |_| true, &mut hits);
            f(id, m, &hits)?;
        }
    }
    Ok(())
}

/// The server's lexicons (name, words), as synced.
fn server_lexicons(r: &impl Queries) -> dossier_vault::Result<Vec<(String, Vec<String>)>> {
    let mut stmt = r
        .sql()
        .prepare("SELECT key, value FROM settings WHERE key >= ?1 AND key < ?2 ORDER BY key")?;
    let end = format!("{}\u{10ffff}", keys::LEXICON);
    let rows = stmt.query_map([keys::LEXICON, end.as_str()], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (key, value) = row?;
        // A deleted lexicon is synced as `null`.
        let Some(words) = serde_json::from_str::<Option<Vec<String>>>(&value)? else {
            continue;
        };
        out.push((key[keys::LEXICON.len()..].to_owned(), words));
    }
    Ok(out)
}

/// A valid, unused-by-the-server lexicon name.
fn clean_name(vault: &Vault, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(ApiError::bad_input(format!(
            "a lexicon name has 1 to {MAX_NAME} characters"
        )));
    }
    let (rules, server) = vault
        .db()
        .read(|r| Ok((r.setting(keys::RULES)?, server_lexicons(r)?)))?;
    let taken_by_rule = rules
        .as_deref()
        .and_then(|j| RulesFile::from_json(j).ok())
        .is_some_and(|f| f.rules.iter().any(|r| r.name == name));
    if taken_by_rule || server.iter().any(|(n, _)| n == name) {
        return Err(ApiError::bad_input(format!(
            "{name:?} is the name of a server rule or lexicon; choose another"
        )));
    }
    Ok(name.to_owned())
}

/// Words trimmed, empty ones and duplicates dropped; at least one, at most [`MAX_WORDS`].
fn clean_words(words: &[String]) -> Result<Vec<String>> {
    let mut seen = HashSet::new();
    let out: Vec<String> = words
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty() && seen.insert(w.to_string()))
        .map(str::to_owned)
        .collect();
    if out.is_empty() {
        return Err(ApiError::bad_input("a lexicon needs at least one word"));
    }
    if out.len() > MAX_WORDS {
        return Err(ApiError::bad_input(format!(
            "a lexicon holds at most {MAX_WORDS} words"
        )));
    }
    Ok(out)
}

fn severity_name(s: Severity) -> String {
    match s {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
    }
    .to_owned()
}
