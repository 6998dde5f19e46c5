// Starting the library: instantiate the wasm core with the init options, wire page lifecycle,
// and replay calls that were made before it was ready (the snippet's queue, the npm proxy's queue,
// and calls a previous page saved because the visitor left before the library arrived).

import init, { Analytics as Core } from '../pkg/wasm_analytics.js';
import { Analytics } from './analytics.js';
import { browserFacts } from './page.js';
import { toJson } from './serialize.js';
import { NULL_CORE, isDisabled } from './null-core.js';

// Key and format: src/core/event/snippet_calls_format.rs (tests/js_contract.rs checks the spelling).
const SAVED_CALLS_KEY = 'wa:snippet-calls:v1';
// Applied before any event call, as analytics.js does, so buffered events see them.
const SETUP_METHODS = { setAnonymousId: 1, on: 1, once: 1, off: 1, debug: 1, addSourceMiddleware: 1, register: 1 };

/** Loads the wasm and returns a ready Analytics instance. */
export async function start(writeKey, options, wasmUrl) {
  // The `ajs_` query (analytics.js: location.search, else the hash from its last `?`), read now: the page may
  // change its URL while the wasm loads.
  const query = location.search || location.hash.replace(/.*\?/, '?');
  const settings = Object.assign({}, options || {}, { writeKey: String(writeKey || '') });
  if (await isDisabled(options)) return new Analytics(NULL_CORE, settings);
  await init(wasmUrl ? { module_or_path: wasmUrl } : undefined);
  settings.apiHost = settings.apiHost || 'https://api.segment.io/v1';
  if (!/^[a-z]+:\/\//i.test(settings.apiHost)) settings.apiHost = 'https://' + settings.apiHost;
  const core = new Core(toJson(Object.assign({}, settings, { _env: browserFacts() })) || '{}');
  const analytics = new Analytics(core, settings);
  analytics.query_ = query;
  analytics.reportId_();
  return analytics;
}

/** Calls a previous page queued in the snippet but could not hand to the library. */
export function takeSavedCalls() {
  try {
    const saved = localStorage.getItem(SAVED_CALLS_KEY);
    if (!saved) return [];
    localStorage.removeItem(SAVED_CALLS_KEY);
    const calls = JSON.parse(saved);
    return Array.isArray(calls) ? calls : [];
  } catch (e) {
    return [];
  }
}

/** Replays `[method, ...args]` calls: setup calls first, then the `ajs_` query-string calls, then every
 * other call in its original order (analytics.js's order). Synchronous unless the URL holds an `ajs_`
 * query: then the query-string module is fetched first (a separate chunk of the script-tag build). */
export async function replay(analytics, calls) {
  const valid = calls.filter((call) => Array.isArray(call) && typeof analytics[call[0]] === 'function');
  const run = (list) => {
    for (const [method, ...args] of list) {
      try { analytics[method](...args); } catch (e) { analytics.warn_('replayed ' + method + '() failed'); }
    }
  };
  run(valid.filter((call) => SETUP_METHODS[call[0]]));
  if (analytics.query_ && analytics.query_.includes('ajs_')) {
    try { (await import('./query-string.js')).default(analytics, analytics.query_); } catch (e) { /* not loaded */ }
  }
  run(valid.filter((call) => !SETUP_METHODS[call[0]]));
}
