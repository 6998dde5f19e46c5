//! Query-string enrichment of `context`: `campaign` from `utm_*` keys and the ad-network
//! `referrer` from `btid` / `urid`, exactly as analytics.js's Page Enrichment plugin reads them.
//!
//! Input is the page context's `search` (`location.search`, leading `?` optional). Owns the
//! `+`-as-space percent-decoding (`gracefulDecodeURIComponent`). Pure; imports only `core::json`.

use crate::core::json;

/// The query's `(key, value)` pairs as analytics.js reads them: a leading `?` dropped, every other
/// `?` read as `&` (`query.replace(/\?/g, '&').split('&')`), then each piece split like JS
/// `piece.split('=')` destructured: the text before the first `=`, and the text between the first
/// and second `=` (`None` when there is no `=`).
fn query_pairs(search: &str) -> Vec<(&str, Option<&str>)> {
    let mut rest = search.strip_prefix('?').unwrap_or(search);
    let mut pairs = Vec::new();
    loop {
        let piece = before(rest, b'&');
        let piece = before(piece, b'?');
        let end = piece.len();
        let key = before(piece, b'=');
        let value = piece.get(key.len() + 1..).map(|value| before(value, b'='));
        pairs.push((key, value));
        match rest.get(end + 1..) {
            Some(next) if end < rest.len() => rest = next,
            _ => return pairs,
        }
    }
}

/// `s` up to the first `stop` byte (all of `s` when there is none).
fn before(s: &str, stop: u8) -> &str {
    s.get(..s.bytes().position(|b| b == stop).unwrap_or(s.len()))
        .unwrap_or(s)
}

/// The campaign field for a query key: keys containing `utm_` lose their first four characters
/// (`campaign` becomes `name`); keys of four characters or fewer, and other keys, give `None`.
fn campaign_field(key: &str) -> Option<&str> {
    if !key.as_bytes().windows(4).any(|w| w == b"utm_") {
        return None;
    }
    // JS `k.length > 4 && k.slice(4)`; query keys are percent-encoded ASCII in `location.search`.
    let field = key.get(4..).filter(|f| !f.is_empty())?;
    Some(if field == "campaign" { "name" } else { field })
}

/// `context.campaign` as a JSON object: every key containing `utm_` (and longer than four
/// characters) loses its first four characters, `campaign` becomes `name`, values are decoded with
/// `+` as a space. Later duplicates win. Any query yields at least `{}`.
/// Call only when the event's page `search` is non-empty and no campaign was set by the caller.
pub fn campaign(search: &str) -> String {
    let mut entries: Vec<(&str, String)> = Vec::new();
    for (key, value) in query_pairs(search) {
        let Some(name) = campaign_field(key) else { continue };
        let value = decode_component(value.unwrap_or(""));
        match entries.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => entries.push((name, value)),
        }
    }
    let mut out = String::from("{");
    for (key, value) in &entries {
        if out.len() > 1 {
            out.push(',');
        }
        json::push_str(&mut out, key);
        out.push(':');
        json::push_str(&mut out, value);
    }
    out.push('}');
    out
}

/// Ad-network click ids analytics.js recognises in the query, and the referrer type each means.
const AD_KEYS: [(&str, &str); 2] = [("btid", "dataxu"), ("urid", "millennial-media")];

/// `context.referrer` from the first `btid` / `urid` in the query, as `{"id":…,"type":…}`
/// (the raw, undecoded value; no `id` when the key has no `=`). `None` when neither is present.
/// The shell persists the result in the `s:context.referrer` cookie and passes the stored value
/// back on later events.
pub fn ad_referrer(search: &str) -> Option<String> {
    query_pairs(search).into_iter().find_map(|(key, value)| {
        let (_, kind) = AD_KEYS.iter().find(|(k, _)| *k == key)?;
        let mut out = String::from("{");
        if let Some(id) = value {
            out.push_str("\"id\":");
            json::push_str(&mut out, id);
            out.push(',');
        }
        out.push_str("\"type\":");
        json::push_str(&mut out, kind);
        out.push('}');
        Some(out)
    })
}

