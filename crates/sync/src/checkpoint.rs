//! WAL checkpoints beside the writer: after each round commits, a thread copies the WAL into the
//! database file while the writer goes on with the next round. On the writer's thread the
//! checkpoints of a 1M-message sync stopped it for about 1.5 s (a copy and an fsync per round).
//!
//! SQLite reuses the WAL from its start only when a write transaction begins on a fully copied
//! WAL, and the next round begins as the checkpoint starts, so the WAL grows while a sync runs.
//! Once it holds more than [`WAL_LIMIT_BYTES`], the writer waits for a checkpoint before its next
//! round, which then starts the WAL over. At the end the WAL is emptied.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::Scope;

use dossier_vault::{Db, PAGE_SIZE};

use crate::error::{Error, Result};

/// The WAL may grow to about this much (plus one round) before the writer waits for it.
pub(crate) const WAL_LIMIT_BYTES: u64 = 512 << 20;

/// A checkpoint request; with an answer channel when the writer waits for it.
type Request = Option<SyncSender<()>>;

/// The writer's handle on the checkpoint thread. Dropping it stops the thread after the
/// checkpoint it runs.
pub(crate) struct Checkpointer {
    requests: SyncSender<Request>,
    /// Frames the WAL held at the last checkpoint.
    wal_frames: Arc<AtomicU64>,
}

impl Checkpointer {
    /// Starts the thread in `scope`.
    pub fn start<'s>(scope: &'s Scope<'s, '_>, db: &'s Db) -> Result<Checkpointer> {
        // One request waiting is enough: a checkpoint copies everything committed before it.
        let (requests, rx) = sync_channel::<Request>(1);
        let wal_frames = Arc::new(AtomicU64::new(0));
        let frames = wal_frames.clone();
        std::thread::Builder::new()
            .name("dossier-checkpoint".into())
            .spawn_scoped(scope, move || run(db, &rx, &frames))
            .map_err(|e| Error::Internal(format!("could not start the checkpointer: {e}")))?;
        Ok(Checkpointer { requests, wal_frames })
    }

    /// After a round committed: asks for a checkpoint, and waits for it when the WAL has grown
    /// past its limit (so the next round starts the WAL over).
    pub fn after_round(&self) {
        let frames = self.wal_frames.load(Ordering::Relaxed);
        if frames * u64::from(PAGE_SIZE) < WAL_LIMIT_BYTES {
            let _ = self.requests.try_send(None);
            return;
        }
        let (done, wait) = sync_channel(1);
        if self.requests.send(Some(done)).is_ok() {
            let _ = wait.recv();
        }
    }
}

fn run(db: &Db, requests: &Receiver<Request>, wal_frames: &AtomicU64) {
    for request in requests {
        match db.checkpoint_passive() {
            Ok(frames) => wal_frames.store(frames, Ordering::Relaxed),
            // The next checkpoint (or the vault's own) copies what this one did not.
            Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed"),
        }
        if let Some(done) = request {
            let _ = done.send(());
        }
    }
}
