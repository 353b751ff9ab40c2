//! Parser throughput on one core, beside the floor of parsing the same lines into an untyped
//! `serde_json::Value`. Prints figures; run with `cargo bench -p dossier-wecom --bench parse`
//! (optionally `-- FILE.jsonl` to measure a demo archive instead of the public fixtures).

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let path = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let lines: Vec<String> = match &path {
        Some(p) => std::fs::read_to_string(p)
            .expect("read input")
            .lines()
            .map(str::to_owned)
            .collect(),
        None => {
            // The public fixtures, repeated: every msgtype in its official shape.
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
            let mut base = Vec::new();
            for f in ["decrypted_messages.skit.jsonl", "decrypted_messages.wxjava.jsonl"] {
                let text = std::fs::read_to_string(format!("{dir}{f}")).expect("read fixture");
                base.extend(text.lines().map(str::to_owned));
            }
            base.iter().cycle().take(300_000).cloned().collect()
        }
    };
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    println!(
        "input: {} lines, {:.1} MB ({})",
        lines.len(),
        bytes as f64 / 1e6,
        path.as_deref().unwrap_or("fixtures")
    );

    let measure = |name: &str, f: &dyn Fn(&str) -> bool| {
        let mut best = f64::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let mut ok = 0usize;
            for line in &lines {
                ok += usize::from(f(black_box(line)));
            }
            assert_eq!(ok, lines.len(), "{name}: some lines failed");
            best = best.min(start.elapsed().as_secs_f64());
        }
        let rate = lines.len() as f64 / best;
        println!(
            "{name:<38} {:>10.0} messages/s  {:>7.1} MB/s",
            rate,
            bytes as f64 / best / 1e6
        );
        rate
    };
    let floor = measure("baseline: serde_json::Value", &|l| {
        serde_json::from_str::<serde_json::Value>(l).is_ok()
    });
    let ours = measure("dossier_wecom::parse_line (typed)", &|l| {
        dossier_wecom::parse_line(l).is_ok()
    });
    println!("typed parse / untyped floor: {:.2}x", ours / floor);
}
