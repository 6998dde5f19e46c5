//! Server-side fields of an accepted event, like Segment's API adds them.
//!
//! - `receivedAt`: the server clock when the request arrived.
//! - `originalTimestamp`: the client's `timestamp` as sent (or its `originalTimestamp`).
//! - `timestamp`: corrected for client clock skew when `sentAt` is known (per event in standard mode,
//!   per batch in batching mode): `timestamp = receivedAt - (sentAt - originalTimestamp)`.
//! - `messageId`: generated (`srv-<ms>-<n>`) only when the client sent none; such events are not deduped.
//! - `context.ip`: the peer address when the client did not set one (`options.context.ip` overrides it).
//!   With `context.anonymizeIp: true` the address is stored truncated: /24 for IPv4, /48 for IPv6 (an
//!   unparseable one is dropped). `writeKey` is never stored.

use super::endpoint::Endpoint;
use super::kind::Kind;
use super::rules::{id_text, validate, ID_FIELDS, MAX_EVENT_BYTES};
use super::body::{parse_envelope, Envelope};
use super::{Event, Rejection, OBJECT_FIELDS};
use serde_json::value::RawValue;
use crate::time::{format_iso, parse_iso};
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};

/// Facts about the request the events arrived in.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Server clock at arrival, epoch milliseconds.
    pub now_ms: i64,
    /// Peer IP address, used for `context.ip` when missing.
    pub ip: Option<String>,
}

static GENERATED_IDS: AtomicU64 = AtomicU64::new(0);

/// Validates and normalizes every event of a request body. A batch is all-or-nothing: the first bad
/// item rejects the whole request.
pub fn events_from_envelope(endpoint: Endpoint, envelope: Envelope, arrival: &Arrival) -> Result<Vec<Event>, Rejection> {
    let Envelope { mut fields, items } = envelope;
    fields.remove("writeKey");
    match endpoint {
        Endpoint::Single(kind) => Ok(vec![normalize(kind, fields, None, arrival).map_err(Rejection::bad)?]),
        Endpoint::Batch => {
            let sent_at = fields.get("sentAt");
            let mut events = Vec::with_capacity(items.len());
            for (i, raw) in items.into_iter().enumerate() {
                let event = batch_item(raw, sent_at, arrival).map_err(|e| Rejection::bad(format!("batch[{i}]: {e}")))?;
                events.push(event);
            }
            Ok(events)
        }
    }
}

/// [`events_from_envelope`] for a whole body at once.
pub fn events_from_body(endpoint: Endpoint, body: &[u8], arrival: &Arrival) -> Result<Vec<Event>, Rejection> {
    events_from_envelope(endpoint, parse_envelope(body, endpoint)?, arrival)
}

/// One element of a batch: an object with a known `type`, under the per-event size limit.
fn batch_item(raw: &RawValue, sent_at: Option<&Value>, arrival: &Arrival) -> Result<Event, String> {
    if raw.get().len() > MAX_EVENT_BYTES {
        return Err(format!("event exceeds {} KB", MAX_EVENT_BYTES / 1024));
    }
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(raw.get()) else { return Err("each batch item must be an object".into()) };
    let kind = match map.get("type") {
        Some(Value::String(name)) => Kind::from_name(name).ok_or_else(|| format!("unknown type {name:?}"))?,
        _ => return Err("requires \"type\"".into()),
    };
    map.remove("writeKey");
    normalize(kind, map, sent_at, arrival)
}

/// Validates one event object and adds the server-side fields.
pub fn normalize(kind: Kind, mut map: Map<String, Value>, batch_sent_at: Option<&Value>, arrival: &Arrival) -> Result<Event, String> {
    validate(kind, &map)?;
    for field in ID_FIELDS {
        if let Some(text) = id_text(map.get(field)) {
            map.insert(field.into(), Value::String(text));
        }
    }
    let (original, timestamp, sent_at) = timestamps(&map, batch_sent_at, arrival.now_ms)?;
    let received_at = format_iso(arrival.now_ms);
    let message_id = match map.get("messageId") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        Some(Value::String(_) | Value::Null) | None => generated_message_id(arrival.now_ms),
        Some(_) => return Err(format!("{}: \"messageId\" must be a string", kind.name())),
    };
    map.insert("type".into(), Value::String(kind.name().into()));
    map.insert("messageId".into(), Value::String(message_id.clone()));
    if let Some(original) = original {
        map.insert("originalTimestamp".into(), Value::String(original));
    }
    if let Some(sent_at) = sent_at {
        map.insert("sentAt".into(), Value::String(sent_at));
    }
    map.insert("timestamp".into(), Value::String(timestamp.clone()));
    map.insert("receivedAt".into(), Value::String(received_at.clone()));
    add_ip(&mut map, arrival.ip.as_deref());
    let object_json = OBJECT_FIELDS
        .iter()
        .filter_map(|f| match map.get(*f) {
            Some(v @ Value::Object(_)) => Some((*f, v.to_string())),
            _ => None,
        })
        .collect();
    let value = Value::Object(map);
    Ok(Event {
        kind,
        message_id,
        user_id: id_text(value.get("userId")),
        anonymous_id: id_text(value.get("anonymousId")),
        received_at,
        timestamp,
        json: serde_json::to_string(&value).map_err(|e| e.to_string())?,
        object_json,
        value,
    })
}

