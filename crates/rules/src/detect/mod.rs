//! Behaviour detectors: private contact details handed out (phone numbers, WeChat ids, bank
//! cards, id numbers, QR codes, personal business cards), red packets and transfers, revokes of
//! messages that had a hit, and deletion events.

mod numbers;
mod qr;
mod wechat;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use dossier_model::{Content, Event, EventKind, Hit, HitKind, Message, MsgId, SenderSide, Severity, UserId};
use serde::{Deserialize, Serialize};

pub use numbers::{NumberFinding, find_numbers, is_bank_card, is_id_card, is_landline, is_mobile};
pub use qr::{QrFinding, find_qr_codes};
pub use wechat::{WechatFinding, find_wechat};

use crate::lexicon::{Engine, Lexicon, LexiconBuilder};
use crate::normalize::Normalized;
use crate::org::Org;
use crate::ruleset::MessageContext;

/// The `kind` string of a hit kind, as in rules files, the CLI and `Hit.rule` for detectors.
pub fn kind_name(kind: HitKind) -> &'static str {
    match kind {
        HitKind::Word => "word",
        HitKind::Phone => "phone",
        HitKind::Wechat => "wechat",
        HitKind::Bankcard => "bankcard",
        HitKind::Idcard => "idcard",
        HitKind::Qrcode => "qrcode",
        HitKind::Card => "card",
        HitKind::Redpacket => "redpacket",
        HitKind::Transfer => "transfer",
        HitKind::Revoke => "revoke",
        HitKind::Timeout => "timeout",
        HitKind::DelExternalContact => "del_external_contact",
        HitKind::DelFollowUser => "del_follow_user",
    }
}

/// Detector settings (the `detectors` object of a rules file; every field optional).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetectorConfig {
    /// Detectors switched off.
    pub disabled: Vec<HitKind>,
    /// Whose messages the text detectors (phone, wechat, bankcard, idcard, transfer) watch.
    pub sender: SenderSide,
    /// Only in chats where an outsider takes part (text detectors and red packets).
    pub external_only: bool,
    /// Severity per kind, over the defaults (contact details high, money medium, the rest low).
    pub severity: BTreeMap<HitKind, Severity>,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        Self {
            disabled: Vec::new(),
            sender: SenderSide::Both,
            external_only: false,
            severity: BTreeMap::new(),
        }
    }
}

impl DetectorConfig {
    /// Whether detector `kind` runs.
    pub fn enabled(&self, kind: HitKind) -> bool {
        !self.disabled.contains(&kind)
    }

    /// The severity of hits of `kind`.
    pub fn severity_of(&self, kind: HitKind) -> Severity {
        if let Some(&s) = self.severity.get(&kind) {
            return s;
        }
        match kind {
            HitKind::Phone
            | HitKind::Wechat
            | HitKind::Bankcard
            | HitKind::Idcard
            | HitKind::Qrcode
            | HitKind::Card => Severity::High,
            HitKind::Redpacket | HitKind::Transfer | HitKind::Revoke | HitKind::DelExternalContact => {
                Severity::Medium
            }
            HitKind::Word | HitKind::Timeout | HitKind::DelFollowUser => Severity::Low,
        }
    }

    fn hit(&self, msgid: &MsgId, kind: HitKind, word: Option<String>, start: usize, end: usize) -> Hit {
        Hit {
            msgid: msgid.clone(),
            rule: kind_name(kind).to_owned(),
            kind,
            word,
            start,
            end,
            severity: self.severity_of(kind),
        }
    }

    /// Detector hits in the text of `msg` (`text` is its [`Content::text`], `norm` the normalised
    /// form): phone, bank card and id numbers, WeChat ids, transfer requests.
    pub fn text_hits(&self, msg: &Message, text: &str, norm: &Normalized, org: &dyn Org) -> Vec<Hit> {
        let mut out = Vec::new();
        let ctx = MessageContext::of(msg);
        if text.is_empty()
            || !ctx.sender_is(self.sender, org)
            || (self.external_only && !ctx.is_external(org))
        {
            return out;
        }
        for n in find_numbers(text) {
            if self.enabled(n.kind) {
                out.push(self.hit(&msg.msgid, n.kind, Some(n.value), n.start, n.end));
            }
        }
        if self.enabled(HitKind::Wechat) {
            for w in find_wechat(text, norm) {
                out.push(self.hit(&msg.msgid, HitKind::Wechat, Some(w.id), w.start, w.end));
            }
        }
        if self.enabled(HitKind::Transfer) {
            let lex = transfer_cues();
            // Overlapping cues (转到我个人 / 我个人卡) make one hit.
            let mut last_end = 0;
            lex.find(norm, |m| {
                if m.start < last_end {
                    return;
                }
                last_end = m.end;
                out.push(self.hit(
                    &msg.msgid,
                    HitKind::Transfer,
                    Some(lex.words()[m.word].clone()),
                    m.start,
                    m.end,
                ));
            });
        }
        out
    }

