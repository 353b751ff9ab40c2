//! Planted risk: the demo lexicon (written out as `rules.json`), evasions, private contact details and
//! the near misses that must not be detected.
//!
//! Every planter appends to a message text and returns the character span of what it planted.

use std::fmt::Write as _;

use rand::Rng;
use rand::seq::IndexedRandom;

/// A sensitive-word rule of the demo lexicon.
pub struct RuleDef {
    /// Rule name.
    pub name: &'static str,
    /// `high`, `medium` or `low`.
    pub severity: &'static str,
    /// Words, each with its traditional-character form when that differs from the simplified one.
    pub words: &'static [(&'static str, Option<&'static str>)],
    /// Phrases inside which a word is not a hit (不保本 for 保本).
    pub exclusions: &'static [&'static str],
    /// Who says such things: sentences with a `{W}` slot where the word goes.
    pub contexts: &'static [&'static str],
    /// Whether customers (true) or employees (false) plant this rule's words.
    pub customer_side: bool,
}

/// The demo lexicon. Words never overlap one another and never occur in the template banks.
pub static RULES: &[RuleDef] = &[
    RuleDef {
        name: "承诺保本收益",
        severity: "high",
        words: &[
            ("保本", None),
            ("稳赚不赔", Some("穩賺不賠")),
            ("零风险", Some("零風險")),
            ("保证收益", Some("保證收益")),
            ("刚性兑付", Some("剛性兌付")),
            ("收益翻倍", None),
        ],
        exclusions: &["不保本", "非保本", "不承诺保本", "不保证收益"],
        contexts: &[
            "放心吧，这款产品{W}的，到期连本带息都回来",
            "我跟您保证，{W}，比存定期划算多了",
            "{W}！这个我敢打包票",
            "这个产品{W}，您就放心买",
            "我们内部测算过，{W}，年底前就能看到效果",
            "买这个就对了，{W}，好多老客户都复购了",
        ],
        customer_side: false,
    },
    RuleDef {
        name: "私下交易",
        severity: "high",
        words: &[
            ("私下交易", None),
            ("飞单", Some("飛單")),
            ("私下转账", Some("私下轉賬")),
            ("代客理财", Some("代客理財")),
            ("内幕消息", Some("內幕消息")),
        ],
        exclusions: &[],
        contexts: &[
            "走公司流程太慢了，咱们{W}吧，手续费能省不少",
            "这单别声张，{W}更方便",
            "我这边有{W}，您别跟别人说",
            "您要是信得过我，{W}没问题",
            "{W}的事情我们当面聊",
            "上次那个客户也是{W}，一点问题没有",
        ],
        customer_side: false,
    },
    RuleDef {
        name: "辱骂",
        severity: "medium",
        words: &[
            ("傻逼", None),
            ("滚蛋", Some("滾蛋")),
            ("神经病", Some("神經病")),
            ("废物", Some("廢物")),
            ("脑残", Some("腦殘")),
        ],
        exclusions: &[],
        contexts: &[
            "你们是不是{W}啊，说了多少遍了",
            "{W}，赶紧给我退钱",
            "什么{W}客服，问什么都不知道",
            "真是{W}，再也不买了",
            "你这个{W}，耽误我一上午",
        ],
        customer_side: true,
    },
    RuleDef {
        name: "违规营销",
        severity: "medium",
        words: &[
            ("返现", None),
            ("VIP通道", None),
            ("P2P", None),
            ("内部价", Some("內部價")),
        ],
        exclusions: &["不返现"],
        contexts: &[
            "给个五星好评{W}二十元",
            "找我走{W}，不用排队",
            "我这有{W}，比官网便宜一半",
            "这个{W}只给老客户",
            "别跟别人说，{W}就这几天",
        ],
        customer_side: false,
    },
    RuleDef {
        name: "夸大宣传",
        severity: "low",
        words: &[
            ("绝对安全", Some("絕對安全")),
            ("100%通过", None),
            ("稳涨", Some("穩漲")),
        ],
        exclusions: &[],
        contexts: &[
            "报我们的班，{W}",
            "这个真的{W}，您放一百个心",
            "老师说了，{W}",
            "跟着我们做，{W}",
        ],
        customer_side: false,
    },
];

