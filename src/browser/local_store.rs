//! `window.localStorage` as a [`Store`]. Never throws: localStorage itself can throw (sandboxed
//! iframes, `file:` pages, privacy modes, quota); every failure behaves as an empty store whose
//! writes report `false` (`host.js` catches). Holds raw text only; formats belong to `core::identity::storage_format`.
//! Must not import `browser::runtime` or hold any format or rule; imports `browser::{host, task_cache}` and `core::{pairs, store}`.

use crate::browser::host;
use crate::browser::task_cache::TaskCache;
use crate::core::pairs::Pairs;
use crate::core::store::{Store, StoreKind};

/// The page's localStorage, or nothing when it is unavailable.
pub struct LocalStore {
    available: bool,
    /// Items read during the current task, see [`TaskCache`]: each value as [`remembered`] writes
    /// it (in [`Pairs`], the map the other stores use too: one copy of its code in the wasm).
    read: TaskCache<Pairs>,
}

impl Default for LocalStore {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalStore {
    /// Opens `window.localStorage`; a throwing or missing localStorage gives an always-empty store.
    pub fn new() -> Self {
        LocalStore { available: host::has_storage(), read: TaskCache::new() }
    }

    /// Whether localStorage could be opened at all.
    pub fn is_available(&self) -> bool {
        self.available
    }
}

/// Every localStorage key starting with `prefix` (empty when storage is blocked).
pub fn keys_with_prefix(prefix: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut index = 0;
    while let Some(key) = host::key(index) {
        if key.starts_with(prefix) {
            keys.push(key);
        }
        index += 1;
    }
    keys
}

/// A read as the cache keeps it: `""` for an absent item, else `=` and the value.
fn remembered(value: Option<&str>) -> String {
    let mut kept = String::new();
    if let Some(value) = value {
        kept.push('=');
        kept.push_str(value);
    }
    kept
}

/// The read [`remembered`] kept.
fn recalled(kept: &str) -> Option<String> {
    kept.strip_prefix('=').map(str::to_owned)
}

impl Store for LocalStore {
    fn kind(&self) -> StoreKind {
        StoreKind::LocalStorage
    }

    fn get(&self, key: &str) -> Option<String> {
        if let Some(items) = self.read.current() {
            if let Some(kept) = items.get(key) {
                return recalled(kept);
            }
        }
        if !self.available {
            return None;
        }
        let value = host::get_item(key);
        if self.read.current().is_none() {
            self.read.remember(Pairs::default());
        }
        if let Some(mut items) = self.read.current() {
            items.set(key.to_owned(), remembered(value.as_deref()));
        }
        value
    }

    fn set(&mut self, key: &str, raw: &str) -> bool {
        self.read.forget();
        self.available && host::set_item(key, raw)
    }

    fn remove(&mut self, key: &str) {
        self.read.forget();
        if self.available {
            host::remove_item(key);
        }
    }

    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        if !self.available {
            return Vec::new();
        }
        keys_with_prefix(prefix)
    }
}
