//! Trait state: the `users` table (latest merged traits per userId, like Segment's warehouse) and each
//! profile's merged traits. Merging is shallow: a later identify's top-level keys replace earlier ones;
//! "later" means later received.

use super::statements::{PROFILE_TRAITS, SET_PROFILE_TRAITS, UPSERT_USER, USER_TRAITS};
use crate::ingest::Event;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// `base` with `over`'s top-level keys on top.
pub fn merged(base: &Map<String, Value>, over: &Map<String, Value>) -> Map<String, Value> {
    let mut out = base.clone();
    for (k, v) in over {
        out.insert(k.clone(), v.clone());
    }
    out
}

fn parse(text: Option<String>) -> Map<String, Value> {
    match text.and_then(|t| serde_json::from_str::<Value>(&t).ok()) {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// A profile's traits (`{}` when none).
pub fn profile_traits(tx: &Connection, profile: i64) -> rusqlite::Result<Map<String, Value>> {
    let text: Option<String> = tx
        .prepare_cached(PROFILE_TRAITS)?
        .query_row(params![profile], |r| r.get(0))
        .optional()?;
    Ok(parse(text))
}

/// Replaces a profile's traits.
pub fn set_profile_traits(tx: &Connection, profile: i64, traits: &Map<String, Value>, at: &str) -> rusqlite::Result<()> {
    let text = Value::Object(traits.clone()).to_string();
    tx.prepare_cached(SET_PROFILE_TRAITS)?
        .execute(params![profile, text, at])?;
    Ok(())
}

/// Applies an identify's traits to its profile and, when it has a userId, to the `users` row.
pub fn apply_identify(tx: &Connection, event: &Event, profile: i64, changed: &mut BTreeSet<i64>) -> rusqlite::Result<()> {
    let traits = match event.value.get("traits") {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    let at = event.received_at.as_str();
    let profile_now = merged(&profile_traits(tx, profile)?, &traits);
    set_profile_traits(tx, profile, &profile_now, at)?;
    changed.insert(profile);
    let Some(user) = event.user_id.as_deref() else { return Ok(()) };
    let old: Option<String> = tx
        .prepare_cached(USER_TRAITS)?
        .query_row(params![user], |r| r.get(0))
        .optional()?;
    let user_now = Value::Object(merged(&parse(old), &traits)).to_string();
    tx.prepare_cached(UPSERT_USER)?
    .execute(params![user, event.anonymous_id, user_now, at])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_merge_later_wins() {
        let obj = |s: &str| serde_json::from_str::<Map<String, Value>>(s).unwrap();
        let cases = [
            ("{}", "{}", "{}"),
            (r#"{"a":1}"#, r#"{"b":2}"#, r#"{"a":1,"b":2}"#),
            (r#"{"a":1,"n":{"x":1}}"#, r#"{"a":2,"n":{"y":2}}"#, r#"{"a":2,"n":{"y":2}}"#),
        ];
        for (base, over, want) in cases {
            assert_eq!(merged(&obj(base), &obj(over)), obj(want), "{base} + {over}");
        }
    }
}
