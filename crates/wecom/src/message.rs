//! Decrypted archive messages: the envelope, dispatch on `action` then `msgtype`, and the content
//! keys that differ from the msgtype (FORMAT-NOTES §2.2).

use dossier_model::{
    Action, ChatRecord, ChatRecordItem, Content, Message, Mixed, MixedItem, MsgId, RoomId, Unknown, UserId,
    Vote,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::ParseError;
use crate::sanitize::escape_controls_in_strings;

/// What one line of archive input holds.
// Messages are the common case: boxing them would cost an allocation per line for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum ArchiveLine {
    /// A decrypted message (or `switch` record).
    Message(Message),
    /// A GetChatData response: encrypted entries still to be decrypted with the corp's key.
    ChatData(Vec<ChatData>),
}

/// One encrypted entry of a GetChatData response.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ChatData {
    /// Archive sequence number.
    pub seq: u64,
    /// Message id.
    pub msgid: MsgId,
    /// Version of the corp's public key that encrypted the random key.
    pub publickey_ver: u32,
    /// RSA-encrypted random key, base64.
    pub encrypt_random_key: String,
    /// The encrypted message, base64.
    pub encrypt_chat_msg: String,
}

/// Every top-level key the archive uses, kept raw so each is parsed on its own and an error can
/// name it. Unknown keys are ignored here; the caller keeps the raw line as evidence.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    msgid: Option<&'a RawValue>,
    #[serde(borrow)]
    action: Option<&'a RawValue>,
    #[serde(borrow)]
    from: Option<&'a RawValue>,
    #[serde(borrow)]
    tolist: Option<&'a RawValue>,
    #[serde(borrow)]
    roomid: Option<&'a RawValue>,
    #[serde(borrow)]
    msgtime: Option<&'a RawValue>,
    #[serde(borrow)]
    msgtype: Option<&'a RawValue>,
    #[serde(borrow)]
    seq: Option<&'a RawValue>,
    // switch records
    #[serde(borrow)]
    time: Option<&'a RawValue>,
    #[serde(borrow)]
    user: Option<&'a RawValue>,
    // call ids that sit beside their content
    #[serde(borrow)]
    voiceid: Option<&'a RawValue>,
    #[serde(borrow)]
    voipid: Option<&'a RawValue>,
    // GetChatData responses
    #[serde(borrow)]
    errcode: Option<&'a RawValue>,
    #[serde(borrow)]
    errmsg: Option<&'a RawValue>,
    #[serde(borrow)]
    chatdata: Option<&'a RawValue>,
    // content keys
    #[serde(borrow)]
    text: Option<&'a RawValue>,
    #[serde(borrow)]
    image: Option<&'a RawValue>,
    #[serde(borrow)]
    revoke: Option<&'a RawValue>,
    #[serde(borrow)]
    agree: Option<&'a RawValue>,
    #[serde(borrow)]
    disagree: Option<&'a RawValue>,
    #[serde(borrow)]
    voice: Option<&'a RawValue>,
    #[serde(borrow)]
    video: Option<&'a RawValue>,
    #[serde(borrow)]
    card: Option<&'a RawValue>,
    #[serde(borrow)]
    location: Option<&'a RawValue>,
    #[serde(borrow)]
    emotion: Option<&'a RawValue>,
    #[serde(borrow)]
    file: Option<&'a RawValue>,
    #[serde(borrow)]
    link: Option<&'a RawValue>,
    #[serde(borrow)]
    weapp: Option<&'a RawValue>,
    #[serde(borrow)]
    chatrecord: Option<&'a RawValue>,
    #[serde(borrow)]
    todo: Option<&'a RawValue>,
    #[serde(borrow)]
    vote: Option<&'a RawValue>,
    #[serde(borrow)]
    collect: Option<&'a RawValue>,
    #[serde(borrow)]
    redpacket: Option<&'a RawValue>,
    #[serde(borrow)]
    meeting: Option<&'a RawValue>,
    #[serde(borrow)]
    doc: Option<&'a RawValue>,
    #[serde(borrow)]
    info: Option<&'a RawValue>,
    #[serde(borrow)]
    calendar: Option<&'a RawValue>,
    #[serde(borrow)]
    mixed: Option<&'a RawValue>,
    #[serde(borrow)]
    meeting_voice_call: Option<&'a RawValue>,
    #[serde(borrow)]
    voip_doc_share: Option<&'a RawValue>,
    #[serde(borrow)]
    sphfeed: Option<&'a RawValue>,
    // top-level vote form
    #[serde(borrow)]
    votetitle: Option<&'a RawValue>,
    #[serde(borrow)]
    voteitem: Option<&'a RawValue>,
    #[serde(borrow)]
    votetype: Option<&'a RawValue>,
    #[serde(borrow)]
    voteid: Option<&'a RawValue>,
}

