//! Who the visitor is: anonymousId, userId, user traits, group id and group traits, persisted
//! exactly as analytics.js 2.0 persists them, with its transitions:
//!
//! - **anonymousId** is made lazily (UUID v4 from [`Random`]) on the first read that finds none,
//!   so reads never return nothing; `set_anonymous_id(None)` forgets it (the next read makes a new one).
//! - **Conflicts:** when the cookie and localStorage disagree, the cookie wins (it is shared across
//!   subdomains: analytics.js #1398/#1400), `""` counts as absent, and the winner is written back to
//!   every store that differs; so a cleared cookie is restored from localStorage with the same id,
//!   and cleared localStorage from the cookie. Stores that already match are not rewritten; each
//!   key's cookie is rewritten once per page so its expiry rolls forward a year, like analytics.js.
//! - **Memory is a fallback:** it answers only while no cookie or localStorage store has accepted the
//!   key, so a `reset()` in another tab is not undone by this page (analytics.js resurrects it).
//! - **identify(id, traits):** traits merge while the stored id is absent or equal, and are
//!   replaced when it differs. Switching from one userId to another forgets the anonymousId;
//!   anonymous → identified keeps it. An absent or `""` id keeps the current one.
//! - **group(id, traits):** the same merge/replace rule for the group id and traits.
//! - **reset()** removes every identity key (and the legacy `ajs_user` / `_sio` cookies) everywhere.
//! - **Legacy:** an analytics.js 1.0 `ajs_user` cookie is adopted when no user id is stored, and
//!   the `_sio` cookie's first half when no anonymousId is stored.
//!
//! Ids are strings: callers stringify numbers. Traits are JSON object texts; anything else counts
//! as `{}`. Must not import platform crates: storage is [`Store`], randomness is [`Random`].
//!
//! The folder owns everything about the visitor's ids: these rules, [`sync`] between stores, the persisted
//! formats ([`storage_format`], [`cookie_codec`]), the registrable cookie domain ([`cookie_domain`]), the
//! identity init options ([`settings`]). The [`Store`] contract is the core's (`core::store`, shared with
//! delivery's tab leases). Ids over `endpoint_limits::MAX_ID_CHARS` are refused by every setter and
//! discarded on read. May import `core::{json, random, uuid, time, store, endpoint_limits}`; must not import
//! `core::event`, `core::delivery`.

pub mod cookie_codec;
pub mod cookie_domain;
pub mod settings;
pub mod storage_format;

mod sync;

use crate::core::json;
use crate::core::random::Random;
use crate::core::identity::settings::{IdentitySettings, RoleSettings};
use crate::core::store::Store;
use crate::core::uuid;
use sync::{Holds, Key, Scope, Slot, Stores};

/// The visitor's identity over an ordered list of stores (see the module docs for the rules).
pub struct Identity {
    stores: Stores,
    server_managed: bool,
}

/// The user's or the group's slots: its id and its traits.
#[derive(Clone, Copy, PartialEq)]
struct Role {
    id: Slot,
    traits: Slot,
}

const USER: Role = Role { id: Slot::UserId, traits: Slot::UserTraits };
const GROUP: Role = Role { id: Slot::GroupId, traits: Slot::GroupTraits };

impl Identity {
    /// An identity over `stores` (in read priority order, as `settings.stores`); adopts a legacy
    /// `ajs_user` cookie when no user id is stored.
    pub fn new(settings: &IdentitySettings, stores: Vec<Box<dyn Store>>) -> Self {
        let (user, group) = (&settings.user, &settings.group);
        // Ids live in cookies, localStorage (unless the role disables it) and memory; traits the same
        // but never in a cookie; the legacy cookies and the server's id cookie are cookie texts, read
        // from cookies only.
        let ids = |role: &RoleSettings| Scope { holds: Holds::Id, local_storage: role.local_storage };
        let traits = |role: &RoleSettings| Scope { holds: Holds::Traits, local_storage: role.local_storage };
        let cookie_text = Scope { holds: Holds::CookieText, local_storage: false };
        let stores = Stores::new(stores, [
            Key::new(storage_format::ANONYMOUS_ID, ids(user)),
            Key::new(&user.id_key, ids(user)),
            Key::new(&user.traits_key, traits(user)),
            Key::new(&group.id_key, ids(group)),
            Key::new(&group.traits_key, traits(group)),
            Key::new(storage_format::LEGACY_USER, cookie_text),
            Key::new(storage_format::LEGACY_SIO, cookie_text),
            Key::new(storage_format::ANONYMOUS_ID, cookie_text),
        ]);
        let mut identity = Identity { stores, server_managed: settings.server_managed };
        identity.adopt_legacy_user();
        identity
    }

