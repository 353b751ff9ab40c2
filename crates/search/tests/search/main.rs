//! dossier-search tests: one binary (see STYLE.md).

mod common;
mod incremental;
mod query_lang;
mod recall;
mod results;
