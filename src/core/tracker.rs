//! One analytics source on one page, as a sans-IO state machine: a tracking call goes in as
//! argument texts, an event comes out into the write-ahead outbox, and requests come out of
//! [`Tracker::poll_transmit`]. The browser shell only carries values and bytes.
//!
//! Flow of a call ([`Tracker::build`]): resolve the argument roles → `options.anonymousId` is
//! stored first (it applies to this and every later event) → identify/group update the stored
//! identity → the envelope is built from the identity as it now stands. Then the shell (after any
//! source middleware) hands the body to [`Tracker::enqueue`]. The queue is written to its store at
//! the end of each drive ([`Tracker::persist`]): always before the first send attempt of an event,
//! one item per event (`persisted` layout v2), writing only what changed since the last drive.
//! Must not import platform crates: storage is [`Store`], randomness [`Random`], time `now_ms`.

use std::cell::Cell;
use std::rc::Rc;

use crate::core::consent::{Change, Consent, ConsentSettings, Held};
use crate::core::event::admit::admit as admit_body;
use crate::core::event::args::{self, DropReason, Method, Resolved, Warnings};
use crate::core::delivery::queue_format;
use crate::core::delivery::{Config, DeliveryState, Diagnostic, DropReason as Dropped, Mode, Outbox, Outcome, SegmentWire, Transmit};
use crate::core::event::envelope::{self, Call, Env};
use crate::core::identity::Identity;
use crate::core::event::call_options;
use crate::core::event::campaign::ReadQuery;
use crate::core::event::page_context;
use crate::core::random::Random;
use crate::core::store::Store;
use crate::core::time::FormatDate;
use crate::core::{json, uuid};

/// What stays the same for every event of a page, read once from the init options.
#[derive(Debug, Default)]
pub struct PageEnv {
    write_key: String,
    library_version: &'static str,
    user_agent: String,
    user_agent_data: Option<String>,
    locale: Option<String>,
    timezone: Option<String>,
    integrations: String,
    anonymize_ip: bool,
    read_query: Option<ReadQuery>,
    format_date: FormatDate,
}

impl PageEnv {
    /// From what `core::load_options` found: the write key, `_npm` (the npm build), the browser facts
    /// `_env: {userAgent, userAgentData, locale, timezone}` the facade adds (`userAgentData` is
    /// `navigator.userAgentData.toJSON()`, an object, where the browser has it), `integrations` and
    /// `anonymizeIp`.
    pub fn new(write_key: String, npm: bool, facts: Option<&str>, integrations: Option<&str>, anonymize_ip: bool) -> Self {
        let text = |raw: Option<&str>, key: &str| raw.and_then(|r| json::get(r, key)).and_then(json::parse_str);
        PageEnv {
            write_key,
            library_version: if npm { envelope::LIBRARY_VERSION_NPM } else { envelope::LIBRARY_VERSION_CDN },
            user_agent: text(facts, "userAgent").unwrap_or_default(),
            user_agent_data: facts.and_then(|f| json::get(f, "userAgentData")).filter(|d| json::is_object(d)).map(str::to_owned),
            locale: text(facts, "locale"),
            timezone: text(facts, "timezone"),
            integrations: envelope::integration_booleans(integrations.unwrap_or("{}")),
            anonymize_ip,
            read_query: None,
            format_date: FormatDate::default(),
        }
    }

    /// With the platform's query reader: events get `context.campaign` and the ad `referrer` from
    /// their page's query (the shell passes the browser's; without one there is no query enrichment).
    pub fn with_query_reader(mut self, read_query: ReadQuery) -> Self {
        self.read_query = Some(read_query);
        self
    }

    /// With the platform's date formatter (event `timestamp`, `sentAt`); without one they are empty.
    pub fn with_date_format(mut self, format_date: FormatDate) -> Self {
        self.format_date = format_date;
        self
    }

    /// The source's write key.
    pub fn write_key(&self) -> &str {
        &self.write_key
    }

    fn envelope_env(&self) -> Env<'_> {
        Env {
            write_key: &self.write_key,
            library_version: self.library_version,
            user_agent: &self.user_agent,
            user_agent_data: self.user_agent_data.as_deref(),
            locale: self.locale.as_deref(),
            timezone: self.timezone.as_deref(),
            integrations: &self.integrations,
            anonymize_ip: self.anonymize_ip,
            read_query: self.read_query,
            format_date: self.format_date,
            ..Env::default()
        }
    }
}