/// How a planted word is disguised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evasion {
    /// Written as is.
    None,
    /// Characters split by spaces.
    Spaced,
    /// Characters split by punctuation, symbols, emoji or zero-width characters.
    Symbols,
    /// ASCII letters and digits written full width.
    Fullwidth,
    /// Traditional characters.
    Traditional,
}

impl Evasion {
    /// The name used in `truth.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Evasion::None => "none",
            Evasion::Spaced => "spaced",
            Evasion::Symbols => "symbols",
            Evasion::Fullwidth => "fullwidth",
            Evasion::Traditional => "traditional",
        }
    }
}

const SEPARATORS: &[&str] = &[
    "*", "-", "_", ".", "、", "~", "|", "/", "#", "❤", "😊", "🙏", "\u{200B}", "\u{200D}", "·", "，",
];

/// A planted word: which rule and word, how it was disguised, and the text as written.
pub struct PlantedWord {
    /// Index into [`RULES`].
    pub rule: usize,
    /// The lexicon word.
    pub word: &'static str,
    /// The disguise.
    pub evasion: Evasion,
    /// The word as it appears in the message.
    pub written: String,
}

/// Picks a word of `rule` and an evasion it supports, and writes it.
pub fn plant_word<R: Rng>(rng: &mut R, rule: usize) -> PlantedWord {
    let def = &RULES[rule];
    let (word, trad) = def.words[rng.random_range(0..def.words.len())];
    let ascii = word.chars().any(|c| c.is_ascii_alphanumeric());
    let mut options = vec![(Evasion::None, 10), (Evasion::Spaced, 3), (Evasion::Symbols, 4)];
    if ascii {
        options.push((Evasion::Fullwidth, 5));
    }
    if trad.is_some() {
        options.push((Evasion::Traditional, 4));
    }
    let evasion = weighted(rng, &options);
    let written = match evasion {
        Evasion::None => word.to_string(),
        Evasion::Spaced => {
            let sep = if rng.random_bool(0.8) { " " } else { "  " };
            join_chars(word, |_| sep)
        }
        Evasion::Symbols => {
            let fixed = rng.random_bool(0.5);
            let first = *SEPARATORS.choose(rng).unwrap_or(&"*");
            let seps: Vec<&str> = (0..word.chars().count())
                .map(|_| {
                    if fixed {
                        first
                    } else {
                        SEPARATORS.choose(rng).copied().unwrap_or("*")
                    }
                })
                .collect();
            join_chars(word, |i| seps[i])
        }
        Evasion::Fullwidth => word.chars().map(fullwidth).collect(),
        Evasion::Traditional => trad.unwrap_or(word).to_string(),
    };
    PlantedWord {
        rule,
        word,
        evasion,
        written,
    }
}

fn join_chars<'a>(word: &str, sep: impl Fn(usize) -> &'a str) -> String {
    let mut s = String::new();
    for (i, c) in word.chars().enumerate() {
        if i > 0 {
            s.push_str(sep(i));
        }
        s.push(c);
    }
    s
}

