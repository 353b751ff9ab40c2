//! Integration tests of dossier-rules: evasion classes, rules, detectors, timeouts, quality,
//! sentiment, and properties of the span map.

use dossier_model::{
    Card, ChatKind, Content, Department, Employee, EmployeeStatus, Event, EventKind, Hit, HitKind, Message,
    MsgId, RedPacket, Revoke, Rule, Scope, SenderSide, Severity, Text, UserId,
};
use dossier_rules::detect::{DetectorConfig, find_numbers, find_wechat};
use dossier_rules::quality::{QualityConfig, score_conversation};
use dossier_rules::sentiment::{Label, sentiment};
use dossier_rules::timeout::{TimeoutConfig, WorkCalendar, analyse_replies};
use dossier_rules::{NoOrg, OrgIndex, RuleSet, Scanner, normalize, normalize_word};
use proptest::prelude::*;

fn rule(name: &str, words: &[&str], exclusions: &[&str]) -> Rule {
    Rule {
        name: name.into(),
        words: words.iter().map(|s| s.to_string()).collect(),
        exclusions: exclusions.iter().map(|s| s.to_string()).collect(),
        scope: Scope::All,
        sender: SenderSide::Both,
        chat_kinds: Vec::new(),
        severity: Severity::High,
        action: Default::default(),
        enabled: true,
    }
}

fn text_msg(id: &str, from: &str, to: &str, time: i64, text: &str) -> Message {
    Message {
        msgid: MsgId(id.into()),
        seq: None,
        action: dossier_model::Action::Send,
        from: UserId(from.into()),
        tolist: vec![UserId(to.into())],
        roomid: Some(dossier_model::RoomId(String::new())),
        msgtime: time,
        content: Content::Text(Text { content: text.into() }),
    }
}

/// (word, start, end) of the lexicon hits of `text`.
fn spans(set: &RuleSet, text: &str) -> Vec<(String, usize, usize)> {
    set.scan_text(text)
        .into_iter()
        .map(|h| (set.word(&h).to_string(), h.start, h.end))
        .collect()
}

fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

fn lexicon() -> RuleSet {
    RuleSet::compile(vec![
        rule(
            "承诺保本收益",
            &["保本", "稳赚不赔", "保证收益"],
            &["不保本", "不保证收益"],
        ),
        rule("违规营销", &["VIP通道", "P2P", "返现"], &["不返现"]),
        rule("联系", &["vx"], &[]),
    ])
    .unwrap()
}

// ---------------------------------------------------------------- evasion classes

#[test]
fn plain_word_with_exact_span() {
    let set = lexicon();
    assert_eq!(
        spans(&set, "放心吧，这款产品保本的"),
        vec![("保本".into(), 8, 10)]
    );
}

#[test]
fn spaced_characters() {
    let set = lexicon();
    let t = "我跟您保证，稳 赚  不 赔，比存定期划算多了";
    assert_eq!(spans(&set, t), vec![("稳赚不赔".into(), 6, 14)]);
    assert_eq!(slice(t, 6, 14), "稳 赚  不 赔");
}

#[test]
fn punctuation_symbols_emoji_and_zero_width() {
    let set = lexicon();
    for t in [
        "稳*赚*不*赔",
        "稳-赚.不、赔",
        "稳❤赚😊不🙏赔",
        "稳\u{200B}赚\u{200D}不\u{FEFF}赔",
        "稳·赚，不~赔",
        "稳\u{3000}赚\t不\n赔",
    ] {
        let got = spans(&set, t);
        assert_eq!(got.len(), 1, "{t:?}: {got:?}");
        assert_eq!((got[0].1, got[0].2), (0, t.chars().count()), "{t:?}");
    }
}

