//! Integration tests of the demo archive generator: determinism, format, media, truth.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dossier_demo::media::media_file_name;
use dossier_demo::{Options, Summary, generate};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn tmp(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("dossier-demo-tests")
        .join(name);
    let _ = fs::remove_dir_all(&p);
    p
}

/// One moderate archive shared by the format tests.
fn moderate() -> &'static (PathBuf, Summary) {
    static ARCHIVE: OnceLock<(PathBuf, Summary)> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let dir = tmp("moderate");
        let o = Options {
            seed: 42,
            employees: 30,
            messages: 40_000,
            ..Options::default()
        };
        let s = generate(&o, &dir).expect("generate");
        (dir, s)
    })
}

fn hash_dir(dir: &Path) -> String {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { stack.push(p) } else { files.push(p) }
        }
    }
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.strip_prefix(dir).unwrap().to_string_lossy().as_bytes());
        h.update(fs::read(&f).unwrap());
    }
    hex::encode(h.finalize())
}

fn messages(dir: &Path) -> Vec<Value> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("messages") && n.ends_with(".jsonl"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for n in names {
        for line in fs::read_to_string(dir.join(n)).unwrap().lines() {
            out.push(serde_json::from_str(line).expect("valid JSON line"));
        }
    }
    out
}

fn truth(dir: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(dir.join("truth.json")).unwrap()).expect("truth.json is JSON")
}

fn text_of(m: &Value) -> Option<&str> {
    m["text"]["content"].as_str()
}

#[test]
fn same_seed_same_bytes_different_seed_differs() {
    let o = Options {
        seed: 7,
        employees: 12,
        messages: 3_000,
        ..Options::default()
    };
    let (a, b, c) = (tmp("det-a"), tmp("det-b"), tmp("det-c"));
    generate(&o, &a).unwrap();
    generate(&o, &b).unwrap();
    generate(&Options { seed: 8, ..o.clone() }, &c).unwrap();
    assert_eq!(hash_dir(&a), hash_dir(&b));
    assert_ne!(hash_dir(&a), hash_dir(&c));
    // Regenerating into an earlier demo archive replaces it; a foreign directory is refused.
    generate(&o, &a).unwrap();
    assert_eq!(hash_dir(&a), hash_dir(&b));
    let foreign = tmp("foreign");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("notes.txt"), "mine").unwrap();
    assert!(generate(&o, &foreign).is_err());
    assert!(foreign.join("notes.txt").exists());
}

#[test]
fn message_count_is_exact_and_files_split_in_seq_order() {
    let dir = tmp("split");
    let o = Options {
        seed: 3,
        employees: 10,
        messages: 2_500,
        lines_per_file: 1_000,
        ..Options::default()
    };
    let s = generate(&o, &dir).unwrap();
    assert_eq!(s.messages, 2_500);
    assert_eq!(
        s.message_files,
        [
            "messages-000001.jsonl",
            "messages-000002.jsonl",
            "messages-000003.jsonl"
        ]
    );
    let ms = messages(&dir);
    assert_eq!(ms.len(), 2_500);
    for (i, m) in ms.iter().enumerate() {
        assert_eq!(m["seq"].as_u64(), Some(i as u64 + 1));
    }
}

const CONTENT_KEY: &[(&str, &str)] = &[
    ("text", "text"),
    ("image", "image"),
    ("revoke", "revoke"),
    ("agree", "agree"),
    ("disagree", "disagree"),
    ("voice", "voice"),
    ("video", "video"),
    ("card", "card"),
    ("location", "location"),
    ("emotion", "emotion"),
    ("file", "file"),
    ("link", "link"),
    ("weapp", "weapp"),
    ("chatrecord", "chatrecord"),
    ("todo", "todo"),
    ("vote", "vote|votetitle"),
    ("collect", "collect"),
    ("redpacket", "redpacket"),
    ("meeting", "meeting"),
    ("docmsg", "doc"),
    ("markdown", "info"),
    ("news", "info"),
    ("calendar", "calendar"),
    ("mixed", "mixed"),
    ("meeting_voice_call", "meeting_voice_call"),
    ("voip_doc_share", "voip_doc_share"),
    ("external_redpacket", "redpacket"),
    ("sphfeed", "sphfeed"),
    ("voiptext", "info"),
    ("qydiskfile", "info"),
];

