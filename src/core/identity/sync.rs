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

/// What a key holds, which decides the stores it lives in and its codec.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Holds {
    /// An id: in cookies, localStorage and memory.
    Id,
    /// A JSON object text (traits): in localStorage and memory, never in a cookie.
    Traits,
    /// A cookie's js-cookie-decoded text, read from cookies only (the legacy cookies, and whether the
    /// server set the id cookie); never written, only removed.
    CookieText,
}

/// Which kinds of store a key lives in, and what it holds.
#[derive(Clone, Copy, Debug)]
pub(super) struct Scope {
    pub holds: Holds,
    /// localStorage stores (off with `localStorageFallbackDisabled`, and for cookie texts).
    pub local_storage: bool,
}

impl Scope {
    #[inline(never)]
    fn holds(self, kind: StoreKind) -> bool {
        match kind {
            StoreKind::Cookie => self.holds != Holds::Traits,
            StoreKind::LocalStorage => self.local_storage,
            StoreKind::Memory => self.holds != Holds::CookieText,
        }
    }

    /// The value held by `raw` in `store`, of `kind` (`storage_format`'s codec of an id or of traits, or the
    /// cookie's decoded text).
    fn decode(self, kind: StoreKind, store: &dyn Store, raw: &str) -> Option<String> {
        let percent_decode = store.percent_decode();
        match self.holds {
            Holds::Id => storage_format::decode_id(kind, raw, percent_decode),
            Holds::Traits => storage_format::decode_traits(kind, raw, percent_decode),
            Holds::CookieText => cookie_codec::decode_value(raw, percent_decode),
        }
    }

    /// The stored text for `value` in a store of `kind` (cookie texts are never written).
    #[inline(never)]
    fn encode(self, kind: StoreKind, value: &str) -> String {
        if self.holds == Holds::Traits {
            storage_format::encode_traits(kind, value)
        } else {
            storage_format::encode_id(kind, value)
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
    /// The anonymousId cookie's text, as the server set it (`cookie.serverManaged`; read only).
    ServerId,
}

impl Slot {
    /// Every slot written or removed, in table order (the order `reset` removes them): all but
    /// [`Slot::ServerId`], the anonymousId's key read another way.
    pub const ALL: [Slot; 7] =
        [Slot::AnonymousId, Slot::UserId, Slot::UserTraits, Slot::GroupId, Slot::GroupTraits, Slot::LegacyUser, Slot::LegacySio];
}

/// The stores in read priority order, and by [`Slot`] each key's name, scope and what this page knows of it.
pub(super) struct Stores {
    pub list: Vec<Box<dyn Store>>,
    keys: [Key; 8],
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
    #[inline(never)]
    pub fn new(list: Vec<Box<dyn Store>>, keys: [Key; 8]) -> Self {
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
            let Some(value) = store.get(name).and_then(|raw| scope.decode(kind, &**store, &raw)) else {
                continue;
            };
            if kind == StoreKind::Cookie {
                return Some(value);
            }
            first.get_or_insert(value);
        }
        first
    }

    /// Makes every store in scope hold `value` (`None` removes it), touching only stores that
    /// differ, plus the cookie once per page per key.
    pub fn sync(&mut self, slot: Slot, value: Option<&str>) {
        let Key { name, scope, refreshed, .. } = &self.keys[slot as usize];
        let (scope, refresh) = (*scope, value.is_some() && scope.holds == Holds::Id && !refreshed);
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