/// The top-level `messageId` of an event body that comes back from source middleware (events built
/// here carry theirs in [`Built`]).
fn message_id_of(body: &str) -> Option<String> {
    json::get(body, "messageId").and_then(json::parse_str)
}

/// A built event: its body (without `sentAt`) and its `messageId`.
#[derive(Debug)]
pub struct Built {
    /// The event JSON.
    pub body: String,
    /// The body's `messageId`, decoded.
    pub message_id: String,
}

/// One source on one page: identity, environment and the delivery outbox with its store.
pub struct Tracker {
    /// The visitor's identity (also used directly by `user()` / `group()`).
    pub identity: Identity,
    /// Consent: whether calls are queued, buffered or dropped, and whether anything is stored or sent.
    pub consent: Consent,
    /// The consent gate of the browser stores (shared with the shell's `Gated` stores): open while
    /// consent lets the page store.
    storing: Rc<Cell<bool>>,
    /// Calls pushed out of the full pre-consent buffer, reported with the outbox's drops.
    evicted: Vec<Diagnostic>,
    env: PageEnv,
    outbox: Outbox<SegmentWire>,
    queue_store: Box<dyn Store>,
    queue_prefix: String,
    /// Debug numbers of repairs and refusals (see `core::event::args::Warning`), oldest first, one
    /// character each (what the facade is handed).
    warnings: String,
}

/// Most warnings held between two `take_warnings` calls: the facade drains them only in debug
/// mode, so without a cap a page that keeps sending bad input would grow them forever.
const MAX_WARNINGS: usize = 64;

/// Logged (by debug number, after `args::DropReason`'s) when the store refuses an event's write:
/// that event lives in memory only.
pub const NOT_SAVED: u8 = 16;

impl Tracker {
    /// A tracker whose queue lives under tab `tab_id`'s keys in `queue_store`; events already
    /// stored there are restored (same messageId, body and attempts) and sent again.
    pub fn new(env: PageEnv, identity: Identity, config: Config, queue_store: Box<dyn Store>, tab_id: &str, now_ms: f64) -> Self {
        let outbox = Outbox::new(config, SegmentWire::new(env.write_key(), env.format_date));
        let queue_prefix = queue_format::event_key_prefix(env.write_key(), tab_id);
        let consent = Consent::new(ConsentSettings::parse("{}"), None);
        let mut tracker = Tracker {
            identity,
            consent,
            storing: Rc::new(Cell::new(true)),
            evicted: Vec::new(),
            env,
            outbox,
            queue_store,
            queue_prefix,
            warnings: String::new(),
        };
        let keys = tracker.queue_store.keys_with_prefix(&tracker.queue_prefix);
        tracker.outbox.restore_from(&*tracker.queue_store, &keys, now_ms);
        tracker
    }

    /// Puts the tracker under `consent`, whose effects open or close `storing` (the gate of the stores
    /// given to [`Tracker::new`]; build them closed when consent does not let the page store).
    #[inline(always)]
    pub fn with_consent(mut self, consent: Consent, storing: Rc<Cell<bool>>) -> Self {
        storing.set(consent.effects().store);
        self.consent = consent;
        self.storing = storing;
        self
    }

    /// `analytics.consent(preferences)` (the argument as JSON text): applies the change. On a
    /// grant the gate opens, what identity held in memory is stored, and the buffered calls are
    /// queued in call order; on a denial the queue is forgotten unsent (the shell erases storage).
    /// `None` when the argument is not a valid choice.
    pub fn choose_consent(&mut self, raw: &str, now_ms: f64) -> Option<Change> {
        let mut change = self.consent.choose(raw)?;
        self.storing.set(self.consent.effects().store);
        if change.opened {
            self.identity.persist();
        }
        if change.erase {
            self.outbox.hand_over_all();
        }
        // Taken by reference, not a by-value loop (`vec::IntoIter`'s generic copy for the pair type).
        for (message_id, body) in &mut change.release {
            self.outbox.enqueue(std::mem::take(message_id), std::mem::take(body), now_ms);
        }
        change.release.clear();
        Some(change)
    }

    /// Whether consent lets the page store now (the shell keeps no tab lease otherwise).
    pub fn is_storing(&self) -> bool {
        self.storing.get()
    }

