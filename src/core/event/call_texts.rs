//! The texts of one tracking call as the facade hands them to the wasm: one string instead of seven
//! arguments, because each string argument of an export costs a copy in the generated glue and code
//! in the export's wasm shim. Written by `www/src/analytics.js` (`build_`), read here by [`unpack`].
//!
//! Format: `{method} {kinds} ` then, for the page JSON and then for each kinds letter in turn (at most
//! [`MAX_ARGS`]), `{length} {text}`, where `length` is the text's JavaScript `length` in decimal
//! (UTF-16 code units). No separator can be ambiguous: the lengths say where each text ends, whatever
//! it holds (spaces, digits, control characters). Lengths in UTF-16 units survive the glue's UTF-8
//! conversion: an astral character is two units in JavaScript and `char::len_utf16` 2 here, and a lone
//! surrogate (one unit) arrives as one U+FFFD (one unit). Each text has a space before it and a digit
//! or the end after it, so a lone surrogate ending one text and another starting the next never join
//! into a pair: each text arrives exactly as it would as an argument of its own. An argument without
//! text (`undefined`, `null`, a function, an unserialisable object) is an empty text; its kinds letter
//! says which it was, as before. The call time and the enqueue flag stay number arguments.
//! Imports `core::{json, text}` only.

use crate::core::json::whole_number;
use crate::core::text::split_once;

/// The most argument texts a call carries (the facade passes the first five arguments).
pub const MAX_ARGS: usize = 5;

/// One call's texts, borrowed from the packed string.
#[derive(Debug, PartialEq, Eq)]
pub struct CallTexts<'a> {
    /// The analytics.js method name (`track`, `page`, …).
    pub method: &'a str,
    /// One letter per argument (`core::event::args`).
    pub kinds: &'a str,
    /// The argument texts, one per kinds letter; `""` for an argument without text and past the last.
    pub args: [&'a str; MAX_ARGS],
    /// The `context.page` JSON the facade built at call time.
    pub page_json: &'a str,
}

/// The texts packed in `packed`; `None` when it is not in the format (a length that does not end on a
/// character, more texts than kinds letters or fewer, more than [`MAX_ARGS`]): the call makes no event.
#[inline(always)]
pub fn unpack(packed: &str) -> Option<CallTexts<'_>> {
    let (method, rest) = split_once(packed, b' ')?;
    let (kinds, mut rest) = split_once(rest, b' ')?;
    let mut texts = [""; MAX_ARGS + 1];
    for text in texts.get_mut(..=kinds.len())? {
        let (length, after) = split_once(rest, b' ')?;
        // `utf16_end`'s `usize::MAX` (no such offset) makes `get` answer `None`.
        let end = utf16_end(after, whole_number(length)?);
        *text = after.get(0..end)?;
        rest = after.get(end..after.len())?;
    }
    let [page_json, args @ ..] = texts;
    rest.is_empty().then_some(CallTexts { method, kinds, args, page_json })
}

/// The byte offset in `s` after its first `units` UTF-16 code units; `usize::MAX` when `s` is shorter
/// or the offset would split a character (half of an astral one): a plain answer, as an
/// `Option<usize>` one goes through memory. Counts from the UTF-8 lead bytes: one unit per character,
/// two for a four-byte one.
fn utf16_end(s: &str, units: u64) -> usize {
    let mut seen = 0;
    for (at, &byte) in s.as_bytes().iter().enumerate() {
        if byte & 0xc0 != 0x80 {
            if seen == units {
                return at;
            }
            seen += if byte >= 0xf0 { 2 } else { 1 };
        }
    }
    if seen == units {
        s.len()
    } else {
        usize::MAX
    }
}

#[cfg(test)]
#[path = "call_texts_tests.rs"]
mod tests;
