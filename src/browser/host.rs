//! Bindings to `host.js`: the browser calls that answer through a callback (timers, microtasks,
//! fetch, lifecycle listeners, Web Locks). Each takes the id of a callback registered in
//! [`crate::browser::callbacks`]; the answer arrives there as `(a, b)` numbers. Nothing here throws:
//! `host.js` catches every browser error. Texts cross as numbers (address and length; see `host.js`
//! "Texts as numbers"), so no glue code sits between the wasm and `host.js`. No decisions; the only state
//! is a text in transit and whether `host.js` has the wasm's exports.

use std::cell::Cell;

use wasm_bindgen::prelude::{wasm_bindgen, JsValue};

use crate::browser::callbacks::OneThread;

#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    /// Registers the wasm's exports (when it starts): `host.js` calls `wake` (`callbacks::wake`), `alloc`,
    /// `create`, `build` and `call` (`crate::exports`) on them.
    #[wasm_bindgen(js_name = hostInit)]
    fn init(exports: &JsValue);
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
    /// Lifecycle listeners: wakes `id` with `(event index, flag)` (see `host.js`).
    #[wasm_bindgen(js_name = hostListen)]
    pub fn listen(id: i32);
    /// Removes the listeners of [`listen`]`(id)`.
    #[wasm_bindgen(js_name = hostUnlisten)]
    pub fn unlisten(id: i32);
    /// Whether `navigator.locks` exists.
    #[wasm_bindgen(js_name = hostHasLocks)]
    pub fn has_locks() -> bool;
}

#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    /// Whether `localStorage` can be opened.
    #[wasm_bindgen(js_name = hostHasStorage)]
    pub fn has_storage() -> bool;
    /// Whether `crypto.getRandomValues` exists.
    #[wasm_bindgen(js_name = hostHasCrypto)]
    pub fn has_crypto() -> bool;
    /// `Date.now()`: epoch milliseconds.
    #[wasm_bindgen(js_name = hostNow)]
    pub fn now_ms() -> f64;
    /// `Math.random()`.
    #[wasm_bindgen(js_name = hostMathRandom)]
    pub fn math_random() -> f64;
    /// `listener(a, b)`, errors ignored.
    #[wasm_bindgen(js_name = hostNotify)]
    fn notify_raw(listener: &JsValue, a: i32, a_len: i32, b: i32, b_len: i32);
}

// The bindings below take and give texts as numbers (see `host.js` "Texts as numbers"), so the wasm imports
// the `host.js` functions directly, with no glue function per import and no string helpers in the glue: a
// text argument is its UTF-8 bytes' address and length; a text answer is copied in by `host.js` (`alloc`)
// and taken here ([`take_text`]), the import answering 1 (0 when there is none). The public functions keep
// the plain Rust signatures.
#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    #[wasm_bindgen(js_name = hostFetchAt)]
    fn fetch_raw(id: i32, url: i32, url_len: i32, body: i32, body_len: i32, keepalive: i32, timeout_ms: f64) -> bool;
    #[wasm_bindgen(js_name = hostBeaconAt)]
    fn beacon_raw(url: i32, url_len: i32, body: i32, body_len: i32) -> bool;
    #[wasm_bindgen(js_name = hostLockAt)]
    fn lock_raw(id: i32, name: i32, name_len: i32);
    #[wasm_bindgen(js_name = hostGetItemAt)]
    fn get_item_raw(key: i32, key_len: i32) -> i32;
    #[wasm_bindgen(js_name = hostSetItemAt)]
    fn set_item_raw(key: i32, key_len: i32, value: i32, value_len: i32) -> bool;
    #[wasm_bindgen(js_name = hostRemoveItemAt)]
    fn remove_item_raw(key: i32, key_len: i32);
    #[wasm_bindgen(js_name = hostKeyAt)]
    fn key_raw(index: i32) -> i32;
    #[wasm_bindgen(js_name = hostCookieAt)]
    fn cookie_raw() -> i32;
    #[wasm_bindgen(js_name = hostSetCookieAt)]
    fn set_cookie_raw(text: i32, text_len: i32) -> bool;
    #[wasm_bindgen(js_name = hostHostnameAt)]
    fn hostname_raw() -> i32;
    #[wasm_bindgen(js_name = hostRandomAt)]
    fn random_raw(bytes: i32, bytes_len: i32, cryptographic: i32) -> bool;
    #[wasm_bindgen(js_name = hostQueryAt)]
    fn read_query_raw(search: i32, search_len: i32) -> i32;
    #[wasm_bindgen(js_name = hostDecodeAt)]
    fn percent_decode_raw(text: i32, text_len: i32, strict: i32) -> i32;
    #[wasm_bindgen(js_name = hostDateAt)]
    fn format_date_raw(ms: f64, http: i32) -> i32;
}

/// The text `host.js` last copied in (`alloc`), for the next taker.
static INPUT: OneThread<Cell<Vec<u8>>> = OneThread(Cell::new(Vec::new()));

/// Room for `len` bytes of text, which `host.js` fills with UTF-8 (`TextEncoder`) for [`take_text`].
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut bytes = vec![0; len];
    let at = bytes.as_mut_ptr();
    INPUT.0.set(bytes);
    at
}