#[test]
fn fullwidth_and_case() {
    let set = lexicon();
    let t = "找我走ＶＩＰ通道，不用排队";
    assert_eq!(spans(&set, t), vec![("VIP通道".into(), 3, 8)]);
    assert_eq!(spans(&set, "这有p2p项目"), vec![("P2P".into(), 2, 5)]);
    assert_eq!(spans(&set, "加我 V X 聊"), vec![("vx".into(), 3, 6)]);
    // Mathematical and circled letters are letters too (NFKC).
    assert_eq!(spans(&set, "加𝐕𝐗"), vec![("vx".into(), 1, 3)]);
}

#[test]
fn traditional_characters() {
    let set = lexicon();
    let t = "這個產品穩賺不賠，保證收益";
    assert_eq!(
        spans(&set, t),
        vec![("稳赚不赔".into(), 4, 8), ("保证收益".into(), 9, 13)]
    );
}

#[test]
fn combined_evasions() {
    let set = lexicon();
    let t = "穩 賺❤不*賠";
    assert_eq!(spans(&set, t), vec![("稳赚不赔".into(), 0, 7)]);
}

#[test]
fn letters_between_the_characters_break_the_match() {
    let set = lexicon();
    assert!(spans(&set, "稳定赚钱不会赔").is_empty());
    assert!(spans(&set, "保a本").is_empty());
    assert!(spans(&set, "保1本").is_empty());
    // An ASCII word is not found inside a longer ASCII word…
    assert!(spans(&set, "dvxa").is_empty());
    // …but is when noise or CJK separates it.
    assert_eq!(spans(&set, "加vx").len(), 1);
}

#[test]
fn exclusions_cancel_only_the_hits_they_cover() {
    let set = lexicon();
    assert!(spans(&set, "提醒一下，这款产品不保本，净值会有波动").is_empty());
    assert!(spans(&set, "过往业绩不 保 证 收 益").is_empty());
    assert_eq!(spans(&set, "这个不保本，那个保本"), vec![("保本".into(), 8, 10)]);
    assert!(spans(&set, "亲，本店好评不返现").is_empty());
}

#[test]
fn overlapping_words_are_all_found() {
    let set = RuleSet::compile(vec![rule("a", &["保本", "保本保息"], &[])]).unwrap();
    let got = spans(&set, "保本保息");
    assert!(
        got.contains(&("保本".into(), 0, 2)) && got.contains(&("保本保息".into(), 0, 4)),
        "{got:?}"
    );
}

#[test]
fn noise_only_words_are_rejected() {
    assert!(RuleSet::compile(vec![rule("bad", &["！？"], &[])]).is_err());
    assert!(RuleSet::compile(vec![rule("", &["保本"], &[])]).is_err());
}