    /// Builds the event for one call (`kinds` and `args` as the facade classified and serialised
    /// them; `page_json` the `context.page` JSON the facade built at call time). `Err` means the call produces no event.
    pub fn build(&mut self, method: Method, kinds: &str, args: &[&str], page_json: &str, now_ms: f64, random: &mut dyn Random) -> Result<Built, DropReason> {
        if self.consent.refuses_calls() {
            return Err(DropReason::NoConsent);
        }
        let resolved = args::resolve(method, kinds);
        self.note(resolved.warnings);
        if let Some(reason) = resolved.drop {
            return Err(reason);
        }
        if let Some(id) = call_options::anonymous_id(Resolved::text(resolved.options, args)) {
            self.identity.set_anonymous_id(Some(&id));
        }
        let given_traits = Resolved::text(resolved.properties, args);
        let given_id = Resolved::text(resolved.id, args);
        match method {
            Method::Identify => self.identity.identify(given_id, given_traits),
            Method::Group => self.identity.group(given_id, given_traits),
            _ => {}
        }
        let anonymous_id = self.identity.anonymous_id(random);
        let user_id = self.identity.user_id();
        // identify reads only the user traits, group only the group's (and its id).
        let (traits, group_id) = match method {
            Method::Identify => (self.identity.user_traits(), None),
            Method::Group => {
                let id = self.identity.group_id();
                (self.identity.group_traits(), id)
            }
            _ => (String::new(), None),
        };
        let who = envelope::Identity {
            user_id: user_id.as_deref(),
            anonymous_id: &anonymous_id,
            user_traits: &traits,
            group_id: group_id.as_deref(),
            group_traits: &traits,
        };
        let page = page_context::checked(page_json);
        let uuid = uuid::v4(random);
        let call = Call { method, resolved: &resolved, args, now_ms, uuid: &uuid, page: &page };
        let event = envelope::build(&call, &who, &self.env.envelope_env())?;
        // The event's warnings start from the resolution's, recorded above (also when the envelope drops the call).
        self.note(event.warnings.without(resolved.warnings));
        Ok(Built { body: self.consent.stamp(event.body), message_id: event.message_id })
    }

    /// Queues an event that source middleware returned (its `messageId` is read from the body),
    /// after the same check a built event passed (`core::event::admit`): a body an endpoint
    /// would reject is repaired or refused with a debug warning, never sent.
    pub fn enqueue(&mut self, mut body: String, now_ms: f64) {
        let mut warnings = Warnings::default();
        let admitted = admit_body(&mut body, &mut warnings);
        self.note(warnings);
        if let Err(reason) = admitted {
            return self.note_drop(reason);
        }
        let message_id = message_id_of(&body).unwrap_or_default();
        self.admit(message_id, body, now_ms);
    }

    /// Queues an event as [`Tracker::build`] made it (no middleware ran).
    pub fn enqueue_built(&mut self, built: Built, now_ms: f64) {
        self.admit(built.message_id, built.body, now_ms);
    }

    /// Into the outbox, the pre-consent buffer, or nowhere, as consent says.
    fn admit(&mut self, message_id: String, body: String, now_ms: f64) {
        match self.consent.hold(message_id, body) {
            Held::Queue(message_id, body) => self.outbox.enqueue(message_id, body, now_ms),
            Held::Buffered { evicted: Some(message_id) } => {
                self.evicted.push(Diagnostic { message_id, reason: Dropped::QueueFull, at_ms: now_ms })
            }
            Held::Buffered { evicted: None } | Held::Dropped => {}
        }
    }

    /// Brings the stored queue up to date: removes the items of events that left, then writes the
    /// items of events that are new or changed (O(changed events)). The shell calls it before
    /// starting the requests of a drive, so an event is stored before its first send attempt. A
    /// refused write (quota, blocked) leaves that event in memory only, where it is still sent;
    /// every event stored earlier stays stored. Returns whether every write succeeded.
    pub fn persist(&mut self) -> bool {
        if !self.storing.get() || !self.outbox.needs_persist() {
            return true;
        }
        let Tracker { outbox, queue_store, queue_prefix, .. } = self;
        let mut key = queue_prefix.clone();
        let base = key.len();
        let mut all_saved = true;
        outbox.persist_each(|message_id, value| {
            key.truncate(base);
            key.push_str(message_id);
            match value {
                Some(value) => all_saved &= queue_store.set(&key, value),
                None => queue_store.remove(&key),
            }
            true
        });
        if !all_saved {
            self.warn(NOT_SAVED);
        }
        all_saved
    }

