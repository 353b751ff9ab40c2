//! The bridge over real loopback HTTP, on a real demo (embedded server, synced vault): the token
//! gates every data route, and the commands answer what the generated archive holds.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use dossier_api::demo::DemoSpec;
use dossier_bridge::{Config, start};
use serde_json::{Value, json};

/// One HTTP/1.1 exchange with `Connection: close`: (status, headers, body).
fn http(addr: &str, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String, String) {
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
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    (status, head.to_ascii_lowercase(), body.to_owned())
}

/// `GET path` with `Connection: close`: (status, body bytes).
fn get_bytes(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let status = std::str::from_utf8(&out[9..12]).unwrap().parse().unwrap();
    let at = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    (status, out[at..].to_vec())
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `POST /api/<command>` with the token; (status, JSON body).
fn call(addr: &str, token: &str, command: &str, args: Value) -> (u16, Value) {
    let (status, _, body) = http(
        addr,
        "POST",
        &format!("/api/{command}"),
        Some(token),
        &args.to_string(),
    );
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{command}: {e}: {body}")),
    )
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_gates_the_api_and_the_commands_answer_the_demo_archive() {
    let root = tempfile::tempdir().unwrap();
    let dist = root.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>ui</title>").unwrap();
    let spec = DemoSpec {
        seed: 7,
        messages: 600,
        employees: 6,
    };
    let running = start(Config {
        dist,
        profiles_root: root.path().join("profiles"),
        demo_root: root.path().join("demo"),
        demo: Some(spec.clone()),
        downloads: root.path().join("downloads"),
    })
    .await
    .unwrap();
    assert!(running.url.starts_with("http://127.0.0.1:"), "{}", running.url);
    assert_eq!(running.token.len(), 64);
    let addr = running.addr.to_string();
    let token = running.token.clone();
    let archive = root.path().join(format!(
        "demo/server/seed{}-m{}-e{}/archive",
        spec.seed, spec.messages, spec.employees
    ));

    tokio::task::spawn_blocking(move || {
        // Refused without the token, with a wrong one, and with the token in the query (only
        // media, which an <img> loads, may carry it there).
        let wrong = "0".repeat(64);
        for (path, t) in [
            ("/api/directory", None),
            ("/api/directory", Some(wrong.as_str())),
            ("/api/directory", Some(&token[..63])),
        ] {
            let (status, _, body) = http(&addr, "POST", path, t, "{}");
            assert_eq!(status, 401, "{path} {t:?}: {body}");
            assert!(!body.contains("employees"), "{body}");
        }
        let (status, _, _) = http(
            &addr,
            "POST",
            &format!("/api/directory?token={token}"),
            None,
            "{}",
        );
        assert_eq!(status, 401);
        let (status, _, _) = http(&addr, "GET", "/media/anything?token=nope", None, "");
        assert_eq!(status, 401);
        // With the token: the profile is linked to the demo server, so media has a URL (fetched when
        // viewed); media the server does not have either is an error with its code, never bytes.
        let (status, media) = call(
            &addr,
            &token,
            "media_url",
            json!({ "request": { "sdkfileid": "anything" } }),
        );
        assert_eq!(status, 200);
        assert_eq!(media, json!(format!("/media/anything?token={token}")));
        let (status, _, body) = http(&addr, "GET", &format!("/media/anything?token={token}"), None, "");
        assert!(status >= 400, "{status} {body}");
        assert!(body.contains("\"code\""), "{body}");

        // An image of the archive comes through byte for byte (fetched from the demo server when
        // first viewed). The archive names media files by a hash; one of unique size is matched by it.
        let files: Vec<Vec<u8>> = std::fs::read_dir(archive.join("media"))
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect();
        let image = lines(&archive.join("messages.jsonl"))
            .into_iter()
            .filter(|m| m["msgtype"] == "image")
            .find_map(|m| {
                let size = m["image"]["filesize"].as_u64()? as usize;
                let mut same = files.iter().filter(|f| f.len() == size);
                let file = same.next()?;
                same.next()
                    .is_none()
                    .then(|| (m["image"]["sdkfileid"].as_str().unwrap().to_owned(), file.clone()))
            })
            .expect("an image of unique size in the demo archive");
        let (status, url) = call(
            &addr,
            &token,
            "media_url",
            json!({ "request": { "sdkfileid": image.0 } }),
        );
        assert_eq!(status, 200);
        assert_eq!(url, json!(format!("/media/{}?token={token}", percent(&image.0))));
        let (status, bytes) = get_bytes(&addr, url.as_str().unwrap());
        assert_eq!(status, 200);
        assert!(
            bytes == image.1,
            "{} bytes served, {} in the archive",
            bytes.len(),
            image.1.len()
        );

        // The UI files need no token and carry the app's CSP; nothing outside them is served.
        let (status, head, body) = http(&addr, "GET", "/", None, "");
        assert_eq!(status, 200);
        assert!(body.contains("<title>ui</title>"));
        assert!(
            head.contains("content-security-policy: default-src 'self'; script-src 'self'"),
            "{head}"
        );
        let (status, _, _) = http(&addr, "GET", "/../../Cargo.toml", None, "");
        assert_eq!(status, 404);

        // The directory is the archive's staff.
        let (status, dir) = call(&addr, &token, "directory", json!({}));
        assert_eq!(status, 200, "{dir}");
        let shown: BTreeSet<String> = dir["employees"]
            .as_array()
            .unwrap()
            .iter()
            .chain(dir["departed"].as_array().unwrap())
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect();
        let users: Value =
            serde_json::from_str(&std::fs::read_to_string(archive.join("users.json")).unwrap()).unwrap();
        let staff: BTreeSet<String> = users["userlist"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(shown, staff);

        // An employee's customer chat, page by page from the newest: every message of the
        // archive between the two, by msgid, with its text.
        let employee = dir["employees"][0]["userid"].as_str().unwrap().to_owned();
        let (status, partners) = call(&addr, &token, "partners", json!({ "participant": employee }));
        assert_eq!(status, 200, "{partners}");
        let customer = &partners["customers"].as_array().unwrap()[0];
        let customer_id = customer["person"]["id"].as_str().unwrap().to_owned();
        let (status, page) = call(
            &addr,
            &token,
            "conversation_page",
            json!({ "conversation": customer["conversation"], "at": { "at": "newest" }, "limit": 500 }),
        );
        assert_eq!(status, 200, "{page}");
        let got: BTreeSet<(String, String)> = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["msgid"].as_str().unwrap().to_owned(),
                    m["text"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let between = |m: &Value| {
            let from = m["from"].as_str().unwrap_or("");
            let to: Vec<&str> = m["tolist"]
                .as_array()
                .map_or(vec![], |t| t.iter().filter_map(Value::as_str).collect());
            m["roomid"].as_str().unwrap_or("").is_empty()
                && ((from == employee && to == [customer_id.as_str()])
                    || (from == customer_id && to == [employee.as_str()]))
        };
        let expected: BTreeSet<String> = lines(&archive.join("messages.jsonl"))
            .iter()
            .filter(|m| between(m))
            .map(|m| m["msgid"].as_str().unwrap().to_owned())
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(
            got.iter().map(|(id, _)| id.clone()).collect::<BTreeSet<_>>(),
            expected
        );
        let texts: BTreeSet<String> = lines(&archive.join("messages.jsonl"))
            .iter()
            .filter(|m| between(m) && m["msgtype"] == "text")
            .map(|m| m["text"]["content"].as_str().unwrap().to_owned())
            .collect();
        assert!(!texts.is_empty());
        for t in &texts {
            assert!(
                got.iter().any(|(_, shown)| shown == t),
                "text of the archive not shown: {t}"
            );
        }

        // Errors are ApiError with a status.
        let (status, e) = call(&addr, &token, "partners", json!({}));
        assert_eq!((status, e["code"].as_str()), (400, Some("bad_input")), "{e}");
        let (status, e) = call(&addr, &token, "save_everything_somewhere", json!({}));
        assert_eq!((status, e["code"].as_str()), (404, Some("not_found")), "{e}");
        let (status, e) = call(
            &addr,
            &token,
            "conversation",
            json!({ "conversation": "s:nobody\u{1f}none" }),
        );
        assert!(status >= 400, "{e}");
        assert!(e["code"].is_string() && e["message"].is_string(), "{e}");

        // Links are checked as the shell checks them (and never opened here).
        let (status, ok) = call(
            &addr,
            &token,
            "open_external",
            json!({ "url": "https://example.com/a" }),
        );
        assert_eq!((status, ok), (200, Value::Null));
        let (status, e) = call(
            &addr,
            &token,
            "open_external",
            json!({ "url": "file:///etc/passwd" }),
        );
        assert_eq!((status, e["code"].as_str()), (400, Some("bad_input")), "{e}");
        let (status, e) = call(
            &addr,
            &token,
            "save_media_copy",
            json!({ "request": { "sdkfileid": "not-held", "filename": "../../x.png" } }),
        );
        assert!(status >= 400 && e["code"].is_string(), "{e}");

        // The session answers like the shell's.
        let (status, s) = call(&addr, &token, "current_session", json!({}));
        assert_eq!(status, 200);
        assert_eq!(s["user"], "reviewer");
        let (status, closed) = call(&addr, &token, "close_profile", json!({}));
        assert_eq!((status, closed), (200, Value::Null));
        let (status, e) = call(&addr, &token, "directory", json!({}));
        assert_eq!((status, e["code"].as_str()), (404, Some("not_found")), "{e}");
    })
    .await
    .unwrap();
    drop(running);
}

/// The bridge serves the shell's command table, no more, no less.
#[test]
fn the_bridge_serves_exactly_the_commands_the_shell_registers() {
    let shell =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../src-tauri/src/lib.rs")).unwrap();
    let table = shell
        .split_once("generate_handler![")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(table, _)| table)
        .expect("src-tauri/src/lib.rs has a generate_handler! table");
    let registered: BTreeSet<&str> = table
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| entry.rsplit("::").next().unwrap())
        .collect();
    let served: BTreeSet<&str> = dossier_bridge::COMMANDS.iter().copied().collect();
    assert_eq!(served, registered);
}
