//! [`GramTokenizer`]: a unigram and a bigram at every character, with real positions.
//!
//! For the text `abc` it emits `a`@0, `ab`@0, `b`@1, `bc`@1, `c`@2. A substring of one character is
//! then a term query on its unigram, of two a term query on its bigram, of n ≥ 3 a phrase query
//! over its n − 1 overlapping bigrams at offsets 0..n−1 — a match exactly where the substring
//! occurs, so recall equals a substring scan. The text it sees is already folded
//! ([`dossier_rules::fold_keep_noise`]); the tokenizer does no folding of its own.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the tokenizer is registered under on the index.
pub const GRAM_TOKENIZER: &str = "dossier_gram";

/// Unigrams and bigrams of characters (module documentation).
#[derive(Clone, Copy, Debug, Default)]
pub struct GramTokenizer;

/// The token stream of [`GramTokenizer`].
pub struct GramStream<'a> {
    text: &'a str,
    /// Byte offset of the current character.
    at: usize,
    /// Whether the unigram at `at` was emitted and the bigram is next.
    bigram_next: bool,
    position: usize,
    token: Token,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        GramStream {
            text,
            at: 0,
            bigram_next: false,
            position: 0,
            token: Token::default(),
        }
    }
}

fn char_len(text: &str, at: usize) -> Option<usize> {
    text[at..].chars().next().map(char::len_utf8)
}

impl GramStream<'_> {
    fn emit(&mut self, end: usize) {
        self.token.offset_from = self.at;
        self.token.offset_to = end;
        self.token.position = self.position;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[self.at..end]);
    }
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        if self.bigram_next {
            self.bigram_next = false;
            let Some(first) = char_len(self.text, self.at) else {
                return false;
            };
            let next = self.at + first;
            if let Some(second) = char_len(self.text, next) {
                self.emit(next + second);
                self.at = next;
                self.position += 1;
                return true;
            }
            // The last character: no bigram.
            self.at = next;
            self.position += 1;
        }
        let Some(len) = char_len(self.text, self.at) else {
            return false;
        };
        self.emit(self.at + len);
        self.bigram_next = true;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize)> {
        let mut t = GramTokenizer;
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    #[test]
    fn unigrams_and_bigrams_with_positions() {
        let want: Vec<(String, usize)> = [("保", 0), ("保证", 0), ("证", 1), ("证😀", 1), ("😀", 2)]
            .iter()
            .map(|(t, p)| ((*t).to_owned(), *p))
            .collect();
        assert_eq!(tokens("保证😀"), want);
        assert_eq!(tokens("a"), vec![("a".to_owned(), 0)]);
        assert!(tokens("").is_empty());
    }
}
