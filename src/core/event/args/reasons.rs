//! Why a call was repaired (a [`Warning`]) or dropped (a [`DropReason`]).
//!
//! Tracking calls never throw into the host page: bad input is repaired or dropped, the callback
//! still fires, and in debug mode the shell logs [`Warning::message`] / [`DropReason::message`].
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

    /// The debug-mode log line for this repair.
    pub fn message(&self) -> &'static str {
        match self {
            Warning::ArgumentIgnored => "argument of unsupported type ignored",
            Warning::PropertiesNotObject => "properties/traits not an object; sent {}",
            Warning::OptionsNotObject => "options not an object; ignored",
            Warning::ContextNotObject => "options.context not an object; ignored",
            Warning::MessageIdNotString => "options.messageId not a string; ignored",
            Warning::IntegrationsNotObject => "options.integrations not an object; ignored",
            Warning::SurrogateReplaced => "unpaired UTF-16 surrogate replaced with U+FFFD",
            Warning::TimestampInvalid => "options.timestamp not a Date or ISO-8601 text; call time sent",
            Warning::UserIdInvalid => "options.userId not a string or number, or too long; ignored",
        }
    }
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

    /// True when nothing was repaired.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The recorded warnings, in declaration order (for logging).
    pub fn iter(&self) -> impl Iterator<Item = Warning> + '_ {
        Warning::ALL.into_iter().filter(move |w| self.contains(*w))
    }
}

/// Why a call produced no event. The callback still fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// `track` without a non-empty string event name (analytics.js throws "Event missing").
    EventMissing,
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
    /// The debug-mode log line for this drop.
    pub fn message(&self) -> &'static str {
        match self {
            DropReason::EventMissing => "track: no event name; dropped",
            DropReason::GroupIdMissing => "group: no group id; dropped",
            DropReason::AliasToMissing => "alias: no user id; dropped",
            DropReason::TooLarge => "event over 32 KB; dropped",
            DropReason::InvalidJson => "event not a valid JSON object; dropped",
            DropReason::TooDeep => "event nested deeper than 64 levels; dropped",
            DropReason::NoConsent => "no consent; dropped",
        }
    }
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
    fn every_reason_has_a_distinct_message() {
        let mut seen: Vec<&str> = Warning::ALL.iter().map(|w| w.message()).collect();
        for d in [
            DropReason::EventMissing,
            DropReason::GroupIdMissing,
            DropReason::AliasToMissing,
            DropReason::TooLarge,
            DropReason::InvalidJson,
            DropReason::TooDeep,
            DropReason::NoConsent,
        ] {
            seen.push(d.message());
        }
        let n = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), n);
        assert!(seen.iter().all(|m| !m.is_empty()));
    }
}
