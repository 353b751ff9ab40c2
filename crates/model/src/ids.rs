//! Identifiers. Newtypes so a customer id is never passed where an employee id belongs.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($($(#[$doc:meta])+ $name:ident),* $(,)?) => {$(
        $(#[$doc])+
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        // A newtype struct is its string in JSON already (serde_json serialises newtype structs
        // as their inner value); no `#[serde(transparent)]`, which ts-rs cannot read.
        pub struct $name(pub String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    )*};
}

string_id! {
    /// A message id (`msgid`), unique across the archive; may end in `_external` or `_updown_stream`.
    MsgId,
    /// A WeCom participant id as it appears in `from` / `tolist`: an employee's userid, or an
    /// external user id (`wm…` WeChat, `wo…` another corp's WeCom, `wb…` a robot).
    UserId,
    /// A group chat id (`roomid` / `chat_id`, usually `wr…`).
    RoomId,
}

/// Who a participant id refers to, judged from its shape (WeCom's id conventions, FORMAT-NOTES §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// An employee of the archiving corp (a free-form userid).
    Employee,
    /// A WeChat user (`wm…`).
    WeChat,
    /// A WeCom user of another corp (`wo…`).
    OtherCorp,
    /// A robot (`wb…`).
    Robot,
}

impl UserId {
    /// Classifies the id by WeCom's prefix conventions. Internal userids are free-form, so anything
    /// without an external prefix is an employee; lookups in the org refine this where it matters.
    pub fn party_kind(&self) -> PartyKind {
        let s = self.0.as_bytes();
        let prefix = |p: &[u8]| s.len() > 2 && s[..2].eq_ignore_ascii_case(p);
        if prefix(b"wm") {
            PartyKind::WeChat
        } else if prefix(b"wo") {
            PartyKind::OtherCorp
        } else if prefix(b"wb") {
            PartyKind::Robot
        } else {
            PartyKind::Employee
        }
    }

    /// True for customers and other outsiders (WeChat users, other corps, robots).
    pub fn is_external(&self) -> bool {
        self.party_kind() != PartyKind::Employee
    }
}
