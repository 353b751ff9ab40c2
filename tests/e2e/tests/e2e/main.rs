//! A generated demo archive through the real archive server and its scoped change feed over HTTP:
//! every message arrives with its evidence intact, planted violations arrive as hits, and a scoped
//! reviewer receives exactly the messages of the employees in scope.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use dossier_model::{Grant, Message, Role, Scope};
use dossier_server::http::{ServeOptions, serve};
use dossier_server::{Archive, Config, PasswordCost};
use serde_json::{Value, json};

const PASSWORD: &str = "e2e correct horse";

/// Every message line of an archive directory, parsed, by msgid.
fn archive_messages(dir: &Path) -> BTreeMap<String, Message> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("messages"))
        .collect();
    files.sort();
    let mut out = BTreeMap::new();
    for file in files {
        for line in std::fs::read_to_string(file).unwrap().lines() {
            let m = dossier_wecom::parse_message(line).unwrap();
            out.insert(m.msgid.0.clone(), m);
        }
    }
    out
}

/// Department 1's first child department with employees, and the employees in it or below it.
fn department_scope(dir: &Path) -> (u64, BTreeSet<String>) {
    let org =
        dossier_wecom::api::parse_org(&std::fs::read_to_string(dir.join("users.json")).unwrap()).unwrap();
    let children = |id: u64| {
        org.departments
            .iter()
            .filter(move |d| d.parentid == id)
            .map(|d| d.id)
    };
    let members_under = |root: u64| {
        let mut depts = BTreeSet::from([root]);
        let mut todo = vec![root];
        while let Some(d) = todo.pop() {
            for c in children(d) {
                depts.insert(c);
                todo.push(c);
            }
        }
        org.employees
            .iter()
            .filter(|e| e.department.iter().any(|d| depts.contains(d)))
            .map(|e| e.userid.0.clone())
            .collect::<BTreeSet<_>>()
    };
    let root = org.departments.iter().find(|d| d.parentid == 0).unwrap().id;
    children(root)
        .map(|d| (d, members_under(d)))
        .find(|(_, members)| !members.is_empty())
        .unwrap()
}

/// Pulls the whole feed of `user` in pages, zstd-compressed, and returns its records.
async fn pull_feed(client: &reqwest::Client, base: &str, user: &str) -> Vec<Value> {
    let login: Value = client
        .post(format!("{base}/api/v1/login"))
        .json(&json!({"name": user, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let (mut after, mut records) = (0u64, Vec::new());
    loop {
        let response = client
            .get(format!("{base}/api/v1/feed?after={after}&limit=500"))
            .bearer_auth(&token)
            .header("accept-encoding", "zstd")
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], "zstd");
        let body = zstd::decode_all(&response.bytes().await.unwrap()[..]).unwrap();
        let mut cursor = None;
        for line in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let record: Value = serde_json::from_slice(line).unwrap();
            if record["type"] == "cursor" {
                cursor = Some(record);
            } else {
                assert!(
                    record["seq"].as_u64().unwrap() > after,
                    "records come in seq order after the cursor"
                );
                records.push(record);
            }
        }
        let cursor = cursor.expect("every complete response ends with a cursor");
        after = cursor["seq"].as_u64().unwrap();
        if cursor["more"] == false {
            return records;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_archive_through_server_and_feed() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("archive");
    let options = dossier_demo::Options {
        seed: 7,
        employees: 12,
        messages: 3000,
        ..Default::default()
    };
    dossier_demo::generate(&options, &src).unwrap();

    let config = Config {
        password_cost: PasswordCost::LOW,
        ..Config::default()
    };
    let (archive, _) =
        Archive::init(&tmp.path().join("data"), "admin", Some(PASSWORD.into()), config).unwrap();
    let report = dossier_server::ingest::ingest_dir(&archive, &src, &Default::default()).unwrap();
    assert_eq!(report.messages_new, 3000);
    let (dept, in_scope) = department_scope(&src);
    let grant = Grant {
        scope: Scope::Departments(vec![dept]),
        window: (None, None),
        lease_secs: 3600,
        export_allowed: false,
    };
    archive.add_user("rev", Role::Reviewer, PASSWORD, grant).unwrap();
    let running = serve(
        Arc::new(archive),
        ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            tls: None,
            allow_insecure_http: false,
        },
    )
    .await
    .unwrap();
    let base = format!("http://{}", running.addr);
    let client = reqwest::Client::builder().build().unwrap();

    // The admin receives every message, each with its archive line as evidence.
    let expected = archive_messages(&src);
    let records = pull_feed(&client, &base, "admin").await;
    let mut received = BTreeMap::new();
    for r in records.iter().filter(|r| r["type"] == "message") {
        let evidence = match (&r["raw"], &r["raw_text"]) {
            (Value::Object(_), _) => r["raw"].to_string(),
            (_, Value::String(text)) => text.clone(),
            other => panic!("message without evidence: {other:?}"),
        };
        received.insert(
            r["msgid"].as_str().unwrap().to_owned(),
            dossier_wecom::parse_message(&evidence).unwrap(),
        );
    }
    assert_eq!(received.len(), expected.len());
    assert!(
        received == expected,
        "the feed's evidence parses to exactly the archive's messages"
    );

    // Every planted sensitive word (with its evasion) arrives as a hit at the planted span.
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(src.join("truth.json")).unwrap()).unwrap();
    let hits: BTreeSet<(String, u64, u64)> = records
        .iter()
        .filter(|r| r["type"] == "hit" && r["hit"]["kind"] == "word")
        .map(|r| {
            let h = &r["hit"];
            (
                h["msgid"].as_str().unwrap().to_owned(),
                h["start"].as_u64().unwrap(),
                h["end"].as_u64().unwrap(),
            )
        })
        .collect();
    let planted: Vec<_> = truth["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "word")
        .collect();
    assert!(planted.len() >= 10, "the demo plants words at a known rate");
    for item in planted {
        let key = (
            item["msgid"].as_str().unwrap().to_owned(),
            item["start"].as_u64().unwrap(),
            item["end"].as_u64().unwrap(),
        );
        assert!(hits.contains(&key), "planted word not hit: {item}");
    }

    // The reviewer scoped to one department receives exactly the messages of its employees.
    let records = pull_feed(&client, &base, "rev").await;
    let got: BTreeSet<String> = records
        .iter()
        .filter(|r| r["type"] == "message")
        .map(|r| r["msgid"].as_str().unwrap().to_owned())
        .collect();
    let involves = |m: &Message| {
        std::iter::once(&m.from)
            .chain(&m.tolist)
            .any(|u| in_scope.contains(u.as_str()))
    };
    let want: BTreeSet<String> = expected
        .values()
        .filter(|m| involves(m))
        .map(|m| m.msgid.0.clone())
        .collect();
    assert!(
        !want.is_empty() && want.len() < expected.len(),
        "the scope is a real slice"
    );
    assert_eq!(got, want);
    for r in records.iter().filter(|r| r["type"] == "hit") {
        assert!(
            got.contains(r["hit"]["msgid"].as_str().unwrap()),
            "a hit outside the slice: {r}"
        );
    }
    running.shutdown().await;
}
