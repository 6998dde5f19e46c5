// The browser calls the shell needs that take a callback: timers, microtasks, fetch (+ sendBeacon),
// page lifecycle listeners and Web Locks. Every callback re-enters the wasm through ONE function,
// `wake(id, a, b)` (numbers only), the wasm export src/browser/callbacks.rs hands over once; `id` names
// the Rust callback waiting for it. One plain export instead of a wasm-bindgen closure keeps the glue
// and the wasm small. Bound in src/browser/host.rs. Never throws into the page: every browser call
// that can throw is caught here. No decisions: what to send and when is the core's.

/** The wasm's exports (`create`; `hostInit` in debug builds). */
let wasm;

/** `read()`, or `fallback` when it throws. */
function attempt(read, fallback) {
  try {
    return read();
  } catch (e) {
    return fallback;
  }
}

/** The wasm's exports: `wake` (the one entry of every callback), and `alloc`, `create`, `build`, `call`
 * (below). `create` receives them from www/src/load.js (the loader's answer); Rust code run by a test harness
 * (no loader) hands them over here (src/browser/host.rs `ready`, debug builds only). */
export const hostInit = (exports) => (wasm = exports);

/** Every wake goes through `attempt`: whatever happens inside the wasm never surfaces in a timer, a fetch
 * answer or a page listener as an error the site's monitoring sees. */
const wake = (id, a, b) => attempt(() => wasm.wake(id, a, b));

// The wasm's three plain exports (src/lib.rs), re-exported by the glue for www/src/load.js: a text goes in as
// UTF-8 at the address `alloc(length)` gives (the next export takes it), an answer comes back as the address
// of its `[address, length]` (0: none; it stays valid until the next call). Same conversions as wasm-bindgen's
// glue: `TextEncoder` (a lone surrogate becomes U+FFFD), `TextDecoder` keeping a leading BOM.
const encoder = new TextEncoder();
let decoder;
let decoded = Infinity;

/** UTF-8 bytes of the wasm's memory as text. A fresh decoder every ~2 GB decoded, as wasm-bindgen's glue does
 * (Safari's TextDecoder fails past that). */
function decode(address, length) {
  if ((decoded += length) > 2e9) {
    decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    decoded = length;
  }
  return decoder.decode(new Uint8Array(wasm.memory.buffer, address >>> 0, length));
}

function pass(text) {
  const bytes = encoder.encode(text);
  // alloc first: it may grow the memory, which detaches the buffer read before it.
  const at = wasm.alloc(bytes.length) >>> 0;
  new Uint8Array(wasm.memory.buffer, at, bytes.length).set(bytes);
}

function answer(at) {
  if (at) {
    const [address, length] = new Uint32Array(wasm.memory.buffer, at >>> 0, 2);
    return decode(address, length);
  }
}

// Texts as numbers: the wasm imports the functions below directly (no glue function per import, no string
// helpers in the glue). A text from the wasm is its UTF-8 bytes' address and length; a text answer is copied in
// (`pass`, taken by the wasm's caller right after) and the function answers 1, or 0 for null/undefined. Each
// wraps the function of the same name without `At` (src/browser/host.rs keeps the Rust signatures).
const give = (value) => (value == null ? 0 : (pass(value), 1));

export const hostRandomAt = (bytes, length, cryptographic) =>
  hostRandom(new Uint8Array(wasm.memory.buffer, bytes >>> 0, length), cryptographic);

/** The page's facts (`hostCall` past its callback calls; src/browser/host.rs `NOW` …): `Date.now()`,
 * `Math.random()`, `navigator.onLine` (true where unknown), whether Web Locks exist (missing in old browsers
 * and insecure contexts), whether `localStorage` can be opened, whether `crypto.getRandomValues` can be looked
 * up. A boolean reaches the wasm as 1 or 0. */
const FACTS = [
  Date.now,
  Math.random,
  () => navigator.onLine !== false,
  () => attempt(() => typeof navigator.locks == 'object' && !!navigator.locks, false),
  () => attempt(() => !!localStorage, false),
  () => attempt(() => typeof crypto.getRandomValues == 'function', false),
];

/** Each instance's drop listener, by instance number (`hostNotify`). */
const dropListeners = [];

/** A new instance of the wasm `exports` (what the loader answered) from the options JSON text: its number.
 * `onDrop(reason, messageId)` hears the events its delivery drops. */
export function create(exports, optionsJson, onDrop) {
  wasm = exports;
  pass(optionsJson);
  const handle = wasm.create() >>> 0;
  dropListeners[handle] = onDrop;
  return handle;
}

/** One tracking call: the event body, or undefined. */
export function build(handle, call, at, enqueue) {
  pass(call);
  return answer(wasm.build(handle, at, enqueue ? 1 : 0));
}

/** Any other operation by number: its answer text, or undefined. */
export function call(handle, op, field, text) {
  const some = text != null;
  if (some) pass(text);
  return answer(wasm.call(handle, op, field, some ? 1 : 0));
}