#[test]
fn every_msgtype_appears_with_the_fields_format_notes_require() {
    let (dir, _) = moderate();
    let ms = messages(dir);
    let mut seen = BTreeSet::new();
    let mut vote_forms = BTreeSet::new();
    let mut last_time = 0;
    let mut ids = BTreeSet::new();
    for m in &ms {
        assert!(m["seq"].is_u64());
        let msgid = m["msgid"].as_str().expect("msgid");
        assert!(ids.insert(msgid.to_string()), "duplicate msgid {msgid}");
        if m["action"] == "switch" {
            assert!(m["time"].is_i64() && m["user"].is_string() && m.get("msgtype").is_none());
            seen.insert("switch".to_string());
            continue;
        }
        let t = m["msgtime"].as_i64().expect("msgtime ms");
        assert!(t >= last_time, "messages are in time order");
        last_time = t;
        assert!(m["from"].is_string() && m["tolist"].as_array().is_some_and(|a| !a.is_empty()));
        let ty = m["msgtype"].as_str().unwrap();
        let action = m["action"].as_str().unwrap();
        assert_eq!(action == "recall", ty == "revoke");
        let key = CONTENT_KEY
            .iter()
            .find(|k| k.0 == ty)
            .unwrap_or_else(|| panic!("unknown msgtype {ty}"))
            .1;
        let present: Vec<&str> = key.split('|').filter(|k| m.get(*k).is_some()).collect();
        assert_eq!(present.len(), 1, "{ty} carries its content key: {m}");
        if ty == "vote" {
            vote_forms.insert(present[0]);
        }
        if let Some(r) = m.get("roomid").and_then(Value::as_str) {
            if !r.is_empty() {
                assert!(r.starts_with("wr"));
            } else {
                assert_eq!(
                    m["tolist"].as_array().unwrap().len(),
                    1,
                    "single chats have one receiver"
                );
            }
        }
        seen.insert(ty.to_string());
        match ty {
            "chatrecord" => {
                for it in m["chatrecord"]["item"].as_array().unwrap() {
                    let inner: Value = serde_json::from_str(it["content"].as_str().unwrap()).unwrap();
                    assert!(inner.is_object());
                    assert!(
                        it["msgtime"].as_i64().unwrap() < 10_000_000_000,
                        "chatrecord item msgtime is seconds"
                    );
                }
            }
            "mixed" => {
                for it in m["mixed"]["item"].as_array().unwrap() {
                    let _: Value = serde_json::from_str(it["content"].as_str().unwrap()).unwrap();
                }
            }
            "meeting_voice_call" => assert!(m["voiceid"].as_str().unwrap().starts_with("gr")),
            "voip_doc_share" => assert!(m["voipid"].as_str().unwrap().starts_with("gr")),
            _ => {}
        }
    }
    let mut expected: BTreeSet<String> = CONTENT_KEY.iter().map(|k| k.0.to_string()).collect();
    expected.insert("switch".into());
    let missing: Vec<_> = expected.difference(&seen).collect();
    assert!(missing.is_empty(), "msgtypes never generated: {missing:?}");
    assert_eq!(vote_forms.len(), 2, "both vote forms appear");
    let text = ms.iter().filter(|m| m["msgtype"] == "text").count() as f64 / ms.len() as f64;
    assert!((0.7..0.92).contains(&text), "text is dominant: {text}");
}

