//! What the outbox asks the shell to do: the sending [`Mode`] and the [`Transmit`] record, plus the
//! standard-mode path of each event type. Plain data; must not import anything platform-specific.

use crate::core::json;

/// Why the shell is asking for a transmit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Regular sending: batching delay, count/byte limits and `max_in_flight` apply.
    Normal,
    /// `analytics.flush()`: as `Normal`, without waiting for the batching delay.
    Flush,
    /// The page is being hidden or left: send what fits in the keepalive budget now, ignoring the
    /// batching delay and `max_in_flight`. `budget_bytes` is the browser's whole keepalive quota
    /// (64 KiB); the outbox subtracts its own unanswered keepalive bodies.
    PageHide {
        /// The page's keepalive quota in bytes.
        budget_bytes: usize,
    },
}

/// One request for the shell to perform, then answer with [`Outbox::on_response`](super::Outbox::on_response).
#[derive(Clone, Debug, PartialEq)]
pub struct Transmit {
    /// Identifies the request in `on_response`.
    pub id: u64,
    /// Path under the API host: `/b` for several events, else the event's own `/t`, `/p`, `/i`, `/g`, `/a`, `/s`
    /// (a lone event travels exactly as analytics.js's default strategy sends it).
    pub url_path: &'static str,
    /// The `text/plain` body.
    pub body: String,
    /// Send with `keepalive: true` (the body fits in the remaining keepalive quota).
    pub keepalive: bool,
    /// Abort and report [`Outcome::NetworkError`](super::Outcome::NetworkError) after this many ms without an answer.
    pub timeout_ms: f64,
    /// The `messageId`s inside, oldest first: a field of test builds only (the outbox's and the
    /// tracker's tests read it; the shell never did, so the shipped wasm neither copies ids per
    /// request nor drops an empty list per transmit).
    #[cfg(test)]
    pub message_ids: Vec<String>,
}

/// Standard-mode path per event type (first match on the `type` field; unknown types use `/t`): the
/// path is `/` and the type's first letter, so each name's path is two bytes of [`PATHS`] at its index.
const TYPE_NAMES: [&str; 6] = ["track", "page", "identify", "group", "alias", "screen"];
/// The paths of [`TYPE_NAMES`], in order.
const PATHS: &str = "/t/p/i/g/a/s";

/// The standard-mode path (`/t`, `/p`, …) from the event's `type` field.
pub fn path_for(body: &str) -> &'static str {
    // The raw value compared as a key (`json::key_is`: decoded only when it holds an escape), not
    // parsed into a new String; a value that is no string matches no type name either way.
    let kind = json::get(body, "type").unwrap_or_default();
    let mut at = 0;
    for name in &TYPE_NAMES {
        if json::key_is(kind, name) {
            break;
        }
        at += 2;
    }
    // Past the table (no match): `/t`.
    PATHS.get(at..at + 2).unwrap_or("/t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_path_per_event_type() {
        let table = [
            ("track", "/t"),
            ("page", "/p"),
            ("identify", "/i"),
            ("group", "/g"),
            ("alias", "/a"),
            ("screen", "/s"),
            ("unknown", "/t"),
        ];
        for (kind, path) in table {
            let body = ["{\"messageId\":\"m\",\"type\":\"", kind, "\"}"].concat();
            assert_eq!(path_for(&body), path, "{kind}");
        }
    }

    #[test]
    fn escaped_type_names_match_and_other_values_do_not() {
        let table = [
            (r#"{"type":"p\u0061ge"}"#, "/p"),
            (r#"{"type": "screen" }"#, "/s"),
            (r#"{"type":["page"]}"#, "/t"),
            (r#"{"type":{"page":1}}"#, "/t"),
            (r#"{"type":true}"#, "/t"),
            (r#"{"type":"page""#, "/t"),
            (r#"{"kind":"page"}"#, "/t"),
        ];
        for (body, path) in table {
            assert_eq!(path_for(body), path, "{body}");
        }
    }
}
