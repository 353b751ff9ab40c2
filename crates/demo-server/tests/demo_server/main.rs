//! The embedded demo server: built once, served on loopback, the demo accounts sign in and see the archive.

use std::io::{Read, Write};
use std::net::TcpStream;

use dossier_demo_server::{DEMO_PASSWORD, REVIEWER, Spec, prepare, start};

fn small() -> Spec {
    Spec {
        seed: 7,
        messages: 600,
        employees: 6,
    }
}

/// One HTTP/1.1 exchange with `Connection: close`; returns (status, body).
fn http(addr: &str, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_accounts_sign_in_on_loopback_and_see_the_whole_archive() {
    let root = tempfile::tempdir().unwrap();
    let server = start(root.path(), &small()).await.unwrap();
    let addr = server.url.strip_prefix("http://").unwrap().to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");

    let (me, wrong) = tokio::task::spawn_blocking(move || {
        let login = format!(r#"{{"name":"{REVIEWER}","password":"{DEMO_PASSWORD}"}}"#);
        let (status, body) = http(&addr, "POST", "/api/v1/login", None, &login);
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let token = v["access_token"].as_str().unwrap().to_owned();
        let (status, me) = http(&addr, "GET", "/api/v1/me", Some(&token), "");
        assert_eq!(status, 200, "{me}");
        let wrong = http(
            &addr,
            "POST",
            "/api/v1/login",
            None,
            r#"{"name":"reviewer","password":"nope"}"#,
        )
        .0;
        (serde_json::from_str::<serde_json::Value>(&me).unwrap(), wrong)
    })
    .await
    .unwrap();
    assert_eq!(me["role"], "reviewer");
    assert_eq!(me["all"], true);
    assert!(
        me["head"].as_i64().unwrap() > 600,
        "every message and more is in the feed: {me}"
    );
    assert_eq!(wrong, 401);
    server.shutdown().await;
}

#[test]
fn a_finished_build_is_reused_and_an_interrupted_one_is_redone() {
    let root = tempfile::tempdir().unwrap();
    let spec = small();
    // An interrupted build left behind: junk in the building directory.
    let building = root.path().join("seed7-m600-e6.building");
    std::fs::create_dir_all(building.join("archive")).unwrap();
    std::fs::write(building.join("archive/messages.jsonl"), "{not json").unwrap();

    let dir = prepare(root.path(), &spec).unwrap();
    assert!(!building.exists(), "the interrupted build is gone");
    assert!(dir.join("server").is_dir());
    let marker = dir.join("marker");
    std::fs::write(&marker, "kept").unwrap();
    assert_eq!(prepare(root.path(), &spec).unwrap(), dir);
    assert!(marker.exists(), "a finished build is reused, not rebuilt");

    let other = prepare(root.path(), &Spec { seed: 8, ..spec }).unwrap();
    assert_ne!(other, dir, "another spec gets its own build");
}