    /// Detector hits on the content of `msg` itself: personal business cards sent by an employee
    /// to an outsider, red packets, transfer records. Whole-message hits have an empty span at 0.
    pub fn content_hits(&self, msg: &Message, org: &dyn Org) -> Vec<Hit> {
        let mut out = Vec::new();
        let ctx = MessageContext::of(msg);
        match &msg.content {
            Content::Card(card) if self.enabled(HitKind::Card) => {
                let personal = card.corpname.trim() == PERSONAL_CORPNAME
                    || card.userid.party_kind() == dossier_model::PartyKind::WeChat;
                if personal && org.is_employee(&msg.from) && ctx.is_external(org) {
                    out.push(self.hit(&msg.msgid, HitKind::Card, Some(card.userid.0.clone()), 0, 0));
                }
            }
            Content::Redpacket(r) | Content::ExternalRedpacket(r)
                if self.enabled(HitKind::Redpacket) && (!self.external_only || ctx.is_external(org)) =>
            {
                let yuan = format!("{}.{:02}", r.totalamount / 100, r.totalamount % 100);
                out.push(self.hit(&msg.msgid, HitKind::Redpacket, Some(yuan), 0, 0));
            }
            Content::Unknown(u) if self.enabled(HitKind::Transfer) && is_transfer_type(&u.name) => {
                out.push(self.hit(&msg.msgid, HitKind::Transfer, Some(u.name.clone()), 0, 0));
            }
            Content::Mixed(m) => {
                for item in &m.item {
                    let inner = Message {
                        content: item.content.clone(),
                        ..msg.clone()
                    };
                    out.extend(self.content_hits(&inner, org));
                }
            }
            _ => {}
        }
        out
    }

    /// QR codes in the image bytes of `msg` (an image, emotion or file the caller fetched).
    pub fn image_hits(&self, msg: &Message, bytes: &[u8]) -> Result<Vec<Hit>, crate::Error> {
        if !self.enabled(HitKind::Qrcode) {
            return Ok(Vec::new());
        }
        Ok(find_qr_codes(bytes)?
            .into_iter()
            .map(|q| self.hit(&msg.msgid, HitKind::Qrcode, q.content, 0, 0))
            .collect())
    }

    /// The hit of a revoke record whose recalled message had a hit (`had_hit` says which did).
    pub fn revoke_hit(&self, msg: &Message, had_hit: impl Fn(&MsgId) -> bool) -> Option<Hit> {
        match &msg.content {
            Content::Revoke(r) if self.enabled(HitKind::Revoke) && had_hit(&r.pre_msgid) => {
                Some(self.hit(&msg.msgid, HitKind::Revoke, Some(r.pre_msgid.0.clone()), 0, 0))
            }
            _ => None,
        }
    }

    /// The alert for a deletion event, if `event` is one and its detector is on.
    pub fn event_alert(&self, event: &Event) -> Option<EventAlert> {
        let (kind, userid, external_userid) = match &event.kind {
            EventKind::EmployeeDeletedCustomer {
                userid,
                external_userid,
                source,
            } => {
                // A deletion done by a hand-over to a colleague is not the employee's doing.
                if source.as_deref().is_some_and(|s| s.contains("TRANSFER")) {
                    return None;
                }
                (HitKind::DelExternalContact, userid, external_userid)
            }
            EventKind::CustomerDeletedEmployee {
                userid,
                external_userid,
            } => (HitKind::DelFollowUser, userid, external_userid),
            _ => return None,
        };
        self.enabled(kind).then(|| EventAlert {
            kind,
            time: event.time,
            userid: userid.clone(),
            external_userid: external_userid.clone(),
            severity: self.severity_of(kind),
        })
    }
}

/// A deletion between an employee and a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventAlert {
    /// `DelExternalContact` (the employee deleted the customer) or `DelFollowUser` (the
    /// customer deleted the employee).
    pub kind: HitKind,
    /// When, seconds.
    pub time: i64,
    /// The employee.
    pub userid: UserId,
    /// The customer.
    pub external_userid: UserId,
    /// Severity.
    pub severity: Severity,
}

/// The corp name WeCom gives business cards of personal WeChat accounts.
pub const PERSONAL_CORPNAME: &str = "微信联系人";

fn is_transfer_type(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("transfer") || n.contains("wxpay") || n == "zhuanzhang"
}

/// Phrases asking for or announcing money moved outside the company's channels.
const TRANSFER_CUES: &[&str] = &[
    "转账给我",
    "转帐给我",
    "转到我个人",
    "转我个人",
    "打到我个人",
    "打款到我",
    "转到我的卡",
    "打到我的卡",
    "转到我卡",
    "直接转给我",
    "微信转账",
    "支付宝转账",
    "私人账户",
    "个人账户",
    "个人卡上",
    "我个人卡",
    "收款码",
];

fn transfer_cues() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let mut b = LexiconBuilder::new();
        for c in TRANSFER_CUES {
            b.add(c);
        }
        b.build(Engine::Auto).expect("the built-in transfer cues compile")
    })
}
