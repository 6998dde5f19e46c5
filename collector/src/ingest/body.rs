//! Reading a request body within the size limit (decompressing gzip) and finding the write key.

use super::Rejection;
use base64::Engine;
use flate2::read::GzDecoder;
use serde_json::{Map, Value};
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
}
