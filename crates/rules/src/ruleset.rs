//! Sensitive-word rules compiled into one automaton: a message is checked in one pass whatever the
//! number of rules; scope, sender side, chat kinds and exclusions are applied to the few matches.

use dossier_model::{ChatKind, Hit, HitKind, Message, Rule, Scope, SenderSide, UserId};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::detect::DetectorConfig;
use crate::lexicon::{Engine, Lexicon, LexiconBuilder};
use crate::normalize::{Normalized, normalize_into};
use crate::org::Org;

/// A rules file: `{"rules": [...], "detectors": {...}}`; every field of a rule but `name` and
/// `words` is optional, and `detectors` may be left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RulesFile {
    /// The sensitive-word rules.
    pub rules: Vec<Rule>,
    /// Behaviour detector settings.
    #[serde(default)]
    pub detectors: DetectorConfig,
}

impl RulesFile {
    /// Parses a rules file.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        serde_json::from_str(json).map_err(|e| Error::RulesFile(e.to_string()))
    }
}

/// Who the message is between, as the rules see it.
#[derive(Clone, Copy, Debug)]
pub struct MessageContext<'a> {
    /// The sender.
    pub from: &'a UserId,
    /// The recipients.
    pub to: &'a [UserId],
    /// Whether it is a group chat.
    pub group: bool,
}

impl<'a> MessageContext<'a> {
    /// The context of `msg`.
    pub fn of(msg: &'a Message) -> Self {
        Self {
            from: &msg.from,
            to: &msg.tolist,
            group: msg.group().is_some(),
        }
    }

    /// Whether the sender is on `side`.
    pub fn sender_is(&self, side: SenderSide, org: &dyn Org) -> bool {
        match side {
            SenderSide::Both => true,
            SenderSide::Employee => org.is_employee(self.from),
            SenderSide::Customer => !org.is_employee(self.from),
        }
    }

    /// Whether an outsider takes part.
    pub fn is_external(&self, org: &dyn Org) -> bool {
        !org.is_employee(self.from) || self.to.iter().any(|u| !org.is_employee(u))
    }

    /// Whether the message matches `kinds`: kinds of the same dimension (single / group,
    /// internal / external) are alternatives, the two dimensions must both hold; empty is all.
    pub fn matches_kinds(&self, kinds: &[ChatKind], org: &dyn Org) -> bool {
        let has = |k| kinds.contains(&k);
        let shape_ok = !(has(ChatKind::Single) || has(ChatKind::Group))
            || (if self.group {
                has(ChatKind::Group)
            } else {
                has(ChatKind::Single)
            });
        let side_ok = !(has(ChatKind::Internal) || has(ChatKind::External))
            || (if self.is_external(org) {
                has(ChatKind::External)
            } else {
                has(ChatKind::Internal)
            });
        shape_ok && side_ok
    }

    /// Whether an employee taking part (the sender, or a recipient) is inside `scope`.
    pub fn in_scope(&self, scope: &Scope, org: &dyn Org) -> bool {
        let parties = std::iter::once(self.from)
            .chain(self.to.iter())
            .filter(|u| org.is_employee(u));
        match scope {
            Scope::All => true,
            Scope::Employees(ids) => parties.into_iter().any(|u| ids.contains(u)),
            Scope::Departments(depts) => parties.into_iter().any(|u| org.in_departments(u, depts)),
        }
    }
}

/// A lexicon hit of one rule. It names the word by index ([`RuleSet::word`] gives the text), so
/// finding a hit allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordHit {
    /// Index of the rule in [`RuleSet::rules`].
    pub rule: usize,
    /// Index of the word in the rule's `words`.
    pub word: usize,
    /// Start in characters of the original text.
    pub start: usize,
    /// End in characters of the original text, exclusive.
    pub end: usize,
    /// Start in characters of the normalised text.
    pub norm_start: usize,
    /// End in characters of the normalised text, exclusive.
    pub norm_end: usize,
}

#[derive(Clone, Copy, Debug)]
struct PatRef {
    rule: u32,
    /// Index into the rule's words, or its exclusions.
    item: u32,
    exclusion: bool,
}

/// Compiled rules.
#[derive(Clone, Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    lexicon: Lexicon,
    /// Per lexicon word: the rules (and which of their words or exclusions) it stands for.
    refs: Vec<Vec<PatRef>>,
    any_exclusions: bool,
}

impl RuleSet {
    /// Compiles `rules` with the default automaton. Disabled rules are kept (so indices stay
    /// stable) but never hit.
    pub fn compile(rules: Vec<Rule>) -> Result<Self, Error> {
        Self::compile_with(rules, Engine::Auto)
    }

