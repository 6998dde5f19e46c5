//! The one owner of persisted identity formats: key names and how ids and traits are written to
//! and read from each [`StoreKind`], byte-compatible with analytics.js 2.0 (and reading 1.0).
//!
//! | kind | id written as | traits written as |
//! | --- | --- | --- |
//! | cookie | bare js-cookie-encoded string (`ajs_anonymous_id=39ee…`, `user@x.com`, `a%20b`) | never |
//! | localStorage, memory | JSON string (`"39ee…"`) | JSON object text (`{"plan":"pro"}`) |
//!
//! Reading accepts what analytics.js 1.0 and 2.0 wrote: js-cookie decoding, then JSON parsing with
//! fallback to the raw text (`%22abc%22` → `abc`, `abc` → `abc`), numbers as their text (`123` →
//! `"123"`), and `null`, `""` and undecodable text as absent. Legacy read-only cookies: `ajs_user`
//! (`{"id":…,"traits":{…}}` or a bare id) and `_sio` (`<anonymousId>----<userId>`).
//!
//! One deliberate refinement: an id that analytics.js would *misread* if written bare (`null`,
//! `true`, `1.0`, `"quoted"`, `{…}`) is written to the cookie JSON-quoted (`%22null%22`), which both
//! libraries read back exactly. Every id therefore round-trips through every store.
//! Must not import platform crates; adapters never encode (see `store`).

use crate::core::identity::cookie_codec::{self, PercentDecode};
use crate::core::{json, text};
use crate::core::store::StoreKind;

/// Key of the anonymous id (fixed in analytics.js; not configurable).
pub const ANONYMOUS_ID: &str = "ajs_anonymous_id";
/// Default key of the user id (cookie + localStorage); option `user.cookie.key`.
pub const USER_ID: &str = "ajs_user_id";
/// Default key of the user traits (localStorage only); option `user.localStorage.key`.
pub const USER_TRAITS: &str = "ajs_user_traits";
/// Default key of the group id (cookie + localStorage); option `group.cookie.key`.
pub const GROUP_ID: &str = "ajs_group_id";
/// Default key of the group traits (localStorage only); option `group.localStorage.key`.
pub const GROUP_PROPERTIES: &str = "ajs_group_properties";
/// Legacy (analytics.js 1.0) cookie holding `{id, traits}` or a bare user id. Read only.
pub const LEGACY_USER: &str = "ajs_user";
/// Legacy cookie holding `<anonymousId>----<userId>`. Read only.
pub const LEGACY_SIO: &str = "_sio";

/// What a JSON parse of a stored text yields, as far as ids care.
#[derive(Debug)]
enum Parsed {
    /// `JSON.parse` would throw (not valid JSON in full): the raw text is the value.
    NotJson,
    /// `null`.
    Null,
    /// A string literal, decoded.
    Str(String),
    /// A number, `true`/`false`, an object or an array (text kept as written, trimmed).
    Other,
}

fn parse(text: &str) -> Parsed {
    let trimmed = json::trim_ws(text);
    // `JSON.parse` has no nesting limit worth the name; ours is generous.
    if json::grammar::check(trimmed, usize::MAX).is_err() {
        return Parsed::NotJson;
    }
    match trimmed.as_bytes().first() {
        Some(b'n') => Parsed::Null,
        Some(b'"') => json::parse_str(trimmed).map_or(Parsed::NotJson, Parsed::Str),
        _ => Parsed::Other,
    }
}

/// An integer whose JavaScript `Number#toString` is the same text (safe to store bare).
fn is_canonical_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    json::is_number(s) && digits.len() <= 15 && text::all_digits(digits) && s != "-0"
}

/// An id out of decoded text (JSON parse with fallback to the raw text); `None` when absent.
fn id_from_text(text: &str) -> Option<String> {
    let id = match parse(text) {
        Parsed::NotJson => text.to_owned(),
        Parsed::Null => return None,
        Parsed::Str(s) => s,
        Parsed::Other => json::trim_ws(text).to_owned(),
    };
    admissible_id(&id).then_some(id)
}

