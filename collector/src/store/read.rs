//! Read queries behind the JSON API: recent events, profiles, one profile with its timeline.
//!
//! A profile's timeline is every event whose `userId` is one of its userIds, plus every event without a
//! userId whose `anonymousId` is one of its anonymousIds (see [`super::identity`] for why).

use super::identity::{ANONYMOUS, USER};
use super::schema;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// Opens a fresh read-only connection per request (cheap; WAL readers never block the writer).
#[derive(Clone)]
pub struct Reader {
    path: PathBuf,
}

/// Upper bound for `?limit=`.
pub const MAX_LIMIT: usize = 1000;

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

impl Reader {
    /// A reader of the database at `path`.
    pub fn new(path: &Path) -> Reader {
        Reader { path: path.to_path_buf() }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        schema::open_reader(&self.path)
    }

    /// `{"events":[...]}`, newest first, each with its `seq`.
    pub fn recent_events(&self, limit: usize) -> rusqlite::Result<Value> {
        let conn = self.open()?;
        let mut stmt = conn.prepare("SELECT seq, json FROM events ORDER BY seq DESC LIMIT ?1")?;
        let rows = stmt.query_map(params![limit.min(MAX_LIMIT) as i64], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let events: Vec<Value> = rows.collect::<Result<Vec<_>, _>>()?.into_iter().map(|(seq, j)| with_seq(seq, &j)).collect();
        Ok(json!({ "events": events }))
    }

    /// `{"profiles":[...]}`: live (not merged-away) profiles, newest first.
    pub fn profiles(&self, limit: usize) -> rusqlite::Result<Value> {
        let conn = self.open()?;
        let mut stmt = conn.prepare("SELECT profile_id FROM profiles WHERE merged_into IS NULL ORDER BY profile_id DESC LIMIT ?1")?;
        let ids: Vec<i64> = stmt.query_map(params![limit.min(MAX_LIMIT) as i64], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let mut profiles = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(summary) = profile_summary(&conn, id)? {
                profiles.push(summary);
            }
        }
        Ok(json!({ "profiles": profiles }))
    }

    /// One profile found by any member id (userId first, then anonymousId) or by its profile number,
    /// with its timeline (oldest first). Merged-away profiles resolve to the profile they joined.
    pub fn profile(&self, key: &str) -> rusqlite::Result<Option<Value>> {
        let conn = self.open()?;
        let Some(id) = resolve(&conn, key)? else { return Ok(None) };
        let Some(mut summary) = profile_summary(&conn, id)? else { return Ok(None) };
        let timeline = timeline(&conn, id)?;
        if let Value::Object(map) = &mut summary {
            map.insert("timeline".into(), Value::Array(timeline));
        }
        Ok(Some(summary))
    }
}

fn with_seq(seq: i64, json: &str) -> Value {
    let mut value = parse_json(json);
    if let Value::Object(map) = &mut value {
        map.insert("seq".into(), json!(seq));
    }
    value
}

/// The live profile for a member id or profile number.
pub fn resolve(conn: &Connection, key: &str) -> rusqlite::Result<Option<i64>> {
    let by_member: Option<i64> = conn
        .query_row("SELECT profile_id FROM identities WHERE id = ?1 ORDER BY kind = 'userId' DESC LIMIT 1", params![key], |r| r.get(0))
        .optional()?;
    if by_member.is_some() {
        return Ok(by_member);
    }
    let Ok(number) = key.parse::<i64>() else { return Ok(None) };
    conn.query_row("SELECT COALESCE(merged_into, profile_id) FROM profiles WHERE profile_id = ?1", params![number], |r| r.get(0))
        .optional()
}

/// `{profileId, mergedInto, userIds, anonymousIds, identities, traits, createdAt, updatedAt}`.
pub fn profile_summary(conn: &Connection, id: i64) -> rusqlite::Result<Option<Value>> {
    let row = conn
        .prepare_cached("SELECT merged_into, traits, created_at, updated_at FROM profiles WHERE profile_id = ?1")?
        .query_row(params![id], |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))
        .optional()?;
    let Some((merged_into, traits, created_at, updated_at)) = row else { return Ok(None) };
    let mut stmt = conn.prepare_cached("SELECT kind, id, linked_at FROM identities WHERE profile_id = ?1 ORDER BY linked_at, kind, id")?;
    let members: Vec<(String, String, String)> =
        stmt.query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    let ids_of = |kind: &str| -> Vec<Value> { members.iter().filter(|m| m.0 == kind).map(|m| json!(m.1)).collect() };
    let identities: Vec<Value> = members.iter().map(|(k, i, at)| json!({"type": k, "id": i, "linkedAt": at})).collect();
    let mut out = Map::new();
    out.insert("profileId".into(), json!(id));
    out.insert("mergedInto".into(), json!(merged_into));
    out.insert("userIds".into(), Value::Array(ids_of(USER)));
    out.insert("anonymousIds".into(), Value::Array(ids_of(ANONYMOUS)));
    out.insert("identities".into(), Value::Array(identities));
    out.insert("traits".into(), parse_json(&traits));
    out.insert("createdAt".into(), json!(created_at));
    out.insert("updatedAt".into(), json!(updated_at));
    Ok(Some(Value::Object(out)))
}

/// Every event of a profile, oldest first.
pub fn timeline(conn: &Connection, id: i64) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, json FROM events
         WHERE user_id IN (SELECT id FROM identities WHERE profile_id = ?1 AND kind = 'userId')
            OR (user_id IS NULL AND anonymous_id IN (SELECT id FROM identities WHERE profile_id = ?1 AND kind = 'anonymousId'))
         ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?.into_iter().map(|(seq, j)| with_seq(seq, &j)).collect())
}
