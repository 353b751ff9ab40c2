//! Fixtures: a demo archive ingested into a real archive server on loopback, a fresh vault, and
//! an oracle that reads the server's slice over plain HTTP, independently of the sync crate.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dossier_model::{Grant, Role, Scope};
use dossier_search::{Expr, Query, SearchIndex};
use dossier_server::http::{Running, ServeOptions, serve};
use dossier_server::{Archive, Config, PasswordCost};
use dossier_sync::{Client, ClientOptions, Progress, Report, Retry, SyncOptions};
use dossier_vault::{CreateOptions, KdfParams, KeySource, Passphrase, Profile, Queries, Vault};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const PASSWORD: &str = "sync correct horse";

/// Server settings for tests: cheap Argon2id.
pub fn config() -> Config {
    Config {
        password_cost: PasswordCost::LOW,
        login_free_failures: 50,
        ..Config::default()
    }
}

/// A grant of `scope`, open window, an hour's lease.
pub fn grant(scope: Scope) -> Grant {
    Grant {
        scope,
        window: (None, None),
        lease_secs: 3600,
        export_allowed: false,
    }
}

/// A running archive server with a generated demo archive.
pub struct Server {
    pub rt: tokio::runtime::Runtime,
    pub archive: Arc<Archive>,
    pub running: Option<Running>,
    pub url: String,
    pub archive_dir: PathBuf,
    pub _tmp: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            self.rt.block_on(r.shutdown());
        }
    }
}

/// Generates `messages` demo messages (seeded), ingests them, adds `rev` (reviewer) with
/// `scope`, and serves on 127.0.0.1.
pub fn server(messages: u64, scope: Scope) -> Server {
    let tmp = tempfile::tempdir().unwrap();
    let archive_dir = tmp.path().join("archive");
    let options = dossier_demo::Options {
        seed: 7,
        employees: 12,
        messages,
        ..dossier_demo::Options::default()
    };
    dossier_demo::generate(&options, &archive_dir).unwrap();
    let (archive, _) =
        Archive::init(&tmp.path().join("data"), "admin", Some(PASSWORD.into()), config()).unwrap();
    let ingest = dossier_server::ingest::Options {
        scan_images: false,
        ..Default::default()
    };
    dossier_server::ingest::ingest_dir(&archive, &archive_dir, &ingest).unwrap();
    archive
        .add_user("rev", Role::Reviewer, PASSWORD, grant(scope))
        .unwrap();
    archive
        .add_user("aud", Role::Auditor, PASSWORD, grant(Scope::All))
        .unwrap();
    let archive = Arc::new(archive);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let running = rt
        .block_on(serve(
            archive.clone(),
            ServeOptions {
                listen: "127.0.0.1:0".parse().unwrap(),
                tls: None,
                allow_insecure_http: false,
            },
        ))
        .unwrap();
    let url = format!("http://{}", running.addr);
    Server {
        rt,
        archive,
        running: Some(running),
        url,
        archive_dir,
        _tmp: tmp,
    }
}

/// The departments of the demo org with the employees directly in each.
pub fn org(dir: &Path) -> dossier_wecom::api::Org {
    dossier_wecom::api::parse_org(&std::fs::read_to_string(dir.join("users.json")).unwrap()).unwrap()
}

/// Quick retries for tests.
pub fn fast_retry() -> Retry {
    Retry {
        attempts: 30,
        base: Duration::from_millis(5),
        max: Duration::from_millis(50),
    }
}

pub fn client_options() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_millis(800),
        retry: fast_retry(),
        allow_insecure_http: false,
    }
}

/// A client of `url` signed in as `user`.
pub fn client(rt: &tokio::runtime::Runtime, url: &str, user: &str) -> Client {
    let c = Client::new(url, client_options(), rt.handle().clone()).unwrap();
    rt.block_on(c.login(user, PASSWORD)).unwrap();
    c
}

pub fn fast_kdf() -> CreateOptions {
    CreateOptions {
        kdf: KdfParams {
            m_kib: 256,
            t: 1,
            p: 1,
        },
    }
}

pub fn pass() -> KeySource {
    KeySource::Passphrase(Passphrase::new("vault pass").unwrap())
}

/// A new passphrase profile.
pub fn new_vault(dir: &Path) -> Vault {
    Profile::create(dir, pass(), &fast_kdf()).unwrap()
}

pub fn open_vault(dir: &Path) -> Vault {
    Profile::open(dir).unwrap().unlock(pass()).unwrap()
}

/// Small batches so even small archives take many responses.
pub fn small_batches() -> SyncOptions {
    SyncOptions {
        batch_limit: 200,
        index_commit_messages: 500,
        round_messages: 600,
        ..SyncOptions::default()
    }
}

/// Runs a sync with `options`.
pub fn run_sync(vault: &Vault, client: &Client, options: &SyncOptions) -> dossier_sync::Result<Report> {
    let index = SearchIndex::open(vault).unwrap();
    dossier_sync::sync(vault, &index, client, options, &|_: &Progress| {})
}

