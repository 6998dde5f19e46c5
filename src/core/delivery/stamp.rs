//! Delivery-time stamps: what analytics.js's Segment.io plugin adds when a request is made.
//!
//! A queued body never holds `sentAt` or `_metadata`; they are added per attempt, here:
//! standard mode sends [`stamp`]ed bodies one per request, batch mode sends one [`batch`]
//! (`{batch:[…], sentAt, writeKey}`, events without their own `sentAt`).
//! Pure; imports only `core::json` (the send time comes formatted, by the wire's `time::FormatDate`); must not import `core::identity`, `core::event` or any platform crate.

use crate::core::json;

/// `_metadata` for every event: `Segment.io` is the one bundled destination; nothing is
/// unbundled and no bundled configuration ids exist (there are no CDN settings).
const METADATA: &str = "{\"bundled\":[\"Segment.io\"],\"unbundled\":[],\"bundledIds\":[]";

/// Appends `,"_metadata":{…}` (with `retryCount` when this is a retry) to an open object.
fn push_metadata(out: &mut String, attempts: u32) {
    out.push_str(",\"_metadata\":");
    out.push_str(METADATA);
    if attempts > 1 {
        out.push_str(",\"retryCount\":");
        json::push_u64(out, u64::from(attempts));
    }
    out.push('}');
}

/// `body` with its closing brace removed (`None` when it is not an object text).
fn open(body: &str) -> Option<&str> {
    body.strip_suffix('}')
}

/// Standard mode: the body of one request. Call at send time, on every attempt; `attempts`
/// counts this one (1 for the first send); `sent_at` is the send time as ISO-8601
/// (`time::FormatDate::iso8601`).
pub fn stamp(body: &str, sent_at: &str, attempts: u32) -> String {
    let Some(head) = open(body) else {
        return body.to_string();
    };
    let mut out = String::with_capacity(body.len() + 128);
    out.push_str(head);
    push_metadata(&mut out, attempts);
    push_sent_at(&mut out, sent_at);
    out.push('}');
    out
}

/// Appends `,"sentAt":"…Z"`.
fn push_sent_at(out: &mut String, sent_at: &str) {
    out.push_str(",\"sentAt\":");
    json::push_str(out, sent_at);
}

/// Batch mode: the body of one `/b` request. Call at send time; each event is a queued body and
/// its attempt count (1 for the first send); `sent_at` as for [`stamp`].
pub fn batch(write_key: &str, events: &[(&str, u32)], sent_at: &str) -> String {
    // A loop, not `map(..).sum()`: its `Map::fold` copy costs more wasm.
    let mut total = 96;
    for (body, _) in events {
        total += body.len() + 96;
    }
    let mut out = String::with_capacity(total);
    out.push_str("{\"batch\":[");
    let mut first = true;
    for &(body, attempts) in events {
        let Some(head) = open(body) else { continue };
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(head);
        push_metadata(&mut out, attempts);
        out.push('}');
    }
    out.push(']');
    push_sent_at(&mut out, sent_at);
    out.push_str(",\"writeKey\":");
    json::push_str(&mut out, write_key);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `crate::core::time::REFERENCE.iso8601(1_795_393_993_123.0)`.
    const T: &str = "2026-11-23T00:33:13.123Z";

    #[test]
    fn stamp_adds_metadata_and_sent_at() {
        let table: &[(&str, u32, &str)] = &[
            (
                r#"{"type":"track"}"#,
                1,
                r#"{"type":"track","_metadata":{"bundled":["Segment.io"],"unbundled":[],"bundledIds":[]},"sentAt":"2026-11-23T00:33:13.123Z"}"#,
            ),
            (
                r#"{"type":"track"}"#,
                3,
                r#"{"type":"track","_metadata":{"bundled":["Segment.io"],"unbundled":[],"bundledIds":[],"retryCount":3},"sentAt":"2026-11-23T00:33:13.123Z"}"#,
            ),
            ("not json", 1, "not json"),
        ];
        for (body, attempts, want) in table {
            assert_eq!(stamp(body, T, *attempts), *want);
        }
    }

    #[test]
    fn batch_wraps_events_without_their_own_sent_at() {
        let got = batch("wk\"", &[(r#"{"a":1}"#, 1), ("bad", 1), (r#"{"b":2}"#, 2)], T);
        let want = concat!(
            r#"{"batch":[{"a":1,"_metadata":{"bundled":["Segment.io"],"unbundled":[],"bundledIds":[]}},"#,
            r#"{"b":2,"_metadata":{"bundled":["Segment.io"],"unbundled":[],"bundledIds":[],"retryCount":2}}],"#,
            r#""sentAt":"2026-11-23T00:33:13.123Z","writeKey":"wk\""}"#
        );
        assert_eq!(got, want);
        assert_eq!(
            batch("k", &[], T),
            r#"{"batch":[],"sentAt":"2026-11-23T00:33:13.123Z","writeKey":"k"}"#
        );
    }
}
