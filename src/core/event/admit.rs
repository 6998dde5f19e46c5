//! The last rule before an event is queued: send nothing an endpoint can be known to reject.
//!
//! One invalid event makes a Segment-compatible endpoint reject the whole request it travels in,
//! so every body – built here or returned by source middleware – is checked against
//! `endpoint_limits` and the JSON grammar: an unpaired UTF-16 surrogate escape is repaired
//! (U+FFFD), anything else that cannot be repaired (over 32 KB, nested too deep, not a JSON
//! object) is refused with a [`DropReason`]. Field rules (`options.timestamp`, `options.userId`,
//! empty alias ids, id lengths) live where the envelope is built. Imports only `core::json` and
//! `core::endpoint_limits`.

use crate::core::endpoint_limits::{MAX_EVENT_BYTES, MAX_NESTING_DEPTH};
use crate::core::event::args::{DropReason, Warning, Warnings};
use crate::core::json::grammar::{self, Invalid};

/// Checks (and repairs in place) one event body; `Err` means it must not be queued.
pub fn admit(body: &mut String, warnings: &mut Warnings) -> Result<(), DropReason> {
    if body.len() > MAX_EVENT_BYTES {
        return Err(DropReason::TooLarge);
    }
    if !body.starts_with('{') {
        return Err(DropReason::InvalidJson);
    }
    match grammar::check(body, MAX_NESTING_DEPTH) {
        Ok(lone) if lone.is_empty() => Ok(()),
        Ok(lone) => {
            grammar::repair_surrogates(body, &lone);
            warnings.add(Warning::SurrogateReplaced);
            Ok(())
        }
        Err(Invalid::TooDeep) => Err(DropReason::TooDeep),
        Err(Invalid::Syntax) => Err(DropReason::InvalidJson),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_an_endpoint_rejects_is_repaired_or_refused() {
        let deep = "{\"p\":".repeat(65) + "1" + &"}".repeat(65);
        let fine = "{\"p\":".repeat(64) + "1" + &"}".repeat(64);
        let big = String::from("{\"p\":\"") + &"x".repeat(MAX_EVENT_BYTES) + "\"}";
        // (body, result, body afterwards, surrogate warning)
        let rows: Vec<(&str, Result<(), DropReason>, &str, bool)> = vec![
            (r#"{"event":"x","properties":{"t":"\ud83d"}}"#, Ok(()), r#"{"event":"x","properties":{"t":"\ufffd"}}"#, true),
            (r#"{"t":"\ud83d\ude00"}"#, Ok(()), r#"{"t":"\ud83d\ude00"}"#, false),
            (&fine, Ok(()), &fine, false),
            (&deep, Err(DropReason::TooDeep), &deep, false),
            (&big, Err(DropReason::TooLarge), &big, false),
            (r#"{"plan": undefined}"#, Err(DropReason::InvalidJson), r#"{"plan": undefined}"#, false),
            ("[1]", Err(DropReason::InvalidJson), "[1]", false),
            ("null", Err(DropReason::InvalidJson), "null", false),
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
