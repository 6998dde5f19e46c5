//! Identity-related init options: `cookie {domain, path, maxage (days), sameSite, secure}`, `storage {stores}`,
//! `disableClientPersistence`, and `user` / `group` `{localStorageFallbackDisabled, cookie:{key},
//! localStorage:{key}}`, as the sections `core::load_options` (the one init-options parser) found them.
//! Anything malformed falls back to the analytics.js default for that field.
//!
//! Store priority rule (behaviour as data, [`DEFAULT_STORES`]): analytics.js 2.0 reads
//! `[localStorage, cookie, memory]`; `storage.stores` replaces the order (any unknown name ignores
//! the whole option); `disableClientPersistence` means memory only. We always keep a memory store
//! last, so the page has a stable anonymousId even when every configured store refuses writes.
//! Must not import platform crates.

use crate::core::identity::cookie_codec::CookieAttributes;
use crate::core::{json, text};
use crate::core::identity::storage_format;
use crate::core::store::StoreKind;

/// analytics.js 2.0's default store priority for identity keys.
pub const DEFAULT_STORES: [StoreKind; 3] = [StoreKind::LocalStorage, StoreKind::Cookie, StoreKind::Memory];
/// Names accepted in `storage.stores`.
const STORE_NAMES: [(&str, StoreKind); 3] =
    [("cookie", StoreKind::Cookie), ("localStorage", StoreKind::LocalStorage), ("memory", StoreKind::Memory)];
/// One day in milliseconds: `cookie.maxage` counts days (js-cookie `expires`).
const DAY_MS: f64 = 86_400_000.0;
/// Default cookie lifetime: 365 days.
const DEFAULT_MAX_AGE_DAYS: f64 = 365.0;

/// Keys and localStorage use of one identity role (the user, or the group).
#[derive(Clone, Debug, PartialEq)]
pub struct RoleSettings {
    /// Key of the id (cookie + localStorage + memory).
    pub id_key: String,
    /// Key of the traits (localStorage + memory, never a cookie).
    pub traits_key: String,
    /// False with `localStorageFallbackDisabled: true`: the role never touches localStorage.
    pub local_storage: bool,
}

/// Everything identity needs from the init options.
#[derive(Clone, Debug, PartialEq)]
pub struct IdentitySettings {
    /// Cookie attributes; `domain: None` means "find it with the `__tld__` probe".
    pub cookie: CookieAttributes,
    /// Cookie lifetime in milliseconds from the time of writing.
    pub cookie_max_age_ms: f64,
    /// Store priority for reads; always ends with [`StoreKind::Memory`].
    pub stores: Vec<StoreKind>,
    /// The user's keys.
    pub user: RoleSettings,
    /// The group's keys.
    pub group: RoleSettings,
    /// `cookie.serverManaged: true`: the site's server sets `ajs_anonymous_id`; the script never writes
    /// that cookie (a script-written cookie is capped at 7 days by Safari), it reads and mirrors it.
    pub server_managed: bool,
}

/// The identity sections of the init options as JSON texts (`None` when absent).
#[derive(Clone, Copy, Debug, Default)]
pub struct IdentityOptions<'a> {
    /// `cookie`.
    pub cookie: Option<&'a str>,
    /// `storage`.
    pub storage: Option<&'a str>,
    /// `disableClientPersistence: true`.
    pub memory_only: bool,
    /// `user`.
    pub user: Option<&'a str>,
    /// `group`.
    pub group: Option<&'a str>,
}

impl Default for IdentitySettings {
    fn default() -> Self {
        IdentitySettings::from_options(&IdentityOptions::default())
    }
}

impl IdentitySettings {
    /// Where the delivery queue is written: localStorage when the settings persist to it and the
    /// page can open it, else memory (persistence off: `disableClientPersistence`, or `storage.stores`
    /// without `localStorage`; blocked storage).
    pub fn queue_store(&self, local_storage_available: bool) -> StoreKind {
        if local_storage_available && self.stores.contains(&StoreKind::LocalStorage) {
            StoreKind::LocalStorage
        } else {
            StoreKind::Memory
        }
    }

