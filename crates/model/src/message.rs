//! Archive messages: one [`Content`] variant per WeCom msgtype, plus the `switch` record and
//! [`Content::Unknown`], which keeps the raw JSON of types this build does not know.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{MsgId, RoomId, UserId};

/// One archived record: a message envelope and its typed content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Unique id of the record.
    pub msgid: MsgId,
    /// The archive's sequence number (outer `seq` of GetChatData), when the source carried it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// `send`, `recall` or `switch`.
    pub action: Action,
    /// Sender. For a `switch` record, the user who switched enterprise.
    pub from: UserId,
    /// Receivers: exactly one in a single chat, every other member in a group chat.
    pub tolist: Vec<UserId>,
    /// Group id; `None` when the source omitted the field, `Some("")` for a single chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roomid: Option<RoomId>,
    /// Time in milliseconds since the Unix epoch (UTC).
    pub msgtime: i64,
    /// The typed content.
    pub content: Content,
}

impl Message {
    /// The WeCom msgtype name of the content (`switch` for switch records).
    pub fn msgtype(&self) -> &str {
        self.content.msgtype()
    }

    /// The group id, when this is a group chat message.
    pub fn group(&self) -> Option<&RoomId> {
        self.roomid.as_ref().filter(|r| !r.0.is_empty())
    }

    /// The conversation this message belongs to.
    pub fn conversation(&self) -> ConversationKey {
        match self.group() {
            Some(room) => ConversationKey::Group(room.clone()),
            None => {
                let other = self.tolist.first().cloned().unwrap_or_default();
                ConversationKey::single(self.from.clone(), other)
            }
        }
    }
}

/// The envelope's `action`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A message sent.
    Send,
    /// A message recalled (the record itself is a `revoke`).
    Recall,
    /// An enterprise-switch log record.
    Switch,
    /// An action this build does not know, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

impl Action {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Action::Send => "send",
            Action::Recall => "recall",
            Action::Switch => "switch",
            Action::Other(s) => s,
        }
    }

    /// Parses the wire name.
    pub fn from_wire(s: &str) -> Self {
        match s {
            "send" => Action::Send,
            "recall" => Action::Recall,
            "switch" => Action::Switch,
            other => Action::Other(other.to_owned()),
        }
    }
}

/// Identifies a conversation: a pair of participants or a group.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKey {
    /// A single chat; the two ids are kept in sorted order so both directions meet.
    Single(UserId, UserId),
    /// A group chat.
    Group(RoomId),
}

impl ConversationKey {
    /// The single chat between `a` and `b`, whichever way round they are given.
    pub fn single(a: UserId, b: UserId) -> Self {
        if a <= b {
            Self::Single(a, b)
        } else {
            Self::Single(b, a)
        }
    }
}

/// Typed message content, one variant per WeCom msgtype.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "msgtype", rename_all = "snake_case")]
pub enum Content {
    /// `text`.
    Text(Text),
    /// `image`.
    Image(Image),
    /// `revoke`: recall of an earlier message.
    Revoke(Revoke),
    /// `agree`: a customer agreed to archiving.
    Agree(Agree),
    /// `disagree`: a customer refused archiving.
    Disagree(Disagree),
    /// `voice`.
    Voice(Voice),
    /// `video`.
    Video(Video),
    /// `card`: a business card.
    Card(Card),
    /// `location`.
    Location(Location),
    /// `emotion`: a sticker.
    Emotion(Emotion),
    /// `file`.
    File(File),
    /// `link`.
    Link(Link),
    /// `weapp`: a mini-program.
    Weapp(Weapp),
    /// `chatrecord`: forwarded chat history, items nested.
    Chatrecord(ChatRecord),
    /// `todo`.
    Todo(Todo),
    /// `vote`.
    Vote(Vote),
    /// `collect`: a form to fill in.
    Collect(Collect),
    /// `redpacket`.
    Redpacket(RedPacket),
    /// `external_redpacket`: a red packet across corps.
    ExternalRedpacket(RedPacket),
    /// `meeting`: a meeting invitation.
    Meeting(Meeting),
    /// `docmsg`: an online document.
    Docmsg(Doc),
    /// `markdown` (robot messages).
    Markdown(Markdown),
    /// `news`: article cards.
    News(News),
    /// `calendar`.
    Calendar(Calendar),
    /// `mixed`: text and images in one message, items nested.
    Mixed(Mixed),
    /// `meeting_voice_call`: an archived audio meeting.
    MeetingVoiceCall(MeetingVoiceCall),
    /// `voip_doc_share`: a document shared in a call.
    VoipDocShare(VoipDocShare),
    /// `sphfeed`: a Channels (视频号) post.
    Sphfeed(SphFeed),
    /// `voiptext`: an audio/video call record.
    Voiptext(VoipText),
    /// `qydiskfile`: a WeDrive file.
    Qydiskfile(QyDiskFile),
    /// The `switch` record (enterprise-switch log); it has no msgtype on the wire.
    Switch,
    /// A msgtype this build does not know: the whole record kept as received, never dropped.
    Unknown(Unknown),
}

