//! Decrypted archive text can hold raw control characters inside JSON strings (FORMAT-NOTES §1.3),
//! which strict JSON forbids. Other tools strip them; we escape them, so the text is preserved.

use std::borrow::Cow;

/// Escapes raw control characters (U+0000–U+001F) that occur inside JSON strings as `\u00XX`.
/// Control characters outside strings are left alone (tab and CR are whitespace there; anything
/// else stays an error for the parser to report). Returns the input untouched when there is none.
pub(crate) fn escape_controls_in_strings(line: &str) -> Cow<'_, str> {
    if !line.bytes().any(|b| b < 0x20) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    for c in line.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if (c as u32) < 0x20 {
                out.push_str(&format!("\\u{:04x}", c as u32));
                continue;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_inside_strings() {
        let line = "{\"a\":\"x\u{1}y\\\"\tz\",\t\"b\":1}";
        assert_eq!(
            escape_controls_in_strings(line),
            "{\"a\":\"x\\u0001y\\\"\\u0009z\",\t\"b\":1}"
        );
        let v: serde_json::Value = serde_json::from_str(&escape_controls_in_strings(line)).unwrap();
        assert_eq!(v["a"], "x\u{1}y\"\tz");
    }

    #[test]
    fn clean_lines_are_borrowed() {
        assert!(matches!(
            escape_controls_in_strings("{\"a\":\"b\"}"),
            Cow::Borrowed(_)
        ));
    }
}