/// (originalTimestamp as sent, corrected timestamp, sentAt as sent). Unparseable dates are errors.
fn timestamps(map: &Map<String, Value>, batch_sent_at: Option<&Value>, now_ms: i64) -> Result<(Option<String>, String, Option<String>), String> {
    let date = |field: &str, value: Option<&Value>| -> Result<Option<(String, i64)>, String> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => match parse_iso(s) {
                Some(ms) => Ok(Some((s.clone(), ms))),
                None => Err(format!("\"{field}\" is not an ISO-8601 date: {s:?}")),
            },
            Some(_) => Err(format!("\"{field}\" must be an ISO-8601 string")),
        }
    };
    let original = match date("timestamp", map.get("timestamp"))? {
        Some(found) => Some(found),
        None => date("originalTimestamp", map.get("originalTimestamp"))?,
    };
    let sent = match date("sentAt", map.get("sentAt"))? {
        Some(found) => Some(found),
        None => date("sentAt", batch_sent_at)?,
    };
    let corrected = match (&original, &sent) {
        (Some((_, o)), Some((_, s))) => now_ms - (s - o),
        (Some((_, o)), None) => *o,
        (None, _) => now_ms,
    };
    Ok((original.map(|o| o.0), format_iso(corrected), sent.map(|s| s.0)))
}

fn generated_message_id(now_ms: i64) -> String {
    format!("srv-{now_ms}-{}", GENERATED_IDS.fetch_add(1, Ordering::Relaxed))
}

/// Sets `context.ip` to the peer address unless the client set one, then truncates it when the event
/// asks for `anonymizeIp`.
fn add_ip(map: &mut Map<String, Value>, ip: Option<&str>) {
    let anonymize = map.get("context").and_then(|c| c.get("anonymizeIp")) == Some(&Value::Bool(true));
    if ip.is_none() && !anonymize {
        return;
    }
    let context = map.entry("context").or_insert_with(|| Value::Object(Map::new()));
    if context.is_null() {
        *context = Value::Object(Map::new());
    }
    let Value::Object(context) = context else { return };
    if let Some(ip) = ip {
        context.entry("ip").or_insert_with(|| Value::String(ip.into()));
    }
    if anonymize {
        match context.get("ip").and_then(Value::as_str).map(anonymized_ip) {
            Some(Some(short)) => context.insert("ip".into(), Value::String(short)),
            Some(None) => context.remove("ip"),
            None => None,
        };
    }
}