    /// The stores, in priority order (for inspection).
    pub fn stores(&self) -> &[Box<dyn Store>] {
        &self.stores.list
    }

    fn adopt_legacy_user(&mut self) {
        if self.stores.read(Slot::UserId).is_some() {
            return;
        }
        let Some(legacy) = self.stores.read(Slot::LegacyUser).and_then(|text| storage_format::decode_legacy_user(&text))
        else {
            return;
        };
        if let Some(id) = legacy.id {
            self.stores.sync(Slot::UserId, Some(&id));
        }
        if let Some(traits) = legacy.traits {
            self.set_traits(USER, Some(&traits));
        }
    }

    /// The anonymousId, made (or adopted from a legacy `_sio` cookie) and stored when there is none.
    pub fn anonymous_id(&mut self, random: &mut dyn Random) -> String {
        if let Some(id) = self.stores.read_synced(Slot::AnonymousId) {
            return id;
        }
        let legacy = self.stores.read(Slot::LegacySio).and_then(|text| storage_format::decode_legacy_sio(&text));
        let id = legacy.unwrap_or_else(|| uuid::v4(random));
        self.stores.sync(Slot::AnonymousId, Some(&id));
        id
    }

    /// Overrides the anonymousId (`setAnonymousId(id)`); `None` or `""` forgets it; an id over
    /// `MAX_ID_CHARS` is refused (the current one stays). Returns the stored id (`None` after
    /// forgetting).
    pub fn set_anonymous_id(&mut self, id: Option<&str>) -> Option<String> {
        let id = id.filter(|id| !id.is_empty());
        if id.is_some_and(|id| !storage_format::admissible_id(id)) {
            return self.stores.read_synced(Slot::AnonymousId);
        }
        self.stores.sync(Slot::AnonymousId, id);
        id.map(|id| self.stores.read_synced(Slot::AnonymousId).unwrap_or_else(|| id.to_owned()))
    }

    fn id(&mut self, role: Role) -> Option<String> {
        self.stores.read_synced(role.id)
    }

    /// Stores (or with `None`/`""` removes) the id; a switch between two ids of the user forgets
    /// the anonymousId. An id over `MAX_ID_CHARS` is refused (nothing changes).
    fn set_id(&mut self, role: Role, id: Option<&str>) {
        let id = id.filter(|id| !id.is_empty());
        if id.is_some_and(|id| !storage_format::admissible_id(id)) {
            return;
        }
        let switching = self.switches(role, id);
        self.write_id(role, id, switching);
    }

    /// Whether storing `id` switches `role` from one id to another.
    fn switches(&mut self, role: Role, id: Option<&str>) -> bool {
        matches!((self.id(role).as_deref(), id), (Some(current), Some(id)) if current != id)
    }

    /// Stores the id (`None` removes it); `switching` (see [`Identity::switches`]) the user forgets the
    /// anonymousId.
    fn write_id(&mut self, role: Role, id: Option<&str>, switching: bool) {
        self.stores.sync(role.id, id);
        if role == USER && switching {
            self.stores.sync(Slot::AnonymousId, None);
        }
    }

    fn traits(&self, role: Role) -> String {
        self.stores.read(role.traits).unwrap_or_else(|| "{}".into())
    }

