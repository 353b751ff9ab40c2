//! Numbers in text: mainland mobile and landline numbers, bank card numbers (Luhn) and resident
//! identity numbers (checksum and date).
//!
//! The text is cut into *runs*: digits (ASCII, full-width, circled, Chinese numerals 〇一二…九 幺
//! and 零壹贰…玖) that noise (spaces, dashes, dots, emoji, …; at most three in a row) holds
//! together. A run is judged whole first; when the whole is no number we know, each stretch of
//! whole digit *groups* (digits with no separator between them) is tried, longest first, so
//! `订单 123 138 1234 5678` still finds the phone number but a phone-shaped piece *inside* a longer
//! digit group (an order number) is never reported.

use dossier_model::HitKind;

use crate::normalize::{Fold, fold};

/// A number found in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberFinding {
    /// `Phone`, `Bankcard` or `Idcard`.
    pub kind: HitKind,
    /// The digits (an id card's check character as `X`), without separators or country prefix.
    pub value: String,
    /// Start in characters of the original text.
    pub start: usize,
    /// End in characters of the original text, exclusive.
    pub end: usize,
}

/// Most noise characters in a row that still hold digits together.
const MAX_GAP: usize = 3;
/// Most groups a run is searched through piece by piece (longer runs are judged whole only).
const MAX_GROUPS: usize = 48;

fn digit_of(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    if c.is_ascii() {
        return None;
    }
    let d = match c {
        '〇' | '零' | '○' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '贰' | '貳' | '两' | '兩' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => match fold(c) {
            Fold::Char(f) if f.is_ascii_digit() => f as u8 - b'0',
            _ => return None,
        },
    };
    Some(d)
}

fn is_x(c: char) -> bool {
    matches!(c, 'x' | 'X' | 'ｘ' | 'Ｘ')
}

/// One run: its digits with their original character indices, and where its groups start.
#[derive(Default)]
struct Run {
    digits: Vec<u8>,
    idx: Vec<usize>,
    group_starts: Vec<usize>,
}

/// Every phone, bank card and id card number in `text`, in order.
pub fn find_numbers(text: &str) -> Vec<NumberFinding> {
    let mut out = Vec::new();
    // Cheap exit: most messages have no digit at all.
    if !text.chars().any(|c| digit_of(c).is_some()) {
        return out;
    }
    let mut run = Run::default();
    let mut gap = 0usize;
    let mut after_digit = false;
    for (i, c) in text.chars().enumerate() {
        if let Some(d) = digit_of(c) {
            if !after_digit {
                run.group_starts.push(run.digits.len());
            }
            run.digits.push(d);
            run.idx.push(i);
            gap = 0;
            after_digit = true;
            continue;
        }
        // An id card's check character right after a digit (judged with the run).
        if after_digit && is_x(c) && run.digits.len() >= 17 {
            run.digits.push(10);
            run.idx.push(i);
            finish(&mut run, &mut out);
            gap = 0;
            after_digit = false;
            continue;
        }
        after_digit = false;
        if !run.digits.is_empty() && fold(c) == Fold::Noise && gap < MAX_GAP {
            gap += 1;
            continue;
        }
        finish(&mut run, &mut out);
        gap = 0;
    }
    finish(&mut run, &mut out);
    out
}

fn finish(run: &mut Run, out: &mut Vec<NumberFinding>) {
    if run.digits.len() >= 10 {
        judge_run(run, out);
    }
    run.digits.clear();
    run.idx.clear();
    run.group_starts.clear();
}

fn judge_run(run: &Run, out: &mut Vec<NumberFinding>) {
    if let Some(f) = classify(&run.digits, &run.idx) {
        out.push(f);
        return;
    }
    let groups = run.group_starts.len();
    if !(2..=MAX_GROUPS).contains(&groups) {
        return;
    }
    let bounds: Vec<usize> = run
        .group_starts
        .iter()
        .copied()
        .chain([run.digits.len()])
        .collect();
    let mut g = 0;
    while g < groups {
        // Longest stretch of whole groups starting at g that is a number we know.
        let found = (g + 1..=groups).rev().find_map(|h| {
            let (a, b) = (bounds[g], bounds[h]);
            if b - a < 10 || (g == 0 && h == groups) {
                return None;
            }
            classify(&run.digits[a..b], &run.idx[a..b]).map(|f| (h, f))
        });
        match found {
            Some((h, f)) => {
                out.push(f);
                g = h;
            }
            None => g += 1,
        }
    }
}

fn classify(d: &[u8], idx: &[usize]) -> Option<NumberFinding> {
    let found = |kind, from: usize| {
        let value = d[from..]
            .iter()
            .map(|&x| if x == 10 { 'X' } else { char::from(b'0' + x) })
            .collect();
        Some(NumberFinding {
            kind,
            value,
            start: idx[from],
            end: idx[idx.len() - 1] + 1,
        })
    };
    if d.len() == 18 && is_id_card(d) {
        return found(HitKind::Idcard, 0);
    }
    if d.contains(&10) {
        return None;
    }
    if (16..=19).contains(&d.len()) && is_bank_card(d) {
        return found(HitKind::Bankcard, 0);
    }
    if is_mobile(d) || is_landline(d) {
        return found(HitKind::Phone, 0);
    }
    // +86 / 0086 before a mobile number.
    for prefix in [&[0u8, 0, 8, 6][..], &[8, 6][..]] {
        if d.starts_with(prefix) && is_mobile(&d[prefix.len()..]) {
            return found(HitKind::Phone, prefix.len());
        }
    }
    None
}

/// A mainland mobile number: 11 digits, `1[3-9]…`.
pub fn is_mobile(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == 1 && (3..=9).contains(&d[1])
}

/// A mainland landline with its area code: `010`/`02x` + 7–8 digits, or `0[3-9]xx` + 7–8 digits;
/// the subscriber number does not start with 0 or 1.
pub fn is_landline(d: &[u8]) -> bool {
    if d.len() < 10 || d[0] != 0 {
        return false;
    }
    let area = match d[1] {
        1 if d[2] == 0 => 3,
        2 => 3,
        3..=9 => 4,
        _ => return false,
    };
    let sub = d.len() - area;
    (7..=8).contains(&sub) && d[area] >= 2
}

/// A bank card number: 16–19 digits, a card-issuer first digit (3–6, or 9 for old domestic
/// cards) and a valid Luhn check digit.
pub fn is_bank_card(d: &[u8]) -> bool {
    if !(16..=19).contains(&d.len()) || !matches!(d[0], 3..=6 | 9) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    matches!(sum % 10, 0)
}

/// A resident identity number (GB 11643): 17 digits and a check character (10 stands for `X`),
/// a plausible region and a real date of birth.
pub fn is_id_card(d: &[u8]) -> bool {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [u8; 11] = [1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2];
    if d.len() != 18 || d[..17].contains(&10) || !(1..=8).contains(&d[0]) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
    let (y, m, day) = (num(6..10), num(10..12), num(12..14));
    let Some(date) = chrono::NaiveDate::from_ymd_opt(y as i32, m, day) else {
        return false;
    };
    if !(1900..=2100).contains(&chrono::Datelike::year(&date)) {
        return false;
    }
    let sum: u32 = d[..17].iter().zip(W).map(|(&x, w)| u32::from(x) * w).sum();
    CHECK[(sum % 11) as usize] == d[17]
}
