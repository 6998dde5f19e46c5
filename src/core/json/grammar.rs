//! The one JSON scanner of the core: the full grammar (RFC 8259) checked without building a tree
//! and without recursion, with a nesting limit, reporting each top-level member as it passes, and
//! the repair of unpaired UTF-16 surrogate escapes.
//!
//! Every text spliced into an event body from outside the core (a stored traits value, a legacy
//! cookie, a property bag, a middleware result) passes here: one invalid byte makes a
//! Segment-compatible endpoint reject the whole request. `JSON.stringify` writes an unpaired
//! surrogate (`'😀'.slice(0, 1)`) as the escape `\ud83d`, which strict parsers refuse; it is
//! valid grammar here and reported so the caller can repair it ([`repair_surrogates`]).
//! The readers in `core::json` (`get`, `object_entries`, `string_array`, `parse_str`) are this
//! scanner with a visitor, so what they read is valid JSON in full. Imports nothing.

/// Why a text is not acceptable JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// Not JSON at all (or not one value).
    Syntax,
    /// Objects and arrays nested deeper than the limit.
    TooDeep,
}

/// Whether a valid text holds unpaired surrogate escapes (`\uD8xx` with no partner) for
/// [`repair_surrogates`] to replace: a flag, not their offsets (the repair finds them again), so the
/// scanner allocates nothing for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lone(bool);

impl Lone {
    /// True when the text has no unpaired surrogate escape (nothing to repair).
    pub fn is_empty(&self) -> bool {
        !self.0
    }
}

/// Checks that `text` is exactly one JSON value nested at most `max_depth` levels (`{}` is one
/// level). Tells whether it holds unpaired surrogate escapes ([`Lone`]).
pub fn check(text: &str, max_depth: usize) -> Result<Lone, Invalid> {
    scan(text, max_depth, |_, _| {})
}

/// [`check`], calling `visit(raw_key, raw_value)` for each member of the outermost object or array
/// as it passes (the key with its quotes, `""` in an array; both without surrounding whitespace).
/// Members already visited stay visited when the text turns out invalid: decide on the result.
pub fn scan<'a>(text: &'a str, max_depth: usize, mut visit: impl FnMut(&'a str, &'a str)) -> Result<Lone, Invalid> {
    scan_dyn(text, max_depth, &mut visit)
}

/// A visitor of [`scan`]: any `FnMut(raw_key, raw_value)`. Its own trait, not `dyn FnMut`, so each
/// visitor's vtable holds just `visit` (a `dyn FnMut` vtable also needs a `call_once` shim per closure).
pub trait Visit<'a> {
    /// Called with one member: its raw key and raw value.
    fn visit(&mut self, key: &'a str, value: &'a str);
}

impl<'a, F: FnMut(&'a str, &'a str)> Visit<'a> for F {
    fn visit(&mut self, key: &'a str, value: &'a str) {
        self(key, value)
    }
}

