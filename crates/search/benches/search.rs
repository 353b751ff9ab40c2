//! Search benchmark: demo messages in an encrypted vault and index; p50 / p99 of 1–6 character
//! queries with and without filters, beside `LIKE '%q%'` and SQLite FTS5 (trigram) over the same
//! rows of the same SQLCipher database, in one run; index size against the raw text.
//!
//! `cargo bench -p dossier-search` (100k messages). Environment:
//! - `DOSSIER_BENCH_N`: number of messages (default 100000);
//! - `DOSSIER_BENCH_QUERIES`: queries per length for the index (default 300);
//! - `DOSSIER_BENCH_SCAN_QUERIES`: queries per length for `LIKE` and FTS5 (default 20; full scans).
//!
//! Queries are random substrings of the corpus's texts, so most have hits. Figures, not asserts.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use dossier_model::Message;
use dossier_search::{Expr, Filter, MessageDoc, Query, SearchIndex, SearchRequest};
use dossier_vault::{CreateOptions, KdfParams, KeySource, Passphrase, Profile, Put, Queries, Vault};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const BATCH: usize = 5_000;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|s| s.parse().ok()).unwrap_or(d);
    let n = env("DOSSIER_BENCH_N", 100_000);
    let per_len = env("DOSSIER_BENCH_QUERIES", 300);
    let scan_per_len = env("DOSSIER_BENCH_SCAN_QUERIES", 20);
    let work = tempfile::tempdir().expect("temp dir");

    let corpus = load_corpus(work.path(), n as u64);
    let raw_bytes: usize = corpus.iter().map(|m| m.content.text().len()).sum();
    println!(
        "corpus: {} messages, {:.1} MB of text (Content::text, UTF-8)",
        corpus.len(),
        raw_bytes as f64 / 1e6
    );

    let vault = Profile::create(
        &work.path().join("profile"),
        KeySource::Passphrase(Passphrase::new("bench").expect("passphrase")),
        &CreateOptions {
            kdf: KdfParams {
                m_kib: 256,
                t: 1,
                p: 1,
            },
        },
    )
    .expect("profile");
    let index = SearchIndex::open(&vault).expect("index");
    store_and_index(&vault, &index, &corpus);
    let index_bytes = dir_size(vault.index_directory().root());
    println!("index segments: {}", index.segments());
    println!(
        "index: {:.1} MB encrypted = {:.2}x the raw text",
        index_bytes as f64 / 1e6,
        index_bytes as f64 / raw_bytes as f64
    );

    let texts: Vec<Vec<char>> = corpus
        .iter()
        .map(|m| m.content.text().chars().collect())
        .filter(|c: &Vec<char>| c.len() >= 6)
        .collect();
    let mut employees: Vec<String> = corpus
        .iter()
        .filter(|m| !m.from.is_external() && !m.from.0.is_empty())
        .map(|m| m.from.0.clone())
        .collect();
    employees.sort();
    employees.dedup();
    let distinct = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let customers = distinct(
        corpus
            .iter()
            .flat_map(|m| std::iter::once(&m.from).chain(&m.tolist))
            .filter(|u| u.is_external())
            .map(|u| u.0.clone())
            .collect(),
    );
    let groups = distinct(
        corpus
            .iter()
            .filter_map(|m| m.group())
            .map(|r| r.0.clone())
            .collect(),
    );
    let conversations = distinct(
        corpus
            .iter()
            .map(|m| dossier_vault::conv_key(&m.conversation()))
            .collect(),
    );
    println!(
        "filter values: {} employees, {} customers, {} groups, {} conversations",
        employees.len(),
        customers.len(),
        groups.len(),
        conversations.len()
    );
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let queries: Vec<Vec<String>> = (1..=6)
        .map(|len| (0..per_len).map(|_| substring(&mut rng, &texts, len)).collect())
        .collect();

    // Warm the decrypted-chunk cache and the OS page cache.
    for q in queries.iter().flatten().take(300) {
        let _ = run_index(&index, &Query::substring(q).expect("query"));
    }

    println!(
        "\n{:<34} {:>4} {:>10} {:>10} {:>10}",
        "engine", "len", "p50 ms", "p99 ms", "mean hits"
    );
    let mut all = Vec::new();
    let mut all_filtered = Vec::new();
    let mut by_filter: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for (i, qs) in queries.iter().enumerate() {
        let len = i + 1;
        let mut times = Vec::new();
        let mut hits = 0;
        for q in qs {
            let (t, h) = run_index(&index, &Query::substring(q).expect("query"));
            times.push(t);
            hits += h;
        }
        row("index: count + top 50 newest", len, &mut times, hits, qs.len());
        all.extend(times);
        let mut times = Vec::new();
        let mut hits = 0;
        for q in qs {
            let e = &employees[rng.random_range(0..employees.len())];
            let query = Query {
                expr: Expr::And(vec![
                    Query::substring(q).expect("query").expr,
                    Expr::Filter(Filter::Employee(e.clone())),
                    Expr::Filter(Filter::From(corpus[corpus.len() / 2].msgtime)),
                ]),
            };
            let (t, h) = run_index(&index, &query);
            times.push(t);
            hits += h;
        }
        row("index + employee + from filters", len, &mut times, hits, qs.len());
        all_filtered.extend(times);
        // One filter per row; the value is fixed per length for employee and date, drawn per
        // query for the rest (from its own generator, so the rows above keep their queries).
        let mut pick = ChaCha8Rng::seed_from_u64(2 + len as u64);
        let from = corpus[corpus.len() / 2].msgtime;
        let employee = employees[len % employees.len()].clone();
        for (name, filter) in [
            (
                "index + employee filter",
                &(|_: &mut ChaCha8Rng| Filter::Employee(employee.clone()))
                    as &dyn Fn(&mut ChaCha8Rng) -> Filter,
            ),
            ("index + from filter", &|_| Filter::From(from)),
            ("index + customer filter", &|r| {
                Filter::Customer(any(r, &customers))
            }),
            ("index + group filter", &|r| Filter::Group(any(r, &groups))),
            ("index + conversation filter", &|r| {
                Filter::Conversation(any(r, &conversations))
            }),
        ] {
            let mut times = Vec::new();
            let mut hits = 0;
            for q in qs {
                let query = Query {
                    expr: Expr::And(vec![
                        Query::substring(q).expect("query").expr,
                        Expr::Filter(filter(&mut pick)),
                    ]),
                };
                let (t, h) = run_index(&index, &query);
                times.push(t);
                hits += h;
            }
            row(name, len, &mut times, hits, qs.len());
            by_filter.entry(name).or_default().extend(times);
        }
    }
    row("index: all lengths", 0, &mut all, 0, 1);
    row("index + employee + from: all lengths", 0, &mut all_filtered, 0, 1);
    for (name, times) in &mut by_filter {
        row(&format!("{name}: all"), 0, times, 0, 1);
    }

    let mut all_ids = Vec::new();
    let mut page = Vec::new();
    for q in queries.iter().flatten() {
        let query = Query::substring(q).expect("query");
        let t = Instant::now();
        let _ = index.matching_ids(&query).expect("ids");
        all_ids.push(t.elapsed());
        let t = Instant::now();
        let req = SearchRequest {
            limit: 20,
            ..Default::default()
        };
        let _ = index.search(&vault, &query, &req).expect("search");
        page.push(t.elapsed());
    }
    row("index: every matching id", 0, &mut all_ids, 0, 1);
    // Each query run twice in a row: the second finds its chunks decrypted in the vault's cache.
    let mut repeated = Vec::new();
    for q in queries.iter().flatten() {
        let query = Query::substring(q).expect("query");
        let _ = run_index(&index, &query);
        repeated.push(run_index(&index, &query).0);
    }
    row("index: count + top 50, repeated", 0, &mut repeated, 0, 1);
    row("index: page of 20 + vault + spans", 0, &mut page, 0, 1);

    // Baselines on the same SQLCipher rows. FTS5 (trigram) when the build has it.
    let fts = vault
        .db()
        .write(|tx| {
            let t = Instant::now();
            tx.sql().execute_batch(
                "CREATE VIRTUAL TABLE fts USING fts5(text, content='messages', content_rowid='id', tokenize='trigram');
                 INSERT INTO fts(fts) VALUES ('rebuild');",
            )?;
            Ok(t.elapsed())
        })
        .map_err(|e| println!("\nFTS5 unavailable: {e}"))
        .ok();
    if let Some(t) = fts {
        println!("\nFTS5 trigram table built in {:.1} s", t.as_secs_f64());
    }
    let mut like_all = Vec::new();
    let mut fts_all = Vec::new();
    let mut index_same = Vec::new();
    for (i, qs) in queries.iter().enumerate() {
        let len = i + 1;
        let qs = &qs[..scan_per_len.min(qs.len())];
        let mut times = Vec::new();
        let mut hits = 0;
        for q in qs {
            let (t, h) = sql_ids(
                &vault,
                "SELECT id FROM messages WHERE text LIKE ?1",
                &format!("%{}%", escape_like(q)),
                true,
            );
            times.push(t);
            hits += h;
            let (t, _) = run_index(&index, &Query::substring(q).expect("query"));
            index_same.push(t);
        }
        row("sqlite LIKE '%q%' (all ids)", len, &mut times, hits, qs.len());
        like_all.extend(times);
        if fts.is_some() {
            let mut times = Vec::new();
            let mut hits = 0;
            for q in qs {
                let (t, h) = if q.chars().count() >= 3 {
                    let phrase = format!("\"{}\"", q.replace('"', "\"\""));
                    sql_ids(&vault, "SELECT rowid FROM fts WHERE fts MATCH ?1", &phrase, false)
                } else {
                    // Trigram needs 3 characters; below that apps fall back to LIKE.
                    sql_ids(
                        &vault,
                        "SELECT rowid FROM fts WHERE text LIKE ?1",
                        &format!("%{}%", escape_like(q)),
                        true,
                    )
                };
                times.push(t);
                hits += h;
            }
            row("sqlite FTS5 trigram (all ids)", len, &mut times, hits, qs.len());
            fts_all.extend(times);
        }
    }
    row("index, same queries", 0, &mut index_same, 0, 1);
    row("sqlite LIKE: all lengths", 0, &mut like_all, 0, 1);
    if fts.is_some() {
        row("sqlite FTS5 trigram: all lengths", 0, &mut fts_all, 0, 1);
    }
    let (p_like, p_index) = (p(&like_all, 50), p(&index_same, 50));
    if like_all.is_empty() {
        return;
    }
    println!(
        "\nLIKE p50 / index p50 on the same queries: {:.0}x",
        p_like.as_secs_f64() / p_index.as_secs_f64().max(1e-9)
    );
}

