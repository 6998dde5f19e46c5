//! The Rust reference for `core::store::PercentDecode`: what the browser's decoder (`host.js`
//! `hostDecode`) must answer, as plain Rust. Test support only: the host tests read cookies with it,
//! and tests/browser_percent_decode.rs (which includes this file by path, so it imports nothing) checks
//! the browser's decoder against it. Once the library's own decoder; the wasm now uses the browser's.

/// `s` with its `%XX` runs decoded as UTF-8: `None` when they are not UTF-8, or when `strict` and a
/// `%` lacks two hex digits (`decodeURIComponent` throws); without `strict` such a `%` stays literal
/// (js-cookie's value reader). One UTF-8 check over all the bytes is the same as one per run: the
/// literal text between runs is whole characters, so a run can neither complete nor be completed by
/// its neighbours.
pub fn percent_decode(s: &str, strict: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match (b, hex_pair(bytes, i)) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
                continue;
            }
            (b'%', None) if strict => return None,
            _ => decoded.push(b),
        }
        i += 1;
    }
    let mut out = String::with_capacity(decoded.len());
    push_utf8(&mut out, &decoded)?;
    Some(out)
}

fn hex_pair(bytes: &[u8], i: usize) -> Option<u8> {
    let hi = (*bytes.get(i + 1)? as char).to_digit(16)?;
    let lo = (*bytes.get(i + 2)? as char).to_digit(16)?;
    Some((hi * 16 + lo) as u8)
}

/// Appends `bytes` decoded as UTF-8; `None` when they are not UTF-8 (a bad or missing continuation
/// byte, an overlong form, a surrogate, above U+10FFFF), exactly where `str::from_utf8` fails. Spelt
/// out rather than `from_utf8` so the rules the browser must match are visible.
pub fn push_utf8(out: &mut String, bytes: &[u8]) -> Option<()> {
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        let (extra, min, bits) = match first {
            0x00..=0x7F => (0, 0, u32::from(first)),
            0xC0..=0xDF => (1, 0x80, u32::from(first & 0x1F)),
            0xE0..=0xEF => (2, 0x800, u32::from(first & 0x0F)),
            0xF0..=0xF7 => (3, 0x1_0000, u32::from(first & 0x07)),
            _ => return None,
        };
        let (continuation, after) = (tail.get(..extra)?, tail.get(extra..)?);
        let mut code = bits;
        for &b in continuation {
            if b & 0xC0 != 0x80 {
                return None;
            }
            code = (code << 6) | u32::from(b & 0x3F);
        }
        if code < min {
            return None;
        }
        out.push(char::from_u32(code)?);
        rest = after;
    }
    Some(())
}
