//! Where the visitor's consent choice is remembered (`wa_consent`: a first-party cookie and the same
//! text in localStorage, strictly necessary storage) and the erasure a denial orders: every key
//! `core::consent::is_erased` names, from localStorage and from cookies (on the registrable
//! domain and host-only, as the identity cookies are written). Never throws; no rules.

use crate::browser::cookie_store::CookieStore;
use crate::browser::host;
use crate::browser::local_store::keys_with_prefix;
use crate::core::consent::{self, REMEMBER_KEY};
use crate::core::identity::cookie_codec::{self, CookieAttributes};
use crate::core::store::Store;

/// The remembered choice's text: the cookie's (a js-cookie value), else localStorage's.
pub fn remembered() -> Option<String> {
    let (jar, decode) = (host::cookie(), host::percent_decode);
    let cookie = cookie_codec::find_raw(&jar, REMEMBER_KEY, decode).and_then(|raw| cookie_codec::decode_value(raw, decode));
    cookie.or_else(|| host::get_item(REMEMBER_KEY))
}

/// Remembers `raw` in the cookie (with the identity cookie's attributes and lifetime) and in localStorage.
pub fn remember(raw: &str, attributes: &CookieAttributes, max_age_ms: f64) {
    CookieStore::new(attributes.clone(), max_age_ms).set(REMEMBER_KEY, &cookie_codec::encode_value(raw));
    host::set_item(REMEMBER_KEY, raw);
}

/// Removes every erased key from localStorage and cookies.
pub fn erase(attributes: &CookieAttributes) {
    for key in &keys_with_prefix("") {
        if consent::is_erased(key) {
            host::remove_item(key);
        }
    }
    // The identity cookie store's removal deletes the domain cookie and a host-only copy.
    let mut cookies = CookieStore::new(attributes.clone(), 0.0);
    // `cookie_codec::next_entry` reads the header as `find_raw` does (byte splits, no char searcher).
    let header = host::cookie();
    let mut rest = Some(header.as_str());
    while let Some((name, _)) = cookie_codec::next_entry(&mut rest) {
        if consent::is_erased(name) {
            cookies.remove(name);
        }
    }
}
