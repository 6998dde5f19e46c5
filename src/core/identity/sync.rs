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

/// The identity keys by what they hold: each indexes the table of [`Stores`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Slot {
    AnonymousId,
    UserId,
    UserTraits,
    GroupId,
    GroupTraits,
    /// The analytics.js 1.0 `ajs_user` cookie (read and removed only).
    LegacyUser,
    /// The `_sio` cookie (read and removed only).
    LegacySio,
}

impl Slot {
    /// Every slot, in table order (the order `reset` removes them).
    pub const ALL: [Slot; 7] =
        [Slot::AnonymousId, Slot::UserId, Slot::UserTraits, Slot::GroupId, Slot::GroupTraits, Slot::LegacyUser, Slot::LegacySio];
}

/// The stores in read priority order, and by [`Slot`] each key's name, scope and what this page knows of it.
pub(super) struct Stores {
    pub list: Vec<Box<dyn Store>>,
    keys: [Key; 7],
}

/// One identity key: its name and scope, and what this page knows of it. Two slots may name the same
/// key (a site's `user.cookie.key` may be anything): every sync updates the state of each slot of
/// that name, so the state is the key's.
pub(super) struct Key {
    name: String,
    scope: Scope,
    /// The key's cookie was rewritten this page (its expiry rolled forward).
    refreshed: bool,
    /// A browser store (not memory) accepted the key's last write: memory no longer speaks for it.
    durable: bool,
    /// The outcome of the last [`Stores::read_synced`] and the raw texts the stores held after it
    /// ([`Stores::raws`]): while every store still holds exactly those texts, the answer is the same,
    /// so the decode/encode/compare work of a read is skipped (every tracking call reads the ids).
    memo: Option<(String, Option<String>)>,
}

impl Key {
    /// A key of this page not touched yet.
    pub fn new(name: &str, scope: Scope) -> Key {
        Key { name: name.to_owned(), scope, refreshed: false, durable: false, memo: None }
    }
}

impl Stores {
    /// `list` (in read priority order) for the keys by [`Slot`].
    pub fn new(list: Vec<Box<dyn Store>>, keys: [Key; 7]) -> Self {
        Stores { list, keys }
    }

    fn key(&self, slot: Slot) -> &Key {
        &self.keys[slot as usize]
    }

    /// The raw texts of the key in every store (`None` out of scope) as one text: each a JSON string literal,
    /// or `n` when absent (self-delimiting, so equal texts mean equal raws; one `String`, not a
    /// `Vec<Option<String>>` with its own push, compare and drop copies in the wasm).
    fn raws(&self, slot: Slot) -> String {
        let Key { name, scope, .. } = self.key(slot);
        let mut raws = String::new();
        for store in &self.list {
            match if scope.holds(store.kind()) { store.get(name) } else { None } {
                Some(raw) => json::push_str(&mut raws, &raw),
                None => raws.push('n'),
            }
        }
        raws
    }

    /// The current value of the key: a cookie's wins, else the first present in priority order.
    pub fn read(&self, slot: Slot) -> Option<String> {
        let Key { name, scope, durable, .. } = self.key(slot);
        let mut first = None;
        for store in &self.list {
            let kind = store.kind();
            if !scope.holds(kind) || (kind == StoreKind::Memory && *durable) {
                continue;
            }
            let Some(value) = store.get(name).and_then(|raw| scope.decode(&**store, &raw)) else {
                continue;
            };
            if kind == StoreKind::Cookie {
                return Some(value);
            }
            first.get_or_insert(value);
        }
        first
    }

    /// The text of the key's cookie in the first cookie store holding it, js-cookie-decoded (legacy cookies
    /// are read from cookies only); `None` when absent or undecodable (a cookie store never returns
    /// an undecodable raw text: `cookie_codec::find_raw` skips it).
    pub fn cookie_text(&self, slot: Slot) -> Option<String> {
        let name = &self.key(slot).name;
        for store in &self.list {
            if store.kind() != StoreKind::Cookie {
                continue;
            }
            if let Some(raw) = store.get(name) {
                return cookie_codec::decode_value(&raw, store.percent_decode());
            }
        }
        None
    }

    /// Makes every store in scope hold `value` (`None` removes it), touching only stores that
    /// differ, plus the cookie once per page per key.
    pub fn sync(&mut self, slot: Slot, value: Option<&str>) {
        let Key { name, scope, refreshed, .. } = &self.keys[slot as usize];
        let (scope, refresh) = (*scope, value.is_some() && scope.cookie && !refreshed);
        let mut durable = false;
        for store in &mut self.list {
            let kind = store.kind();
            if !scope.holds(kind) {
                continue;
            }
            let current = store.get(name);
            match value {
                Some(value) => {
                    let wanted = scope.encode(kind, value);
                    let held = current.as_deref() == Some(wanted.as_str());
                    let stored =
                        if !held || (refresh && kind == StoreKind::Cookie) { store.set(name, &wanted) } else { held };
                    durable |= stored && kind != StoreKind::Memory;
                }
                None if current.is_some() => store.remove(name),
                None => {}
            }
        }
        for i in 0..self.keys.len() {
            if self.keys[i].name == self.keys[slot as usize].name {
                let key = &mut self.keys[i];
                key.refreshed |= refresh;
                key.durable = durable;
                key.memo = None;
            }
        }
    }

    /// Reads the key and writes the winner back to every store in scope that differs.
    pub fn read_synced(&mut self, slot: Slot) -> Option<String> {
        let raws = self.raws(slot);
        if let Some((held, value)) = &self.key(slot).memo {
            if *held == raws {
                return value.clone();
            }
        }
        let value = self.read(slot);
        if let Some(value) = &value {
            self.sync(slot, Some(value));
        }
        let raws = self.raws(slot);
        self.keys[slot as usize].memo = Some((raws, value.clone()));
        value
    }
}
