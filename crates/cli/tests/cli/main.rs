//! The `dossier` binary as scripts use it: exit statuses, JSON reports, standard input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod annotate;
mod search;

fn dossier(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../wecom/tests/fixtures")
        .join(name)
}

#[test]
fn wecom_check_accepts_every_public_sample() {
    let skit = fixture("decrypted_messages.skit.jsonl");
    let wx = fixture("decrypted_messages.wxjava.jsonl");
    let out = dossier(
        &[
            "wecom",
            "check",
            "--json",
            skit.to_str().unwrap(),
            wx.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["lines"].as_u64(), report["parsed"].as_u64()),
        (Some(59), Some(59))
    );
    assert_eq!(report["errors"], Value::Array(vec![]));
    assert_eq!(report["by_type"]["switch"], 2);
    assert_eq!(report["by_type"]["meeting"], 3);
    // Every known msgtype is counted under its own name.
    let by_type = report["by_type"].as_object().unwrap();
    for t in dossier_model::Content::KNOWN_TYPES {
        assert!(by_type.contains_key(t), "{t} missing from {by_type:?}");
    }
}

#[test]
fn wecom_check_reports_bad_lines_from_stdin_and_goes_on() {
    let good = std::fs::read_to_string(fixture("decrypted_messages.skit.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let input = format!(
        "{first}\n{{\"msgid\":\"x\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],\"msgtime\":\"later\",\"msgtype\":\"text\",\"text\":{{\"content\":\"hi\"}}}}\n\nnot json\n{first}\n"
    );
    let out = dossier(&["wecom", "check", "--json"], Some(&input));
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["lines"].as_u64(), report["parsed"].as_u64()),
        (Some(4), Some(2))
    );
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["line"], 2);
    assert!(
        errors[0]["error"].as_str().unwrap().starts_with("msgtime: "),
        "{}",
        errors[0]
    );
    assert_eq!(errors[1]["line"], 4);
    assert!(
        errors[1]["error"].as_str().unwrap().contains("invalid JSON"),
        "{}",
        errors[1]
    );
    assert_eq!(report["by_type"]["text"], 2);

    // The text report names the line too.
    let out = dossier(&["wecom", "check"], Some(&input));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("line 2: msgtime: "), "{text}");
    assert!(text.contains("4 lines, 2 parsed, 2 bad"), "{text}");
}

#[test]
fn wecom_check_exits_2_when_a_file_cannot_be_read() {
    let good = fixture("decrypted_messages.skit.jsonl");
    let missing = fixture("no-such-file.jsonl");
    let out = dossier(
        &[
            "wecom",
            "check",
            "--json",
            good.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.jsonl"));
    // What could be read is still reported.
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["parsed"], 29);
}
