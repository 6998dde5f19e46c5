//! Bindings to `host.js`: the browser calls that answer through a callback (timers, microtasks,
//! fetch, lifecycle listeners, Web Locks). Each takes the id of a callback registered in
//! [`crate::browser::callbacks`]; the answer arrives there as `(a, b)` numbers. Nothing here throws:
//! `host.js` catches every browser error. Texts cross as numbers (address and length; see `host.js`
//! "Texts as numbers"), so no glue code sits between the wasm and `host.js`, and no JavaScript value is
//! held here (release builds have no `JsValue` at all, so wasm-bindgen ships no externref table code). No
//! decisions; the only state is a text in transit.

use std::cell::Cell;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::browser::callbacks::OneThread;
use crate::js_contract::host_op::*;

#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    /// One of the calls that wake a callback, by number (`TIMER` …), with the callback's id and two numbers,
    /// or one fact of the page (`NOW` …, no arguments): one import for all, answered as a number.
    #[wasm_bindgen(js_name = hostCall)]
    fn call_raw(which: i32, id: i32, a: f64, b: f64) -> f64;
    /// Removes the listeners of [`listen`]`(id)` (its own import: no release build calls it).
    #[wasm_bindgen(js_name = hostUnlisten)]
    pub fn unlisten(id: i32);
    /// The drop listener of instance `instance` (`host.js` `create`) told `(a, b)`, errors ignored.
    #[wasm_bindgen(js_name = hostNotify)]
    fn notify_raw(instance: i32, a: i32, a_len: i32, b: i32, b_len: i32);
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
    #[wasm_bindgen(js_name = hostTextAt)]
    fn text_raw(which: i32, text: i32, text_len: i32, n: i32) -> i32;
    #[wasm_bindgen(js_name = hostDoAt)]
    fn do_raw(which: i32, a: i32, a_len: i32, b: i32, b_len: i32) -> bool;
    #[wasm_bindgen(js_name = hostRandomAt)]
    fn random_raw(bytes: i32, bytes_len: i32, cryptographic: i32) -> bool;
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

// The facts `hostCall` answers after its callback calls (`LOCK`), by number (`js_contract::host_op`): one
// import for these and those (each import costs an entry in the wasm and in the glue).
/// One fact of the page by number (`NOW` …), as a number (a boolean as 1 or 0): `hostCall` past its calls.
fn fact_raw(which: i32) -> f64 {
    call_raw(which, 0, 0.0, 0.0)
}

/// `Date.now()`: epoch milliseconds.
pub fn now_ms() -> f64 {
    fact_raw(NOW)
}

/// `Math.random()`.
pub fn math_random() -> f64 {
    fact_raw(MATH_RANDOM)
}

/// `navigator.onLine`, true where unknown.
pub fn online() -> bool {
    fact_raw(ONLINE) != 0.0
}

/// Whether `navigator.locks` exists.
pub fn has_locks() -> bool {
    fact_raw(HAS_LOCKS) != 0.0
}

/// Whether `localStorage` can be opened.
pub fn has_storage() -> bool {
    fact_raw(HAS_STORAGE) != 0.0
}

/// Whether `crypto.getRandomValues` exists.
pub fn has_crypto() -> bool {
    fact_raw(HAS_CRYPTO) != 0.0
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

// `host.js` needs the wasm's exports (to call `wake`, to read and copy texts). In a page, `www/src/load.js`
// hands them to `host.js`'s `create` (from the loader's answer) before anything here runs, so a release
// build passes no JavaScript value at all. Rust code run by a test harness (wasm-bindgen-test: debug builds,
// no start function, no `create`) has no loader: there every binding hands them over first, once.
#[cfg(debug_assertions)]
#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    /// Registers the wasm's exports.
    #[wasm_bindgen(js_name = hostInit)]
    fn init(exports: &wasm_bindgen::JsValue);
}

#[cfg(debug_assertions)]
static READY: OneThread<Cell<bool>> = OneThread(Cell::new(false));

