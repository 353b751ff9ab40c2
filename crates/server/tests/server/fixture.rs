//! A small archive directory written by code, with known contents, and a running server.

use std::path::Path;
use std::sync::Arc;

use dossier_server::http::{Running, ServeOptions, serve};
use dossier_server::{Archive, Config, PasswordCost};
use sha2::{Digest, Sha256};

pub const T0: i64 = 1_700_000_000_000;

pub fn media_id(sdkfileid: &str) -> String {
    hex::encode(Sha256::digest(sdkfileid.as_bytes()))
}

/// Bytes of the media file FILE1 (1000 bytes, position-dependent so ranges are checkable).
pub fn file1() -> Vec<u8> {
    (0..1000u32).map(|i| (i % 251) as u8).collect()
}

/// Writes the archive: departments 1 (HQ) > 2 (sales: zhangsan, wangwu), 3 (service: lisi);
/// customers wmCust1 (followed by zhangsan) and wmCust2 (lisi); messages m1..m6 with one
/// malformed line (line 3); a revoke of m1; media FILE1 (zhangsan's) and FILE2 (lisi's).
pub fn write_archive(dir: &Path) {
    let w = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    w(
        "users.json",
        r#"{"department":[{"id":1,"name":"总部","parentid":0,"order":1},{"id":2,"name":"销售","parentid":1,"order":1},{"id":3,"name":"客服","parentid":1,"order":2}],
            "userlist":[{"userid":"zhangsan","name":"张三","department":[2]},{"userid":"lisi","name":"李四","department":[3]},{"userid":"wangwu","name":"王五","department":[2]}]}"#,
    );
    w(
        "customers.json",
        r#"[{"errcode":0,"external_contact":{"external_userid":"wmCust1","name":"客户一","type":1},"follow_user":[{"userid":"zhangsan","createtime":1690000000}]},
            {"errcode":0,"external_contact":{"external_userid":"wmCust2","name":"客户二","type":1},"follow_user":[{"userid":"lisi","createtime":1690000000}]}]"#,
    );
    w("groups.json", "[]");
    w(
        "rules.json",
        r#"{"rules":[{"name":"承诺保本","words":["保本"],"severity":"high"}]}"#,
    );
    let line = |id: &str, action: &str, from: &str, to: &str, t: i64, body: &str, seq: u64| {
        format!(
            r#"{{"seq":{seq},"msgid":"{id}","action":"{action}","from":"{from}","tolist":["{to}"],"roomid":"","msgtime":{t},{body}}}"#
        )
    };
    let lines = [
        line(
            "m1",
            "send",
            "zhangsan",
            "wmCust1",
            T0,
            r#""msgtype":"text","text":{"content":"您好，这款产品保本保息"}"#,
            1,
        ),
        line(
            "m2",
            "send",
            "lisi",
            "wmCust2",
            T0 + 1000,
            r#""msgtype":"text","text":{"content":"hello"}"#,
            2,
        ),
        r#"{"msgid":"bad","action":"send""#.to_owned(),
        line(
            "m3",
            "send",
            "zhangsan",
            "wmCust1",
            T0 + 2000,
            r#""msgtype":"image","image":{"md5sum":"x","filesize":1000,"sdkfileid":"FILE1"}"#,
            3,
        ),
        line(
            "m4",
            "recall",
            "zhangsan",
            "wmCust1",
            T0 + 3000,
            r#""msgtype":"revoke","revoke":{"pre_msgid":"m1"}"#,
            4,
        ),
        line(
            "m5",
            "send",
            "wangwu",
            "lisi",
            T0 + 4000,
            r#""msgtype":"text","text":{"content":"内部消息"}"#,
            5,
        ),
        line(
            "m6",
            "send",
            "lisi",
            "wmCust2",
            T0 + 5000,
            r#""msgtype":"image","image":{"md5sum":"y","filesize":10,"sdkfileid":"FILE2"}"#,
            6,
        ),
    ];
    w("messages.jsonl", &(lines.join("\n") + "\n"));
    w(
        "events.jsonl",
        r#"{"CreateTime":1700000100,"Event":"change_external_contact","ChangeType":"del_follow_user","UserID":"lisi","ExternalUserID":"wmCust2"}
not json
"#,
    );
    std::fs::create_dir_all(dir.join("media")).unwrap_or_else(|e| panic!("media: {e}"));
    std::fs::write(dir.join("media").join(media_id("FILE1")), file1()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("media").join(media_id("FILE2")), b"0123456789")
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Test settings: cheap Argon2id, two free login failures.
pub fn config() -> Config {
    Config {
        password_cost: PasswordCost::LOW,
        login_free_failures: 3,
        ..Config::default()
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// A data directory with the fixture archive ingested, an admin `admin`, a reviewer `rev` scoped
/// to department 2 and an auditor `aud` scoped to lisi.
pub fn archive(tmp: &Path) -> Archive {
    let data = tmp.join("data");
    let (archive, _) = Archive::init(&data, "admin", Some(PASSWORD.into()), config())
        .unwrap_or_else(|e| panic!("init: {e}"));
    let src = tmp.join("archive");
    std::fs::create_dir_all(&src).unwrap_or_else(|e| panic!("{e}"));
    write_archive(&src);
    dossier_server::ingest::ingest_dir(&archive, &src, &Default::default())
        .unwrap_or_else(|e| panic!("ingest: {e}"));
    let grant = |scope| dossier_model::Grant {
        scope,
        window: (None, None),
        lease_secs: 3600,
        export_allowed: false,
    };
    archive
        .add_user(
            "rev",
            dossier_model::Role::Reviewer,
            PASSWORD,
            grant(dossier_model::Scope::Departments(vec![2])),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    archive
        .add_user(
            "aud",
            dossier_model::Role::Auditor,
            PASSWORD,
            grant(dossier_model::Scope::Employees(vec!["lisi".into()])),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    archive
}

/// Serves `archive` on 127.0.0.1:0.
pub async fn start(archive: Archive, tls: Option<(std::path::PathBuf, std::path::PathBuf)>) -> Running {
    let options = ServeOptions {
        listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        tls,
        allow_insecure_http: false,
    };
    serve(Arc::new(archive), options)
        .await
        .unwrap_or_else(|e| panic!("serve: {e}"))
}
