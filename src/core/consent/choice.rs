//! The visitor's consent choice: what `analytics.consent(preferences)` accepts, the
//! `categoryPreferences` object it becomes, and the remembered form (`wa_consent`, the same text in
//! a first-party cookie and in localStorage; strictly necessary storage).
//!
//! Given: `"granted"` / `"denied"` (every configured category true / false) or an object
//! `{category: boolean}` merged over the previous choice (a non-boolean counts as `false`).
//! Granted when every configured category is true; with no configured categories, when every
//! given category is true. Remembered text: `g` or `d` then the preferences JSON (the shell
//! encodes it as a js-cookie value in the cookie; a server reads the first byte). Anything else
//! reads as "no choice". Imports only `core::json`.

use crate::core::json;

/// A choice the visitor made (this page, or remembered from an earlier one).
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// Whether consent is granted under the configured categories.
    pub granted: bool,
    /// `categoryPreferences`: a JSON object of booleans.
    pub preferences: String,
}

/// Reads the argument of `consent()` (as JSON text) over the previous choice. `None` for anything
/// that is neither shorthand nor an object.
pub fn given(raw: &str, categories: &[String], previous: Option<&Choice>) -> Option<Choice> {
    let (over, shorthand) = match json::parse_str(raw).as_deref() {
        Some("granted") => (every(categories, "true"), Some(true)),
        Some("denied") => (every(categories, "false"), Some(false)),
        Some(_) => return None,
        None => (booleans(raw)?, None),
    };
    let preferences = json::merge_objects(previous.map_or("{}", |p| p.preferences.as_str()), &over);
    let granted = shorthand.unwrap_or_else(|| is_granted(&preferences, categories));
    Some(Choice { granted, preferences })
}

/// `{"<category>":value,…}` for every category.
fn every(categories: &[String], value: &str) -> String {
    let mut out = String::from("{");
    for category in categories {
        json::push_member(&mut out, 0, category, value);
    }
    out.push('}');
    out
}

/// The object with every non-boolean value made `false`; `None` when `raw` is not an object.
fn booleans(raw: &str) -> Option<String> {
    let mut out = String::from("{");
    for (key, value) in &json::object_entries(raw)? {
        json::push_member(&mut out, 0, key, if json::trim_ws(value) == "true" { "true" } else { "false" });
    }
    out.push('}');
    Some(out)
}

/// Every configured category true (or, with none configured, every given one).
fn is_granted(preferences: &str, categories: &[String]) -> bool {
    if categories.is_empty() {
        for (_, value) in &json::entries_or_empty(preferences) {
            if *value != "true" {
                return false;
            }
        }
        return true;
    }
    for category in categories {
        if json::get(preferences, category) != Some("true") {
            return false;
        }
    }
    true
}

/// The remembered text of a choice: `g` (granted) or `d` (denied), then the preferences JSON. The
/// shell stores it as is in localStorage and encoded as a js-cookie value in the cookie.
pub fn encode(choice: &Choice) -> String {
    let mut out = String::from(if choice.granted { "g" } else { "d" });
    out.push_str(&choice.preferences);
    out
}

/// Reads a remembered choice; `None` when absent or unreadable, and for a grant that does not cover
/// every current category (a site that adds a category asks again).
pub fn decode(raw: &str, categories: &[String]) -> Option<Choice> {
    let granted = match raw.as_bytes().first() {
        Some(b'g') => true,
        Some(b'd') => false,
        _ => return None,
    };
    let preferences = booleans(raw.get(1..raw.len())?)?;
    // A grant no longer covers every category when the site added one: ask again (no choice).
    (!granted || is_granted(&preferences, categories)).then_some(Choice { granted, preferences })
}