fn sdkfileids(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == "sdkfileid" {
                    out.insert(x.as_str().unwrap().to_string());
                } else if k == "content" && x.is_string() {
                    if let Ok(inner) = serde_json::from_str::<Value>(x.as_str().unwrap()) {
                        sdkfileids(&inner, out);
                    }
                } else {
                    sdkfileids(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| sdkfileids(x, out)),
        _ => {}
    }
}

#[test]
fn media_files_are_exactly_the_sdkfileids_used_and_are_real_media() {
    let (dir, s) = moderate();
    let mut ids = BTreeSet::new();
    let ms = messages(dir);
    for m in &ms {
        sdkfileids(m, &mut ids);
    }
    let names: BTreeSet<String> = ids.iter().map(|i| media_file_name(i)).collect();
    let files: BTreeSet<String> = fs::read_dir(dir.join("media"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, files);
    assert_eq!(files.len() as u64, s.media_files);
    assert!(files.len() < 400, "media pool stays bounded");
    // Each kind of media is what it claims, and md5sum / sizes match the bytes.
    let mut checked = BTreeSet::new();
    for m in &ms {
        let ty = m["msgtype"].as_str().unwrap_or("");
        let c = match ty {
            "image" | "voice" | "video" | "emotion" | "file" => &m[ty],
            _ => continue,
        };
        let id = c["sdkfileid"].as_str().unwrap();
        if !checked.insert(id.to_string()) {
            continue;
        }
        let bytes = fs::read(dir.join("media").join(media_file_name(id))).unwrap();
        let size_key = match ty {
            "voice" => "voice_size",
            "emotion" => "imagesize",
            _ => "filesize",
        };
        assert_eq!(c[size_key].as_u64(), Some(bytes.len() as u64));
        use md5::Digest as _;
        assert_eq!(
            c["md5sum"].as_str().unwrap(),
            hex::encode(md5::Md5::digest(&bytes))
        );
        match ty {
            "image" => {
                assert!(bytes.starts_with(b"\x89PNG") || bytes.starts_with(&[0xFF, 0xD8]));
            }
            "voice" => assert!(bytes.starts_with(b"#!AMR\n") && (bytes.len() - 6) % 32 == 0),
            "video" => assert_eq!(&bytes[4..12], b"ftypisom"),
            "emotion" => assert!(bytes.starts_with(b"GIF89a") || bytes.starts_with(b"\x89PNG")),
            "file" => assert!(bytes.starts_with(b"%PDF-") || bytes.starts_with(b"PK\x03\x04")),
            _ => {}
        }
    }
}

/// Every QR code found in an image file, decoded.
fn qr_contents(path: &Path) -> Vec<String> {
    let img = image::load_from_memory(&fs::read(path).unwrap())
        .unwrap()
        .to_luma8();
    let (w, h) = img.dimensions();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        img.get_pixel(x as u32, y as u32).0[0]
    });
    prepared
        .detect_grids()
        .iter()
        .map(|g| g.decode().expect("QR decodes").1)
        .collect()
}

#[test]
fn qr_images_decode_to_the_recorded_payload() {
    let (dir, _) = moderate();
    let t = truth(dir);
    let qrs: Vec<&Value> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "qrcode")
        .collect();
    assert!(!qrs.is_empty());
    let mut done = BTreeSet::new();
    for q in qrs {
        let media = q["media"].as_str().unwrap();
        if !done.insert(media.to_string()) {
            continue;
        }
        let found = qr_contents(&dir.join("media").join(media));
        assert_eq!(found.len(), 1);
        let content = &found[0];
        assert_eq!(content, q["payload"].as_str().unwrap());
        assert!(content.starts_with("https://u.wechat.com/"));
    }
    // Ordinary photos carry no QR code.
    let ms = messages(dir);
    let qr_ids: BTreeSet<&str> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["sdkfileid"].as_str())
        .collect();
    let mut photos = 0;
    for m in ms.iter().filter(|m| m["msgtype"] == "image") {
        let id = m["image"]["sdkfileid"].as_str().unwrap();
        if qr_ids.contains(id) || !done.insert(id.to_string()) {
            continue;
        }
        assert!(qr_contents(&dir.join("media").join(media_file_name(id))).is_empty());
        photos += 1;
        if photos > 20 {
            break;
        }
    }
}

