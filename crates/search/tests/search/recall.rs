//! Exact recall: the index finds exactly the messages a brute-force substring scan over the folded
//! texts finds (`fold_keep_noise(text).contains(fold_keep_noise(query))`), on thousands of random
//! queries over demo messages in an encrypted vault index.

use std::sync::OnceLock;

use dossier_rules::fold_keep_noise;
use dossier_search::{ParseErrorKind, Query, SearchIndex};
use dossier_vault::{Queries, Vault};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::common::{demo_messages, new_vault, store, text_message};

/// Texts with the cases a substring scan must agree on: width, case, traditional, emoji (with
/// joiners and variation selectors), punctuation, white-space runs, invisible characters,
/// expansions, repeated characters, the query language's own syntax.
pub const TRICKY: &[&str] = &[
    "加我vx：abc123，保證收益😀😀",
    "ＶＸ１３８ １２３４ 联系",
    "保\u{200B}证 收益",
    "㍿ 株式会社 ﬁle",
    "哈哈哈哈哈",
    "a  b\t\tc\n\nd",
    "微信(vx) \"quoted\" back\\slash",
    "電話：138-1234-5678",
    "AND OR NOT and or not",
    "❤\u{FE0F} love 👨\u{200D}👩\u{200D}👧",
    "",
    "x",
    "保证收益，稳赚不赔！！！",
];

pub struct Fixture {
    _dir: tempfile::TempDir,
    _vault: Vault,
    pub index: SearchIndex,
    /// (row id, original text, folded text)
    pub rows: Vec<(i64, String, String)>,
}

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let (dir, vault) = new_vault();
        let index = SearchIndex::open(&vault).unwrap();
        let mut messages: Vec<_> = demo_messages(7, 2500)
            .into_iter()
            .map(|m| (m, (false, false)))
            .collect();
        for (i, t) in TRICKY.iter().enumerate() {
            let m = text_message(
                90_000_000 + i as u64,
                "zhangsan",
                &["wmcust1"],
                None,
                1_700_000_000_000,
                t,
            );
            messages.push((m, (false, false)));
        }
        // Two batches, two commits: the index has more than one segment.
        let half = messages.len() / 2;
        store(&vault, &index, 1, &messages[..half]);
        store(&vault, &index, 2, &messages[half..]);
        let ids: Vec<i64> = vault
            .db()
            .read(|r| {
                let mut stmt = r.sql().prepare("SELECT id FROM messages ORDER BY id")?;
                let ids = stmt.query_map([], |row| row.get(0))?;
                Ok(ids.collect::<Result<_, _>>()?)
            })
            .unwrap();
        let rows = vault
            .db()
            .read(|r| r.messages_by_ids(&ids))
            .unwrap()
            .into_iter()
            .map(|m| {
                let folded = fold_keep_noise(&m.text).text;
                (m.id, m.text, folded)
            })
            .collect();
        Fixture {
            _dir: dir,
            _vault: vault,
            index,
            rows,
        }
    })
}

impl Fixture {
    /// The oracle: rows whose folded text contains the folded query.
    pub fn scan(&self, query: &str) -> Vec<i64> {
        let q = fold_keep_noise(query).text;
        self.rows
            .iter()
            .filter(|(_, _, folded)| folded.contains(q.as_str()))
            .map(|(id, _, _)| *id)
            .collect()
    }

    /// Checks one query both ways (literal and through the parser as a quoted phrase); returns
    /// the number of hits.
    pub fn check(&self, query: &str) -> usize {
        let want = self.scan(query);
        let q = match Query::substring(query) {
            Ok(q) => q,
            Err(e) => {
                assert_eq!(e.kind, ParseErrorKind::EmptyText, "{query:?}");
                assert!(fold_keep_noise(query).text.is_empty(), "{query:?}");
                return 0;
            }
        };
        let got = self.index.matching_ids(&q).unwrap();
        assert_eq!(
            got,
            want,
            "query {query:?} (folded {:?})",
            fold_keep_noise(query).text
        );
        let quoted = format!("\"{}\"", query.replace('\\', "\\\\").replace('"', "\\\""));
        assert_eq!(Query::parse(&quoted).unwrap(), q, "{quoted:?}");
        want.len()
    }
}

