//! The api's integration tests (one binary): browsing and search over a demo profile in a real
//! vault and index, and the generated TypeScript types.

mod browse;
mod common;
mod connect;
mod content;
mod demo;
mod export;
mod lease;
mod review;
mod search;
mod ts;
