//! Text normalisation shared by the rules and by search.
//!
//! [`normalize`] folds a text the way an evader cannot get around: Unicode NFKC (full-width →
//! half-width, circled and mathematical letters and digits → plain ones, compatibility ideographs),
//! lower case, traditional → simplified Chinese (OpenCC's `TSCharacters` table), and it drops
//! *noise* — every character that is neither a letter nor a digit: spaces, punctuation, symbols,
//! emoji, control and zero-width/format characters, stray combining marks. Letters and digits are
//! never dropped, so a letter inserted between the characters of a word still breaks a match.
//!
//! Every normalised character remembers the index of the original character it came from, so a
//! match in the normalised text maps back to an exact span of the original, in Unicode characters.
//!
//! The folding of each character is precomputed once per process for the first two Unicode planes
//! (a table lookup per character); other characters are folded on the fly.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// The OpenCC traditional → simplified character table (see `data/opencc/README.md`).
const TS_CHARACTERS: &str = include_str!("../data/opencc/TSCharacters.txt");

/// How one original character folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// Noise: dropped from the normalised text.
    Noise,
    /// Folds to one character (often itself).
    Char(char),
    /// Folds to several characters (NFKC expansions such as `㍿` → `株式会社`, `ﬁ` → `fi`).
    Str(&'static str),
}

/// A normalised text and its map back to the original.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text: folded, noise removed.
    pub text: String,
    /// For each character of `text`, the index (in characters) of the original character it came
    /// from. Non-decreasing; equal neighbours come from one expanded original character.
    pub map: Vec<u32>,
}

impl Normalized {
    /// The index in characters of `text` of the character that starts at byte `byte`.
    pub fn char_index(&self, byte: usize) -> usize {
        // Count the bytes that start a UTF-8 sequence (everything but continuation bytes).
        self.text.as_bytes()[..byte]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count()
    }

    /// The span of the original text, in characters, end exclusive, that the normalised bytes
    /// `start..end` (a non-empty match on character boundaries) came from.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.char_index(start);
        let count = self.text[start..end].chars().count().max(1);
        self.original_char_span(first, first + count)
    }

    /// The span of the original text, in characters, end exclusive, that the normalised characters
    /// `first..end` (non-empty) came from.
    pub fn original_char_span(&self, first: usize, end: usize) -> (usize, usize) {
        (self.map[first] as usize, self.map[end - 1] as usize + 1)
    }

    /// Whether noise was skipped just before normalised character `i` (or `i` is the first).
    pub fn gap_before(&self, i: usize) -> bool {
        i == 0 || self.map[i] > self.map[i - 1] + 1
    }

    /// Empties both parts, keeping their capacity.
    pub fn clear(&mut self) {
        self.text.clear();
        self.map.clear();
    }
}

/// Normalises `text` (see the module documentation).
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        map: Vec::with_capacity(text.len() / 2),
    };
    normalize_into(text, &mut out);
    out
}

/// How ASCII folds: the lower-case letter or the digit, or 0 for noise. The same as the table
/// (NFKC leaves ASCII alone, no ASCII character is traditional), without the lookup.
const ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Normalises `text` into `out`, replacing its contents and reusing its buffers.
///
/// Most characters fold to themselves (Chinese text is mostly simplified already): those are not
/// re-encoded one by one but copied in runs, from the last character that changed or was dropped
/// to the next one.
pub fn normalize_into(text: &str, out: &mut Normalized) {
    out.clear();
    // Upper bounds: the text never grows but through rare expansions, and has at most as many
    // characters as bytes; with the room reserved, the pushes below never reallocate.
    out.text.reserve(text.len());
    out.map.reserve(text.len());
    let table = table();
    // Start (in bytes) of the run of unchanged characters not yet copied.
    let mut run = 0;
    for (i, (at, c)) in text.char_indices().enumerate() {
        let i = i as u32;
        let f = if c.is_ascii() {
            match ASCII_FOLD[c as usize] {
                0 => Fold::Noise,
                f if f == c as u8 => {
                    out.map.push(i);
                    continue;
                }
                f => Fold::Char(f as char),
            }
        } else {
            match table.chars.get(c as usize) {
                Some(&f) if f == NOISE => Fold::Noise,
                Some(&f) if f == MULTI => table.fold_multi(c),
                Some(&f) if f == c => {
                    out.map.push(i);
                    continue;
                }
                Some(&f) => Fold::Char(f),
                None => fold_uncached(c, table),
            }
        };
        // `c` changes or goes: copy the run before it, then its folding.
        out.text.push_str(&text[run..at]);
        run = at + c.len_utf8();
        match f {
            Fold::Noise => {}
            Fold::Char(f) => {
                out.text.push(f);
                out.map.push(i);
            }
            Fold::Str(s) => {
                for f in s.chars() {
                    out.text.push(f);
                    out.map.push(i);
                }
            }
        }
    }
    out.text.push_str(&text[run..]);
}

