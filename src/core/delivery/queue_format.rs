//! The persisted form of the queue in localStorage: key names and the versioned text formats.
//!
//! Layout v2 (written): one localStorage item per event, key `wa:q:v2:<writeKey>:<tabId>:<messageId>`,
//! value one event line (below). A drive writes only the events that changed and removes only the
//! ones that left, so persisting costs O(changed events), not O(queue), and a quota error refuses
//! one event's write while every event already stored stays stored. Golden fixture:
//! `fixtures/queue_v2.txt` (key line, value line, …).
//!
//! Event line (read back without a JSON parser):
//! `created_ms<TAB>attempts<TAB>next_attempt_ms<TAB>"messageId"<TAB>body`, the numbers as
//! integers, the messageId as a JSON string literal (so it holds no raw tab or newline), the body
//! as the event's JSON object text, kept byte for byte (JSON whitespace included: a value holds
//! one event, so a raw newline cannot split it).
//!
//! v2 is the only layout any release wrote (a whole-queue "v1" item existed only during
//! development and is not read). Anything else, including analytics-next's `persisted-queue:*`
//! JSON, is ignored; unreadable values are counted.
//! Must not import anything platform-specific.

use super::queue::Item;
use crate::core::{json, text};

const EVENT_KEY_PREFIX: &str = "wa:q:v2:";

/// The key prefix of one tab's per-event items (layout v2): `wa:q:v2:<writeKey>:<tabId>:`; an
/// event's key is this prefix followed by its `messageId`.
pub fn event_key_prefix(write_key: &str, tab_id: &str) -> String {
    let mut key = event_source_prefix(write_key);
    key.push_str(tab_id);
    key.push(':');
    key
}

/// The key prefix of every per-event item of one source: `wa:q:v2:<writeKey>:`.
pub fn event_source_prefix(write_key: &str) -> String {
    key(EVENT_KEY_PREFIX, write_key, ":")
}

/// The tab id of a per-event queue key of this source (`wa:q:v2:<writeKey>:<tabId>:<messageId>`),
/// or `None` for any other key. Tab ids hold no `:`.
pub fn tab_of_queue_key<'a>(key: &'a str, write_key: &str) -> Option<&'a str> {
    tab_after_source(key.strip_prefix(EVENT_KEY_PREFIX)?.strip_prefix(write_key)?.strip_prefix(':')?)
}

/// The tab id of a per-event queue key with its [`event_source_prefix`] stripped (`<tabId>:<messageId>`),
/// or `None` for any other rest.
pub fn tab_after_source(rest: &str) -> Option<&str> {
    let tab = text::split_once(rest, b':')?.0;
    (!tab.is_empty()).then_some(tab)
}

/// The localStorage key of one tab's liveness lease: `wa:alive:v1:<writeKey>:<tabId>`.
pub fn alive_key(write_key: &str, tab_id: &str) -> String {
    let mut key = alive_prefix(write_key);
    key.push_str(tab_id);
    key
}

/// The key prefix of the source's liveness leases: `wa:alive:v1:<writeKey>:`; a tab's
/// [`alive_key`] is this prefix followed by its tab id.
pub fn alive_prefix(write_key: &str) -> String {
    key("wa:alive:v1:", write_key, ":")
}

/// The localStorage key of the adoption lease (browsers without Web Locks) and the Web Locks
/// name of the adoption lock: `wa:adopt:v1:<writeKey>`.
pub fn adoption_key(write_key: &str) -> String {
    key("wa:adopt:v1:", write_key, "")
}

/// `head`, the write key and `tail`, joined.
fn key(head: &str, write_key: &str, tail: &str) -> String {
    let mut key = String::from(head);
    key.push_str(write_key);
    key.push_str(tail);
    key
}

/// One event's stored value in layout v2: its event line (no in-flight marker).
pub fn encode_item(item: &Item) -> String {
    let mut out = String::with_capacity(item.body_json.len() + item.message_id.len() + 48);
    json::push_u64(&mut out, item.created_ms as u64);
    out.push('\t');
    json::push_u64(&mut out, u64::from(item.attempts));
    out.push('\t');
    json::push_u64(&mut out, item.next_attempt_ms as u64);
    out.push('\t');
    json::push_str(&mut out, &item.message_id);
    out.push('\t');
    out.push_str(&item.body_json);
    out
}

