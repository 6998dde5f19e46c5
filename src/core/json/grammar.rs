//! The full JSON grammar (RFC 8259), checked without building a tree and without recursion, with
//! a nesting limit, and the repair of unpaired UTF-16 surrogate escapes.
//!
//! Every text spliced into an event body from outside the core (a stored traits value, a legacy
//! cookie, a property bag, a middleware result) passes here: one invalid byte makes a
//! Segment-compatible endpoint reject the whole request. `JSON.stringify` writes an unpaired
//! surrogate (`'😀'.slice(0, 1)`) as the escape `\ud83d`, which strict parsers refuse; it is
//! valid grammar here and reported so the caller can repair it ([`repair_surrogates`]).
//! Imports nothing.

/// Why a text is not acceptable JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// Not JSON at all (or not one value).
    Syntax,
    /// Objects and arrays nested deeper than the limit.
    TooDeep,
}

/// Checks that `text` is exactly one JSON value nested at most `max_depth` levels (`{}` is one
/// level). Returns the byte offsets of unpaired surrogate escapes (the `\` of each `\uD8xx`), in
/// order: an empty list (no allocation) for the common clean text.
pub fn check(text: &str, max_depth: usize) -> Result<Vec<usize>, Invalid> {
    let b = text.as_bytes();
    let mut lone = Vec::new();
    let mut open: Vec<u8> = Vec::new();
    let mut i = ws(b, 0);
    'value: loop {
        match b.get(i) {
            Some(&c @ (b'{' | b'[')) => {
                if open.len() >= max_depth {
                    return Err(Invalid::TooDeep);
                }
                open.push(c);
                i = ws(b, i + 1);
                let close = if c == b'{' { b'}' } else { b']' };
                if b.get(i) == Some(&close) {
                    open.pop();
                    i += 1;
                } else if c == b'{' {
                    i = key(b, i, &mut lone)?;
                    continue 'value;
                } else {
                    continue 'value;
                }
            }
            Some(b'"') => i = string(b, i, &mut lone)?,
            Some(b't') => i = literal(b, i, b"true")?,
            Some(b'f') => i = literal(b, i, b"false")?,
            Some(b'n') => i = literal(b, i, b"null")?,
            Some(_) => i = number(b, i)?,
            None => return Err(Invalid::Syntax),
        }
        // After a value: close containers until one expects another member.
        loop {
            i = ws(b, i);
            let Some(&container) = open.last() else {
                return if i == b.len() { Ok(lone) } else { Err(Invalid::Syntax) };
            };
            let close = if container == b'{' { b'}' } else { b']' };
            match b.get(i) {
                Some(b',') => {
                    i = ws(b, i + 1);
                    if container == b'{' {
                        i = key(b, i, &mut lone)?;
                    }
                    continue 'value;
                }
                Some(&c) if c == close => {
                    open.pop();
                    i += 1;
                }
                _ => return Err(Invalid::Syntax),
            }
        }
    }
}

/// Replaces each unpaired surrogate escape `check` reported by `\ufffd` (same length).
pub fn repair_surrogates(text: &mut String, lone: &[usize]) {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for &at in lone {
        // `get`, not `[..]` or `replace_range`: no panic path (its formatting costs ~4 KB of wasm).
        out.push_str(text.get(from..at + 2).unwrap_or_default());
        out.push_str("fffd");
        from = at + 6;
    }
    out.push_str(text.get(from..).unwrap_or_default());
    *text = out;
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// An object key, the colon and the whitespace before the value.
fn key(b: &[u8], i: usize, lone: &mut Vec<usize>) -> Result<usize, Invalid> {
    if b.get(i) != Some(&b'"') {
        return Err(Invalid::Syntax);
    }
    let i = ws(b, string(b, i, lone)?);
    if b.get(i) != Some(&b':') {
        return Err(Invalid::Syntax);
    }
    Ok(ws(b, i + 1))
}

fn literal(b: &[u8], i: usize, word: &[u8]) -> Result<usize, Invalid> {
    match b.get(i..i + word.len()) {
        Some(found) if found == word => Ok(i + word.len()),
        _ => Err(Invalid::Syntax),
    }
}

fn digits(b: &[u8], mut i: usize) -> Result<usize, Invalid> {
    let start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == start { Err(Invalid::Syntax) } else { Ok(i) }
}

fn number(b: &[u8], mut i: usize) -> Result<usize, Invalid> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    i = if b.get(i) == Some(&b'0') { i + 1 } else { digits(b, i)? };
    if b.get(i) == Some(&b'.') {
        i = digits(b, i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(b, i)?;
    }
    Ok(i)
}

fn hex4(b: &[u8], i: usize) -> Result<u32, Invalid> {
    let mut n = 0;
    for at in i..i + 4 {
        n = n * 16 + char::from(*b.get(at).ok_or(Invalid::Syntax)?).to_digit(16).ok_or(Invalid::Syntax)?;
    }
    Ok(n)
}

/// A string literal starting at `i` (the quote); returns the offset after its closing quote.
fn string(b: &[u8], mut i: usize, lone: &mut Vec<usize>) -> Result<usize, Invalid> {
    i += 1;
    loop {
        match *b.get(i).ok_or(Invalid::Syntax)? {
            b'"' => return Ok(i + 1),
            b'\\' => match *b.get(i + 1).ok_or(Invalid::Syntax)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                b'u' => {
                    let unit = hex4(b, i + 2)?;
                    let paired = (0xD800..0xDC00).contains(&unit)
                        && b.get(i + 6..i + 8) == Some(b"\\u")
                        && hex4(b, i + 8).is_ok_and(|low| (0xDC00..0xE000).contains(&low));
                    if paired {
                        i += 12;
                    } else {
                        if (0xD800..0xE000).contains(&unit) {
                            lone.push(i);
                        }
                        i += 6;
                    }
                }
                _ => return Err(Invalid::Syntax),
            },
            c if c < 0x20 => return Err(Invalid::Syntax),
            _ => i += 1,
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
            assert_eq!(check(text, 64), Ok(vec![]), "{text:?}");
        }
    }

    #[test]
    fn nesting_beyond_the_limit_is_too_deep_without_recursion() {
        assert_eq!(check("[[[]]]", 3), Ok(vec![]));
        assert_eq!(check("[[[[]]]]", 3), Err(Invalid::TooDeep));
        assert_eq!(check("{\"a\":{\"b\":{}}}", 2), Err(Invalid::TooDeep));
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(check(&deep, 64), Err(Invalid::TooDeep));
        assert_eq!(check(&deep, usize::MAX), Ok(vec![]));
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
            assert_eq!(check(&repaired, 64), Ok(vec![]));
        }
    }
}
