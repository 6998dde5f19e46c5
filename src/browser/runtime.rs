//! The state behind one exported `Analytics` instance, and the drive loop that executes the
//! core's decisions: after every input the loop persists the queue, sends every request the core
//! releases, and re-arms the one timer. Fetch answers, timers and page lifecycle events re-enter
//! through [`drive`]. No `RefCell` borrow is held across a call that can run our own code.
//!
//! No business `if`s: what to send, when, and what an answer means are the core's (`Tracker`).
//! The only shell module that imports the others; none of them imports it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::browser::consent_store;
use crate::browser::cookie_store::CookieStore;
use crate::browser::crypto_random::CryptoRandom;
use crate::browser::lifecycle::{self, Lifecycle, PageEvent, Timer};
use crate::browser::local_store::LocalStore;
use crate::browser::callbacks;
use crate::browser::transport::{self, Transport};
use crate::core::consent::Consent;
use crate::core::delivery::lease;
use crate::core::delivery::send_route;
use crate::core::delivery::tab_leases::{Merge, Step, TabLeases};
use crate::core::delivery::page_lifecycle::{self, Drive};
use crate::core::delivery::Mode;
use crate::core::identity::Identity;
use crate::core::identity::settings::IdentitySettings;
use crate::core::store::{Gated, MemoryStore, Store, StoreKind};
use crate::core::time::FormatDate;
use crate::core::load_options::LoadOptions;
use crate::core::tracker::Tracker;
use crate::core::uuid;
use crate::core::event::args::Method;
use crate::js_contract::field;
use crate::browser::host;

/// The runtime shared by the exports, the transport callbacks, the timer and the listeners. It lives
/// as long as the page (its listeners and heartbeat always hold it), so it is leaked once instead of
/// reference-counted: no counts to keep, no drop code for a runtime that is never dropped.
pub type Shared = &'static RefCell<Runtime>;

/// One page's library state.
pub struct Runtime {
    /// Identity, envelope and the write-ahead outbox.
    pub tracker: Tracker,
    /// The CSPRNG for ids.
    pub random: CryptoRandom,
    transport: Transport,
    leases: TabLeases,
    /// The tab leases' localStorage, opened once (like the queue's and the identity's stores).
    lease_store: LocalStore,
    timer: Option<Timer>,
    lease_timer: Option<Timer>,
    drive_scheduled: bool,
    /// The exported instance number whose drop listener `host.js` holds (set once, by `create`).
    on_drop: Option<u32>,
    /// The line naming the init options this library does not support, until the facade takes it.
    unsupported: Option<String>,
    /// The identity settings: the consent cookie and erasure use the cookie's attributes and
    /// lifetime (kept whole: moved here, nothing of them is dropped at start).
    settings: IdentitySettings,
}

/// The stores of `settings.stores`, in order, as browser adapters behind the consent gate `storing`
/// (the server-managed id cookie is never written).
fn browser_stores(settings: &IdentitySettings, storing: &Rc<Cell<bool>>) -> Vec<Box<dyn Store>> {
    // A loop, not `map(..).collect()`: the iterator adapters' generic copies cost more wasm.
    let mut stores: Vec<Box<dyn Store>> = Vec::new();
    for kind in &settings.stores {
        let (inner, server_key): (Box<dyn Store>, _) = match kind {
            StoreKind::Cookie => {
                (Box::new(CookieStore::new(settings.cookie.clone(), settings.cookie_max_age_ms)), settings.server_key())
            }
            StoreKind::LocalStorage => (Box::new(LocalStore::new()), None),
            StoreKind::Memory => {
                stores.push(Box::new(MemoryStore::new(StoreKind::Memory)));
                continue;
            }
        };
        stores.push(Box::new(Gated::new(inner, storing.clone(), true, server_key)));
    }
    stores
}

/// The delivery queue's store, of the kind `IdentitySettings::queue_store` picks (memory when the init
/// option `retryQueue` is false); read and written only while consent lets the page store.
fn queue_store(settings: &IdentitySettings, retry_queue: bool, storing: &Rc<Cell<bool>>) -> Box<dyn Store> {
    // `host::has_storage` is `LocalStore::is_available`: no store is made (and dropped) for a memory queue.
    match settings.queue_store(retry_queue && host::has_storage()) {
        StoreKind::LocalStorage => Box::new(Gated::new(Box::new(LocalStore::new()), storing.clone(), false, None)),
        kind => Box::new(MemoryStore::new(kind)),
    }
}

