//! Splitting `str`s at one ASCII byte, for the core's formats (cookie headers, stored queue lines,
//! settings, numbers). Same results as `str::split_once` / `rsplit_once` / `split` / `lines` with an
//! ASCII `char`, without `str`'s pattern searchers: those pull `memchr`, `memrchr` and the char
//! searcher into the wasm (~1.5 KB), where a byte scan does the same job (an ASCII byte is always a
//! char boundary), and the one lowercase hex digit writer. Shared by every part of the core; imports nothing.

/// Whether `bytes` holds `b` (`<[u8]>::contains`, without the `memchr` it calls: ~300 B of wasm).
pub fn has_byte(bytes: &[u8], b: u8) -> bool {
    for &x in bytes {
        if x == b {
            return true;
        }
    }
    false
}

/// Whether `s` is in `list`: one plain loop for every caller, instead of `<[&str]>::contains`.
pub fn is_one_of(list: &[&str], s: &str) -> bool {
    for item in list {
        if *item == s {
            return true;
        }
    }
    false
}

/// Whether every byte of `s` is an ASCII digit (true when empty): one loop instead of a
/// `bytes().all(..)` copy at each caller.
pub fn all_digits(s: &str) -> bool {
    for &b in s.as_bytes() {
        if !b.is_ascii_digit() {
            return false;
        }
    }
    true
}

/// The lowercase hex digit of `nibble` (0 to 15): UUIDs and JSON's `\u00XX` escapes.
pub fn hex_digit(nibble: u8) -> char {
    char::from(if nibble < 10 { b'0' + nibble } else { b'a' - 10 + nibble })
}

/// The text before and after the first `sep` (`str::split_once` with an ASCII char).
pub fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let mut at = 0;
    while *b.get(at)? != sep {
        at += 1;
    }
    Some((s.get(0..at)?, s.get(at + 1..s.len())?))
}

/// The text before and after the last `sep` (`str::rsplit_once` with an ASCII char).
pub fn rsplit_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let mut at = b.len();
    loop {
        at = at.checked_sub(1)?;
        if matches!(b.get(at), Some(&c) if c == sep) {
            return Some((s.get(0..at)?, s.get(at + 1..s.len())?));
        }
    }
}

/// The pieces between `sep`s, empty ones included (`str::split` with an ASCII char).
pub fn split(s: &str, sep: u8) -> Split<'_> {
    Split { rest: Some(s), sep }
}

/// The iterator of [`split`].
pub struct Split<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match split_once(rest, self.sep) {
            Some((piece, after)) => {
                self.rest = Some(after);
                Some(piece)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// The lines of `s` (`str::lines`): ended by `\n` or `\r\n`, the last one's end optional, no empty
/// line after a final line end.
pub fn lines(s: &str) -> Lines<'_> {
    Lines { rest: s }
}

/// The iterator of [`lines`].
pub struct Lines<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let Some((line, after)) = split_once(self.rest, b'\n') else {
            return Some(std::mem::take(&mut self.rest));
        };
        self.rest = after;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts with ASCII separators at every position, empty pieces, `\r` alone and in `\r\n`, and
    /// multi-byte characters next to the separators.
    const TEXTS: &[&str] = &[
        "", ",", ",,", "a", "a,b", ",a", "a,", "a,,b", "é,ü", "€,", ",€", "a\nb", "a\r\nb", "a\n", "a\r\n", "\n",
        "\r\n", "\n\n", "a\rb", "a\r", "\r", "x\n\ny\r\n\r\nz", "ab\r\r\n", "日本\n語", "a.b.c", ".", "..", "a.",
    ];

    #[test]
    fn same_as_str_with_an_ascii_char() {
        for text in TEXTS {
            for (sep, c) in [(b',', ','), (b'\n', '\n'), (b'.', '.'), (b'\r', '\r')] {
                assert_eq!(split_once(text, sep), text.split_once(c), "split_once {text:?} {c:?}");
                assert_eq!(rsplit_once(text, sep), text.rsplit_once(c), "rsplit_once {text:?} {c:?}");
                assert_eq!(split(text, sep).collect::<Vec<_>>(), text.split(c).collect::<Vec<_>>(), "split {text:?} {c:?}");
            }
            assert_eq!(lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "lines {text:?}");
        }
    }

    #[test]
    fn same_as_str_on_seeded_random_texts() {
        // Texts of separators, `\r`, ASCII and multi-byte characters from a fixed-seed generator.
        let alphabet = [",", "\n", "\r", ".", "a", "é", "€", "😀", " "];
        let mut seed = 0x2545_f491_u32;
        for _ in 0..2_000 {
            let mut text = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                text.push_str(alphabet[(seed % alphabet.len() as u32) as usize]);
            }
            seed = seed.wrapping_mul(747_796_405).wrapping_add(1);
            assert_eq!(split_once(&text, b','), text.split_once(','), "{text:?}");
            assert_eq!(rsplit_once(&text, b'.'), text.rsplit_once('.'), "{text:?}");
            assert_eq!(split(&text, b',').collect::<Vec<_>>(), text.split(',').collect::<Vec<_>>(), "{text:?}");
            assert_eq!(lines(&text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }
}
