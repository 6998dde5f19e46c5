//! Reading a request body within the size limit (decompressing gzip), splitting it into its events
//! without decoding them yet, and finding the write key.

use super::endpoint::Endpoint;
use super::Rejection;
use base64::Engine;
use flate2::read::GzDecoder;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io::Read;

/// Reads at most `limit` bytes of body, gunzipping when `encoding` is `gzip`. The limit applies to the
/// decompressed bytes too, so a small gzip bomb cannot make the server allocate more than `limit`.
pub fn read_body(reader: &mut dyn Read, encoding: Option<&str>, limit: usize) -> Result<Vec<u8>, Rejection> {
    let too_large = || Rejection::bad(format!("request body exceeds {} KB", limit / 1024));
    let mut raw = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|e| Rejection::bad(format!("could not read body: {e}")))?;
    if raw.len() > limit {
        return Err(too_large());
    }
    let encoding = encoding.map(|e| e.trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("") | Some("identity") => Ok(raw),
        Some("gzip") | Some("x-gzip") => {
            let mut plain = Vec::new();
            GzDecoder::new(&raw[..])
                .take(limit as u64 + 1)
                .read_to_end(&mut plain)
                .map_err(|e| Rejection::bad(format!("body is not valid gzip: {e}")))?;
            if plain.len() > limit {
                return Err(too_large());
            }
            Ok(plain)
        }
        Some(other) => Err(Rejection::bad(format!("unsupported Content-Encoding {other:?}"))),
    }
}

/// Parses the body as one JSON object (JSON or `text/plain` content types alike).
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, Rejection> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Rejection::bad("body must be a JSON object")),
        Err(e) => Err(Rejection::bad(format!("body is not valid JSON: {e}"))),
    }
}

/// A request body split into its parts: the top-level fields, and (for a batch) each event still as
/// raw JSON text borrowed from the body — so counting the events, and refusing the request, costs no
/// decoded tree; each event is decoded on its own later.
#[derive(Debug)]
pub struct Envelope<'a> {
    /// The body's fields (for a single event: the event itself; for a batch: all but `batch`).
    pub fields: Map<String, Value>,
    /// A batch's events, undecoded (empty for a single event).
    pub items: Vec<&'a RawValue>,
}

impl Envelope<'_> {
    /// How many events the body holds.
    pub fn event_count(&self) -> usize {
        if self.items.is_empty() { 1 } else { self.items.len() }
    }
}

/// Splits a body for `endpoint`: one JSON object, whose `batch` array (batch endpoint) is kept raw.
pub fn parse_envelope(bytes: &[u8], endpoint: Endpoint) -> Result<Envelope<'_>, Rejection> {
    if let Endpoint::Single(_) = endpoint {
        return Ok(Envelope { fields: parse_object(bytes)?, items: Vec::new() });
    }
    let top: BTreeMap<String, &RawValue> = serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => Rejection::bad("body must be a JSON object"),
        _ => Rejection::bad(format!("body is not valid JSON: {e}")),
    })?;
    let mut fields = Map::new();
    let mut items = None;
    for (name, raw) in top {
        if name == "batch" {
            items = serde_json::from_str::<Vec<&RawValue>>(raw.get()).ok();
        } else {
            fields.insert(name, serde_json::from_str(raw.get()).map_err(|e| Rejection::bad(format!("body is not valid JSON: {e}")))?);
        }
    }
    let items = items.ok_or_else(|| Rejection::bad("batch requests need a \"batch\" array"))?;
    Ok(Envelope { fields, items })
}