/// Parses one decrypted archive message. See [`parse_line`] for lines that may also hold a
/// GetChatData response.
pub fn parse_message(json: &str) -> Result<Message, ParseError> {
    match parse_line(json)? {
        ArchiveLine::Message(m) => Ok(m),
        ArchiveLine::ChatData(_) => Err(ParseError::new(
            "chatdata",
            "a GetChatData response, not a decrypted message",
        )),
    }
}

/// Parses one line of archive input: a decrypted message (with the outer `seq` when present)
/// or a GetChatData response.
pub fn parse_line(json: &str) -> Result<ArchiveLine, ParseError> {
    let json = escape_controls_in_strings(json.trim_start_matches('\u{feff}'));
    let env: Envelope<'_> = serde_json::from_str(&json).map_err(|e| ParseError::json("", &e))?;
    if env.chatdata.is_some() || env.errcode.is_some() {
        return parse_chatdata(&env).map(ArchiveLine::ChatData);
    }
    parse_envelope(&env, &json).map(ArchiveLine::Message)
}

fn parse_chatdata(env: &Envelope<'_>) -> Result<Vec<ChatData>, ParseError> {
    let errcode: i64 = opt_field("errcode", env.errcode)?.unwrap_or(0);
    if errcode != 0 {
        let errmsg: String = opt_field("errmsg", env.errmsg)?.unwrap_or_default();
        return Err(ParseError::new(
            "errcode",
            format!("WeCom error {errcode}: {errmsg}"),
        ));
    }
    Ok(opt_field("chatdata", env.chatdata)?.unwrap_or_default())
}

fn parse_envelope(env: &Envelope<'_>, json: &str) -> Result<Message, ParseError> {
    let msgid: MsgId = field("msgid", env.msgid)?;
    let action: String = field("action", env.action)?;
    let action = Action::from_wire(&action);
    let seq: Option<u64> = opt_field("seq", env.seq)?;

    if action == Action::Switch {
        return Ok(Message {
            msgid,
            seq,
            action,
            from: field("user", env.user)?,
            tolist: Vec::new(),
            roomid: None,
            msgtime: field("time", env.time)?,
            content: Content::Switch,
        });
    }

    let from: UserId = opt_field("from", env.from)?.unwrap_or_default();
    let tolist: Vec<UserId> = opt_field("tolist", env.tolist)?.unwrap_or_default();
    let roomid: Option<RoomId> = opt_field("roomid", env.roomid)?;
    let msgtime: i64 = opt_field("msgtime", env.msgtime)?.unwrap_or_default();
    let msgtype: Option<String> = opt_field("msgtype", env.msgtype)?;
    let content = match msgtype {
        Some(t) => parse_content(&t, env, json)?,
        None => unknown(String::new(), json)?,
    };
    if env.from.is_none() && !matches!(content, Content::Unknown(_)) {
        return Err(ParseError::missing("from"));
    }
    if env.msgtime.is_none() && !matches!(content, Content::Unknown(_)) {
        return Err(ParseError::missing("msgtime"));
    }
    Ok(Message {
        msgid,
        seq,
        action,
        from,
        tolist,
        roomid,
        msgtime,
        content,
    })
}

