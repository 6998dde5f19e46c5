//! The three-method storage interface every persistence adapter implements (identity stores, the
//! delivery queue, tab leases), and its in-memory twin.
//!
//! Values are raw strings exactly as the backing store holds them (a cookie's value as it appears
//! in `document.cookie`, a localStorage item's text). Encoding and decoding of those strings is
//! owned by the persisted-format modules, never by adapters. Adapters must never panic or throw:
//! a blocked or failing store reports `false` from `set` and behaves as empty on `get`.
//! Imports only `core::pairs`: every part of the core and every shell adapter may use it.

use std::cell::Cell;
use std::rc::Rc;

use crate::core::pairs::Pairs;

/// Which kind of browser storage a [`Store`] stands for; persisted-format rules differ per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    /// `document.cookie`: shared across subdomains, small, travels with requests.
    Cookie,
    /// `window.localStorage`: per origin, survives cookie expiry.
    LocalStorage,
    /// Per page instance; the fallback when nothing else works.
    Memory,
}

/// The `%XX` decoder reading cookies needs (`core::identity::cookie_codec` says where it applies), which
/// a cookie store supplies: the browser's own (`host.js` `hostDecode`) in the shell,
/// `core/identity/percent_decode_reference.rs` in tests. `(text, strict)` gives `text` with its `%XX`
/// runs decoded as UTF-8; `None` where a run is not UTF-8 (a bad or missing continuation byte, an
/// overlong form, a surrogate, above U+10FFFF). A `%` without two hex digits fails when `strict`
/// (`decodeURIComponent`, for names) and else stays literal (js-cookie's value reader
/// `value.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent)`). Hex digits are ASCII, either case.
pub type PercentDecode = fn(&str, bool) -> Option<String>;

/// The [`PercentDecode`] of stores whose texts are not percent-encoded: no text decodes.
pub fn undecodable(_text: &str, _strict: bool) -> Option<String> {
    None
}

/// Raw string storage. Implemented by the browser adapters and by [`MemoryStore`].
pub trait Store {
    /// The kind of storage, which selects the value codec.
    fn kind(&self) -> StoreKind;
    /// The raw stored text for `key`, or `None` when absent or unreadable.
    fn get(&self, key: &str) -> Option<String>;
    /// Stores raw text; returns `false` when the store refused (blocked, quota, sandbox).
    fn set(&mut self, key: &str, raw: &str) -> bool;
    /// Removes `key`; silently does nothing when the store is unavailable.
    fn remove(&mut self, key: &str);
    /// Every key starting with `prefix` (any order); empty when unsupported or unavailable.
    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        let _ = prefix;
        Vec::new()
    }
    /// The platform's `%XX` decoder, which reading this store's texts needs: a cookie store gives
    /// its platform's; the default, for stores whose texts are not percent-encoded, decodes nothing.
    fn percent_decode(&self) -> PercentDecode {
        undecodable
    }
}

/// A browser store behind the consent gate: while `open` is false (consent pending or denied) every
/// write is refused and nothing is removed, so the page writes nothing; with `reads` false reads
/// answer nothing too (the queue: stored events wait for consent). `server_key` (with
/// `cookie: {serverManaged: true}`) is never written, only read and removed: the server sets it.
pub struct Gated {
    inner: Box<dyn Store>,
    open: Rc<Cell<bool>>,
    reads: bool,
    server_key: Option<&'static str>,
}

impl Gated {
    /// `inner` behind the shared `open` flag.
    pub fn new(inner: Box<dyn Store>, open: Rc<Cell<bool>>, reads: bool, server_key: Option<&'static str>) -> Self {
        Gated { inner, open, reads, server_key }
    }
}

impl Store for Gated {
    fn kind(&self) -> StoreKind {
        self.inner.kind()
    }
    fn get(&self, key: &str) -> Option<String> {
        if self.reads || self.open.get() {
            self.inner.get(key)
        } else {
            None
        }
    }
    fn set(&mut self, key: &str, raw: &str) -> bool {
        self.open.get() && self.server_key != Some(key) && self.inner.set(key, raw)
    }
    fn remove(&mut self, key: &str) {
        if self.open.get() {
            self.inner.remove(key);
        }
    }
    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        if self.reads || self.open.get() {
            self.inner.keys_with_prefix(prefix)
        } else {
            Vec::new()
        }
    }
    fn percent_decode(&self) -> PercentDecode {
        self.inner.percent_decode()
    }
}