/// Folds `text` like [`normalize`] but keeps the noise: the form search matches substrings in.
///
/// Letters and digits fold exactly as in [`normalize`] (NFKC, lower case, traditional →
/// simplified). Noise is kept, folded by NFKC and lower case only (full-width `！` → `!`), with two
/// exceptions so invisible differences never hide a hit: every run of white space (including line
/// breaks and the ideographic space) becomes one `' '`, and control and invisible format characters
/// (zero-width space and joiners, bidi marks, variation selectors, soft hyphen, BOM) are dropped.
///
/// Each character folds on its own, so the folding of a substring is a substring of the folding
/// (white space runs aside, which fold the same either way). The map works as in [`normalize`].
pub fn fold_keep_noise(text: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        map: Vec::with_capacity(text.len() / 2),
    };
    fold_keep_noise_into(text, &mut out);
    out
}

/// [`fold_keep_noise`] into `out`, replacing its contents and reusing its buffers.
pub fn fold_keep_noise_into(text: &str, out: &mut Normalized) {
    out.clear();
    out.text.reserve(text.len());
    out.map.reserve(text.len());
    let mut space = false;
    for (i, c) in text.chars().enumerate() {
        let i = i as u32;
        if c.is_ascii() {
            match ASCII_FOLD[c as usize] {
                0 if c.is_ascii_whitespace() => push_space(out, &mut space, i),
                0 if c.is_ascii_control() => {}
                0 => push_kept(out, &mut space, c, i),
                f => push_kept(out, &mut space, f as char, i),
            }
            continue;
        }
        match fold(c) {
            Fold::Char(f) => push_kept(out, &mut space, f, i),
            Fold::Str(s) => {
                for f in s.chars() {
                    push_kept(out, &mut space, f, i);
                }
            }
            Fold::Noise => {
                if c.is_whitespace() {
                    push_space(out, &mut space, i);
                } else if !is_invisible(c) {
                    for d in std::iter::once(c).nfkc() {
                        for l in d.to_lowercase() {
                            if l.is_whitespace() {
                                push_space(out, &mut space, i);
                            } else if !is_invisible(l) {
                                push_kept(out, &mut space, l, i);
                            }
                        }
                    }
                }
            }
        }
    }
}

fn push_space(out: &mut Normalized, space: &mut bool, i: u32) {
    if !*space {
        out.text.push(' ');
        out.map.push(i);
        *space = true;
    }
}

fn push_kept(out: &mut Normalized, space: &mut bool, c: char, i: u32) {
    out.text.push(c);
    out.map.push(i);
    *space = false;
}

/// Control characters and invisible format characters: dropped by [`fold_keep_noise`].
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{E0000}'..='\u{E0FFF}')
}

/// The normalised form of a word or phrase: [`normalize`] without the map.
pub fn normalize_word(word: &str) -> String {
    normalize(word).text
}

/// How `c` folds.
pub fn fold(c: char) -> Fold {
    let table = table();
    match table.chars.get(c as usize) {
        Some(&f) if f == NOISE => Fold::Noise,
        Some(&f) if f == MULTI => table.fold_multi(c),
        Some(&f) => Fold::Char(f),
        None => fold_uncached(c, table),
    }
}

/// Whether `c` is noise: neither a letter nor a digit once folded (spaces, punctuation, symbols,
/// emoji, control, zero-width and other format characters, stray combining marks).
pub fn is_noise(c: char) -> bool {
    fold(c) == Fold::Noise
}

/// Traditional → simplified for one character (OpenCC `TSCharacters`, first candidate); other
/// characters are returned unchanged.
pub fn to_simplified(c: char) -> char {
    table().t2s.get(&c).copied().unwrap_or(c)
}

/// Sentinels in the per-character table. Both are noncharacters, which fold to noise themselves,
/// so they can never be a real folding.
const NOISE: char = '\u{FFFF}';
const MULTI: char = '\u{FFFE}';

/// How many characters the precomputed table covers: the BMP and plane 1 (emoji, mathematical
/// alphanumerics).
const TABLE_LEN: usize = 0x2_0000;

struct Table {
    chars: Vec<char>,
    multi: HashMap<char, &'static str>,
    t2s: HashMap<char, char>,
}

impl Table {
    fn fold_multi(&self, c: char) -> Fold {
        self.multi.get(&c).map_or(Fold::Noise, |s| Fold::Str(s))
    }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build_table)
}

