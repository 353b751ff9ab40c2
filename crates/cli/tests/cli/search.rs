//! `dossier search` as a script runs it, on a demo profile built in the test (real vault + index).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use dossier_vault::Queries;
use serde_json::Value;

const PASS_VAR: &str = "DOSSIER_TEST_SEARCH_PASSPHRASE";

fn search(profile: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("search")
        .arg("--profile")
        .arg(profile)
        .args(["--passphrase-env", PASS_VAR])
        .args(args)
        .env(PASS_VAR, "search test")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "dossier search failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn search_prints_every_hit_pages_counts_and_times_queries() {
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("profile");
    let (vault, loaded) = dossier_api::fixture::demo_profile(&profile, "search test", 8, 3_000).unwrap();
    assert!(loaded.messages > 2_000);
    // A two-character query from a real message, and every message containing it (plain substring;
    // the demo's Chinese text needs no folding for these characters).
    let texts: Vec<(String, String)> = vault
        .db()
        .read(|r| {
            let mut stmt = r.sql().prepare("SELECT msgid, text FROM messages")?;
            let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    let query: String = texts
        .iter()
        .find_map(|(_, t)| {
            let cs: Vec<char> = t.chars().collect();
            cs.windows(2)
                .find(|w| w.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c)))
                .map(|w| w.iter().collect())
        })
        .expect("the demo has Chinese text");
    let expected: BTreeSet<String> = texts
        .iter()
        .filter(|(_, t)| t.contains(&query))
        .map(|(id, _)| id.clone())
        .collect();
    assert!(expected.len() > 1, "query {query} should hit several messages");
    drop(vault);

    // --json --limit 0: every hit, one object each with the fields.
    let all = json_lines(&search(&profile, &["--json", "--limit", "0", &query]));
    let ids: BTreeSet<String> = all
        .iter()
        .map(|h| h["msgid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(ids.len(), all.len(), "no hit twice");
    for h in &all {
        assert!(h["conversation"].is_string() && h["msgtime"].is_i64());
        assert!(h["snippet"]["text"].as_str().unwrap().contains(&query));
        assert!(!h["spans"].as_array().unwrap().is_empty());
    }
    let times: Vec<i64> = all.iter().map(|h| h["msgtime"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // --count prints the total alone.
    assert_eq!(
        stdout(&search(&profile, &["--count", &query])).trim(),
        expected.len().to_string()
    );

    // Paging with --limit / --offset reaches every hit exactly once, in the same order.
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let page = json_lines(&search(
            &profile,
            &["--json", "--limit", "3", "--offset", &offset.to_string(), &query],
        ));
        if page.is_empty() {
            break;
        }
        offset += page.len();
        paged.extend(page.into_iter().map(|h| h["msgid"].as_str().unwrap().to_owned()));
    }
    let full: Vec<String> = all
        .iter()
        .map(|h| h["msgid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paged, full);

    // --queries: one line per query with its ids and an in-process latency.
    let nowhere = "不存在的字符串xyz";
    let file = tmp.path().join("queries.txt");
    std::fs::write(&file, format!("{query}\n\n{nowhere}\n")).unwrap();
    let per_query = json_lines(&search(
        &profile,
        &["--json", "--limit", "0", "--queries", file.to_str().unwrap()],
    ));
    assert_eq!(per_query.len(), 2);
    assert_eq!(per_query[0]["query"], query.as_str());
    let ids: Vec<String> = per_query[0]["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, full);
    assert_eq!(per_query[1]["total"], 0);
    assert!(per_query.iter().all(|q| q["latency_ms"].as_f64().unwrap() >= 0.0));
    let plain = stdout(&search(&profile, &["--queries", file.to_str().unwrap()]));
    assert_eq!(plain.lines().count(), 2);
    assert!(plain.lines().next().unwrap().contains(" ms\t"));

    // A malformed query: exit 2 and a message saying where.
    let bad = search(&profile, &["(", "unclosed"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(!String::from_utf8_lossy(&bad.stderr).is_empty());
}
