//! Media from the real server: prefetch within a budget, fetch on demand, md5 verified, stored
//! sealed in the vault.

use std::sync::atomic::AtomicBool;

use dossier_model::Scope;
use dossier_sync::Error;
use dossier_sync::media::{fetch_media, media_id, prefetch_media};
use dossier_vault::Queries;

use crate::common::*;

#[test]
fn prefetch_keeps_to_its_budget_fetch_on_demand_verifies_md5() {
    let server = server(1_500, Scope::All);
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    let client = client(&server.rt, &server.url, "rev");
    run_sync(&vault, &client, &small_batches()).unwrap();
    let media_dir = server.archive.media_dir();
    let on_server = |sdkfileid: &str| std::fs::read(media_dir.join(media_id(sdkfileid))).unwrap();
    // Files the cache refers to, with the md5 their message states.
    let files: Vec<(String, Option<String>)> = vault
        .db()
        .read(|r| {
            let mut stmt = r
                .sql()
                .prepare("SELECT DISTINCT sdkfileid FROM messages WHERE sdkfileid IS NOT NULL")?;
            let ids: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            let mut out = Vec::new();
            for id in ids {
                let content: String =
                    r.sql()
                        .query_row("SELECT content FROM messages WHERE sdkfileid = ?1", [&id], |x| {
                            x.get(0)
                        })?;
                let content: dossier_model::Content = serde_json::from_str(&content)?;
                let md5 = content
                    .media()
                    .and_then(|m| m.md5sum.map(str::to_owned))
                    .filter(|m| !m.is_empty());
                out.push((id, md5));
            }
            Ok(out)
        })
        .unwrap();
    let with_md5: Vec<&String> = files
        .iter()
        .filter(|(_, m)| m.is_some())
        .map(|(id, _)| id)
        .collect();
    assert!(with_md5.len() >= 3, "{} files with an md5", with_md5.len());
    let total: u64 = files.iter().map(|(id, _)| on_server(id).len() as u64).sum();

    // Tamper with one file on the server: its md5 no longer matches.
    let tampered = with_md5[0].clone();
    let mut bytes = on_server(&tampered);
    bytes[0] ^= 0xff;
    std::fs::write(media_dir.join(media_id(&tampered)), &bytes).unwrap();
    let err = fetch_media(&vault, &client, &tampered).unwrap_err();
    assert!(matches!(err, Error::MediaCorrupt { .. }), "{err}");
    assert!(
        vault.db().read(|r| r.media(&tampered)).unwrap().is_none(),
        "nothing stored"
    );

    // On demand: fetched, stored sealed, read back equal.
    let wanted = with_md5[1].clone();
    let row = fetch_media(&vault, &client, &wanted).unwrap();
    assert_eq!(row.size, on_server(&wanted).len() as u64);
    assert_eq!(*vault.load_media(&wanted).unwrap(), on_server(&wanted));

    // Prefetch within a third of the total.
    let budget = total / 3;
    let first = prefetch_media(&vault, &client, budget, &AtomicBool::new(false)).unwrap();
    assert!(
        first.files > 0 && first.bytes <= budget && first.over_budget > 0,
        "{first:?}"
    );
    // Then everything else; only the tampered file fails.
    let rest = prefetch_media(&vault, &client, u64::MAX, &AtomicBool::new(false)).unwrap();
    assert_eq!((rest.over_budget, rest.failed), (0, 1), "{rest:?}");
    assert_eq!(first.files + rest.files + 1 + 1, files.len());
    for (id, _) in &files {
        if *id != tampered {
            assert_eq!(*vault.load_media(id).unwrap(), on_server(id), "{id}");
        }
    }
    // A file no cached message refers to is not asked for.
    let err = fetch_media(&vault, &client, "not-a-file-of-this-slice").unwrap_err();
    assert!(matches!(err, Error::Vault(_)), "{err}");
}
