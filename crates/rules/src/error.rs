//! Errors of the rules crate.

/// What can go wrong compiling rules or reading inputs handed to the detectors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rules file that is not valid JSON of the expected shape (user error).
    #[error("rules file: {0}")]
    RulesFile(String),
    /// A rule without a name (user error).
    #[error("rule {index}: the name is empty")]
    EmptyRuleName {
        /// Position of the rule in the file.
        index: usize,
    },
    /// A word or exclusion made only of spaces, punctuation or symbols (user error).
    #[error("rule {rule:?}: {word:?} has no letters or digits, so it can never match")]
    EmptyWord {
        /// The rule's name.
        rule: String,
        /// The word as written.
        word: String,
    },
    /// The automaton could not be built (internal: for example out of memory for a DFA).
    #[error("building the automaton: {0}")]
    Automaton(String),
    /// Image bytes that could not be decoded (user error: not an image, or truncated).
    #[error("image: {0}")]
    Image(String),
    /// A working calendar that makes no sense (user error).
    #[error("working calendar: {0}")]
    Calendar(String),
}