/// Makes sure `host.js` has the wasm's exports (see above: only debug builds have to ask).
pub fn ready() {
    #[cfg(debug_assertions)]
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

// The calls `hostTextAt` makes by number (`js_contract::host_op::TEXTS`; one import for six): a text in (empty
// when unused) and a number, a text answer.
/// `hostTextAt(which, text, n)`: the answer text, `None` for null/undefined.
fn text_op(which: i32, text: &str, n: i32) -> Option<String> {
    answer(text_raw(which, at(text.as_bytes()), text.len() as i32, n))
}

// The calls `hostDoAt` makes by number (`js_contract::host_op::DOS`): two texts in (the second empty when
// unused), whether it worked.
/// `hostDoAt(which, a, b)`.
fn do_op(which: i32, a: &str, b: &str) -> bool {
    do_raw(which, at(a.as_bytes()), a.len() as i32, at(b.as_bytes()), b.len() as i32)
}

/// `navigator.sendBeacon`: whether the browser queued the body.
pub fn beacon(url: &str, body: &str) -> bool {
    do_op(BEACON, url, body)
}

// The calls `hostCall` makes by number (`js_contract::host_op::CALLS`, the facts after them): each wakes (or
// stops waking) a callback registered in `callbacks`.
/// `setTimeout`: wakes `id` after `ms`; returns the handle for [`clear`].
pub fn timer(id: i32, ms: f64) -> f64 {
    call_raw(TIMER, id, ms, 0.0)
}

/// `clearTimeout`.
pub fn clear(handle: f64) {
    call_raw(CLEAR, 0, handle, 0.0);
}

/// `queueMicrotask`: wakes `id` with `(a, b)` after the current script.
pub fn soon(id: i32, a: f64, b: f64) {
    call_raw(SOON, id, a, b);
}

/// Lifecycle listeners: wakes `id` with `(event index, flag)` (see `host.js`).
pub fn listen(id: i32) {
    call_raw(LISTEN, id, 0.0, 0.0);
}

/// `navigator.locks.request(name, {ifAvailable: true}, …)`: wakes `id` with 1 while held, else 0 (the name's
/// address and length as the two numbers).
pub fn lock(id: i32, name: &str) {
    call_raw(LOCK, id, at(name.as_bytes()) as u32 as f64, name.len() as f64);
}

/// `localStorage.getItem`; `None` when absent or blocked.
pub fn get_item(key: &str) -> Option<String> {
    text_op(GET_ITEM, key, 0)
}

/// `localStorage.setItem`; false when refused.
pub fn set_item(key: &str, value: &str) -> bool {
    do_op(SET_ITEM, key, value)
}

/// `localStorage.removeItem`.
pub fn remove_item(key: &str) {
    do_op(REMOVE_ITEM, key, "");
}

/// `localStorage.key(index)`; `None` past the end.
pub fn key(index: u32) -> Option<String> {
    text_op(KEY, "", index as i32)
}

/// `document.cookie`; empty when unreadable.
pub fn cookie() -> String {
    text_op(COOKIE, "", 0).unwrap_or_default()
}

/// `document.cookie = text`; false when it throws.
pub fn set_cookie(text: &str) -> bool {
    do_op(SET_COOKIE, text, "")
}

/// `location.hostname`.
pub fn hostname() -> String {
    text_op(HOSTNAME, "", 0).unwrap_or_default()
}

/// Fills `bytes` from the CSPRNG (when `cryptographic`) or `Math.random`; true if the CSPRNG did.
pub fn random(bytes: &mut [u8], cryptographic: bool) -> bool {
    random_raw(at(bytes), bytes.len() as i32, cryptographic as i32)
}

/// A page's query read as analytics.js does (`core::event::campaign::ReadQuery`).
pub fn read_query(search: &str) -> String {
    text_op(QUERY, search, 0).unwrap_or_default()
}

/// The browser's `%XX` decoder for cookie texts (`cookie_codec::PercentDecode`): `decodeURIComponent`
/// when `strict`, else js-cookie's value reader; `None` where it throws. A text without `%` is its own
/// decoding under both (neither throws on it: it is UTF-8, so no lone surrogate), so it does not cross:
/// every cookie read decodes each name in the jar, once per event.
pub fn percent_decode(text: &str, strict: bool) -> Option<String> {
    if !crate::core::text::has_byte(text.as_bytes(), b'%') {
        return Some(text.to_owned());
    }
    text_op(DECODE, text, strict as i32)
}

/// The browser's date formatter (`core::time::FormatDate`): `new Date(ms).toUTCString()` when `http`, else
/// `.toISOString()`; empty where it throws (never for the `ms` the core asks about: `time::clamp`).
pub fn format_date(ms: f64, http: bool) -> String {
    ready();
    answer(format_date_raw(ms, http as i32)).unwrap_or_default()
}

/// Tells instance `instance`'s drop listener (given to `host.js`'s `create`) `(a, b)`, errors ignored.
pub fn notify(instance: u32, a: &str, b: &str) {
    notify_raw(instance as i32, at(a.as_bytes()), a.len() as i32, at(b.as_bytes()), b.len() as i32)
}

/// The three functions `www/src/load.js` calls, re-exported by the glue from `host.js` (never called from
/// here: no signature): they copy the texts in and out of the wasm around its plain exports of the same
/// names (`crate::exports`).
#[wasm_bindgen(module = "/src/browser/host.js")]
extern "C" {
    /// `create(exports, optionsJson, onDrop)`: a new instance's number.
    #[wasm_bindgen(reexport)]
    pub fn create();
    /// `build(handle, call, at, enqueue)`: one tracking call's event body, or undefined.
    #[wasm_bindgen(reexport)]
    pub fn build();
    /// `call(handle, op, field, text)`: any other operation's answer text, or undefined.
    #[wasm_bindgen(reexport)]
    pub fn call();
}
