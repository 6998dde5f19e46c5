//! Consent and privacy signals: whether this page may store and send, decided from the `consent`
//! init options, the visitor's choice (this page's `consent()` call, else the remembered `wa_consent`)
//! and the browser's Global Privacy Control / Do Not Track signals.
//!
//! Rules as data (tested as tables in `tests.rs`):
//! - [`decide`]: an explicit choice wins; else GPC (on by default) or DNT (opt-in) deny; else
//!   `required` leaves consent pending; else it is granted (the library behaves as without consent).
//! - [`effects`]: what each state lets the page do: store (cookies, localStorage, the tab lease),
//!   send, and where a call goes (queue, in-memory buffer, or nowhere).
//! - [`Consent`]: the state machine the tracker holds: the bounded pre-consent buffer (oldest
//!   dropped, reported), and what a `consent()` call changes (release the buffer in call order with
//!   `context.consent` restamped, erase storage, remember the choice, announce the change).
//!
//! Must not import platform crates or another part of the core (identity, event, delivery); uses
//! `core::json` and `core::options` only.

pub mod choice;

use crate::core::json;
use crate::core::options::Options;
use choice::Choice;

/// Most calls held while consent is pending; the oldest goes first.
pub const BUFFER_LIMIT: usize = 100;
/// The remembered choice's cookie and localStorage key.
pub const REMEMBER_KEY: &str = "wa_consent";

/// Whether a denial removes this cookie or localStorage key: every `ajs_*` key (identity, analytics.js
/// and ours), the legacy `_sio` cookie, and every `wa:` key (queues, tab leases, saved snippet calls).
/// The remembered choice (`wa_consent`) stays: it is strictly necessary.
pub fn is_erased(key: &str) -> bool {
    key.starts_with("ajs_") || key.starts_with("wa:") || key == "_sio"
}

/// What happens to calls made while consent is pending (`consent.preConsent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PreConsent {
    /// Held in memory and sent on grant (default).
    Buffer,
    /// Dropped.
    Drop,
}

/// What a denial means (`consent.onDenied`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDenied {
    /// Nothing is stored or sent (default).
    Drop,
    /// Events are sent with an id that lives in memory for this page only; nothing is stored.
    Cookieless,
}

/// The `consent` init options and the privacy signals the facade reported in `_env`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsentSettings {
    /// A `consent` object was given (events then carry `context.consent`).
    pub configured: bool,
    /// `consent.required`: nothing happens until the visitor chooses.
    pub required: bool,
    /// `consent.categories`: all must be true for consent to be granted.
    pub categories: Vec<String>,
    /// `consent.preConsent`.
    pub pre_consent: PreConsent,
    /// `consent.onDenied`.
    pub on_denied: OnDenied,
    /// `navigator.globalPrivacyControl === true` and `consent.honorGlobalPrivacyControl` is not false.
    pub gpc: bool,
    /// `navigator.doNotTrack === '1'` and `consent.honorDoNotTrack` is true.
    pub dnt: bool,
}

impl ConsentSettings {
    /// Reads `consent` and `_env.{gpc,dnt}` from a whole init options JSON text; never fails.
    pub fn parse(options_json: &str) -> Self {
        ConsentSettings::from_options(Options(options_json))
    }

    /// Reads `consent` and `_env.{gpc,dnt}` from the init options.
    pub fn from_options(o: Options<'_>) -> Self {
        ConsentSettings {
            configured: o.raw("consent").is_some_and(|c| c.starts_with('{')),
            required: o.flag("consent/required"),
            categories: o.raw("consent/categories").and_then(json::string_array).unwrap_or_default(),
            pre_consent: if o.is("consent/preConsent", "drop") { PreConsent::Drop } else { PreConsent::Buffer },
            on_denied: if o.is("consent/onDenied", "cookieless") { OnDenied::Cookieless } else { OnDenied::Drop },
            gpc: o.flag("_env/gpc") && o.raw("consent/honorGlobalPrivacyControl") != Some("false"),
            dnt: o.flag("_env/dnt") && o.flag("consent/honorDoNotTrack"),
        }
    }
}

/// Where consent stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Required and not given yet.
    Pending,
    /// Given (or not required, and no privacy signal).
    Granted,
    /// Refused by the visitor or by a privacy signal.
    Denied,
}

/// The state for these settings and choice (see the module docs).
pub fn decide(settings: &ConsentSettings, choice: Option<&Choice>) -> State {
    match choice {
        Some(choice) if choice.granted => State::Granted,
        Some(_) => State::Denied,
        None if settings.gpc || settings.dnt => State::Denied,
        None if settings.required => State::Pending,
        None => State::Granted,
    }
}

/// Where one tracking call goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Into the outbox: persisted when storing, sent when sending.
    Queue,
    /// Into the pre-consent buffer (memory).
    Buffer,
    /// Nowhere.
    Drop,
}

/// What a state lets the page do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effects {
    /// Cookies and localStorage may be written (ids, queue, tab lease).
    pub store: bool,
    /// Requests may be sent.
    pub send: bool,
    /// Where calls go.
    pub route: Route,
}

