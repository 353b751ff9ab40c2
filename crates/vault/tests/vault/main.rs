//! The vault's integration tests (one binary).

mod canary;
mod common;
mod counts;
mod crash;
mod db;
mod evidence;
mod index;
mod keyring;
mod media;
mod profile;
