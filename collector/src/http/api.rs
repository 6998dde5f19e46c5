//! `GET /api/...`: the JSON read API used by the inspector and the tests.
//!
//! - `/api/events?limit=N`: recent events, newest first.
//! - `/api/profiles?limit=N`: live profiles, newest first.
//! - `/api/profiles/{profile number or any member id}`: ids, traits and full timeline.

use super::reply::Reply;
use super::server::State;
use crate::store::read::Reader;

const DEFAULT_LIMIT: usize = 100;

/// Answers a read-API path, or `None` when the path is not one.
pub fn handle(state: &State, path: &str, query: &str) -> Option<Reply> {
    let reader: &Reader = &state.reader;
    let limit = query_param(query, "limit").and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_LIMIT);
    let result = match path {
        "/api/events" => reader.recent_events(limit).map(Some),
        "/api/profiles" => reader.profiles(limit).map(Some),
        _ => {
            let key = percent_decode(path.strip_prefix("/api/profiles/")?);
            reader.profile(&key)
        }
    };
    Some(match result {
        Ok(Some(value)) => Reply::json(200, &value),
        Ok(None) => Reply::error(404, "no such profile"),
        Err(e) => Reply::error(500, &format!("storage error: {e}")),
    })
}

/// The value of `name` in a query string (not decoded beyond `%XX`).
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| percent_decode(v))
}

/// Decodes `%XX` escapes (and `+` as space); malformed escapes are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_table() {
        let cases = [("a%40b.c", "a@b.c"), ("a+b", "a b"), ("100%", "100%"), ("%zz", "%zz"), ("%C3%A9", "é")];
        for (raw, want) in cases {
            assert_eq!(percent_decode(raw), want);
        }
        assert_eq!(query_param("limit=5&x=1", "limit").as_deref(), Some("5"));
        assert_eq!(query_param("x=1", "limit"), None);
    }
}