/// `gracefulDecodeURIComponent`: `+` becomes a space, then `%XX` escapes are decoded; when an
/// escape is malformed or the bytes are not UTF-8, the input comes back unchanged (with its `+`).
pub fn decode_component(raw: &str) -> String {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut rest = raw.bytes();
    while let Some(b) = rest.next() {
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let high = rest.next().and_then(hex_value);
                let low = rest.next().and_then(hex_value);
                match (high, low) {
                    (Some(h), Some(l)) => bytes.push(h << 4 | l),
                    _ => return raw.to_string(),
                }
            }
            b => bytes.push(b),
        }
    }
    utf8_string(&bytes).unwrap_or_else(|| raw.to_string())
}

/// Decodes UTF-8 as `decodeURIComponent` accepts it: no overlong forms, no surrogates, nothing
/// above U+10FFFF. (Smaller in wasm than `String::from_utf8`.)
fn utf8_string(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        let (len, min, mut code) = match lead {
            0x00..=0x7F => (1, 0, u32::from(lead)),
            0xC0..=0xDF => (2, 0x80, u32::from(lead & 0x1F)),
            0xE0..=0xEF => (3, 0x800, u32::from(lead & 0x0F)),
            0xF0..=0xF7 => (4, 0x1_0000, u32::from(lead & 0x07)),
            _ => return None,
        };
        for k in 1..len {
            let next = *bytes.get(i + k)?;
            if next & 0xC0 != 0x80 {
                return None;
            }
            code = code << 6 | u32::from(next & 0x3F);
        }
        if code < min {
            return None;
        }
        out.push(char::from_u32(code)?);
        i += len;
    }
    Some(out)
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_follows_the_analytics_js_utm_rule() {
        let table: &[(&str, &str)] = &[
            ("?utm_source=g&utm_campaign=spring", r#"{"source":"g","name":"spring"}"#),
            ("utm_source=g", r#"{"source":"g"}"#),
            ("?q=1", "{}"),
            ("?", "{}"),
            (
                "?utm_term=a+b%20c&utm_content=%E2%9C%93",
                r#"{"term":"a b c","content":"✓"}"#,
            ),
            ("?utm_term=100%&x", r#"{"term":"100%"}"#),
            ("?utm_term=a+%ZZ", r#"{"term":"a+%ZZ"}"#),
            ("?utm_term=%C3", r#"{"term":"%C3"}"#),
            ("?utm_term=%C0%80", r#"{"term":"%C0%80"}"#),
            ("?utm_term=%ED%A0%80", r#"{"term":"%ED%A0%80"}"#),
            ("?utm_term=%F4%90%80%80", r#"{"term":"%F4%90%80%80"}"#),
            ("?utm_term=%F0%9F%8E%89%E2%82%AC%C3%A9", r#"{"term":"🎉€é"}"#),
            ("?utm_term=%E2%82", r#"{"term":"%E2%82"}"#),
            ("?utm_term=%80", r#"{"term":"%80"}"#),
            ("?utm_medium", r#"{"medium":""}"#),
            ("?utm_=x&utm_medium=m", r#"{"medium":"m"}"#),
            (
                "?utm_source=a&utm_source=b&utm_medium=m",
                r#"{"source":"b","medium":"m"}"#,
            ),
            ("?a=1?utm_source=s", r#"{"source":"s"}"#),
            ("?xutm_foo=1", r#"{"_foo":"1"}"#),
            ("?utm_source=a=b", r#"{"source":"a"}"#),
            ("?utm_campaign=%22q%22", r#"{"name":"\"q\""}"#),
        ];
        for (search, want) in table {
            assert_eq!(campaign(search), *want, "{search}");
        }
    }

    #[test]
    fn ad_referrer_reads_btid_and_urid() {
        let table: &[(&str, Option<&str>)] = &[
            ("?btid=abc", Some(r#"{"id":"abc","type":"dataxu"}"#)),
            ("?x=1&urid=z%20", Some(r#"{"id":"z%20","type":"millennial-media"}"#)),
            ("?urid=1&btid=2", Some(r#"{"id":"1","type":"millennial-media"}"#)),
            ("?btid", Some(r#"{"type":"dataxu"}"#)),
            ("?utm_source=x", None),
            ("", None),
        ];
        for (search, want) in table {
            assert_eq!(ad_referrer(search).as_deref(), *want, "{search}");
        }
    }
}