    /// Builds the settings from the identity sections of the init options; never fails.
    pub fn from_options(options: &IdentityOptions<'_>) -> Self {
        let cookie = options.cookie.unwrap_or("{}");
        let days = json::get(cookie, "maxage").and_then(parse_decimal).unwrap_or(DEFAULT_MAX_AGE_DAYS);
        let stores = if options.memory_only {
            vec![StoreKind::Memory]
        } else {
            options.storage.and_then(|s| json::get(s, "stores")).and_then(parse_stores).unwrap_or(DEFAULT_STORES.to_vec())
        };
        IdentitySettings {
            cookie: cookie_attributes(cookie),
            cookie_max_age_ms: days * DAY_MS,
            stores: with_memory_last(stores),
            user: role(options.user, storage_format::USER_ID, storage_format::USER_TRAITS),
            group: role(options.group, storage_format::GROUP_ID, storage_format::GROUP_PROPERTIES),
            server_managed: json::get(cookie, "serverManaged") == Some("true"),
        }
    }

    /// Test shorthand: the settings of a whole init-options JSON text, its sections found as
    /// `core::load_options` finds them.
    #[cfg(test)]
    pub fn parse(options_json: &str) -> Self {
        let option = |key: &str| json::get(options_json, key);
        IdentitySettings::from_options(&IdentityOptions {
            cookie: option("cookie"),
            storage: option("storage"),
            memory_only: option("disableClientPersistence") == Some("true"),
            user: option("user"),
            group: option("group"),
        })
    }
}

impl IdentitySettings {
    /// The cookie the script must never write (`cookie.serverManaged`): the anonymousId's.
    pub fn server_key(&self) -> Option<&'static str> {
        self.server_managed.then_some(storage_format::ANONYMOUS_ID)
    }
}

fn string_field(object: &str, key: &str) -> Option<String> {
    json::get(object, key).and_then(json::parse_str).filter(|s| !s.is_empty())
}

fn cookie_attributes(cookie: &str) -> CookieAttributes {
    let defaults = CookieAttributes::default();
    CookieAttributes {
        domain: string_field(cookie, "domain"),
        path: string_field(cookie, "path").unwrap_or(defaults.path),
        same_site: string_field(cookie, "sameSite").unwrap_or(defaults.same_site),
        secure: json::get(cookie, "secure") == Some("true"),
    }
}

fn role(options: Option<&str>, id_key: &str, traits_key: &str) -> RoleSettings {
    let options = options.unwrap_or("{}");
    let key_in = |section: &str| json::get(options, section).and_then(|s| string_field(s, "key"));
    RoleSettings {
        id_key: key_in("cookie").unwrap_or_else(|| id_key.to_owned()),
        traits_key: key_in("localStorage").unwrap_or_else(|| traits_key.to_owned()),
        local_storage: json::get(options, "localStorageFallbackDisabled") != Some("true"),
    }
}

/// `["cookie","memory"]` → kinds in order; `None` (ignore the option) on any unknown element.
fn parse_stores(raw: &str) -> Option<Vec<StoreKind>> {
    let inner = json::trim_ws(raw).strip_prefix('[')?.strip_suffix(']')?;
    let mut kinds = Vec::new();
    if json::trim_ws(inner).is_empty() {
        return Some(kinds);
    }
    for element in text::split(inner, b',') {
        let name = json::parse_str(element)?;
        let kind = STORE_NAMES.iter().find(|(n, _)| *n == name)?.1;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Some(kinds)
}

fn with_memory_last(mut stores: Vec<StoreKind>) -> Vec<StoreKind> {
    if !stores.contains(&StoreKind::Memory) {
        stores.push(StoreKind::Memory);
    }
    stores
}

/// A JSON number without exponent (`7`, `0.5`, `-1`) as f64, without float parsing machinery.
fn parse_decimal(raw: &str) -> Option<f64> {
    let raw = json::trim_ws(raw);
    let (negative, digits) = raw.strip_prefix('-').map_or((false, raw), |rest| (true, rest));
    let (int, frac) = text::split_once(digits, b'.').unwrap_or((digits, ""));
    if int.is_empty()
        || int.len() > 9
        || frac.len() > 9
        || !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut value = 0.0;
    for b in int.bytes() {
        value = value * 10.0 + f64::from(b - b'0');
    }
    let mut scale = 1.0;
    for b in frac.bytes() {
        scale /= 10.0;
        value += f64::from(b - b'0') * scale;
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