#[test]
fn rules_file_with_defaults() {
    let set = RuleSet::from_json(r#"{"rules":[{"name":"r","words":["飞单"]}]}"#).unwrap();
    assert_eq!(set.rules()[0].severity, Severity::Medium);
    assert!(set.rules()[0].enabled);
    assert_eq!(spans(&set, "咱们飛單吧").len(), 1);
}

// ---------------------------------------------------------------- scope, sender, chat kinds

fn org() -> OrgIndex {
    let dept = |id, parentid| Department {
        id,
        name: format!("d{id}"),
        parentid,
        order: 0,
    };
    let emp = |u: &str, d: u64| Employee {
        userid: UserId(u.into()),
        name: u.into(),
        department: vec![d],
        main_department: Some(d),
        position: String::new(),
        status: EmployeeStatus::Active,
    };
    OrgIndex::new(
        &[dept(1, 0), dept(2, 1), dept(3, 2), dept(4, 1)],
        &[emp("zhangsan", 3), emp("lisi", 4)],
    )
}

#[test]
fn scope_sender_and_chat_kinds() {
    let o = org();
    let mut r = rule("r", &["飞单"], &[]);
    r.scope = Scope::Departments(vec![2]);
    let set = RuleSet::compile(vec![r.clone()]).unwrap();
    // zhangsan is in dept 3, a sub-department of 2; lisi is not.
    assert_eq!(
        set.check(&text_msg("1", "zhangsan", "wmX", 0, "飞单"), &o).len(),
        1
    );
    assert_eq!(
        set.check(&text_msg("2", "wmX", "zhangsan", 0, "飞单"), &o).len(),
        1
    );
    assert!(set.check(&text_msg("3", "lisi", "wmX", 0, "飞单"), &o).is_empty());

    r.scope = Scope::Employees(vec![UserId("lisi".into())]);
    r.sender = SenderSide::Employee;
    let set = RuleSet::compile(vec![r.clone()]).unwrap();
    assert_eq!(set.check(&text_msg("4", "lisi", "wmX", 0, "飞单"), &o).len(), 1);
    assert!(set.check(&text_msg("5", "wmX", "lisi", 0, "飞单"), &o).is_empty());

    r.scope = Scope::All;
    r.sender = SenderSide::Both;
    r.chat_kinds = vec![ChatKind::External];
    let set = RuleSet::compile(vec![r.clone()]).unwrap();
    assert!(
        set.check(&text_msg("6", "lisi", "zhangsan", 0, "飞单"), &o)
            .is_empty()
    );
    assert_eq!(set.check(&text_msg("7", "lisi", "wmX", 0, "飞单"), &o).len(), 1);

    r.enabled = false;
    let set = RuleSet::compile(vec![r]).unwrap();
    assert!(set.check(&text_msg("8", "lisi", "wmX", 0, "飞单"), &o).is_empty());
}

// ---------------------------------------------------------------- detectors

fn numbers(text: &str) -> Vec<(HitKind, String, usize, usize)> {
    find_numbers(text)
        .into_iter()
        .map(|n| (n.kind, n.value, n.start, n.end))
        .collect()
}

#[test]
fn phones_positive() {
    assert_eq!(
        numbers("有事直接打我手机13812345678，比在这里回复快"),
        vec![(HitKind::Phone, "13812345678".into(), 8, 19)]
    );
    assert_eq!(
        numbers("我私人号码138-1234-5678，随时联系"),
        vec![(HitKind::Phone, "13812345678".into(), 5, 18)]
    );
    assert_eq!(
        numbers("电话 138 1234 5678"),
        vec![(HitKind::Phone, "13812345678".into(), 3, 16)]
    );
    assert_eq!(
        numbers("+86 13812345678"),
        vec![(HitKind::Phone, "13812345678".into(), 4, 15)]
    );
    assert_eq!(
        numbers("打０２１-６２３４５６７８"),
        vec![(HitKind::Phone, "02162345678".into(), 1, 13)]
    );
    assert_eq!(
        numbers("0755-26543210找我"),
        vec![(HitKind::Phone, "075526543210".into(), 0, 13)]
    );
    assert_eq!(
        numbers("一三八一二三四五六七八"),
        vec![(HitKind::Phone, "13812345678".into(), 0, 11)]
    );
    assert_eq!(
        numbers("订单 123 138 1234 5678"),
        vec![(HitKind::Phone, "13812345678".into(), 7, 20)]
    );
}

#[test]
fn phones_negative() {
    // A mobile-like run inside a longer order number is no phone.
    assert!(numbers("您的订单号是2231381234567899123，请核对").is_empty());
    assert!(numbers("12345678901").is_empty());
    assert!(numbers("价格 1380 元，数量 12345").is_empty());
    assert!(numbers("400-820-8820").is_empty());
}

#[test]
fn bank_cards() {
    // 6222020200112233446 is Luhn-valid; changing its last digit breaks it.
    assert_eq!(
        numbers("退款打到这张卡6222020200112233446"),
        vec![(HitKind::Bankcard, "6222020200112233446".into(), 7, 26)]
    );
    assert_eq!(
        numbers("卡号 6222 0202 0011 2233 446"),
        vec![(HitKind::Bankcard, "6222020200112233446".into(), 3, 26)]
    );
    assert!(numbers("会员卡号6222020200112233447").is_empty());
    assert!(numbers("合同编号2222020200112233446").is_empty());
}

#[test]
fn id_cards() {
    // 11010519491231002X: valid check character X, born 1949-12-31.
    assert_eq!(
        numbers("身份证号11010519491231002X，麻烦查一下"),
        vec![(HitKind::Idcard, "11010519491231002X".into(), 4, 22)]
    );
    assert_eq!(numbers("110105194912310021"), Vec::new(), "wrong check digit");
    assert!(numbers("11010519491331002X").is_empty(), "month 13");
}

#[test]
fn wechat_ids() {
    let find = |t: &str| {
        find_wechat(t, &normalize(t))
            .into_iter()
            .map(|w| (w.id, w.start, w.end))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        find("加我微信 zhang1990，这里说话不方便"),
        vec![("zhang1990".into(), 0, 14)]
    );
    assert_eq!(find("我的微信号是lucky_88"), vec![("lucky_88".into(), 0, 14)]);
    assert_eq!(find("VX amy-ab12"), vec![("amy-ab12".into(), 0, 11)]);
    assert_eq!(find("薇信：ｔｏｎｙ２０２０"), vec![("tony2020".into(), 0, 11)]);
    assert_eq!(
        find("好友 wxid_abc123def"),
        vec![("wxid_abc123def".into(), 3, 17)]
    );
    assert!(find("我们用微信支付就可以").is_empty());
    assert!(find("加我微信吧，明天见").is_empty());
    assert!(find("wxyz12345").is_empty());
}

fn scan(msgs: &[Message]) -> Vec<Vec<Hit>> {
    let mut s = Scanner::new(lexicon(), DetectorConfig::default());
    msgs.iter().map(|m| s.scan(m, &NoOrg)).collect()
}

#[test]
fn cards_red_packets_revokes() {
    let mut card = text_msg("c1", "zhangsan", "wmCustomer", 0, "");
    card.content = Content::Card(Card {
        corpname: "微信联系人".into(),
        userid: UserId("wmPrivate".into()),
    });
    let mut colleague = card.clone();
    colleague.msgid = MsgId("c2".into());
    colleague.content = Content::Card(Card {
        corpname: "示例科技".into(),
        userid: UserId("lisi".into()),
    });
    let mut internal = card.clone();
    internal.msgid = MsgId("c3".into());
    internal.tolist = vec![UserId("lisi".into())];
    let mut red = text_msg("r1", "zhangsan", "wmCustomer", 0, "");
    red.content = Content::Redpacket(RedPacket {
        kind: 1,
        wish: "恭喜发财".into(),
        totalcnt: 1,
        totalamount: 8800,
    });
    let bad = text_msg("t1", "zhangsan", "wmCustomer", 0, "稳赚不赔");
    let fine = text_msg("t2", "zhangsan", "wmCustomer", 0, "您好");
    let revoke = |id: &str, pre: &str| {
        let mut m = text_msg(id, "zhangsan", "wmCustomer", 0, "");
        m.content = Content::Revoke(Revoke {
            pre_msgid: MsgId(pre.into()),
        });
        m
    };
    let hits = scan(&[
        card,
        colleague,
        internal,
        red,
        bad,
        fine,
        revoke("v1", "t1"),
        revoke("v2", "t2"),
    ]);
    let kinds: Vec<Vec<HitKind>> = hits.iter().map(|h| h.iter().map(|h| h.kind).collect()).collect();
    assert_eq!(kinds[0], vec![HitKind::Card]);
    assert!(kinds[1].is_empty() && kinds[2].is_empty());
    assert_eq!(kinds[3], vec![HitKind::Redpacket]);
    assert_eq!(hits[3][0].word.as_deref(), Some("88.00"));
    assert_eq!(kinds[4], vec![HitKind::Word]);
    assert!(kinds[5].is_empty());
    assert_eq!(kinds[6], vec![HitKind::Revoke]);
    assert!(kinds[7].is_empty());
}

#[test]
fn transfers_in_text() {
    let hits = scan(&[
        text_msg("1", "zhangsan", "wmC", 0, "钱直接转到我个人卡上就行"),
        text_msg("2", "zhangsan", "wmC", 0, "请通过官方渠道付款"),
    ]);
    assert_eq!(hits[0].iter().filter(|h| h.kind == HitKind::Transfer).count(), 1);
    assert!(hits[1].is_empty());
}

#[test]
fn deletion_events() {
    let d = DetectorConfig::default();
    let ev = |kind| Event { time: 100, kind };
    let a = d
        .event_alert(&ev(EventKind::EmployeeDeletedCustomer {
            userid: "zhangsan".into(),
            external_userid: "wmC".into(),
            source: None,
        }))
        .unwrap();
    assert_eq!(a.kind, HitKind::DelExternalContact);
    let b = d
        .event_alert(&ev(EventKind::CustomerDeletedEmployee {
            userid: "zhangsan".into(),
            external_userid: "wmC".into(),
        }))
        .unwrap();
    assert_eq!(b.kind, HitKind::DelFollowUser);
    assert!(
        d.event_alert(&ev(EventKind::GroupDismissed {
            chat_id: dossier_model::RoomId("wr1".into())
        }))
        .is_none()
    );
    let transfer = EventKind::EmployeeDeletedCustomer {
        userid: "zhangsan".into(),
        external_userid: "wmC".into(),
        source: Some("DEL_EXTERNAL_CONTACT_BY_TRANSFER".into()),
    };
    assert!(d.event_alert(&ev(transfer)).is_none());
}

#[test]
fn qr_codes_in_images() {
    let code = qrcode::QrCode::new(b"https://u.wechat.com/abc").unwrap();
    let (w, scale, quiet) = (code.width() as u32, 6u32, 4u32);
    let colors = code.to_colors();
    let side = (w + 2 * quiet) * scale;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (
            (x / scale) as i64 - quiet as i64,
            (y / scale) as i64 - quiet as i64,
        );
        let dark = mx >= 0
            && my >= 0
            && (mx as u32) < w
            && (my as u32) < w
            && colors[(my as u32 * w + mx as u32) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let found = dossier_rules::detect::find_qr_codes(&png).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].content.as_deref(), Some("https://u.wechat.com/abc"));

    let blank = image::GrayImage::from_pixel(200, 200, image::Luma([255]));
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(blank)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert!(dossier_rules::detect::find_qr_codes(&png).unwrap().is_empty());
    assert!(dossier_rules::detect::find_qr_codes(b"not an image").is_err());
}

