//! Progress of a sync, for the UI's bar and the CLI's line.

use std::time::Duration;

/// What the sync is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Bringing the index up to the vault after an interrupted sync.
    Recovering,
    /// Pulling and applying the feed.
    Syncing,
    /// Final index commit.
    Finishing,
    /// Done.
    Done,
}

/// One progress report. Counts are of this run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Progress {
    /// Phase.
    pub phase: Phase,
    /// Feed records applied.
    pub records: u64,
    /// Messages among them.
    pub messages: u64,
    /// Bytes received (compressed, as on the wire).
    pub bytes: u64,
    /// The vault's cursor when this run started.
    pub start: i64,
    /// The vault's cursor.
    pub cursor: i64,
    /// The server's newest seq, as last reported.
    pub head: i64,
    /// Messages per second so far.
    pub rate: f64,
    /// Estimated time left, when it can be told.
    pub eta: Option<Duration>,
}

impl Progress {
    /// Fraction done of this run's seq range, 0..=1.
    pub fn fraction(&self) -> f64 {
        if self.head <= self.start {
            return 1.0;
        }
        ((self.cursor - self.start) as f64 / (self.head - self.start) as f64).clamp(0.0, 1.0)
    }
}