fn parse_t2s() -> HashMap<char, char> {
    let mut t2s = HashMap::with_capacity(4200);
    for line in TS_CHARACTERS.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split('\t');
        let (Some(from), Some(to)) = (parts.next(), parts.next()) else {
            continue;
        };
        let mut from_chars = from.chars();
        let (Some(from), None) = (from_chars.next(), from_chars.next()) else {
            continue;
        };
        if let Some(to) = to.split(' ').next().and_then(|t| {
            let mut cs = t.chars();
            cs.next().filter(|_| cs.next().is_none())
        }) {
            t2s.insert(from, to);
        }
    }
    t2s
}

fn build_table() -> Table {
    let t2s = parse_t2s();
    let mut table = Table {
        chars: Vec::with_capacity(TABLE_LEN),
        multi: HashMap::new(),
        t2s,
    };
    let mut buf = Vec::new();
    for cp in 0..TABLE_LEN as u32 {
        let Some(c) = char::from_u32(cp) else {
            table.chars.push(NOISE);
            continue;
        };
        buf.clear();
        fold_chars(c, &table.t2s, &mut buf);
        match buf.as_slice() {
            [] => table.chars.push(NOISE),
            [f] => table.chars.push(*f),
            many => {
                let s: String = many.iter().collect();
                table.multi.insert(c, Box::leak(s.into_boxed_str()));
                table.chars.push(MULTI);
            }
        }
    }
    table
}

/// The folding pipeline for one character: NFKC, lower case, traditional → simplified, then
/// noise removal.
fn fold_chars(c: char, t2s: &HashMap<char, char>, out: &mut Vec<char>) {
    for d in std::iter::once(c).nfkc() {
        for l in d.to_lowercase() {
            let s = t2s.get(&l).copied().unwrap_or(l);
            if s.is_alphanumeric() {
                out.push(s);
            }
        }
    }
}

fn fold_uncached(c: char, table: &Table) -> Fold {
    let mut buf = Vec::new();
    fold_chars(c, &table.t2s, &mut buf);
    match buf.as_slice() {
        [] => Fold::Noise,
        [f] => Fold::Char(*f),
        // Expansions outside the first two planes are vanishingly rare; keep the first character
        // rather than leak memory per call.
        [f, ..] => Fold::Char(*f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opencc_table_parses() {
        let t2s = parse_t2s();
        assert!(t2s.len() > 4000, "{}", t2s.len());
        assert_eq!(t2s[&'證'], '证');
        assert_eq!(t2s[&'乾'], '干');
    }

    #[test]
    fn folds() {
        assert_eq!(normalize("保證 ＶＸ！").text, "保证vx");
        assert_eq!(normalize("保\u{200B}本").map, vec![0, 2]);
        assert_eq!(fold('㍿'), Fold::Str("株式会社"));
        assert_eq!(fold('😀'), Fold::Noise);
        assert_eq!(fold('𝐕'), Fold::Char('v'));
        assert_eq!(fold('⑨'), Fold::Char('9'));
        assert_eq!(fold('𠀀'), Fold::Char('𠀀'));
    }

    #[test]
    fn runs_of_unchanged_characters_are_copied_around_changes() {
        let n = normalize("ＡＢ保證，收益 ok\u{FFFF}㍿!");
        assert_eq!(n.text, "ab保证收益ok株式会社");
        assert_eq!(n.map, vec![0, 1, 2, 3, 5, 6, 8, 9, 11, 11, 11, 11]);
        // Every character of a long text against the per-character folding.
        let text: String = (0x20u32..0x3_0000).filter_map(char::from_u32).collect();
        let want: String = text
            .chars()
            .map(|c| match fold(c) {
                Fold::Noise => String::new(),
                Fold::Char(f) => f.to_string(),
                Fold::Str(s) => s.to_string(),
            })
            .collect();
        assert_eq!(normalize(&text).text, want);
    }

    #[test]
    fn keep_noise_folds_letters_like_normalize_and_keeps_visible_noise() {
        let n = fold_keep_noise("保證 \u{3000}\n ＶＸ！😀\u{200B}a\u{FE0F}㍿");
        assert_eq!(n.text, "保证 vx!😀a株式会社");
        assert_eq!(n.map, vec![0, 1, 2, 6, 7, 8, 9, 11, 13, 13, 13, 13]);
        // Letters and digits are exactly what `normalize` keeps.
        let text = "Ｈｅｌｌｏ，世界！這是 ＶＸ：１３８ 1234 😀";
        let kept: String = fold_keep_noise(text)
            .text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        assert_eq!(kept, normalize(text).text);
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_table() {
        for b in 0u8..128 {
            let c = b as char;
            let want = match fold_uncached(c, table()) {
                Fold::Char(f) => f.to_string(),
                _ => String::new(),
            };
            assert_eq!(normalize(&c.to_string()).text, want, "{c:?}");
        }
    }
}
