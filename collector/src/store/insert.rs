//! Storing one event: the `events` row (idempotent on `messageId`), its warehouse-table row, the
//! identity graph and, for identify, the traits.

use super::statements::INSERT_EVENT;
use super::{identity, schema::COMMON_COLUMNS, traits};
use crate::ingest::kind::Kind;
use crate::ingest::Event;
use rusqlite::types::{ToSql, ToSqlOutput};
use rusqlite::{params, Connection};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// An event that was stored (not a duplicate).
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// Row id in `events`, increasing in commit order.
    pub seq: i64,
    /// Profile the event is attributed to when it was stored.
    pub profile_id: i64,
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

/// A column value borrowed from the event where possible (the write path avoids copies).
enum Column<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Owned(String),
}

impl ToSql for Column<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Column::Null => ToSqlOutput::from(rusqlite::types::Null),
            Column::Int(n) => ToSqlOutput::from(*n),
            Column::Text(s) => ToSqlOutput::from(*s),
            Column::Owned(s) => ToSqlOutput::from(s.as_str()),
        })
    }
}

/// A field as a column value: strings as text, objects as their pre-serialized text, other JSON as
/// its text, missing or null as NULL.
fn column<'a>(event: &'a Event, field: &str) -> Column<'a> {
    if let Some(text) = event.object_text(field) {
        return Column::Text(text);
    }
    match event.value.get(field) {
        None | Some(Value::Null) => Column::Null,
        Some(Value::String(s)) => Column::Text(s),
        Some(other) => Column::Owned(other.to_string()),
    }
}

/// Stores one event inside the writer's transaction. `Ok(None)` means its messageId was already stored.
pub fn store_event(tx: &Connection, graph: &mut identity::Graph, event: &Event, changed: &mut BTreeSet<i64>) -> rusqlite::Result<Option<StoredEvent>> {
    let inserted = tx
        .prepare_cached(INSERT_EVENT)?
        .execute(params![
            event.message_id,
            event.kind.name(),
            event.user_id,
            event.anonymous_id,
            event.received_at,
            event.timestamp,
            event.json
        ])?;
    if inserted == 0 {
        return Ok(None);
    }
    let seq = tx.last_insert_rowid();
    let profile_id = identity::observe(tx, graph, event, changed)?;
    insert_typed(tx, seq, event)?;
    if event.kind == Kind::Identify {
        traits::apply_identify(tx, event, profile_id, changed)?;
    }
    Ok(Some(StoredEvent { seq, profile_id }))
}

/// The INSERT statement of one warehouse table.
fn typed_sql(kind: Kind, extra: &[(&str, &str)]) -> String {
    let common: Vec<&str> = COMMON_COLUMNS.split(',').filter_map(|c| c.split_whitespace().next()).collect();
    let names: Vec<&str> = common.iter().copied().chain(extra.iter().map(|c| c.0)).collect();
    let marks: Vec<String> = (2..=names.len() + 1).map(|i| format!("?{i}")).collect();
    format!("INSERT INTO {} (seq, {}) VALUES (?1, {})", kind.table(), names.join(", "), marks.join(", "))
}

/// The INSERT statement of each warehouse table, built once, in [`TYPED_COLUMNS`] order.
fn typed_statements() -> &'static [String; 6] {
    static STATEMENTS: OnceLock<[String; 6]> = OnceLock::new();
    STATEMENTS.get_or_init(|| TYPED_COLUMNS.map(|(kind, extra)| typed_sql(kind, extra)))
}

fn insert_typed(tx: &Connection, seq: i64, event: &Event) -> rusqlite::Result<()> {
    let Some(at) = TYPED_COLUMNS.iter().position(|t| t.0 == event.kind) else { return Ok(()) };
    let mut values: Vec<Column> = vec![
        Column::Int(seq),
        Column::Text(&event.message_id),
        column(event, "userId"),
        column(event, "anonymousId"),
        Column::Text(&event.timestamp),
        column(event, "originalTimestamp"),
        column(event, "sentAt"),
        Column::Text(&event.received_at),
        column(event, "context"),
    ];
    values.extend(TYPED_COLUMNS[at].1.iter().map(|(_, field)| column(event, field)));
    tx.prepare_cached(&typed_statements()[at])?.execute(rusqlite::params_from_iter(values))?;
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
