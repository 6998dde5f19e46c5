//! Identity-related init options: `cookie {domain, path, maxage (days), sameSite, secure}`, `storage {stores}`,
//! `disableClientPersistence`, and `user` / `group` `{localStorageFallbackDisabled, cookie:{key},
//! localStorage:{key}}`, read by path through `core::options` when `core::load_options` (the one init-options
//! parser) builds the settings.
//! Anything malformed falls back to the analytics.js default for that field.
//!
//! Store priority rule (behaviour as data, [`DEFAULT_STORES`]): analytics.js 2.0 reads
//! `[localStorage, cookie, memory]`; `storage.stores` replaces the order (any unknown name ignores
//! the whole option); `disableClientPersistence` means memory only. We always keep a memory store
//! last, so the page has a stable anonymousId even when every configured store refuses writes.
//! Must not import platform crates.

use crate::core::identity::cookie_codec::CookieAttributes;
use crate::core::identity::storage_format;
use crate::core::options::Options;
use crate::core::{json, text};
use crate::core::store::StoreKind;

/// analytics.js 2.0's default store priority for identity keys.
pub const DEFAULT_STORES: [StoreKind; 3] = [StoreKind::LocalStorage, StoreKind::Cookie, StoreKind::Memory];
/// Names accepted in `storage.stores`.
const STORE_NAMES: [(&str, StoreKind); 3] =
    [("\"cookie\"", StoreKind::Cookie), ("\"localStorage\"", StoreKind::LocalStorage), ("\"memory\"", StoreKind::Memory)];
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

impl Default for IdentitySettings {
    fn default() -> Self {
        IdentitySettings::from_options(Options("{}"))
    }
}

impl IdentitySettings {
    /// Where the delivery queue is written: localStorage when the settings persist to it and the
    /// page can open it, else memory (persistence off: `disableClientPersistence`, or `storage.stores`
    /// without `localStorage`; blocked storage).
    pub fn queue_store(&self, local_storage_available: bool) -> StoreKind {
        if local_storage_available && lists(&self.stores, StoreKind::LocalStorage) {
            StoreKind::LocalStorage
        } else {
            StoreKind::Memory
        }
    }

    /// Builds the settings from the init options; never fails.
    pub fn from_options(o: Options<'_>) -> Self {
        IdentitySettings {
            cookie: CookieAttributes {
                domain: o.text("cookie/domain"),
                path: o.text_or("cookie/path", "/"),
                same_site: o.text_or("cookie/sameSite", "Lax"),
                secure: o.flag("cookie/secure"),
            },
            cookie_max_age_ms: o.raw("cookie/maxage").and_then(parse_decimal).unwrap_or(DEFAULT_MAX_AGE_DAYS) * DAY_MS,
            stores: stores(o),
            user: role(o.at("user"), storage_format::USER_ID, storage_format::USER_TRAITS),
            group: role(o.at("group"), storage_format::GROUP_ID, storage_format::GROUP_PROPERTIES),
            server_managed: o.flag("cookie/serverManaged"),
        }
    }

    /// Test shorthand: the settings of a whole init-options JSON text.
    #[cfg(test)]
    pub fn parse(options_json: &str) -> Self {
        IdentitySettings::from_options(Options(options_json))
    }
}

impl IdentitySettings {
    /// The cookie the script must never write (`cookie.serverManaged`): the anonymousId's.
    pub fn server_key(&self) -> Option<&'static str> {
        self.server_managed.then_some(storage_format::ANONYMOUS_ID)
    }
}

/// A role's keys and localStorage use from its options (`user` or `group`).
fn role(o: Options<'_>, id_key: &str, traits_key: &str) -> RoleSettings {
    RoleSettings {
        id_key: o.text_or("cookie/key", id_key),
        traits_key: o.text_or("localStorage/key", traits_key),
        local_storage: !o.flag("localStorageFallbackDisabled"),
    }
}

/// The store priority (see the module docs): memory only with `disableClientPersistence`, else
/// `storage.stores` when every name in it is known, else [`DEFAULT_STORES`]; memory always last.
fn stores(o: Options<'_>) -> Vec<StoreKind> {
    let listed = if o.flag("disableClientPersistence") { Some("[]") } else { o.raw("storage/stores") };
    let mut kinds = Vec::new();
    if !listed.is_some_and(|raw| push_stores(raw, &mut kinds)) {
        kinds.clear();
        for &kind in &DEFAULT_STORES {
            kinds.push(kind);
        }
    }
    if !lists(kinds.as_slice(), StoreKind::Memory) {
        kinds.push(StoreKind::Memory);
    }
    kinds
}

/// Pushes the kinds of `["cookie","memory"]` in order, once each; `false` (ignore the option) when it is
/// not an array or names an unknown store. `raw` is valid JSON (`Options::raw` reads only texts that pass
/// the grammar check), so an array is `[`, elements between `,`s, `]`, and only `[]` has an empty element;
/// an element holding a `,` (in a string or a nested container) splits into pieces that name no store.
/// Elements are compared as JSON text (a store name has nothing to escape).
fn push_stores(raw: &str, kinds: &mut Vec<StoreKind>) -> bool {
    let Some(inner) = raw.strip_prefix('[') else {
        return false;
    };
    let mut rest = Some(inner);
    while let Some(text) = rest {
        let (element, after) = match text::split_once(text, b',') {
            Some((element, after)) => (element, Some(after)),
            // The last element, before the closing `]`.
            None => (text.get(0..text.len().saturating_sub(1)).unwrap_or_default(), None),
        };
        rest = after;
        let element = json::trim_ws(element);
        if element.is_empty() {
            continue;
        }
        let Some(&(_, kind)) = STORE_NAMES.iter().find(|(name, _)| *name == element) else {
            return false;
        };
        if !lists(kinds, kind) {
            kinds.push(kind);
        }
    }
    true
}

/// Whether `kind` is in `kinds`. A plain loop: `<[StoreKind]>::contains` is a generic copy of its own.
fn lists(kinds: &[StoreKind], kind: StoreKind) -> bool {
    for listed in kinds {
        if *listed == kind {
            return true;
        }
    }
    false
}

/// A JSON number without exponent (`7`, `0.5`, `-1`; at most 9 digits before and after the point) as
/// f64, without float parsing machinery.
fn parse_decimal(raw: &str) -> Option<f64> {
    let raw = json::trim_ws(raw);
    let (negative, digits) = raw.strip_prefix('-').map_or((false, raw), |rest| (true, rest));
    let (whole, fraction) = text::split_once(digits, b'.').unwrap_or((digits, ""));
    if whole.len() > 9 || fraction.len() > 9 {
        return None;
    }
    // At most 9 digits: exact in an f64.
    let mut value = json::whole_number(whole)? as f64;
    let mut scale = 1.0;
    for b in fraction.bytes() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        scale /= 10.0;
        value += f64::from(digit) * scale;
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
