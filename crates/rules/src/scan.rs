//! The whole detection pass over a stream of messages: rules and detectors in one place, with the
//! state the revoke detector needs.

use std::collections::HashSet;

use dossier_model::{Hit, Message, MsgId};

use crate::detect::DetectorConfig;
use crate::normalize::{Normalized, normalize_into};
use crate::org::Org;
use crate::ruleset::{RuleSet, RulesFile};

/// Runs a rule set and the detectors over messages in archive order. Stateful only in what it
/// remembers for revokes: the ids of messages that had a hit.
#[derive(Debug)]
pub struct Scanner {
    rules: RuleSet,
    detectors: DetectorConfig,
    had_hit: HashSet<MsgId>,
    norm: Normalized,
}

impl Scanner {
    /// A scanner over compiled `rules` and `detectors` settings.
    pub fn new(rules: RuleSet, detectors: DetectorConfig) -> Self {
        Self {
            rules,
            detectors,
            had_hit: HashSet::new(),
            norm: Normalized::default(),
        }
    }

    /// A scanner for a parsed rules file.
    pub fn from_file(file: RulesFile) -> Result<Self, crate::Error> {
        Ok(Self::new(RuleSet::compile(file.rules)?, file.detectors))
    }

    /// The rule set.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The detector settings.
    pub fn detectors(&self) -> &DetectorConfig {
        &self.detectors
    }

    /// Tells the scanner that `msgid` had a hit (for example from hits stored by an earlier run),
    /// so that a later revoke of it is reported.
    pub fn remember_hit(&mut self, msgid: MsgId) {
        self.had_hit.insert(msgid);
    }

    /// Every hit of `msg`: lexicon words, text detectors, content detectors and revokes, lexicon
    /// hits first, each group in text order.
    pub fn scan(&mut self, msg: &Message, org: &dyn Org) -> Vec<Hit> {
        let text = msg.content.text();
        normalize_into(&text, &mut self.norm);
        let mut hits = self.rules.check_normalized(msg, &self.norm, org);
        hits.extend(self.detectors.text_hits(msg, &text, &self.norm, org));
        hits.extend(self.detectors.content_hits(msg, org));
        if let Some(h) = self.detectors.revoke_hit(msg, |id| self.had_hit.contains(id)) {
            hits.push(h);
        }
        if !hits.is_empty() {
            self.had_hit.insert(msg.msgid.clone());
        }
        hits
    }

    /// QR-code hits of `msg`'s media (`bytes`, fetched by the caller), remembered for revokes.
    pub fn scan_image(&mut self, msg: &Message, bytes: &[u8]) -> Result<Vec<Hit>, crate::Error> {
        let hits = self.detectors.image_hits(msg, bytes)?;
        if !hits.is_empty() {
            self.had_hit.insert(msg.msgid.clone());
        }
        Ok(hits)
    }
}
