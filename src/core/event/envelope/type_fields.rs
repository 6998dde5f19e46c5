//! The fields that differ per call type: track `event`/`properties`; page and screen
//! `category`/`name`/`properties` (page properties also carry the page context); identify
//! `traits`; group `groupId`/`traits`; alias `previousId`.
//! Imports `core::json` and `core::event`'s own modules; must not import another part of the core.

use super::fields::{quoted, Fields};
use super::{Call, Identity};
use crate::core::event::args::{DropReason, Method, Resolved, Warning, Warnings};
use crate::core::json;

/// The rendered type-specific fields.
pub(super) struct TypeFields<'a> {
    /// Page events: the final properties (their page keys also override `context.page`).
    pub(super) properties: Option<Fields<'a>>,
    /// `,"key":value` pairs to splice after `type`.
    json: String,
}

impl TypeFields<'_> {
    /// Appends the rendered fields.
    pub(super) fn write(&self, _method: Method, out: &mut String) {
        out.push_str(&self.json);
        if let Some(properties) = &self.properties {
            out.push_str(",\"properties\":");
            properties.write(out);
        }
    }
}

/// Renders the type-specific fields of `call`, or the reason it carries no event.
pub(super) fn type_fields<'a>(
    call: &Call<'a>,
    who: &Identity<'_>,
    warnings: &mut Warnings,
) -> Result<TypeFields<'a>, DropReason> {
    let mut out = TypeFields {
        properties: None,
        json: String::new(),
    };
    let json = &mut out.json;
    match call.method {
        Method::Track => track(call, json, warnings)?,
        Method::Page => out.properties = Some(page(call, json)),
        Method::Screen => {
            push_category_and_name(call, json);
            push_field(
                json,
                "properties",
                object_or_empty(Resolved::text(call.resolved.properties, call.args)),
            );
        }
        Method::Identify => push_field(json, "traits", object_or_empty(Some(who.user_traits))),
        Method::Group => {
            let group_id = who.group_id.ok_or(DropReason::GroupIdMissing)?;
            push_field(json, "groupId", &quoted(group_id));
            push_field(json, "traits", object_or_empty(Some(who.group_traits)));
        }
        Method::Alias => {
            let from = Resolved::text(call.resolved.previous_id, call.args).filter(|from| crate::core::endpoint_limits::is_admissible_id(from));
            let previous = from.or(who.user_id).unwrap_or(who.anonymous_id);
            push_field(json, "previousId", &quoted(previous));
        }
    }
    Ok(out)
}

fn push_field(out: &mut String, key: &str, raw: &str) {
    out.push_str(",\"");
    out.push_str(key);
    out.push_str("\":");
    out.push_str(raw);
}

fn object_or_empty(raw: Option<&str>) -> &str {
    raw.filter(|raw| json::is_object(raw)).unwrap_or("{}")
}

/// `event` and `properties`, from `(name, properties)` or from a `{event, properties}` object.
fn track(call: &Call<'_>, out: &mut String, warnings: &mut Warnings) -> Result<(), DropReason> {
    let r = call.resolved;
    let event = Resolved::text(r.event, call.args);
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
        (name.map(std::borrow::Cow::Owned), properties)
    } else {
        (
            event.map(std::borrow::Cow::Borrowed),
            Resolved::text(r.properties, call.args).unwrap_or("{}"),
        )
    };
    let name = name.filter(|n| !n.is_empty()).ok_or(DropReason::EventMissing)?;
    push_field(out, "event", &quoted(&name));
    push_field(out, "properties", properties);
    Ok(())
}

/// `category` and `name` when given (an empty string counts as given).
fn push_category_and_name(call: &Call<'_>, out: &mut String) {
    let r = call.resolved;
    for (key, index) in [("category", r.category), ("name", r.name)] {
        if let Some(value) = Resolved::text(index, call.args) {
            push_field(out, key, &quoted(value));
        }
    }
}

/// Page: `category`/`name`, and properties = the page context, then the caller's properties,
/// then `category` (when given) and `name` (when non-empty).
fn page<'a>(call: &Call<'a>, out: &mut String) -> Fields<'a> {
    push_category_and_name(call, out);
    let r = call.resolved;
    let mut properties = Fields::parse(call.page).unwrap_or_default();
    if let Some(own) = Resolved::text(r.properties, call.args).and_then(Fields::parse) {
        properties.extend(own);
    }
    if let Some(category) = Resolved::text(r.category, call.args) {
        properties.set("category".into(), quoted(category).into());
    }
    if let Some(name) = Resolved::text(r.name, call.args).filter(|n| !n.is_empty()) {
        properties.set("name".into(), quoted(name).into());
    }
    properties
}
