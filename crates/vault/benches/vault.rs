//! Encryption cost of the vault, each figure beside its unencrypted baseline in the same run.
//!
//! ```text
//! cargo bench -p dossier-vault --features plaintext-bench
//! DOSSIER_BENCH_N=1000000 cargo bench -p dossier-vault --features plaintext-bench
//! DOSSIER_BENCH_MESSAGES=path/to/messages.jsonl cargo bench -p dossier-vault --features plaintext-bench
//! ```
//!
//! The corpus is the demo generator's (seeded, realistic Chinese sales/service chat, every msgtype),
//! or a `messages.jsonl` you give. Measured:
//! - bulk insert through `Tx::put_message` (same schema and code; SQLCipher vs plain SQLite), per page size;
//! - index build (tantivy, 1–2-gram tokenizer, ids + text) into the `EncryptedDirectory` vs a `MmapDirectory`;
//! - reads: a conversation page of 50 by time, a point lookup by msgid, a term search (top 50);
//! - a read diagnosis: the PRAGMAs both sides run with, table sizes against the page cache, the
//!   cost of one page entering the cache (cold table scan: plain copies it from the OS cache,
//!   SQLCipher also decrypts and authenticates all of it), and the read paths by reader cache size.
//!
//! ```text
//! DOSSIER_BENCH_SWEEP=reads            # SQL reads and the diagnosis only (no sweep, no index)
//! DOSSIER_BENCH_CACHES=32,64,128       # reader cache sizes (MiB) for the diagnosis
//! DOSSIER_BENCH_DIAGNOSE_4K=1          # the diagnosis again at 4 KiB pages
//! ```
//!
//! The read sets are repeated (warm-up, then best of five), so "uniform over all" measures a set
//! larger than the cache, not a first read: it stays cold only while the set does not fit.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use dossier_model::{ConversationKey, Message};
use dossier_vault::{
    Anchor, CreateOptions, Db, Direction, KdfParams, KeySource, Passphrase, Profile, Queries, rusqlite,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::TermQuery;
use tantivy::schema::{FAST, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{LowerCaser, NgramTokenizer, TextAnalyzer};
use tantivy::{Index, IndexWriter, Term, doc};

const BATCH: usize = 10_000;

// The unencrypted baselines (plain SQLite, MmapDirectory) are the point of this program.
#[allow(clippy::disallowed_methods)]
fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sweep_only = std::env::var("DOSSIER_BENCH_SWEEP").as_deref() == Ok("pages");
    // `reads`: no page-size sweep, no index build or search; the SQL reads and their diagnosis only.
    let reads_only = std::env::var("DOSSIER_BENCH_SWEEP").as_deref() == Ok("reads");
    let n: u64 = std::env::var("DOSSIER_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let work = tempfile::tempdir_in(
        std::env::var("DOSSIER_BENCH_DIR").unwrap_or_else(|_| std::env::temp_dir().display().to_string()),
    )
    .expect("work dir");
    let corpus = load_corpus(work.path(), n);
    let chars: usize = corpus.iter().map(|(m, _)| m.content.text().chars().count()).sum();
    let with_text = corpus
        .iter()
        .filter(|(m, _)| !m.content.text().is_empty())
        .count();
    println!(
        "corpus: {} messages ({} with text, mean {:.1} chars of text), work dir {}",
        corpus.len(),
        with_text,
        chars as f64 / with_text.max(1) as f64,
        work.path().display()
    );

    // ---- bulk insert, per page size ----
    println!("\n## bulk insert (put_message, {BATCH} per transaction, WAL, synchronous=NORMAL)");
    println!(
        "{:>6} {:>9} {:>13} {:>13} {:>6} {:>10} {:>10} {:>6} {:>10} {:>10} {:>6}",
        "page",
        "cache KiB",
        "plain rows/s",
        "cipher rows/s",
        "ratio",
        "lookup pl",
        "lookup enc",
        "ratio",
        "page pl",
        "page enc",
        "ratio"
    );
    let sweep_n = corpus.len().min(200_000);
    let sweep: Vec<(u32, u32)> = match std::env::var("DOSSIER_BENCH_SWEEP") {
        Ok(s) if s == "0" || s == "reads" => vec![],
        Ok(s) if s == "pages" => vec![(4096, 32768), (8192, 32768), (16384, 32768)],
        _ => vec![(4096, 32768), (8192, 32768), (16384, 32768), (16384, 2000)],
    };
    for (page, cache) in sweep {
        let (plain, plain_us, plain_page) = insert_rate(
            &corpus[..sweep_n],
            &work.path().join(format!("plain-{page}-{cache}.db")),
            page,
            cache,
            false,
        );
        let (enc, enc_us, enc_page) = insert_rate(
            &corpus[..sweep_n],
            &work.path().join(format!("enc-{page}-{cache}.db")),
            page,
            cache,
            true,
        );
        println!(
            "{page:>6} {cache:>9} {plain:>13.0} {enc:>13.0} {:>5.2}x {plain_us:>10.1} {enc_us:>10.1} {:>5.2}x {plain_page:>10.1} {enc_page:>10.1} {:>5.2}x",
            plain / enc,
            enc_us / plain_us,
            enc_page / plain_page
        );
    }
    println!(
        "(lookup: point lookup by msgid, 20,000 random ids; page: 50 messages of 2,000 random conversations; µs/op, warm, best of 3)"
    );

    if sweep_only {
        return;
    }

    // ---- the product configuration, full corpus ----
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
    let plain_db = Db::open_plaintext_for_benchmark(
        &work.path().join("plain.db"),
        dossier_vault::PAGE_SIZE,
        (dossier_vault::CACHE_KIB, dossier_vault::READER_CACHE_KIB),
    )
    .expect("plain db");
    let t_plain = insert(&corpus, &plain_db);
    let t_enc = insert(&corpus, vault.db());
    let rate = |t: Duration| corpus.len() as f64 / t.as_secs_f64();
    println!(
        "\nproduct config ({} B pages, {} KiB writer / {} KiB reader cache), {} rows: plain {:.0} rows/s, sqlcipher {:.0} rows/s, ratio {:.2}x (target ≤ 1.5x)",
        dossier_vault::PAGE_SIZE,
        dossier_vault::CACHE_KIB,
        dossier_vault::READER_CACHE_KIB,
        corpus.len(),
        rate(t_plain),
        rate(t_enc),
        t_enc.as_secs_f64() / t_plain.as_secs_f64()
    );

    // ---- reads ----
    println!("\n## reads (warm; same queries on both; mean per operation)");
    let mut rng = StdRng::seed_from_u64(7);
    let convs: Vec<(ConversationKey, i64)> = corpus
        .iter()
        .step_by((corpus.len() / 2000).max(1))
        .map(|(m, _)| (m.conversation(), m.msgtime))
        .collect();
    let msgids: Vec<String> = (0..20_000)
        .map(|_| corpus[rng.random_range(0..corpus.len())].0.msgid.0.clone())
        .collect();

    let page = |db: &Db| {
        db.read(|r| {
            for (c, t) in &convs {
                black_box(r.conversation_page(
                    c,
                    Some(Anchor {
                        msgtime: *t,
                        id: i64::MAX,
                    }),
                    Direction::Before,
                    50,
                )?);
            }
            Ok(())
        })
        .expect("page")
    };
    let lookup = |db: &Db| {
        db.read(|r| {
            for id in &msgids {
                black_box(r.message(id)?);
            }
            Ok(())
        })
        .expect("lookup")
    };
    let (p, e) = compare(|| page(&plain_db), || page(vault.db()));
    report("conversation page of 50, any conv", convs.len(), p, e, 1.15);
    let (p, e) = compare(|| lookup(&plain_db), || lookup(vault.db()));
    report("point lookup, uniform over all", msgids.len(), p, e, 1.15);

    // A reviewer's working set: the conversations of a few employees, paged back and forth, and
    // lookups among their messages (what fits the page cache).
    let hot: Vec<&(ConversationKey, i64)> = convs.iter().take(40).collect();
    let hot_ids: Vec<String> = corpus
        .iter()
        .filter(|(m, _)| hot.iter().any(|(c, _)| *c == m.conversation()))
        .map(|(m, _)| m.msgid.0.clone())
        .take(5000)
        .collect();
    let hot_page = |db: &Db| {
        db.read(|r| {
            for _ in 0..10 {
                for (c, t) in &hot {
                    black_box(r.conversation_page(
                        c,
                        Some(Anchor {
                            msgtime: *t,
                            id: i64::MAX,
                        }),
                        Direction::Before,
                        50,
                    )?);
                }
            }
            Ok(())
        })
        .expect("page")
    };
    let hot_lookup = |db: &Db| {
        db.read(|r| {
            for id in &hot_ids {
                black_box(r.message(id)?);
            }
            Ok(())
        })
        .expect("lookup")
    };
    let (p, e) = compare(|| hot_page(&plain_db), || hot_page(vault.db()));
    report("conversation page of 50, working set", hot.len() * 10, p, e, 1.15);
    let (p, e) = compare(|| hot_lookup(&plain_db), || hot_lookup(vault.db()));
    report("point lookup, working set", hot_ids.len(), p, e, 1.15);

    diagnose_reads(
        &corpus,
        &plain_db,
        vault.db(),
        dossier_vault::PAGE_SIZE,
        dossier_vault::READER_CACHE_KIB,
    );
    if std::env::var("DOSSIER_BENCH_DIAGNOSE_4K").as_deref() == Ok("1") {
        // The same diagnosis at 4 KiB pages: a quarter of the bytes to authenticate per miss.
        let p4 = Db::open_plaintext_for_benchmark(
            &work.path().join("plain4k.db"),
            4096,
            (dossier_vault::CACHE_KIB, dossier_vault::READER_CACHE_KIB),
        )
        .expect("plain 4k");
        let e4 = Db::open_encrypted_for_benchmark(
            &work.path().join("enc4k.db"),
            4096,
            (dossier_vault::CACHE_KIB, dossier_vault::READER_CACHE_KIB),
        )
        .expect("enc 4k");
        insert(&corpus, &p4);
        insert(&corpus, &e4);
        diagnose_reads(&corpus, &p4, &e4, 4096, dossier_vault::READER_CACHE_KIB);
    }
    if reads_only {
        return;
    }

    // ---- index build ----
    println!("\n## index build (1 thread, 1–2-gram tokenizer, id + text)");
    let texts: Vec<(u64, String)> = plain_db
        .read(|r| {
            let mut stmt = r
                .sql()
                .prepare("SELECT id, text FROM messages WHERE text != '' ORDER BY id")?;
            let rows = stmt.query_map([], |row| {
                Ok((row.get::<_, i64>(0)? as u64, row.get::<_, String>(1)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .expect("texts");
    let plain_dir = work.path().join("plain-index");
    std::fs::create_dir_all(&plain_dir).expect("mkdir");
    let plain_index = Index::create(
        MmapDirectory::open(&plain_dir).expect("mmap"),
        schema(),
        Default::default(),
    )
    .expect("index");
    let enc_index = Index::create(vault.index_directory(), schema(), Default::default()).expect("index");
    let ti_plain = build_index(&plain_index, &texts);
    let ti_enc = build_index(&enc_index, &texts);
    let text_bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    println!(
        "plain {:.0} docs/s, encrypted {:.0} docs/s, ratio {:.2}x; index size plain {:.1} MB, encrypted {:.1} MB, text {:.1} MB",
        texts.len() as f64 / ti_plain.as_secs_f64(),
        texts.len() as f64 / ti_enc.as_secs_f64(),
        ti_enc.as_secs_f64() / ti_plain.as_secs_f64(),
        dir_size(&plain_dir) as f64 / 1e6,
        dir_size(vault.index_directory().root()) as f64 / 1e6,
        text_bytes as f64 / 1e6,
    );

    let terms: Vec<String> = (0..2000)
        .filter_map(|_| {
            let t: Vec<char> = texts[rng.random_range(0..texts.len())].1.chars().collect();
            let len = rng.random_range(1..=2usize).min(t.len());
            (len > 0).then(|| {
                let s = rng.random_range(0..=t.len() - len);
                t[s..s + len].iter().collect::<String>().to_lowercase()
            })
        })
        .filter(|s| !s.trim().is_empty())
        .collect();

    let plain_reader = plain_index.reader().expect("reader");
    let enc_reader = enc_index.reader().expect("reader");
    let body = schema().get_field("body").expect("body");
    let search = |reader: &tantivy::IndexReader| {
        let searcher = reader.searcher();
        for t in &terms {
            let q = TermQuery::new(Term::from_field_text(body, t), IndexRecordOption::WithFreqs);
            black_box(
                searcher
                    .search(&q, &TopDocs::with_limit(50).order_by_score())
                    .expect("search"),
            );
        }
    };
    let (p, e) = compare(|| search(&plain_reader), || search(&enc_reader));
    report("term search, top 50 (1–2 chars)", terms.len(), p, e, 1.15);
    vault.index_directory().clear_cache();
    let t = Instant::now();
    search(&enc_reader);
    println!(
        "  encrypted search with a cold chunk cache: {:.1} µs/op",
        t.elapsed().as_secs_f64() * 1e6 / terms.len() as f64
    );
}

fn load_corpus(work: &Path, n: u64) -> Vec<(Message, String)> {
    let files: Vec<std::path::PathBuf> = match std::env::var("DOSSIER_BENCH_MESSAGES") {
        Ok(p) => vec![p.into()],
        Err(_) => {
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
            summary.message_files.iter().map(|f| out.join(f)).collect()
        }
    };
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read messages");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if let Ok(m) = dossier_wecom::parse_message(line) {
                out.push((m, line.to_owned()));
            }
        }
    }
    out.truncate(n as usize);
    out
}

fn insert(corpus: &[(Message, String)], db: &Db) -> Duration {
    let t = Instant::now();
    for (b, chunk) in corpus.chunks(BATCH).enumerate() {
        db.write(|tx| {
            for (i, (m, raw)) in chunk.iter().enumerate() {
                tx.put_message(m, Some(raw), (b * BATCH + i) as i64)?;
            }
            tx.set_cursor(((b + 1) * BATCH) as i64)
        })
        .expect("insert");
    }
    t.elapsed()
}

fn insert_rate(
    corpus: &[(Message, String)],
    path: &Path,
    page: u32,
    cache: u32,
    encrypted: bool,
) -> (f64, f64, f64) {
    let db = if encrypted {
        Db::open_encrypted_for_benchmark(path, page, (cache, cache))
    } else {
        Db::open_plaintext_for_benchmark(path, page, (cache, cache))
    }
    .expect("db");
    let rate = corpus.len() as f64 / insert(corpus, &db).as_secs_f64();
    // Again into a fresh file, keep the better run (shared machine).
    let again = path.with_extension("2.db");
    let db2 = if encrypted {
        Db::open_encrypted_for_benchmark(&again, page, (cache, cache))
    } else {
        Db::open_plaintext_for_benchmark(&again, page, (cache, cache))
    }
    .expect("db");
    let rate = rate.max(corpus.len() as f64 / insert(corpus, &db2).as_secs_f64());
    drop(db2);
    let mut rng = StdRng::seed_from_u64(3);
    let ids: Vec<&str> = (0..20_000)
        .map(|_| corpus[rng.random_range(0..corpus.len())].0.msgid.0.as_str())
        .collect();
    let lookups = || {
        db.read(|r| {
            for id in &ids {
                black_box(r.message(id)?);
            }
            Ok(())
        })
        .expect("lookup")
    };
    let convs: Vec<(ConversationKey, i64)> = (0..2000)
        .map(|_| {
            let m = &corpus[rng.random_range(0..corpus.len())].0;
            (m.conversation(), m.msgtime)
        })
        .collect();
    let pages = || {
        db.read(|r| {
            for (c, t) in &convs {
                black_box(r.conversation_page(
                    c,
                    Some(Anchor {
                        msgtime: *t,
                        id: i64::MAX,
                    }),
                    Direction::Before,
                    50,
                )?);
            }
            Ok(())
        })
        .expect("pages")
    };
    lookups();
    pages();
    let (mut best_l, mut best_p) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        let t = Instant::now();
        lookups();
        best_l = best_l.min(t.elapsed().as_secs_f64() * 1e6 / ids.len() as f64);
        let t = Instant::now();
        pages();
        best_p = best_p.min(t.elapsed().as_secs_f64() * 1e6 / convs.len() as f64);
    }
    (rate, best_l, best_p)
}

fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_u64_field("id", INDEXED | FAST);
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("cjk12")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field("body", text);
    b.build()
}

fn build_index(index: &Index, texts: &[(u64, String)]) -> Duration {
    index.tokenizers().register(
        "cjk12",
        TextAnalyzer::builder(NgramTokenizer::new(1, 2, false).expect("ngram"))
            .filter(LowerCaser)
            .build(),
    );
    let schema = index.schema();
    let id = schema.get_field("id").expect("id");
    let body = schema.get_field("body").expect("body");
    let t = Instant::now();
    let mut w: IndexWriter = index.writer_with_num_threads(1, 200_000_000).expect("writer");
    for (i, text) in texts {
        w.add_document(doc!(id => *i, body => text.as_str()))
            .expect("add");
    }
    w.commit().expect("commit");
    w.wait_merging_threads().expect("merge");
    t.elapsed()
}

/// Runs each side once to warm up, then alternately five times; best of five each (the
/// development machine is shared, so the minimum is the least noisy figure).
fn compare(mut plain: impl FnMut(), mut enc: impl FnMut()) -> (Duration, Duration) {
    plain();
    enc();
    let (mut bp, mut be) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        let t = Instant::now();
        plain();
        bp = bp.min(t.elapsed());
        let t = Instant::now();
        enc();
        be = be.min(t.elapsed());
    }
    (bp, be)
}

fn report(what: &str, ops: usize, plain: Duration, enc: Duration, target: f64) {
    let us = |d: Duration| d.as_secs_f64() * 1e6 / ops as f64;
    let ratio = enc.as_secs_f64() / plain.as_secs_f64();
    println!(
        "{what:<34} plain {:>8.1} µs  encrypted {:>8.1} µs  ratio {ratio:.2}x (target ≤ {target}x)",
        us(plain),
        us(enc)
    );
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|es| {
            es.flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Why cold random reads cost more with SQLCipher than the warm figures suggest: the settings
/// both sides run with, how big the tables are against the page cache, what one page costs to
/// bring into the cache (plain: a copy from the OS cache; SQLCipher: that plus AES-256-CBC and
/// HMAC-SHA256 of the whole page), how the ratio moves with the cache size, and the read paths a
/// reviewer waits on.
fn diagnose_reads(corpus: &[(Message, String)], plain: &Db, enc: &Db, page_size: u32, cache_kib: u32) {
    println!("\n## read diagnosis, {page_size} B pages");
    let pragma = |r: &dossier_vault::Reader<'_>, name: &str| -> String {
        r.sql()
            .query_row(&format!("PRAGMA {name}"), [], |row| {
                row.get::<_, rusqlite::types::Value>(0)
            })
            .map(|v| match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
            .unwrap_or_else(|_| "-".to_owned())
    };
    for (side, db) in [("plain", plain), ("sqlcipher", enc)] {
        let line = db
            .read(|r| {
                let mut parts = Vec::new();
                for name in [
                    "page_size",
                    "cache_size",
                    "mmap_size",
                    "journal_mode",
                    "cipher_version",
                    "cipher_page_size",
                    "cipher_hmac_algorithm",
                    "cipher_use_hmac",
                    "cipher_memory_security",
                    "cipher_plaintext_header_size",
                ] {
                    parts.push(format!("{name}={}", pragma(r, name)));
                }
                Ok(parts.join(" "))
            })
            .expect("pragmas");
        println!("{side:>9}: {line}");
    }

    // Table sizes (dbstat walks every page; done first, before the timed reads).
    let sizes = enc
        .read(|r| {
            let mut stmt = r.sql().prepare(
                "SELECT name, count(*), sum(pgsize) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC LIMIT 6",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .expect("dbstat");
    let mut message_pages = 0;
    for (name, pages, bytes) in &sizes {
        if name == "messages" {
            message_pages = *pages;
        }
        println!(
            "  {name:<28} {pages:>7} pages {:>8.1} MiB",
            *bytes as f64 / (1024.0 * 1024.0)
        );
    }
    println!(
        "  page cache per reader connection: {} MiB ({} pages)",
        cache_kib / 1024,
        cache_kib * 1024 / page_size
    );

    // One page into the cache, in isolation: a full scan of `messages` from an emptied page cache
    // (the file itself sits in the OS cache for both), so every table page is one cache miss.
    let scan = |db: &Db| -> Duration {
        db.read(|r| {
            let c = r.sql();
            let mut best = Duration::MAX;
            for _ in 0..3 {
                c.execute_batch("PRAGMA shrink_memory")?;
                let t = Instant::now();
                let n: i64 = c.query_row(
                    "SELECT sum(length(content)) FROM messages NOT INDEXED",
                    [],
                    |row| row.get(0),
                )?;
                best = best.min(t.elapsed());
                black_box(n);
            }
            Ok(best)
        })
        .expect("scan")
    };
    let (sp, se) = (scan(plain), scan(enc));
    let per = |d: Duration| d.as_secs_f64() * 1e6 / message_pages.max(1) as f64;
    println!(
        "  cold scan of messages ({message_pages} pages): plain {:.2} µs/page, sqlcipher {:.2} µs/page → decrypt + HMAC of one {} B page ≈ {:.2} µs",
        per(sp),
        per(se),
        page_size,
        per(se) - per(sp)
    );

    // The uniform point lookup against the cache size (same connection, resized; warmed once).
    let mut rng = StdRng::seed_from_u64(11);
    let ids: Vec<&str> = (0..20_000)
        .map(|_| corpus[rng.random_range(0..corpus.len())].0.msgid.0.as_str())
        .collect();
    let rowids: Vec<Vec<i64>> = plain
        .read(|r| {
            let max: i64 = r
                .sql()
                .query_row("SELECT max(id) FROM messages", [], |row| row.get(0))?;
            Ok((0..400)
                .map(|_| (0..50).map(|_| rng.random_range(1..=max)).collect())
                .collect())
        })
        .expect("ids");
    // The read paths of the `## reads` section again (same definitions), by cache size.
    let convs: Vec<(ConversationKey, i64)> = corpus
        .iter()
        .step_by((corpus.len() / 2000).max(1))
        .map(|(m, _)| (m.conversation(), m.msgtime))
        .collect();
    let hot: Vec<&(ConversationKey, i64)> = convs.iter().take(40).collect();
    let hot_ids: Vec<&str> = corpus
        .iter()
        .filter(|(m, _)| hot.iter().any(|(c, _)| *c == m.conversation()))
        .map(|(m, _)| m.msgid.0.as_str())
        .take(5000)
        .collect();
    println!(
        "  by reader cache size: uniform point lookup by msgid (20,000 ids); hydration of 50 random row ids (400 sets);"
    );
    println!(
        "  a page of 50 before an anchor in any conversation (2,000); point lookup in a working set of 40 conversations (5,000); µs/op"
    );
    println!(
        "  {:>9} {:>9} {:>9} {:>6} {:>9} {:>9} {:>6} {:>9} {:>9} {:>6} {:>9} {:>9} {:>6}",
        "cache MiB",
        "lookup pl",
        "enc",
        "ratio",
        "hydr50 pl",
        "enc",
        "ratio",
        "page pl",
        "enc",
        "ratio",
        "hot lk pl",
        "enc",
        "ratio"
    );
    let sizes: Vec<u32> = std::env::var("DOSSIER_BENCH_CACHES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![8, 32, 64, 128, 256]);
    for mib in sizes {
        let set = |db: &Db, kib: u32| {
            db.read(|r| {
                Ok(r.sql()
                    .execute_batch(&format!("PRAGMA shrink_memory; PRAGMA cache_size = -{kib}"))?)
            })
            .expect("cache_size")
        };
        set(plain, mib * 1024);
        set(enc, mib * 1024);
        let lookups = |db: &Db| {
            db.read(|r| {
                for id in &ids {
                    black_box(r.message(id)?);
                }
                Ok(())
            })
            .expect("lookup")
        };
        let hydrate = |db: &Db| {
            db.read(|r| {
                for set in &rowids {
                    black_box(r.messages_by_ids(set)?);
                }
                Ok(())
            })
            .expect("hydrate")
        };
        let pages = |db: &Db| {
            db.read(|r| {
                for (c, t) in &convs {
                    black_box(r.conversation_page(
                        c,
                        Some(Anchor {
                            msgtime: *t,
                            id: i64::MAX,
                        }),
                        Direction::Before,
                        50,
                    )?);
                }
                Ok(())
            })
            .expect("page")
        };
        let hot_lookups = |db: &Db| {
            db.read(|r| {
                for id in &hot_ids {
                    black_box(r.message(id)?);
                }
                Ok(())
            })
            .expect("lookup")
        };
        let runs = [
            (compare(|| lookups(plain), || lookups(enc)), ids.len()),
            (compare(|| hydrate(plain), || hydrate(enc)), rowids.len()),
            (compare(|| pages(plain), || pages(enc)), convs.len()),
            (compare(|| hot_lookups(plain), || hot_lookups(enc)), hot_ids.len()),
        ];
        let mut cells = String::new();
        for ((p, e), n) in runs {
            let us = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
            cells.push_str(&format!(
                " {:>9.1} {:>9.1} {:>5.2}x",
                us(p),
                us(e),
                e.as_secs_f64() / p.as_secs_f64()
            ));
        }
        println!("  {mib:>9}{cells}");
    }
    for db in [plain, enc] {
        db.read(|r| {
            Ok(r.sql()
                .execute_batch(&format!("PRAGMA shrink_memory; PRAGMA cache_size = -{cache_kib}"))?)
        })
        .expect("cache_size");
    }
}
