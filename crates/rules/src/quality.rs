//! Service quality score of a conversation: start from full marks, deduct for hits by severity,
//! for reply timeouts and for negative customer messages; below a threshold the conversation is
//! marked for review.

use dossier_model::{Hit, Severity};
use serde::{Deserialize, Serialize};

use crate::sentiment::{Label, Sentiment};

/// Scoring settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QualityConfig {
    /// Full marks.
    pub full: f64,
    /// Points off per low-severity hit.
    pub low: f64,
    /// Points off per medium-severity hit.
    pub medium: f64,
    /// Points off per high-severity hit.
    pub high: f64,
    /// Points off per reply timeout.
    pub timeout: f64,
    /// Points off per negative customer message.
    pub negative_customer: f64,
    /// Most points one kind of deduction can take (so one bad day cannot sink the score alone).
    pub cap_per_reason: f64,
    /// Scores below this mark the conversation for review.
    pub review_below: f64,
}

impl Default for QualityConfig {
    fn default() -> Self {
        Self {
            full: 100.0,
            low: 2.0,
            medium: 5.0,
            high: 15.0,
            timeout: 5.0,
            negative_customer: 3.0,
            cap_per_reason: 60.0,
            review_below: 80.0,
        }
    }
}

/// One line of the score's explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deduction {
    /// What it is for: `high`, `medium`, `low` (hits), `timeout`, `negative_customer`.
    pub reason: String,
    /// How many.
    pub count: usize,
    /// Points taken off.
    pub points: f64,
}

/// The score of one conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityScore {
    /// 0 … full marks.
    pub score: f64,
    /// Why points were taken off.
    pub deductions: Vec<Deduction>,
    /// Whether a supervisor should look at it.
    pub needs_review: bool,
}

/// Scores a conversation from its hits (timeout hits are counted under `timeouts`, not as hits),
/// its number of timeouts and the sentiments of its customers' messages.
pub fn score_conversation(
    config: &QualityConfig,
    hits: &[Hit],
    timeouts: usize,
    customer_sentiments: &[Sentiment],
) -> QualityScore {
    let count = |s: Severity| {
        hits.iter()
            .filter(|h| h.severity == s && h.kind != dossier_model::HitKind::Timeout)
            .count()
    };
    let negatives = customer_sentiments
        .iter()
        .filter(|s| s.label == Label::Negative)
        .count();
    let items = [
        ("high", count(Severity::High), config.high),
        ("medium", count(Severity::Medium), config.medium),
        ("low", count(Severity::Low), config.low),
        ("timeout", timeouts, config.timeout),
        ("negative_customer", negatives, config.negative_customer),
    ];
    let deductions: Vec<Deduction> = items
        .into_iter()
        .filter(|&(_, n, _)| n > 0)
        .map(|(reason, n, per)| Deduction {
            reason: reason.into(),
            count: n,
            points: (n as f64 * per).min(config.cap_per_reason),
        })
        .collect();
    let score = (config.full - deductions.iter().map(|d| d.points).sum::<f64>()).max(0.0);
    QualityScore {
        score,
        needs_review: score < config.review_below,
        deductions,
    }
}
