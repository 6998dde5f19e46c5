//! The ordered store list and the one sync rule every identity read and write goes through.
//!
//! Read rule (analytics.js `getConsistent`, the post-#1400 default): among the stores in scope, a
//! cookie value wins; otherwise the first present value in priority order; `""`, `null` and
//! undecodable text count as absent. Write rule: every store in scope is made to hold the value,
//! but a store whose stored text already matches is left untouched, except that each key's cookie
//! is rewritten once per page (the first sync) to roll its expiry forward like analytics.js does.
//! Memory is a fallback, not a source: once a cookie or localStorage store holds a key, memory is
//! ignored for it, so when another tab clears the key (reset) this page does not bring it back.
//! Formats come from `storage_format` (a legacy cookie's text from `cookie_codec`, with the store's
//! decoder); must not import platform crates.

use crate::core::identity::cookie_codec;
use crate::core::json;
use crate::core::identity::storage_format;
use crate::core::store::{Store, StoreKind};

/// Which kinds of store a key lives in (memory always), and so what it holds: an id lives in cookies,
/// traits never do.
#[derive(Clone, Copy, Debug)]
pub(super) struct Scope {
    /// An id, held by cookie stores too; else a JSON object text (traits), never in a cookie.
    pub cookie: bool,
    /// localStorage stores (off with `localStorageFallbackDisabled`).
    pub local_storage: bool,
}

impl Scope {
    fn holds(self, kind: StoreKind) -> bool {
        match kind {
            StoreKind::Cookie => self.cookie,
            StoreKind::LocalStorage => self.local_storage,
            StoreKind::Memory => true,
        }
    }

    /// The value held by `raw` in `store` (`storage_format`'s codec of an id or of traits).
    fn decode(self, store: &dyn Store, raw: &str) -> Option<String> {
        let (kind, percent_decode) = (store.kind(), store.percent_decode());
        if self.cookie {
            storage_format::decode_id(kind, raw, percent_decode)
        } else {
            storage_format::decode_traits(kind, raw, percent_decode)
        }
    }

    /// The stored text for `value` in a store of `kind`.
    fn encode(self, kind: StoreKind, value: &str) -> String {
        if self.cookie {
            storage_format::encode_id(kind, value)
        } else {
            storage_format::encode_traits(kind, value)
        }
    }
}

/// The stores in read priority order, and what this page knows of each key it touched.
pub(super) struct Stores {
    pub list: Vec<Box<dyn Store>>,
    keys: Vec<KeyState>,
}

/// What this page knows of one key: one record per key (a handful), so one lookup serves every rule.
struct KeyState {
    key: String,
    /// The key's cookie was rewritten this page (its expiry rolled forward).
    refreshed: bool,
    /// A browser store (not memory) accepted the key's last write: memory no longer speaks for it.
    durable: bool,
    /// The outcome of the last [`Stores::read_synced`] and the raw texts the stores held after it
    /// ([`Stores::raws`]): while every store still holds exactly those texts, the answer is the same,
    /// so the decode/encode/compare work of a read is skipped (every tracking call reads the ids).
    memo: Option<(String, Option<String>)>,
}

impl Stores {
    pub fn new(list: Vec<Box<dyn Store>>) -> Self {
        Stores { list, keys: Vec::new() }
    }

    /// What is known of `key`, if anything.
    fn known(&self, key: &str) -> Option<&KeyState> {
        for state in &self.keys {
            if state.key == key {
                return Some(state);
            }
        }
        None
    }

    /// `key`'s record, made when there is none.
    fn state(&mut self, key: &str) -> Option<&mut KeyState> {
        if self.known(key).is_none() {
            self.keys.push(KeyState { key: key.to_owned(), refreshed: false, durable: false, memo: None });
        }
        for state in &mut self.keys {
            if state.key == key {
                return Some(state);
            }
        }
        None
    }

    /// The raw texts of `key` in every store (`None` out of scope) as one text: each a JSON string literal,
    /// or `n` when absent (self-delimiting, so equal texts mean equal raws; one `String`, not a
    /// `Vec<Option<String>>` with its own push, compare and drop copies in the wasm).
    fn raws(&self, key: &str, scope: Scope) -> String {
        let mut raws = String::new();
        for store in &self.list {
            match if scope.holds(store.kind()) { store.get(key) } else { None } {
                Some(raw) => json::push_str(&mut raws, &raw),
                None => raws.push('n'),
            }
        }
        raws
    }

    /// The current value of `key`: a cookie's wins, else the first present in priority order.
    pub fn read(&self, key: &str, scope: Scope) -> Option<String> {
        let memory_speaks = !self.known(key).is_some_and(|state| state.durable);
        let mut first = None;
        for store in &self.list {
            let kind = store.kind();
            if !scope.holds(kind) || (kind == StoreKind::Memory && !memory_speaks) {
                continue;
            }
            let Some(value) = store.get(key).and_then(|raw| scope.decode(&**store, &raw)) else {
                continue;
            };
            if kind == StoreKind::Cookie {
                return Some(value);
            }
            first.get_or_insert(value);
        }
        first
    }

    /// The text of cookie `key` in the first cookie store holding it, js-cookie-decoded (legacy cookies
    /// are read from cookies only); `None` when absent or undecodable (a cookie store never returns
    /// an undecodable raw text: `cookie_codec::find_raw` skips it).
    pub fn cookie_text(&self, key: &str) -> Option<String> {
        for store in &self.list {
            if store.kind() != StoreKind::Cookie {
                continue;
            }
            if let Some(raw) = store.get(key) {
                return cookie_codec::decode_value(&raw, store.percent_decode());
            }
        }
        None
    }

    /// Makes every store in scope hold `value` (`None` removes it), touching only stores that
    /// differ, plus the cookie once per page per key.
    pub fn sync(&mut self, key: &str, scope: Scope, value: Option<&str>) {
        let refresh = value.is_some() && scope.cookie && !self.known(key).is_some_and(|state| state.refreshed);
        let mut durable = false;
        for store in &mut self.list {
            let kind = store.kind();
            if !scope.holds(kind) {
                continue;
            }
            let current = store.get(key);
            match value {
                Some(value) => {
                    let wanted = scope.encode(kind, value);
                    let held = current.as_deref() == Some(wanted.as_str());
                    let stored =
                        if !held || (refresh && kind == StoreKind::Cookie) { store.set(key, &wanted) } else { held };
                    durable |= stored && kind != StoreKind::Memory;
                }
                None if current.is_some() => store.remove(key),
                None => {}
            }
        }
        if let Some(state) = self.state(key) {
            state.refreshed |= refresh;
            state.durable = durable;
            state.memo = None;
        }
    }

    /// Reads `key` and writes the winner back to every store in scope that differs.
    pub fn read_synced(&mut self, key: &str, scope: Scope) -> Option<String> {
        let raws = self.raws(key, scope);
        if let Some(KeyState { memo: Some((held, value)), .. }) = self.known(key) {
            if *held == raws {
                return value.clone();
            }
        }
        let value = self.read(key, scope);
        if let Some(value) = &value {
            self.sync(key, scope, Some(value));
        }
        let raws = self.raws(key, scope);
        if let Some(state) = self.state(key) {
            state.memo = Some((raws, value.clone()));
        }
        value
    }
}