/// `source` is the whole record, kept raw when the msgtype is unknown.
fn parse_content(msgtype: &str, env: &Envelope<'_>, source: &str) -> Result<Content, ParseError> {
    Ok(match msgtype {
        "text" => Content::Text(field("text", env.text)?),
        "image" => Content::Image(field("image", env.image)?),
        "revoke" => Content::Revoke(field("revoke", env.revoke)?),
        "agree" => Content::Agree(field("agree", env.agree)?),
        "disagree" => Content::Disagree(field("disagree", env.disagree)?),
        "voice" => Content::Voice(field("voice", env.voice)?),
        "video" => Content::Video(field("video", env.video)?),
        "card" => Content::Card(field("card", env.card)?),
        "location" => Content::Location(field("location", env.location)?),
        "emotion" => Content::Emotion(field("emotion", env.emotion)?),
        "file" => Content::File(field("file", env.file)?),
        "link" => Content::Link(field("link", env.link)?),
        "weapp" => Content::Weapp(field("weapp", env.weapp)?),
        "chatrecord" => Content::Chatrecord(chatrecord(required("chatrecord", env.chatrecord)?)?),
        "todo" => Content::Todo(field("todo", env.todo)?),
        "vote" => Content::Vote(vote(env)?),
        "collect" => Content::Collect(field("collect", env.collect)?),
        "redpacket" => Content::Redpacket(field("redpacket", env.redpacket)?),
        "external_redpacket" => Content::ExternalRedpacket(field("redpacket", env.redpacket)?),
        "meeting" => Content::Meeting(field("meeting", env.meeting)?),
        "docmsg" => Content::Docmsg(field("doc", env.doc)?),
        "markdown" => Content::Markdown(field("info", env.info)?),
        "news" => Content::News(field("info", env.info)?),
        "calendar" => Content::Calendar(field("calendar", env.calendar)?),
        "mixed" => Content::Mixed(mixed(required("mixed", env.mixed)?)?),
        "meeting_voice_call" => {
            let mut call: dossier_model::MeetingVoiceCall =
                field("meeting_voice_call", env.meeting_voice_call)?;
            call.voiceid = opt_field("voiceid", env.voiceid)?.unwrap_or_default();
            Content::MeetingVoiceCall(call)
        }
        "voip_doc_share" => {
            let mut share: dossier_model::VoipDocShare = field("voip_doc_share", env.voip_doc_share)?;
            share.voipid = opt_field("voipid", env.voipid)?.unwrap_or_default();
            Content::VoipDocShare(share)
        }
        "sphfeed" => Content::Sphfeed(field("sphfeed", env.sphfeed)?),
        "voiptext" => Content::Voiptext(field("info", env.info)?),
        "qydiskfile" => Content::Qydiskfile(field("info", env.info)?),
        other => return unknown(other.to_owned(), source),
    })
}

/// The vote fields live under `vote` (SKIT) or at the top level (the official field table).
fn vote(env: &Envelope<'_>) -> Result<Vote, ParseError> {
    if let Some(nested) = env.vote {
        let mut vote: Vote = parse("vote", nested)?;
        vote.nested = true;
        return Ok(vote);
    }
    if env.votetitle.is_none() && env.voteitem.is_none() {
        return Err(ParseError::missing("vote"));
    }
    Ok(Vote {
        votetitle: opt_field("votetitle", env.votetitle)?.unwrap_or_default(),
        voteitem: opt_field("voteitem", env.voteitem)?.unwrap_or_default(),
        votetype: opt_field("votetype", env.votetype)?.unwrap_or_default(),
        voteid: opt_field("voteid", env.voteid)?.unwrap_or_default(),
        nested: false,
    })
}

#[derive(Deserialize)]
struct WireChatRecord {
    #[serde(default)]
    title: String,
    #[serde(default)]
    item: Vec<WireChatRecordItem>,
}

#[derive(Deserialize)]
struct WireChatRecordItem {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    msgtime: i64,
    #[serde(default)]
    from_chatroom: bool,
    #[serde(default)]
    content: String,
}