/// The write key of a request: the body's `writeKey`, else the user part of HTTP Basic auth.
pub fn write_key(body: &Map<String, Value>, authorization: Option<&str>) -> Option<String> {
    if let Some(Value::String(key)) = body.get("writeKey") {
        if !key.is_empty() {
            return Some(key.clone());
        }
    }
    let encoded = authorization?.trim().strip_prefix("Basic ").or_else(|| authorization?.trim().strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let user = text.split(':').next().unwrap_or("");
    (!user.is_empty()).then(|| user.to_string())
}

/// Checks a key against the configured keys; an empty list accepts anything (demo mode).
pub fn check_write_key(configured: &[String], key: Option<&str>) -> Result<(), Rejection> {
    if configured.is_empty() {
        return Ok(());
    }
    match key {
        Some(k) if configured.iter().any(|c| c == k) => Ok(()),
        Some(_) => Err(Rejection { status: 401, message: "invalid write key".into() }),
        None => Err(Rejection { status: 401, message: "missing write key (body writeKey or Basic auth)".into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn body_limits_and_encodings() {
        let plain = br#"{"a":1}"#.to_vec();
        assert_eq!(read_body(&mut &plain[..], None, 100).unwrap(), plain);
        assert_eq!(read_body(&mut &gzip(&plain)[..], Some("gzip"), 100).unwrap(), plain);
        assert!(read_body(&mut &plain[..], None, 3).is_err());
        let bomb = gzip(&vec![b' '; 10_000]);
        assert!(bomb.len() < 100);
        assert!(read_body(&mut &bomb[..], Some("gzip"), 1000).unwrap_err().message.contains("exceeds"));
        assert!(read_body(&mut &plain[..], Some("gzip"), 100).unwrap_err().message.contains("gzip"));
        assert!(read_body(&mut &plain[..], Some("br"), 100).is_err());
    }

    #[test]
    fn write_key_sources() {
        let body = |json: &str| parse_object(json.as_bytes()).unwrap();
        let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("k2:"));
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            (r#"{"writeKey":"k1"}"#, None, Some("k1")),
            (r#"{"writeKey":"k1"}"#, Some(&basic), Some("k1")),
            (r#"{}"#, Some(&basic), Some("k2")),
            (r#"{"writeKey":""}"#, Some(&basic), Some("k2")),
            (r#"{}"#, Some("Basic !!!"), None),
            (r#"{}"#, Some("Bearer k3"), None),
            (r#"{}"#, None, None),
        ];
        for (json, auth, want) in cases {
            assert_eq!(write_key(&body(json), *auth).as_deref(), *want, "{json} {auth:?}");
        }
        assert!(check_write_key(&[], None).is_ok());
        let keys = vec!["k".to_string()];
        assert!(check_write_key(&keys, Some("k")).is_ok());
        assert_eq!(check_write_key(&keys, Some("x")).unwrap_err().status, 401);
        assert_eq!(check_write_key(&keys, None).unwrap_err().status, 401);
        assert!(parse_object(b"[1]").is_err());
        assert!(parse_object(b"{").is_err());
    }

    #[test]
    fn envelopes_table() {
        fn batch(json: &str) -> Result<Envelope<'_>, Rejection> {
            parse_envelope(json.as_bytes(), Endpoint::Batch)
        }
        let ok = batch(r#"{"writeKey":"k","sentAt":"2026-11-23T00:00:00Z","batch":[{"a":1}, {"b":[2]} ,3]}"#).unwrap();
        assert_eq!(ok.event_count(), 3);
        assert_eq!(ok.items.iter().map(|r| r.get()).collect::<Vec<_>>(), [r#"{"a":1}"#, r#"{"b":[2]}"#, "3"]);
        assert_eq!(ok.fields.keys().collect::<Vec<_>>(), ["sentAt", "writeKey"]);
        let errors: &[(&str, &str)] = &[
            ("[1]", "must be a JSON object"),
            ("{", "not valid JSON"),
            (r#"{"batch":{}}"#, "\"batch\" array"),
            (r#"{"x":1}"#, "\"batch\" array"),
            (r#"{"batch":[1,}"#, "not valid JSON"),
        ];
        for (json, want) in errors {
            let err = batch(json).unwrap_err();
            assert!(err.message.contains(want), "{json}: {}", err.message);
        }
        let single = parse_envelope(br#"{"event":"E"}"#, Endpoint::Single(super::super::kind::Kind::Track)).unwrap();
        assert_eq!((single.event_count(), single.fields["event"].as_str()), (1, Some("E")));
    }
}
