//! Recall and precision of the rules engine against the demo generator's `truth.json`.
//!
//! `cargo run --release -p dossier-rules --example demo_eval -- [DIR] [MESSAGES] [SEED]`: DIR is an
//! archive directory written by `dossier_demo::generate` (its `rules.json` is the lexicon); without
//! one (pass `""`), an archive of MESSAGES (default 100,000) messages from SEED (default 1) is
//! generated in a temporary directory and removed afterwards.

// A measuring program: written for plain reading rather than clippy's taste.
#![allow(
    clippy::type_complexity,
    clippy::needless_range_loop,
    clippy::collapsible_if,
    clippy::field_reassign_with_default
)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use dossier_model::{Content, HitKind, Message};
use dossier_rules::detect::kind_name;
use dossier_rules::timeout::{TimeoutConfig, analyse_replies};
use dossier_rules::{OrgIndex, RulesFile, Scanner};
use serde_json::Value;

#[derive(Default)]
struct Tally {
    expected: usize,
    found: usize,
    exact_span: usize,
    hits: usize,
    false_pos: usize,
    negatives: usize,
    negatives_hit: usize,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().filter(|a| !a.is_empty());
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut generated = None;
    let dir = match dir {
        Some(d) => PathBuf::from(d),
        None => {
            let d =
                std::env::temp_dir().join(format!("dossier-rules-demo-{n}-{seed}-{}", std::process::id()));
            let opts = dossier_demo::Options {
                messages: n,
                seed,
                ..Default::default()
            };
            dossier_demo::generate(&opts, &d).expect("generate the demo archive");
            generated = Some(d.clone());
            d
        }
    };
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let rules = RulesFile::from_json(&read("rules.json")).expect("rules.json");
    let org = dossier_wecom::api::parse_org(&read("users.json")).expect("users.json");
    let org = OrgIndex::new(&org.departments, &org.employees);
    let truth: Value = serde_json::from_str(&read("truth.json")).expect("truth.json");

