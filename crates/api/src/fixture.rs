//! A demo profile for tests and benchmarks (feature `demo-fixture`): the demo generator's archive
//! loaded into a real vault and index through the vault's `Tx` API and the search `Indexer`, as
//! sync stores a feed. Hits are planted on every 25th message with text, so hit counts are known.

use std::path::Path;

use dossier_model::{Hit, HitKind, Severity};
use dossier_search::{MessageDoc, SearchIndex};
use dossier_vault::{CreateOptions, KdfParams, KeySource, Passphrase, Profile, Put, Vault};

/// What [`demo_profile`] stored.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Messages stored.
    pub messages: u64,
    /// Hits planted.
    pub hits: u64,
}

/// Creates a passphrase profile at `dir` (cheap Argon2id, for tests) holding a generated demo
/// archive of `messages` lines from `employees` employees, indexed. Returns the unlocked vault.
pub fn demo_profile(
    dir: &Path,
    passphrase: &str,
    employees: usize,
    messages: u64,
) -> Result<(Vault, Loaded)> {
    let archive = dir.with_extension("archive");
    let summary = dossier_demo::generate(
        &dossier_demo::Options {
            seed: 7,
            employees,
            messages,
            ..Default::default()
        },
        &archive,
    )
    .map_err(|e| err(format!("demo: {e}")))?;
    let opts = CreateOptions {
        kdf: KdfParams {
            m_kib: 256,
            t: 1,
            p: 1,
        },
    };
    let key = KeySource::Passphrase(Passphrase::new(passphrase)?);
    let vault = Profile::create(dir, key, &opts)?;
    let read = |name: &str| std::fs::read_to_string(archive.join(name)).unwrap_or_default();
    let org = dossier_wecom::api::parse_org(&read("users.json")).map_err(|e| err(e.to_string()))?;
    let items = |name: &str| -> Vec<String> {
        serde_json::from_str::<Vec<&serde_json::value::RawValue>>(&read(name))
            .map(|v| v.into_iter().map(|r| r.get().to_owned()).collect())
            .unwrap_or_default()
    };
    let contacts: Vec<_> = items("customers.json")
        .iter()
        .filter_map(|c| dossier_wecom::api::parse_external_contact(c).ok())
        .collect();
    let groups: Vec<_> = items("groups.json")
        .iter()
        .filter_map(|g| dossier_wecom::api::parse_group(g).ok())
        .collect();
    let events: Vec<_> = read("events.jsonl")
        .lines()
        .filter_map(|l| dossier_wecom::events::parse_event(l).ok())
        .collect();
    vault.db().write(|tx| {
        org.departments.iter().try_for_each(|d| tx.put_department(d))?;
        org.employees.iter().try_for_each(|e| tx.put_employee(e))?;
        contacts.iter().try_for_each(|c| tx.put_contact(c))?;
        groups.iter().try_for_each(|g| tx.put_group(g))?;
        events.iter().try_for_each(|e| tx.put_event(e))
    })?;
    let index = SearchIndex::open(&vault)?;
    let mut writer = index.writer()?;
    let mut loaded = Loaded::default();
    let mut seq = 0i64;
    for file in &summary.message_files {
        let text = std::fs::read_to_string(archive.join(file)).map_err(|e| err(e.to_string()))?;
        let parsed: Vec<_> = text
            .lines()
            .filter_map(|l| dossier_wecom::parse_message(l).ok())
            .collect();
        for chunk in parsed.chunks(5_000) {
            seq += 1;
            let mut planted = std::collections::HashSet::new();
            let puts = vault.db().write(|tx| {
                let mut puts = Vec::with_capacity(chunk.len());
                for m in chunk {
                    let put = tx.put_message(m, None, seq)?;
                    let text = m.content.text();
                    let n = text.chars().count();
                    if matches!(put, Put::Inserted(_))
                        && n > 0
                        && (loaded.messages + puts.len() as u64).is_multiple_of(25)
                    {
                        tx.put_hit(&Hit {
                            msgid: m.msgid.clone(),
                            rule: "planted".into(),
                            kind: HitKind::Word,
                            word: None,
                            start: 0,
                            end: 1,
                            severity: Severity::High,
                        })?;
                        planted.insert(m.msgid.clone());
                    }
                    puts.push(put);
                }
                tx.set_cursor(seq)?;
                Ok(puts)
            })?;
            for (m, put) in chunk.iter().zip(&puts) {
                if let Put::Inserted(id) = put {
                    let text = m.content.text();
                    writer.add(&MessageDoc {
                        id: *id,
                        message: m,
                        text: &text,
                        has_violation: planted.contains(&m.msgid),
                        has_annotation: false,
                    })?;
                }
            }
            writer.commit(seq)?;
            loaded.messages += puts.len() as u64;
            loaded.hits += planted.len() as u64;
        }
    }
    drop(writer);
    drop(index);
    let _ = std::fs::remove_dir_all(&archive);
    Ok((vault, loaded))
}

/// The fixture's error (test support, not API).
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// The fixture's result.
pub type Result<T> = std::result::Result<T, Error>;

fn err(m: String) -> Error {
    m.into()
}