// ---------------------------------------------------------------- timeouts, quality, sentiment

/// 2025-03-03 (a Monday) 00:00 +08:00, in milliseconds.
const MONDAY: i64 = 1_740_931_200_000;
const MIN: i64 = 60_000;

fn lunch_break() -> WorkCalendar {
    WorkCalendar {
        hours: vec![("09:00".into(), "12:00".into()), ("13:30".into(), "18:00".into())],
        ..Default::default()
    }
}

#[test]
fn working_minutes() {
    let cal = lunch_break().compile().unwrap();
    // 09:00 → 10:00 Monday: 60.
    assert_eq!(cal.working_minutes(MONDAY + 540 * MIN, MONDAY + 600 * MIN), 60);
    // 11:30 → 14:00: 30 before lunch + 30 after.
    assert_eq!(cal.working_minutes(MONDAY + 690 * MIN, MONDAY + 840 * MIN), 60);
    // Friday 17:50 → Monday 09:10: 10 + 10.
    let friday = MONDAY + 4 * 1440 * MIN;
    assert_eq!(
        cal.working_minutes(friday + 1070 * MIN, MONDAY + 7 * 1440 * MIN + 550 * MIN),
        20
    );
    // A holiday on Monday.
    let mut wc = WorkCalendar::default();
    wc.holidays
        .push(chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap());
    assert_eq!(
        wc.compile().unwrap().working_minutes(MONDAY, MONDAY + 1440 * MIN),
        0
    );
    assert!(
        WorkCalendar {
            hours: vec![("18:00".into(), "09:00".into())],
            ..Default::default()
        }
        .compile()
        .is_err()
    );
}

