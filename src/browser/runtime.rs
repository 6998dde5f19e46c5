//! The state behind one exported `Analytics` instance, and the drive loop that executes the
//! core's decisions: after every input the loop persists the queue, sends every request the core
//! releases, and re-arms the one timer. Fetch answers, timers and page lifecycle events re-enter
//! through [`drive`]. No `RefCell` borrow is held across a call that can run our own code.
//!
//! No business `if`s: what to send, when, and what an answer means are the core's (`Tracker`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::browser::consent_store;
use crate::browser::cookie_store::CookieStore;
use crate::browser::crypto_random::CryptoRandom;
use crate::browser::lifecycle::{Lifecycle, PageEvent, Timer};
use crate::browser::local_store::LocalStore;
use crate::browser::tab_lock::{Heartbeat, TabLock};
use crate::browser::callbacks;
use crate::browser::transport::{self, Transport};
use crate::core::consent::Consent;
use crate::core::delivery::{Mode, Outcome};
use crate::core::identity::cookie_codec::CookieAttributes;
use crate::core::identity::Identity;
use crate::core::identity::settings::IdentitySettings;
use crate::core::identity::store::{Gated, MemoryStore, Store, StoreKind};
use crate::core::load_options::LoadOptions;
use crate::core::tracker::Tracker;
use crate::core::uuid;
use crate::browser::host;
use wasm_bindgen::JsValue;

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
    tab: TabLock,
    timer: Option<Timer>,
    heartbeat: Option<Timer>,
    drive_scheduled: bool,
    on_drop: Option<JsValue>,
    /// The line naming the init options this library does not support, until the facade takes it.
    pub unsupported: Option<String>,
    _lifecycle: Option<Lifecycle>,
    /// The identity cookie's attributes and lifetime (the consent cookie and erasure use them).
    cookie: CookieAttributes,
    cookie_max_age_ms: f64,
}

/// The stores of `settings.stores`, in order, as browser adapters behind the consent gate `storing`
/// (the server-managed id cookie is never written).
fn browser_stores(settings: &IdentitySettings, storing: &Rc<Cell<bool>>) -> Vec<Box<dyn Store>> {
    let gated = |store: Box<dyn Store>, key| -> Box<dyn Store> { Box::new(Gated::new(store, storing.clone(), true, key)) };
    settings
        .stores
        .iter()
        .map(|kind| -> Box<dyn Store> {
            match kind {
                StoreKind::Cookie => gated(
                    Box::new(CookieStore::new(settings.cookie.clone(), settings.cookie_max_age_ms)),
                    settings.server_key(),
                ),
                StoreKind::LocalStorage => gated(Box::new(LocalStore::new()), None),
                StoreKind::Memory => Box::new(MemoryStore::new(StoreKind::Memory)),
            }
        })
        .collect()
}

/// Where the delivery queue is written: localStorage unless persistence or the retry queue is off, or
/// localStorage is unavailable; read and written only while consent lets the page store.
fn queue_store(settings: &IdentitySettings, retry_queue: bool, storing: &Rc<Cell<bool>>) -> Box<dyn Store> {
    let local = LocalStore::new();
    if retry_queue && settings.stores.contains(&StoreKind::LocalStorage) && local.is_available() {
        Box::new(Gated::new(Box::new(local), storing.clone(), false, None))
    } else {
        Box::new(MemoryStore::new(StoreKind::Memory))
    }
}

/// Creates the runtime for the init options JSON text and starts delivery (restores this tab's
/// and orphaned tabs' queues, listens to the page lifecycle).
pub fn start(options_json: &str) -> Shared {
    let options = LoadOptions::parse(options_json);
    let unsupported = options.unsupported_warning();
    let LoadOptions { identity: settings, page: env, consent: consent_settings, delivery: config, endpoint, retry_queue, .. } = options;
    let mut random = CryptoRandom::new();
    let tab = TabLock::new(env.write_key(), &uuid::v4(&mut random), config.liveness);
    // The remembered choice is read before anything else: it decides whether anything may be written.
    let consent = Consent::new(consent_settings, consent_store::remembered().as_deref());
    if consent.erases_on_load() {
        consent_store::erase(&settings.cookie);
    }
    let storing = Rc::new(Cell::new(consent.effects().store));
    let identity = Identity::new(&settings, browser_stores(&settings, &storing));
    let tracker = Tracker::new(env, identity, config, queue_store(&settings, retry_queue, &storing), tab.tab_id(), host::now_ms())
        .with_consent(consent, storing);
    let runtime = Runtime {
        tracker,
        random,
        transport: Transport::new(&endpoint),
        tab,
        timer: None,
        heartbeat: None,
        drive_scheduled: false,
        on_drop: None,
        unsupported,
        _lifecycle: None,
        cookie: settings.cookie.clone(),
        cookie_max_age_ms: settings.cookie_max_age_ms,
    };
    let shared: Shared = Box::leak(Box::new(RefCell::new(runtime)));
    let lifecycle = Lifecycle::listen(move |event| on_page_event(&shared, event));
    if let Ok(mut runtime) = shared.try_borrow_mut() {
        runtime._lifecycle = Some(lifecycle);
        runtime.tracker.set_online(transport::is_online());
    }
    beat(&shared);
    shared
}