    fn set_traits(&mut self, role: Role, traits_json: Option<&str>) {
        let traits = traits_json.filter(|t| json::is_object(t)).unwrap_or("{}");
        self.stores.sync(role.traits, Some(json::trim_ws(traits)));
    }

    /// identify/group: merge traits while the id stays (or is absent), replace them on a switch.
    fn update(&mut self, role: Role, id: Option<&str>, traits_json: Option<&str>) {
        let id = id.filter(|id| storage_format::admissible_id(id));
        let given = traits_json.filter(|t| json::is_object(t)).unwrap_or("{}");
        let switching = self.switches(role, id);
        let traits = if switching { json::trim_ws(given).to_owned() } else { json::merge_objects(&self.traits(role), given) };
        if id.is_some() {
            self.write_id(role, id, switching);
        }
        self.set_traits(role, Some(&traits));
    }

    /// The userId, or `None` when anonymous.
    pub fn user_id(&mut self) -> Option<String> {
        self.id(USER)
    }

    /// Sets the userId directly (`user().id(x)`); traits are untouched.
    pub fn set_user_id(&mut self, user_id: Option<&str>) {
        self.set_id(USER, user_id);
    }

    /// `identify(userId?, traits?)`: see the module docs for the merge/replace rule.
    pub fn identify(&mut self, user_id: Option<&str>, traits_json: Option<&str>) {
        self.update(USER, user_id, traits_json);
    }

    /// The stored user traits as a JSON object text (`{}` when none).
    pub fn user_traits(&self) -> String {
        self.traits(USER)
    }

    /// Replaces the user traits (`user().traits(obj)`); `None` or a non-object clears them to `{}`.
    pub fn set_user_traits(&mut self, traits_json: Option<&str>) {
        self.set_traits(USER, traits_json);
    }

    /// The group id, or `None`.
    pub fn group_id(&mut self) -> Option<String> {
        self.id(GROUP)
    }

    /// Sets the group id directly (`group().id(x)`); traits are untouched.
    pub fn set_group_id(&mut self, group_id: Option<&str>) {
        self.set_id(GROUP, group_id);
    }

    /// `group(groupId?, traits?)`: the identify merge/replace rule for the group.
    pub fn group(&mut self, group_id: Option<&str>, traits_json: Option<&str>) {
        self.update(GROUP, group_id, traits_json);
    }

    /// The stored group traits as a JSON object text (`{}` when none).
    pub fn group_traits(&self) -> String {
        self.traits(GROUP)
    }

    /// Replaces the group traits; `None` or a non-object clears them to `{}`.
    pub fn set_group_traits(&mut self, traits_json: Option<&str>) {
        self.set_traits(GROUP, traits_json);
    }

    /// Storing became allowed (consent granted): writes what the page held in memory meanwhile (ids,
    /// traits) to every store, as usual (a server-set id cookie is mirrored to localStorage). The
    /// legacy cookies are not written: they are read only.
    pub fn persist(&mut self) {
        for &slot in &[Slot::AnonymousId, Slot::UserId, Slot::UserTraits, Slot::GroupId, Slot::GroupTraits] {
            let value = self.stores.read(slot);
            if value.is_some() {
                self.stores.sync(slot, value.as_deref());
            }
        }
    }

    /// With `cookie.serverManaged`: the anonymousId to report to the site's id endpoint when the
    /// server has not set the cookie (the id then lives in localStorage only), else `None`.
    pub fn unreported_server_id(&mut self, random: &mut dyn Random) -> Option<String> {
        let missing = self.server_managed && self.stores.read(Slot::ServerId).is_none();
        missing.then(|| self.anonymous_id(random))
    }

    /// Logs out: removes anonymousId, user id and traits, group id and traits from every store,
    /// and the legacy `ajs_user` / `_sio` cookies (which would otherwise be adopted again).
    pub fn reset(&mut self) {
        for &slot in &Slot::ALL {
            self.stores.sync(slot, None);
        }
    }
}

#[cfg(test)]
mod tests;
