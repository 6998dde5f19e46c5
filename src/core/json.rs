//! Just enough JSON for the core, without a JSON tree: string literals out and in, the top-level
//! entries of an object, and a shallow merge of two objects.
//!
//! Property bags arrive already serialised by the browser's `JSON.stringify`; the core splices those
//! texts into envelopes and only ever looks one level deep. Owns no formats (see `persisted`).
//! Must not import anything platform-specific; no `serde`, no `format!` (bytes are a budget).
//! The full grammar check of foreign texts is [`grammar`].

pub mod grammar;

/// Appends `s` as a JSON string literal (quoted, with the escapes JSON requires). Runs of bytes
/// that need no escape are copied whole (the common case is one copy).
pub fn push_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.push_str(s.get(run..i).unwrap_or_default());
        run = i + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                out.push_str("\\u00");
                out.push(hex_digit(u32::from(b) >> 4));
                out.push(hex_digit(u32::from(b) & 0xf));
            }
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// Appends an unsigned integer in decimal.
/// Digits from the most significant down, so no buffer to index (no bounds-check panic path).
pub fn push_u64(out: &mut String, n: u64) {
    let mut unit = 1;
    while n / unit >= 10 {
        unit *= 10; // never overflows: 10 * unit <= n
    }
    loop {
        out.push(char::from(b'0' + (n / unit % 10) as u8));
        if unit == 1 {
            break;
        }
        unit /= 10;
    }
}

fn hex_digit(n: u32) -> char {
    char::from_digit(n, 16).unwrap_or('0')
}

/// Decodes `raw` when it is exactly one JSON string literal (surrounding whitespace allowed).
pub fn parse_str(raw: &str) -> Option<String> {
    let raw = trim_ws(raw);
    let len = string_length(raw)?;
    if len != raw.len() {
        return None;
    }
    let inner = raw.get(1..len - 1)?;
    if !inner.as_bytes().contains(&b'\\') {
        // No escapes (the common case): the text between the quotes is the value.
        return Some(inner.to_owned());
    }
    let (text, rest) = scan_string(raw)?;
    rest.is_empty().then_some(text)
}

/// `s` without leading and trailing JSON whitespace (space, tab, newline, carriage return): `str::trim`
/// for JSON texts, without its Unicode whitespace table and char searcher in the wasm.
pub fn trim_ws(s: &str) -> &str {
    let s = trim_ws_start(s);
    let keep = s.len() - s.as_bytes().iter().rev().take_while(|b| is_ws(**b)).count();
    s.get(..keep).unwrap_or_default()
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// `s` without leading JSON whitespace.
fn trim_ws_start(s: &str) -> &str {
    let skip = s.as_bytes().iter().take_while(|b| is_ws(**b)).count();
    s.get(skip..).unwrap_or_default()
}

/// True when `raw` is a JSON object text: valid in full (RFC 8259 grammar, nested at most
/// `endpoint_limits::MAX_NESTING_DEPTH` levels), so it may be spliced into an event body. Stored
/// and foreign texts (traits from storage, a legacy cookie) are checked with it.
pub fn is_object(raw: &str) -> bool {
    trim_ws_start(raw).starts_with('{') && grammar::check(raw, crate::core::endpoint_limits::MAX_NESTING_DEPTH).is_ok()
}

/// Calls `visit(raw_key, raw_value)` for each top-level entry of a JSON object, in order, without
/// decoding or allocating (`raw_key` keeps its quotes). `None` when `raw` is not an object or is
/// malformed at the top level. Every tracking call reads several option and page fields, so this
/// walk is on the hot path.
fn walk<'a>(raw: &'a str, mut visit: impl FnMut(&'a str, &'a str)) -> Option<()> {
    let mut rest = trim_ws_start(trim_ws(raw).strip_prefix('{')?);
    if let Some(after) = rest.strip_prefix('}') {
        return trim_ws(after).is_empty().then_some(());
    }
    loop {
        let key_len = string_length(rest)?;
        let key = rest.get(..key_len)?;
        let after_colon = trim_ws_start(trim_ws_start(rest.get(key_len..)?).strip_prefix(':')?);
        let value_len = value_length(after_colon)?;
        // `get`, not `[..]`: the same bytes, but no str slicing panic path (its formatting costs ~4 KB of wasm).
        visit(key, trim_ws(after_colon.get(..value_len)?));
        let after_value = trim_ws_start(after_colon.get(value_len..)?);
        if let Some(next) = after_value.strip_prefix(',') {
            rest = trim_ws_start(next);
        } else {
            let tail = after_value.strip_prefix('}')?;
            return trim_ws(tail).is_empty().then_some(());
        }
    }
}

