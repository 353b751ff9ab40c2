//! `dossier annotate` and `dossier annotations` as scripts run them, on a demo profile built in
//! the test (real vault + index): the same API and outbox as the app, an auditor refused.

use std::path::Path;
use std::process::{Command, Output};

use dossier_vault::Queries;
use serde_json::Value;

const PASS_VAR: &str = "DOSSIER_TEST_ANNOTATE_PASSPHRASE";
const PASS: &str = "annotate test";

fn dossier(profile: &Path, command: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg(command)
        .arg("--profile")
        .arg(profile)
        .args(["--passphrase-env", PASS_VAR])
        .args(args)
        .env(PASS_VAR, PASS)
        .output()
        .unwrap()
}

#[test]
fn annotate_queues_an_annotation_that_settles_its_hits_and_an_auditor_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("profile");
    let (vault, _) = dossier_api::fixture::demo_profile(&profile, PASS, 5, 600).unwrap();
    let hits_total: i64 = vault
        .db()
        .read(|r| {
            r.sql()
                .query_row("SELECT count(*) FROM hits", [], |row| row.get(0))
                .map_err(Into::into)
        })
        .unwrap();
    let msgid: String = vault
        .db()
        .read(|r| {
            r.sql()
                .query_row("SELECT msgid FROM hits ORDER BY id LIMIT 1", [], |row| row.get(0))
                .map_err(Into::into)
        })
        .unwrap();
    let hits_of_msg: i64 = vault
        .db()
        .read(|r| {
            r.sql()
                .query_row("SELECT count(*) FROM hits WHERE msgid = ?1", [&msgid], |row| {
                    row.get(0)
                })
                .map_err(Into::into)
        })
        .unwrap();
    drop(vault);

    // `dossier violations`: every hit, paged through; the count of the unreviewed ones.
    let count = |args: &[&str]| -> i64 {
        let out = dossier(&profile, "violations", args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().parse().unwrap()
    };
    let out = dossier(&profile, "violations", &["--json", "--limit", "0"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows.len() as i64,
        hits_total,
        "the planted hits are all word hits"
    );
    assert!(
        rows.windows(2)
            .all(|w| w[0]["msgtime"].as_i64() >= w[1]["msgtime"].as_i64())
    );
    assert_eq!(count(&["--count", "--state", "unreviewed"]), hits_total);

    let out = dossier(
        &profile,
        "annotate",
        &[
            "--msgid",
            &msgid,
            "--verdict",
            "false-positive",
            "--comment",
            "报价属正常沟通",
            "--tag",
            "价格",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let saved: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(saved["verdict"], "false_positive");
    assert_eq!(saved["pending"], true);

    // The verdict settles the message's hits.
    assert_eq!(
        count(&["--count", "--state", "unreviewed"]),
        hits_total - hits_of_msg
    );
    assert_eq!(count(&["--count", "--state", "done"]), hits_of_msg);

    let out = dossier(&profile, "annotations", &["--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], saved["id"]);
    assert_eq!(listed[0]["target"]["msgid"], msgid.as_str());
    assert_eq!(listed[0]["comment"], "报价属正常沟通");
    assert_eq!(listed[0]["tags"], serde_json::json!(["价格"]));

    // Nothing to say is bad input (exit 2); an unknown message is an error (exit 1).
    assert_eq!(
        dossier(&profile, "annotate", &["--msgid", &msgid]).status.code(),
        Some(2)
    );
    assert_eq!(
        dossier(&profile, "annotate", &["--msgid", "nope", "--comment", "x"])
            .status
            .code(),
        Some(1)
    );

    // The profile as an auditor's (the account a sync records): annotate exits 3, nothing queued.
    let vault = dossier_vault::Profile::open(&profile)
        .unwrap()
        .unlock(dossier_vault::KeySource::Passphrase(
            dossier_vault::Passphrase::new(PASS).unwrap(),
        ))
        .unwrap();
    vault
        .db()
        .write(|tx| tx.set_setting("sync.account", r#"{"name":"audit","role":"auditor"}"#))
        .unwrap();
    let queued = vault.db().read(|r| Ok(r.outbox(100)?.len())).unwrap();
    drop(vault);
    let out = dossier(&profile, "annotate", &["--msgid", &msgid, "--verdict", "cleared"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("auditors"));
    let vault = dossier_vault::Profile::open(&profile)
        .unwrap()
        .unlock(dossier_vault::KeySource::Passphrase(
            dossier_vault::Passphrase::new(PASS).unwrap(),
        ))
        .unwrap();
    assert_eq!(vault.db().read(|r| Ok(r.outbox(100)?.len())).unwrap(), queued);
}
