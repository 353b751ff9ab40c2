//! Typed message content as it crosses to JavaScript: the model's JSON with every 64-bit field
//! as a string (sizes, meeting ids, collect ids can exceed 2^53, where `JSON.parse` loses digits).

use dossier_model::Content;
use serde_json::Value;

/// The model fields typed `u64` (see `crates/model/src/message.rs`); their numbers cross as strings.
/// `tests/api/content.rs` checks every msgtype of the demo archive crosses without a bare number
/// above 2^53 and that this list names every `u64` field the model serialises.
pub const U64_FIELDS: &[&str] = &[
    "filesize",
    "voice_size",
    "play_length",
    "imagesize",
    "id",
    "totalamount",
    "meetingid",
    "callduration",
];

/// The largest integer JavaScript represents exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

/// The content as JSON for the UI: tagged by `msgtype` like the model, 64-bit fields as strings.
/// An unknown msgtype keeps its raw record, with integers beyond 2^53 as strings.
pub fn wire_content(content: &Content) -> Value {
    let mut v = serde_json::to_value(content).unwrap_or(Value::Null);
    match content {
        Content::Unknown(_) => {
            if let Some(raw) = v.get_mut("raw") {
                big_numbers_to_strings(raw);
            }
        }
        _ => u64_fields_to_strings(&mut v),
    }
    v
}

fn u64_fields_to_strings(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, field) in map.iter_mut() {
                match field {
                    Value::Number(n) if U64_FIELDS.contains(&k.as_str()) => {
                        *field = Value::String(n.to_string());
                    }
                    other => u64_fields_to_strings(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(u64_fields_to_strings),
        _ => {}
    }
}

fn big_numbers_to_strings(v: &mut Value) {
    match v {
        Value::Number(n) => {
            let big = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u > MAX_SAFE,
                (None, Some(i)) => i.unsigned_abs() > MAX_SAFE,
                _ => false,
            };
            if big {
                *v = Value::String(n.to_string());
            }
        }
        Value::Object(map) => map.values_mut().for_each(big_numbers_to_strings),
        Value::Array(items) => items.iter_mut().for_each(big_numbers_to_strings),
        _ => {}
    }
}