    /// Compiles `rules` with the given automaton.
    pub fn compile_with(rules: Vec<Rule>, engine: Engine) -> Result<Self, Error> {
        let mut builder = LexiconBuilder::new();
        let mut refs: Vec<Vec<PatRef>> = Vec::new();
        let mut any_exclusions = false;
        for (r, rule) in rules.iter().enumerate() {
            if rule.name.trim().is_empty() {
                return Err(Error::EmptyRuleName { index: r });
            }
            if !rule.enabled {
                continue;
            }
            let items = rule
                .words
                .iter()
                .map(|w| (w, false))
                .chain(rule.exclusions.iter().map(|w| (w, true)));
            let mut counts = [0u32; 2];
            for (raw, exclusion) in items {
                let item = counts[usize::from(exclusion)];
                counts[usize::from(exclusion)] += 1;
                let Some(id) = builder.add(raw) else {
                    return Err(Error::EmptyWord {
                        rule: rule.name.clone(),
                        word: raw.clone(),
                    });
                };
                if id == refs.len() {
                    refs.push(Vec::new());
                }
                refs[id].push(PatRef {
                    rule: r as u32,
                    item,
                    exclusion,
                });
                any_exclusions |= exclusion;
            }
        }
        let lexicon = builder.build(engine)?;
        Ok(Self {
            rules,
            lexicon,
            refs,
            any_exclusions,
        })
    }

    /// Parses and compiles a rules file's `rules`.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        Self::compile(RulesFile::from_json(json)?.rules)
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The compiled lexicon (every distinct normalised word and exclusion).
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Lexicon hits in `norm` (the normalised text) of the rules for which `applies(rule index)`
    /// holds, exclusions applied, in order of their end.
    pub fn scan_normalized(
        &self,
        norm: &Normalized,
        mut applies: impl FnMut(usize) -> bool,
        out: &mut Vec<WordHit>,
    ) {
        // Hits go straight into `out`; the (rare) exclusion matches are collected on the side and
        // applied to the new hits at the end.
        let first = out.len();
        let mut exclusions: Vec<(u32, usize, usize)> = Vec::new();
        self.lexicon.find(norm, |m| {
            for r in &self.refs[m.word] {
                let rule = r.rule as usize;
                if !applies(rule) {
                    continue;
                }
                if r.exclusion {
                    exclusions.push((r.rule, m.norm_start, m.norm_end));
                } else {
                    out.push(WordHit {
                        rule,
                        word: r.item as usize,
                        start: m.start,
                        end: m.end,
                        norm_start: m.norm_start,
                        norm_end: m.norm_end,
                    });
                }
            }
        });
        if !self.any_exclusions || exclusions.is_empty() {
            return;
        }
        let mut i = 0;
        out.retain(|h| {
            let keep = i < first
                || !exclusions
                    .iter()
                    .any(|&(r, xs, xe)| r as usize == h.rule && xs <= h.norm_start && xe >= h.norm_end);
            i += 1;
            keep
        });
    }

    /// The text of a hit's word, as written in its rule.
    pub fn word(&self, hit: &WordHit) -> &str {
        &self.rules[hit.rule].words[hit.word]
    }

    /// Lexicon hits in `text` of every enabled rule, regardless of scope and sender.
    pub fn scan_text(&self, text: &str) -> Vec<WordHit> {
        let mut norm = Normalized::default();
        normalize_into(text, &mut norm);
        let mut out = Vec::new();
        self.scan_normalized(&norm, |_| true, &mut out);
        out
    }

    /// Whether rule `index` covers a message in `ctx`.
    pub fn applies(&self, index: usize, ctx: &MessageContext<'_>, org: &dyn Org) -> bool {
        let rule = &self.rules[index];
        rule.enabled
            && ctx.sender_is(rule.sender, org)
            && ctx.matches_kinds(&rule.chat_kinds, org)
            && ctx.in_scope(&rule.scope, org)
    }

    /// The lexicon hits of `msg` (its [`dossier_model::Content::text`]), as model hits.
    pub fn check(&self, msg: &Message, org: &dyn Org) -> Vec<Hit> {
        let text = msg.content.text();
        let mut norm = Normalized::default();
        normalize_into(&text, &mut norm);
        self.check_normalized(msg, &norm, org)
    }

    /// [`RuleSet::check`] over an already normalised text of `msg`.
    pub fn check_normalized(&self, msg: &Message, norm: &Normalized, org: &dyn Org) -> Vec<Hit> {
        let ctx = MessageContext::of(msg);
        // Applicability is worked out once per rule that matched, not per match.
        let mut cache: Vec<(usize, bool)> = Vec::new();
        let mut hits = Vec::new();
        self.scan_normalized(
            norm,
            |r| match cache.iter().find(|(i, _)| *i == r) {
                Some(&(_, ok)) => ok,
                None => {
                    let ok = self.applies(r, &ctx, org);
                    cache.push((r, ok));
                    ok
                }
            },
            &mut hits,
        );
        hits.into_iter()
            .map(|h| Hit {
                msgid: msg.msgid.clone(),
                rule: self.rules[h.rule].name.clone(),
                kind: HitKind::Word,
                word: Some(self.word(&h).to_string()),
                start: h.start,
                end: h.end,
                severity: self.rules[h.rule].severity,
            })
            .collect()
    }
}