#[test]
fn truth_spans_point_at_exactly_the_planted_text() {
    let (dir, _) = moderate();
    let t = truth(dir);
    assert_eq!(t["params"]["seed"], 42);
    assert_eq!(t["params"]["time_zone"], "Asia/Shanghai");
    let ms = messages(dir);
    let by_id: BTreeMap<&str, &Value> = ms.iter().map(|m| (m["msgid"].as_str().unwrap(), m)).collect();
    let mut kinds = BTreeMap::<String, u64>::new();
    for it in t["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(t["negatives"].as_array().unwrap())
    {
        let kind = it["kind"].as_str().unwrap();
        *kinds.entry(kind.to_string()).or_default() += 1;
        let Some(start) = it["start"].as_u64() else {
            continue;
        };
        let end = it["end"].as_u64().unwrap() as usize;
        let m = by_id[it["msgid"].as_str().unwrap()];
        let chars: Vec<char> = text_of(m).unwrap().chars().collect();
        let span: String = chars[start as usize..end].iter().collect();
        let expected = it
            .get("written")
            .or(it.get("exclusion"))
            .or(it.get("number"))
            .unwrap()
            .as_str()
            .unwrap();
        assert_eq!(span, expected, "{it}");
        match kind {
            "bankcard" => {
                assert_eq!(
                    dossier_demo::risk::luhn_valid(it["number"].as_str().unwrap()),
                    it.get("reason").is_none()
                )
            }
            "idcard" => {
                let n = it["number"].as_str().unwrap();
                let valid = dossier_demo::risk::id_check_char(&n[..17]) == n.chars().last().unwrap();
                assert_eq!(valid, it.get("reason").is_none(), "{it}");
            }
            _ => {}
        }
    }
    for k in [
        "word",
        "phone",
        "wechat",
        "bankcard",
        "idcard",
        "qrcode",
        "card",
        "redpacket",
        "revoke",
        "timeout",
        "del_external_contact",
        "del_follow_user",
        "dismiss",
    ] {
        assert!(kinds.get(k).copied().unwrap_or(0) > 0, "no planted {k}");
    }
    // Every evasion is planted.
    let evasions: BTreeSet<&str> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["evasion"].as_str())
        .collect();
    assert_eq!(evasions.len(), 5, "{evasions:?}");
    // Revokes point at the message just recalled, by the same sender.
    for it in t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "revoke")
    {
        let r = by_id[it["msgid"].as_str().unwrap()];
        let pre = by_id[it["pre_msgid"].as_str().unwrap()];
        assert_eq!(r["revoke"]["pre_msgid"], pre["msgid"]);
        assert_eq!(r["from"], pre["from"]);
        assert!(r["msgtime"].as_i64().unwrap() - pre["msgtime"].as_i64().unwrap() <= 120_000);
    }
}

