//! Executes the outbox's [`Transmit`]s through `host.js`: `fetch` POST with `keepalive` and
//! `Content-Type: text/plain` (a CORS "simple request": no preflight, allowed during unload), and
//! `navigator.sendBeacon` only where `fetch` is missing or throws. Every answer is turned into an
//! [`Outcome`] here, once, and handed to the callback exactly once, always asynchronously (so the
//! caller's drive loop is never re-entered while it holds its state).
//!
//! No delivery decisions: what to send, when, with keepalive or not, is the core's. Never throws.

use crate::browser::{callbacks, host};
use crate::core::delivery::{Outcome, Transmit};
use crate::js_contract::send_status;

/// Where requests go: the API base such as `https://api.segment.io/v1` (no trailing slash).
#[derive(Clone)]
pub struct Transport {
    api_base: String,
}

impl Transport {
    /// A transport posting to `api_base` + the transmit's path.
    pub fn new(api_base: &str) -> Self {
        Transport { api_base: api_base.trim_end_matches('/').to_owned() }
    }

    /// The full URL for a path such as `/b`.
    pub fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.api_base.len() + path.len());
        url.push_str(&self.api_base);
        url.push_str(path);
        url
    }

    /// Performs `transmit`; `on_done(id, outcome)` runs exactly once, in a later task or microtask.
    /// Offline (`navigator.onLine === false`) answers [`Outcome::Offline`] without sending.
    pub fn send(&self, transmit: &Transmit, on_done: impl FnOnce(u64, Outcome) + 'static) {
        let id = transmit.id;
        let answer = callbacks::once(move |status, retry_after| on_done(id, outcome(status, retry_after)));
        host::send(answer, &self.url(transmit.url_path), &transmit.body, transmit.keepalive, transmit.timeout_ms);
    }
}

/// `host.js`'s answer as an [`Outcome`]: [`send_status::OFFLINE`], [`send_status::NETWORK_ERROR`] (rejection, abort
/// after the timeout, opaque answer, refused beacon); `Retry-After` seconds, -1 when absent.
fn outcome(status: f64, retry_after: f64) -> Outcome {
    match status as i32 {
        send_status::OFFLINE => Outcome::Offline,
        send_status::NETWORK_ERROR => Outcome::NetworkError,
        _ => Outcome::Status(status as u16, (retry_after >= 0.0).then_some(retry_after as u32)),
    }
}

/// `navigator.onLine`, true where unknown.
pub fn is_online() -> bool {
    host::online()
}