    /// The next request to send now, if any (call until `None`).
    pub fn poll_transmit(&mut self, now_ms: f64, mode: Mode) -> Option<Transmit> {
        if !self.consent.effects().send {
            return None;
        }
        self.outbox.poll_transmit(now_ms, mode)
    }

    /// Feeds a request's answer back. `jitter` in [0, 1) spreads retries.
    pub fn on_response(&mut self, id: u64, outcome: Outcome, now_ms: f64, jitter: f64) {
        self.outbox.on_response(id, outcome, now_ms, jitter);
    }

    /// When the shell's one timer should fire next (epoch ms), if at all.
    pub fn poll_timeout(&self) -> Option<f64> {
        self.outbox.poll_timeout()
    }

    /// The timer fired.
    pub fn on_timeout(&mut self, now_ms: f64) {
        self.outbox.on_timeout(now_ms);
    }

    /// The mode to drive with when the page is hidden or left.
    pub fn page_hide_mode(&self) -> Mode {
        self.outbox.page_hide_mode()
    }

    /// The browser went on- or offline.
    pub fn set_online(&mut self, online: bool) {
        self.outbox.set_online(online);
    }

    /// Takes over the stored queue of tab `tab_id` (closed, crashed or this page's previous life):
    /// its events join this outbox, the orphan's items are removed, then this tab's copies are
    /// written. Removing first frees the quota the copies need; an event whose copy is still
    /// refused is sent from memory. Call only while holding the adoption lock. Returns how many
    /// events were added.
    pub fn adopt(&mut self, tab_id: &str, now_ms: f64) -> usize {
        let keys = self.queue_store.keys_with_prefix(&queue_format::event_key_prefix(self.env.write_key(), tab_id));
        let added = self.outbox.restore_from(&*self.queue_store, &keys, now_ms);
        for key in &keys {
            self.queue_store.remove(key);
        }
        self.persist();
        added
    }

    /// Another tab adopted this tab's queue: forget its events without sending them.
    pub fn hand_over_all(&mut self) -> usize {
        self.outbox.hand_over_all()
    }

    /// Queue counts for `flush()`, debug mode and tests.
    pub fn state(&self) -> DeliveryState {
        self.outbox.state()
    }

    /// Drops since the last call, for the `error` event and debug logs.
    #[inline(always)]
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        let mut drops = std::mem::take(&mut self.evicted);
        // `append`, not `extend`: a by-value `extend` instantiates `vec::IntoIter` for the element type.
        drops.append(&mut self.outbox.take_diagnostics());
        drops
    }

    /// Repairs and refusals since the last call, as debug numbers (`args::Warning`, `args::DropReason`,
    /// [`NOT_SAVED`]), one character each (`char::from(number)`; `www/src/debug.js` holds their log lines).
    pub fn take_warnings(&mut self) -> String {
        std::mem::take(&mut self.warnings)
    }

    /// Records why a call produced no event, for the debug-mode log.
    pub fn note_drop(&mut self, reason: DropReason) {
        self.warn(reason as u8);
    }

    /// [`Tracker::state`] as JSON: `{"pending":n,"inFlight":n,"delivered":n,"dropped":n,"offline":b}`.
    pub fn state_json(&self) -> String {
        let state = self.outbox.state();
        let mut out = String::from("{\"pending\":");
        json::push_u64(&mut out, state.pending as u64);
        out.push_str(",\"inFlight\":");
        json::push_u64(&mut out, state.in_flight as u64);
        out.push_str(",\"delivered\":");
        json::push_u64(&mut out, state.delivered);
        out.push_str(",\"dropped\":");
        json::push_u64(&mut out, state.dropped.total());
        out.push_str(if state.offline { ",\"offline\":true}" } else { ",\"offline\":false}" });
        out
    }

    fn note(&mut self, warnings: Warnings) {
        // By reference over the table: `Warnings::iter`'s array `IntoIter` and filter closure cost more.
        for warning in &args::Warning::ALL {
            if warnings.contains(*warning) {
                self.warn(*warning as u8);
            }
        }
    }

    fn warn(&mut self, code: u8) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(char::from(code));
        }
    }
}

#[cfg(test)]
mod tests;
