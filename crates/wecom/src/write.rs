//! Model → WeCom JSON: the inverse of [`crate::parse_message`], used to show evidence in its
//! original form, to write demo archives, and to prove in tests that parsing loses nothing.

use dossier_model::{Content, Message};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The WeCom JSON of a message, in the archive's own layout (envelope, content key, JSON strings
/// inside chat records and mixed items). Includes `seq` when the message carries one.
pub fn to_wecom_json(message: &Message) -> Value {
    let mut obj = Map::new();
    obj.insert("msgid".into(), json!(message.msgid));
    obj.insert("action".into(), json!(message.action.as_str()));
    if let Some(seq) = message.seq {
        obj.insert("seq".into(), json!(seq));
    }
    if let Content::Switch = message.content {
        obj.insert("time".into(), json!(message.msgtime));
        obj.insert("user".into(), json!(message.from));
        return Value::Object(obj);
    }
    if let Content::Unknown(u) = &message.content {
        // The record as received, which holds the envelope too.
        return u.raw.clone();
    }
    obj.insert("from".into(), json!(message.from));
    obj.insert("tolist".into(), json!(message.tolist));
    if let Some(room) = &message.roomid {
        obj.insert("roomid".into(), json!(room));
    }
    obj.insert("msgtime".into(), json!(message.msgtime));
    obj.insert("msgtype".into(), json!(message.msgtype()));
    write_content(&message.content, &mut obj);
    Value::Object(obj)
}

/// Writes the content of `content` into `obj` under its wire key(s).
fn write_content(content: &Content, obj: &mut Map<String, Value>) {
    let mut put = |key: &str, value: Value| {
        obj.insert(key.to_owned(), value);
    };
    match content {
        Content::Text(c) => put("text", to_json(c)),
        Content::Image(c) => put("image", to_json(c)),
        Content::Revoke(c) => put("revoke", to_json(c)),
        Content::Agree(c) => put("agree", to_json(c)),
        Content::Disagree(c) => put("disagree", to_json(c)),
        Content::Voice(c) => put("voice", to_json(c)),
        Content::Video(c) => put("video", to_json(c)),
        Content::Card(c) => put("card", to_json(c)),
        Content::Location(c) => put("location", to_json(c)),
        Content::Emotion(c) => put("emotion", to_json(c)),
        Content::File(c) => put("file", to_json(c)),
        Content::Link(c) => put("link", to_json(c)),
        Content::Weapp(c) => put("weapp", to_json(c)),
        Content::Todo(c) => put("todo", to_json(c)),
        Content::Collect(c) => put("collect", to_json(c)),
        Content::Redpacket(c) | Content::ExternalRedpacket(c) => put("redpacket", to_json(c)),
        Content::Meeting(c) => put("meeting", to_json(c)),
        Content::Docmsg(c) => put("doc", to_json(c)),
        Content::Markdown(c) => put("info", to_json(c)),
        Content::News(c) => put("info", to_json(c)),
        Content::Calendar(c) => put("calendar", to_json(c)),
        Content::Sphfeed(c) => put("sphfeed", to_json(c)),
        Content::Voiptext(c) => put("info", to_json(c)),
        Content::Qydiskfile(c) => put("info", to_json(c)),
        Content::Vote(v) => {
            let fields = json!({
                "votetitle": v.votetitle, "voteitem": v.voteitem, "votetype": v.votetype, "voteid": v.voteid,
            });
            if v.nested {
                put("vote", fields);
            } else if let Value::Object(fields) = fields {
                fields.into_iter().for_each(|(k, v)| put(&k, v));
            }
        }
        Content::MeetingVoiceCall(c) => {
            put("voiceid", json!(c.voiceid));
            put("meeting_voice_call", without(to_json(c), "voiceid"));
        }
        Content::VoipDocShare(c) => {
            put("voipid", json!(c.voipid));
            put("voip_doc_share", without(to_json(c), "voipid"));
        }
        Content::Chatrecord(c) => {
            let items: Vec<Value> = c
                .item
                .iter()
                .map(|it| {
                    json!({
                        "type": it.kind, "msgtime": it.msgtime, "from_chatroom": it.from_chatroom,
                        "content": nested_string(&it.content),
                    })
                })
                .collect();
            put("chatrecord", json!({"title": c.title, "item": items}));
        }
        Content::Mixed(c) => {
            let items: Vec<Value> = c
                .item
                .iter()
                .map(|it| json!({"type": it.content.msgtype(), "content": nested_string(&it.content)}))
                .collect();
            put("mixed", json!({"item": items}));
        }
        Content::Switch | Content::Unknown(_) => {}
    }
}

/// The JSON string an item of a chat record or mixed message carries: its content object.
fn nested_string(content: &Content) -> String {
    let value = match content {
        Content::Unknown(u) => u.raw.clone(),
        other => {
            let mut obj = Map::new();
            write_content(other, &mut obj);
            // Exactly one content key for nested items (calls carry no top-level id there).
            obj.into_iter()
                .find(|(k, _)| k != "voiceid" && k != "voipid")
                .map(|(_, v)| v)
                .unwrap_or(Value::Null)
        }
    };
    value.to_string()
}

fn to_json<T: Serialize>(value: &T) -> Value {
    // Model content types serialise to plain objects; failure would be a bug in a derive.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn without(mut value: Value, key: &str) -> Value {
    if let Value::Object(obj) = &mut value {
        obj.remove(key);
    }
    value
}