/// The scanner itself: one copy serves every reader (`visit` is `dyn`, not generic).
pub fn scan_dyn<'a>(text: &'a str, max_depth: usize, visit: &mut dyn Visit<'a>) -> Result<Lone, Invalid> {
    let b = text.as_bytes();
    let mut lone = Lone(false);
    // The open containers, innermost last: `{` or `[` (the closing byte is the opening one + 2).
    let mut open: Vec<u8> = Vec::new();
    let (mut key, mut start) = ("", 0);
    let mut expect_key = false;
    let mut i = ws(b, 0);
    'value: loop {
        if expect_key {
            let at = i;
            i = string(b, i, &mut lone);
            if i == 0 {
                return Err(Invalid::Syntax);
            }
            if open.len() == 1 {
                key = text.get(at..i).unwrap_or_default();
            }
            i = ws(b, i);
            if !matches!(b.get(i), Some(b':')) {
                return Err(Invalid::Syntax);
            }
            i = ws(b, i + 1);
        }
        if open.len() == 1 {
            start = i;
        }
        match b.get(i) {
            Some(&c @ (b'{' | b'[')) => {
                if open.len() >= max_depth {
                    return Err(Invalid::TooDeep);
                }
                open.push(c);
                i = ws(b, i + 1);
                if matches!(b.get(i), Some(&close) if close == c + 2) {
                    open.pop();
                    i += 1;
                } else {
                    expect_key = c == b'{';
                    continue 'value;
                }
            }
            // Each scan answers the offset after its value, 0 for none (never the end of a value).
            Some(b'"') => i = string(b, i, &mut lone),
            Some(b't') => i = literal(b, i, b"true"),
            Some(b'f') => i = literal(b, i, b"false"),
            Some(b'n') => i = literal(b, i, b"null"),
            Some(_) => i = number_end(b, i),
            None => i = 0,
        }
        if i == 0 {
            return Err(Invalid::Syntax);
        }
        // After a value: close containers until one expects another member.
        loop {
            let end = i;
            i = ws(b, i);
            let Some(&container) = open.last() else {
                return if i == b.len() { Ok(lone) } else { Err(Invalid::Syntax) };
            };
            if open.len() == 1 {
                // The key is still the key read for this value: a key is only read after a comma.
                visit.visit(key, text.get(start..end).unwrap_or_default());
            }
            match b.get(i) {
                Some(b',') => {
                    i = ws(b, i + 1);
                    expect_key = container == b'{';
                    continue 'value;
                }
                Some(&c) if c == container + 2 => {
                    open.pop();
                    i += 1;
                }
                _ => return Err(Invalid::Syntax),
            }
        }
    }
}

/// Replaces each unpaired surrogate escape of a text [`check`] passed by `\ufffd` (same length);
/// `_lone` is what `check` told (nothing to do when empty). In valid JSON every `\` starts an escape
/// inside a string, so reading escape by escape from the start finds exactly the ones `check` saw.
pub fn repair_surrogates(text: &mut String, _lone: &Lone) {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut from) = (0, 0);
    while let Some(&c) = b.get(i) {
        if c != b'\\' {
            i += 1;
            continue;
        }
        let mut point = 0;
        let next = match escape(b, i, &mut point) {
            0 => i + 2,
            next => next,
        };
        if (0xD800..0xE000).contains(&point) {
            // `get`, not `[..]` or `replace_range`: no panic path (its formatting costs ~4 KB of wasm);
            // not bytes and `String::from_utf8`: its validation is ~700 B of wasm.
            out.push_str(text.get(from..i + 2).unwrap_or_default());
            out.push_str("fffd");
            from = next;
        }
        i = next;
    }
    out.push_str(text.get(from..text.len()).unwrap_or_default());
    *text = out;
}

/// The offset of the first byte at or after `i` that is not JSON whitespace.
pub fn ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The offset after `word` at `i`; 0 when it is not there.
fn literal(b: &[u8], i: usize, word: &[u8]) -> usize {
    match b.get(i..i + word.len()) {
        Some(found) if found == word => i + word.len(),
        _ => 0,
    }
}

