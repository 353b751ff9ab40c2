//! Browsing at scale: the api's list and page calls on a demo profile of `DOSSIER_BENCH_MESSAGES`
//! (default 1,000,000) messages, beside the baseline they avoid — counting the directory's figures
//! over every message and hit with `GROUP BY` (what a list would cost without the per-conversation
//! summaries and hit counts). Prints figures; asserts nothing about time.
//!
//! `cargo bench -p dossier-api --bench browse` (set `DOSSIER_BENCH_MESSAGES=100000` for a quick run).

use std::time::{Duration, Instant};

use dossier_api::Session;
use dossier_api::browse::{self, PageAnchor, PageAt};
use dossier_vault::Queries;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs `f` once cold and 7 times warm; prints first and median.
fn time<T>(rt: &tokio::runtime::Runtime, name: &str, mut f: impl AsyncFnMut() -> T) -> T {
    let started = Instant::now();
    let mut out = rt.block_on(f());
    let first = started.elapsed();
    let mut runs = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        out = rt.block_on(f());
        runs.push(started.elapsed());
    }
    println!(
        "{name:<44} first {:>9.2} ms   median {:>9.2} ms",
        first.as_secs_f64() * 1e3,
        median(runs).as_secs_f64() * 1e3
    );
    out
}

fn main() {
    let n: u64 = std::env::var("DOSSIER_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (vault, loaded) =
        dossier_api::fixture::demo_profile(&tmp.path().join("profile"), "bench", 200, n).unwrap();
    println!(
        "profile: {} messages, {} hits planted, built in {:.1} s",
        loaded.messages,
        loaded.hits,
        started.elapsed().as_secs_f64()
    );
    let session = Session::from_vault(vault).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = &session;

    // Baseline: the directory's figures counted over messages and hits.
    time(&rt, "baseline: GROUP BY over messages + hits", async || {
        s.vault()
            .db()
            .read(|r| {
                let convs: i64 = r.sql().query_row(
                    "SELECT count(*) FROM (SELECT conv, count(*), max(msgtime) FROM messages GROUP BY conv)",
                    [],
                    |row| row.get(0),
                )?;
                let hit_convs: i64 = r.sql().query_row(
                    "SELECT count(*) FROM (SELECT m.conv, count(*) FROM hits h JOIN messages m ON m.msgid = h.msgid GROUP BY m.conv)",
                    [],
                    |row| row.get(0),
                )?;
                Ok((convs, hit_convs))
            })
            .unwrap()
    });
    let dir = time(&rt, "directory (employees + department tree)", async || {
        browse::directory(s).await.unwrap()
    });
    let busiest = dir
        .employees
        .iter()
        .max_by_key(|e| e.stats.conversations)
        .unwrap()
        .userid
        .clone();
    let p = time(&rt, "partners of the busiest employee", async || {
        browse::partners(s, busiest.clone()).await.unwrap()
    });
    time(&rt, "customers (customer-first list)", async || {
        browse::customers(s).await.unwrap()
    });
    time(&rt, "groups (group-first list)", async || {
        browse::groups(s).await.unwrap()
    });
    time(&rt, "profile summary", async || {
        browse::profile_summary(s).await.unwrap()
    });
    let (conv, count): (String, i64) = s
        .vault()
        .db()
        .read(|r| {
            Ok(r.sql().query_row(
                "SELECT conv, messages FROM conversations ORDER BY messages DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?)
        })
        .unwrap();
    println!(
        "employees {}, departed {}, busiest has {} conversations ({} customers, {} groups); largest conversation {count} messages",
        dir.employees.len(),
        dir.departed.len(),
        p.customers.len() + p.employees.len() + p.groups.len(),
        p.customers.len(),
        p.groups.len()
    );
    let page = time(&rt, "conversation page: newest 50 of the largest", async || {
        browse::conversation_page(s, conv.clone(), PageAt::Newest, 50)
            .await
            .unwrap()
    });
    let oldest = page.messages[0].clone();
    time(&rt, "conversation page: 50 before an anchor", async || {
        browse::conversation_page(
            s,
            conv.clone(),
            PageAt::Before {
                anchor: PageAnchor {
                    msgtime: oldest.msgtime,
                    id: oldest.id,
                },
            },
            50,
        )
        .await
        .unwrap()
    });
    let info = rt.block_on(browse::conversation(s, conv.clone())).unwrap();
    let middle = info.first_time + (info.last_time - info.first_time) / 2;
    time(&rt, "conversation page: jump to a date", async || {
        browse::conversation_page(s, conv.clone(), PageAt::Date { time: middle }, 50)
            .await
            .unwrap()
    });

    review(&rt, s);
}

/// The violation centre's pages and a local lexicon of 10,000 words previewed over the whole
/// cache (normalisation included), beside a per-word `contains` loop over the same texts.
fn review(rt: &tokio::runtime::Runtime, s: &Session) {
    use dossier_api::review::{
        ReviewState, ViolationQuery, ViolationSort, ViolationTab, lexicons, violations,
    };
    let q = ViolationQuery::first_page(ViolationTab::Words);
    let page = time(rt, "violations: newest 100 with counts", async || {
        violations::violations(s, q.clone()).await.unwrap()
    });
    time(rt, "violations: unreviewed by severity, page 10", async || {
        let q = ViolationQuery {
            state: Some(ReviewState::Unreviewed),
            sort: ViolationSort::Severity,
            offset: 900,
            ..q.clone()
        };
        violations::violations(s, q).await.unwrap()
    });
    println!("violations: {} word hits", page.words);

    // 10,000 distinct words of 2–4 characters taken from the corpus, so they hit.
    let texts: Vec<String> = s
        .vault()
        .db()
        .read(|r| {
            let mut stmt = r.sql().prepare("SELECT text FROM messages")?;
            let rows = stmt.query_map([], |row| row.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
        .unwrap();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut words = std::collections::BTreeSet::new();
    'fill: for (i, t) in texts.iter().enumerate() {
        let cs: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
        let len = 2 + i % 3;
        for w in cs
            .chunks_exact(len)
            .filter(|w| w.iter().all(|c| c.is_alphanumeric()))
        {
            words.insert(w.iter().collect::<String>());
            if words.len() == 10_000 {
                break 'fill;
            }
        }
    }
    let words: Vec<String> = words.into_iter().collect();
    let started = Instant::now();
    let preview = rt.block_on(lexicons::preview_lexicon(s, words.clone())).unwrap();
    let lexicon = started.elapsed();
    // Baseline: `str::contains` per word, over a sample of the texts (all of them would take
    // minutes), scaled to the whole.
    let sample = texts.len().min(2_000);
    let started = Instant::now();
    let mut found = 0usize;
    for t in &texts[..sample] {
        found += words.iter().filter(|w| t.contains(w.as_str())).count();
    }
    let naive = started.elapsed().as_secs_f64() * texts.len() as f64 / sample as f64;
    std::hint::black_box(found);
    let mb = bytes as f64 / 1e6;
    println!(
        "lexicon preview: {} words over {} messages ({mb:.1} MB of text, read from the vault) in {:.2} s = {:.0} MB/s; \
         {} messages hit. Per-word contains loop (scaled from {sample} messages): {naive:.1} s = {:.0}x slower",
        words.len(),
        preview.scanned,
        lexicon.as_secs_f64(),
        mb / lexicon.as_secs_f64(),
        preview.messages,
        naive / lexicon.as_secs_f64()
    );
}