/// A raw key (with quotes) decoded; the common escape-free key is copied, not parsed.
fn decode_key(raw_key: &str) -> Option<String> {
    let inner = raw_key.get(1..raw_key.len().saturating_sub(1))?;
    if inner.as_bytes().contains(&b'\\') {
        parse_str(raw_key)
    } else {
        Some(inner.to_owned())
    }
}

/// The top-level entries of a JSON object, keys decoded and values as raw JSON slices.
/// `None` when `raw` is not an object or is malformed at the top level.
pub fn object_entries(raw: &str) -> Option<Vec<(String, &str)>> {
    let mut entries = Vec::new();
    let mut keys_ok = true;
    walk(raw, |key, value| match decode_key(key) {
        Some(key) => entries.push((key, value)),
        None => keys_ok = false,
    })?;
    keys_ok.then_some(entries)
}

/// The value text for `key` in a JSON object, if present (last occurrence wins, as in JSON.parse).
pub fn get<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
    let mut found = None;
    walk(raw, |raw_key, value| {
        let inner = raw_key.get(1..raw_key.len().saturating_sub(1)).unwrap_or_default();
        if inner == key || (inner.as_bytes().contains(&b'\\') && decode_key(raw_key).as_deref() == Some(key)) {
            found = Some(value);
        }
    })?;
    found
}

/// The string elements of a JSON array, decoded, in order (other elements skipped); `None` when `raw`
/// is not an array or is malformed at the top level.
pub fn string_array(raw: &str) -> Option<Vec<String>> {
    let mut rest = trim_ws_start(trim_ws(raw).strip_prefix('[')?);
    let mut items = Vec::new();
    if rest.strip_prefix(']').is_some_and(|tail| trim_ws(tail).is_empty()) {
        return Some(items);
    }
    loop {
        let len = value_length(rest)?;
        items.extend(parse_str(rest.get(..len)?));
        rest = trim_ws_start(rest.get(len..)?);
        match rest.strip_prefix(',') {
            Some(next) => rest = trim_ws_start(next),
            None => return trim_ws(rest.strip_prefix(']')?).is_empty().then_some(items),
        }
    }
}

/// Shallow merge: every key of `base`, with values from `over` where both have the key, then the
/// keys only `over` has, in their order. A non-object on either side counts as `{}`.
pub fn merge_objects(base: &str, over: &str) -> String {
    let base = object_entries(base).unwrap_or_default();
    let over = object_entries(over).unwrap_or_default();
    let mut merged: Vec<(String, &str)> = Vec::with_capacity(base.len() + over.len());
    for (key, value) in base.into_iter().chain(over) {
        match merged.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => merged.push((key, value)),
        }
    }
    write_object(&merged)
}

/// Writes entries back out as a JSON object text.
pub fn write_object(entries: &[(String, &str)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(&mut out, key);
        out.push(':');
        out.push_str(value);
    }
    out.push('}');
    out
}

/// Reads one string literal at the start of `s`; returns it decoded and the text after it.
fn scan_string(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, body.get(i + 1..)?)),
            '\\' => {
                let (_, esc) = chars.next()?;
                match esc {
                    '"' | '\\' | '/' => out.push(esc),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => out.push(read_unicode_escape(&mut chars)?),
                    _ => return None,
                }
            }
            c if (c as u32) < 0x20 => return None,
            c => out.push(c),
        }
    }
    None
}

fn read_hex4(chars: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut n = 0;
    for _ in 0..4 {
        n = n * 16 + chars.next()?.1.to_digit(16)?;
    }
    Some(n)
}

/// Decodes the XXXX of `\uXXXX` (and a following low surrogate when XXXX is a high one).
fn read_unicode_escape(chars: &mut std::str::CharIndices<'_>) -> Option<char> {
    let first = read_hex4(chars)?;
    if (0xD800..0xDC00).contains(&first) {
        let mut lookahead = chars.clone();
        if lookahead.next()?.1 == '\\' && lookahead.next()?.1 == 'u' {
            let second = read_hex4(&mut lookahead)?;
            if (0xDC00..0xE000).contains(&second) {
                *chars = lookahead;
                return char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00));
            }
        }
        return Some('\u{FFFD}');
    }
    Some(char::from_u32(first).unwrap_or('\u{FFFD}'))
}

/// The byte length of the string literal at the start of `s`, quotes included, without decoding it.
fn string_length(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            b if b < 0x20 => return None,
            _ => i += 1,
        }
    }
    None
}

/// The byte length of the JSON value at the start of `s` (strings and nesting aware).
fn value_length(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    match bytes.first()? {
        b'"' => string_length(s),
        b'{' | b'[' => nested_length(bytes),
        _ => {
            let end = bytes.iter().position(|b| matches!(b, b',' | b'}' | b']')).unwrap_or(bytes.len());
            (end > 0).then_some(end)
        }
    }
}

