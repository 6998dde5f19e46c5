//! The state behind one exported `Analytics` instance. Identity lives in its own field; events
//! and delivery are added next to it. Builds the browser stores in the configured priority order
//! (running the cookie-domain probe once, when cookies are in use and no domain is configured).

use crate::browser::cookie_store::CookieStore;
use crate::browser::crypto_random::CryptoRandom;
use crate::browser::local_store::LocalStore;
use crate::core::identity::Identity;
use crate::core::settings::IdentitySettings;
use crate::core::store::{MemoryStore, Store, StoreKind};

/// One page's library state.
pub struct Runtime {
    /// anonymousId, userId, traits and group over cookie / localStorage / memory.
    pub identity: Identity,
    /// The CSPRNG for ids.
    pub random: CryptoRandom,
}

/// The stores of `settings.stores`, in order, as browser adapters.
fn browser_stores(settings: &IdentitySettings) -> Vec<Box<dyn Store>> {
    settings
        .stores
        .iter()
        .map(|kind| -> Box<dyn Store> {
            match kind {
                StoreKind::Cookie => Box::new(CookieStore::new(settings.cookie.clone(), settings.cookie_max_age_ms)),
                StoreKind::LocalStorage => Box::new(LocalStore::new()),
                StoreKind::Memory => Box::new(MemoryStore::new(StoreKind::Memory)),
            }
        })
        .collect()
}

impl Runtime {
    /// State for the analytics.js init options JSON text (malformed text means defaults).
    pub fn new(options_json: &str) -> Self {
        let settings = IdentitySettings::parse(options_json);
        Runtime { identity: Identity::new(&settings, browser_stores(&settings)), random: CryptoRandom::new() }
    }
}
