//! Offline sentiment of Chinese messages: positive / neutral / negative with a score in −1..1.
//!
//! A lexicon of sentiment words (weighted), negation words (不, 没有, 并非 … flip the next
//! sentiment word), degree words (非常, 太, 有点 … scale it) and contrast words (但是, 不过 … the
//! clause after weighs more). Text is normalised first, so traditional characters and full-width
//! forms score the same. Clauses are cut at punctuation; a negation reaches only inside its clause.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::lexicon::{Engine, Lexicon, LexiconBuilder};
use crate::normalize::{Normalized, normalize_into};

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

/// The sentiment of `text`.
pub fn sentiment(text: &str) -> Sentiment {
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
    let score = (total / 2.0).tanh();
    let label = if score > NEUTRAL_BAND {
        Label::Positive
    } else if score < -NEUTRAL_BAND {
        Label::Negative
    } else {
        Label::Neutral
    };
    Sentiment { score, label }
}
