//! Executes the outbox's [`Transmit`]s through `host.js`: `fetch` POST with `keepalive` and
//! `Content-Type: text/plain` (a CORS "simple request": no preflight, allowed during unload), and
//! `navigator.sendBeacon` only where `fetch` is missing or throws. The answer is handed to the
//! callback exactly once, always asynchronously (so the caller's drive loop is never re-entered
//! while it holds its state).
//!
//! No delivery decisions: what to send, when, with keepalive or not, whether to send while offline,
//! when to fall back to the beacon and what each answer means are the core's
//! (`core::delivery::send_route`). Never throws.
//! Must not import `browser::runtime`; imports `browser::{callbacks, host}` and `core::delivery`.

use crate::browser::{callbacks, host};
use crate::core::delivery::send_route::{self, SendStep};
use crate::core::delivery::{Outcome, Transmit};

/// Where requests go: the API base such as `https://api.segment.io/v1` (no trailing slash). Made once
/// per page and kept for its life, so the base is leaked once and the transport is `Copy`: the drive
/// loop takes it out of the runtime without copying a string.
#[derive(Clone, Copy)]
pub struct Transport {
    api_base: &'static str,
}

impl Transport {
    /// A transport posting to `api_base` + the transmit's path.
    pub fn new(api_base: &str) -> Self {
        Transport::with_base(String::leak(api_base.to_owned()))
    }

    /// [`Transport::new`] for a base that lives as long as the page (the runtime leaks its endpoint
    /// text once: no copy).
    pub fn with_base(api_base: &'static str) -> Self {
        // A `strip_suffix` loop (its char copy is shared), not `trim_end_matches('/')` (str's reverse
        // char searcher) nor a `rev().take_while()` chain (its generic `try_fold`).
        let mut base = api_base;
        while let Some(shorter) = base.strip_suffix('/') {
            base = shorter;
        }
        Transport { api_base: base }
    }

    /// The full URL for a path such as `/b`.
    pub fn url(&self, path: &str) -> String {
        let mut url = self.api_base.to_owned();
        url.push_str(path);
        url
    }

    /// Performs `transmit` as `core::delivery::send_route` directs (offline: nothing sent; fetch;
    /// sendBeacon where fetch cannot start); `on_done(id, outcome)` runs exactly once, in a later
    /// task or microtask.
    pub fn send(&self, transmit: &Transmit, on_done: impl FnOnce(u64, Outcome) + 'static) {
        let id = transmit.id;
        self.send_with(transmit, callbacks::once(move |status, retry_after| on_done(id, send_route::outcome(status, retry_after))));
    }

    /// [`Transport::send`] for a callback already registered as one-shot (see `callbacks::register`):
    /// it is woken exactly once, in a later task or microtask, with `(status, retry_after)`, which
    /// `send_route::outcome` reads.
    pub fn send_with(&self, transmit: &Transmit, answer: i32) {
        let url = self.url(transmit.url_path);
        let status = match send_route::first(host::online()) {
            SendStep::Fetch if host::fetch(answer, &url, &transmit.body, transmit.keepalive, transmit.timeout_ms) => return,
            SendStep::Fetch => send_route::after_beacon(host::beacon(&url, &transmit.body)),
            SendStep::Offline => send_route::OFFLINE,
        };
        host::soon(answer, status as f64, -1.0);
    }
}

/// `navigator.onLine`, true where unknown.
pub fn is_online() -> bool {
    host::online()
}
