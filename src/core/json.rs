//! Just enough JSON for the core, without a JSON tree: string literals out and in, the top-level
//! entries of an object, and a shallow merge of two objects.
//!
//! Property bags arrive already serialised by the browser's `JSON.stringify`; the core splices those
//! texts into envelopes and only ever looks one level deep. Owns no formats (see `persisted`).
//! Must not import anything platform-specific; no `serde`, no `format!` (bytes are a budget).
//! Every reader here is the one scanner of [`grammar`] (the full grammar check) with a visitor: a
//! text invalid anywhere reads as absent, and there is no second, lenient scanner in the wasm.

pub mod grammar;

use crate::core::pairs::Pairs;

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
        out.push('\\');
        run = i + 1;
        match b {
            // The quote or backslash itself starts the next run.
            b'"' | b'\\' => run = i,
            b'\n' => out.push('n'),
            b'\r' => out.push('r'),
            b'\t' => out.push('t'),
            _ => {
                out.push_str("u00");
                out.push(crate::core::text::hex_digit(b >> 4));
                out.push(crate::core::text::hex_digit(b & 0xf));
            }
        }
    }
    out.push_str(s.get(run..s.len()).unwrap_or_default());
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

/// Decodes `raw` when it is exactly one JSON string literal (surrounding whitespace allowed).
pub fn parse_str(raw: &str) -> Option<String> {
    let raw = trim_ws(raw);
    // Depth 0: one value that is no container; starting with a quote, a string.
    (raw.starts_with('"') && grammar::check(raw, 0).is_ok()).then(|| unescape(raw.get(1..raw.len() - 1).unwrap_or_default()))
}

/// The text of a string literal whose body (between the quotes) `inner` has passed the grammar
/// check, escapes decoded (an unpaired surrogate becomes U+FFFD). Escape-free text is one copy.
fn unescape(inner: &str) -> String {
    let b = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let (mut i, mut run) = (0, 0);
    while let Some(&c) = b.get(i) {
        if c != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(inner.get(run..i).unwrap_or_default());
        let mut point = 0xFFFD;
        let next = match grammar::escape(b, i, &mut point) {
            0 => i + 2,
            next => next,
        };
        out.push(char::from_u32(point).unwrap_or('\u{FFFD}'));
        i = next;
        run = next;
    }
    out.push_str(inner.get(run..inner.len()).unwrap_or_default());
    out
}

/// `s` without leading and trailing JSON whitespace (space, tab, newline, carriage return): `str::trim`
/// for JSON texts, without its Unicode whitespace table and char searcher in the wasm.
pub fn trim_ws(s: &str) -> &str {
    let b = s.as_bytes();
    let start = grammar::ws(b, 0);
    let mut end = b.len();
    while end > start && matches!(b.get(end - 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        end -= 1;
    }
    s.get(start..end).unwrap_or_default()
}

/// The first byte of `raw` after JSON whitespace, 0 when there is none: what kind of value it opens
/// (no slicing, no `Option` answer through memory).
fn opening(raw: &str) -> u8 {
    let b = raw.as_bytes();
    b.get(grammar::ws(b, 0)).copied().unwrap_or(0)
}

/// `s` without leading JSON whitespace.
#[cfg(test)]
fn trim_ws_start(s: &str) -> &str {
    s.get(grammar::ws(s.as_bytes(), 0)..).unwrap_or_default()
}

/// True when `raw` is a JSON object text: valid in full (RFC 8259 grammar, nested at most
/// `endpoint_limits::MAX_NESTING_DEPTH` levels), so it may be spliced into an event body. Stored
/// and foreign texts (traits from storage, a legacy cookie) are checked with it.
pub fn is_object(raw: &str) -> bool {
    opening(raw) == b'{' && grammar::check(raw, crate::core::endpoint_limits::MAX_NESTING_DEPTH).is_ok()
}

/// True when `text` is exactly one JSON number (no whitespace): `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub fn is_number(text: &str) -> bool {
    grammar::number(text.as_bytes(), 0) == Some(text.len())
}

/// Calls `visit(raw_key, raw_value)` for each top-level member of the JSON object (`open` `{`) or
/// array (`[`; keys `""`) `raw`, in order, without decoding or allocating (`raw_key` keeps its
/// quotes). `None` when `raw` is not such a container or not valid JSON in full (then some members
/// may have been visited). Every tracking call reads several option and page fields, so this walk
/// is on the hot path; it is the grammar check itself, so there is one JSON scanner in the wasm.
fn walk<'a>(raw: &'a str, open: u8, mut visit: impl FnMut(&'a str, &'a str)) -> Option<()> {
    walk_dyn(raw, open, &mut visit)
}

