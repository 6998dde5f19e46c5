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
//! as the event's JSON object text (the queue turns raw newlines into spaces).
//!
//! Format v1 (read only, for queues an older build left): the whole queue as one item at
//! `wa:queue:v1:<writeKey>:<tabId>`: a header line `wa-queue<TAB>1`, then one event line per event.
//! Golden fixture: `fixtures/queue_v1.txt`. Anything else, including analytics-next's
//! `persisted-queue:*` JSON, is ignored; unreadable lines are counted.
//! Must not import anything platform-specific.

use super::queue::Item;
use crate::core::json;

const HEADER: &str = "wa-queue\t1";
const KEY_PREFIX: &str = "wa:queue:v1:";
const EVENT_KEY_PREFIX: &str = "wa:q:v2:";

/// The key prefix of one tab's per-event items (layout v2): `wa:q:v2:<writeKey>:<tabId>:`; an
/// event's key is this prefix followed by its `messageId`.
pub fn event_key_prefix(write_key: &str, tab_id: &str) -> String {
    let mut key = String::from(EVENT_KEY_PREFIX);
    key.push_str(write_key);
    key.push(':');
    key.push_str(tab_id);
    key.push(':');
    key
}

/// The key prefix of every per-event item of one source: `wa:q:v2:<writeKey>:`.
pub fn event_source_prefix(write_key: &str) -> String {
    let mut key = String::from(EVENT_KEY_PREFIX);
    key.push_str(write_key);
    key.push(':');
    key
}

/// The tab id of a queue key of this source in either layout (a v2 per-event key or a v1
/// whole-queue key), or `None` for any other key. Tab ids hold no `:`.
pub fn tab_of_any_queue_key<'a>(key: &'a str, write_key: &str) -> Option<&'a str> {
    if let Some(rest) = key.strip_prefix(EVENT_KEY_PREFIX).and_then(|r| r.strip_prefix(write_key)) {
        let (tab, _) = rest.strip_prefix(':')?.split_once(':')?;
        return (!tab.is_empty()).then_some(tab);
    }
    tab_of_queue_key(key, write_key)
}

/// The localStorage key prefix of every queue of one source: `wa:queue:v1:<writeKey>:`.
pub fn queue_key_prefix(write_key: &str) -> String {
    let mut key = String::from(KEY_PREFIX);
    key.push_str(write_key);
    key.push(':');
    key
}

/// The localStorage key of one tab's queue: `wa:queue:v1:<writeKey>:<tabId>`.
pub fn queue_key(write_key: &str, tab_id: &str) -> String {
    let mut key = queue_key_prefix(write_key);
    key.push_str(tab_id);
    key
}

/// The tab id of a queue key of this source, or `None` for any other key.
pub fn tab_of_queue_key<'a>(key: &'a str, write_key: &str) -> Option<&'a str> {
    let tab = key.strip_prefix(KEY_PREFIX)?.strip_prefix(write_key)?.strip_prefix(':')?;
    (!tab.is_empty()).then_some(tab)
}

/// The localStorage key of one tab's liveness lease: `wa:alive:v1:<writeKey>:<tabId>`.
pub fn alive_key(write_key: &str, tab_id: &str) -> String {
    let mut key = String::from("wa:alive:v1:");
    key.push_str(write_key);
    key.push(':');
    key.push_str(tab_id);
    key
}

/// The localStorage key of the adoption lease (browsers without Web Locks) and the Web Locks
/// name of the adoption lock: `wa:adopt:v1:<writeKey>`.
pub fn adoption_key(write_key: &str) -> String {
    let mut key = String::from("wa:adopt:v1:");
    key.push_str(write_key);
    key
}

/// Writes the items in format v1 (in-flight markers are not written: after a reload, everything
/// is waiting again). Only tests and fixtures write v1 now.
pub fn encode<'a>(items: impl IntoIterator<Item = &'a Item>) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for item in items {
        push_line(&mut out, item);
        out.push('\n');
    }
    out
}

/// One event's stored value in layout v2: its event line (no in-flight marker).
pub fn encode_item(item: &Item) -> String {
    let mut out = String::with_capacity(item.body_json.len() + item.message_id.len() + 48);
    push_line(&mut out, item);
    out
}

/// Reads one event's stored value (layout v2); `None` when unreadable.
pub fn decode_item(text: &str) -> Option<Item> {
    decode_line(text.strip_suffix('\n').unwrap_or(text))
}

fn push_line(out: &mut String, item: &Item) {
    json::push_u64(out, item.created_ms as u64);
    out.push('\t');
    json::push_u64(out, u64::from(item.attempts));
    out.push('\t');
    json::push_u64(out, item.next_attempt_ms as u64);
    out.push('\t');
    json::push_str(out, &item.message_id);
    out.push('\t');
    out.push_str(&item.body_json);
}

/// What [`decode`] read.
#[derive(Debug, Default, PartialEq)]
pub struct Decoded {
    /// The readable items, in stored order, none in flight.
    pub items: Vec<Item>,
    /// Lines that could not be read (a foreign or unknown-version text counts as one).
    pub unreadable: usize,
}

/// Reads format v1; never fails: unknown texts yield no items.
pub fn decode(text: &str) -> Decoded {
    let mut lines = text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line));
    if lines.next() != Some(HEADER) {
        let unreadable = usize::from(!text.trim().is_empty());
        return Decoded { items: Vec::new(), unreadable };
    }
    let mut decoded = Decoded::default();
    for line in lines.filter(|l| !l.is_empty()) {
        match decode_line(line) {
            Some(item) => decoded.items.push(item),
            None => decoded.unreadable += 1,
        }
    }
    decoded
}