#[test]
fn lexicon_words_occur_only_where_truth_says() {
    let (dir, _) = moderate();
    let rules: Value = serde_json::from_str(&fs::read_to_string(dir.join("rules.json")).unwrap()).unwrap();
    let t = truth(dir);
    let planted: BTreeSet<(String, String)> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "word" && i["evasion"] == "none")
        .map(|i| {
            (
                i["msgid"].as_str().unwrap().to_string(),
                i["word"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut found = BTreeSet::new();
    for m in messages(dir) {
        let Some(text) = text_of(&m) else { continue };
        for r in rules["rules"].as_array().unwrap() {
            let exclusions: Vec<&str> = r["exclusions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
                .collect();
            let mut masked = text.to_string();
            for e in &exclusions {
                masked = masked.replace(e, &"#".repeat(e.chars().count()));
            }
            for w in r["words"].as_array().unwrap() {
                let w = w.as_str().unwrap();
                if masked.contains(w) {
                    found.insert((m["msgid"].as_str().unwrap().to_string(), w.to_string()));
                }
            }
        }
    }
    let missing: Vec<_> = planted.difference(&found).collect();
    let extra: Vec<_> = found.difference(&planted).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "planted but absent: {missing:?}; present but not planted: {extra:?}"
    );
}

fn working_ms_between(a: i64, b: i64) -> i64 {
    dossier_demo::clock::working_ms_between(a, b)
}

#[test]
fn timeouts_in_truth_match_the_stated_rule() {
    let (dir, _) = moderate();
    let t = truth(dir);
    let limit = t["params"]["reply_limit_minutes"].as_i64().unwrap() * 60_000;
    let users: Value = serde_json::from_str(&fs::read_to_string(dir.join("users.json")).unwrap()).unwrap();
    let employees: BTreeSet<&str> = users["userlist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userid"].as_str().unwrap())
        .collect();
    let ms = messages(dir);
    let mut waiting: BTreeMap<(String, String), (String, i64)> = BTreeMap::new();
    let mut expected = BTreeSet::new();
    for m in &ms {
        // Single chats: roomid empty or absent (meeting_voice_call / voip_doc_share omit it).
        let single = m.get("roomid").is_none_or(|r| r == "");
        if !single || m["action"] == "switch" {
            continue;
        }
        let from = m["from"].as_str().unwrap();
        let to = m["tolist"][0].as_str().unwrap();
        let (e, c, customer) = match (employees.contains(from), employees.contains(to)) {
            (true, false) => (from, to, false),
            (false, true) => (to, from, true),
            _ => continue,
        };
        let key = (e.to_string(), c.to_string());
        let t = m["msgtime"].as_i64().unwrap();
        if customer {
            let ty = m["msgtype"].as_str().unwrap();
            if ty != "agree" && ty != "disagree" && !waiting.contains_key(&key) {
                waiting.insert(key, (m["msgid"].as_str().unwrap().to_string(), t));
            }
        } else if let Some((id, since)) = waiting.remove(&key)
            && working_ms_between(since, t) > limit
        {
            expected.insert(id);
        }
    }
    assert!(
        waiting.is_empty(),
        "every customer run is answered before the archive ends"
    );
    let recorded: BTreeSet<String> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "timeout")
        .map(|i| i["msgid"].as_str().unwrap().to_string())
        .collect();
    let missing: Vec<_> = expected.difference(&recorded).collect();
    let extra: Vec<_> = recorded.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "not in truth: {missing:?}; not timeouts: {extra:?}"
    );
    assert!(!recorded.is_empty());
}