impl Runtime {
    /// Registers the JS function told about every dropped event (`(reason, messageId)`).
    pub fn set_drop_listener(&mut self, listener: Option<JsValue>) {
        self.on_drop = listener;
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
        if change.erase {
            consent_store::erase(&runtime.cookie);
        }
        consent_store::remember(&change.remember, &runtime.cookie, runtime.cookie_max_age_ms);
        u32::from(change.announce) * consent_flags::ANNOUNCE + u32::from(change.opened) * consent_flags::OPENED
    };
    if flags & consent_flags::OPENED != 0 {
        beat(shared);
    }
    schedule(shared);
    flags
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
    let again = *shared;
    callbacks::soon(move || drive(&again, Mode::Normal));
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
        let again = *shared;
        runtime.timer = next.and_then(|at| {
            Timer::after(at - now, move || {
                if let Ok(mut runtime) = again.try_borrow_mut() {
                    runtime.tracker.on_timeout(host::now_ms());
                }
                drive(&again, Mode::Normal);
            })
        });
        let drops = runtime.tracker.take_diagnostics();
        (transmits, runtime.transport.clone(), runtime.on_drop.clone(), drops)
    };
    if let Some(listener) = on_drop {
        for drop in drops {
            host::notify(&listener, drop.reason.message(), &drop.message_id);
        }
    }
    for transmit in transmits {
        let answered = *shared;
        transport_base.send(&transmit, move |id, outcome| on_answer(&answered, id, outcome));
    }
}

fn on_answer(shared: &Shared, id: u64, outcome: Outcome) {
    if let Ok(mut runtime) = shared.try_borrow_mut() {
        runtime.tracker.on_response(id, outcome, host::now_ms(), host::math_random());
    }
    drive(shared, Mode::Normal);
}

/// Page hide: free this tab's lease (so the next page adopts its queue at once) and hand what
/// fits to keepalive requests. Other lifecycle changes feed the core's online state.
fn on_page_event(shared: &Shared, event: PageEvent) {
    match event {
        PageEvent::Hidden | PageEvent::PageHide { .. } => {
            let Ok(runtime) = shared.try_borrow() else { return };
            if let PageEvent::PageHide { .. } = event {
                runtime.tab.release();
            }
            let mode = runtime.tracker.page_hide_mode();
            drop(runtime);
            drive(shared, mode);
        }
        PageEvent::PageShow { .. } | PageEvent::Visible => beat(shared),
        PageEvent::Online | PageEvent::Offline => {
            if let Ok(mut runtime) = shared.try_borrow_mut() {
                runtime.tracker.set_online(event == PageEvent::Online);
            }
            drive(shared, Mode::Normal);
        }
    }
}

/// Renews this tab's liveness lease, adopts orphaned queues (closed tabs, this page's previous
/// life) under the adoption lock, and schedules the next beat.
fn beat(shared: &Shared) {
    let Ok(mut runtime) = shared.try_borrow_mut() else { return };
    // No lease while consent keeps the page from storing (granting starts the beat).
    if !runtime.tracker.is_storing() {
        return;
    }
    let now = host::now_ms();
    let next_ms = match runtime.tab.heartbeat(now) {
        Heartbeat::Alive { next_ms } => next_ms,
        Heartbeat::Adopted { next_ms } => {
            runtime.tracker.hand_over_all();
            next_ms
        }
    };
    let again = *shared;
    runtime.heartbeat = Timer::after(next_ms - now, move || beat(&again));
    if runtime.tab.orphans(now).is_empty() {
        return;
    }
    let adopter = *shared;
    runtime.tab.with_adoption_lock(now, move || adopt_orphans(&adopter));
}

fn adopt_orphans(shared: &Shared) {
    {
        let Ok(mut guard) = shared.try_borrow_mut() else { return };
        let runtime = &mut *guard;
        let now = host::now_ms();
        let tracker = &mut runtime.tracker;
        runtime.tab.adopt(now, |tab| {
            tracker.adopt(tab, now);
        });
    }
    drive(shared, Mode::Normal);
}
