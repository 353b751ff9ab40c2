//! The real server on loopback, through a real HTTP client: login, feed, media, annotations,
//! audit, malformed input, throttling, disabled users, TLS.

use std::io::Read;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::fixture::{self, PASSWORD};

fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder().build().expect("client")
}

struct Api {
    base: String,
    http: Client,
}

impl Api {
    async fn login(&self, name: &str, password: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/login", self.base))
            .json(&json!({"name": name, "password": password}))
            .send()
            .await
            .expect("send")
    }

    async fn token(&self, name: &str) -> String {
        let r = self.login(name, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.expect("json");
        v["access_token"].as_str().expect("token").to_owned()
    }

    async fn feed(&self, token: &str, after: i64, limit: usize) -> (Vec<Value>, reqwest::header::HeaderMap) {
        let r = self
            .http
            .get(format!("{}/feed?after={after}&limit={limit}", self.base))
            .bearer_auth(token)
            .header("accept-encoding", "zstd")
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK);
        let headers = r.headers().clone();
        assert_eq!(
            headers.get("content-encoding").map(|v| v.as_bytes()),
            Some(&b"zstd"[..])
        );
        let bytes = r.bytes().await.expect("body");
        let mut text = String::new();
        zstd::Decoder::new(&bytes[..])
            .expect("zstd")
            .read_to_string(&mut text)
            .expect("decompress");
        (
            text.lines()
                .map(|l| serde_json::from_str(l).expect("ndjson"))
                .collect(),
            headers,
        )
    }

    async fn feed_all(&self, token: &str, limit: usize) -> Vec<Value> {
        let mut after = 0;
        let mut out = Vec::new();
        loop {
            let (records, _) = self.feed(token, after, limit).await;
            let cursor = records.last().expect("cursor record").clone();
            assert_eq!(cursor["type"], "cursor");
            out.extend(records.into_iter().filter(|r| r["type"] != "cursor"));
            after = cursor["seq"].as_i64().expect("seq");
            if cursor["more"] == false {
                return out;
            }
        }
    }
}

fn msgids(records: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = records
        .iter()
        .filter(|r| r["type"] == "message")
        .map(|r| r["msgid"].as_str().unwrap_or("").to_owned())
        .collect();
    ids.sort();
    ids
}

async fn error_code(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    let v: Value = r.json().await.expect("error body is JSON");
    assert!(v["message"].is_string(), "{v}");
    (status, v["code"].as_str().unwrap_or("").to_owned())
}

