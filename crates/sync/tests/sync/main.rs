//! dossier-sync tests: a real archive server on loopback, the real vault and index.

mod auth;
mod common;
mod faults;
mod full;
mod kill;
mod media;
mod outbox;
mod scope;