/// An in-memory store: the fallback when browser storage is blocked, and the test double.
#[derive(Debug)]
pub struct MemoryStore {
    kind: StoreKind,
    items: Pairs,
    /// When true every `set` fails, imitating a blocked or full browser store.
    pub refuse_writes: bool,
}

impl MemoryStore {
    /// An empty store that answers as the given kind (tests use `Cookie` / `LocalStorage` twins).
    pub fn new(kind: StoreKind) -> Self {
        MemoryStore { kind, items: Pairs::default(), refuse_writes: false }
    }
}

impl Store for MemoryStore {
    fn kind(&self) -> StoreKind {
        self.kind
    }
    fn get(&self, key: &str) -> Option<String> {
        self.items.get(key).map(str::to_owned)
    }
    fn set(&mut self, key: &str, raw: &str) -> bool {
        if self.refuse_writes {
            return false;
        }
        self.items.set(key.to_owned(), raw.to_owned());
        true
    }
    fn remove(&mut self, key: &str) {
        self.items.remove(key);
    }
    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for (key, _) in &self.items.0 {
            if key.starts_with(prefix) {
                keys.push(key.clone());
            }
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trips_and_refuses_when_blocked() {
        let mut store = MemoryStore::new(StoreKind::LocalStorage);
        assert!(store.set("k", "\"v\""));
        assert_eq!(store.get("k").as_deref(), Some("\"v\""));
        store.remove("k");
        assert_eq!(store.get("k"), None);
        for key in ["a:1", "a:2", "a", "b:1", "a:"] {
            store.set(key, "v");
        }
        let mut keys = store.keys_with_prefix("a:");
        keys.sort();
        assert_eq!(keys, ["a:", "a:1", "a:2"]);
        store.set("a:1", "w");
        assert_eq!(store.get("a:1").as_deref(), Some("w"));
        assert_eq!(store.keys_with_prefix("a:1").len(), 1);
        assert!(store.keys_with_prefix("c").is_empty());
        store.refuse_writes = true;
        assert!(!store.set("k", "v"));
        assert_eq!(store.get("k"), None);
    }

    #[test]
    fn gate_by_server_key_gives_writes() {
        // (open, reads, server key, key) -> (set accepted, value read back, removed on remove)
        let table: &[(bool, bool, Option<&'static str>, &str, bool, bool, bool)] = &[
            (true, true, None, "ajs_anonymous_id", true, true, true),
            (false, true, None, "ajs_anonymous_id", false, true, false),
            (false, false, None, "wa:q", false, false, false),
            (true, false, None, "wa:q", true, true, true),
            (true, true, Some("ajs_anonymous_id"), "ajs_anonymous_id", false, true, true),
            (true, true, Some("ajs_anonymous_id"), "ajs_user_id", true, true, true),
            (false, true, Some("ajs_anonymous_id"), "ajs_anonymous_id", false, true, false),
        ];
        for &(open, reads, server_key, key, accepted, readable, removed) in table {
            let mut inner = MemoryStore::new(StoreKind::Cookie);
            inner.set(key, "before");
            let flag = Rc::new(Cell::new(open));
            let mut gated = Gated::new(Box::new(inner), flag.clone(), reads, server_key);
            assert_eq!(gated.set(key, "after"), accepted, "{open} {reads} {server_key:?} {key}");
            let want = if accepted { "after" } else { "before" };
            assert_eq!(gated.get(key).as_deref(), readable.then_some(want), "{open} {reads} {server_key:?} {key}");
            assert_eq!(gated.keys_with_prefix(key).len(), usize::from(readable));
            gated.remove(key);
            flag.set(true);
            assert_eq!(gated.get(key).is_none(), removed, "{open} {reads} {server_key:?} {key}");
        }
    }
}
