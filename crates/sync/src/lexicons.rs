//! A reviewer's own word lists (ad-hoc lexicons), kept in the profile and applied to the cache
//! offline. Sync applies them to every message it brings in, in the same transaction as the
//! message, so a local lexicon covers the slice as it grows. Their hits are word hits named after
//! the lexicon.

use dossier_model::{Hit, HitKind, Rule, Severity};
use dossier_rules::{RuleSet, WordHit};
use dossier_vault::Queries;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Settings key prefix of a local lexicon (`local.lexicon.<name>`).
pub const PREFIX: &str = "local.lexicon.";

/// A local lexicon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalLexicon {
    /// Its name (the rule name of its hits).
    pub name: String,
    /// Its words.
    pub words: Vec<String>,
    /// The severity of its hits.
    pub severity: Severity,
}

/// The local lexicons of a profile, by name.
pub fn load(q: &dyn Queries) -> dossier_vault::Result<Vec<LocalLexicon>> {
    let mut stmt = q
        .sql()
        .prepare("SELECT value FROM settings WHERE key >= ?1 AND key < ?2 ORDER BY key")?;
    let end = format!("{PREFIX}\u{10ffff}");
    let rows = stmt.query_map([PREFIX, end.as_str()], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(serde_json::from_str(&row?)?);
    }
    Ok(out)
}

/// The lexicons compiled as rules (one per lexicon, covering everyone), or `None` for none. A
/// word that can never match (no letters or digits) is an error naming it.
pub fn compile(lexicons: &[LocalLexicon]) -> Result<Option<RuleSet>, dossier_rules::Error> {
    if lexicons.is_empty() {
        return Ok(None);
    }
    RuleSet::compile(lexicons.iter().map(as_rule).collect()).map(Some)
}

/// [`compile`] for sync: the stored lexicons were checked when saved, so a failure is internal.
pub(crate) fn compile_stored(lexicons: &[LocalLexicon]) -> Result<Option<RuleSet>> {
    compile(lexicons).map_err(|e| Error::Internal(format!("compiling the local lexicons: {e}")))
}

/// A lexicon as a rule over every message.
pub fn as_rule(l: &LocalLexicon) -> Rule {
    Rule {
        name: l.name.clone(),
        words: l.words.clone(),
        exclusions: Vec::new(),
        scope: Default::default(),
        sender: Default::default(),
        chat_kinds: Vec::new(),
        severity: l.severity,
        action: Default::default(),
        enabled: true,
    }
}

/// The hits of `rules` in a message's text.
pub fn scan(rules: &RuleSet, msgid: &dossier_model::MsgId, text: &str) -> Vec<Hit> {
    rules
        .scan_text(text)
        .iter()
        .map(|h| hit(rules, msgid, h))
        .collect()
}

/// A lexicon match as the hit stored for it (named after its lexicon).
pub fn hit(rules: &RuleSet, msgid: &dossier_model::MsgId, h: &WordHit) -> Hit {
    let rule = &rules.rules()[h.rule];
    Hit {
        msgid: msgid.clone(),
        rule: rule.name.clone(),
        kind: HitKind::Word,
        word: Some(rules.word(h).to_owned()),
        start: h.start,
        end: h.end,
        severity: rule.severity,
    }
}