fn run_index(index: &SearchIndex, q: &Query) -> (Duration, usize) {
    let req = SearchRequest {
        limit: 50,
        ..Default::default()
    };
    let t = Instant::now();
    let (total, _, _) = index.search_ids(q, &req).expect("search");
    (t.elapsed(), total)
}

fn any(rng: &mut ChaCha8Rng, values: &[String]) -> String {
    values[rng.random_range(0..values.len())].clone()
}

fn sql_ids(vault: &Vault, sql: &str, arg: &str, escape: bool) -> (Duration, usize) {
    let sql = if escape {
        format!("{sql} ESCAPE '\\'")
    } else {
        sql.to_owned()
    };
    let t = Instant::now();
    let n = vault
        .db()
        .read(|r| {
            let mut stmt = r.sql().prepare_cached(&sql)?;
            let ids = stmt.query_map([arg], |row| row.get::<_, i64>(0))?;
            let mut n = 0;
            for id in ids {
                id?;
                n += 1;
            }
            Ok(n)
        })
        .expect("sql");
    (t.elapsed(), n)
}

fn escape_like(q: &str) -> String {
    q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn p(times: &[Duration], pct: usize) -> Duration {
    let mut v = times.to_vec();
    v.sort_unstable();
    v.get((v.len() * pct / 100).min(v.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

fn row(name: &str, len: usize, times: &mut [Duration], hits: usize, queries: usize) {
    let len = if len == 0 {
        "all".to_owned()
    } else {
        len.to_string()
    };
    let hits = if hits == 0 && queries == 1 {
        String::new()
    } else {
        format!("{:.0}", hits as f64 / queries.max(1) as f64)
    };
    println!(
        "{name:<34} {len:>4} {:>10.3} {:>10.3} {hits:>10}",
        p(times, 50).as_secs_f64() * 1e3,
        p(times, 99).as_secs_f64() * 1e3,
    );
}

fn substring(rng: &mut ChaCha8Rng, texts: &[Vec<char>], len: usize) -> String {
    loop {
        let t = &texts[rng.random_range(0..texts.len())];
        let start = rng.random_range(0..=t.len() - len);
        let s: String = t[start..start + len].iter().collect();
        if !dossier_rules::fold_keep_noise(&s).text.is_empty() {
            return s;
        }
    }
}

fn store_and_index(vault: &Vault, index: &SearchIndex, corpus: &[Message]) {
    let mut writer = index.writer().expect("writer");
    let (mut db_time, mut index_time) = (Duration::ZERO, Duration::ZERO);
    for (b, chunk) in corpus.chunks(BATCH).enumerate() {
        let seq = b as i64 + 1;
        let t = Instant::now();
        let puts = vault
            .db()
            .write(|tx| {
                let mut puts = Vec::with_capacity(chunk.len());
                for m in chunk {
                    puts.push(tx.put_message(m, None, seq)?);
                }
                tx.set_cursor(seq)?;
                Ok(puts)
            })
            .expect("vault batch");
        db_time += t.elapsed();
        let t = Instant::now();
        for (m, put) in chunk.iter().zip(puts) {
            if let Put::Inserted(id) = put {
                let text = m.content.text();
                writer
                    .add(&MessageDoc {
                        id,
                        message: m,
                        text: &text,
                        has_violation: false,
                        has_annotation: false,
                    })
                    .expect("add");
            }
        }
        writer.commit(seq).expect("commit");
        index_time += t.elapsed();
    }
    let t = Instant::now();
    writer.wait_merging_threads().expect("merge");
    index_time += t.elapsed();
    let n = corpus.len() as f64;
    println!(
        "vault rows: {:.0} messages/s; index (1 thread, commit per {BATCH}, merges included): {:.0} messages/s",
        n / db_time.as_secs_f64(),
        n / index_time.as_secs_f64()
    );
    index.reload().expect("reload");
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                total += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    total
}

fn load_corpus(work: &Path, n: u64) -> Vec<Message> {
    let out = work.join("demo");
    let t = Instant::now();
    let summary = dossier_demo::generate(
        &dossier_demo::Options {
            messages: n,
            ..Default::default()
        },
        &out,
    )
    .expect("demo archive");
    println!(
        "demo archive: {} messages in {:.1} s",
        summary.messages,
        t.elapsed().as_secs_f64()
    );
    let mut corpus = Vec::new();
    for f in &summary.message_files {
        let text = std::fs::read_to_string(out.join(f)).expect("read messages");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if let Ok(m) = dossier_wecom::parse_message(line) {
                corpus.push(m);
            }
        }
    }
    corpus
}
