//! The fields that differ per call type: track `event`/`properties`; page and screen
//! `category`/`name`/`properties` (page properties also carry the page context); identify
//! `traits`; group `groupId`/`traits`; alias `previousId`.
//! Imports `core::json` and `core::event`'s own modules; must not import another part of the core.

use super::fields::Fields;
use super::{Call, Identity};
use crate::core::endpoint_limits::is_admissible_id;
use crate::core::event::args::{DropReason, Method, Warning, Warnings};
use crate::core::json;

/// Appends the type-specific fields of `call` as `,"key":value` pairs, or answers the reason it
/// carries no event. Page events leave their final properties in `page` (their page keys also
/// override `context.page`); other calls leave it empty.
pub(super) fn push<'a>(
    out: &mut String,
    call: &Call<'a>,
    who: &Identity<'_>,
    warnings: &mut Warnings,
    page: &mut Fields,
) -> Result<(), DropReason> {
    let r = call.resolved;
    let properties = call.arg(r.properties);
    let (traits, id) = match call.method {
        Method::Track => return track(out, call, warnings),
        Method::Page | Method::Screen => {
            let category = call.arg(r.category);
            let name = call.arg(r.name);
            push_text(out, "category", category);
            push_text(out, "name", name);
            super::key(out, "properties");
            if call.method == Method::Screen {
                out.push_str(object_or_empty(properties));
                return Ok(());
            }
            *page = page_properties(call.page, properties, category, name);
            page.write(out);
            return Ok(());
        }
        Method::Identify => (who.user_traits, None),
        Method::Group => (who.group_traits, Some(who.group_id.ok_or(DropReason::GroupIdMissing)?)),
        Method::Alias => {
            let from = call.arg(r.previous_id).filter(|from| is_admissible_id(from));
            push_text(out, "previousId", from.or(who.user_id).or(Some(who.anonymous_id)));
            return Ok(());
        }
    };
    push_text(out, "groupId", id);
    super::key(out, "traits");
    out.push_str(object_or_empty(Some(traits)));
    Ok(())
}

/// `key` and `text` as a JSON string, when given.
#[inline(always)]
fn push_text(out: &mut String, key: &str, text: Option<&str>) {
    if let Some(text) = text {
        super::key(out, key);
        json::push_str(out, text);
    }
}

#[inline(always)]
fn object_or_empty(raw: Option<&str>) -> &str {
    raw.filter(|raw| json::is_object(raw)).unwrap_or("{}")
}

/// `event` and `properties`, from `(name, properties)` or from a `{event, properties}` object.
fn track(out: &mut String, call: &Call<'_>, warnings: &mut Warnings) -> Result<(), DropReason> {
    let r = call.resolved;
    let event = call.arg(r.event);
    let (name, properties) = if r.event_object {
        let object = event.unwrap_or("{}");
        let name = json::get(object, "event").and_then(json::parse_str);
        let properties = match json::get(object, "properties") {
            None | Some("null") => "{}",
            Some(raw) if json::is_object(raw) => raw,
            Some(_) => {
                warnings.add(Warning::PropertiesNotObject);
                "{}"
            }
        };
        (name, properties)
    } else {
        (event.map(str::to_owned), call.arg(r.properties).unwrap_or("{}"))
    };
    let name = name.filter(|n| !n.is_empty()).ok_or(DropReason::EventMissing)?;
    push_text(out, "event", Some(&name));
    super::key(out, "properties");
    out.push_str(properties);
    Ok(())
}

/// Page properties: the page context, then the caller's properties, then `category` (when
/// given) and `name` (when non-empty).
fn page_properties(page: &str, own: Option<&str>, category: Option<&str>, name: Option<&str>) -> Fields {
    let mut properties = Fields::parse_or_empty(Some(page));
    properties.extend_json(own);
    properties.set_text("category", category);
    properties.set_text("name", name.filter(|n| !n.is_empty()));
    properties
}
