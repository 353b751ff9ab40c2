//! Lexicon throughput: a 10,000-word lexicon over the demo corpus, normalisation included, beside
//! a per-word `str::contains` loop (what existing archive tools do) in the same run.
//!
//! `cargo bench -p dossier-rules --bench lexicon` (release). `DOSSIER_BENCH_DIR` names a demo archive
//! directory to read; otherwise one of `DOSSIER_BENCH_MESSAGES` (default 200,000) messages is
//! generated in a temporary directory. Prints figures; asserts nothing.

use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use dossier_model::Rule;
use dossier_rules::{Engine, Normalized, RuleSet, normalize_into};

const WORDS: usize = 10_000;

fn main() {
    let dir = match std::env::var("DOSSIER_BENCH_DIR") {
        Ok(d) => PathBuf::from(d),
        Err(_) => {
            let n: u64 = std::env::var("DOSSIER_BENCH_MESSAGES")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(200_000);
            let d = std::env::temp_dir().join(format!("dossier-rules-bench-{n}-{}", std::process::id()));
            let t = Instant::now();
            dossier_demo::generate(
                &dossier_demo::Options {
                    messages: n,
                    ..Default::default()
                },
                &d,
            )
            .expect("demo");
            eprintln!("generated {n} demo messages in {:.1?}", t.elapsed());
            d
        }
    };
    let texts = corpus(&dir);
    let bytes: usize = texts.iter().map(String::len).sum();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    println!(
        "corpus: {} message texts, {:.1} MB, {:.1} bytes/char, from {}",
        texts.len(),
        bytes as f64 / 1e6,
        bytes as f64 / chars as f64,
        dir.display()
    );

    let words = lexicon(&dir, &texts);
    let rules = vec![Rule {
        name: "bench".into(),
        words: words.clone(),
        exclusions: Vec::new(),
        scope: Default::default(),
        sender: Default::default(),
        chat_kinds: Vec::new(),
        severity: Default::default(),
        action: Default::default(),
        enabled: true,
    }];
    println!(
        "lexicon: {} distinct words (demo lexicon + corpus phrases + random words from corpus characters)",
        words.len()
    );

    // Normalisation alone.
    let mut norm = Normalized::default();
    let t = Instant::now();
    let mut n_chars = 0usize;
    for text in &texts {
        normalize_into(text, &mut norm);
        n_chars += norm.map.len();
    }
    let secs = t.elapsed().as_secs_f64();
    black_box(n_chars);
    println!(
        "normalise only:               {:>8.1} MB/s",
        bytes as f64 / 1e6 / secs
    );

    let mut best = 0.0f64;
    for (name, engine) in [
        ("contiguous NFA", Engine::ContiguousNfa),
        ("DFA", Engine::Dfa),
        ("auto", Engine::Auto),
    ] {
        let t = Instant::now();
        let set = RuleSet::compile_with(rules.clone(), engine).expect("compile");
        let build = t.elapsed();
        let mut out = Vec::new();
        // Warm up, then measure the best of three passes (one core).
        let mut mbps = 0.0f64;
        let mut hits = 0;
        for _ in 0..3 {
            let t = Instant::now();
            hits = 0;
            for text in &texts {
                normalize_into(text, &mut norm);
                out.clear();
                set.scan_normalized(&norm, |_| true, &mut out);
                hits += out.len();
            }
            mbps = mbps.max(bytes as f64 / 1e6 / t.elapsed().as_secs_f64());
        }
        best = best.max(mbps);
        println!(
            "normalise + {name:<15}   {mbps:>8.1} MB/s   {hits} hits, built in {build:.0?}, automaton {:.1} MB",
            set.lexicon().memory_usage() as f64 / 1e6
        );
    }

    // Baseline: for every message, every word, `str::contains` (no normalisation at all). On a
    // slice of the corpus: the loop is too slow to run over all of it.
    let slice = &texts[..texts.len().min(3_000)];
    let slice_bytes: usize = slice.iter().map(String::len).sum();
    let t = Instant::now();
    let mut found = 0usize;
    for text in slice {
        for w in &words {
            if text.contains(w.as_str()) {
                found += 1;
            }
        }
    }
    let base = slice_bytes as f64 / 1e6 / t.elapsed().as_secs_f64();
    black_box(found);
    println!(
        "per-word contains loop:       {base:>8.2} MB/s   (on {} messages, {:.2} MB)",
        slice.len(),
        slice_bytes as f64 / 1e6
    );
    println!(
        "lexicon automaton vs contains loop: {:.0}x (best engine {best:.1} MB/s)",
        best / base
    );
}

fn corpus(dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("archive dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with("messages"))
        })
        .collect();
    files.sort();
    let mut texts = Vec::new();
    for f in files {
        for line in std::fs::read_to_string(&f).expect("messages").lines() {
            if let Ok(dossier_wecom::ArchiveLine::Message(m)) = dossier_wecom::parse_line(line) {
                let t = m.content.text();
                if !t.is_empty() {
                    texts.push(t);
                }
            }
        }
    }
    texts
}

/// 10,000 words: the demo lexicon, 300 phrases cut from the corpus (so there are hits), and the
/// rest random 3–4 character words over the corpus's own character frequencies (realistic, mostly
/// absent, sharing many prefixes with the text: the hard case for an automaton).
fn lexicon(dir: &Path, texts: &[String]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    if let Ok(rules) = std::fs::read_to_string(dir.join("rules.json"))
        && let Ok(file) = dossier_rules::RulesFile::from_json(&rules)
    {
        words.extend(file.rules.into_iter().flat_map(|r| r.words));
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..300 {
        let t: Vec<char> = texts[rand() as usize % texts.len()].chars().collect();
        if t.len() >= 4 {
            let len = 2 + rand() as usize % 3;
            let s = rand() as usize % (t.len() - len + 1);
            let w: String = t[s..s + len].iter().collect();
            if w.chars().all(|c| !c.is_ascii() && c.is_alphanumeric()) {
                words.push(w);
            }
        }
    }
    let mut freq: HashMap<char, usize> = HashMap::new();
    for t in texts.iter().take(50_000) {
        for c in t.chars().filter(|c| !c.is_ascii() && c.is_alphabetic()) {
            *freq.entry(c).or_default() += 1;
        }
    }
    let mut pool: Vec<(char, usize)> = freq.into_iter().collect();
    pool.sort_unstable();
    let total: usize = pool.iter().map(|p| p.1).sum();
    let pick = |r: u64| {
        let mut x = (r as usize) % total.max(1);
        for &(c, n) in &pool {
            if x < n {
                return c;
            }
            x -= n;
        }
        '的'
    };
    let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
    // Random words are 3–4 characters: two-character combinations of the commonest characters
    // (的是, 我们) are everyday words no lexicon lists, and would make every message a hit.
    while words.len() < WORDS {
        let len = 3 + rand() as usize % 2;
        let w: String = (0..len).map(|_| pick(rand())).collect();
        if seen.insert(w.clone()) {
            words.push(w);
        }
    }
    words
}
