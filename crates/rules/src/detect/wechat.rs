//! WeChat ids offered as contact: a cue (加我微信, 微信号, vx, wx, 薇信, …, evasions included)
//! followed closely by an id (5–20 letters, digits, `_` or `-` starting with a letter, or a
//! 5–12 digit number), and `wxid_…` ids wherever they appear.

use std::sync::OnceLock;

use crate::lexicon::{Engine, Lexicon, LexiconBuilder};
use crate::normalize::{Fold, Normalized, fold};

/// A WeChat id found in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WechatFinding {
    /// The id as written, folded to ASCII lower case.
    pub id: String,
    /// Start in characters of the original text: the cue's start (`加我微信 abc123` whole), or
    /// the id's for a bare `wxid_…`.
    pub start: usize,
    /// End in characters of the original text, exclusive.
    pub end: usize,
}

/// Words that announce a WeChat id, and their common evasions (homophones, letters).
const CUES: &[&str] = &[
    "微信",
    "薇信",
    "威信",
    "维信",
    "徽信",
    "微芯",
    "微新",
    "vx",
    "wx",
    "v信",
    "微x",
    "加v",
    "加微",
    "wechat",
    "weixin",
    "加我微信",
    "加我vx",
    "加我wx",
    "加我v",
    "加微信",
    "我的微信",
    "私人微信",
    "个人微信",
    "我微信",
];

/// Characters allowed between a cue and the id (加我微信：是 abc…, 微信号为 …).
const CONNECTORS: &[char] = &[
    '号', '是', '为', '我', '的', '加', '搜', '索', '一', '下', '哦', '呀', '吧', '啊', '码', '名', '字',
];

/// Most characters skipped between a cue and the id.
const MAX_SKIP: usize = 8;

fn cues() -> &'static Lexicon {
    static CUE_LEXICON: OnceLock<Lexicon> = OnceLock::new();
    CUE_LEXICON.get_or_init(|| {
        let mut b = LexiconBuilder::new();
        for c in CUES {
            b.add(c);
        }
        b.build(Engine::Auto).expect("the built-in WeChat cues compile")
    })
}

fn id_char(c: char) -> Option<char> {
    let f = match fold(c) {
        Fold::Char(f) => f,
        Fold::Noise if c == '_' || c == '-' => c,
        Fold::Noise => match c {
            '＿' => '_',
            '－' => '-',
            _ => return None,
        },
        Fold::Str(_) => return None,
    };
    (f.is_ascii_alphanumeric() || f == '_' || f == '-').then_some(f)
}

/// Every WeChat id offered in `text` (`norm` is its normalised form).
pub fn find_wechat(text: &str, norm: &Normalized) -> Vec<WechatFinding> {
    let mut cue_spans = Vec::new();
    cues().find(norm, |m| cue_spans.push((m.start, m.end)));
    // Longest cue first for each end, so 加我微信 wins over 微信.
    cue_spans.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
    let has_wxid = text.contains("wxid_") || text.contains("WXID_");
    if cue_spans.is_empty() && !has_wxid {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<WechatFinding> = Vec::new();
    let push = |f: WechatFinding, out: &mut Vec<WechatFinding>| {
        if !out.iter().any(|o| o.start < f.end && f.start < o.end) {
            out.push(f);
        }
    };
    for (cue_start, end) in cue_spans {
        let mut i = end;
        let mut skipped = 0;
        while i < chars.len() && skipped < MAX_SKIP && id_char(chars[i]).is_none() {
            let c = chars[i];
            if fold(c) != Fold::Noise && !CONNECTORS.contains(&c) {
                break;
            }
            i += 1;
            skipped += 1;
        }
        if let Some(mut f) = read_id(&chars, i) {
            f.start = cue_start;
            push(f, &mut out);
        }
    }
    if has_wxid {
        let lower: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
        for i in 0..lower.len().saturating_sub(5) {
            if lower[i..i + 5] == ['w', 'x', 'i', 'd', '_']
                && (i == 0 || id_char(chars[i - 1]).is_none())
                && let Some(f) = read_id(&chars, i)
            {
                push(f, &mut out);
            }
        }
    }
    out.sort_by_key(|f| f.start);
    out
}

/// Reads an id starting at `i`: letters first → 6–20 id characters; digits → 5–12 digits.
fn read_id(chars: &[char], i: usize) -> Option<WechatFinding> {
    let mut id = String::new();
    let mut j = i;
    while j < chars.len() {
        match id_char(chars[j]) {
            Some(c) => id.push(c.to_ascii_lowercase()),
            None => break,
        }
        j += 1;
    }
    let id = id.trim_end_matches(['-', '_']).to_owned();
    let len = id.chars().count();
    let first = id.chars().next()?;
    let ok = if first.is_ascii_alphabetic() {
        (5..=20).contains(&len) && !id.starts_with("http")
    } else {
        (5..=12).contains(&len) && id.chars().all(|c| c.is_ascii_digit())
    };
    ok.then(|| WechatFinding {
        start: i,
        end: i + len,
        id,
    })
}
