use std::fmt;

/// Why a piece of WeCom JSON could not be read: the field at fault and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    /// The field at fault as a path (`msgtime`, `text.content`, `chatrecord.item[1].content`);
    /// empty when the input is not JSON at all.
    pub field: String,
    /// What was wrong.
    pub reason: String,
}

impl ParseError {
    pub(crate) fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn missing(field: impl Into<String>) -> Self {
        Self::new(field, "missing")
    }

    /// Prefixes the field path with its parent (`item[0]` + `content` → `item[0].content`).
    pub(crate) fn within(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }

    /// From a serde_json error on the value of `field`.
    pub(crate) fn json(field: &str, err: &serde_json::Error) -> Self {
        // serde_json's message names a nested field (`missing field `content``) but not ours; its
        // line/column are relative to the fragment, so they are dropped.
        let text = err.to_string();
        let reason = match text.rfind(" at line ") {
            Some(i) if !field.is_empty() => text[..i].to_owned(),
            // The whole line: its column is worth reporting.
            Some(i) => format!("invalid JSON: {} at column {}", &text[..i], err.column()),
            None => text,
        };
        Self::new(field, reason)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.field, self.reason)
        }
    }
}