/// [`walk`], once for every visitor.
fn walk_dyn<'a>(raw: &'a str, open: u8, visit: &mut dyn grammar::Visit<'a>) -> Option<()> {
    (opening(raw) == open && grammar::scan_dyn(raw, usize::MAX, visit).is_ok()).then_some(())
}

/// The text between the quotes of a raw key.
fn key_inner(raw_key: &str) -> &str {
    raw_key.get(1..raw_key.len().saturating_sub(1)).unwrap_or_default()
}

/// True when the raw key (with quotes) decodes to `key`; the common escape-free key is compared, not decoded.
pub fn key_is(raw_key: &str, key: &str) -> bool {
    let inner = key_inner(raw_key);
    // Exactly the decoded key (a raw key with an escape is decoded even when its raw text equals `key`).
    if crate::core::text::has_byte(inner.as_bytes(), b'\\') {
        unescape(inner) == key
    } else {
        inner == key
    }
}

/// The top-level entries of a JSON object, keys decoded and values as raw JSON slices.
/// `None` when `raw` is not a valid JSON object.
pub fn object_entries(raw: &str) -> Option<Vec<(String, &str)>> {
    let mut entries = Vec::new();
    walk(raw, b'{', |key, value| entries.push((unescape(key_inner(key)), value)))?;
    Some(entries)
}

/// [`object_entries`], none when `raw` is not a valid JSON object.
pub fn entries_or_empty(raw: &str) -> Vec<(String, &str)> {
    object_entries(raw).unwrap_or_default()
}

/// The value text for `key` in a JSON object, if present (last occurrence wins, as in JSON.parse).
pub fn get<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
    // One walk comparing keys in place: no entries list, no decoded key Strings.
    let mut found = None;
    walk(raw, b'{', |k, value| {
        if key_is(k, key) {
            found = Some(value);
        }
    })?;
    found
}

/// The string elements of a JSON array, decoded, in order (other elements skipped); `None` when `raw`
/// is not a valid JSON array.
pub fn string_array(raw: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    walk(raw, b'[', |_, value| {
        if value.starts_with('"') {
            items.push(unescape(key_inner(value)));
        }
    })?;
    Some(items)
}

/// Shallow merge: every key of `base`, with values from `over` where both have the key, then the
/// keys only `over` has, in their order. A non-object on either side counts as `{}`.
pub fn merge_objects(base: &str, over: &str) -> String {
    let mut members = object_members(base);
    add_members(&mut members, over);
    let mut out = String::new();
    write_members(&mut out, &members.0);
    out
}

/// The members of the JSON object `raw` (none when it is not a valid object), values raw: each key
/// once, where it first appears, with the value it last has (JavaScript's rule for repeated keys).
pub fn object_members(raw: &str) -> Pairs {
    let mut members = Pairs::default();
    add_members(&mut members, raw);
    members
}

/// Sets every member of the JSON object `raw` (none when it is not a valid object) over `members`.
pub fn add_members(members: &mut Pairs, raw: &str) {
    // Keys taken by reference, not a by-value loop: `vec::IntoIter` has a generic copy per element type.
    for (key, value) in &mut entries_or_empty(raw) {
        members.set(std::mem::take(key), (*value).to_owned());
    }
}

/// Appends the object of `members` (keys as JSON strings, values raw) to `out`: the one writer of
/// an object from its members.
pub fn write_members(out: &mut String, members: &[(String, String)]) {
    let start = out.len();
    out.push('{');
    for (key, value) in members {
        push_member(out, start, key, value);
    }
    out.push('}');
}

/// Appends `"key":value` to an object text being written into `out` from byte `start` (a comma
/// first unless the object is just `{` so far). The one member writer of every object text.
pub fn push_member(out: &mut String, start: usize, key: &str, value: &str) {
    if out.len() > start + 1 {
        out.push(',');
    }
    push_str(out, key);
    out.push(':');
    out.push_str(value);
}

/// A whole number in 1 to 19 plain decimal digits (`"20"`; not `""`, `"2.5"`, `"-1"`, `"+1"`): every
/// such text fits in a `u64`, and epoch milliseconds need 13. Stored numbers and integer options are read with it.
#[inline(always)]
pub fn whole_number(text: &str) -> Option<u64> {
    let n = whole_number_or_max(text);
    (n != u64::MAX).then_some(n)
}