/// `a.b.c.d` → `a.b.c.0` (/24); an IPv6 address → its first 48 bits (`2001:db8:85a3::`); `None` when unparseable.
fn anonymized_ip(ip: &str) -> Option<String> {
    match ip.trim().parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Some(std::net::Ipv4Addr::new(a, b, c, 0).to_string())
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            Some(std::net::Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0).to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_iso;

    const NOW: &str = "2026-11-23T12:00:00.000Z";

    fn arrival() -> Arrival {
        Arrival { now_ms: parse_iso(NOW).unwrap(), ip: Some("127.0.0.1".into()) }
    }

    fn single(kind: Kind, json: &str) -> Result<Event, Rejection> {
        events_from_body(Endpoint::Single(kind), json.as_bytes(), &arrival()).map(|mut v| v.remove(0))
    }

    #[test]
    fn skew_correction_table() {
        // (timestamp, sentAt, expected corrected timestamp)
        let cases: &[(&str, &str, &str)] = &[
            // client clock 1 h fast, sent 2 s after the call: event happened 2 s before arrival
            (r#""timestamp":"2026-11-23T13:00:00.000Z""#, r#","sentAt":"2026-11-23T13:00:02.000Z""#, "2026-11-23T11:59:58.000Z"),
            (r#""timestamp":"2026-11-23T11:00:00.000Z""#, "", "2026-11-23T11:00:00.000Z"),
            (r#""originalTimestamp":"2026-11-23T10:00:00Z""#, r#","sentAt":"2026-11-23T10:00:05Z""#, "2026-11-23T11:59:55.000Z"),
            (r#""x":1"#, r#","sentAt":"2026-11-23T10:00:05Z""#, NOW),
        ];
        for (ts, sent, want) in cases {
            let json = format!(r#"{{"anonymousId":"a","event":"E",{ts}{sent}}}"#);
            let event = single(Kind::Track, &json).unwrap();
            assert_eq!(event.timestamp, *want, "{json}");
            assert_eq!(event.value["timestamp"], *want);
            assert_eq!(event.value["receivedAt"], NOW);
        }
        let e = single(Kind::Track, r#"{"anonymousId":"a","event":"E","timestamp":"2026-11-23T11:00:00.000Z"}"#).unwrap();
        assert_eq!(e.value["originalTimestamp"], "2026-11-23T11:00:00.000Z");
        assert!(single(Kind::Track, r#"{"anonymousId":"a","event":"E","timestamp":"soon"}"#).unwrap_err().message.contains("ISO-8601"));
    }

    #[test]
    fn batch_sent_at_applies_to_items_without_their_own() {
        let body = r#"{"writeKey":"k","sentAt":"2026-11-23T13:00:10.000Z","batch":[
            {"type":"track","anonymousId":"a","event":"E","timestamp":"2026-11-23T13:00:00.000Z"},
            {"type":"page","anonymousId":"a","timestamp":"2026-11-23T13:00:00.000Z","sentAt":"2026-11-23T13:00:01.000Z"}]}"#;
        let events = events_from_body(Endpoint::Batch, body.as_bytes(), &arrival()).unwrap();
        assert_eq!(events[0].timestamp, "2026-11-23T11:59:50.000Z");
        assert_eq!(events[1].timestamp, "2026-11-23T11:59:59.000Z");
        assert!(events.iter().all(|e| e.value.get("writeKey").is_none()));
    }

    #[test]
    fn server_fields_and_rejections() {
        let e = single(Kind::Identify, r#"{"writeKey":"k","userId":7,"type":"track","context":null}"#).unwrap();
        assert_eq!(e.user_id.as_deref(), Some("7"));
        assert_eq!(e.value["userId"], "7");
        assert_eq!(e.value["type"], "identify");
        assert_eq!(e.value["context"]["ip"], "127.0.0.1");
        assert!(e.message_id.starts_with("srv-"));
        assert!(e.value.get("writeKey").is_none());
        let bad_batches: &[(&str, &str)] = &[
            (r#"{"batch":{}}"#, "\"batch\" array"),
            (r#"{"batch":[1]}"#, "batch[0]: each batch item must be an object"),
            (r#"{"batch":[{"anonymousId":"a"}]}"#, "batch[0]: requires \"type\""),
            (r#"{"batch":[{"type":"x","anonymousId":"a"}]}"#, "unknown type"),
            (r#"{"batch":[{"type":"page","anonymousId":"a"},{"type":"track","anonymousId":"a"}]}"#, "batch[1]: track requires \"event\""),
        ];
        for (json, want) in bad_batches {
            let err = events_from_body(Endpoint::Batch, json.as_bytes(), &arrival()).unwrap_err();
            assert!(err.message.contains(want), "{json}: {}", err.message);
        }
        let big = format!(r#"{{"batch":[{{"type":"track","anonymousId":"a","event":"E","properties":{{"p":"{}"}}}}]}}"#, "x".repeat(MAX_EVENT_BYTES));
        let err = events_from_body(Endpoint::Batch, big.as_bytes(), &arrival()).unwrap_err();
        assert!(err.message.contains("exceeds 32 KB"), "{}", err.message);
    }

    #[test]
    fn anonymize_ip_truncates_the_stored_address() {
        // (peer, context JSON, stored context.ip)
        let table: &[(Option<&str>, &str, Option<&str>)] = &[
            (Some("203.0.113.77"), r#"{"anonymizeIp":true}"#, Some("203.0.113.0")),
            (Some("203.0.113.77"), r#"{}"#, Some("203.0.113.77")),
            (Some("203.0.113.77"), r#"{"anonymizeIp":"true"}"#, Some("203.0.113.77")),
            (Some("127.0.0.1"), r#"{"anonymizeIp":true,"ip":"198.51.100.200"}"#, Some("198.51.100.0")),
            (Some("127.0.0.1"), r#"{"ip":"198.51.100.200"}"#, Some("198.51.100.200")),
            (Some("2001:db8:85a3:8d3:1319:8a2e:370:7348"), r#"{"anonymizeIp":true}"#, Some("2001:db8:85a3::")),
            (Some("::ffff:192.0.2.128"), r#"{"anonymizeIp":true}"#, Some("::")),
            (None, r#"{"anonymizeIp":true,"ip":"2001:db8::1"}"#, Some("2001:db8::")),
            (None, r#"{"anonymizeIp":true,"ip":"not an ip"}"#, None),
            (None, r#"{"anonymizeIp":true,"ip":7}"#, Some("7")),
            (None, r#"{"anonymizeIp":true}"#, None),
        ];
        for (peer, context, want) in table {
            let arrival = Arrival { now_ms: parse_iso(NOW).unwrap(), ip: peer.map(str::to_owned) };
            let json = format!(r#"{{"anonymousId":"a","event":"E","context":{context}}}"#);
            let event = events_from_body(Endpoint::Single(Kind::Track), json.as_bytes(), &arrival).unwrap().remove(0);
            let stored = event.value["context"].get("ip").map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
            assert_eq!(stored.as_deref(), *want, "{peer:?} {context}");
        }
    }
}