/// Creates the runtime for the init options JSON text and starts delivery (restores this tab's
/// and orphaned tabs' queues, listens to the page lifecycle).
pub fn start(options_json: &str) -> Shared {
    let options = LoadOptions::parse(options_json);
    let unsupported = options.unsupported_warning();
    let LoadOptions { identity: settings, page: env, consent: consent_settings, delivery: config, endpoint, retry_queue, .. } = options;
    let mut random = CryptoRandom::new();
    let lock = lease::adoption_lock(host::has_locks(), host::has_storage());
    let leases = TabLeases::new(env.write_key(), &uuid::v4(&mut random), config.liveness, lock);
    // The remembered choice is read before anything else: it decides whether anything may be written.
    let consent = Consent::new(consent_settings, consent_store::remembered().as_deref());
    if consent.erases_on_load() {
        consent_store::erase(&settings.cookie);
    }
    let storing = Rc::new(Cell::new(consent.effects().store));
    let identity = Identity::new(&settings, browser_stores(&settings, &storing));
    let tracker = Tracker::new(env.with_query_reader(host::read_query).with_date_format(FormatDate(host::format_date)), identity, config, queue_store(&settings, retry_queue, &storing), leases.tab_id(), host::now_ms())
        .with_consent(consent, storing);
    let runtime = Runtime {
        tracker,
        random,
        transport: Transport::with_base(String::leak(endpoint)),
        leases,
        lease_store: LocalStore::new(),
        timer: None,
        lease_timer: None,
        drive_scheduled: false,
        on_drop: None,
        unsupported,
        settings,
    };
    let shared: Shared = Box::leak(Box::new(RefCell::new(runtime)));
    // The runtime lives as long as the page, and so do its listeners: never removed, so no guard is
    // kept (and no removal code ships).
    std::mem::forget(Lifecycle::listen_with(wake(&shared, true, Wake::Page)));
    if let Ok(mut runtime) = shared.try_borrow_mut() {
        runtime.tracker.set_online(transport::is_online());
    }
    beat(&shared);
    shared
}

impl Runtime {
    /// Tells every dropped event (`(reason, messageId)`) to the listener `host.js` holds for exported
    /// instance `instance`.
    pub fn set_drop_listener(&mut self, instance: u32) {
        self.on_drop = Some(instance);
    }

    /// Builds the event of one tracking call (see `Analytics::build`); with `enqueue` also queues
    /// it. A refused call is counted as a drop and answers `None`.
    #[allow(clippy::too_many_arguments)]
    pub fn build(&mut self, method: &str, kinds: &str, args: &[&str], page_json: &str, now_ms: f64, enqueue: bool) -> Option<String> {
        let method = Method::from_name(method)?;
        match self.tracker.build(method, kinds, args, page_json, now_ms, &mut self.random) {
            Ok(built) => {
                let body = built.body.clone();
                if enqueue {
                    self.tracker.enqueue_built(built, host::now_ms());
                }
                Some(body)
            }
            Err(reason) => {
                self.tracker.note_drop(reason);
                None
            }
        }
    }

    /// Queues a built (possibly middleware-modified) event body.
    pub fn enqueue(&mut self, body: String) {
        self.tracker.enqueue(body, host::now_ms());
    }

    /// One `user()`/`group()` value by [`field`] number (see `Analytics::identity`).
    pub fn identity(&mut self, which: u32) -> Option<String> {
        let identity = &mut self.tracker.identity;
        match which {
            field::ANONYMOUS_ID => Some(identity.anonymous_id(&mut self.random)),
            field::USER_ID => identity.user_id(),
            field::USER_TRAITS => Some(identity.user_traits()),
            field::GROUP_ID => identity.group_id(),
            field::GROUP_TRAITS => Some(identity.group_traits()),
            _ if !self.tracker.is_storing() => None,
            field::SERVER_REPORT => self.tracker.identity.unreported_server_id(&mut self.random),
            _ => Some(String::new()),
        }
    }

    /// Sets one `user()`/`group()` value by [`field`] number (see `Analytics::set_identity`).
    pub fn set_identity(&mut self, which: u32, value: Option<&str>) -> Option<String> {
        let identity = &mut self.tracker.identity;
        match which {
            field::ANONYMOUS_ID => return identity.set_anonymous_id(value),
            field::USER_ID => identity.set_user_id(value),
            field::USER_TRAITS => identity.set_user_traits(value),
            field::GROUP_ID => identity.set_group_id(value),
            _ => identity.set_group_traits(value),
        }
        None
    }

    /// `reset()`: forgets every identity value in every store.
    pub fn reset(&mut self) {
        self.tracker.identity.reset();
    }

