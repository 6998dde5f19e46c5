//! An ordered list of object fields whose values are raw JSON: the one way the envelope edits an
//! object (set, replace in place, remove) without building a JSON tree. Keys are written with
//! `core::json::push_str`; values are spliced verbatim.
//! Imports only `core::json` and `core::pairs`.

use crate::core::json;
use crate::core::pairs::Pairs;

/// The fields of one JSON object, in output order: [`Pairs`] (the map the stores use too, so the
/// wasm holds one copy of its code).
#[derive(Debug, Default)]
pub(super) struct Fields(Pairs);

impl Fields {
    /// The fields of `raw` when it is a JSON object.
    #[cfg(test)]
    pub(super) fn parse(raw: &str) -> Option<Fields> {
        json::object_entries(raw).map(|_| Fields::parse_or_empty(Some(raw)))
    }

    /// The fields of `raw`; none when it is absent or not a JSON object.
    pub(super) fn parse_or_empty(raw: Option<&str>) -> Fields {
        Fields(json::object_members(raw.unwrap_or("{}")))
    }

    /// True when there are no fields.
    pub(super) fn is_empty(&self) -> bool {
        self.0 .0.is_empty()
    }

    /// The raw value of `key`.
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key)
    }

    /// Sets `key` to the raw JSON `value`: replaced in place when present, appended otherwise
    /// (JavaScript property order).
    pub(super) fn set(&mut self, key: String, value: String) {
        self.0.set(key, value);
    }

    /// [`Fields::set`] for a borrowed key and raw value.
    pub(super) fn put(&mut self, key: &str, value: &str) {
        self.set(key.to_owned(), value.to_owned());
    }

    /// [`Fields::set`] for a borrowed key and a raw value built for it.
    pub(super) fn put_owned(&mut self, key: &str, value: String) {
        self.set(key.to_owned(), value);
    }

    /// Sets `key` to `text` as a JSON string, when given.
    pub(super) fn set_text(&mut self, key: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.put_owned(key, quoted(text));
        }
    }

    /// Every field of the JSON object `raw` set over these (a shallow `{...self, ...raw}`); nothing
    /// when it is absent or not an object.
    pub(super) fn extend_json(&mut self, raw: Option<&str>) {
        json::add_members(&mut self.0, raw.unwrap_or("{}"));
    }

    /// Every field of `other` set over these (a shallow `{...self, ...other}`).
    #[cfg(test)]
    pub(super) fn extend(&mut self, mut other: Fields) {
        for (key, value) in &mut other.0 .0 {
            self.set(std::mem::take(key), std::mem::take(value));
        }
    }

    /// Removes `key` if present.
    pub(super) fn remove(&mut self, key: &str) {
        self.0.remove(key);
    }

    /// Appends the object's JSON text to `out`.
    pub(super) fn write(&self, out: &mut String) {
        json::write_members(out, &self.0 .0);
    }

    /// The object's JSON text.
    pub(super) fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// `s` as a JSON string literal.
pub(super) fn quoted(s: &str) -> String {
    // `push_str` reserves what it writes.
    let mut out = String::new();
    json::push_str(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_set_replace_in_place_and_write_back() {
        let mut f = Fields::parse(r#"{"a":1,"b":{"x":[1]},"a":3}"#).unwrap();
        assert_eq!(f.to_json(), r#"{"a":3,"b":{"x":[1]}}"#);
        f.put("c", "null");
        f.put_owned("a", quoted("q\""));
        f.remove("b");
        assert_eq!(f.to_json(), r#"{"a":"q\"","c":null}"#);
        assert_eq!(f.get("c"), Some("null"));
        let mut g = Fields::default();
        g.put("c", "2");
        g.put("d", "4");
        f.extend(g);
        assert_eq!(f.to_json(), r#"{"a":"q\"","c":2,"d":4}"#);
        assert!(Fields::parse("[]").is_none());
    }
}
