// Starting the library: instantiate the wasm core with the init options, wire page lifecycle,
// and replay calls that were made before it was ready (the snippet's queue, the npm proxy's queue,
// and calls a previous page saved because the visitor left before the library, or its plugin module, arrived).

// The facade before the glue: the bundle keeps this order, and gzip packs it 24 B smaller (no module here runs
// anything at import that another needs).
import { Analytics } from './analytics.js';
import init, { create, build, call } from '../pkg/wasm_analytics.js';
import { browserFacts } from './page.js';
import { toJson } from './serialize.js';
import { NULL_CORE, isDisabled } from './null-core.js';
import { SETUP_METHODS } from './methods.js';

// Key and format: src/core/event/snippet_calls_format.rs (tests/js_contract.rs checks the spelling).
const SAVED_CALLS_KEY = 'wa:snippet-calls:v1';

// The operations of the wasm's `call` export (src/js_contract.rs `op`; tests/js_contract.rs checks).
const IDENTITY = 0;
const SET_IDENTITY = 1;
const ENQUEUE = 2;
const FLUSH = 3;
const QUEUE_STATE = 4;
const TAKE_WARNINGS = 5;
const RESET = 6;

/** The core object the facade calls (the same methods as NULL_CORE) over one wasm instance: the wasm exports
 * three functions (`create`, `build`, `call` by operation number) because each export costs glue and wasm. */
function wasmCore(exports, optionsJson) {
  let dropListener = () => {};
  const handle = create(exports, optionsJson, (reason, messageId) => dropListener(reason, messageId));
  const op = (code, field, text) => call(handle, code, field, text);
  return {
    build_: (call, at, enqueue) => build(handle, call, at, enqueue),
    enqueue_: (body) => op(ENQUEUE, 0, body),
    flush_: () => op(FLUSH),
    queueState_: () => op(QUEUE_STATE) || '{}',
    takeWarnings_: () => op(TAKE_WARNINGS) || '',
    onDrop_: (listener) => { dropListener = listener; },
    identity_: (field) => op(IDENTITY, field),
    setIdentity_: (field, value) => op(SET_IDENTITY, field, value),
    reset_: () => op(RESET),
  };
}

/** Loads the wasm and returns a ready Analytics instance. Outside a browser (server-side rendering) and
 * when the wasm cannot be loaded it returns an inert instance instead (calls resolve, nothing is sent);
 * a load failure is reported on `analytics.on('error')` (after the replay, so buffered listeners hear
 * it) and in the console, naming the URL and the status. */
export async function start(writeKey, options, wasmUrl) {
  const settings = Object.assign({}, options, { writeKey: String(writeKey || '') });
  if (typeof window !== 'undefined' && typeof document !== 'undefined') {
    try {
      return await startCore(settings, options, wasmUrl);
    } catch (error) {
      console.warn('[wasm-analytics] failed to load: ' + ((error && error.message) || error));
      const inert = new Analytics(NULL_CORE, settings);
      inert.loadError_ = error;
      return inert;
    }
  }
  return new Analytics(NULL_CORE, settings);
}

/** Tells the `error` listeners why loading failed; called after the buffered calls were replayed. */
export function reportLoadError(analytics) {
  const error = analytics.loadError_;
  if (error) analytics.emit('error', { code: 'load_failure', reason: error, message: error.message });
}

async function startCore(settings, options, wasmUrl) {
  // The `ajs_` query (analytics.js: location.search, else the hash from its last `?`), read now: the page may
  // change its URL while the wasm loads.
  const query = location.search || location.hash.replace(/.*\?/, '?');
  if (await isDisabled(options)) return new Analytics(NULL_CORE, settings);
  const exports = await init(wasmUrl);
  // The core parses the options (src/core/load_options.rs: endpoint, identity, delivery); the line naming
  // options it does not support is logged once, at debug level.
  const core = wasmCore(exports, toJson(Object.assign({}, settings, { _env: browserFacts() })) || '{}');
  const unsupported = core.takeWarnings_();
  if (unsupported) console.debug('[wasm-analytics] ' + unsupported);
  const analytics = new Analytics(core, settings);
  analytics.query_ = query;
  addEventListener('pagehide', () => analytics.guard_('pagehide', () => saveWaiting(analytics)));
  analytics.reportId_();
  return analytics;
}

/** On pagehide, the event calls still waiting for the plugin module are appended to the saved calls, one at a time
 * as the snippet saves its queue, and taken off the list: the next page replays them through its middleware. A call
 * that cannot be serialised (a cycle, a BigInt) stays waiting, as do all of them when storage fails: a page restored
 * from the back-forward cache sends them. Nothing is written while consent does not let the page store. */
function saveWaiting(analytics) {
  const calls = analytics.waitingToSave_();
  if (!calls || !calls.length) return;
  let saved = [];
  try { saved = [].concat(JSON.parse(localStorage.getItem(SAVED_CALLS_KEY)) || []); } catch (e) { /* nothing saved, or not ours */ }
  const unsaved = calls.filter((call) => {
    try { saved.push(JSON.parse(JSON.stringify(call))); } catch (e) { return true; }
  });
  localStorage.setItem(SAVED_CALLS_KEY, JSON.stringify(saved));
  calls.splice(0, calls.length, ...unsaved);
}

/** Calls a previous page queued in the snippet, or that waited for the plugin module, but could not hand to the library. */
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
 * query: then the query-string module is fetched first (a separate chunk of the script-tag build).
 * Returns what each call returned, in the order of `calls` (undefined for a call that was not run). */
export async function replay(analytics, calls) {
  const results = [];
  const run = (setup) => calls.forEach((call, i) => {
    if (!Array.isArray(call) || typeof analytics[call[0]] !== 'function' || !SETUP_METHODS[call[0]] !== !setup) return;
    try { results[i] = analytics[call[0]](...call.slice(1)); } catch (e) { analytics.warn_('replayed ' + call[0] + '() failed'); }
  });
  run(true);
  if (analytics.query_ && analytics.query_.includes('ajs_')) {
    try { (await import('./query-string.js')).default(analytics, analytics.query_); } catch (e) { /* not loaded */ }
  }
  run(false);
  return results;
}
