//! Typed content crossing to JavaScript: 64-bit fields as strings, nothing precise lost.

use dossier_api::browse::{U64_FIELDS, wire_content};
use dossier_model::{Content, Meeting, Unknown};
use serde_json::Value;

use crate::common::rows;

const MAX_SAFE: u64 = (1 << 53) - 1;

fn has_unsafe_number(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            n.as_u64().is_some_and(|u| u > MAX_SAFE)
                || n.as_i64().is_some_and(|i| i.unsigned_abs() > MAX_SAFE)
        }
        Value::Array(a) => a.iter().any(has_unsafe_number),
        Value::Object(o) => o.values().any(has_unsafe_number),
        _ => false,
    }
}

fn has_number_field(v: &Value, names: &[&str]) -> bool {
    match v {
        Value::Array(a) => a.iter().any(|x| has_number_field(x, names)),
        Value::Object(o) => o
            .iter()
            .any(|(k, x)| (x.is_number() && names.contains(&k.as_str())) || has_number_field(x, names)),
        _ => false,
    }
}

#[test]
fn every_cached_message_crosses_with_64_bit_fields_as_strings() {
    let contents: Vec<String> = rows("SELECT content FROM messages", |r| r.get(0));
    let mut types = std::collections::BTreeSet::new();
    for c in &contents {
        let content: Content = serde_json::from_str(c).unwrap();
        types.insert(content.msgtype().to_owned());
        let wire = wire_content(&content);
        assert!(!has_unsafe_number(&wire), "{wire}");
        assert!(!has_number_field(&wire, U64_FIELDS), "{wire}");
        assert_eq!(
            wire["msgtype"].as_str(),
            Some(content.msgtype())
                .filter(|_| !matches!(content, Content::Unknown(_)))
                .or(Some("unknown"))
        );
    }
    assert!(types.len() >= 20, "the demo covers most msgtypes: {types:?}");
}

#[test]
fn big_ids_keep_every_digit_and_unknown_types_keep_their_record() {
    let meeting = Content::Meeting(Meeting {
        meetingid: u64::MAX,
        ..Default::default()
    });
    assert_eq!(wire_content(&meeting)["meetingid"], "18446744073709551615");
    let raw: Value =
        serde_json::from_str(r#"{"msgtype":"new_kind","n":18446744073709551615,"small":7}"#).unwrap();
    let unknown = Content::Unknown(Unknown {
        name: "new_kind".into(),
        raw,
    });
    let wire = wire_content(&unknown);
    assert_eq!(wire["msgtype"], "unknown");
    assert_eq!(wire["name"], "new_kind");
    assert_eq!(wire["raw"]["n"], "18446744073709551615");
    assert_eq!(wire["raw"]["small"], 7);
}

/// The list of u64 fields names every u64 field the model's message types declare (`size` of
/// `MediaRef` is not serialised).
#[test]
fn the_u64_field_list_matches_the_model() {
    let source = include_str!("../../../model/src/message.rs");
    let mut declared: Vec<&str> = source
        .lines()
        .filter_map(|l| {
            let l = l.trim().strip_prefix("pub ")?;
            let (name, ty) = l.split_once(": ")?;
            matches!(ty.trim_end_matches(','), "u64" | "Option<u64>").then_some(name)
        })
        .filter(|n| *n != "size" && *n != "seq")
        .collect();
    declared.sort();
    declared.dedup();
    let mut listed = U64_FIELDS.to_vec();
    listed.sort();
    assert_eq!(declared, listed);
}
