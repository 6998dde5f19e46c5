//! Bindings to `host.js`: the browser calls that answer through a callback (timers, microtasks,
//! fetch, lifecycle listeners, Web Locks). Each takes the id of a callback registered in
//! [`crate::browser::callbacks`]; the answer arrives there as `(a, b)` numbers. Nothing here throws:
//! `host.js` catches every browser error. No decisions, no state.

use wasm_bindgen::prelude::{wasm_bindgen, JsValue};

#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    /// Registers the wasm's exports (when it starts): `host.js` calls `wake` (`callbacks::wake`), `alloc`,
    /// `create`, `build` and `call` (`crate::exports`) on them.
    #[wasm_bindgen(js_name = hostInit)]
    pub fn init(exports: &JsValue);
    /// The drop listener `create` was given, for the instance being created.
    #[wasm_bindgen(js_name = hostDropListener)]
    pub fn drop_listener() -> JsValue;
    /// `setTimeout`: wakes `id` after `ms`; returns the handle for [`clear`].
    #[wasm_bindgen(js_name = hostTimer)]
    pub fn timer(id: i32, ms: f64) -> f64;
    /// `clearTimeout`.
    #[wasm_bindgen(js_name = hostClear)]
    pub fn clear(handle: f64);
    /// `queueMicrotask`: wakes `id` with `(a, b)` after the current script.
    #[wasm_bindgen(js_name = hostSoon)]
    pub fn soon(id: i32, a: f64, b: f64);
    /// `navigator.onLine`, true where unknown.
    #[wasm_bindgen(js_name = hostOnline)]
    pub fn online() -> bool;
    /// `fetch` POST text/plain; wakes `id` with `(status, retry_after_s)`: an HTTP status or
    /// `js_contract::send_status::NETWORK_ERROR`; retry -1 when absent. False (and no wake) when
    /// fetch is missing or throws.
    #[wasm_bindgen(js_name = hostFetch)]
    pub fn fetch(id: i32, url: &str, body: &str, keepalive: bool, timeout_ms: f64) -> bool;
    /// `navigator.sendBeacon`: whether the browser queued the body.
    #[wasm_bindgen(js_name = hostBeacon)]
    pub fn beacon(url: &str, body: &str) -> bool;
    /// Lifecycle listeners: wakes `id` with `(event index, flag)` (see `host.js`).
    #[wasm_bindgen(js_name = hostListen)]
    pub fn listen(id: i32);
    /// Removes the listeners of [`listen`]`(id)`.
    #[wasm_bindgen(js_name = hostUnlisten)]
    pub fn unlisten(id: i32);
    /// Whether `navigator.locks` exists.
    #[wasm_bindgen(js_name = hostHasLocks)]
    pub fn has_locks() -> bool;
    /// `navigator.locks.request(name, {ifAvailable: true}, …)`: wakes `id` with 1 while held, else 0.
    #[wasm_bindgen(js_name = hostLock)]
    pub fn lock(id: i32, name: &str);
}

#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    /// Whether `localStorage` can be opened.
    #[wasm_bindgen(js_name = hostHasStorage)]
    pub fn has_storage() -> bool;
    /// `localStorage.getItem`; `None` when absent or blocked.
    #[wasm_bindgen(js_name = hostGetItem)]
    pub fn get_item(key: &str) -> Option<String>;
    /// `localStorage.setItem`; false when refused.
    #[wasm_bindgen(js_name = hostSetItem)]
    pub fn set_item(key: &str, value: &str) -> bool;
    /// `localStorage.removeItem`.
    #[wasm_bindgen(js_name = hostRemoveItem)]
    pub fn remove_item(key: &str);
    /// `localStorage.key(index)`; `None` past the end.
    #[wasm_bindgen(js_name = hostKey)]
    pub fn key(index: u32) -> Option<String>;
    /// `document.cookie`; empty when unreadable.
    #[wasm_bindgen(js_name = hostCookie)]
    pub fn cookie() -> String;
    /// `document.cookie = text`; false when it throws.
    #[wasm_bindgen(js_name = hostSetCookie)]
    pub fn set_cookie(text: &str) -> bool;
    /// `location.hostname`.
    #[wasm_bindgen(js_name = hostHostname)]
    pub fn hostname() -> String;
    /// Whether `crypto.getRandomValues` exists.
    #[wasm_bindgen(js_name = hostHasCrypto)]
    pub fn has_crypto() -> bool;
    /// Fills `bytes` from the CSPRNG (when `cryptographic`) or `Math.random`; true if the CSPRNG did.
    #[wasm_bindgen(js_name = hostRandom)]
    pub fn random(bytes: &mut [u8], cryptographic: bool) -> bool;
    /// A page's query read as analytics.js does (`core::event::campaign::ReadQuery`).
    #[wasm_bindgen(js_name = hostQuery)]
    pub fn read_query(search: &str) -> String;
    /// The browser's `%XX` decoder for cookie texts (`cookie_codec::PercentDecode`): `decodeURIComponent`
    /// when `strict`, else js-cookie's value reader; `None` where it throws.
    #[wasm_bindgen(js_name = hostDecode)]
    pub fn percent_decode(text: &str, strict: bool) -> Option<String>;
    /// `listener(a, b)`, errors ignored.
    #[wasm_bindgen(js_name = hostNotify)]
    pub fn notify(listener: &JsValue, a: &str, b: &str);
}

/// The three functions `www/src/load.js` calls (the glue re-exports them from `host.js`): they copy the
/// texts in and out of the wasm around its plain exports of the same names (`crate::exports`).
#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    /// Creates an instance from the options JSON text; `on_drop(reason, messageId)` hears its drops.
    #[wasm_bindgen(reexport)]
    pub fn create(options_json: &str, on_drop: &JsValue) -> u32;
    /// One tracking call on instance `handle` (`crate::exports::build`).
    #[wasm_bindgen(reexport)]
    pub fn build(handle: u32, call: &str, now_ms: f64, enqueue: bool) -> Option<String>;
    /// Everything else on instance `handle`, by operation number (`crate::exports::call`).
    #[wasm_bindgen(reexport)]
    pub fn call(handle: u32, op: u32, field: u32, text: Option<String>) -> Option<String>;
}

#[wasm_bindgen]
extern "C" {
    /// `Date.now()`: epoch milliseconds.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub fn now_ms() -> f64;
    /// `Math.random()`.
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    pub fn math_random() -> f64;
}