impl Content {
    /// The WeCom msgtype name.
    pub fn msgtype(&self) -> &str {
        match self {
            Content::Text(_) => "text",
            Content::Image(_) => "image",
            Content::Revoke(_) => "revoke",
            Content::Agree(_) => "agree",
            Content::Disagree(_) => "disagree",
            Content::Voice(_) => "voice",
            Content::Video(_) => "video",
            Content::Card(_) => "card",
            Content::Location(_) => "location",
            Content::Emotion(_) => "emotion",
            Content::File(_) => "file",
            Content::Link(_) => "link",
            Content::Weapp(_) => "weapp",
            Content::Chatrecord(_) => "chatrecord",
            Content::Todo(_) => "todo",
            Content::Vote(_) => "vote",
            Content::Collect(_) => "collect",
            Content::Redpacket(_) => "redpacket",
            Content::ExternalRedpacket(_) => "external_redpacket",
            Content::Meeting(_) => "meeting",
            Content::Docmsg(_) => "docmsg",
            Content::Markdown(_) => "markdown",
            Content::News(_) => "news",
            Content::Calendar(_) => "calendar",
            Content::Mixed(_) => "mixed",
            Content::MeetingVoiceCall(_) => "meeting_voice_call",
            Content::VoipDocShare(_) => "voip_doc_share",
            Content::Sphfeed(_) => "sphfeed",
            Content::Voiptext(_) => "voiptext",
            Content::Qydiskfile(_) => "qydiskfile",
            Content::Switch => "switch",
            Content::Unknown(u) => &u.name,
        }
    }

    /// Every msgtype name this build knows, in declaration order (`switch` included).
    pub const KNOWN_TYPES: [&'static str; 31] = [
        "text",
        "image",
        "revoke",
        "agree",
        "disagree",
        "voice",
        "video",
        "card",
        "location",
        "emotion",
        "file",
        "link",
        "weapp",
        "chatrecord",
        "todo",
        "vote",
        "collect",
        "redpacket",
        "external_redpacket",
        "meeting",
        "docmsg",
        "markdown",
        "news",
        "calendar",
        "mixed",
        "meeting_voice_call",
        "voip_doc_share",
        "sphfeed",
        "voiptext",
        "qydiskfile",
        "switch",
    ];