/// The offset after the digits at `i` (`i` itself when there are none).
fn digits(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// The offset after the JSON number at `i`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
#[inline(always)]
pub fn number(b: &[u8], i: usize) -> Option<usize> {
    let end = number_end(b, i);
    (end != 0).then_some(end)
}

/// [`number`]'s scan, answering 0 for no number (a number's end is never 0): an `Option<usize>`
/// answer goes through memory.
fn number_end(b: &[u8], mut i: usize) -> usize {
    if matches!(b.get(i), Some(b'-')) {
        i += 1;
    }
    // Each part needs a digit: `digits` answering where it started means none.
    let mut at = i;
    i = if matches!(b.get(i), Some(b'0')) { i + 1 } else { digits(b, i) };
    if matches!(b.get(i), Some(b'.')) {
        if i == at {
            return 0;
        }
        at = i + 1;
        i = digits(b, at);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        if i == at {
            return 0;
        }
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        at = i;
        i = digits(b, at);
    }
    if i == at {
        return 0;
    }
    i
}

/// The four hex digits at `i` as a number; `NO_HEX` when they are not there (a plain answer: an
/// `Option<u32>` one goes through memory).
fn hex4(b: &[u8], i: usize) -> u32 {
    let Some(digits) = b.get(i..i + 4) else {
        return NO_HEX;
    };
    let mut n = 0;
    for &c in digits {
        let Some(digit) = char::from(c).to_digit(16) else {
            return NO_HEX;
        };
        n = n * 16 + digit;
    }
    n
}

/// [`hex4`]'s answer for no hex digits (above any four-digit value).
const NO_HEX: u32 = u32::MAX;

/// The escape whose `\` is at `i`: the offset after it, with the code point it stands for (a `\u`
/// surrogate pair joined, an unpaired surrogate as itself) put in `point`; 0 when it is not a JSON
/// escape (`point` left as it was). Plain answers: an `Option<(u32, usize)>` one goes through memory.
pub fn escape(b: &[u8], i: usize, point: &mut u32) -> usize {
    match b.get(i + 1) {
        Some(b'u') => {
            let unit = hex4(b, i + 2);
            if unit == NO_HEX {
                return 0;
            }
            if (0xD800..0xDC00).contains(&unit) && matches!(b.get(i + 6..i + 8), Some(b"\\u")) {
                let low = hex4(b, i + 8);
                if (0xDC00..0xE000).contains(&low) {
                    *point = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    return i + 12;
                }
            }
            *point = unit;
            i + 6
        }
        Some(&c) => {
            // The one-letter escapes and what each stands for, at the same index.
            let at = b"\"\\/bfnrt".iter().position(|&e| e == c);
            let Some(&simple) = at.and_then(|at| b"\"\\/\x08\x0c\n\r\t".get(at)) else {
                return 0;
            };
            *point = u32::from(simple);
            i + 2
        }
        None => 0,
    }
}

/// A string literal starting at `i` (the quote); returns the offset after its closing quote, 0 when
/// there is no valid string literal there (answers through memory cost code at each call).
fn string(b: &[u8], mut i: usize, lone: &mut Lone) -> usize {
    if !matches!(b.get(i), Some(b'"')) {
        return 0;
    }
    i += 1;
    loop {
        match b.get(i) {
            Some(b'"') => return i + 1,
            Some(b'\\') => {
                let mut point = 0;
                i = escape(b, i, &mut point);
                if i == 0 {
                    return 0;
                }
                if (0xD800..0xE000).contains(&point) {
                    lone.0 = true;
                }
            }
            Some(&c) if c >= 0x20 => i += 1,
            _ => return 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_texts_are_refused() {
        let invalid = [
            "", " ", "{", "}", "{\"plan\": undefined}", "{\"a\":{x y}}", "{\"a\":tru}", "{\"a\":1,}", "[1,]", "[,1]",
            "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}",
            "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\t\"}",
            "{\"a\":\"open}", "{} {}", "{}x", "[1 2]", "{\"a\":[}", "{\"a\":1]", "[1}", "nul", "truee", "\"a\"\"b\"",
            "{\"a\":1,\"b\"}", "{,}", "{\"a\"::1}",
        ];
        for text in invalid {
            assert_eq!(check(text, 64), Err(Invalid::Syntax), "{text:?}");
        }
    }

    #[test]
    fn valid_texts_pass() {
        let valid = [
            "{}", "[]", " { } ", "0", "-0.5e+10", "1E3", "\"s\"", "null", "true", "false",
            "{\"a\":[1,{\"b\":null},\"}\",[]],\"c\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}",
            "{\"emoji\":\"\\ud83d\\ude00 😀\"}", "[[[[]]]]", "{\"a\" : 1 , \"b\" : -2 }",
        ];
        for text in valid {
            assert_eq!(check(text, 64), Ok(Lone(false)), "{text:?}");
        }
    }

    #[test]
    fn nesting_beyond_the_limit_is_too_deep_without_recursion() {
        assert_eq!(check("[[[]]]", 3), Ok(Lone(false)));
        assert_eq!(check("[[[[]]]]", 3), Err(Invalid::TooDeep));
        assert_eq!(check("{\"a\":{\"b\":{}}}", 2), Err(Invalid::TooDeep));
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(check(&deep, 64), Err(Invalid::TooDeep));
        assert_eq!(check(&deep, usize::MAX), Ok(Lone(false)));
        let nested = |levels: usize| "{\"a\":[".repeat(levels / 2) + "{}" + &"]}".repeat(levels / 2);
        assert_eq!(check(&nested(63), 62), Err(Invalid::TooDeep));
        assert_eq!(check(&nested(63), 63), Ok(Lone(false)));
        assert_eq!(check("{\"a\":[{},[],{\"b\":[1]}],\"c\":{}}", 4), Ok(Lone(false)));
        assert_eq!(check("{\"a\":[{},[],{\"b\":[1]}],\"c\":{}}", 3), Err(Invalid::TooDeep));
        // Arrays and objects are told apart at every level.
        let full = "[{\"a\":".repeat(100) + "1" + &"}]".repeat(100);
        assert_eq!(check(&full, 200), Ok(Lone(false)));
        let crossed = "[{\"a\":".repeat(100) + "1" + &"]}".repeat(100);
        assert_eq!(check(&crossed, 200), Err(Invalid::Syntax));
    }

    #[test]
    fn unpaired_surrogate_escapes_are_reported_and_repaired_in_place() {
        // (text, repaired)
        let rows = [
            (r#"{"t":"\ud83d"}"#, r#"{"t":"\ufffd"}"#),
            (r#"{"t":"\ude00x"}"#, r#"{"t":"\ufffdx"}"#),
            (r#"{"t":"\ud83d\ud83d\ude00"}"#, r#"{"t":"\ufffd\ud83d\ude00"}"#),
            (r#"{"\udbff":["\uDC00"]}"#, r#"{"\ufffd":["\ufffd"]}"#),
            (r#"{"t":"\ud83d\u0041"}"#, r#"{"t":"\ufffd\u0041"}"#),
        ];
        for (text, want) in rows {
            let lone = check(text, 64).expect("valid grammar");
            assert!(!lone.is_empty(), "{text}");
            let mut repaired = text.to_owned();
            repair_surrogates(&mut repaired, &lone);
            assert_eq!(repaired, want);
            assert_eq!(check(&repaired, 64), Ok(Lone(false)));
        }
    }

    #[test]
    fn scan_visits_each_outer_member_once_in_order() {
        // (text, visited (key, value) pairs, result is Ok)
        let rows: &[(&str, &[(&str, &str)], bool)] = &[
            (r#" { "a" : 1 , "b":{"c":[1,"}"]}, "d":"x,y", "e": null } "#, &[(r#""a""#, "1"), (r#""b""#, r#"{"c":[1,"}"]}"#), (r#""d""#, r#""x,y""#), (r#""e""#, "null")], true),
            (r#"[ 1, {"k":[]} ,"s", [] ]"#, &[("", "1"), ("", r#"{"k":[]}"#), ("", r#""s""#), ("", "[]")], true),
            (r#"{"a":{},"b":[]}"#, &[(r#""a""#, "{}"), (r#""b""#, "[]")], true),
            (r#"{"k\u0065y":true}"#, &[(r#""k\u0065y""#, "true")], true),
            ("{}", &[], true),
            ("\"s\"", &[], true),
            (r#"{"a":1,"b":tru}"#, &[(r#""a""#, "1")], false),
        ];
        for &(text, want, ok) in rows {
            let mut got = Vec::new();
            let result = scan(text, 64, &mut |key, value| got.push((key, value)));
            assert_eq!(got, want, "{text}");
            assert_eq!(result.is_ok(), ok, "{text}");
        }
    }

    /// Seeded texts (valid JSON from a small generator, half of them then damaged by one edit) judged
    /// by `check` and by serde_json: the same verdict, and a repaired unpaired surrogate is what
    /// serde_json refuses. Valid objects read through `core::json::get` give serde_json's values.
    #[test]
    fn verdicts_match_serde_json_on_seeded_texts() {
        const PIECES: &[&str] = &[
            "{", "}", "[", "]", ",", ":", " ", "\"", "\\", "\\u", "\\ud83d", "\\ude00", "\\q", "\u{1}", "0", "01", "-", ".",
            "e", "1.5e-3", "tru", "null", "é", "😀", "\"k\":", "\t", "\n",
        ];
        let mut seed = 0x2545_f491_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut valid, mut invalid) = (0, 0);
        for _ in 0..4_000 {
            let mut text = String::new();
            value(&mut text, &mut next, 0);
            if next(2) == 0 {
                let at = (0..=next(text.len() + 1)).rev().find(|&at| text.is_char_boundary(at)).unwrap_or(0);
                let cut = (at..=text.len()).find(|&end| end > at && text.is_char_boundary(end)).unwrap_or(at);
                match next(3) {
                    0 => text.insert_str(at, PIECES[next(PIECES.len())]),
                    1 => text.replace_range(at..cut, ""),
                    _ => text.replace_range(at..cut, PIECES[next(PIECES.len())]),
                }
            }
            let serde = serde_json::from_str::<serde_json::Value>(&text);
            match check(&text, 64) {
                Ok(lone) if lone.is_empty() => {
                    let parsed = serde.unwrap_or_else(|e| panic!("{e}: {text}"));
                    valid += 1;
                    if let serde_json::Value::Object(map) = parsed {
                        for (key, want) in &map {
                            let raw = crate::core::json::get(&text, key).unwrap_or_else(|| panic!("{key}: {text}"));
                            assert_eq!(&serde_json::from_str::<serde_json::Value>(raw).unwrap(), want, "{text}");
                        }
                        assert_eq!(crate::core::json::object_entries(&text).map(|e| e.len() >= map.len()), Some(true));
                    }
                }
                Ok(lone) => {
                    assert!(serde.is_err(), "{text}");
                    let mut repaired = text.clone();
                    repair_surrogates(&mut repaired, &lone);
                    assert!(serde_json::from_str::<serde_json::Value>(&repaired).is_ok(), "{repaired}");
                }
                Err(_) => {
                    assert!(serde.is_err(), "serde_json accepts {text:?}");
                    assert_eq!(crate::core::json::get(&text, "k"), None, "{text}");
                    invalid += 1;
                }
            }
        }
        assert!(valid > 1_000 && invalid > 1_000, "{valid} valid, {invalid} invalid");
    }

    /// A random JSON value of at most a few levels, written with random whitespace and escapes.
    fn value(out: &mut String, next: &mut impl FnMut(usize) -> usize, depth: usize) {
        const SCALARS: &[&str] = &[
            "0", "-0", "12", "-3.25", "1e3", "2E-2", "true", "false", "null", "\"\"", "\"k\"", "\"a\\\"b\"", "\"\\u00e9\\/\\n\"",
            "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"é😀\"",
        ];
        let pad = |out: &mut String, n: usize| out.push_str([" ", "", "", "\n\t", ""][n % 5]);
        match if depth >= 3 { 2 } else { next(3) } {
            0 => {
                out.push('{');
                for i in 0..next(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    pad(out, next(5));
                    out.push_str(["\"k\"", "\"a\"", "\"k\\u0065\"", "\"\""][next(4)]);
                    pad(out, next(5));
                    out.push(':');
                    value(out, next, depth + 1);
                }
                out.push('}');
            }
            1 => {
                out.push('[');
                for i in 0..next(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    value(out, next, depth + 1);
                }
                out.push(']');
            }
            _ => {
                pad(out, next(5));
                out.push_str(SCALARS[next(SCALARS.len())]);
                pad(out, next(5));
            }
        }
    }
}
