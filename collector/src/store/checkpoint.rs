//! WAL checkpoints, run by the writer between groups instead of inside a commit.
//!
//! The writer's connection has `wal_autocheckpoint=0`, so a COMMIT never includes copying the WAL into
//! the database file (which would delay the acknowledgements of that group). Instead, after answering a
//! group, the writer runs a PASSIVE checkpoint when [`EVERY`] has passed since the last one. As the
//! only writer it always completes it, so the next transaction restarts the WAL from its beginning and
//! the WAL stays at a few MiB under a sustained load (`journal_size_limit` trims it after spikes).

use rusqlite::Connection;
use std::time::{Duration, Instant};

/// How often the writer checkpoints (at ~25k events/s that is ~10 MiB of WAL per checkpoint).
pub const EVERY: Duration = Duration::from_millis(250);

/// When the writer last checkpointed.
pub struct Checkpointer {
    last: Instant,
}

impl Default for Checkpointer {
    fn default() -> Self {
        Checkpointer { last: Instant::now() }
    }
}

impl Checkpointer {
    /// Runs a PASSIVE checkpoint if [`EVERY`] has passed; call between groups, after answering.
    pub fn maybe_run(&mut self, conn: &Connection) {
        if self.last.elapsed() >= EVERY {
            let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            self.last = Instant::now();
        }
    }
}