#[test]
fn reply_timeouts_and_stats() {
    let m = |id: &str, from: &str, to: &str, at: i64| text_msg(id, from, to, MONDAY + at * MIN, "在吗");
    let msgs = vec![
        m("q1", "wmC", "zhangsan", 600),        // 10:00
        m("q2", "wmC", "zhangsan", 610),        // still waiting since q1
        m("a1", "zhangsan", "wmC", 660),        // 11:00: 60 minutes → timeout
        m("q3", "wmC", "zhangsan", 700),        // 11:40
        m("a3", "zhangsan", "wmC", 815),        // 13:35: 20 + 5 = 25 (lunch 12:00-13:30 off) → fine
        m("q4", "wmC", "zhangsan", 1200),       // 20:00, after hours
        m("a4", "zhangsan", "wmC", 1440 + 560), // Tuesday 09:20 → 20 minutes
    ];
    let config = TimeoutConfig {
        limit_minutes: 30,
        calendar: lunch_break(),
    };
    let report = analyse_replies(&msgs, &NoOrg, &config, None).unwrap();
    assert_eq!(report.timeouts.len(), 1);
    assert_eq!(report.timeouts[0].msgid.0, "q1");
    assert_eq!(report.timeouts[0].waited_minutes, 60);
    let stats = report.per_employee();
    let z = &stats[&UserId("zhangsan".into())];
    assert_eq!((z.questions, z.timeouts, z.max_wait_minutes), (3, 1, 60));
}