/// A message's evidence, canonicalised (key order and number spelling do not matter).
pub fn content_hash(raw: &str) -> String {
    let canonical = match serde_json::from_str::<Value>(raw) {
        Ok(v) => v.to_string(),
        Err(_) => raw.to_owned(),
    };
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// The server's slice for `user`, read over plain HTTP: msgid → content hash of the evidence, and
/// the msgids with hits.
pub struct Slice {
    pub messages: BTreeMap<String, String>,
    pub hit_msgids: BTreeSet<String>,
}

pub fn server_slice(server: &Server, user: &str) -> Slice {
    server.rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let login: Value = http
            .post(format!("{}/api/v1/login", server.url))
            .json(&json!({"name": user, "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["access_token"].as_str().unwrap().to_owned();
        let mut slice = Slice {
            messages: BTreeMap::new(),
            hit_msgids: BTreeSet::new(),
        };
        let mut after = 0i64;
        loop {
            let resp = http
                .get(format!("{}/api/v1/feed?after={after}&limit=10000", server.url))
                .bearer_auth(&token)
                .header("accept-encoding", "zstd")
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success());
            let bytes = resp.bytes().await.unwrap();
            let mut text = String::new();
            zstd::Decoder::new(&bytes[..])
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            let mut cursor = None;
            for line in text.lines() {
                let v: Value = serde_json::from_str(line).unwrap();
                match v["type"].as_str().unwrap() {
                    "message" => {
                        let raw = match v.get("raw") {
                            Some(r) => r.to_string(),
                            None => v["raw_text"].as_str().unwrap().to_owned(),
                        };
                        let msgid = v["msgid"].as_str().unwrap().to_owned();
                        slice.messages.insert(msgid, content_hash(&raw));
                    }
                    "hit" => {
                        slice
                            .hit_msgids
                            .insert(v["hit"]["msgid"].as_str().unwrap().to_owned());
                    }
                    "cursor" => cursor = Some(v),
                    "grant" => {
                        // A later grant replaces the earlier one: forget what it excludes the way
                        // the client must (tests that shrink grants compare after a fresh pull).
                    }
                    _ => {}
                }
            }
            let cursor = cursor.expect("cursor record");
            after = cursor["seq"].as_i64().unwrap();
            if cursor["more"] == false {
                break;
            }
        }
        slice
    })
}

/// What the vault holds: msgid → content hash, and row ids.
pub struct Held {
    pub messages: BTreeMap<String, String>,
    pub rows: BTreeSet<i64>,
    pub hit_msgids: BTreeSet<String>,
}

pub fn held(vault: &Vault) -> Held {
    vault
        .db()
        .read(|r| {
            let mut evidence = BTreeMap::new();
            r.each_raw_message(&mut |id, raw| {
                assert!(
                    evidence.insert(id, content_hash(raw)).is_none(),
                    "row {id} has two records"
                );
                Ok(())
            })?;
            let mut stmt = r.sql().prepare("SELECT id, msgid FROM messages")?;
            let mut messages = BTreeMap::new();
            let mut rows = BTreeSet::new();
            let mut n = 0usize;
            for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
                let (id, msgid) = row?;
                rows.insert(id);
                let hash = evidence.remove(&id).expect("a message without its evidence");
                messages.insert(msgid, hash);
                n += 1;
            }
            assert_eq!(n, messages.len(), "duplicate msgids in the vault");
            assert!(
                evidence.is_empty(),
                "evidence of rows that are gone: {:?}",
                evidence.keys()
            );
            let mut stmt = r.sql().prepare("SELECT DISTINCT msgid FROM hits")?;
            let hit_msgids = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<_, _>>()?;
            Ok(Held {
                messages,
                rows,
                hit_msgids,
            })
        })
        .unwrap()
}

/// The index holds exactly one document per vault row, and its has_violation flag agrees with
/// the hits table.
pub fn assert_index_agrees(vault: &Vault, held: &Held) {
    let index = SearchIndex::open(vault).unwrap();
    let ids = index.matching_ids(&Query { expr: Expr::All }).unwrap();
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate index documents");
    assert_eq!(unique, held.rows, "index documents differ from vault rows");
    let cursor = vault.db().read(|r| r.cursor()).unwrap();
    assert_eq!(
        index.committed_seq().unwrap(),
        Some(cursor),
        "index payload differs from the cursor"
    );
    let flagged: BTreeSet<i64> = index
        .matching_ids(&Query::parse("has:violation").unwrap())
        .unwrap()
        .into_iter()
        .collect();
    let with_hits: BTreeSet<i64> = vault
        .db()
        .read(|r| {
            let mut stmt = r
                .sql()
                .prepare("SELECT DISTINCT m.id FROM messages m JOIN hits h ON h.msgid = m.msgid")?;
            let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(
        flagged, with_hits,
        "has_violation in the index differs from the hits table"
    );
}

/// The vault equals the server's slice for `user`, and the index agrees with the rows.
pub fn assert_converged(server: &Server, vault: &Vault, user: &str) {
    let slice = server_slice(server, user);
    let held = held(vault);
    assert_eq!(held.messages.len(), slice.messages.len(), "message count");
    assert!(
        held.messages == slice.messages,
        "messages or their content differ from the server's slice"
    );
    let hits_of_held: BTreeSet<String> = slice
        .hit_msgids
        .iter()
        .filter(|m| held.messages.contains_key(*m))
        .cloned()
        .collect();
    assert_eq!(held.hit_msgids, hits_of_held, "hits differ");
    assert_index_agrees(vault, &held);
}
