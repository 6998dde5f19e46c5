//! WAL checkpoints off the writer's path.
//!
//! The writer runs with `wal_autocheckpoint=0`, so a commit never stalls on copying the WAL into the
//! database file. This thread, on its own connection, runs a PASSIVE checkpoint every [`EVERY`],
//! concurrently with the writer, so the copying overlaps with the writer's work. The writer completes
//! a checkpoint itself every half second after answering a group (only the last few frames are left
//! by then), which lets the WAL restart from its beginning. If the WAL still grows past
//! [`RESTART_FRAMES`], this thread runs a RESTART checkpoint, which briefly holds the writer.

use rusqlite::Connection;
use std::path::Path;
use std::thread;
use std::time::Duration;

/// How often the checkpointer looks at the WAL.
pub const EVERY: Duration = Duration::from_millis(200);
/// WAL frames (pages) beyond which the checkpointer forces a restart: 64 MiB of 4 KiB pages.
pub const RESTART_FRAMES: i64 = 16_384;

/// Starts the checkpointer thread for the database at `path` (already created by the writer).
pub fn start(path: &Path) -> rusqlite::Result<()> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    thread::Builder::new()
        .name("wal-checkpoint".into())
        .spawn(move || loop {
            thread::sleep(EVERY);
            if let Ok(frames) = checkpoint(&conn, "PASSIVE") {
                if frames > RESTART_FRAMES {
                    let _ = checkpoint(&conn, "RESTART");
                }
            }
        })
        .map(|_| ())
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Runs one checkpoint and returns the WAL's size in frames when it started.
fn checkpoint(conn: &Connection, mode: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| row.get::<_, i64>(1))
}