#[test]
fn side_files_parse_and_events_match_truth() {
    let (dir, s) = moderate();
    let users = fs::read_to_string(dir.join("users.json")).unwrap();
    let org = dossier_wecom::api::parse_org(&users).expect("users.json parses");
    let _ = org;
    let customers: Vec<Value> =
        serde_json::from_str(&fs::read_to_string(dir.join("customers.json")).unwrap()).unwrap();
    assert_eq!(customers.len(), s.customers);
    let mut kinds = BTreeSet::new();
    for c in &customers {
        dossier_wecom::api::parse_external_contact(&c.to_string()).expect("customer parses");
        let id = c["external_contact"]["external_userid"].as_str().unwrap();
        kinds.insert(&id[..2]);
        assert_eq!(
            c["external_contact"]["type"].as_u64(),
            Some(if id.starts_with("wm") { 1 } else { 2 })
        );
    }
    assert_eq!(kinds, BTreeSet::from(["wm", "wo"]));
    let groups: Vec<Value> =
        serde_json::from_str(&fs::read_to_string(dir.join("groups.json")).unwrap()).unwrap();
    for g in &groups {
        dossier_wecom::api::parse_group(&g.to_string()).expect("group parses");
    }
    let t = truth(dir);
    let mut from_events = BTreeSet::new();
    let mut last = 0;
    for line in fs::read_to_string(dir.join("events.jsonl")).unwrap().lines() {
        dossier_wecom::events::parse_event(line).expect("event parses");
        let e: Value = serde_json::from_str(line).unwrap();
        let at = e["CreateTime"].as_i64().unwrap();
        assert!(at >= last, "events in time order");
        last = at;
        let ct = e["ChangeType"].as_str().unwrap();
        if matches!(ct, "dismiss" | "del_external_contact" | "del_follow_user") {
            let who = e
                .get("ChatId")
                .or(e.get("ExternalUserID"))
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            from_events.insert((ct.to_string(), who, at));
        }
    }
    let from_truth: BTreeSet<(String, String, i64)> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["msgid"].is_null())
        .map(|i| {
            let who = i
                .get("chat_id")
                .or(i.get("external_userid"))
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            (
                i["kind"].as_str().unwrap().to_string(),
                who,
                i["time"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(from_events, from_truth);
}

#[test]
fn the_wecom_parser_accepts_every_line() {
    use dossier_model::Content;
    let (dir, s) = moderate();
    let mut parsed = 0;
    for name in &s.message_files {
        let f = fs::File::open(dir.join(name)).unwrap();
        let mut reader = dossier_wecom::LineReader::new(std::io::BufReader::new(f));
        while let Some((line, _, result)) = reader.next_line().unwrap() {
            match result {
                Ok(dossier_wecom::ArchiveLine::Message(m)) => {
                    assert!(
                        !matches!(m.content, Content::Unknown(_)),
                        "line {line}: {} unknown",
                        m.msgtype()
                    );
                    parsed += 1;
                }
                other => panic!("line {line}: {other:?}"),
            }
        }
    }
    assert_eq!(parsed, s.messages);
}

/// Regression (rules engine reply-timeout recall of 92.5%): an earlier generator ran two single
/// conversations between the same employee and customer at once, so an employee message of one
/// (a reminder 4 minutes after the customer asked) did not end the wait of the other, and
/// truth.json paired the question with a reply the next day. Every timeout's reply must be the
/// first employee message in that chat after the question, and single conversations of one
/// customer never interleave.
#[test]
fn timeout_reply_is_the_first_employee_message_after_the_question() {
    let (dir, _) = moderate();
    let t = truth(dir);
    let users: Value = serde_json::from_str(&fs::read_to_string(dir.join("users.json")).unwrap()).unwrap();
    let employees: BTreeSet<&str> = users["userlist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userid"].as_str().unwrap())
        .collect();
    let ms = messages(dir);
    // Per chat (employee, customer): its single-chat messages in order.
    let mut chats: BTreeMap<(String, String), Vec<&Value>> = BTreeMap::new();
    for m in &ms {
        if m["action"] == "switch" || !m.get("roomid").is_none_or(|r| r == "") {
            continue;
        }
        let (from, to) = (m["from"].as_str().unwrap(), m["tolist"][0].as_str().unwrap());
        let key = match (employees.contains(from), employees.contains(to)) {
            (true, false) => (from.to_string(), to.to_string()),
            (false, true) => (to.to_string(), from.to_string()),
            _ => continue,
        };
        chats.entry(key).or_default().push(m);
    }
    let mut checked = 0;
    for item in t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "timeout")
    {
        let key = (
            item["userid"].as_str().unwrap().to_string(),
            item["external_userid"].as_str().unwrap().to_string(),
        );
        let chat = &chats[&key];
        let q = chat
            .iter()
            .position(|m| m["msgid"] == item["msgid"])
            .expect("question in its chat");
        let first_reply = chat[q + 1..]
            .iter()
            .find(|m| employees.contains(m["from"].as_str().unwrap()))
            .expect("answered");
        assert_eq!(
            first_reply["msgid"], item["reply_msgid"],
            "timeout {item}: the employee spoke before the recorded reply"
        );
        checked += 1;
    }
    assert!(checked > 50, "{checked}");
}
