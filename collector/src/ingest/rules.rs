//! Validation rules of the Segment HTTP API, as data: size limits and required fields per call type.

use super::kind::Kind;
use serde_json::{Map, Value};

/// Largest accepted event, serialized (Segment: 32 KB per call).
pub const MAX_EVENT_BYTES: usize = 32 * 1024;
/// Largest accepted batch request body, after decompression (Segment: 500 KB per request).
pub const MAX_BATCH_BYTES: usize = 500 * 1024;

/// The fields one call type requires beyond an identity, and the fields that must be objects.
struct Rule {
    kind: Kind,
    required: &'static [&'static str],
    objects: &'static [&'static str],
}

/// One row per call type: changing a rule is a one-line diff.
const RULES: [Rule; 6] = [
    Rule { kind: Kind::Track, required: &["event"], objects: &["properties", "context", "integrations"] },
    Rule { kind: Kind::Page, required: &[], objects: &["properties", "context", "integrations"] },
    Rule { kind: Kind::Screen, required: &[], objects: &["properties", "context", "integrations"] },
    Rule { kind: Kind::Identify, required: &[], objects: &["traits", "context", "integrations"] },
    Rule { kind: Kind::Group, required: &["groupId"], objects: &["traits", "context", "integrations"] },
    Rule { kind: Kind::Alias, required: &["userId", "previousId"], objects: &["context", "integrations"] },
];

/// Fields holding identifiers: strings, or numbers that are stored as their decimal text.
pub const ID_FIELDS: [&str; 4] = ["userId", "anonymousId", "previousId", "groupId"];

/// An identifier field as text: a non-empty string, or a number's decimal form.
pub fn id_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Checks one event object against its call type's rule. `Err` says which field is wrong.
pub fn validate(kind: Kind, item: &Map<String, Value>) -> Result<(), String> {
    let name = kind.name();
    for field in ID_FIELDS {
        match item.get(field) {
            None | Some(Value::Null | Value::String(_) | Value::Number(_)) => {}
            Some(_) => return Err(format!("{name}: \"{field}\" must be a string")),
        }
    }
    if id_text(item.get("userId")).is_none() && id_text(item.get("anonymousId")).is_none() {
        return Err(format!("{name} requires \"userId\" or \"anonymousId\""));
    }
    let rule = RULES.iter().find(|r| r.kind == kind).ok_or("unknown type")?;
    for field in rule.required {
        let present = match item.get(*field) {
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Number(_)) => ID_FIELDS.contains(field),
            _ => false,
        };
        if !present {
            return Err(format!("{name} requires \"{field}\""));
        }
    }
    for field in rule.objects {
        if !matches!(item.get(*field), None | Some(Value::Null | Value::Object(_))) {
            return Err(format!("{name}: \"{field}\" must be an object"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_table() {
        let cases: &[(Kind, &str, Option<&str>)] = &[
            (Kind::Track, r#"{"anonymousId":"a","event":"E"}"#, None),
            (Kind::Track, r#"{"userId":"u","event":"E","properties":{}}"#, None),
            (Kind::Track, r#"{"userId":42,"event":"E"}"#, None),
            (Kind::Track, r#"{"anonymousId":"a"}"#, Some("requires \"event\"")),
            (Kind::Track, r#"{"anonymousId":"a","event":""}"#, Some("requires \"event\"")),
            (Kind::Track, r#"{"anonymousId":"a","event":7}"#, Some("requires \"event\"")),
            (Kind::Track, r#"{"event":"E"}"#, Some("\"userId\" or \"anonymousId\"")),
            (Kind::Track, r#"{"event":"E","userId":"","anonymousId":null}"#, Some("\"userId\" or \"anonymousId\"")),
            (Kind::Track, r#"{"anonymousId":"a","event":"E","properties":[]}"#, Some("\"properties\" must be an object")),
            (Kind::Track, r#"{"anonymousId":{"x":1},"event":"E"}"#, Some("\"anonymousId\" must be a string")),
            (Kind::Page, r#"{"anonymousId":"a"}"#, None),
            (Kind::Page, r#"{"anonymousId":"a","properties":"x"}"#, Some("must be an object")),
            (Kind::Screen, r#"{"userId":"u","name":"Home"}"#, None),
            (Kind::Identify, r#"{"anonymousId":"a","traits":{"email":"e"}}"#, None),
            (Kind::Identify, r#"{"traits":{}}"#, Some("\"userId\" or \"anonymousId\"")),
            (Kind::Identify, r#"{"userId":"u","traits":1}"#, Some("\"traits\" must be an object")),
            (Kind::Group, r#"{"userId":"u","groupId":"g"}"#, None),
            (Kind::Group, r#"{"userId":"u"}"#, Some("requires \"groupId\"")),
            (Kind::Alias, r#"{"userId":"u","previousId":"a"}"#, None),
            (Kind::Alias, r#"{"userId":"u"}"#, Some("requires \"previousId\"")),
            (Kind::Alias, r#"{"anonymousId":"a","previousId":"p"}"#, Some("requires \"userId\"")),
            (Kind::Alias, r#"{"userId":"u","previousId":"p","context":[]}"#, Some("\"context\" must be an object")),
        ];
        for (kind, json, want) in cases {
            let item: Map<String, Value> = serde_json::from_str(json).unwrap();
            match (validate(*kind, &item), want) {
                (Ok(()), None) => {}
                (Err(e), Some(w)) => assert!(e.contains(w), "{json}: {e}"),
                (got, want) => panic!("{kind:?} {json}: got {got:?}, want {want:?}"),
            }
        }
    }
}