/// True for an id that may be stored and sent: non-empty and at most `MAX_ID_CHARS` characters.
/// A longer one (a crafted `?ajs_aid=` link) is refused at every door and discarded on read,
/// so it can never push every later event of the visitor over the event size limit.
pub fn admissible_id(id: &str) -> bool {
    crate::core::endpoint_limits::is_admissible_id(id)
}

/// The stored text for `id` in a store of `kind`.
pub fn encode_id(kind: StoreKind, id: &str) -> String {
    if kind == StoreKind::Cookie && (matches!(parse(id), Parsed::NotJson) || is_canonical_integer(id)) {
        return cookie_codec::encode_value(id);
    }
    let mut quoted = String::with_capacity(id.len() + 2);
    json::push_str(&mut quoted, id);
    match kind {
        StoreKind::Cookie => cookie_codec::encode_value(&quoted),
        StoreKind::LocalStorage | StoreKind::Memory => quoted,
    }
}

/// The text a store of `kind` holds in `raw`: js-cookie-decoded for a cookie (`None` when undecodable).
fn stored_text(kind: StoreKind, raw: &str, decode: PercentDecode) -> Option<String> {
    match kind {
        StoreKind::Cookie => cookie_codec::decode_value(raw, decode),
        StoreKind::LocalStorage | StoreKind::Memory => Some(raw.to_owned()),
    }
}

/// The id held by stored text `raw` of a store of `kind` (whose `Store::percent_decode` is `decode`);
/// `None` when absent or unreadable.
pub fn decode_id(kind: StoreKind, raw: &str, decode: PercentDecode) -> Option<String> {
    id_from_text(&stored_text(kind, raw, decode)?)
}

/// The stored text for a traits object (`traits_json` must already be an object text).
pub fn encode_traits(kind: StoreKind, traits_json: &str) -> String {
    match kind {
        StoreKind::Cookie => cookie_codec::encode_value(traits_json),
        StoreKind::LocalStorage | StoreKind::Memory => traits_json.to_owned(),
    }
}

/// The traits object text held by `raw` (`decode` as for [`decode_id`]); `None` when absent or not a
/// JSON object.
pub fn decode_traits(kind: StoreKind, raw: &str, decode: PercentDecode) -> Option<String> {
    let text = stored_text(kind, raw, decode)?;
    json::is_object(&text).then(|| json::trim_ws(&text).to_owned())
}

/// What a legacy `ajs_user` cookie carries.
#[derive(Debug, Default, PartialEq)]
pub struct LegacyUser {
    /// The user id (`.id` of the object, or the bare value).
    pub id: Option<String>,
    /// The traits object text (`.traits` when it is an object).
    pub traits: Option<String>,
}

/// Reads an `ajs_user` cookie's text (js-cookie-decoded); `None` when it holds nothing usable.
pub fn decode_legacy_user(text: &str) -> Option<LegacyUser> {
    let legacy = if json::is_object(text) {
        LegacyUser {
            id: json::get(text, "id").and_then(id_from_text),
            // Part of an object text that passed the check: valid, so an object when it opens like one.
            traits: json::get(text, "traits").filter(|t| t.starts_with('{')).map(str::to_owned),
        }
    } else {
        LegacyUser { id: id_from_text(text), traits: None }
    };
    (legacy.id.is_some() || legacy.traits.is_some()).then_some(legacy)
}

/// The anonymous id half of a `_sio` cookie's text (js-cookie-decoded: `anon----user`); `None` when empty.
pub fn decode_legacy_sio(text: &str) -> Option<String> {
    let text = id_from_text(text)?;
    let b = text.as_bytes();
    let mut end = 0;
    while end < b.len() && !b.get(end..).is_some_and(|rest| rest.starts_with(b"----")) {
        end += 1;
    }
    let anonymous = text.get(0..end).unwrap_or("");
    (!anonymous.is_empty()).then(|| anonymous.to_owned())
}

#[cfg(test)]
#[path = "storage_format_tests.rs"]
mod tests;
