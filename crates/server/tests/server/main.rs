//! dossier-server tests: ingest, the real HTTP server on loopback, and the scope property.

mod api;
mod fixture;
mod ingest;
mod scope_prop;
