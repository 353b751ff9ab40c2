//! Integration tests of dossier-rules.