    /// The media file this content refers to, if any (nested items not included).
    pub fn media(&self) -> Option<MediaRef<'_>> {
        let (sdkfileid, md5sum, size) = match self {
            Content::Image(m) => (&m.sdkfileid, &m.md5sum, m.filesize),
            Content::Voice(m) => (&m.sdkfileid, &m.md5sum, m.voice_size),
            Content::Video(m) => (&m.sdkfileid, &m.md5sum, m.filesize),
            Content::Emotion(m) => (&m.sdkfileid, &m.md5sum, m.imagesize),
            Content::File(m) => (&m.sdkfileid, &m.md5sum, m.filesize),
            Content::VoipDocShare(m) => (&m.sdkfileid, &m.md5sum, m.filesize),
            Content::MeetingVoiceCall(m) => (&m.sdkfileid, &None, None),
            _ => return None,
        };
        Some(MediaRef {
            sdkfileid,
            md5sum: md5sum.as_deref(),
            size,
        })
    }

    /// The human-written text of this content that reviewers read and rules scan: the message
    /// text, titles, descriptions, file names. Nested items are separated by newlines.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        let mut push = |s: &str| {
            if !s.is_empty() {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(s);
            }
        };
        match self {
            Content::Text(t) => push(&t.content),
            Content::Markdown(t) => push(&t.content),
            Content::Todo(t) => {
                push(&t.title);
                push(&t.content);
            }
            Content::File(f) => push(&f.filename),
            Content::Link(l) => {
                push(&l.title);
                push(&l.description);
            }
            Content::Weapp(w) => {
                push(&w.title);
                push(&w.description);
            }
            Content::Location(l) => {
                push(&l.title);
                push(&l.address);
            }
            Content::Card(c) => push(&c.corpname),
            Content::Vote(v) => {
                push(&v.votetitle);
                v.voteitem.iter().for_each(|i| push(i));
            }
            Content::Collect(c) => {
                push(&c.title);
                c.details.iter().for_each(|d| push(&d.ques));
            }
            Content::Redpacket(r) | Content::ExternalRedpacket(r) => push(&r.wish),
            Content::Meeting(m) => {
                push(&m.topic);
                push(&m.address);
                push(&m.remarks);
            }
            Content::Docmsg(d) => push(&d.title),
            Content::News(n) => n.item.iter().for_each(|i| {
                push(&i.title);
                push(&i.description);
            }),
            Content::Calendar(c) => {
                push(&c.title);
                push(&c.place);
                push(&c.remarks);
            }
            Content::VoipDocShare(v) => push(&v.filename),
            Content::Sphfeed(s) => {
                push(&s.sph_name);
                push(&s.feed_desc);
            }
            Content::Qydiskfile(q) => push(&q.filename),
            Content::Chatrecord(c) => {
                push(&c.title);
                for item in &c.item {
                    item.content.collect_text(out);
                }
            }
            Content::Mixed(m) => {
                for item in &m.item {
                    item.content.collect_text(out);
                }
            }
            Content::Image(_)
            | Content::Revoke(_)
            | Content::Agree(_)
            | Content::Disagree(_)
            | Content::Voice(_)
            | Content::Video(_)
            | Content::Emotion(_)
            | Content::MeetingVoiceCall(_)
            | Content::Voiptext(_)
            | Content::Switch
            | Content::Unknown(_) => {}
        }
    }
}

/// A reference to a media file of the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaRef<'a> {
    /// The SDK's file id (opaque; the media store names files by its SHA-256).
    pub sdkfileid: &'a str,
    /// The md5 the archive gives, when it gives one (it may be empty or absent).
    pub md5sum: Option<&'a str>,
    /// The size the archive states, in bytes.
    pub size: Option<u64>,
}

/// `text`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Text {
    /// The text, control characters preserved.
    pub content: String,
}

/// `image`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Image {
    /// md5 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5sum: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub filesize: Option<u64>,
    /// The SDK file id.
    pub sdkfileid: String,
}

/// `revoke`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Revoke {
    /// The msgid of the recalled message.
    pub pre_msgid: MsgId,
}

/// `agree`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Agree {
    /// The external user who agreed.
    pub userid: UserId,
    /// When, in milliseconds.
    pub agree_time: i64,
}

/// `disagree`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Disagree {
    /// The external user who refused.
    pub userid: UserId,
    /// When, in milliseconds.
    pub disagree_time: i64,
}

/// `voice`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Voice {
    /// md5 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5sum: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub voice_size: Option<u64>,
    /// Duration in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub play_length: Option<u64>,
    /// The SDK file id (AMR audio).
    pub sdkfileid: String,
}

/// `video`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Video {
    /// md5 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5sum: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub filesize: Option<u64>,
    /// Duration in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub play_length: Option<u64>,
    /// The SDK file id (MP4).
    pub sdkfileid: String,
}

/// `card`: a business card.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Card {
    /// The card owner's corp (`微信联系人` for a personal WeChat account).
    pub corpname: String,
    /// The card owner's id.
    pub userid: UserId,
}