/** Runs `wake(id, 0, 0)` after `ms`; returns the handle for `clearTimeout`. */
export function hostTimer(id, ms) {
  return setTimeout(wake, ms, id, 0, 0);
}

/** Runs `wake(id, a, b)` in a microtask (after the current script, before the next task). */
export function hostSoon(id, a, b) {
  queueMicrotask(() => wake(id, a, b));
}

/** `Retry-After` as whole seconds from now (delta-seconds or an HTTP date); -1 when unreadable. Absent (null), it
 * throws: the caller's `attempt` answers -1. */
function retryAfter(raw) {
  raw = raw.trim();
  if (/^\+?\d+$/.test(raw)) return +raw;
  const at = Date.parse(raw);
  return at === at ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : -1;
}

// The non-HTTP status `hostFetchAt` answers (src/js_contract.rs `send_status`; tests/js_contract.rs checks).
const NETWORK_ERROR = 0;

/**
 * POSTs `body` to `url` (texts from the wasm: address and length) as text/plain (a CORS simple request) with
 * `keepalive` (1 or 0), aborted after `timeout` ms, and
 * answers `wake(id, status, retryAfterSeconds)` once, always asynchronously: an HTTP status, or
 * NETWORK_ERROR for a rejection, abort or opaque answer. Returns false, and never answers, when fetch is
 * missing or throws. The answer waits for the response body to be read: Chromium counts an unread keepalive
 * body against the page's 64 KiB keepalive budget. Whether to send at all, and what to try when fetch
 * cannot start, is the core's (send_route.rs).
 */
export function hostFetchAt(id, url, urlLength, body, bodyLength, keepalive, timeout) {
  url = decode(url, urlLength);
  // No AbortSignal.timeout (old browsers): `signal: undefined`, which fetch reads as no signal.
  const init = { method: 'POST', body: decode(body, bodyLength), headers: { 'Content-Type': 'text/plain' }, keepalive: !!keepalive, signal: attempt(() => AbortSignal.timeout(timeout)) };
  let request;
  try {
    request = fetch(url, init);
  } catch (e) {
    return false;
  }
  Promise.resolve(request).then((response) => {
    const status = attempt(() => (response instanceof Response ? response.status : NETWORK_ERROR), NETWORK_ERROR);
    const retry = attempt(() => retryAfter(response.headers.get('Retry-After')), -1);
    const done = () => wake(id, status, retry);
    if (!attempt(() => response.text().then(done, done))) done();
  }, () => wake(id, NETWORK_ERROR, -1));
  return true;
}

/** `navigator.sendBeacon(url, body)`: whether the browser queued it. */
export const hostBeacon = (url, body) => attempt(() => navigator.sendBeacon(url, body), false);

// By index (src/js_contract.rs `page_event`; tests/js_contract.rs checks): the last is listened to on document.
const EVENTS = ['pagehide', 'pageshow', 'online', 'offline', 'visibilitychange'];
const VISIBILITYCHANGE = 4;
const listeners = new Map();

function eachEvent(handler, method) {
  EVENTS.forEach((type, i) => attempt(() => (i < VISIBILITYCHANGE ? window : document)[method](type, handler)));
}

/**
 * Listens to the page lifecycle: `wake(id, index in EVENTS, flag)`, the flag being `persisted` for
 * pagehide/pageshow and "now hidden" for visibilitychange. Never `unload`/`beforeunload` (they break
 * the back-forward cache).
 */
export function hostListen(id) {
  const handler = (event) => {
    const kind = EVENTS.indexOf(event.type);
    wake(id, kind, (kind == VISIBILITYCHANGE ? document.visibilityState === 'hidden' : event.persisted) ? 1 : 0);
  };
  listeners.set(id, handler);
  eachEvent(handler, 'addEventListener');
}

export function hostUnlisten(id) {
  const handler = listeners.get(id);
  listeners.delete(id);
  if (handler) eachEvent(handler, 'removeEventListener');
}

/** Asks for the Web Lock named by the text at `at` (`length` bytes) only if free: `wake(id, 1, 0)` while holding
 * it, else `wake(id, 0, 0)`. */
export function hostLock(id, at, length) {
  const name = decode(at, length);
  const got = (lock) => wake(id, lock ? 1 : 0, 0);
  if (!attempt(() => navigator.locks.request(name, { ifAvailable: true }, got).catch(() => got()))) queueMicrotask(got);
}

// Storage, cookies, randomness: plain calls, every failure caught (sandboxed iframes, `file:` pages,
// privacy modes, quota) and answered as "nothing there" (undefined: `None`) or `false`.