fn fullwidth(c: char) -> char {
    if ('!'..='~').contains(&c) {
        char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// Weighted choice.
pub fn weighted<R: Rng, T: Copy>(rng: &mut R, options: &[(T, u32)]) -> T {
    let total: u32 = options.iter().map(|o| o.1).sum();
    let mut x = rng.random_range(0..total.max(1));
    for &(v, w) in options {
        if x < w {
            return v;
        }
        x -= w;
    }
    options[0].0
}

/// Appends `s` to `out` and returns its character span in `out`.
pub fn push_span(out: &mut String, s: &str) -> (usize, usize) {
    let start = out.chars().count();
    out.push_str(s);
    (start, start + s.chars().count())
}

/// Writes a sentence from `contexts`, putting `written` where `{W}` is, and returns the span of `written`.
pub fn in_context<R: Rng>(rng: &mut R, contexts: &[&str], written: &str, out: &mut String) -> (usize, usize) {
    let t = contexts.choose(rng).copied().unwrap_or("{W}");
    let (before, after) = t.split_once("{W}").unwrap_or((t, ""));
    out.push_str(before);
    let span = push_span(out, written);
    out.push_str(after);
    span
}

/// A mainland mobile number 1[3-9]xxxxxxxxx.
pub fn mobile<R: Rng>(rng: &mut R) -> String {
    const PREFIXES: &[&str] = &[
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
        "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187",
        "188", "189", "191", "198", "199",
    ];
    let mut s = String::from(*PREFIXES.choose(rng).unwrap_or(&"138"));
    for _ in 0..8 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}

/// A phone number as people type it: plain, spaced or dashed mobile, or a landline. Returns (text, kind).
pub fn phone_written<R: Rng>(rng: &mut R) -> (String, &'static str) {
    match rng.random_range(0..10) {
        0..=4 => (mobile(rng), "mobile"),
        5 | 6 => {
            let m = mobile(rng);
            let sep = if rng.random_bool(0.5) { " " } else { "-" };
            (format!("{}{sep}{}{sep}{}", &m[..3], &m[3..7], &m[7..]), "mobile")
        }
        _ => {
            let (area, n) = *[
                ("010", 8),
                ("021", 8),
                ("0755", 8),
                ("0571", 8),
                ("028", 8),
                ("027", 8),
                ("0512", 8),
            ]
            .choose(rng)
            .unwrap_or(&("021", 8));
            let mut s = format!("{area}-{}", rng.random_range(2..9));
            for _ in 1..n {
                s.push(char::from(b'0' + rng.random_range(0..10u8)));
            }
            (s, "landline")
        }
    }
}

/// Contexts in which a phone number is handed out.
pub const PHONE_CONTEXTS: &[&str] = &[
    "有事直接打我手机{W}，比在这里回复快",
    "我私人号码{W}，随时联系",
    "这是我电话{W}，加一下",
    "你打这个{W}找我",
    "{W}，这个号码24小时开机",
    "方便的话打{W}，我们电话里细说",
];

/// A personal WeChat id (letter first, 6–20 characters).
pub fn wechat_id<R: Rng>(rng: &mut R) -> String {
    const STEMS: &[&str] = &[
        "zhang", "li", "wang", "chen", "lucky", "amy", "sunny", "jason", "liu", "happy", "xiao", "tony",
        "yang",
    ];
    let mut s = String::from(*STEMS.choose(rng).unwrap_or(&"li"));
    match rng.random_range(0..3) {
        0 => {
            let _ = write!(s, "{}", rng.random_range(1970..2005));
        }
        1 => {
            let _ = write!(s, "_{}", rng.random_range(10..999));
        }
        _ => {
            let _ = write!(
                s,
                "-{}{}",
                crate::names::alnum(rng, 2).to_lowercase(),
                rng.random_range(1..99)
            );
        }
    }
    s
}

/// Triggers that introduce a WeChat id.
pub const WECHAT_TRIGGERS: &[&str] = &[
    "加我微信 ",
    "加我微信：",
    "我的微信号是",
    "微信号：",
    "vx：",
    "VX ",
    "wx:",
    "私人微信 ",
];

/// Sentences around a WeChat hand-out, `{W}` is the trigger and id.
pub const WECHAT_CONTEXTS: &[&str] = &[
    "{W}，这里说话不方便",
    "这个号平时不常看，{W}",
    "{W}，有好项目第一时间告诉您",
    "以后有问题{W}，私聊",
    "{W}",
    "公司这个号要被检查的，{W}",
];

/// Bank BINs of mainland debit cards with the card length.
const BINS: &[(&str, usize, &str)] = &[
    ("622202", 19, "工商银行"),
    ("621700", 19, "建设银行"),
    ("622848", 19, "农业银行"),
    ("621483", 16, "招商银行"),
    ("622588", 16, "招商银行"),
    ("621661", 19, "中国银行"),
    ("622262", 19, "交通银行"),
    ("621799", 19, "邮储银行"),
    ("621485", 16, "招商银行"),
];

fn luhn_check_digit(digits: &[u8]) -> u8 {
    // digits exclude the check digit; double every second from the right.
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    ((10 - sum % 10) % 10) as u8
}

/// Whether a digit string passes the Luhn check.
pub fn luhn_valid(s: &str) -> bool {
    let d: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    match d.split_last() {
        Some((&last, rest)) => luhn_check_digit(rest) == last,
        None => false,
    }
}

/// A bank card number (Luhn-valid when `valid`), and the bank name.
pub fn bank_card<R: Rng>(rng: &mut R, valid: bool) -> (String, &'static str) {
    let (bin, len, bank) = *BINS.choose(rng).unwrap_or(&BINS[0]);
    let mut d: Vec<u8> = bin.bytes().map(|b| b - b'0').collect();
    while d.len() < len - 1 {
        d.push(rng.random_range(0..10));
    }
    let check = luhn_check_digit(&d);
    d.push(if valid {
        check
    } else {
        (check + rng.random_range(1..10)) % 10
    });
    (d.iter().map(|v| char::from(b'0' + v)).collect(), bank)
}

/// A card number as typed: plain or grouped by four.
pub fn group_digits<R: Rng>(rng: &mut R, digits: &str) -> String {
    if rng.random_bool(0.6) {
        return digits.to_string();
    }
    let mut s = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            s.push(' ');
        }
        s.push(c);
    }
    s
}

