//! WAL checkpoints, kept out of commits and mostly off the writer's thread.
//!
//! The writer's connection has `wal_autocheckpoint=0`, so no COMMIT includes copying the WAL into the
//! database file — a checkpoint ends with an fsync of the database file, which takes 60–110 ms on this
//! machine's disk under load, and every request waiting for the writer would wait for it too.
//! - A checkpoint thread, on its own connection, runs a PASSIVE checkpoint every
//!   [`BACKGROUND_EVERY`]: it copies frames and fsyncs concurrently with the writer. When ingest pauses
//!   it completes, and the writer's next transaction restarts the WAL from its beginning
//!   (`journal_size_limit` then trims the file).
//! - Under a sustained load the WAL cannot restart (the writer never stops appending), so it grows.
//!   The writer looks at its size every [`WRITER_EVERY`], after answering a group, and above
//!   [`WAL_RESTART_BYTES`] completes a checkpoint itself (a pause of one fsync, once per 256 MiB of WAL).
//!   The two never checkpoint at the same time (a shared lock).

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How often the checkpoint thread copies the WAL back.
pub const BACKGROUND_EVERY: Duration = Duration::from_millis(50);
/// How often the writer looks at the WAL's size.
pub const WRITER_EVERY: Duration = Duration::from_millis(500);
/// WAL size above which the writer completes a checkpoint itself so the WAL can restart.
pub const WAL_RESTART_BYTES: u64 = 256 * 1024 * 1024;

fn passive(conn: &Connection) {
    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
}

/// The writer's side: when it last looked, the WAL file, and the lock shared with the thread.
pub struct Checkpointer {
    last: Instant,
    wal: PathBuf,
    lock: Arc<Mutex<()>>,
}

impl Checkpointer {
    /// Starts the checkpoint thread for the database at `path` (created by the writer already).
    pub fn start(path: &Path) -> rusqlite::Result<Checkpointer> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let lock = Arc::new(Mutex::new(()));
        let shared = lock.clone();
        thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || loop {
                thread::sleep(BACKGROUND_EVERY);
                let _held = shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                passive(&conn);
            })
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        Ok(Checkpointer { last: Instant::now(), wal: PathBuf::from(wal), lock })
    }

    /// Completes a checkpoint on the writer's connection when the WAL has grown past
    /// [`WAL_RESTART_BYTES`]. Call between groups, after answering them.
    pub fn maybe_run(&mut self, writer: &Connection) {
        if self.last.elapsed() < WRITER_EVERY {
            return;
        }
        self.last = Instant::now();
        if std::fs::metadata(&self.wal).map(|m| m.len()).unwrap_or(0) < WAL_RESTART_BYTES {
            return;
        }
        let _held = match self.lock.lock() {
            Ok(held) => held,
            Err(poisoned) => poisoned.into_inner(),
        };
        passive(writer);
    }
}