export const hostGetItem = (key) => attempt(() => localStorage.getItem(key));
/** `localStorage.setItem`; false when refused (quota, blocked). */
export const hostSetItem = (key, value) => attempt(() => (localStorage.setItem(key, value), true), false);
export const hostRemoveItem = (key) => attempt(() => localStorage.removeItem(key));
/** `localStorage.key(index)`: null past the end (the first argument, a text, is unused: `hostTextAt` passes one). */
export const hostKey = (_, index) => attempt(() => localStorage.key(index));
/** `document.cookie`; '' when it throws or there is no document. */
export const hostCookie = () => attempt(() => document.cookie || '', '');
/** `document.cookie = text`; false when it throws. */
export const hostSetCookie = (text) => attempt(() => ((document.cookie = text), true), false);
export const hostHostname = () => attempt(() => location.hostname, '');

let warned = false;

/**
 * Fills `bytes` (a view of wasm memory) from `crypto.getRandomValues` when `cryptographic`, else (or
 * when it throws) from `Math.random`, logging that once. Returns whether the CSPRNG filled them.
 */
export function hostRandom(bytes, cryptographic) {
  if (cryptographic && attempt(() => crypto.getRandomValues(bytes))) return true;
  if (!warned) {
    warned = true;
    console.debug('[wasm-analytics] crypto.getRandomValues unavailable; ids use Math.random');
  }
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.random() * 256;
  return false;
}

/** A cookie text's `%XX` runs decoded (src/core/store.rs `PercentDecode`): `decodeURIComponent`
 * when `strict` (names), else js-cookie 3's value reader, which leaves a `%` without two hex digits as it is;
 * undefined where either throws (a run that is not UTF-8). tests/browser_percent_decode.rs checks it. */
export const hostDecode = (text, strict) =>
  attempt(() => (strict ? decodeURIComponent(text) : text.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent)));

/** `ms` as `new Date(ms).toUTCString()` writes it when `http`, else `.toISOString()` (src/core/time.rs
 * `FormatDate`: the core clamps `ms` to years 0–9999 first), passed in as `give` does; 0 (none) where it throws
 * (`toISOString` of an invalid date). tests/browser_date_format.rs checks it against the Rust reference. */
export const hostDateAt = (ms, http) => give(attempt(() => (http ? new Date(ms).toUTCString() : new Date(ms).toISOString())));

/** `+` as a space, then `decodeURIComponent`; a malformed escape leaves `value` as it was (analytics.js's
 * gracefulDecodeURIComponent). */
function decodeGracefully(value) {
  return attempt(() => decodeURIComponent(value.replace(/\+/g, ' ')), value);
}

/**
 * A page's query (`search`, leading `?` optional) as analytics.js's Page Enrichment reads it, as JSON text
 * `{"campaign":{…},"referrer":{id, type}}` (the contract: src/core/event/campaign.rs `ReadQuery`; the table:
 * tests/e2e/query-context.test.mjs). Every `?` after the first reads as `&`; a piece's key is its text
 * before the first `=` and its value the text up to the next `=`. A key containing `utm_` (longer than four)
 * gives `campaign[key.slice(4)]` (`campaign` as `name`) its decoded value, later ones winning; the first
 * `btid` / `urid` gives `referrer` with its raw value. `campaign` has no prototype: `utm___proto__` is kept.
 */
export function hostQuery(search) {
  const campaign = Object.create(null);
  let referrer;
  // A leading `?` read as `&` gives an empty first piece, which adds nothing.
  for (const piece of search.replace(/\?/g, '&').split('&')) {
    const [key, value] = piece.split('=');
    if (key.includes('utm_') && key.length > 4) campaign[key == 'utm_campaign' ? 'name' : key.slice(4)] = decodeGracefully(value || '');
    if (!referrer && (key == 'btid' || key == 'urid')) referrer = { id: value, type: key == 'btid' ? 'dataxu' : 'millennial-media' };
  }
  return JSON.stringify({ campaign, referrer });
}

/** Calls instance `instance`'s drop listener with `(a, b)` (texts from the wasm), ignoring what it throws. */
export const hostNotify = (instance, a, an, b, bn) => attempt(() => dropListeners[instance](decode(a, an), decode(b, bn)));

// The merged imports (after the functions they call: a `const` is not there before its line runs).

/** By number (src/js_contract.rs `host_op::TEXTS`; tests/js_contract.rs checks the order): a text in (empty when unused) and a number, a text answer. */
const TEXTS = [hostGetItem, hostKey, hostCookie, hostHostname, hostQuery, hostDecode];
export const hostTextAt = (which, text, length, n) => give(TEXTS[which](decode(text, length), n));
/** By number (src/js_contract.rs `host_op::DOS`): two texts in (the second empty when unused). */
const DOS = [hostSetItem, hostRemoveItem, hostSetCookie, hostBeacon];
export const hostDoAt = (which, a, an, b, bn) => DOS[which](decode(a, an), decode(b, bn));
/** By number (src/js_contract.rs `host_op::CALLS`): the calls that wake callback `id`, with two numbers (`hostLock`:
 * the name's address and length), then the FACTS (arguments ignored); every answer reaches the wasm as a number. */
const CALLS = [hostTimer, (id, handle) => clearTimeout(handle), hostSoon, hostListen, hostLock, ...FACTS];
export const hostCall = (which, id, a, b) => CALLS[which](id, a, b);