/// The text of the last [`alloc`] (empty when none).
pub fn take_text() -> String {
    // SAFETY: host.js writes `TextEncoder` output (UTF-8) over the whole buffer; untouched, it is zeros
    // (UTF-8 too). The same contract as wasm-bindgen's own string conversion.
    unsafe { String::from_utf8_unchecked(INPUT.0.take()) }
}

/// A text answer: taken when the import answered 1.
fn answer(given: i32) -> Option<String> {
    (given != 0).then(take_text)
}

static READY: OneThread<Cell<bool>> = OneThread(Cell::new(false));

/// Hands `host.js` the wasm's exports, once, before it needs them (to call `wake`, to read and copy
/// texts): the module's start does it; a test harness runs no start, so every binding below asks too.
pub fn ready() {
    if !READY.0.replace(true) {
        init(&wasm_bindgen::exports());
    }
}

/// A text argument's address (wasm32 addresses fit an `i32`; `host.js` reads it unsigned).
fn at(text: &[u8]) -> i32 {
    ready();
    text.as_ptr() as i32
}

/// `fetch` POST text/plain; wakes `id` with `(status, retry_after_s)`: an HTTP status or
/// `js_contract::send_status::NETWORK_ERROR`; retry -1 when absent. False (and no wake) when
/// fetch is missing or throws.
pub fn fetch(id: i32, url: &str, body: &str, keepalive: bool, timeout_ms: f64) -> bool {
    fetch_raw(id, at(url.as_bytes()), url.len() as i32, at(body.as_bytes()), body.len() as i32, keepalive as i32, timeout_ms)
}

/// `navigator.sendBeacon`: whether the browser queued the body.
pub fn beacon(url: &str, body: &str) -> bool {
    beacon_raw(at(url.as_bytes()), url.len() as i32, at(body.as_bytes()), body.len() as i32)
}

/// `navigator.locks.request(name, {ifAvailable: true}, …)`: wakes `id` with 1 while held, else 0.
pub fn lock(id: i32, name: &str) {
    lock_raw(id, at(name.as_bytes()), name.len() as i32)
}

/// `localStorage.getItem`; `None` when absent or blocked.
pub fn get_item(key: &str) -> Option<String> {
    answer(get_item_raw(at(key.as_bytes()), key.len() as i32))
}

/// `localStorage.setItem`; false when refused.
pub fn set_item(key: &str, value: &str) -> bool {
    set_item_raw(at(key.as_bytes()), key.len() as i32, at(value.as_bytes()), value.len() as i32)
}

/// `localStorage.removeItem`.
pub fn remove_item(key: &str) {
    remove_item_raw(at(key.as_bytes()), key.len() as i32)
}

/// `localStorage.key(index)`; `None` past the end.
pub fn key(index: u32) -> Option<String> {
    ready();
    answer(key_raw(index as i32))
}

/// `document.cookie`; empty when unreadable.
pub fn cookie() -> String {
    ready();
    answer(cookie_raw()).unwrap_or_default()
}

/// `document.cookie = text`; false when it throws.
pub fn set_cookie(text: &str) -> bool {
    set_cookie_raw(at(text.as_bytes()), text.len() as i32)
}

/// `location.hostname`.
pub fn hostname() -> String {
    ready();
    answer(hostname_raw()).unwrap_or_default()
}

/// Fills `bytes` from the CSPRNG (when `cryptographic`) or `Math.random`; true if the CSPRNG did.
pub fn random(bytes: &mut [u8], cryptographic: bool) -> bool {
    random_raw(at(bytes), bytes.len() as i32, cryptographic as i32)
}

/// A page's query read as analytics.js does (`core::event::campaign::ReadQuery`).
pub fn read_query(search: &str) -> String {
    answer(read_query_raw(at(search.as_bytes()), search.len() as i32)).unwrap_or_default()
}

/// The browser's `%XX` decoder for cookie texts (`cookie_codec::PercentDecode`): `decodeURIComponent`
/// when `strict`, else js-cookie's value reader; `None` where it throws.
pub fn percent_decode(text: &str, strict: bool) -> Option<String> {
    answer(percent_decode_raw(at(text.as_bytes()), text.len() as i32, strict as i32))
}

/// The browser's date formatter (`core::time::FormatDate`): `new Date(ms).toUTCString()` when `http`, else
/// `.toISOString()`; empty where it throws (never for the `ms` the core asks about: `time::clamp`).
pub fn format_date(ms: f64, http: bool) -> String {
    ready();
    answer(format_date_raw(ms, http as i32)).unwrap_or_default()
}

/// `listener(a, b)`, errors ignored.
pub fn notify(listener: &JsValue, a: &str, b: &str) {
    notify_raw(listener, at(a.as_bytes()), a.len() as i32, at(b.as_bytes()), b.len() as i32)
}

/// The three functions `www/src/load.js` calls, re-exported by the glue from `host.js` (never called from
/// here: no signature): they copy the texts in and out of the wasm around its plain exports of the same
/// names (`crate::exports`).
#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    /// `create(optionsJson, onDrop)`: a new instance's number.
    #[wasm_bindgen(reexport)]
    pub fn create();
    /// `build(handle, call, at, enqueue)`: one tracking call's event body, or undefined.
    #[wasm_bindgen(reexport)]
    pub fn build();
    /// `call(handle, op, field, text)`: any other operation's answer text, or undefined.
    #[wasm_bindgen(reexport)]
    pub fn call();
}