    /// The queue state as JSON text.
    pub fn queue_state(&self) -> String {
        self.tracker.state_json()
    }

    /// The line naming unsupported init options, once (the facade asks at load); then the debug
    /// numbers of repairs and refusals since the last call, one character each (`Tracker::take_warnings`).
    pub fn take_warnings(&mut self) -> String {
        if let Some(line) = self.unsupported.take() {
            return line;
        }
        self.tracker.take_warnings()
    }
}

/// What [`choose_consent`] reports to the facade (bits).
pub mod consent_flags {
    /// The change left consent granted with new preferences: send `Segment Consent Preference Updated`.
    pub const ANNOUNCE: u32 = 1;
    /// Storing just became allowed.
    pub const OPENED: u32 = 2;
}

/// `analytics.consent(preferences)`: applies the choice in the core, then executes it here (erase on
/// denial, remember the choice, start the tab lease when storing opens, send what was released).
pub fn choose_consent(shared: &Shared, raw: &str) -> u32 {
    let flags = {
        let Ok(mut runtime) = shared.try_borrow_mut() else { return 0 };
        let Some(change) = runtime.tracker.choose_consent(raw, host::now_ms()) else { return 0 };
        let cookie = &runtime.settings.cookie;
        if change.erase {
            consent_store::erase(cookie);
        }
        consent_store::remember(&change.remember, cookie, runtime.settings.cookie_max_age_ms);
        u32::from(change.announce) * consent_flags::ANNOUNCE + u32::from(change.opened) * consent_flags::OPENED
    };
    if flags & consent_flags::OPENED != 0 {
        beat(shared);
    }
    schedule(shared);
    flags
}

/// [`choose_consent`] for the `setIdentity(CONSENT, …)` export: its flags as one digit.
pub fn choose_consent_digit(shared: &Shared, raw: &str) -> Option<String> {
    let flags = choose_consent(shared, raw);
    ["0", "1", "2", "3"].get(flags as usize).map(|digit| String::from(*digit))
}

/// Schedules one drive in a microtask: after the calling script, still in the current task (a
/// synchronous burst of calls becomes one drive; a click handler that navigates away right after
/// its call has the request started before the page starts unloading).
pub fn schedule(shared: &Shared) {
    let Ok(mut runtime) = shared.try_borrow_mut() else { return };
    if runtime.drive_scheduled {
        return;
    }
    runtime.drive_scheduled = true;
    host::soon(wake(shared, false, Wake::Drive), 0.0, 0.0);
}

/// Takes what the core releases in `mode`, persists (write-ahead: before any request starts),
/// sends, reports drops and re-arms the timer.
pub fn drive(shared: &Shared, mode: Mode) {
    let (transmits, transport_base, on_drop, drops) = {
        let Ok(mut runtime) = shared.try_borrow_mut() else { return };
        runtime.drive_scheduled = false;
        let now = host::now_ms();
        let mut transmits = Vec::new();
        while let Some(transmit) = runtime.tracker.poll_transmit(now, mode) {
            transmits.push(transmit);
        }
        runtime.tracker.persist();
        let next = runtime.tracker.poll_timeout();
        runtime.timer = match next {
            Some(at) => Timer::after_with(at - now, wake(shared, false, Wake::Timeout)),
            None => None,
        };
        let drops = runtime.tracker.take_diagnostics();
        (transmits, runtime.transport, runtime.on_drop, drops)
    };
    if let Some(instance) = on_drop {
        // By reference, like `transmits`: a by-value loop instantiates a `vec::IntoIter` drop per element type.
        for drop in &drops {
            host::notify(instance, drop.reason.message(), &drop.message_id);
        }
    }
    for transmit in &transmits {
        transport_base.send_with(transmit, wake(shared, false, Wake::Answer(transmit.id)));
    }
}

/// What a runtime callback does when `host.js` wakes it (see [`Waker`]).
#[derive(Clone, Copy)]
enum Wake {
    /// The microtask of [`schedule`]: drive.
    Drive,
    /// The delivery timer: the core's timeout, then drive.
    Timeout,
    /// A tab-lease input: their timer, or the Web Lock's answer (`Locked`, only when held).
    Lease(LeaseInput),
    /// The answer to the transmit with this id.
    Answer(u64),
    /// A page lifecycle event (repeating).
    Page,
}

/// Every callback the runtime registers: plain data (the runtime and what to do), so one `run`
/// serves them all instead of one closure type (one copy of `callbacks`' code) each.
struct Waker {
    shared: Shared,
    what: Wake,
}