/// Reads one stored event value; `None` when unreadable.
pub fn decode_item(stored: &str) -> Option<Item> {
    let (created_ms, rest) = text::split_once(stored, b'\t')?;
    let (attempts, rest) = text::split_once(rest, b'\t')?;
    let (next_attempt_ms, rest) = text::split_once(rest, b'\t')?;
    let (message_id, body_json) = text::split_once(rest, b'\t')?;
    let created_ms = json::whole_number(created_ms)? as f64;
    let attempts = u32::try_from(json::whole_number(attempts)?).ok()?;
    let next_attempt_ms = json::whole_number(next_attempt_ms)? as f64;
    let message_id = json::parse_str(message_id)?;
    if message_id.is_empty() || !(body_json.starts_with('{') && json::trim_ws(body_json).as_bytes().last() == Some(&b'}')) {
        return None;
    }
    Some(Item::new(message_id, body_json.to_owned(), created_ms, attempts, next_attempt_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn golden_items() -> Vec<Item> {
        let item = |id: &str, body: &str, created: f64, attempts: u32, next: f64| Item::new(id.to_owned(), body.to_owned(), created, attempts, next);
        vec![
            item(
                "ajs-next-1795392993123-0f8fad5b-d9cb-469f-a165-70867728950e",
                r#"{"type":"track","event":"Signed Up","properties":{"plan":"pro","note":"tab\there"},"messageId":"ajs-next-1795392993123-0f8fad5b-d9cb-469f-a165-70867728950e","timestamp":"2026-11-23T00:16:33.123Z"}"#,
                1_795_392_993_123.0,
                0,
                1_795_392_994_123.0,
            ),
            item("custom\tid \"quoted\"", r#"{"type":"page","name":"Home"}"#, 1_795_392_990_000.0, 2, 1_795_393_000_000.0),
        ]
    }

    #[test]
    fn in_flight_markers_are_not_persisted() {
        let mut item = golden_items().remove(0);
        item.in_flight = Some(9);
        assert_eq!(decode_item(&encode_item(&item)).map(|i| i.in_flight), Some(None));
    }

    const GOLDEN_V2: &str = include_str!("fixtures/queue_v2.txt");

    #[test]
    fn per_event_layout_matches_the_golden_fixture_and_reads_back() {
        let prefix = event_key_prefix("WK1", "0f8fad5b-d9cb-469f-a165-70867728950e");
        let mut written = String::new();
        for item in golden_items() {
            written.push_str(&prefix);
            written.push_str(&item.message_id);
            written.push('\n');
            written.push_str(&encode_item(&item));
            written.push('\n');
        }
        assert_eq!(written, GOLDEN_V2);
        let lines: Vec<&str> = GOLDEN_V2.lines().collect();
        let read: Vec<Item> = lines.chunks(2).map(|pair| decode_item(pair[1]).expect("readable")).collect();
        assert_eq!(read, golden_items());
        for pair in lines.chunks(2) {
            assert_eq!(tab_of_queue_key(pair[0], "WK1"), Some("0f8fad5b-d9cb-469f-a165-70867728950e"));
        }
    }

    #[test]
    fn bodies_with_raw_newlines_round_trip() {
        let item = Item::new("m".to_owned(), "{\"a\":1,\r\n\"b\":\"x\ty\"\n}".to_owned(), 1.0, 2, 3.0);
        assert_eq!(decode_item(&encode_item(&item)), Some(item));
    }

    #[test]
    fn unreadable_event_values_are_none() {
        let junk_values = [
            "",
            "wa-queue\t1",
            "wa-queue\t1\n1\t0\t1\t\"a\"\t{}\n",
            "[{\"id\":\"x\",\"event\":{}}]",
            "-1\t0\t1\t\"a\"\t{}",
            "1\t99999999999\t1\t\"a\"\t{}",
            "1\t0\t1\tb\t{}",
            "1\t0\t1\t\"b\"\t{\"a\":",
            "1\t0\t1\t\"c\"\t",
            "1\t0\t1\t\"a\"", "1\t0\t1\t\"a\"\t[1]", "x\t0\t1\t\"a\"\t{}", "1\t0\t1\t\"\"\t{}",
        ];
        for junk in junk_values {
            assert_eq!(decode_item(junk), None, "{junk:?}");
        }
        assert!(decode_item("1\t0\t1\t\"a\"\t{}").is_some());
    }

    #[test]
    fn queue_keys_name_their_tab() {
        let rows: &[(&str, Option<&str>)] = &[
            ("wa:q:v2:WK1:t-1:m-1", Some("t-1")),
            ("wa:q:v2:WK1:t-1:m:with:colons", Some("t-1")),
            ("wa:q:v2:WK1:t-1", None),
            ("wa:q:v2:WK1::m", None),
            ("wa:q:v2:WK2:t-1:m", None),
            ("wa:q:v2:WK10:t-1:m", None),
            ("wa:queue:v1:WK1:t-2", None),
            ("wa:alive:v1:WK1:t-1", None),
        ];
        for &(key, tab) in rows {
            assert_eq!(tab_of_queue_key(key, "WK1"), tab, "{key}");
        }
        assert_eq!(event_source_prefix("WK1"), "wa:q:v2:WK1:");
    }

    #[test]
    fn keys_are_versioned_per_write_key_and_tab() {
        assert_eq!(event_key_prefix("WK1", "t-1"), "wa:q:v2:WK1:t-1:");
        assert_eq!(tab_of_queue_key("persisted-queue:v1:WK1:dest-Segment.io:items", "WK1"), None);
        assert_eq!(alive_key("WK1", "t-1"), "wa:alive:v1:WK1:t-1");
        assert_eq!(adoption_key("WK1"), "wa:adopt:v1:WK1");
    }
}
