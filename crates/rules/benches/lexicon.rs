//! Lexicon throughput: 10,000-word lexicons over the demo corpus, normalisation included, beside a
//! per-word `str::contains` loop (what existing archive tools do) in the same run.
//!
//! Two lexicons, both 10,000 words and both holding the demo's planted risk words:
//!
//! - **realistic**: the rest are words a compliance lexicon lists and business chat rarely
//!   contains (2–4 characters, first character drawn from the corpus's own frequencies so the
//!   automaton leaves its start state as often as a real lexicon makes it, the rest from the
//!   common CJK block), with every such word that does occur in the corpus dropped: the hits are
//!   the planted ones, as on a real archive;
//! - **adversarial**: 300 phrases cut from the corpus (so most messages have hits) and random 3–4
//!   character words over the corpus's character frequencies (sharing many prefixes with the text).
//!
//! `cargo bench -p dossier-rules --bench lexicon` (release). `DOSSIER_BENCH_DIR` names a demo archive
//! directory to read; otherwise one of `DOSSIER_BENCH_MESSAGES` (default 100,000) messages is
//! generated in a temporary directory. `DOSSIER_BENCH_QUICK=1` runs one pass of one engine
//! (`DOSSIER_BENCH_ENGINE=nfa|dfa|auto`, default auto) and no baseline, for counting instructions
//! under `valgrind --tool=callgrind`, which is reproducible on a busy machine. Prints figures;
//! asserts nothing.
//!
//! Throughput is MB of original message text (UTF-8) per second of this thread's CPU time (from
//! `/proc/thread-self/schedstat`, so time the scheduler gives other processes on a busy machine
//! does not count); wall-clock figures are printed beside it.

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use dossier_model::Rule;
use dossier_rules::{Engine, Normalized, RuleSet, WordHit, normalize_into};

const WORDS: usize = 10_000;

/// CPU time of this thread in seconds, when the kernel tells.
fn thread_cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Runs `f`, returning (CPU seconds, or wall seconds when unknown; wall seconds).
fn timed(mut f: impl FnMut()) -> (f64, f64) {
    let (c0, t) = (thread_cpu(), Instant::now());
    f();
    let wall = t.elapsed().as_secs_f64();
    let cpu = match (c0, thread_cpu()) {
        (Some(a), Some(b)) => b - a,
        _ => wall,
    };
    (cpu, wall)
}