/// Contexts of a bank card hand-out, `{W}` is the number.
pub const CARD_CONTEXTS: &[&str] = &[
    "钱直接转到我个人卡上：{W}，户名写我名字就行",
    "退款打到这张卡{W}",
    "我的卡号是{W}，麻烦尽快处理",
    "转这个账户{W}，到账了我截图给你",
    "卡号{W}，开户行写的那个",
];

const REGIONS: &[&str] = &[
    "110105", "110108", "310104", "310115", "440305", "440106", "330106", "320102", "510107", "420106",
    "120101",
];

/// An 18-digit resident id number, checksum valid when `valid`.
pub fn id_card<R: Rng>(rng: &mut R, valid: bool) -> String {
    let mut s = String::from(*REGIONS.choose(rng).unwrap_or(&REGIONS[0]));
    let _ = write!(
        s,
        "{}{:02}{:02}{:03}",
        rng.random_range(1955..2010),
        rng.random_range(1..13),
        rng.random_range(1..29),
        rng.random_range(1..1000)
    );
    let check = id_check_char(&s);
    if valid {
        s.push(check);
    } else {
        let wrong = b"0123456789X"
            .iter()
            .map(|&b| b as char)
            .filter(|&c| c != check)
            .collect::<Vec<_>>();
        s.push(*wrong.choose(rng).unwrap_or(&'0'));
    }
    s
}

/// The GB 11643 check character of the first 17 digits.
pub fn id_check_char(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8; 11] = b"10X98765432";
    let sum: u32 = first17.bytes().zip(W).map(|(b, w)| u32::from(b - b'0') * w).sum();
    C[(sum % 11) as usize] as char
}

/// Contexts of an id number, `{W}` is the number.
pub const ID_CONTEXTS: &[&str] = &[
    "身份证号{W}，麻烦帮我查一下保单",
    "被保人身份证{W}",
    "我的身份证号码是{W}，你帮我填一下",
    "{W}，这是我爱人的身份证号",
];

/// Writes a 19-digit order number that is not Luhn-valid (so it is not mistaken for a bank card).
/// It often contains a mobile-like 11-digit run inside it, which is a near miss for phone detectors.
pub fn order_number<R: Rng>(rng: &mut R, out: &mut String) {
    let mut d: Vec<u8> = Vec::with_capacity(19);
    d.push(rng.random_range(2..5));
    while d.len() < 18 {
        d.push(rng.random_range(0..10));
    }
    let check = luhn_check_digit(&d);
    d.push((check + rng.random_range(1..10)) % 10);
    out.extend(d.iter().map(|v| char::from(b'0' + v)));
}

/// A 19-digit order number with a mobile number embedded in its middle, not Luhn-valid.
pub fn order_with_mobile<R: Rng>(rng: &mut R) -> String {
    let m = mobile(rng);
    let mut d: Vec<u8> = vec![
        rng.random_range(2..5),
        rng.random_range(0..10),
        rng.random_range(0..10),
    ];
    d.extend(m.bytes().map(|b| b - b'0'));
    while d.len() < 18 {
        d.push(rng.random_range(0..10));
    }
    let check = luhn_check_digit(&d);
    d.push((check + rng.random_range(1..10)) % 10);
    d.iter().map(|v| char::from(b'0' + v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn luhn_and_id_checks() {
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
        assert_eq!(id_check_char("11010519491231002"), 'X');
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            assert!(luhn_valid(&bank_card(&mut rng, true).0));
            assert!(!luhn_valid(&bank_card(&mut rng, false).0));
            let mut o = String::new();
            order_number(&mut rng, &mut o);
            assert!(!luhn_valid(&o));
            assert!(!luhn_valid(&order_with_mobile(&mut rng)));
        }
    }
}
