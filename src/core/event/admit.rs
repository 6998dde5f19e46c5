//! The last rule before an event is queued: send nothing an endpoint can be known to reject.
//!
//! One invalid event makes a Segment-compatible endpoint reject the whole request it travels in,
//! so every body – built here or returned by source middleware – is checked against
//! `endpoint_limits` and the JSON grammar: an unpaired UTF-16 surrogate escape is repaired
//! (U+FFFD), anything else that cannot be repaired (over 32 KB, nested too deep, not a JSON
//! object with a `type` and a `userId` or `anonymousId`) is refused with a [`DropReason`]. Field rules (`options.timestamp`, `options.userId`,
//! empty alias ids, id lengths) live where the envelope is built. Imports only `core::json` and
//! `core::endpoint_limits`.

use crate::core::endpoint_limits::{MAX_EVENT_BYTES, MAX_NESTING_DEPTH};
use crate::core::event::args::{DropReason, Warning, Warnings};
use crate::core::json::grammar::{self, Invalid};
use crate::core::json;

/// Checks (and repairs in place) one event body; `Err` means it must not be queued.
pub fn admit(body: &mut String, warnings: &mut Warnings) -> Result<(), DropReason> {
    if body.len() > MAX_EVENT_BYTES {
        return Err(DropReason::TooLarge);
    }
    if !body.starts_with('{') {
        return Err(DropReason::InvalidJson);
    }
    // One pass: the grammar check also picks up the top-level `type` and ids (last occurrence wins).
    // "" for absent (a JSON value is never empty): plain texts, not `Option`s, in the closure.
    let (mut kind, mut anonymous_id, mut user_id) = ("", "", "");
    let scanned = grammar::scan_dyn(body, MAX_NESTING_DEPTH, &mut |key, value| {
        if json::key_is(key, "type") {
            kind = value;
        } else if json::key_is(key, "anonymousId") {
            anonymous_id = value;
        } else if json::key_is(key, "userId") {
            user_id = value;
        }
    });
    let lone = match scanned {
        Ok(lone) => lone,
        Err(Invalid::TooDeep) => return Err(DropReason::TooDeep),
        Err(Invalid::Syntax) => return Err(DropReason::InvalidJson),
    };
    // Middleware may return anything: an event needs its type and an id to be accepted anywhere.
    let given = |raw: &str| !matches!(raw, "" | "null" | "\"\"");
    if !kind.starts_with('"') || !(given(anonymous_id) || given(user_id)) {
        return Err(DropReason::InvalidJson);
    }
    if !lone.is_empty() {
        grammar::repair_surrogates(body, &lone);
        warnings.add(Warning::SurrogateReplaced);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_an_endpoint_rejects_is_repaired_or_refused() {
        let ok = r#"{"type":"track","anonymousId":"a","#;
        let deep = String::from(ok) + &"\"p\":{".repeat(64) + &"}".repeat(65);
        let fine = String::from(ok) + &"\"p\":{".repeat(63) + &"}".repeat(64);
        let big = String::from(ok) + "\"p\":\"" + &"x".repeat(MAX_EVENT_BYTES) + "\"}";
        // (body, result, body afterwards, surrogate warning)
        let rows: Vec<(&str, Result<(), DropReason>, &str, bool)> = vec![
            (r#"{"type":"track","anonymousId":"a","properties":{"t":"\ud83d"}}"#, Ok(()), r#"{"type":"track","anonymousId":"a","properties":{"t":"\ufffd"}}"#, true),
            (r#"{"type":"page","userId":"u","t":"\ud83d\ude00"}"#, Ok(()), r#"{"type":"page","userId":"u","t":"\ud83d\ude00"}"#, false),
            (r#"{"a":1}"#, Err(DropReason::InvalidJson), r#"{"a":1}"#, false),
            (r#"{"type":"track","anonymousId":null,"userId":""}"#, Err(DropReason::InvalidJson), r#"{"type":"track","anonymousId":null,"userId":""}"#, false),
            (r#"{"type":7,"anonymousId":"a"}"#, Err(DropReason::InvalidJson), r#"{"type":7,"anonymousId":"a"}"#, false),
            (&fine, Ok(()), &fine, false),
            (&deep, Err(DropReason::TooDeep), &deep, false),
            (&big, Err(DropReason::TooLarge), &big, false),
            (r#"{"plan": undefined}"#, Err(DropReason::InvalidJson), r#"{"plan": undefined}"#, false),
            ("[1]", Err(DropReason::InvalidJson), "[1]", false),
            ("null", Err(DropReason::InvalidJson), "null", false),
            (r#"{"typ\u0065":"track","anonymousId":"a"}"#, Ok(()), r#"{"typ\u0065":"track","anonymousId":"a"}"#, false),
            (r#"{"p":{"type":"track","anonymousId":"a"}}"#, Err(DropReason::InvalidJson), r#"{"p":{"type":"track","anonymousId":"a"}}"#, false),
            (r#"{"type":"track","anonymousId":"a","anonymousId":null}"#, Err(DropReason::InvalidJson), r#"{"type":"track","anonymousId":"a","anonymousId":null}"#, false),
            (r#"{"type":"track","userId":7}"#, Ok(()), r#"{"type":"track","userId":7}"#, false),
            (r#"{"type":"track","anonymousId":"a","t":"\ud83d"} x"#, Err(DropReason::InvalidJson), r#"{"type":"track","anonymousId":"a","t":"\ud83d"} x"#, false),
        ];
        for (body, want, after, warned) in rows {
            let mut text = body.to_owned();
            let mut warnings = Warnings::default();
            assert_eq!(admit(&mut text, &mut warnings), want, "{}", &body[..body.len().min(60)]);
            assert_eq!(text, after);
            assert_eq!(warnings.contains(Warning::SurrogateReplaced), warned);
        }
    }
}