/// [`whole_number`]'s reading, `u64::MAX` (above any 19 digits) for none: a plain answer, as an
/// `Option<u64>` one goes through memory.
fn whole_number_or_max(text: &str) -> u64 {
    if text.is_empty() || text.len() > 19 {
        return u64::MAX;
    }
    let mut n: u64 = 0;
    for byte in text.bytes() {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return u64::MAX;
        }
        n = n * 10 + u64::from(digit);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_matches_the_decoded_key_only() {
        assert_eq!(get(r#"{"a\n":1,"b":2,"b":3}"#, r"a\n"), None);
        assert_eq!(get(r#"{"a\n":1}"#, "a\n"), Some("1"));
        assert_eq!(get(r#"{"a\\n":1}"#, "a\\n"), Some("1"));
        assert_eq!(get(r#"{"\u0062":2,"b":3}"#, "b"), Some("3"));
        assert_eq!(get(r#"{"b":3,"\u0062":2}"#, "b"), Some("2"));
        assert_eq!(get(r#"{"b":3"#, "b"), None);
    }

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
    fn trim_ws_trims_json_whitespace_only() {
        for text in ["", " ", "\t\n\r ", "x", " x ", "\r\n{}\t", "\u{a0}x\u{a0}", " é ", "a b", "\u{b}x"] {
            let json_ws = |c| matches!(c, ' ' | '\t' | '\n' | '\r');
            assert_eq!(trim_ws(text), text.trim_matches(json_ws), "{text:?}");
            assert_eq!(trim_ws_start(text), text.trim_start_matches(json_ws), "{text:?}");
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
        // (text, literal) – what `JSON.stringify` writes, except `\b` `\f` as `\u0008` `\u000c` (same value)
        let rows = [
            ("a\u{1f}\"", r#""a\u001f\"""#), ("\u{0}\u{f}\u{10}", r#""\u0000\u000f\u0010""#), ("\u{8}\u{c}", r#""\u0008\u000c""#),
            ("\\\n\r\t", r#""\\\n\r\t""#), ("\u{7f}é/", "\"\u{7f}é/\""),
        ];
        for (text, want) in rows {
            let mut out = String::new();
            push_str(&mut out, text);
            assert_eq!(out, want);
        }
    }

    #[test]
    fn parse_str_decodes_unicode_escapes_and_rejects_non_strings() {
        let table: &[(&str, Option<&str>)] = &[
            (r#""\u00e9\ud83c\udf89""#, Some("é🎉")),
            (r#"  "x"  "#, Some("x")),
            (r#""\/""#, Some("/")),
            (r#""\"\\\/\b\f\n\r\t\u0041""#, Some("\"\\/\u{8}\u{c}\n\r\tA")),
            (r#""\ud83c""#, Some("\u{FFFD}")),
            ("123", None),
            (r#""\ud83d\u0041""#, Some("\u{FFFD}A")),
            (r#""a\u00""#, None),
            ("\"tab\t\"", None),
            (r#""\"#, None),
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
        // Invalid anywhere (nested values too) is invalid: what the readers return is JSON in full.
        for bad in [
            "[]", "null", "\"s\"", "{", r#"{"a"}"#, r#"{"a":1"#, r#"{"a":1}x"#, "", r#"{"a":tru}"#, r#"{"a":1,"b":{x y}}"#,
            r#"{"a":[1,2}}"#, r#"{"a":"\q"}"#, r#"{"a":01}"#, "{\"a\":\"\t\"}",
        ] {
            assert!(object_entries(bad).is_none(), "{bad}");
            assert_eq!(get(bad, "a"), None, "{bad}");
        }
        assert_eq!(get(r#"{"a":1,"a":2}"#, "a"), Some("2"));
        assert_eq!(get(r#"{"t\u0079pe" : "x" }"#, "type"), Some(r#""x""#));
        assert_eq!(object_entries(r#"{"\ud83d":1}"#).unwrap()[0].0, "\u{FFFD}");
    }

    #[test]
    fn string_array_reads_the_string_elements_of_a_valid_array() {
        let rows: &[(&str, Option<&[&str]>)] = &[
            (r#"["a", 1, "b\"c", null, ["d"]]"#, Some(&["a", "b\"c"])),
            (" [ \"x\" ] ", Some(&["x"])),
            ("[]", Some(&[])),
            (r#"["\u00e9"]"#, Some(&["é"])),
            (r#"["a",]"#, None),
            (r#"["a", tru]"#, None),
            (r#"["a"] x"#, None),
            (r#"{"a":"b"}"#, None),
            (r#""a""#, None),
            ("", None),
        ];
        for &(raw, want) in rows {
            let got = string_array(raw);
            assert_eq!(got.as_deref().map(|v| v.iter().map(String::as_str).collect::<Vec<_>>()), want.map(<[&str]>::to_vec), "{raw}");
        }
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
            (r#"{"a":1,"b":2,"a":3}"#, r#"{"b":4,"c":5,"c":6}"#, r#"{"a":3,"b":4,"c":6}"#),
            (r#"{"a":1}"#, r#"{"\u0061":2,"b":[]}"#, r#"{"a":2,"b":[]}"#),
            ("{}", "{}", "{}"),
            (r#"{"a":1}"#, r#"{"b":tru}"#, r#"{"a":1}"#),
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
