//! The per-call `options` object of every analytics.js method, read one level deep.
//!
//! analytics.js sorts option keys three ways: `userId`, `anonymousId`, `timestamp` and `messageId`
//! go to the top level of the event; `integrations` is merged over the init integrations;
//! `context` starts the event's context; **every other key** becomes a `context` key
//! (`{ip:'1.2.3.4'}` → `context.ip`, `{traits:{…}}` → `context.traits`). Values stay raw JSON
//! slices of the facade's `JSON.stringify` output. Pure; imports only `core::{json, text, endpoint_limits}`.

use crate::core::endpoint_limits::is_admissible_id;
use crate::core::json;
use crate::core::pairs::Pairs;
use crate::core::text;

/// Option keys that are not copied into `context`.
const NOT_CONTEXT: [&str; 6] = [
    "context",
    "integrations",
    "userId",
    "anonymousId",
    "timestamp",
    "messageId",
];

/// One call's options, as top-level entries of its JSON text.
#[derive(Debug, Default)]
pub struct Options {
    /// Each key once, where it first appears, with its last value (`json::object_members`).
    entries: Pairs,
}

impl Options {
    /// Reads the options JSON (`None`, or text that is not an object, reads as `{}`).
    pub fn parse(raw: Option<&str>) -> Options {
        Options { entries: json::object_members(raw.unwrap_or("{}")) }
    }

    /// The raw JSON value of `key` (the last one when repeated, as `JSON.parse` does), without
    /// surrounding whitespace.
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.entries.get(key)
    }

    /// `options.anonymousId` when it is a non-empty string. The shell stores it as the user's
    /// anonymous id **before** building the event (analytics.js `maybeUpdateAnonId`), so it also
    /// applies to every later event.
    pub fn anonymous_id(&self) -> Option<String> {
        admissible_text(self.raw("anonymousId"))
    }

    /// `options.userId` as raw JSON when truthy; used only when no user id is stored.
    #[inline(always)]
    pub fn user_id(&self) -> Option<&str> {
        self.raw("userId").filter(|raw| !is_falsy(raw))
    }

    /// `options.timestamp` as raw JSON (sent verbatim in place of the call time).
    pub fn timestamp(&self) -> Option<&str> {
        self.raw("timestamp")
    }

    /// `options.messageId`: `Some(Ok((raw, decoded)))` for a string (sent verbatim), `Some(Err(()))`
    /// for any other value (ignored with a warning), `None` when absent. The envelope reads the same
    /// from [`Options::raw`] in place (its nested `Option<Result<..>>` cost code to build and take apart).
    #[cfg(test)]
    pub fn message_id(&self) -> Option<Result<(&str, String), ()>> {
        let raw = self.raw("messageId")?;
        // `parse_str` answers only for a string literal.
        Some(json::parse_str(raw).map(|id| (raw, id)).ok_or(()))
    }

    /// `options.integrations` as raw JSON, if given.
    pub fn integrations(&self) -> Option<&str> {
        self.raw("integrations")
    }

    /// `options.context` as raw JSON, if given.
    pub fn context(&self) -> Option<&str> {
        self.raw("context")
    }

    /// Every other key with its raw value, in order: these become `context` keys. Dotted keys
    /// (`'a.b'`, which analytics.js expands with `dset`) are kept as literal keys.
    pub fn context_extras(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries.0.iter().filter(|(k, _)| is_context_key(k)).map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Every option key with its raw value, in order (a repeated key once, with its last value). The
    /// envelope reads the context keys from it with a plain loop over [`is_context_key`]: the adapter
    /// chain of [`Options::context_extras`] costs its closures' copies in the wasm.
    pub fn entries(&self) -> &[(String, String)] {
        &self.entries.0
    }
}

/// True for an option key that becomes a `context` key ([`Options::context_extras`]).
pub fn is_context_key(key: &str) -> bool {
    !text::is_one_of(&NOT_CONTEXT, key)
}

/// [`Options::anonymous_id`] read straight from the options JSON (`None`: `{}`), without
/// collecting its entries: the shell's step 2, before the envelope reads the options in full.
pub fn anonymous_id(options: Option<&str>) -> Option<String> {
    admissible_text(options.and_then(|raw| json::get(raw, "anonymousId")))
}

