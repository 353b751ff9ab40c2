//! dossier-search tests: one binary (see STYLE.md).

mod common;
mod filters;
mod incremental;
mod query_lang;
mod recall;
mod results;