fn decode_line(line: &str) -> Option<Item> {
    let (created_ms, rest) = line.split_once('\t')?;
    let (attempts, rest) = rest.split_once('\t')?;
    let (next_attempt_ms, rest) = rest.split_once('\t')?;
    let (message_id, body_json) = rest.split_once('\t')?;
    let created_ms = created_ms.parse::<u64>().ok()? as f64;
    let attempts = attempts.parse::<u32>().ok()?;
    let next_attempt_ms = next_attempt_ms.parse::<u64>().ok()? as f64;
    let message_id = json::parse_str(message_id)?;
    let body_json = body_json.to_owned();
    if message_id.is_empty() || !(body_json.starts_with('{') && body_json.trim_end().ends_with('}')) {
        return None;
    }
    Some(Item { message_id, body_json, created_ms, attempts, next_attempt_ms, in_flight: None, saved: false, stored: false, flying_until_ms: 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN: &str = include_str!("fixtures/queue_v1.txt");

    fn golden_items() -> Vec<Item> {
        let item = |id: &str, body: &str, created: f64, attempts: u32, next: f64| Item {
            message_id: id.to_owned(),
            body_json: body.to_owned(),
            created_ms: created,
            attempts,
            next_attempt_ms: next,
            in_flight: None,
            saved: false,
            stored: false,
            flying_until_ms: 0.0,
        };
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
    fn encoding_matches_the_golden_fixture() {
        assert_eq!(encode(&golden_items()), GOLDEN);
    }

    #[test]
    fn golden_fixture_reads_back_exactly() {
        assert_eq!(decode(GOLDEN), Decoded { items: golden_items(), unreadable: 0 });
    }

    #[test]
    fn in_flight_markers_are_not_persisted() {
        let mut items = golden_items();
        items[0].in_flight = Some(9);
        assert!(decode(&encode(&items)).items.iter().all(|i| i.in_flight.is_none()));
    }

    #[test]
    fn foreign_legacy_and_broken_texts_are_ignored_safely() {
        let rows: &[(&str, usize, usize)] = &[
            ("", 0, 0),
            ("[{\"id\":\"x\",\"event\":{}}]", 0, 1),
            ("wa-queue\t2\n1\t0\t1\t\"a\"\t{}\n", 0, 1),
            ("wa-queue\t1\n", 0, 0),
            ("wa-queue\t1\n1\t0\t1\t\"a\"\t{}\nx\t0\t1\t\"b\"\t{}\n1\t0\t1\tb\t{}\n1\t0\t1\t\"c\"\n1\t0\t1\t\"\"\t{}\n", 1, 4),
            ("wa-queue\t1\r\n1\t0\t1\t\"a\"\t{}\r\n", 1, 0),
            ("wa-queue\t1\n-1\t0\t1\t\"a\"\t{}\n1\t99999999999\t1\t\"a\"\t{}\n", 0, 2),
            ("wa-queue\t1\n1\t0\t1\t\"a\"\t[1]\n1\t0\t1\t\"b\"\t{\"a\":\n1\t0\t1\t\"c\"\t\n", 0, 3),
        ];
        for &(text, items, unreadable) in rows {
            let decoded = decode(text);
            assert_eq!((decoded.items.len(), decoded.unreadable), (items, unreadable), "{text:?}");
        }
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
            assert_eq!(tab_of_any_queue_key(pair[0], "WK1"), Some("0f8fad5b-d9cb-469f-a165-70867728950e"));
        }
    }

    #[test]
    fn unreadable_event_values_are_none() {
        for junk in ["", "wa-queue\t1", "1\t0\t1\t\"a\"", "1\t0\t1\t\"a\"\t[1]", "x\t0\t1\t\"a\"\t{}", "1\t0\t1\t\"\"\t{}"] {
            assert_eq!(decode_item(junk), None, "{junk:?}");
        }
        assert!(decode_item("1\t0\t1\t\"a\"\t{}").is_some());
    }

    #[test]
    fn queue_keys_of_both_layouts_name_their_tab() {
        let rows: &[(&str, Option<&str>)] = &[
            ("wa:q:v2:WK1:t-1:m-1", Some("t-1")),
            ("wa:q:v2:WK1:t-1:m:with:colons", Some("t-1")),
            ("wa:q:v2:WK1:t-1", None),
            ("wa:q:v2:WK1::m", None),
            ("wa:q:v2:WK2:t-1:m", None),
            ("wa:q:v2:WK10:t-1:m", None),
            ("wa:queue:v1:WK1:t-2", Some("t-2")),
            ("wa:alive:v1:WK1:t-1", None),
        ];
        for &(key, tab) in rows {
            assert_eq!(tab_of_any_queue_key(key, "WK1"), tab, "{key}");
        }
        assert_eq!(event_source_prefix("WK1"), "wa:q:v2:WK1:");
    }

    #[test]
    fn keys_are_versioned_per_write_key_and_tab() {
        assert_eq!(queue_key("WK1", "t-1"), "wa:queue:v1:WK1:t-1");
        assert_eq!(tab_of_queue_key("wa:queue:v1:WK1:t-1", "WK1"), Some("t-1"));
        assert_eq!(tab_of_queue_key("wa:queue:v1:WK2:t-1", "WK1"), None);
        assert_eq!(tab_of_queue_key("wa:queue:v1:WK1:", "WK1"), None);
        assert_eq!(tab_of_queue_key("persisted-queue:v1:WK1:dest-Segment.io:items", "WK1"), None);
        assert_eq!(alive_key("WK1", "t-1"), "wa:alive:v1:WK1:t-1");
        assert_eq!(adoption_key("WK1"), "wa:adopt:v1:WK1");
    }
}
