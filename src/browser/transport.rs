//! Executes the outbox's [`Transmit`]s: `fetch` POST with `keepalive` and `Content-Type:
//! text/plain` (a CORS "simple request": no preflight, allowed during unload), and
//! `navigator.sendBeacon` only where `fetch` is missing or throws. Every result is classified into
//! an [`Outcome`] here, once, and handed to the callback exactly once, always asynchronously (so
//! the caller's drive loop is never re-entered while it holds its state).
//!
//! No delivery decisions: what to send, when, with keepalive or not, is the core's. Never throws.

use crate::core::delivery::{Outcome, Transmit};
use js_sys::{Date, Object, Reflect};
use wasm_bindgen::prelude::{wasm_bindgen, Closure, JsValue};
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    /// A promise seen only through `then` (plain JS functions as handlers: one-shot closures).
    type Thenable;
    /// `promise.then(onFulfilled, onRejected)`.
    #[wasm_bindgen(method, js_name = then)]
    fn then_both(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue);
    /// `Promise.resolve()`.
    #[wasm_bindgen(js_namespace = Promise, js_name = resolve)]
    fn resolved() -> Thenable;
    /// The global `fetch`, with a synchronous throw (missing or patched `fetch`) caught.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_checked(input: &str, init: &RequestInit) -> Result<Thenable, JsValue>;
    /// `AbortSignal.timeout(ms)`, caught where it does not exist (Safari < 16).
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn abort_after(ms: f64) -> Result<AbortSignal, JsValue>;
}

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
        if !is_online() {
            return later(move || on_done(id, Outcome::Offline));
        }
        let url = self.url(transmit.url_path);
        match fetch_checked(&url, &request_init(transmit)) {
            Ok(promise) => {
                let settle = Closure::once_into_js(move |answer: JsValue| {
                    let outcome = classify(&answer);
                    after_body(&answer, move || on_done(id, outcome));
                });
                promise.then_both(&settle, &settle);
            }
            Err(_) => {
                let outcome = beacon(&url, &transmit.body);
                later(move || on_done(id, outcome));
            }
        }
    }
}

/// The `fetch` options: POST, text/plain, keepalive as decided, aborted after the timeout.
fn request_init(transmit: &Transmit) -> RequestInit {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&transmit.body));
    let headers = Object::new();
    let _ = Reflect::set(&headers, &"Content-Type".into(), &"text/plain".into());
    init.set_headers(&headers);
    let _ = Reflect::set(&init, &"keepalive".into(), &JsValue::from_bool(transmit.keepalive));
    if let Ok(signal) = abort_after(transmit.timeout_ms) {
        init.set_signal(Some(&signal));
    }
    init
}

/// A settled fetch: a `Response` with a real status, or a network error (rejection, abort after
/// the timeout, or an opaque status 0).
fn classify(answer: &JsValue) -> Outcome {
    match answer.dyn_ref::<Response>() {
        Some(response) if response.status() > 0 => Outcome::Status(response.status(), retry_after(response)),
        _ => Outcome::NetworkError,
    }
}

/// Runs `f` once the response body has been read to the end (at once for a network error).
/// Chromium counts a keepalive request against the page's 64 KiB keepalive budget until its body
/// is consumed: unread, the next keepalive requests fail with "Failed to fetch" (measured: two
/// back-to-back 58 KB keepalive posts failed every other time; reading the body fixed it).
fn after_body(answer: &JsValue, f: impl FnOnce() + 'static) {
    match answer.dyn_ref::<Response>().and_then(|response| response.text().ok()) {
        Some(reading) => {
            let done = Closure::once_into_js(move |_: JsValue| f());
            reading.unchecked_into::<Thenable>().then_both(&done, &done);
        }
        None => f(),
    }
}

/// `Retry-After` as whole seconds: delta-seconds, or an HTTP date turned into seconds from now.
/// Cross-origin, the server must list it in `Access-Control-Expose-Headers` to be readable.
fn retry_after(response: &Response) -> Option<u32> {
    let raw = response.headers().get("Retry-After").ok().flatten()?;
    let raw = raw.trim();
    if let Ok(secs) = raw.parse::<u32>() {
        return Some(secs);
    }
    let at_ms = Date::parse(raw);
    if at_ms.is_nan() {
        return None;
    }
    Some(((at_ms - Date::now()) / 1000.0).ceil().clamp(0.0, f64::from(u32::MAX)) as u32)
}

/// `navigator.sendBeacon`, where `fetch` is unusable. A queued beacon counts as accepted (its
/// answer is never visible); a refused or missing one as a network error.
fn beacon(url: &str, body: &str) -> Outcome {
    let sent = web_sys::window()
        .map(|window| window.navigator())
        .and_then(|navigator| navigator.send_beacon_with_opt_str(url, Some(body)).ok());
    match sent {
        Some(true) => Outcome::Status(202, None),
        _ => Outcome::NetworkError,
    }
}

/// `navigator.onLine`, true where unknown.
pub fn is_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

/// Runs `f` in a microtask (after the current script, before the next task).
pub fn later(f: impl FnOnce() + 'static) {
    let run = Closure::once_into_js(move |_: JsValue| f());
    resolved().then_both(&run, &run);
}
