//! The error every command rejects with. It crosses IPC as `{code, message}` (DESIGN.md).

use serde::ser::SerializeStruct;

/// What went wrong in a command, in terms the UI can act on.
#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    /// The shell answered, but the feature behind the command does not exist yet.
    #[error("{what} is not available yet: {why}")]
    NotAvailable {
        /// The feature that was asked for.
        what: &'static str,
        /// Why it is missing, for the reviewer reading the message.
        why: &'static str,
    },
}

impl ShellError {
    /// Stable machine-readable code; the UI switches on it (`ui/src/lib/backend/types.ts`).
    pub fn code(&self) -> &'static str {
        match self {
            ShellError::NotAvailable { .. } => "not_available",
        }
    }
}

impl serde::Serialize for ShellError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ShellError", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message() {
        let error = ShellError::NotAvailable {
            what: "the demo archive",
            why: "the demo generator is not wired into the app yet",
        };
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "not_available",
                "message": "the demo archive is not available yet: \
                            the demo generator is not wired into the app yet",
            })
        );
    }
}