/// Regression (reply-timeout recall on the demo truth): a customer asks, and 4 minutes later
/// the employee sends something else (a reminder about another topic). That message ends the
/// wait: it is no timeout, whatever the employee says the next day.
#[test]
fn any_employee_message_ends_the_wait_even_on_another_topic() {
    let m =
        |id: &str, from: &str, to: &str, at: i64, text: &str| text_msg(id, from, to, MONDAY + at * MIN, text);
    let msgs = vec![
        m("q", "wmC", "zhangsan", 600, "大额存单还有额度吗"),
        m("r", "zhangsan", "wmC", 604, "您的风险测评已过期，麻烦重新做一下"),
        m("ack", "wmC", "zhangsan", 610, "了解了"),
        m("next", "zhangsan", "wmC", 1440 + 600, "帮您看了一下，还有额度"),
    ];
    let report = analyse_replies(&msgs, &NoOrg, &TimeoutConfig::default(), None).unwrap();
    assert_eq!(report.timeouts.len(), 1, "{report:?}");
    // The second run (ack at 10:10, answered Tuesday 10:00) is the only timeout.
    assert_eq!(report.timeouts[0].msgid.0, "ack");
    assert_eq!(report.timeouts[0].reply_msgid.as_ref().unwrap().0, "next");
    let z = &report.per_employee()[&UserId("zhangsan".into())];
    assert_eq!((z.questions, z.timeouts), (2, 1));
}

