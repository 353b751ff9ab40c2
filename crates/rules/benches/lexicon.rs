//! Lexicon benchmark (filled in below).
fn main() {}