/// The effects table: state × settings → store? send? route.
pub fn effects(state: State, settings: &ConsentSettings) -> Effects {
    let (store, send, route) = match (state, settings.pre_consent, settings.on_denied) {
        (State::Granted, _, _) => (true, true, Route::Queue),
        (State::Pending, PreConsent::Buffer, _) => (false, false, Route::Buffer),
        (State::Pending, PreConsent::Drop, _) => (false, false, Route::Drop),
        (State::Denied, _, OnDenied::Cookieless) => (false, true, Route::Queue),
        (State::Denied, _, OnDenied::Drop) => (false, false, Route::Drop),
    };
    Effects { store, send, route }
}

/// `object` with one member set: `open` is `{"<key>":` (a key with nothing to escape), `value` its JSON.
fn merge_member(object: &str, open: &str, value: &str) -> String {
    let mut member = String::from(open);
    member.push_str(value);
    member.push('}');
    json::merge_objects(object, &member)
}

/// What [`Consent::hold`] did with an event.
#[derive(Debug, PartialEq)]
pub enum Held {
    /// Queue it now: its messageId and body.
    Queue(String, String),
    /// Buffered; `evicted` is the messageId of the oldest call dropped to make room.
    Buffered {
        /// The dropped oldest call's messageId.
        evicted: Option<String>,
    },
    /// Dropped.
    Dropped,
}

/// What a `consent()` call changed.
#[derive(Debug, PartialEq)]
pub struct Change {
    /// The state before.
    pub before: State,
    /// The state after.
    pub after: State,
    /// The text to remember under [`REMEMBER_KEY`].
    pub remember: String,
    /// Buffered events to queue now, in call order (`context.consent` restamped).
    pub release: Vec<(String, String)>,
    /// Every identity and queue key must be removed from cookies and localStorage.
    pub erase: bool,
    /// Send a `Segment Consent Preference Updated` track event.
    pub announce: bool,
    /// Storing became allowed: what the page held in memory is stored, the tab lease starts.
    pub opened: bool,
}

/// The consent state machine of one page.
#[derive(Debug)]
pub struct Consent {
    settings: ConsentSettings,
    choice: Option<Choice>,
    buffer: Vec<(String, String)>,
}

impl Consent {
    /// From the settings and the remembered text (`wa_consent`), read before anything else.
    #[inline(never)]
    pub fn new(settings: ConsentSettings, remembered: Option<&str>) -> Self {
        let choice = remembered.and_then(|raw| choice::decode(raw, &settings.categories));
        Consent { settings, choice, buffer: Vec::new() }
    }

    /// The current state.
    pub fn state(&self) -> State {
        decide(&self.settings, self.choice.as_ref())
    }

    /// The current effects.
    pub fn effects(&self) -> Effects {
        effects(self.state(), &self.settings)
    }

    /// Whether the page must remove what earlier pages stored before it starts: consent is denied
    /// (remembered, or by a privacy signal).
    pub fn erases_on_load(&self) -> bool {
        self.state() == State::Denied
    }

    /// Whether the call is refused outright (denied, or pending with `preConsent: 'drop'`).
    pub fn refuses_calls(&self) -> bool {
        self.effects().route == Route::Drop
    }

    /// `context.consent.categoryPreferences` for events now: `None` when consent is not configured and
    /// the visitor never chose (events then match analytics.js byte for byte).
    pub fn preferences(&self) -> Option<&str> {
        match &self.choice {
            Some(choice) => Some(&choice.preferences),
            None => self.settings.configured.then_some("{}"),
        }
    }

    /// `body` with `context.consent.categoryPreferences` set to the current preferences.
    pub fn stamp(&self, body: String) -> String {
        let Some(preferences) = self.preferences() else { return body };
        let context = json::get(&body, "context").unwrap_or("{}");
        let consent = json::get(context, "consent").unwrap_or("{}");
        let consent = merge_member(consent, "{\"categoryPreferences\":", preferences);
        let context = merge_member(context, "{\"consent\":", &consent);
        merge_member(&body, "{\"context\":", &context)
    }

    /// Routes one built event (its messageId and body) by the current state.
    pub fn hold(&mut self, message_id: String, body: String) -> Held {
        match self.effects().route {
            Route::Queue => Held::Queue(message_id, body),
            Route::Drop => Held::Dropped,
            Route::Buffer => {
                let evicted = (self.buffer.len() >= BUFFER_LIMIT).then(|| self.buffer.remove(0).0);
                self.buffer.push((message_id, body));
                Held::Buffered { evicted }
            }
        }
    }

    /// How many calls wait in the buffer.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// `consent(preferences)` with the argument as JSON text; `None` when it is not a valid choice.
    pub fn choose(&mut self, raw: &str) -> Option<Change> {
        let before = self.state();
        let stored_before = self.effects().store;
        let next = choice::given(raw, &self.settings.categories, self.choice.as_ref())?;
        let changed = self.choice.as_ref() != Some(&next);
        let remember = choice::encode(&next);
        self.choice = Some(next);
        let after = self.state();
        let mut release = std::mem::take(&mut self.buffer);
        if after != State::Granted {
            release.clear();
        }
        for (_, body) in release.iter_mut() {
            *body = self.stamp(std::mem::take(body));
        }
        let opened = !stored_before && self.effects().store;
        Some(Change { before, after, remember, release, erase: after == State::Denied, announce: changed && after == State::Granted, opened })
    }
}

#[cfg(test)]
mod tests;