fn nested_length(bytes: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// A whole number in 1 to 19 plain decimal digits (`"20"`; not `""`, `"2.5"`, `"-1"`, `"+1"`): every
/// such text fits in a `u64`, and epoch milliseconds need 13. Stored numbers and integer options are read with it.
pub fn whole_number(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for byte in text.bytes() {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n * 10 + u64::from(digit);
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_plain_digits_within_u64() {
        let rows: &[(&str, Option<u64>)] = &[
            ("0", Some(0)), ("20", Some(20)), ("007", Some(7)), ("9999999999999999999", Some(9_999_999_999_999_999_999)),
            ("10000000000000000000", None), ("", None), ("-1", None), ("+1", None), ("2.5", None), ("1e3", None), (" 1", None),
        ];
        for &(text, want) in rows {
            assert_eq!(whole_number(text), want, "{text:?}");
        }
    }


    #[test]
    fn string_literals_round_trip_through_escapes() {
        let cases = ["plain", "quote\" back\\slash", "line\nbreak\ttab\r", "\u{1}ctl", "ünï 🎉", ""];
        for case in cases {
            let mut out = String::new();
            push_str(&mut out, case);
            assert_eq!(parse_str(&out).as_deref(), Some(case), "{out}");
        }
        let mut out = String::new();
        push_str(&mut out, "a\u{1f}\"");
        assert_eq!(out, r#""a\u001f\"""#);
    }

    #[test]
    fn parse_str_decodes_unicode_escapes_and_rejects_non_strings() {
        let table: &[(&str, Option<&str>)] = &[
            (r#""\u00e9\ud83c\udf89""#, Some("é🎉")),
            (r#"  "x"  "#, Some("x")),
            (r#""\/""#, Some("/")),
            (r#""\ud83c""#, Some("\u{FFFD}")),
            ("123", None),
            ("null", None),
            (r#""open"#, None),
            (r#""a" "b""#, None),
            (r#""bad\q""#, None),
        ];
        for (raw, want) in table {
            assert_eq!(parse_str(raw).as_deref(), *want, "{raw}");
        }
    }

    #[test]
    fn object_entries_reads_one_level_with_nested_values() {
        let raw = r#" { "a" : 1, "b":{"c":[1,"}"]}, "d":"x,y", "e": null , "f":true } "#;
        let entries = object_entries(raw).unwrap();
        let got: Vec<(&str, &str)> = entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            got,
            vec![("a", "1"), ("b", r#"{"c":[1,"}"]}"#), ("d", r#""x,y""#), ("e", "null"), ("f", "true")]
        );
        assert_eq!(object_entries("{}").unwrap().len(), 0);
        for bad in ["[]", "null", "\"s\"", "{", r#"{"a"}"#, r#"{"a":1"#, r#"{"a":1}x"#, ""] {
            assert!(object_entries(bad).is_none(), "{bad}");
        }
        assert_eq!(get(r#"{"a":1,"a":2}"#, "a"), Some("2"));
    }

    #[test]
    fn is_object_refuses_invalid_stored_texts() {
        // (text, is an object) – the first rows are corrupted `ajs_user_traits` values seen in the wild
        let rows = [
            (r#"{"plan": undefined}"#, false),
            (r#"{"a":{x y}}"#, false),
            (r#"{"a":tru}"#, false),
            (r#"{"a":[1,2}"#, false),
            (r#"{"a":"x"} trailing"#, false),
            ("[]", false),
            ("\"{}\"", false),
            (r#" {"plan":"pro","n":[1,{"x":null}]} "#, true),
            ("{}", true),
        ];
        for (text, want) in rows {
            assert_eq!(is_object(text), want, "{text}");
        }
        let deep = "{\"a\":".repeat(200) + "1" + &"}".repeat(200);
        assert!(!is_object(&deep));
    }

    #[test]
    fn merge_objects_is_shallow_and_over_wins() {
        let table = [
            (r#"{"a":1,"b":{"x":1}}"#, r#"{"b":{"y":2},"c":3}"#, r#"{"a":1,"b":{"y":2},"c":3}"#),
            ("{}", r#"{"a":1}"#, r#"{"a":1}"#),
            ("null", r#"{"a":1}"#, r#"{"a":1}"#),
            (r#"{"a":1}"#, "[1]", r#"{"a":1}"#),
            (r#"{"k\"":1}"#, "{}", r#"{"k\"":1}"#),
        ];
        for (base, over, want) in table {
            assert_eq!(merge_objects(base, over), want);
        }
    }

    #[test]
    fn push_u64_writes_decimal() {
        for (n, want) in [(0u64, "0"), (7, "7"), (1_700_000_000_123, "1700000000123"), (u64::MAX, "18446744073709551615")] {
            let mut out = String::new();
            push_u64(&mut out, n);
            assert_eq!(out, want);
        }
    }
}