/// `location`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Location {
    /// Longitude.
    pub longitude: f64,
    /// Latitude.
    pub latitude: f64,
    /// Street address.
    #[serde(default)]
    pub address: String,
    /// Place name.
    #[serde(default)]
    pub title: String,
    /// Map zoom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom: Option<u32>,
}

/// `emotion`: a sticker.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Emotion {
    /// 1 gif, 2 png.
    #[serde(rename = "type")]
    pub kind: u32,
    /// Width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub imagesize: Option<u64>,
    /// md5 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5sum: Option<String>,
    /// The SDK file id.
    pub sdkfileid: String,
    /// Sticker title, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `file`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct File {
    /// md5 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5sum: Option<String>,
    /// File name as sent.
    pub filename: String,
    /// Extension without the dot.
    #[serde(default)]
    pub fileext: String,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub filesize: Option<u64>,
    /// The SDK file id.
    pub sdkfileid: String,
}

/// `link`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Link {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Target URL.
    #[serde(default)]
    pub link_url: String,
    /// Preview image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

/// `weapp`: a mini-program.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Weapp {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// The mini-program's account (`xxx@app`).
    #[serde(default)]
    pub username: String,
    /// Display name.
    #[serde(default)]
    pub displayname: String,
}

/// `chatrecord`: forwarded history.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChatRecord {
    /// Title (`群聊`, or the two names).
    #[serde(default)]
    pub title: String,
    /// The forwarded messages.
    #[serde(default)]
    pub item: Vec<ChatRecordItem>,
}

/// One forwarded message inside a chat record. Items carry no sender id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChatRecordItem {
    /// The item type as sent (`ChatRecordText`, `ChatRecordImage`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Time of the original message (seconds in practice).
    pub msgtime: i64,
    /// Whether the item came from a group.
    #[serde(default)]
    pub from_chatroom: bool,
    /// The item's content, decoded from its JSON string.
    pub content: Content,
}

/// `todo`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Todo {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Body.
    #[serde(default)]
    pub content: String,
}

/// `vote`. WeCom sends it either nested under `vote` or with the fields at the top level.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Vote {
    /// Title.
    #[serde(default)]
    pub votetitle: String,
    /// Options.
    #[serde(default)]
    pub voteitem: Vec<String>,
    /// 101 started, 102 took part.
    #[serde(default)]
    pub votetype: u32,
    /// Vote id.
    #[serde(default)]
    pub voteid: String,
    /// Whether the source nested the fields under a `vote` key (kept so evidence round-trips).
    #[serde(default)]
    pub nested: bool,
}

/// `collect`: a form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Collect {
    /// The group's name.
    #[serde(default)]
    pub room_name: String,
    /// Creator's userid.
    #[serde(default)]
    pub creator: String,
    /// Creation time as sent (`yyyy-MM-dd HH:mm:ss`).
    #[serde(default)]
    pub create_time: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// The form's questions.
    #[serde(default)]
    pub details: Vec<CollectDetail>,
}

/// One question of a form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CollectDetail {
    /// Question id (may exceed i64).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: u64,
    /// The question.
    #[serde(default)]
    pub ques: String,
    /// `Text`, `Number`, `Date` or `Time`.
    #[serde(rename = "type", default)]
    pub kind: String,
}

/// `redpacket` and `external_redpacket`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RedPacket {
    /// 1 normal, 2 lucky draw, 3 incentive.
    #[serde(rename = "type")]
    pub kind: u32,
    /// Greeting.
    #[serde(default)]
    pub wish: String,
    /// Number of packets.
    #[serde(default)]
    pub totalcnt: u32,
    /// Total amount in fen (分).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub totalamount: u64,
}

/// `meeting`: an invitation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Meeting {
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// Start, seconds.
    #[serde(default)]
    pub starttime: i64,
    /// End, seconds.
    #[serde(default)]
    pub endtime: i64,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Remarks.
    #[serde(default)]
    pub remarks: String,
    /// 101 started, 102 handled.
    #[serde(default)]
    pub meetingtype: u32,
    /// Meeting id (may exceed i64).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub meetingid: u64,
    /// 1 attend … 7 not in room.
    #[serde(default)]
    pub status: u32,
}