fn random_substring(rng: &mut ChaCha8Rng, rows: &[(i64, String, String)]) -> String {
    loop {
        let (_, text, _) = &rows[rng.random_range(0..rows.len())];
        let chars: Vec<char> = text.chars().collect();
        if chars.is_empty() {
            continue;
        }
        let len = rng.random_range(1..=8usize).min(chars.len());
        let start = rng.random_range(0..=chars.len() - len);
        return chars[start..start + len].iter().collect();
    }
}

/// Upper case and full width for ASCII letters and digits: folds back to the same query.
fn disguise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => char::from_u32(0xFF21 + (c as u32 - 'a' as u32)).unwrap_or(c),
            '0'..='9' => char::from_u32(0xFF10 + (c as u32 - '0' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

const POOL: &[char] = &[
    '保', '证', '收', '益', '微', '信', '加', '我', '赚', '钱', '哈', '的', '了', 'v', 'x', 'a', 'z', 'q',
    '1', '3', '8', '0', '😀', '🙃', '，', '。', '!', ':', ' ', '-', '(', '"', '證', 'Ｖ',
];

#[test]
fn random_substrings_find_exactly_what_a_scan_finds() {
    let f = fixture();
    assert!(f.rows.len() > 2000, "{}", f.rows.len());
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut found = 0;
    let n = 2000;
    for i in 0..n {
        let q = random_substring(&mut rng, &f.rows);
        let q = if i % 5 == 0 { disguise(&q) } else { q };
        if f.check(&q) > 0 {
            found += 1;
        }
    }
    // Substrings of the corpus occur (the invisible-only ones fold to nothing).
    assert!(found > n * 95 / 100, "{found} of {n}");
}

#[test]
fn strings_that_occur_nowhere_find_nothing_and_pool_strings_agree() {
    let f = fixture();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut empty = 0;
    for _ in 0..600 {
        let len = rng.random_range(1..=8usize);
        let q: String = (0..len).map(|_| POOL[rng.random_range(0..POOL.len())]).collect();
        if f.check(&q) == 0 {
            empty += 1;
        }
    }
    assert!(empty > 200, "{empty}");
    for q in ["zzqxj", "保证收益率", "😀🙃", "不存在的字符串"] {
        assert_eq!(f.check(q), 0, "{q}");
    }
}

#[test]
fn tricky_texts_are_found_through_their_foldings() {
    let f = fixture();
    for (q, at_least) in [
        ("vx:abc", 1),
        ("保证收益", 2),
        ("保證", 2),
        ("😀😀", 1),
        ("，保证", 1),
        ("vx138 1234", 1),
        ("138 1234", 1),
        ("VX138", 1),
        ("保证 收益", 1),
        ("株式会社", 1),
        ("式会", 1),
        ("fi", 1),
        ("哈哈哈哈", 1),
        ("哈哈哈哈哈", 1),
        ("a b c d", 1),
        ("(vx) \"quoted\" back\\", 1),
        ("电话:138-1234", 1),
        ("AND OR", 1),
        ("❤ love 👨👩", 1),
        ("！！", 1),
    ] {
        assert!(f.check(q) >= at_least, "{q:?}");
    }
    // Only invisible characters: nothing to search for.
    assert_eq!(
        Query::substring("\u{200B}\u{FE0F}").unwrap_err().kind,
        ParseErrorKind::EmptyText
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn any_substring_of_any_row(row in any::<prop::sample::Index>(), start in any::<prop::sample::Index>(), len in 1usize..=8) {
        let f = fixture();
        let (_, text, _) = &f.rows[row.index(f.rows.len())];
        let chars: Vec<char> = text.chars().collect();
        prop_assume!(!chars.is_empty());
        let len = len.min(chars.len());
        let start = start.index(chars.len() - len + 1);
        let q: String = chars[start..start + len].iter().collect();
        f.check(&q);
    }

    #[test]
    fn any_string_of_pool_characters(q in "[保证收益微信加我哈vxVX0-9😀，。! :()-]{1,6}") {
        fixture().check(&q);
    }
}
