//! Identity-graph rules on an in-memory database, one scenario per row.

use super::super::{insert::store_event, read, schema};
use crate::ingest::kind::Kind;
use crate::ingest::normalize::{normalize, Arrival};
use rusqlite::Connection;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// One call: (type, userId, anonymousId, previousId for alias).
type Call = (Kind, Option<&'static str>, Option<&'static str>, Option<&'static str>);

fn run(calls: &[Call]) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    schema::apply_schema(&conn).unwrap();
    let mut graph = super::Graph::default();
    for (i, (kind, user, anonymous, previous)) in calls.iter().enumerate() {
        let mut body = json!({"event": "E", "messageId": format!("m{i}"), "traits": {"step": i}});
        body["userId"] = json!(user);
        body["anonymousId"] = json!(anonymous);
        if let Some(p) = previous {
            body["previousId"] = json!(p);
        }
        let Value::Object(map) = body else { unreachable!() };
        let event = normalize(*kind, map, None, &Arrival { now_ms: 1_000 + i as i64, ip: None }).unwrap();
        store_event(&conn, &mut graph, &event, &mut BTreeSet::new()).unwrap();
    }
    conn
}

fn profile_of(conn: &Connection, id: &str) -> Option<i64> {
    read::resolve(conn, id).unwrap()
}

fn timeline_ids(conn: &Connection, id: &str) -> Vec<String> {
    let p = profile_of(conn, id).unwrap();
    read::timeline(conn, p).unwrap().iter().map(|e| e["messageId"].as_str().unwrap().to_string()).collect()
}

const T: Kind = Kind::Track;
const I: Kind = Kind::Identify;

#[test]
fn scenario_1_anonymous_history_joins_on_sign_up() {
    let c = run(&[(T, None, Some("a1"), None), (T, None, Some("a1"), None), (I, Some("u1"), Some("a1"), None), (T, Some("u1"), Some("a1"), None)]);
    assert_eq!(profile_of(&c, "a1"), profile_of(&c, "u1"));
    assert_eq!(timeline_ids(&c, "u1"), ["m0", "m1", "m2", "m3"]);
}

#[test]
fn scenario_2_device_that_never_logs_in_stays_separate() {
    let c = run(&[(T, None, Some("web"), None), (I, Some("u1"), Some("web"), None), (T, None, Some("phone"), None)]);
    assert_ne!(profile_of(&c, "phone"), profile_of(&c, "u1"));
    assert_eq!(timeline_ids(&c, "phone"), ["m2"]);
}

#[test]
fn scenario_3_second_device_that_logs_in_joins() {
    let c = run(&[
        (T, None, Some("web"), None),
        (I, Some("u1"), Some("web"), None),
        (T, None, Some("phone"), None),
        (I, Some("u1"), Some("phone"), None),
    ]);
    assert_eq!(profile_of(&c, "phone"), profile_of(&c, "u1"));
    assert_eq!(profile_of(&c, "web"), profile_of(&c, "u1"));
    assert_eq!(timeline_ids(&c, "u1"), ["m0", "m1", "m2", "m3"]);
    let merged_away: i64 = c.query_row("SELECT COUNT(*) FROM profiles WHERE merged_into IS NOT NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(merged_away, 1);
}

#[test]
fn shared_device_never_merges_two_users() {
    let c = run(&[
        (T, None, Some("kiosk"), None),
        (I, Some("alice"), Some("kiosk"), None),
        (I, Some("bob"), Some("kiosk"), None),
        (T, Some("bob"), Some("kiosk"), None),
    ]);
    assert_ne!(profile_of(&c, "alice"), profile_of(&c, "bob"));
    assert_eq!(profile_of(&c, "kiosk"), profile_of(&c, "alice"));
    assert_eq!(timeline_ids(&c, "alice"), ["m0", "m1"]);
    assert_eq!(timeline_ids(&c, "bob"), ["m2", "m3"]);
}

#[test]
fn alias_links_previous_id_even_across_users() {
    let c = run(&[(T, None, Some("a1"), None), (Kind::Alias, Some("u1"), None, Some("a1"))]);
    assert_eq!(profile_of(&c, "a1"), profile_of(&c, "u1"));
    let c = run(&[(I, Some("old"), None, None), (Kind::Alias, Some("new"), None, Some("old")), (T, Some("new"), None, None)]);
    assert_eq!(profile_of(&c, "old"), profile_of(&c, "new"));
    assert_eq!(timeline_ids(&c, "new"), ["m0", "m1", "m2"]);
    let c = run(&[(Kind::Alias, Some("u9"), None, Some("never-seen"))]);
    assert_eq!(profile_of(&c, "never-seen"), profile_of(&c, "u9"));
}

#[test]
fn traits_merge_into_profile_and_users_table() {
    let c = run(&[(I, None, Some("a1"), None), (I, Some("u1"), Some("a1"), None)]);
    let p = profile_of(&c, "u1").unwrap();
    let summary = read::profile_summary(&c, p).unwrap().unwrap();
    assert_eq!(summary["traits"], json!({"step": 1}));
    assert_eq!(summary["userIds"], json!(["u1"]));
    assert_eq!(summary["anonymousIds"], json!(["a1"]));
    let users: String = c.query_row("SELECT traits FROM users WHERE user_id = 'u1'", [], |r| r.get(0)).unwrap();
    assert_eq!(users, r#"{"step":1}"#);
}

#[test]
fn profile_numbers_of_merged_profiles_resolve_to_the_survivor() {
    let c = run(&[(T, None, Some("a1"), None), (T, Some("u1"), None, None), (T, Some("u1"), Some("a1"), None)]);
    let survivor = profile_of(&c, "u1").unwrap();
    assert_eq!(profile_of(&c, "1"), Some(survivor));
    assert_eq!(profile_of(&c, "nobody"), None);
}
