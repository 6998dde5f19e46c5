//! Storing one event: the `events` row (idempotent on `messageId`), its warehouse-table row, the
//! identity graph and, for identify, the traits.

use super::{identity, schema::COMMON_COLUMNS, traits};
use crate::ingest::kind::Kind;
use crate::ingest::Event;
use rusqlite::{params, types::Value as Sql, Connection};
use serde_json::Value;
use std::collections::BTreeSet;

/// An event that was stored (not a duplicate).
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// Row id in `events`, increasing in commit order.
    pub seq: i64,
    /// Profile the event is attributed to when it was stored.
    pub profile_id: i64,
    /// The stored JSON.
    pub json: String,
}

/// Type-specific warehouse columns: (kind, [(column, event field)]).
const TYPED_COLUMNS: [(Kind, &[(&str, &str)]); 6] = [
    (Kind::Track, &[("event", "event"), ("properties", "properties")]),
    (Kind::Page, &[("name", "name"), ("category", "category"), ("properties", "properties")]),
    (Kind::Screen, &[("name", "name"), ("category", "category"), ("properties", "properties")]),
    (Kind::Identify, &[("traits", "traits")]),
    (Kind::Group, &[("group_id", "groupId"), ("traits", "traits")]),
    (Kind::Alias, &[("previous_id", "previousId")]),
];

/// A field as a column value: strings as text, other JSON as its text, missing or null as NULL.
fn column(value: Option<&Value>) -> Sql {
    match value {
        None | Some(Value::Null) => Sql::Null,
        Some(Value::String(s)) => Sql::Text(s.clone()),
        Some(other) => Sql::Text(other.to_string()),
    }
}

/// Stores one event inside the writer's transaction. `Ok(None)` means its messageId was already stored.
pub fn store_event(tx: &Connection, event: &Event, changed: &mut BTreeSet<i64>) -> rusqlite::Result<Option<StoredEvent>> {
    let json = event.value.to_string();
    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO events (message_id, type, user_id, anonymous_id, received_at, timestamp, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            event.message_id,
            event.kind.name(),
            event.user_id,
            event.anonymous_id,
            event.received_at,
            event.timestamp,
            json
        ])?;
    if inserted == 0 {
        return Ok(None);
    }
    let seq = tx.last_insert_rowid();
    let profile_id = identity::observe(tx, event, changed)?;
    insert_typed(tx, seq, event)?;
    if event.kind == Kind::Identify {
        traits::apply_identify(tx, event, profile_id, changed)?;
    }
    Ok(Some(StoredEvent { seq, profile_id, json }))
}

/// The INSERT statement of one warehouse table.
fn typed_sql(kind: Kind, extra: &[(&str, &str)]) -> String {
    let common: Vec<&str> = COMMON_COLUMNS.split(',').filter_map(|c| c.split_whitespace().next()).collect();
    let names: Vec<&str> = common.iter().copied().chain(extra.iter().map(|c| c.0)).collect();
    let marks: Vec<String> = (2..=names.len() + 1).map(|i| format!("?{i}")).collect();
    format!("INSERT INTO {} (seq, {}) VALUES (?1, {})", kind.table(), names.join(", "), marks.join(", "))
}

fn insert_typed(tx: &Connection, seq: i64, event: &Event) -> rusqlite::Result<()> {
    let extra = TYPED_COLUMNS.iter().find(|t| t.0 == event.kind).map(|t| t.1).unwrap_or(&[]);
    let v = &event.value;
    let mut values: Vec<Sql> = vec![
        Sql::Integer(seq),
        Sql::Text(event.message_id.clone()),
        column(v.get("userId")),
        column(v.get("anonymousId")),
        Sql::Text(event.timestamp.clone()),
        column(v.get("originalTimestamp")),
        column(v.get("sentAt")),
        Sql::Text(event.received_at.clone()),
        column(v.get("context")),
    ];
    values.extend(extra.iter().map(|(_, field)| column(v.get(*field))));
    tx.prepare_cached(&typed_sql(event.kind, extra))?.execute(rusqlite::params_from_iter(values))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_sql_lists_every_column_once() {
        let sql = typed_sql(Kind::Track, TYPED_COLUMNS[0].1);
        assert_eq!(
            sql,
            "INSERT INTO tracks (seq, message_id, user_id, anonymous_id, timestamp, original_timestamp, sent_at, \
             received_at, context, event, properties) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        );
    }
}