/// A raw JSON value that is a string whose text is an admissible id, decoded.
fn admissible_text(raw: Option<&str>) -> Option<String> {
    raw.and_then(json::parse_str).filter(|id| is_admissible_id(id))
}

/// True for the JSON texts of JavaScript's falsy values as `JSON.stringify` writes them:
/// `null`, `false`, `""` and `0` (it writes `-0`, `0.0` and `0e5` as `0`).
pub fn is_falsy(raw: &str) -> bool {
    matches!(json::trim_ws(raw), "null" | "false" | "\"\"" | "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_sort_keys_into_top_level_integrations_and_context() {
        let raw = r#"{"userId":"u","anonymousId":"a","timestamp":"2020-01-01T00:00:00.000Z","messageId":"m",
            "integrations":{"X":false},"context":{"ip":"9"},"ip":"1.2.3.4","traits":{"a":1},"page.title":"t"}"#;
        let o = Options::parse(Some(raw));
        assert_eq!(o.user_id(), Some("\"u\""));
        assert_eq!(o.anonymous_id().as_deref(), Some("a"));
        assert_eq!(o.timestamp(), Some("\"2020-01-01T00:00:00.000Z\""));
        assert_eq!(o.message_id(), Some(Ok(("\"m\"", "m".to_string()))));
        assert_eq!(o.integrations(), Some(r#"{"X":false}"#));
        assert_eq!(o.context(), Some(r#"{"ip":"9"}"#));
        let extras: Vec<(&str, &str)> = o.context_extras().collect();
        assert_eq!(
            extras,
            vec![("ip", "\"1.2.3.4\""), ("traits", r#"{"a":1}"#), ("page.title", "\"t\"")]
        );
    }

    #[test]
    fn odd_options_read_safely() {
        for raw in [None, Some("null"), Some("[1]"), Some("\"s\""), Some("{")] {
            let o = Options::parse(raw);
            assert!(o.raw("userId").is_none() && o.context_extras().count() == 0, "{raw:?}");
        }
        let o = Options::parse(Some(r#"{"anonymousId":"","userId":0,"messageId":5}"#));
        assert_eq!(o.anonymous_id(), None);
        assert_eq!(o.user_id(), None);
        assert_eq!(o.message_id(), Some(Err(())));
        let o = Options::parse(Some(r#"{"anonymousId":7,"userId":42}"#));
        assert_eq!(o.anonymous_id(), None);
        assert_eq!(o.user_id(), Some("42"));
    }

    #[test]
    fn anonymous_id_from_the_text_is_the_options_one() {
        let rows = [
            None, Some("null"), Some("[1]"), Some("{"), Some(r#"{"anonymousId":"a"}"#), Some(r#"{"anonymousId":""}"#),
            Some(r#"{"anonymousId":7}"#), Some(r#"{"anonymousId":"a","anonymousId":"b"}"#), Some(r#"{"anonymous\u0049d":"e"}"#),
            Some(r#"{"anonymousId":"a","x":}"#), Some(r#" {"anonymousId" : "\u00e9"} "#),
        ];
        for raw in rows {
            assert_eq!(anonymous_id(raw), Options::parse(raw).anonymous_id(), "{raw:?}");
        }
        assert_eq!(anonymous_id(Some(r#"{"anonymousId":"a","anonymousId":"b"}"#)).as_deref(), Some("b"));
    }

    #[test]
    fn raw_values_come_without_surrounding_whitespace() {
        let o = Options::parse(Some("{ \"a\" :\t1 ,\n\"b\": null\r\n, \"c\" : { } }"));
        assert_eq!((o.raw("a"), o.raw("b"), o.raw("c")), (Some("1"), Some("null"), Some("{ }")));
    }

    #[test]
    fn falsy_matches_javascript() {
        for raw in ["null", "false", "\"\"", "0", " 0 "] {
            assert!(is_falsy(raw), "{raw}");
        }
        for raw in ["true", "\"0\"", "1", "0.1", "-2", "{}", "[]", "\" \"", "10", "1e-9"] {
            assert!(!is_falsy(raw), "{raw}");
        }
    }
}
