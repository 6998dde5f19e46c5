//! Why a call was repaired (a [`Warning`]) or dropped (a [`DropReason`]).
//!
//! Tracking calls never throw into the host page: bad input is repaired or dropped, the callback
//! still fires, and in debug mode the shell logs why. Each reason crosses to JavaScript as its
//! number ([`Warning`] 0-8, [`DropReason`] 9-15, `tracker::NOT_SAVED` 16), whose log line is the entry of
//! that index in `www/src/debug.js` (loaded only in debug mode; `tests/debug_texts.rs` checks it).
//! Pure data; imports nothing.

/// A repair made to a call; the event is still sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Warning {
    /// An argument of a type no analytics.js signature accepts (array, boolean, DOM node, BigInt,
    /// a second object past options, …) was ignored.
    ArgumentIgnored = 0,
    /// `properties` (or `traits`) was not a plain object; `{}` was sent instead.
    PropertiesNotObject = 1,
    /// `options` was not a plain object; it was ignored.
    OptionsNotObject = 2,
    /// `options.context` was not a plain object; it was ignored.
    ContextNotObject = 3,
    /// `options.messageId` was not a string; a generated id was used.
    MessageIdNotString = 4,
    /// `options.integrations` was not a plain object; it was ignored.
    IntegrationsNotObject = 5,
    /// An unpaired UTF-16 surrogate (`'😀'.slice(0, 1)`) was replaced with U+FFFD.
    SurrogateReplaced = 6,
    /// `options.timestamp` was not a Date or ISO-8601 text; the call time was sent.
    TimestampInvalid = 7,
    /// `options.userId` was not a string or number (or longer than `MAX_ID_CHARS`); ignored.
    UserIdInvalid = 8,
}

impl Warning {
    /// Every warning, in declaration order.
    pub const ALL: [Warning; 9] = [
        Warning::ArgumentIgnored,
        Warning::PropertiesNotObject,
        Warning::OptionsNotObject,
        Warning::ContextNotObject,
        Warning::MessageIdNotString,
        Warning::IntegrationsNotObject,
        Warning::SurrogateReplaced,
        Warning::TimestampInvalid,
        Warning::UserIdInvalid,
    ];
}

/// The set of repairs made to one call (a bit set; no allocation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Warnings(u16);

impl Warnings {
    /// Records `warning`.
    pub fn add(&mut self, warning: Warning) {
        self.0 |= 1 << warning as u16;
    }

    /// True when `warning` was recorded.
    pub fn contains(&self, warning: Warning) -> bool {
        self.0 & (1 << warning as u16) != 0
    }

    /// The warnings recorded here and not in `other`.
    pub fn without(self, other: Warnings) -> Warnings {
        Warnings(self.0 & !other.0)
    }

    /// True when nothing was repaired.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The recorded warnings, in declaration order (for logging).
    pub fn iter(&self) -> impl Iterator<Item = Warning> + '_ {
        Warning::ALL.into_iter().filter(move |w| self.contains(*w))
    }
}

/// Why a call produced no event. The callback still fires. Numbered after [`Warning`]'s (one list
/// of debug texts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum DropReason {
    /// `track` without a non-empty string event name (analytics.js throws "Event missing").
    EventMissing = 9,
    /// `group` without a group id, neither passed nor stored.
    GroupIdMissing,
    /// `alias` without a target id, neither passed nor stored.
    AliasToMissing,
    /// The event body is over the 32 KB per-message limit of the tracking API (it would be
    /// rejected with HTTP 400, so it is not sent).
    TooLarge,
    /// The event (as source middleware returned it) is not a valid JSON object.
    InvalidJson,
    /// Objects or arrays nested deeper than `endpoint_limits::MAX_NESTING_DEPTH`.
    TooDeep,
    /// Consent is denied (or pending with `preConsent: 'drop'`): the call makes no event.
    NoConsent,
}

impl DropReason {
    /// Every drop reason, in declaration order.
    pub const ALL: [DropReason; 7] = [
        DropReason::EventMissing,
        DropReason::GroupIdMissing,
        DropReason::AliasToMissing,
        DropReason::TooLarge,
        DropReason::InvalidJson,
        DropReason::TooDeep,
        DropReason::NoConsent,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_set_records_each_reason_once_in_order() {
        let mut set = Warnings::default();
        assert!(set.is_empty());
        set.add(Warning::OptionsNotObject);
        set.add(Warning::ArgumentIgnored);
        set.add(Warning::OptionsNotObject);
        let got: Vec<Warning> = set.iter().collect();
        assert_eq!(got, vec![Warning::ArgumentIgnored, Warning::OptionsNotObject]);
        assert!(!set.contains(Warning::ContextNotObject));
    }

    #[test]
    fn reasons_are_numbered_one_after_another() {
        let mut numbers: Vec<u8> = Warning::ALL.iter().map(|w| *w as u8).collect();
        numbers.extend(DropReason::ALL.iter().map(|d| *d as u8));
        assert_eq!(numbers, (0..16).collect::<Vec<u8>>());
    }
}