fn chatrecord(raw: &RawValue) -> Result<ChatRecord, ParseError> {
    let wire: WireChatRecord = parse("chatrecord", raw)?;
    let mut item = Vec::with_capacity(wire.item.len());
    for (i, it) in wire.item.into_iter().enumerate() {
        let content = nested_content(chatrecord_item_type(&it.kind), &it.kind, &it.content)
            .map_err(|e| e.within(&format!("chatrecord.item[{i}].content")))?;
        item.push(ChatRecordItem {
            kind: it.kind,
            msgtime: it.msgtime,
            from_chatroom: it.from_chatroom,
            content,
        });
    }
    Ok(ChatRecord {
        title: wire.title,
        item,
    })
}

/// `ChatRecordText` → `text`, … ; unknown kinds fall through to their lowercase suffix, which
/// [`nested_content`] keeps raw when it is not a known msgtype either.
fn chatrecord_item_type(kind: &str) -> String {
    kind.strip_prefix("ChatRecord")
        .unwrap_or(kind)
        .to_ascii_lowercase()
}

#[derive(Deserialize)]
struct WireMixed {
    #[serde(default)]
    item: Vec<WireMixedItem>,
}

#[derive(Deserialize)]
struct WireMixedItem {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    content: String,
}

fn mixed(raw: &RawValue) -> Result<Mixed, ParseError> {
    let wire: WireMixed = parse("mixed", raw)?;
    let mut item = Vec::with_capacity(wire.item.len());
    for (i, it) in wire.item.into_iter().enumerate() {
        let content = nested_content(it.kind.clone(), &it.kind, &it.content)
            .map_err(|e| e.within(&format!("mixed.item[{i}].content")))?;
        item.push(MixedItem { content });
    }
    Ok(Mixed { item })
}

/// Items of chat records and mixed messages hold the content object of their msgtype as a JSON
/// string. A known item is parsed by wrapping it as the content key of a synthetic envelope, so
/// nested and top-level content share one parser; an unknown one is kept raw.
fn nested_content(msgtype: String, wire_kind: &str, json: &str) -> Result<Content, ParseError> {
    let json = escape_controls_in_strings(json);
    let raw: &RawValue = serde_json::from_str(&json).map_err(|e| ParseError::json("", &e))?;
    if !Content::KNOWN_TYPES.contains(&msgtype.as_str()) {
        return Ok(Content::Unknown(Unknown {
            name: wire_kind.to_owned(),
            raw: to_value(raw)?,
        }));
    }
    let key = match msgtype.as_str() {
        "docmsg" => "doc",
        "markdown" | "news" | "voiptext" | "qydiskfile" => "info",
        "external_redpacket" => "redpacket",
        other => other,
    };
    let env_json = format!("{{{}:{}}}", serde_json::Value::from(key), raw.get());
    let env: Envelope<'_> = serde_json::from_str(&env_json).map_err(|e| ParseError::json("", &e))?;
    // The synthetic key is not the item's field name: report errors against the item itself.
    parse_content(&msgtype, &env, &env_json).map_err(|e| ParseError::new("", e.to_string()))
}

fn unknown(name: String, json: &str) -> Result<Content, ParseError> {
    let raw = serde_json::from_str(json).map_err(|e| ParseError::json("", &e))?;
    Ok(Content::Unknown(Unknown { name, raw }))
}

fn to_value(raw: &RawValue) -> Result<serde_json::Value, ParseError> {
    serde_json::from_str(raw.get()).map_err(|e| ParseError::json("", &e))
}

fn required<'a>(name: &str, raw: Option<&'a RawValue>) -> Result<&'a RawValue, ParseError> {
    raw.ok_or_else(|| ParseError::missing(name))
}

fn parse<T: DeserializeOwned>(name: &str, raw: &RawValue) -> Result<T, ParseError> {
    serde_json::from_str(raw.get()).map_err(|e| ParseError::json(name, &e))
}

fn field<T: DeserializeOwned>(name: &str, raw: Option<&RawValue>) -> Result<T, ParseError> {
    parse(name, required(name, raw)?)
}

fn opt_field<T: DeserializeOwned>(name: &str, raw: Option<&RawValue>) -> Result<Option<T>, ParseError> {
    match raw {
        None => Ok(None),
        Some(r) if r.get() == "null" => Ok(None),
        Some(r) => parse(name, r).map(Some),
    }
}
