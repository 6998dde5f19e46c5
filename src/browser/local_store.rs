//! `window.localStorage` as a [`Store`]. Never throws: localStorage itself can throw (sandboxed
//! iframes, `file:` pages, privacy modes, quota); every failure behaves as an empty store whose
//! writes report `false`. Holds raw text only; formats belong to `core::persisted`.

use crate::browser::task_cache::TaskCache;
use crate::core::store::{Store, StoreKind};
use web_sys::Storage;

/// The page's localStorage, or nothing when it is unavailable.
pub struct LocalStore {
    storage: Option<Storage>,
    /// Items read during the current task (`None`: read and absent); see [`TaskCache`].
    read: TaskCache<Vec<(String, Option<String>)>>,
}

impl Default for LocalStore {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalStore {
    /// Opens `window.localStorage`; a throwing or missing localStorage gives an always-empty store.
    pub fn new() -> Self {
        let storage = web_sys::window().and_then(|window| window.local_storage().ok().flatten());
        LocalStore { storage, read: TaskCache::new() }
    }

    /// Whether localStorage could be opened at all.
    pub fn is_available(&self) -> bool {
        self.storage.is_some()
    }
}

impl Store for LocalStore {
    fn kind(&self) -> StoreKind {
        StoreKind::LocalStorage
    }

    fn get(&self, key: &str) -> Option<String> {
        let cached = self.read.with(|items| items.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
        if let Some(Some(value)) = cached {
            return value;
        }
        let value = self.storage.as_ref()?.get_item(key).ok().flatten();
        if cached.is_none() {
            self.read.remember(Vec::new());
        }
        self.read.with(|items| items.push((key.to_owned(), value.clone())));
        value
    }

    fn set(&mut self, key: &str, raw: &str) -> bool {
        self.read.forget();
        self.storage.as_ref().is_some_and(|storage| storage.set_item(key, raw).is_ok())
    }

    fn remove(&mut self, key: &str) {
        self.read.forget();
        if let Some(storage) = &self.storage {
            let _ = storage.remove_item(key);
        }
    }

    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        let Some(storage) = &self.storage else { return Vec::new() };
        let count = storage.length().unwrap_or(0);
        (0..count).filter_map(|i| storage.key(i).ok().flatten()).filter(|key| key.starts_with(prefix)).collect()
    }
}