#[tokio::test]
async fn login_feed_media_annotations_audit() {
    let tmp = tempfile::tempdir().expect("tmp");
    let archive = fixture::archive(tmp.path());
    let running = fixture::start(archive, None).await;
    let api = Api {
        base: format!("http://{}/api/v1", running.addr),
        http: client(),
    };

    // Login, me.
    let rev = api.token("rev").await;
    let me: Value = api
        .http
        .get(format!("{}/me", api.base))
        .bearer_auth(&rev)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["role"], "reviewer");
    assert_eq!(me["employees"], json!(["wangwu", "zhangsan"]));
    assert!(me["lease_expires_at"].as_i64().unwrap_or(0) > fixture::T0);

    // Feed: only department 2's messages, in seq order, resumable in small batches.
    let records = api.feed_all(&rev, 2).await;
    assert_eq!(msgids(&records), ["m1", "m3", "m4", "m5"]);
    let seqs: Vec<i64> = records.iter().map(|r| r["seq"].as_i64().expect("seq")).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let contacts: Vec<&str> = records
        .iter()
        .filter(|r| r["type"] == "contact")
        .filter_map(|r| r["contact"]["external_userid"].as_str())
        .collect();
    assert_eq!(contacts, ["wmCust1"]);
    assert!(
        records.iter().all(|r| r["type"] != "event"),
        "lisi's deletion event is outside"
    );
    assert!(
        records
            .iter()
            .any(|r| r["type"] == "hit" && r["hit"]["msgid"] == "m1")
    );
    // Resuming from the middle gives the tail.
    let mid = seqs[seqs.len() / 2];
    let (tail, headers) = api.feed(&rev, mid, 1000).await;
    assert_eq!(
        tail.iter().filter(|r| r["type"] != "cursor").count(),
        seqs.iter().filter(|s| **s > mid).count()
    );
    assert!(headers.get("x-dossier-cursor").is_some());
    // Without Accept-Encoding: zstd the feed is plain NDJSON.
    let plain = api
        .http
        .get(format!("{}/feed?after=0", api.base))
        .bearer_auth(&rev)
        .send()
        .await
        .expect("feed");
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain.text().await.expect("text").lines().count() > 1);

    // Media: whole, range, suffix range, unsatisfiable, out of scope, bad id.
    let f1 = fixture::media_id("FILE1");
    let url = format!("{}/media/{f1}", api.base);
    let whole = api.http.get(&url).bearer_auth(&rev).send().await.expect("media");
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.bytes().await.expect("bytes").to_vec(), fixture::file1());
    let part = api
        .http
        .get(&url)
        .bearer_auth(&rev)
        .header("range", "bytes=100-199")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], "bytes 100-199/1000");
    assert_eq!(
        part.bytes().await.expect("bytes").to_vec(),
        fixture::file1()[100..200].to_vec()
    );
    let suffix = api
        .http
        .get(&url)
        .bearer_auth(&rev)
        .header("range", "bytes=-10")
        .send()
        .await
        .expect("range");
    assert_eq!(
        suffix.bytes().await.expect("bytes").to_vec(),
        fixture::file1()[990..].to_vec()
    );
    let bad = api
        .http
        .get(&url)
        .bearer_auth(&rev)
        .header("range", "bytes=5000-")
        .send()
        .await
        .expect("range");
    assert_eq!(bad.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(bad.headers()["content-range"], "bytes */1000");
    let f2 = fixture::media_id("FILE2");
    let out = api
        .http
        .get(format!("{}/media/{f2}", api.base))
        .bearer_auth(&rev)
        .send()
        .await
        .expect("media");
    assert_eq!(error_code(out).await, (StatusCode::NOT_FOUND, "not_found".into()));
    let junk = api
        .http
        .get(format!("{}/media/..%2F..%2Fetc", api.base))
        .bearer_auth(&rev)
        .send()
        .await
        .expect("media");
    assert_eq!(junk.status(), StatusCode::BAD_REQUEST);

    // Annotations: create, update, stale update refused with the current version, delete.
    let target = json!({"message": {"msgid": "m1", "span": [7, 9]}});
    let created = api.http.post(format!("{}/annotations", api.base)).bearer_auth(&rev)
        .json(&json!({"id": "a1", "target": target, "comment": "承诺保本", "tags": ["违规"], "verdict": "confirmed_violation"}))
        .send().await.expect("create");
    assert_eq!(created.status(), StatusCode::CREATED);
    let a: Value = created.json().await.expect("json");
    assert_eq!(
        (a["version"].as_u64(), a["author"].as_str()),
        (Some(1), Some("rev"))
    );
    let ann_url = format!("{}/annotations/a1", api.base);
    let updated = api
        .http
        .put(&ann_url)
        .bearer_auth(&rev)
        .json(&json!({"version": 1, "comment": "复核"}))
        .send()
        .await
        .expect("put");
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(updated.json::<Value>().await.expect("json")["version"], 2);
    let stale = api
        .http
        .put(&ann_url)
        .bearer_auth(&rev)
        .json(&json!({"version": 1, "comment": "旧的"}))
        .send()
        .await
        .expect("put");
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let body: Value = stale.json().await.expect("json");
    assert_eq!(
        (
            body["code"].as_str(),
            body["current"]["version"].as_u64(),
            body["current"]["comment"].as_str()
        ),
        (Some("conflict"), Some(2), Some("复核"))
    );
    let dup = api
        .http
        .post(format!("{}/annotations", api.base))
        .bearer_auth(&rev)
        .json(&json!({"id": "a1", "target": target}))
        .send()
        .await
        .expect("create");
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    // Out-of-scope target, auditor writes.
    let out = api
        .http
        .post(format!("{}/annotations", api.base))
        .bearer_auth(&rev)
        .json(&json!({"id": "a2", "target": {"message": {"msgid": "m2", "span": null}}}))
        .send()
        .await
        .expect("create");
    assert_eq!(out.status(), StatusCode::NOT_FOUND);
    let aud = api.token("aud").await;
    let ro = api
        .http
        .post(format!("{}/annotations", api.base))
        .bearer_auth(&aud)
        .json(&json!({"id": "a3", "target": {"message": {"msgid": "m2", "span": null}}}))
        .send()
        .await
        .expect("create");
    assert_eq!(error_code(ro).await, (StatusCode::FORBIDDEN, "forbidden".into()));
    assert_eq!(
        api.http
            .get(&ann_url)
            .bearer_auth(&aud)
            .send()
            .await
            .expect("get")
            .status(),
        StatusCode::NOT_FOUND,
        "auditor of lisi cannot see m1's annotation"
    );
    let del = api
        .http
        .delete(format!("{ann_url}?version=2"))
        .bearer_auth(&rev)
        .send()
        .await
        .expect("delete");
    assert_eq!(del.status(), StatusCode::OK);
    assert_eq!(del.json::<Value>().await.expect("json")["deleted"], true);
    // The annotation is a feed record (latest version only).
    let (recs, _) = api.feed(&rev, 0, 1000).await;
    let anns: Vec<&Value> = recs.iter().filter(|r| r["type"] == "annotation").collect();
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0]["annotation"]["version"], 3);

    // Client audit upload; the actor is the signed-in user whatever the client says.
    let up = api.http.post(format!("{}/audit", api.base)).bearer_auth(&aud)
        .json(&json!({"records": [{"at": 1, "actor": "someone else", "action": {"action": "search", "query": "保本"}}]}))
        .send().await.expect("audit");
    assert_eq!(up.json::<Value>().await.expect("json")["accepted"], 1);

    // Rules: read for all, write for admin only.
    assert_eq!(
        api.http
            .get(format!("{}/rules", api.base))
            .bearer_auth(&aud)
            .send()
            .await
            .expect("rules")
            .status(),
        StatusCode::OK
    );
    let w = api
        .http
        .put(format!("{}/rules", api.base))
        .bearer_auth(&rev)
        .json(&json!({"rules": []}))
        .send()
        .await
        .expect("put");
    assert_eq!(w.status(), StatusCode::FORBIDDEN);
    let admin = api.token("admin").await;
    let w = api
        .http
        .put(format!("{}/lexicons/finance", api.base))
        .bearer_auth(&admin)
        .json(&json!({"words": ["保本", "稳赚"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(w.status(), StatusCode::OK);
    let lex: Value = api
        .http
        .get(format!("{}/lexicons", api.base))
        .bearer_auth(&rev)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(lex["lexicons"][0]["words"], json!(["保本", "稳赚"]));

    // Malformed input: 4xx with {code, message}.
    let r = api
        .http
        .post(format!("{}/annotations", api.base))
        .bearer_auth(&rev)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let r = api
        .http
        .get(format!("{}/feed?after=abc", api.base))
        .bearer_auth(&rev)
        .send()
        .await
        .expect("send");
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let r = api
        .http
        .get(format!("{}/feed?limit=0", api.base))
        .bearer_auth(&rev)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let big = "x".repeat(5 << 20);
    let r = api
        .http
        .post(format!("{}/audit", api.base))
        .bearer_auth(&rev)
        .body(big)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = api
        .http
        .get(format!("{}/nope", api.base))
        .send()
        .await
        .expect("send");
    assert_eq!(error_code(r).await, (StatusCode::NOT_FOUND, "not_found".into()));
    let r = api
        .http
        .get(format!("{}/feed", api.base))
        .bearer_auth("forged")
        .send()
        .await
        .expect("send");
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "unauthorized".into())
    );

    // Refresh rotates; logout revokes.
    let l: Value = api.login("rev", PASSWORD).await.json().await.expect("json");
    let refresh = l["refresh_token"].as_str().expect("refresh").to_owned();
    let r = api
        .http
        .post(format!("{}/refresh", api.base))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(r.status(), StatusCode::OK);
    let fresh: Value = r.json().await.expect("json");
    let r = api
        .http
        .post(format!("{}/refresh", api.base))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a refresh token is single use"
    );
    let tok = fresh["access_token"].as_str().expect("access");
    assert_eq!(
        api.http
            .post(format!("{}/logout", api.base))
            .bearer_auth(tok)
            .send()
            .await
            .expect("logout")
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.http
            .get(format!("{}/me", api.base))
            .bearer_auth(tok)
            .send()
            .await
            .expect("me")
            .status(),
        StatusCode::UNAUTHORIZED
    );

    running.shutdown().await;
    // Every call was audited server-side, with the user when known.
    let archive = dossier_server::Archive::open(&tmp.path().join("data"), fixture::config()).expect("open");
    let audit = archive.store().api_audit(0, 10_000).expect("audit");
    assert!(audit.len() > 40, "{}", audit.len());
    assert!(
        audit
            .iter()
            .any(|(_, a)| a.path.starts_with("/api/v1/feed") && a.user_id.is_some() && a.status == 200)
    );
    assert!(
        audit
            .iter()
            .any(|(_, a)| a.path == "/api/v1/nope" && a.status == 404)
    );
    assert_eq!(archive.store().client_audit_count().expect("count"), 1);
}

