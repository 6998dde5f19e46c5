//! `document.cookie` as a [`Store`], and the `__tld__` probe that finds the shared cookie domain.
//!
//! Never throws and never panics: a missing document, a sandboxed iframe (where reading or
//! writing `document.cookie` throws) or cookies blocked by the browser all behave as an empty
//! store whose writes report `false`. Text formats come from `core::identity::cookie_codec`; this file only
//! moves strings in and out of the browser. Must not hold identity rules.

use crate::core::identity::cookie_codec::{self, CookieAttributes, PercentDecode};
use crate::core::identity::cookie_domain;
use crate::core::store::{Store, StoreKind};
use crate::core::time::FormatDate;
use crate::browser::host;
use crate::browser::task_cache::TaskCache;

/// The identity cookies of one page: attributes from the `cookie` option (domain filled by the probe).
pub struct CookieStore {
    attributes: CookieAttributes,
    /// Whether the domain is known (given, or probed at the first write: a page whose consent is
    /// pending must not even set the probe cookie).
    probed: bool,
    max_age_ms: f64,
    /// `document.cookie` as read during the current task. Reading it is the most expensive thing
    /// a tracking call does in Chromium, and one call reads several keys (a burst of calls in one
    /// task, thousands), so the jar is read once per task and forgotten in the next microtask;
    /// every write forgets it at once. Changes by other tabs are seen from the next task on.
    jar: TaskCache<String>,
}

impl CookieStore {
    /// A cookie store writing with `attributes`, each write expiring `max_age_ms` after it.
    /// When `attributes.domain` is `None` the `__tld__` probe picks it at the first write or removal
    /// (host-only when it finds none).
    pub fn new(attributes: CookieAttributes, max_age_ms: f64) -> Self {
        let probed = attributes.domain.is_some();
        CookieStore { attributes, probed, max_age_ms, jar: TaskCache::new() }
    }

    /// Deletes the host-only copy of `key` that would shadow our domain cookie
    /// (`cookie_codec::shadowing_host_only`); nothing when we write host-only.
    fn remove_host_only(&self, key: &str) {
        if let Some(text) = cookie_codec::host_only_deletion(key, &self.attributes) {
            host::set_cookie(&text);
        }
    }

    fn probe(&mut self) {
        if !self.probed {
            self.probed = true;
            self.attributes.domain = probe_domain();
        }
    }
}

/// Sets `__tld__=1` on each candidate domain, shortest first, and returns the first the browser
/// keeps (deleting the probe cookie at once); `None` on localhost, IP hosts, or when cookies fail.
pub fn probe_domain() -> Option<String> {
    let hostname = host::hostname();
    let expires = FormatDate(host::format_date).http_date(host::now_ms() + 60_000.0);
    // One set of attributes for every candidate (only the domain changes).
    let attributes = CookieAttributes::default();
    let mut n = 0;
    while let Some(start) = cookie_domain::candidate(&hostname, n) {
        n += 1;
        let candidate = hostname.get(start..hostname.len()).unwrap_or_default();
        let probe = cookie_codec::assignment_on(cookie_domain::PROBE_NAME, "1", &expires, &attributes, candidate);
        if !host::set_cookie(&probe) {
            return None;
        }
        if cookie_codec::find_raw(&host::cookie(), cookie_domain::PROBE_NAME, host::percent_decode) == Some("1") {
            // Its deletion: the same cookie, empty and expired at the epoch.
            host::set_cookie(&cookie_codec::assignment_on(cookie_domain::PROBE_NAME, "", cookie_codec::EXPIRED, &attributes, candidate));
            return Some(candidate.to_owned());
        }
    }
    None
}

impl Store for CookieStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Cookie
    }

    fn get(&self, key: &str) -> Option<String> {
        if let Some(jar) = self.jar.current() {
            return cookie_codec::find_raw(&jar, key, host::percent_decode).map(str::to_owned);
        }
        let jar = host::cookie();
        let found = cookie_codec::find_raw(&jar, key, host::percent_decode).map(str::to_owned);
        self.jar.remember(jar);
        found
    }

    /// Writes the cookie; when it does not read back, the host-only copy that shadows it
    /// ([`CookieStore::remove_host_only`]) is removed and the write checked again.
    fn set(&mut self, key: &str, raw: &str) -> bool {
        self.probe();
        self.jar.forget();
        let expires = host::now_ms() + self.max_age_ms;
        let text = cookie_codec::assignment(key, raw, expires, FormatDate(host::format_date), &self.attributes);
        if !host::set_cookie(&text) {
            return false;
        }
        let mut retried = false;
        loop {
            if self.get(key).as_deref() == Some(raw) {
                return true;
            }
            if retried {
                return false;
            }
            retried = true;
            self.remove_host_only(key);
            self.jar.forget();
        }
    }

    /// Deletes the cookie with our attributes, and a host-only copy too when we write a domain.
    fn remove(&mut self, key: &str) {
        self.probe();
        self.jar.forget();
        host::set_cookie(&cookie_codec::deletion(key, &self.attributes));
        self.remove_host_only(key);
    }

    /// The browser's decoder (`decodeURIComponent`, js-cookie's value reader).
    fn percent_decode(&self) -> PercentDecode {
        host::percent_decode
    }
}
