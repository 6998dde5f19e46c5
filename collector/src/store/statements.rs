//! Every SQL statement the writer runs per stored event, in one place, so one test can hold all of them
//! to the rule that keeps ingest fast at any size: **no per-event statement scans a table** — each is a
//! primary-key or index lookup (checked with `EXPLAIN QUERY PLAN`), so a request's cost depends on the
//! rows it touches, never on how many profiles or events exist. Must not import anything but `rusqlite`.

/// Stores an event once (`messageId` is the idempotency key).
pub const INSERT_EVENT: &str = "INSERT OR IGNORE INTO events (message_id, type, user_id, anonymous_id, received_at, timestamp, json)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
/// The profile of one id.
pub const LOOKUP_IDENTITY: &str = "SELECT profile_id FROM identities WHERE kind = ?1 AND id = ?2";
/// Whether a profile has a userId.
pub const IS_IDENTIFIED: &str = "SELECT 1 FROM identities WHERE profile_id = ?1 AND kind = 'userId' LIMIT 1";
/// A new, empty profile.
pub const CREATE_PROFILE: &str = "INSERT INTO profiles (traits, created_at, updated_at) VALUES ('{}', ?1, ?1)";
/// Links an id to a profile.
pub const LINK_IDENTITY: &str = "INSERT INTO identities (kind, id, profile_id, linked_at) VALUES (?1, ?2, ?3, ?4)";
/// Marks a profile changed.
pub const TOUCH_PROFILE: &str = "UPDATE profiles SET updated_at = ?2 WHERE profile_id = ?1";
/// Merge: the loser's ids move to the winner.
pub const MOVE_IDENTITIES: &str = "UPDATE identities SET profile_id = ?2, linked_at = ?3 WHERE profile_id = ?1";
/// Merge: the loser is marked merged into the winner.
pub const MARK_MERGED: &str = "UPDATE profiles SET merged_into = ?2, updated_at = ?3 WHERE profile_id = ?1";
/// Merge: profiles merged into the loser earlier now point at the winner (so `merged_into` names a live profile).
pub const REPOINT_MERGED: &str = "UPDATE profiles SET merged_into = ?2, updated_at = ?3 WHERE merged_into = ?1";
/// A profile's traits.
pub const PROFILE_TRAITS: &str = "SELECT traits FROM profiles WHERE profile_id = ?1";
/// Replaces a profile's traits.
pub const SET_PROFILE_TRAITS: &str = "UPDATE profiles SET traits = ?2, updated_at = ?3 WHERE profile_id = ?1";
/// A user's traits.
pub const USER_TRAITS: &str = "SELECT traits FROM users WHERE user_id = ?1";
/// Creates or updates a `users` row.
pub const UPSERT_USER: &str = "INSERT INTO users (user_id, anonymous_id, traits, first_seen, received_at) VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT(user_id) DO UPDATE SET traits = excluded.traits, received_at = excluded.received_at,
           anonymous_id = COALESCE(excluded.anonymous_id, users.anonymous_id)";

/// Every statement above (the typed warehouse INSERTs are plain inserts by primary key).
pub const PER_EVENT: [&str; 13] = [
    INSERT_EVENT,
    LOOKUP_IDENTITY,
    IS_IDENTIFIED,
    CREATE_PROFILE,
    LINK_IDENTITY,
    TOUCH_PROFILE,
    MOVE_IDENTITIES,
    MARK_MERGED,
    REPOINT_MERGED,
    PROFILE_TRAITS,
    SET_PROFILE_TRAITS,
    USER_TRAITS,
    UPSERT_USER,
];

#[cfg(test)]
mod tests {
    use super::super::schema;
    use super::PER_EVENT;
    use rusqlite::Connection;

    /// The query plan of `sql`, one line per step.
    fn plan(conn: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let count = stmt.parameter_count();
        let params: Vec<i64> = vec![1; count];
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect()
    }

    #[test]
    fn no_per_event_statement_scans_a_table() {
        let conn = Connection::open_in_memory().unwrap();
        schema::apply_schema(&conn).unwrap();
        conn.execute_batch("ANALYZE").unwrap();
        for sql in PER_EVENT {
            let steps = plan(&conn, sql);
            eprintln!("{}\n  -> {steps:?}", sql.split_whitespace().collect::<Vec<_>>().join(" "));
            assert!(steps.iter().all(|s| !s.starts_with("SCAN")), "{sql} scans: {steps:?}");
        }
    }
}
