//! The init options JSON text and the typed reads every part makes of it, by path
//! (`"cookie/maxage"`, `"integrations/Segment.io/apiHost"`: keys joined by `/`).
//!
//! One reader, so each option costs its path and one call: a flag, a non-empty string, a whole number
//! in a range (with its default), a word, or the raw JSON value. Anything absent, of another type or malformed reads as
//! absent, and the caller falls back to analytics-next's default. Words compare decoded (`Options::text`).
//! Which option names exist, and which are
//! reported as unsupported, is `core::load_options`'s; what each value means is the reading part's.
//! Imports only `core::json` and `core::text`; every part may use it. Must not import platform crates.

use crate::core::{json, text};

/// The init options JSON text (an object; anything else reads as empty).
#[derive(Clone, Copy, Debug)]
pub struct Options<'a>(pub &'a str);

impl<'a> Options<'a> {
    /// The raw JSON value at `path`, trimmed; `None` when any key on the way is missing or its
    /// parent is not an object.
    #[inline(never)]
    pub fn raw(self, path: &str) -> Option<&'a str> {
        let mut value = self.0;
        let mut rest = path;
        loop {
            let (key, tail) = text::split_once(rest, b'/').unwrap_or((rest, ""));
            value = json::get(value, key)?;
            if tail.is_empty() {
                return Some(value);
            }
            rest = tail;
        }
    }

    /// The options under `path`, to read several paths below it (absent or not an object: nothing).
    #[inline(never)]
    pub fn at(self, path: &str) -> Options<'a> {
        Options(self.raw(path).unwrap_or_default())
    }

    /// The value at `path` is JSON `true` (anything else, or absence, is false).
    #[inline(never)]
    pub fn flag(self, path: &str) -> bool {
        self.raw(path) == Some("true")
    }

    /// The value at `path` is the JSON string `word` (not empty).
    #[inline(never)]
    pub fn is(self, path: &str, word: &str) -> bool {
        self.text(path).as_deref() == Some(word)
    }

    /// The non-empty JSON string at `path`, decoded.
    #[inline(never)]
    pub fn text(self, path: &str) -> Option<String> {
        self.raw(path).and_then(json::parse_str).filter(|s| !s.is_empty())
    }

    /// [`Options::text`], else `default`.
    #[inline(never)]
    pub fn text_or(self, path: &str, default: &str) -> String {
        self.text(path).unwrap_or_else(|| default.to_owned())
    }

    /// The whole number at `path` (plain digits) if it lies in `min..=max`, else `default`. An `f64`
    /// (exact for whole numbers up to 2^53), the one type every reader converts to: one value to return.
    #[inline(never)]
    pub fn number_or(self, path: &str, min: u64, max: u64, default: f64) -> f64 {
        match self.raw(path).and_then(json::whole_number) {
            Some(n) if min <= n && n <= max => n as f64,
            _ => default,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_read_by_path_and_value_gives_its_answer() {
        let o = Options(r#"{"a":{"b.c":{"d":true},"n":42,"w":"drop","s":"","t":"x\u0079"},"f":false,"arr":[1]}"#);
        assert_eq!(o.raw("a/b.c/d"), Some("true"));
        assert!(o.flag("a/b.c/d") && !o.flag("a/n") && !o.flag("zz") && !o.flag("f"));
        assert!(o.raw("f") == Some("false") && o.raw("a/b.c/d") != Some("false") && o.raw("zz").is_none());
        assert!(o.is("a/w", "drop") && !o.is("a/w", "dro") && !o.is("a/n", "42") && !o.is("zz", "drop") && o.is("a/t", "xy"));
        assert_eq!(o.text("a/t").as_deref(), Some("xy"));
        assert_eq!((o.text("a/s"), o.text("a/n"), o.text("a/w/x")), (None, None, None));
        assert_eq!((o.text_or("a/t", "d"), o.text_or("a/s", "d"), o.text_or("zz", "")), ("xy".into(), "d".into(), String::new()));
        assert_eq!((o.number_or("a/n", 1, 42, 7.0), o.number_or("a/n", 43, 50, 7.0), o.number_or("a/w", 0, 9, 7.0)), (42.0, 7.0, 7.0));
        assert_eq!((o.raw("arr/0"), o.raw("a/n/x"), o.raw("")), (None, None, None));
        assert_eq!((o.at("a").raw("b.c/d"), o.at("a/b.c").raw("d"), o.at("a").text("t").as_deref()), (Some("true"), Some("true"), Some("xy")));
        assert_eq!((o.at("zz").raw("d"), o.at("a/n").raw("d"), o.at("arr").raw("0")), (None, None, None));
        for hostile in ["", "null", "[]", "7", "{", "{\"a\":", "not json", "{\"a\":{\"b.c\":[}}"] {
            let o = Options(hostile);
            assert!(o.raw("a").is_none() || hostile.starts_with("{\"a\":{"), "{hostile}");
            assert!(!o.flag("a/b.c/d") && o.text("a").is_none() && o.number_or("a/n", 0, 99, -1.0) == -1.0, "{hostile}");
        }
    }
}