fn main() {
    let quick = std::env::var("DOSSIER_BENCH_QUICK").is_ok_and(|v| v == "1");
    let dir = match std::env::var("DOSSIER_BENCH_DIR") {
        Ok(d) => PathBuf::from(d),
        Err(_) => {
            let n: u64 = std::env::var("DOSSIER_BENCH_MESSAGES")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(100_000);
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
        "corpus: {} message texts, {:.2} MB, {:.1} bytes/char, from {}",
        texts.len(),
        bytes as f64 / 1e6,
        bytes as f64 / chars as f64,
        dir.display()
    );
    let mb = bytes as f64 / 1e6;

    // Normalisation alone. The folding table is built once per process on first use: build it
    // before the clock starts.
    let mut norm = Normalized::default();
    normalize_into("預熱", &mut norm);
    let mut n_chars = 0usize;
    let (cpu, wall) = timed(|| {
        for text in &texts {
            normalize_into(text, &mut norm);
            n_chars += norm.map.len();
        }
    });
    black_box(n_chars);
    println!(
        "normalise only:                    {:>7.1} MB/s cpu  ({:.1} MB/s wall)",
        mb / cpu,
        mb / wall
    );

    let planted = planted_words(&dir);
    for (name, words) in [
        ("realistic", realistic_lexicon(&texts, &planted)),
        ("adversarial", adversarial_lexicon(&texts, &planted)),
    ] {
        println!();
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
        println!("{name} lexicon: {} distinct words", words.len());
        let engines: &[(&str, Engine)] = if quick {
            match std::env::var("DOSSIER_BENCH_ENGINE").as_deref() {
                Ok("nfa") => &[("contiguous NFA", Engine::ContiguousNfa)],
                Ok("dfa") => &[("DFA", Engine::Dfa)],
                _ => &[("auto", Engine::Auto)],
            }
        } else {
            &[
                ("contiguous NFA", Engine::ContiguousNfa),
                ("DFA", Engine::Dfa),
                ("auto", Engine::Auto),
            ]
        };
        let mut best = 0.0f64;
        for &(ename, engine) in engines {
            let t = Instant::now();
            let set = RuleSet::compile_with(rules.clone(), engine).expect("compile");
            let build = t.elapsed();
            let mut out: Vec<WordHit> = Vec::new();
            // Best of three passes (one core); the first also warms up.
            let (mut mbps, mut wall_mbps, mut hits, mut hit_msgs) = (0.0f64, 0.0f64, 0, 0);
            for _ in 0..if quick { 1 } else { 3 } {
                (hits, hit_msgs) = (0, 0);
                let (cpu, wall) = timed(|| {
                    for text in &texts {
                        normalize_into(text, &mut norm);
                        out.clear();
                        set.scan_normalized(&norm, |_| true, &mut out);
                        hits += out.len();
                        hit_msgs += usize::from(!out.is_empty());
                    }
                });
                mbps = mbps.max(mb / cpu);
                wall_mbps = wall_mbps.max(mb / wall);
            }
            best = best.max(mbps);
            println!(
                "  normalise + {ename:<15} {mbps:>7.1} MB/s cpu  ({wall_mbps:.1} wall)  {hits} hits in {hit_msgs} messages ({:.1}%), built in {build:.0?}, automaton {:.1} MB",
                100.0 * hit_msgs as f64 / texts.len() as f64,
                set.lexicon().memory_usage() as f64 / 1e6
            );
        }
        if quick {
            continue;
        }
        // Baseline: for every message, every word, `str::contains` (no normalisation at all). On
        // a slice of the corpus: the loop is too slow to run over all of it.
        let slice = &texts[..texts.len().min(3_000)];
        let slice_mb = slice.iter().map(String::len).sum::<usize>() as f64 / 1e6;
        let mut found = 0usize;
        let (cpu, _) = timed(|| {
            for text in slice {
                for w in &words {
                    if text.contains(w.as_str()) {
                        found += 1;
                    }
                }
            }
        });
        black_box(found);
        let base = slice_mb / cpu;
        println!(
            "  per-word contains loop:         {base:>7.2} MB/s cpu  (on {} messages, {slice_mb:.2} MB)",
            slice.len()
        );
        println!(
            "  {name}: best automaton {best:.1} MB/s = {:.0}x the contains loop",
            best / base
        );
    }
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

/// The demo's planted risk words (its `rules.json`).
fn planted_words(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("rules.json"))
        .ok()
        .and_then(|rules| dossier_rules::RulesFile::from_json(&rules).ok())
        .map(|file| file.rules.into_iter().flat_map(|r| r.words).collect())
        .unwrap_or_default()
}

struct Rand(u64);

impl Rand {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Characters of the corpus with their counts, for drawing by frequency.
struct CharPool {
    pool: Vec<(char, usize)>,
    total: usize,
}

impl CharPool {
    fn new(texts: &[String]) -> Self {
        let mut freq: HashMap<char, usize> = HashMap::new();
        for t in texts.iter().take(50_000) {
            for c in t.chars().filter(|c| !c.is_ascii() && c.is_alphabetic()) {
                *freq.entry(c).or_default() += 1;
            }
        }
        let mut pool: Vec<(char, usize)> = freq.into_iter().collect();
        pool.sort_unstable();
        let total = pool.iter().map(|p| p.1).sum();
        Self { pool, total }
    }

    fn pick(&self, r: u64) -> char {
        let mut x = (r as usize) % self.total.max(1);
        for &(c, n) in &self.pool {
            if x < n {
                return c;
            }
            x -= n;
        }
        '的'
    }
}

/// The realistic lexicon (see the module documentation).
fn realistic_lexicon(texts: &[String], planted: &[String]) -> Vec<String> {
    let mut rand = Rand(0x2545_F491_4F6C_DD1D);
    let pool = CharPool::new(texts);
    let mut seen: HashSet<String> = planted.iter().cloned().collect();
    let mut words: Vec<String> = planted.to_vec();
    let mut candidates = Vec::new();
    // Draw more than needed, drop those the corpus contains, keep the first WORDS.
    while candidates.len() < 2 * WORDS {
        let len = 2 + rand.next() as usize % 3;
        let mut w = String::new();
        w.push(pool.pick(rand.next()));
        for _ in 1..len {
            // The common CJK block (U+4E00..U+9FA5).
            w.push(char::from_u32(0x4E00 + (rand.next() % 0x51A6) as u32).unwrap_or('的'));
        }
        if seen.insert(w.clone()) {
            candidates.push(w);
        }
    }
    let probe = RuleSet::compile(vec![Rule {
        name: "probe".into(),
        words: candidates.clone(),
        exclusions: Vec::new(),
        scope: Default::default(),
        sender: Default::default(),
        chat_kinds: Vec::new(),
        severity: Default::default(),
        action: Default::default(),
        enabled: true,
    }])
    .expect("compile");
    let mut occurs = vec![false; candidates.len()];
    for t in texts {
        for h in probe.scan_text(t) {
            occurs[h.word] = true;
        }
    }
    let dropped = occurs.iter().filter(|&&o| o).count();
    words.extend(
        candidates
            .into_iter()
            .zip(occurs)
            .filter(|(_, o)| !o)
            .map(|(w, _)| w)
            .take(WORDS - words.len()),
    );
    println!("(realistic lexicon: {dropped} drawn words found in the corpus were dropped)");
    words
}

/// The adversarial lexicon (see the module documentation).
fn adversarial_lexicon(texts: &[String], planted: &[String]) -> Vec<String> {
    let mut words: Vec<String> = planted.to_vec();
    let mut rand = Rand(0x9E37_79B9_7F4A_7C15);
    for _ in 0..300 {
        let t: Vec<char> = texts[rand.next() as usize % texts.len()].chars().collect();
        if t.len() >= 4 {
            let len = 2 + rand.next() as usize % 3;
            let s = rand.next() as usize % (t.len() - len + 1);
            let w: String = t[s..s + len].iter().collect();
            if w.chars().all(|c| !c.is_ascii() && c.is_alphanumeric()) {
                words.push(w);
            }
        }
    }
    let pool = CharPool::new(texts);
    let mut seen: HashSet<String> = words.iter().cloned().collect();
    words = seen.iter().cloned().collect::<Vec<_>>();
    words.sort();
    // Random words are 3–4 characters: two-character combinations of the commonest characters
    // (的是, 我们) are everyday words no lexicon lists, and would make every message a hit.
    while words.len() < WORDS {
        let len = 3 + rand.next() as usize % 2;
        let w: String = (0..len).map(|_| pool.pick(rand.next())).collect();
        if seen.insert(w.clone()) {
            words.push(w);
        }
    }
    words
}
