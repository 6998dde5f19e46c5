// The browser calls the shell needs that take a callback: timers, microtasks, fetch (+ sendBeacon),
// page lifecycle listeners and Web Locks. Every callback re-enters the wasm through ONE function,
// `wake(id, a, b)` (numbers only), registered once by src/browser/callbacks.rs; `id` names the Rust
// callback waiting for it. One entry instead of a wasm-bindgen closure type per use keeps the glue
// and the wasm small. Bound in src/browser/host.rs. Never throws into the page: every browser call
// that can throw is caught here. No decisions: what to send and when is the core's.

let wake = () => {};

/** Called once with the wasm's entry. */
export function hostInit(entry) {
  wake = entry;
}

/** Runs `wake(id, 0, 0)` after `ms`; returns the handle for `hostClear`. */
export function hostTimer(id, ms) {
  return setTimeout(wake, ms, id, 0, 0);
}

export function hostClear(handle) {
  clearTimeout(handle);
}

/** Runs `wake(id, 0, 0)` in a microtask (after the current script, before the next task). */
export function hostSoon(id) {
  queueMicrotask(() => wake(id, 0, 0));
}

/** `navigator.onLine`, true where unknown. */
export function hostOnline() {
  return navigator.onLine !== false;
}

/** `Retry-After` as whole seconds from now (delta-seconds or an HTTP date); -1 when absent or unreadable. */
function retryAfter(raw) {
  if (raw == null) return -1;
  raw = raw.trim();
  if (/^\+?\d+$/.test(raw)) return +raw;
  const at = Date.parse(raw);
  return at === at ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : -1;
}

/**
 * POSTs `body` as text/plain (a CORS simple request) with `keepalive`, aborted after `timeout` ms, and
 * answers `wake(id, status, retryAfterSeconds)` once, always asynchronously: status -1 offline (nothing
 * sent), 0 network error (rejection, abort, opaque answer, refused beacon), 202 for a queued beacon
 * (used only where fetch is missing or throws). The answer waits for the response body to be read:
 * Chromium counts an unread keepalive body against the page's 64 KiB keepalive budget.
 */
export function hostSend(id, url, body, keepalive, timeout) {
  const answer = (status, retry) => queueMicrotask(() => wake(id, status, retry));
  if (!hostOnline()) return answer(-1, -1);
  const init = { method: 'POST', body, headers: { 'Content-Type': 'text/plain' }, keepalive };
  try {
    init.signal = AbortSignal.timeout(timeout);
  } catch (e) {}
  let request;
  try {
    request = fetch(url, init);
  } catch (e) {
    let queued = false;
    try {
      queued = navigator.sendBeacon(url, body);
    } catch (e) {}
    return answer(queued ? 202 : 0, -1);
  }
  Promise.resolve(request).then((response) => {
    let status = 0;
    let retry = -1;
    try {
      status = response instanceof Response ? response.status : 0;
      retry = retryAfter(response.headers.get('Retry-After'));
    } catch (e) {}
    const done = () => wake(id, status, retry);
    try {
      response.text().then(done, done);
    } catch (e) {
      done();
    }
  }, () => answer(0, -1));
}

const EVENTS = ['pagehide', 'pageshow', 'online', 'offline', 'visibilitychange'];
const listeners = new Map();

function eachEvent(handler, method) {
  EVENTS.forEach((type, i) => {
    try {
      (i < 4 ? window : document)[method](type, handler);
    } catch (e) {}
  });
}

/**
 * Listens to the page lifecycle: `wake(id, index in EVENTS, flag)`, the flag being `persisted` for
 * pagehide/pageshow and "now hidden" for visibilitychange. Never `unload`/`beforeunload` (they break
 * the back-forward cache).
 */
export function hostListen(id) {
  const handler = (event) => {
    const kind = EVENTS.indexOf(event.type);
    wake(id, kind, (kind > 3 ? document.visibilityState === 'hidden' : event.persisted) ? 1 : 0);
  };
  listeners.set(id, handler);
  eachEvent(handler, 'addEventListener');
}

export function hostUnlisten(id) {
  const handler = listeners.get(id);
  listeners.delete(id);
  if (handler) eachEvent(handler, 'removeEventListener');
}

/** Whether Web Locks exist (missing in old browsers and insecure contexts). */
export function hostHasLocks() {
  const locks = navigator.locks;
  return typeof locks === 'object' && locks !== null;
}

/** Asks for Web Lock `name` only if free: `wake(id, 1, 0)` while holding it, else `wake(id, 0, 0)`. */
export function hostLock(id, name) {
  const got = (lock) => wake(id, lock ? 1 : 0, 0);
  try {
    navigator.locks.request(name, { ifAvailable: true }, got).catch(() => got(null));
  } catch (e) {
    queueMicrotask(() => got(null));
  }
}

// Storage, cookies, randomness: plain calls, every failure caught (sandboxed iframes, `file:` pages,
// privacy modes, quota) and answered as "nothing there" / `false`.

/** Whether `localStorage` can be opened. */
export function hostHasStorage() {
  try {
    return !!localStorage;
  } catch (e) {
    return false;
  }
}

export function hostGetItem(key) {
  try {
    return localStorage.getItem(key);
  } catch (e) {
    return null;
  }
}

/** `localStorage.setItem`; false when refused (quota, blocked). */
export function hostSetItem(key, value) {
  try {
    localStorage.setItem(key, value);
    return true;
  } catch (e) {
    return false;
  }
}

export function hostRemoveItem(key) {
  try {
    localStorage.removeItem(key);
  } catch (e) {}
}

/** `localStorage.key(index)`: null past the end. */
export function hostKey(index) {
  try {
    return localStorage.key(index);
  } catch (e) {
    return null;
  }
}

/** `document.cookie`; '' when it throws or there is no document. */
export function hostCookie() {
  try {
    return document.cookie || '';
  } catch (e) {
    return '';
  }
}

/** `document.cookie = text`; false when it throws. */
export function hostSetCookie(text) {
  try {
    document.cookie = text;
    return true;
  } catch (e) {
    return false;
  }
}

export function hostHostname() {
  try {
    return location.hostname;
  } catch (e) {
    return '';
  }
}

/** Whether `crypto.getRandomValues` can be looked up. */
export function hostHasCrypto() {
  try {
    return typeof crypto.getRandomValues === 'function';
  } catch (e) {
    return false;
  }
}

let warned = false;

/**
 * Fills `bytes` (a view of wasm memory) from `crypto.getRandomValues` when `cryptographic`, else (or
 * when it throws) from `Math.random`, logging that once. Returns whether the CSPRNG filled them.
 */
export function hostRandom(bytes, cryptographic) {
  try {
    if (cryptographic) return !!crypto.getRandomValues(bytes);
  } catch (e) {}
  if (!warned) {
    warned = true;
    console.debug('[wasm-analytics] crypto.getRandomValues unavailable; ids use Math.random');
  }
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.random() * 256;
  return false;
}

/** Calls `listener(a, b)`, ignoring what it throws. */
export function hostNotify(listener, a, b) {
  try {
    listener(a, b);
  } catch (e) {}
}