/// `docmsg` (wire key `doc`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Doc {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Creator's userid.
    #[serde(default)]
    pub doc_creator: String,
    /// URL.
    #[serde(default)]
    pub link_url: String,
}

/// `markdown` (wire key `info`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Markdown {
    /// Markdown source, shown as text.
    #[serde(default)]
    pub content: String,
}

/// `news` (wire key `info`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct News {
    /// Articles.
    #[serde(default)]
    pub item: Vec<NewsItem>,
}

/// One article of a `news` message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewsItem {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// URL.
    #[serde(default)]
    pub url: String,
    /// Picture URL.
    #[serde(default)]
    pub picurl: String,
}

/// `calendar`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Calendar {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Creator's name.
    #[serde(default)]
    pub creatorname: String,
    /// Attendees' names.
    #[serde(default)]
    pub attendeename: Vec<String>,
    /// Start, seconds.
    #[serde(default)]
    pub starttime: i64,
    /// End, seconds.
    #[serde(default)]
    pub endtime: i64,
    /// Place.
    #[serde(default)]
    pub place: String,
    /// Remarks.
    #[serde(default)]
    pub remarks: String,
}

/// `mixed`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mixed {
    /// The parts, in order.
    #[serde(default)]
    pub item: Vec<MixedItem>,
}

/// One part of a `mixed` message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MixedItem {
    /// The part's content, decoded from its JSON string (its msgtype is the item `type`).
    pub content: Content,
}

/// `meeting_voice_call`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MeetingVoiceCall {
    /// The call id (top-level `voiceid` on the wire).
    #[serde(default)]
    pub voiceid: String,
    /// End, seconds.
    #[serde(default)]
    pub endtime: i64,
    /// The SDK file id of the recording.
    pub sdkfileid: String,
    /// Documents presented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demofiledata: Option<Vec<DemoFile>>,
    /// Screen shares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharescreendata: Option<Vec<ShareScreen>>,
}

/// A document presented in a call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DemoFile {
    /// File name.
    #[serde(default)]
    pub filename: String,
    /// Who presented it.
    #[serde(default)]
    pub demooperator: String,
    /// Start, seconds.
    #[serde(default)]
    pub starttime: i64,
    /// End, seconds.
    #[serde(default)]
    pub endtime: i64,
}

/// A screen share in a call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShareScreen {
    /// Who shared.
    #[serde(default)]
    pub share: String,
    /// Start, seconds.
    #[serde(default)]
    pub starttime: i64,
    /// End, seconds.
    #[serde(default)]
    pub endtime: i64,
}

/// `voip_doc_share`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VoipDocShare {
    /// The call id (top-level `voipid` on the wire).
    #[serde(default)]
    pub voipid: String,
    /// File name.
    #[serde(default)]
    pub filename: String,
    /// md5 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5sum: Option<String>,
    /// Size in bytes (may exceed i64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub filesize: Option<u64>,
    /// The SDK file id.
    pub sdkfileid: String,
}

/// `sphfeed`: a Channels post.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SphFeed {
    /// Feed type (2 picture, 4 video, 9 live).
    #[serde(default)]
    pub feed_type: u32,
    /// Channel name.
    #[serde(default)]
    pub sph_name: String,
    /// Description.
    #[serde(default)]
    pub feed_desc: String,
}

/// `voiptext`: a call record (wire key `info`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VoipText {
    /// Duration in seconds.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub callduration: u64,
    /// 1 single audio, 2 single video, 3 multi audio, 4 multi video.
    #[serde(default)]
    pub invitetype: u32,
}

/// `qydiskfile`: a WeDrive file (wire key `info`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QyDiskFile {
    /// File name.
    #[serde(default)]
    pub filename: String,
}

/// A record of a type this build does not know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unknown {
    /// The msgtype as sent (empty when the record had none).
    pub name: String,
    /// The whole record as received.
    pub raw: Value,
}
