//! A lexicon: many words compiled into one Aho-Corasick automaton over normalised text.
//!
//! Words are normalised like the text ([`crate::normalize`]), deduplicated, and searched with
//! overlapping semantics, so a word inside a longer word (保本 inside 保本保息) is found too. A
//! match maps back to the exact span of the original text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::Error;
use crate::normalize::{Normalized, normalize_word};

/// Which automaton to build. Both give the same matches; they trade memory for speed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// A DFA while the words total at most [`DFA_MAX_PATTERN_BYTES`] (10,000 Chinese words of
    /// 2–4 characters: a DFA of about 30 MB, 1.3–1.4× the NFA's speed in `benches/lexicon.rs`),
    /// a contiguous NFA (about 1 MB) beyond.
    #[default]
    Auto,
    /// A contiguous NFA: compact, a little slower.
    ContiguousNfa,
    /// A DFA: fastest, memory grows quickly with the lexicon.
    Dfa,
}

/// Up to this many bytes of words, [`Engine::Auto`] builds a DFA. Measured: 10,000 words of
/// 90–105 KB gave DFAs of 28–34 MB; the bound keeps the DFA under roughly 45 MB.
pub const DFA_MAX_PATTERN_BYTES: usize = 128 * 1024;

/// One occurrence of a lexicon word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LexMatch {
    /// The word's id: its index in [`Lexicon::words`].
    pub word: usize,
    /// Start in characters of the original text.
    pub start: usize,
    /// End in characters of the original text, exclusive.
    pub end: usize,
    /// Start in characters of the normalised text.
    pub norm_start: usize,
    /// End in characters of the normalised text, exclusive.
    pub norm_end: usize,
}

/// Compiled words.
#[derive(Clone, Debug)]
pub struct Lexicon {
    ac: AhoCorasick,
    words: Vec<String>,
    /// Per word: its length in characters, and whether its first / last character is an ASCII
    /// letter (see [`Lexicon::find`]).
    info: Vec<WordInfo>,
}

#[derive(Clone, Copy, Debug)]
struct WordInfo {
    chars: u32,
    ascii_first: bool,
    ascii_last: bool,
}

impl Lexicon {
    /// Compiles `words` (already normalised with [`normalize_word`], deduplicated, non-empty).
    /// Use [`LexiconBuilder`] to add raw words.
    pub fn new(words: Vec<String>, engine: Engine) -> Result<Self, Error> {
        let kind = match engine {
            Engine::Auto => {
                let bytes: usize = words.iter().map(String::len).sum();
                Some(if bytes <= DFA_MAX_PATTERN_BYTES {
                    AhoCorasickKind::DFA
                } else {
                    AhoCorasickKind::ContiguousNFA
                })
            }
            Engine::ContiguousNfa => Some(AhoCorasickKind::ContiguousNFA),
            Engine::Dfa => Some(AhoCorasickKind::DFA),
        };
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(&words)
            .map_err(|e| Error::Automaton(e.to_string()))?;
        let info = words
            .iter()
            .map(|w| WordInfo {
                chars: w.chars().count() as u32,
                ascii_first: w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()),
                ascii_last: w.chars().next_back().is_some_and(|c| c.is_ascii_alphabetic()),
            })
            .collect();
        Ok(Self { ac, words, info })
    }

    /// The normalised words, by id.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Heap memory of the automaton, in bytes.
    pub fn memory_usage(&self) -> usize {
        self.ac.memory_usage()
    }

    /// Every occurrence of every word in `norm` (the normalised form of a text), overlapping
    /// ones included, in order of their end. A word that begins (ends) with an ASCII letter does
    /// not match right after (before) another ASCII letter that no noise separates from it, so
    /// `vx` is found in `加vx` and `v x` but not inside `dvxa`.
    pub fn find(&self, norm: &Normalized, mut f: impl FnMut(LexMatch)) {
        let bytes = norm.text.as_bytes();
        // Characters counted so far, to turn byte offsets into character indices without
        // rescanning from the start for every match.
        let mut counted_bytes = 0;
        let mut counted_chars = 0;
        for m in self.ac.find_overlapping_iter(&norm.text) {
            let word = m.pattern().as_usize();
            let WordInfo {
                chars,
                ascii_first,
                ascii_last,
            } = self.info[word];
            if ascii_first
                && m.start() > 0
                && bytes[m.start() - 1].is_ascii_alphabetic()
                && !norm.gap_before(char_at(norm, m.start(), &mut counted_bytes, &mut counted_chars))
            {
                continue;
            }
            if ascii_last
                && m.end() < bytes.len()
                && bytes[m.end()].is_ascii_alphabetic()
                && !norm.gap_before(char_at(norm, m.end(), &mut counted_bytes, &mut counted_chars))
            {
                continue;
            }
            let norm_start = char_at(norm, m.start(), &mut counted_bytes, &mut counted_chars);
            let norm_end = norm_start + chars as usize;
            let (start, end) = norm.original_char_span(norm_start, norm_end);
            f(LexMatch {
                word,
                start,
                end,
                norm_start,
                norm_end,
            });
        }
    }
}

/// Character index of byte `byte`, counting forwards from the last position asked for when it
/// can (overlapping matches come in order of their end, so starts move back a little at most).
fn char_at(norm: &Normalized, byte: usize, counted_bytes: &mut usize, counted_chars: &mut usize) -> usize {
    if byte >= *counted_bytes {
        let extra = norm.text.as_bytes()[*counted_bytes..byte]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        *counted_bytes = byte;
        *counted_chars += extra;
        *counted_chars
    } else {
        let back = norm.text.as_bytes()[byte..*counted_bytes]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        *counted_chars - back
    }
}

/// Collects raw words, normalises and deduplicates them.
#[derive(Clone, Debug, Default)]
pub struct LexiconBuilder {
    words: Vec<String>,
    index: std::collections::HashMap<String, usize>,
}

impl LexiconBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a raw word and returns its id, or `None` when it normalises to nothing (only noise).
    pub fn add(&mut self, raw: &str) -> Option<usize> {
        let word = normalize_word(raw);
        if word.is_empty() {
            return None;
        }
        if let Some(&id) = self.index.get(&word) {
            return Some(id);
        }
        let id = self.words.len();
        self.index.insert(word.clone(), id);
        self.words.push(word);
        Some(id)
    }

    /// How many distinct words so far.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word was added.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Compiles the automaton.
    pub fn build(self, engine: Engine) -> Result<Lexicon, Error> {
        Lexicon::new(self.words, engine)
    }
}
