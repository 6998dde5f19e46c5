//! Read queries behind the JSON API: recent events, profiles, one profile with its timeline and ids.
//!
//! Every list is a page: at most [`MAX_LIMIT`] items, and a `next` cursor (the last item's `seq` or
//! profile number, `null` on the last page) to pass back as `before=` / `after=`. Each page is an index
//! range, so its cost does not depend on how much came before it.
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
/// Ids listed in a profile summary (the rest: `/api/profiles/{id}/identities`).
pub const SUMMARY_IDS: usize = 100;

/// Where a page starts: after/before this key, at most `limit` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Exclusive bound (`seq` or profile number); `None` for the first page.
    pub from: Option<i64>,
    /// Items wanted (capped at [`MAX_LIMIT`]).
    pub limit: usize,
}

impl Page {
    fn limit(&self) -> i64 {
        self.limit.clamp(1, MAX_LIMIT) as i64
    }

    /// The cursor of the page after one that ended with `last` and held `count` items.
    fn next(&self, count: usize, last: Option<i64>) -> Value {
        if count as i64 >= self.limit() { json!(last) } else { Value::Null }
    }
}

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

    /// `{"events":[...],"next":seq|null}`: newest first, each with its `seq`, older than `page.from`.
    pub fn recent_events(&self, page: Page) -> rusqlite::Result<Value> {
        let conn = self.open()?;
        let mut stmt = conn.prepare("SELECT seq, json FROM events WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2")?;
        let rows = stmt.query_map(params![page.from.unwrap_or(i64::MAX), page.limit()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let rows = rows.collect::<Result<Vec<_>, _>>()?;
        let next = page.next(rows.len(), rows.last().map(|r| r.0));
        let events: Vec<Value> = rows.into_iter().map(|(seq, j)| with_seq(seq, &j)).collect();
        Ok(json!({ "events": events, "next": next }))
    }

    /// `{"profiles":[...],"next":n|null}`: live (not merged-away) profiles, newest first, numbered
    /// below `page.from`.
    pub fn profiles(&self, page: Page) -> rusqlite::Result<Value> {
        let conn = self.open()?;
        let mut stmt = conn.prepare("SELECT profile_id FROM profiles WHERE merged_into IS NULL AND profile_id < ?1 ORDER BY profile_id DESC LIMIT ?2")?;
        let ids: Vec<i64> = stmt.query_map(params![page.from.unwrap_or(i64::MAX), page.limit()], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let next = page.next(ids.len(), ids.last().copied());
        let mut profiles = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(summary) = profile_summary(&conn, id)? {
                profiles.push(summary);
            }
        }
        Ok(json!({ "profiles": profiles, "next": next }))
    }

    /// One profile found by any member id (userId first, then anonymousId) or by its profile number,
    /// with one page of its timeline (oldest first, after `page.from`) as `timeline` and its cursor as
    /// `timelineNext`. Merged-away profiles resolve to the profile they joined.
    pub fn profile(&self, key: &str, page: Page) -> rusqlite::Result<Option<Value>> {
        let conn = self.open()?;
        let Some(id) = resolve(&conn, key)? else { return Ok(None) };
        let Some(mut summary) = profile_summary(&conn, id)? else { return Ok(None) };
        let timeline = timeline_page(&conn, id, page)?;
        let next = page.next(timeline.len(), timeline.last().and_then(|e| e["seq"].as_i64()));
        if let Value::Object(map) = &mut summary {
            map.insert("timeline".into(), Value::Array(timeline));
            map.insert("timelineNext".into(), next);
        }
        Ok(Some(summary))
    }

    /// `{"identities":[{type,id,linkedAt}...],"next":n|null}`: a profile's ids in the order they were
    /// linked; the cursor is the number of ids listed so far.
    pub fn identities(&self, key: &str, page: Page) -> rusqlite::Result<Option<Value>> {
        let conn = self.open()?;
        let Some(id) = resolve(&conn, key)? else { return Ok(None) };
        let skip = page.from.unwrap_or(0).max(0);
        let members = members(&conn, id, page.limit(), skip)?;
        let next = page.next(members.len(), Some(skip + members.len() as i64));
        let identities: Vec<Value> = members.iter().map(|(k, i, at)| json!({"type": k, "id": i, "linkedAt": at})).collect();
        Ok(Some(json!({ "profileId": id, "identities": identities, "next": next })))
    }
}

/// A page of a profile's `(kind, id, linked_at)`, in the order they were linked.
fn members(conn: &Connection, id: i64, limit: i64, skip: i64) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT kind, id, linked_at FROM identities WHERE profile_id = ?1 ORDER BY linked_at, kind, id LIMIT ?2 OFFSET ?3")?;
    let rows = stmt.query_map(params![id, limit, skip], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
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

/// `{profileId, mergedInto, userIds, anonymousIds, identities, moreIdentities, traits, createdAt,
/// updatedAt}`: the first [`SUMMARY_IDS`] ids (`moreIdentities` says whether there are others).
pub fn profile_summary(conn: &Connection, id: i64) -> rusqlite::Result<Option<Value>> {
    let row = conn
        .prepare_cached("SELECT merged_into, traits, created_at, updated_at FROM profiles WHERE profile_id = ?1")?
        .query_row(params![id], |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))
        .optional()?;
    let Some((merged_into, traits, created_at, updated_at)) = row else { return Ok(None) };
    let mut members = members(conn, id, SUMMARY_IDS as i64 + 1, 0)?;
    let more = members.len() > SUMMARY_IDS;
    members.truncate(SUMMARY_IDS);
    let ids_of = |kind: &str| -> Vec<Value> { members.iter().filter(|m| m.0 == kind).map(|m| json!(m.1)).collect() };
    let identities: Vec<Value> = members.iter().map(|(k, i, at)| json!({"type": k, "id": i, "linkedAt": at})).collect();
    let mut out = Map::new();
    out.insert("profileId".into(), json!(id));
    out.insert("mergedInto".into(), json!(merged_into));
    out.insert("userIds".into(), Value::Array(ids_of(USER)));
    out.insert("anonymousIds".into(), Value::Array(ids_of(ANONYMOUS)));
    out.insert("identities".into(), Value::Array(identities));
    out.insert("moreIdentities".into(), json!(more));
    out.insert("traits".into(), parse_json(&traits));
    out.insert("createdAt".into(), json!(created_at));
    out.insert("updatedAt".into(), json!(updated_at));
    Ok(Some(Value::Object(out)))
}

/// A page of a profile's events, oldest first, after `page.from`.
pub fn timeline_page(conn: &Connection, id: i64, page: Page) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, json FROM events
         WHERE (user_id IN (SELECT id FROM identities WHERE profile_id = ?1 AND kind = 'userId')
            OR (user_id IS NULL AND anonymous_id IN (SELECT id FROM identities WHERE profile_id = ?1 AND kind = 'anonymousId')))
           AND seq > ?2
         ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![id, page.from.unwrap_or(0), page.limit()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?.into_iter().map(|(seq, j)| with_seq(seq, &j)).collect())
}

/// Every event of a profile, oldest first (tests and small profiles; the API pages).
pub fn timeline(conn: &Connection, id: i64) -> rusqlite::Result<Vec<Value>> {
    timeline_page(conn, id, Page { from: None, limit: MAX_LIMIT })
}