/// The limit is compared with the exact wait: 30 minutes and 20 seconds is past a 30-minute
/// limit (the demo truth counts it so), exactly 30 minutes is not.
#[test]
fn timeout_limit_is_exact_not_whole_minutes() {
    let at =
        |id: &str, from: &str, to: &str, ms: i64| text_msg(id, from, to, MONDAY + 600 * MIN + ms, "在吗");
    let over = vec![
        at("q", "wmC", "zhangsan", 0),
        at("a", "zhangsan", "wmC", 30 * MIN + 20_000),
    ];
    let report = analyse_replies(&over, &NoOrg, &TimeoutConfig::default(), None).unwrap();
    assert_eq!(report.timeouts.len(), 1);
    assert_eq!(report.timeouts[0].waited_minutes, 30);
    let exact = vec![
        at("q", "wmC", "zhangsan", 0),
        at("a", "zhangsan", "wmC", 30 * MIN),
    ];
    let report = analyse_replies(&exact, &NoOrg, &TimeoutConfig::default(), None).unwrap();
    assert!(report.timeouts.is_empty());
}

/// Reply timeouts over generated demo archives (two seeds) equal the truth file's, both ways.
#[test]
fn timeouts_match_the_demo_truth_exactly() {
    for seed in [5, 11] {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("rules-timeouts-{seed}"));
        let _ = std::fs::remove_dir_all(&dir);
        let opts = dossier_demo::Options {
            seed,
            employees: 20,
            messages: 15_000,
            ..Default::default()
        };
        dossier_demo::generate(&opts, &dir).unwrap();
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        let org = dossier_wecom::api::parse_org(&read("users.json")).unwrap();
        let org = OrgIndex::new(&org.departments, &org.employees);
        let mut messages = Vec::new();
        for line in read("messages.jsonl").lines() {
            if let Ok(dossier_wecom::ArchiveLine::Message(m)) = dossier_wecom::parse_line(line) {
                messages.push(m);
            }
        }
        let truth: serde_json::Value = serde_json::from_str(&read("truth.json")).unwrap();
        let config = TimeoutConfig {
            limit_minutes: truth["params"]["reply_limit_minutes"].as_i64().unwrap(),
            calendar: WorkCalendar::default(),
        };
        let report = analyse_replies(&messages, &org, &config, None).unwrap();
        let found: std::collections::BTreeSet<(String, String)> = report
            .timeouts
            .iter()
            .map(|t| (t.msgid.0.clone(), t.reply_msgid.clone().unwrap().0))
            .collect();
        let planted: std::collections::BTreeSet<(String, String)> = truth["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "timeout")
            .map(|i| {
                (
                    i["msgid"].as_str().unwrap().to_string(),
                    i["reply_msgid"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(planted.len() > 20, "seed {seed}: {}", planted.len());
        assert_eq!(found, planted, "seed {seed}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Short chat messages from the demo generator's phrase banks: every complaint of every
/// industry is negative or at worst neutral (at least four in five negative), every thank-you
/// positive.
/// These banks informed the chat entries of the sentiment lexicon, so this is a sanity check;
/// the accuracy figure comes from held-out labelled reviews (`examples/sentiment_eval.rs`).
#[test]
fn sentiment_of_demo_chat_messages() {
    use dossier_demo::text::{C_ANGRY, C_THANKS, Industry};
    for t in C_THANKS {
        let t = t.replace("{me}", "小李");
        assert_eq!(sentiment(&t).label, Label::Positive, "{t}");
    }
    let complaints: Vec<&str> = Industry::ALL
        .iter()
        .flat_map(|i| i.bank().c_complain.iter().copied())
        .chain(C_ANGRY.iter().copied())
        .collect();
    let mut negative = 0;
    for t in &complaints {
        let s = sentiment(t);
        assert_ne!(s.label, Label::Positive, "{t}: {s:?}");
        negative += usize::from(s.label == Label::Negative);
    }
    assert!(
        negative * 5 >= complaints.len() * 4,
        "{negative} of {}",
        complaints.len()
    );
    // Neutral business talk and courtesies.
    assert_eq!(sentiment("明天下午三点开会").label, Label::Neutral);
    assert_ne!(sentiment("不客气，有问题随时联系我").label, Label::Negative);
}

#[test]
fn quality_score() {
    let hit = |s| Hit {
        msgid: MsgId("m".into()),
        rule: "r".into(),
        kind: HitKind::Word,
        word: None,
        start: 0,
        end: 0,
        severity: s,
    };
    let good = score_conversation(&QualityConfig::default(), &[], 0, &[sentiment("谢谢，很满意")]);
    assert_eq!(good.score, 100.0);
    assert!(!good.needs_review);
    let bad = score_conversation(
        &QualityConfig::default(),
        &[hit(Severity::High), hit(Severity::Low)],
        2,
        &[sentiment("太差了，我要投诉")],
    );
    assert_eq!(bad.score, 100.0 - 15.0 - 2.0 - 10.0 - 3.0);
    assert!(bad.needs_review);
}

#[test]
fn sentiment_with_negation_and_degree() {
    assert_eq!(sentiment("服务很好，非常满意").label, Label::Positive);
    assert_eq!(sentiment("太差了，我要投诉你们").label, Label::Negative);
    assert_eq!(sentiment("一点也不好").label, Label::Negative);
    assert_eq!(sentiment("不满意").label, Label::Negative);
    assert_eq!(sentiment("明天下午三点开会").label, Label::Neutral);
    assert!(sentiment("非常好").score > sentiment("好").score);
    assert!(sentiment("有点慢").score > sentiment("太慢").score);
    assert_eq!(
        sentiment("服務很好").label,
        Label::Positive,
        "traditional characters"
    );
    // What follows a contrast weighs more.
    assert_eq!(sentiment("价格便宜，但是质量很差").label, Label::Negative);
}

// ---------------------------------------------------------------- properties

fn evasive_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("保本".to_string()),
        Just("稳赚不赔".to_string()),
        Just("穩賺不賠".to_string()),
        Just("ＶＩＰ通道".to_string()),
        "[的了在是我有和人这中大为上个国保本稳赚不赔]{1,4}",
        "[ *\\-.、❤😊\u{200B}，·]{1,2}",
        "[a-zA-Z0-9]{1,3}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn hits_map_to_spans_that_normalise_to_the_word(text in evasive_text()) {
        let set = lexicon();
        for h in set.scan_text(&text) {
            let original = slice(&text, h.start, h.end);
            prop_assert_eq!(normalize_word(&original), normalize_word(set.word(&h)), "text {:?}", text);
            // The span starts and ends on the word's characters, not on noise.
            prop_assert!(!dossier_rules::is_noise(original.chars().next().unwrap()));
            prop_assert!(!dossier_rules::is_noise(original.chars().last().unwrap()));
        }
    }

    #[test]
    fn the_map_points_at_the_characters_it_folded(text in "\\PC{0,40}") {
        let n = normalize(&text);
        let chars: Vec<char> = text.chars().collect();
        prop_assert_eq!(n.text.chars().count(), n.map.len());
        for (c, &i) in n.text.chars().zip(&n.map) {
            let folded = normalize(&chars[i as usize].to_string()).text;
            prop_assert!(folded.contains(c), "{:?} -> {:?} not from {:?}", c, folded, chars[i as usize]);
        }
        prop_assert!(n.map.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn every_planted_word_is_found_whatever_the_noise(sep in "[ *\\-.、❤😊\u{200B}，·~|/#]{0,3}", prefix in "[的了在是我有和人这中大]{0,5}") {
        let set = lexicon();
        let word: String = "稳赚不赔".chars().map(|c| format!("{c}{sep}")).collect::<String>();
        let word = word.trim_end_matches(|c: char| sep.contains(c)).to_string();
        let text = format!("{prefix}{word}");
        let got = spans(&set, &text);
        let start = prefix.chars().count();
        prop_assert_eq!(got, vec![("稳赚不赔".to_string(), start, start + word.chars().count())]);
    }
}
