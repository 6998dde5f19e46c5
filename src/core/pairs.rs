//! [`Pairs`]: an ordered list of text (key, value) pairs with unique keys, the crate's one small
//! map (the in-memory store's items, the envelope's object fields, the local store's per-task
//! reads). A plain `Vec`: a handful of keys each time, and one copy of its code in the wasm for
//! every user (a `BTreeMap` costs ~4 KB gzip). Pure; imports nothing.

/// Pairs in insertion order; a key appears at most once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        for (k, v) in &self.0 {
            if k.as_str() == key {
                return Some(v);
            }
        }
        None
    }

    /// Sets `key` to `value`: replaced in place when present, appended otherwise (JavaScript
    /// property order).
    pub fn set(&mut self, key: String, value: String) {
        for slot in &mut self.0 {
            if slot.0 == key {
                slot.1 = value;
                return;
            }
        }
        self.0.push((key, value));
    }

    /// Removes `key` if present, keeping the order of the rest.
    pub fn remove(&mut self, key: &str) {
        // Keys are unique (`set` replaces): one `remove`, not a `retain` (its generic copy costs more).
        if let Some(at) = self.0.iter().position(|(k, _)| k.as_str() == key) {
            self.0.remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_in_place_and_remove_keeps_order() {
        let mut p = Pairs::default();
        for (k, v) in [("a", "1"), ("b", "2"), ("c", "3"), ("a", "4")] {
            p.set(k.to_owned(), v.to_owned());
        }
        p.remove("b");
        p.remove("missing");
        let want = [("a", "4"), ("c", "3")].map(|(k, v)| (k.to_owned(), v.to_owned()));
        assert_eq!(p.0, want);
        assert_eq!((p.get("a"), p.get("b")), (Some("4"), None));
    }
}
