//! The database schema (warehouse tables, identity graph) and connection settings.
//!
//! Tables: `events` (every stored event once, unique `message_id`: the idempotency key across the
//! single and batch endpoints), the per-type warehouse tables `tracks`, `pages`, `screens`,
//! `identifies`, `groups`, `aliases` (joined to `events` by `seq`), `users` (latest merged traits per
//! userId), `profiles` (one row per profile, `merged_into` set when it was merged away) and
//! `identities` (every anonymousId and userId seen, its profile and when it was linked).

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// Columns every warehouse table has, after `seq`.
pub const COMMON_COLUMNS: &str =
    "message_id TEXT NOT NULL, user_id TEXT, anonymous_id TEXT, timestamp TEXT, original_timestamp TEXT, \
     sent_at TEXT, received_at TEXT NOT NULL, context TEXT";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
  user_id TEXT, anonymous_id TEXT, received_at TEXT NOT NULL, timestamp TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_user ON events(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_anonymous ON events(anonymous_id) WHERE user_id IS NULL;
CREATE TABLE IF NOT EXISTS tracks (seq INTEGER PRIMARY KEY, COMMON, event TEXT NOT NULL, properties TEXT);
CREATE TABLE IF NOT EXISTS pages (seq INTEGER PRIMARY KEY, COMMON, name TEXT, category TEXT, properties TEXT);
CREATE TABLE IF NOT EXISTS screens (seq INTEGER PRIMARY KEY, COMMON, name TEXT, category TEXT, properties TEXT);
CREATE TABLE IF NOT EXISTS identifies (seq INTEGER PRIMARY KEY, COMMON, traits TEXT);
CREATE TABLE IF NOT EXISTS groups (seq INTEGER PRIMARY KEY, COMMON, group_id TEXT NOT NULL, traits TEXT);
CREATE TABLE IF NOT EXISTS aliases (seq INTEGER PRIMARY KEY, COMMON, previous_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  user_id TEXT PRIMARY KEY, anonymous_id TEXT, traits TEXT NOT NULL, first_seen TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS profiles (
  profile_id INTEGER PRIMARY KEY, merged_into INTEGER, traits TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS identities (
  kind TEXT NOT NULL, id TEXT NOT NULL, profile_id INTEGER NOT NULL, linked_at TEXT NOT NULL,
  PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS identities_by_profile ON identities(profile_id);
CREATE INDEX IF NOT EXISTS identities_by_id ON identities(id);
CREATE INDEX IF NOT EXISTS profiles_by_merged_into ON profiles(merged_into) WHERE merged_into IS NOT NULL;
";

/// How hard a commit is pushed to disk before the writer acknowledges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=NORMAL` (default): a commit is written to the WAL file before the acknowledgement,
    /// so it survives the process being killed (`kill -9`, crash); the WAL is fsynced at checkpoints,
    /// so an OS crash or power cut can lose the last commits (never corrupting the file).
    Process,
    /// `synchronous=FULL`: the WAL is fsynced at every commit, before the acknowledgement, so commits
    /// also survive power loss. Slower on disks with slow fsync.
    Power,
}

impl Durability {
    fn pragma(self) -> &'static str {
        match self {
            Durability::Process => "NORMAL",
            Durability::Power => "FULL",
        }
    }
}

/// Opens (creating if needed) the database for the writer: WAL, the given durability, a 64 MiB page
/// cache, no automatic checkpoints (see [`super::checkpoint`]), schema applied.
pub fn open_writer(path: &Path, durability: Durability) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.set_prepared_statement_cache_capacity(64); // every statement of the write path stays prepared
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", durability.pragma())?;
    conn.pragma_update(None, "cache_size", -65536)?;
    // Checkpoints run between groups (see `checkpoint`), never inside a commit.
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    apply_schema(&conn)?;
    Ok(conn)
}

/// Creates the tables and indexes that do not exist yet.
pub fn apply_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&SCHEMA.replace("COMMON", COMMON_COLUMNS))
}

/// Opens a read-only connection (WAL readers see the last commit and never block the writer).
pub fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}