impl callbacks::Run for Waker {
    fn run(&mut self, a: f64, b: f64) {
        let shared = &self.shared;
        match self.what {
            Wake::Drive => drive(shared, Mode::Normal),
            // One borrow and one drive for both: the core's input at the current time, then drive.
            Wake::Timeout | Wake::Answer(_) => {
                if let Ok(mut runtime) = shared.try_borrow_mut() {
                    let now = host::now_ms();
                    match self.what {
                        Wake::Answer(id) => runtime.tracker.on_response(id, send_route::outcome(a, b), now, host::math_random()),
                        _ => runtime.tracker.on_timeout(now),
                    }
                }
                drive(shared, Mode::Normal);
            }
            Wake::Lease(LeaseInput::Locked) if a <= 0.0 => {}
            Wake::Lease(input) => lease_input(shared, input),
            Wake::Page => {
                if let Some(event) = lifecycle::page_event(a, b) {
                    on_page_event(shared, event);
                }
            }
        }
    }
}

/// Registers the callback doing `what` (see `callbacks::register`); returns its id.
fn wake(shared: &Shared, repeat: bool, what: Wake) -> i32 {
    callbacks::register(repeat, Box::new(Waker { shared: *shared, what }))
}

/// Carries out the core's [`page_lifecycle::reaction`] to a lifecycle change.
fn on_page_event(shared: &Shared, event: PageEvent) {
    let reaction = page_lifecycle::reaction(event);
    let mode = {
        let Ok(mut guard) = shared.try_borrow_mut() else { return };
        let runtime = &mut *guard;
        if reaction.release_lease {
            runtime.leases.release(&mut runtime.lease_store);
        }
        if let Some(online) = reaction.online {
            runtime.tracker.set_online(online);
        }
        match reaction.drive {
            Some(Drive::PageHide) => Some(runtime.tracker.page_hide_mode()),
            Some(Drive::Normal) => Some(Mode::Normal),
            None => None,
        }
    };
    if reaction.beat {
        beat(shared);
    }
    if let Some(mode) = mode {
        drive(shared, mode);
    }
}

/// What wakes the tab leases.
#[derive(Clone, Copy)]
enum LeaseInput {
    /// Load, `pageshow`, visible again.
    Beat,
    /// Their timer.
    Timeout,
    /// The adoption Web Lock is held.
    Locked,
}

/// Renews this tab's liveness lease and starts adopting orphaned queues (closed tabs, this page's
/// previous life).
fn beat(shared: &Shared) {
    lease_input(shared, LeaseInput::Beat);
}

/// The tab leases' `merge`: `Tracker::adopt` at `now_ms`.
struct Adopt<'a> {
    tracker: &'a mut Tracker,
    now_ms: f64,
}

impl Merge for Adopt<'_> {
    fn merge(&mut self, tab: &str) {
        self.tracker.adopt(tab, self.now_ms);
    }
}

/// Feeds one input to the tab leases over localStorage (`merge` is `Tracker::adopt`), executes
/// what they ask (hand over, ask for the Web Lock, send what was adopted) and re-arms their timer.
fn lease_input(shared: &Shared, input: LeaseInput) {
    let step = {
        let Ok(mut guard) = shared.try_borrow_mut() else { return };
        // No lease while consent keeps the page from storing (granting starts the beat).
        if !guard.tracker.is_storing() {
            return;
        }
        let runtime = &mut *guard;
        let now = host::now_ms();
        let (leases, tracker, store) = (&mut runtime.leases, &mut runtime.tracker, &mut runtime.lease_store);
        let merge = &mut Adopt { tracker, now_ms: now };
        let step = match input {
            LeaseInput::Beat => leases.heartbeat(now, store),
            LeaseInput::Timeout => leases.handle_timeout(now, store, merge),
            LeaseInput::Locked => Step { adopted: leases.adopt(now, store, merge), ..Step::default() },
        };
        if step.handed_over {
            runtime.tracker.hand_over_all();
        }
        runtime.lease_timer =
            Timer::after_with(runtime.leases.poll_timeout() - now, wake(shared, false, Wake::Lease(LeaseInput::Timeout)));
        if step.request_web_lock {
            // Asked while borrowed: `host::lock` answers only later (a promise or a microtask), so
            // the name is lent, not copied. A refused request (opaque origins) means storage is
            // unusable too: nothing to adopt.
            host::lock(wake(shared, false, Wake::Lease(LeaseInput::Locked)), runtime.leases.lock_name());
        }
        step
    };
    if step.adopted > 0 {
        drive(shared, Mode::Normal);
    }
}
