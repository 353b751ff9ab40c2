//! Sync benchmark (filled in below).
fn main() {}