#[tokio::test]
async fn throttling_disabling_and_grant_changes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let archive = std::sync::Arc::new(fixture::archive(tmp.path()));
    let options = dossier_server::http::ServeOptions {
        listen: "127.0.0.1:0".parse().expect("addr"),
        tls: None,
        allow_insecure_http: false,
    };
    let running = dossier_server::http::serve(archive.clone(), options)
        .await
        .expect("serve");
    let api = Api {
        base: format!("http://{}/api/v1", running.addr),
        http: client(),
    };

    // Three free failures, then 429 even with the right password.
    for _ in 0..3 {
        assert_eq!(
            api.login("rev", "wrong password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = api.login("rev", PASSWORD).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::TOO_MANY_REQUESTS, "throttled".into())
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let aud = api.token("aud").await;

    // A grant change is a feed record; widening backfills exactly the new part.
    let before = api.feed_all(&aud, 1000).await;
    assert_eq!(msgids(&before), ["m2", "m5", "m6"]);
    let head = before
        .iter()
        .map(|r| r["seq"].as_i64().unwrap_or(0))
        .max()
        .unwrap_or(0);
    let a = archive.clone();
    tokio::task::spawn_blocking(move || {
        a.set_grant(
            "aud",
            dossier_model::Grant {
                scope: dossier_model::Scope::All,
                window: (None, None),
                lease_secs: 60,
                export_allowed: false,
            },
        )
    })
    .await
    .expect("join")
    .expect("grant");
    let (after, _) = api.feed(&aud, head, 1000).await;
    assert_eq!(after[0]["type"], "grant");
    assert_eq!(after[0]["all"], true);
    assert_eq!(
        msgids(&after),
        ["m1", "m3", "m4"],
        "backfill is exactly the newly permitted messages"
    );

    // Disabling: the session's holder is told (so a client can delete its slice), nothing more
    // is served, and sign-in is the generic refusal.
    let a = archive.clone();
    tokio::task::spawn_blocking(move || a.disable_user("aud"))
        .await
        .expect("join")
        .expect("disable");
    let r = api
        .http
        .get(format!("{}/me", api.base))
        .bearer_auth(&aud)
        .send()
        .await
        .expect("me");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["code"], "account_disabled");
    let r = api
        .http
        .get(format!("{}/feed?after=0&limit=10", api.base))
        .bearer_auth(&aud)
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        api.login("aud", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    running.shutdown().await;
}

#[tokio::test]
async fn tls_and_loopback_only_plain_http() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/server/fixtures");
    let cert = fixtures.join("localhost.crt");
    let archive = fixture::archive(tmp.path());
    let running = fixture::start(archive, Some((cert.clone(), fixtures.join("localhost.key")))).await;
    assert!(running.tls);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pem = std::fs::read(&cert).expect("cert");
    let http = Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&pem).expect("pem")])
        .build()
        .expect("client");
    let api = Api {
        base: format!("https://localhost:{}/api/v1", running.addr.port()),
        http,
    };
    let tok = api.token("rev").await;
    let (records, _) = api.feed(&tok, 0, 10).await;
    assert!(!records.is_empty());
    running.shutdown().await;

    // Plain HTTP on a non-loopback address is refused unless explicitly allowed.
    let archive = dossier_server::Archive::open(&tmp.path().join("data"), fixture::config()).expect("open");
    let options = dossier_server::http::ServeOptions {
        listen: "0.0.0.0:0".parse().expect("addr"),
        tls: None,
        allow_insecure_http: false,
    };
    assert!(
        dossier_server::http::serve(std::sync::Arc::new(archive), options)
            .await
            .is_err()
    );
}