    let mut messages: Vec<Message> = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with("messages"))
        })
        .collect();
    files.sort();
    for f in files {
        for line in std::fs::read_to_string(&f).expect("messages").lines() {
            if let Ok(dossier_wecom::ArchiveLine::Message(m)) = dossier_wecom::parse_line(line) {
                messages.push(m);
            }
        }
    }

    let mut scanner = Scanner::from_file(rules).expect("compile rules");
    // (msgid, kind) -> hits (word, start, end)
    let mut hits: HashMap<(String, &'static str), Vec<(Option<String>, usize, usize)>> = HashMap::new();
    let started = std::time::Instant::now();
    for m in &messages {
        let mut hs = scanner.scan(m, &org);
        if let Content::Image(img) = &m.content {
            let name = sha256_hex(&img.sdkfileid);
            if let Ok(bytes) = std::fs::read(dir.join("media").join(&name)) {
                hs.extend(scanner.scan_image(m, &bytes).unwrap_or_default());
            }
        }
        for h in hs {
            hits.entry((m.msgid.0.clone(), kind_name(h.kind)))
                .or_default()
                .push((h.word, h.start, h.end));
        }
    }
    let scan_time = started.elapsed();
    // The demo's calendar: truth.json params (09:00-18:00 Mon-Fri, Asia/Shanghai), its reply limit.
    let mut timeouts = TimeoutConfig::default();
    timeouts.limit_minutes = truth["params"]["reply_limit_minutes"].as_i64().unwrap_or(30);
    timeouts.calendar.hours = vec![("09:00".into(), "18:00".into())];
    let report = analyse_replies(&messages, &org, &timeouts, None).expect("timeouts");
    for t in &report.timeouts {
        hits.entry((t.msgid.0.clone(), "timeout"))
            .or_default()
            .push((None, 0, 0));
    }
    let mut events_hit: HashSet<(String, String, String, i64)> = HashSet::new();
    for line in read("events.jsonl").lines() {
        if let Ok(e) = dossier_wecom::events::parse_event(line) {
            if let Some(a) = scanner.detectors().event_alert(&e) {
                events_hit.insert((kind_name(a.kind).into(), a.userid.0, a.external_userid.0, a.time));
            }
        }
    }

    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut matched: HashSet<(String, String, usize)> = HashSet::new();
    let mut misses = Vec::new();
    let mut word_by_evasion: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for item in truth["items"].as_array().expect("items") {
        let kind = item["kind"].as_str().unwrap_or("").to_string();
        let msgid = item["msgid"].as_str().map(str::to_string);
        if kind == "revoke" && item["pre_kind"].is_null() {
            continue; // a revoke of a message without a hit is not a detection
        }
        if ![
            "word",
            "phone",
            "wechat",
            "bankcard",
            "idcard",
            "qrcode",
            "card",
            "redpacket",
            "revoke",
            "timeout",
            "del_external_contact",
            "del_follow_user",
        ]
        .contains(&kind.as_str())
        {
            continue;
        }
        let t = tally.entry(kind.clone()).or_default();
        t.expected += 1;
        let (found, exact) = match &msgid {
            None => {
                let key = (
                    kind.clone(),
                    item["userid"].as_str().unwrap_or("").to_string(),
                    item["external_userid"].as_str().unwrap_or("").to_string(),
                    item["time"].as_i64().unwrap_or(0),
                );
                let f = events_hit.contains(&key);
                (f, f)
            }
            Some(id) => {
                let span = (
                    item["start"].as_u64().map(|x| x as usize),
                    item["end"].as_u64().map(|x| x as usize),
                );
                let want_word = item["word"].as_str();
                let hs = hits
                    .get(&(id.clone(), kind_static(&kind)))
                    .cloned()
                    .unwrap_or_default();
                let mut best = (false, false);
                for (i, (w, s, e)) in hs.iter().enumerate() {
                    if kind == "word" && w.as_deref() != want_word {
                        continue;
                    }
                    let overlaps = match span {
                        (Some(a), Some(b)) => *s < b && a < *e,
                        _ => true,
                    };
                    if overlaps {
                        let exact = span == (Some(*s), Some(*e)) || span.0.is_none();
                        matched.insert((id.clone(), kind.clone(), i));
                        best = (true, best.1 || exact);
                    }
                }
                best
            }
        };
        t.found += usize::from(found);
        t.exact_span += usize::from(exact);
        if kind == "word" {
            let ev = word_by_evasion
                .entry(item["evasion"].as_str().unwrap_or("?").to_string())
                .or_default();
            ev.0 += 1;
            ev.1 += usize::from(found && exact);
        }
        if !found || !exact {
            misses.push(item.to_string());
        }
    }
    for ((id, kind), hs) in &hits {
        let t = tally.entry(kind.to_string()).or_default();
        t.hits += hs.len();
        for i in 0..hs.len() {
            if !matched.contains(&(id.clone(), kind.to_string(), i)) {
                t.false_pos += 1;
                if t.false_pos <= 4 {
                    let text = messages
                        .iter()
                        .find(|m| &m.msgid.0 == id)
                        .map(|m| m.content.text())
                        .unwrap_or_default();
                    misses.insert(0, format!("FALSE POSITIVE {kind} {:?} in {text:?}", hs[i]));
                }
            }
        }
    }
    for (kind, n) in [
        ("del_external_contact", &events_hit),
        ("del_follow_user", &events_hit),
    ] {
        let t = tally.entry(kind.to_string()).or_default();
        let count = n.iter().filter(|e| e.0 == kind).count();
        t.hits += count;
        t.false_pos += count.saturating_sub(t.found);
    }
    for neg in truth["negatives"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let kind = neg["kind"].as_str().unwrap_or("").to_string();
        let id = neg["msgid"].as_str().unwrap_or("").to_string();
        let (a, b) = (
            neg["start"].as_u64().unwrap_or(0) as usize,
            neg["end"].as_u64().unwrap_or(usize::MAX as u64) as usize,
        );
        let t = tally.entry(kind.clone()).or_default();
        t.negatives += 1;
        let hit = hits.get(&(id, kind_static(&kind))).is_some_and(|hs| {
            hs.iter()
                .any(|(w, s, e)| *s < b && a < *e && (kind != "word" || w.as_deref() == neg["word"].as_str()))
        });
        if hit {
            t.negatives_hit += 1;
            misses.push(format!("NEGATIVE HIT {neg}"));
        }
    }

    let text_bytes: usize = messages.iter().map(|m| m.content.text().len()).sum();
    println!(
        "demo archive {}: {} messages, {:.1} MB of text, scanned (rules + detectors + QR) in {:.2?}",
        dir.display(),
        messages.len(),
        text_bytes as f64 / 1e6,
        scan_time
    );
    println!(
        "{:<22} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8} {:>10}",
        "kind", "planted", "found", "recall", "exactspan", "hits", "FP", "precision"
    );
    for (kind, t) in &tally {
        let pct = |a: usize, b: usize| {
            if b == 0 {
                "-".to_string()
            } else {
                format!("{:.2}%", 100.0 * a as f64 / b as f64)
            }
        };
        println!(
            "{:<22} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8} {:>10}   near misses {}/{} hit",
            kind,
            t.expected,
            t.found,
            pct(t.found, t.expected),
            t.exact_span,
            t.hits,
            t.false_pos,
            pct(t.hits - t.false_pos, t.hits),
            t.negatives_hit,
            t.negatives
        );
    }
    for (ev, (n, ok)) in &word_by_evasion {
        println!("  word evasion {ev:<12} {ok}/{n}");
    }
    for m in misses.iter().take(25) {
        println!("miss: {m}");
    }
    let _ = HitKind::Word;
    if let Some(d) = generated {
        let _ = std::fs::remove_dir_all(d);
    }
}

fn kind_static(kind: &str) -> &'static str {
    for k in [
        "word",
        "phone",
        "wechat",
        "bankcard",
        "idcard",
        "qrcode",
        "card",
        "redpacket",
        "transfer",
        "revoke",
        "timeout",
        "del_external_contact",
        "del_follow_user",
    ] {
        if k == kind {
            return k;
        }
    }
    "other"
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}
