// The one list of the analytics.js methods a site may call before the library has loaded. The npm proxy
// (www/npm/index.js) and the replay (www/src/load.js) import it; the snippet (www/snippet.js, ES5, not
// bundled) carries a copy that tests/e2e/methods.test.mjs checks against this file, as it checks that the
// loaded Analytics class and www/npm/index.d.ts have every one. Must not import anything.

/** Buffered until load: stubbed by the snippet, queued by the npm proxy, replayed in call order. */
// Pure: a bundle that does not use the list (the script-tag build) drops it.
export const BUFFERED = /* @__PURE__ */ ('track page screen identify group alias reset setAnonymousId ready on once off debug ' +
  'timeout addSourceMiddleware addDestinationMiddleware addIntegrationMiddleware register deregister ' +
  'trackLink trackForm trackClick trackSubmit pageview flush consent').split(' ');

/** The calls that make an event: the page is captured when they are made, not when they are replayed. */
export const EVENT_METHODS = { track: 1, page: 1, screen: 1, identify: 1, group: 1, alias: 1 };

/** Replayed before any event call, as analytics.js does, so buffered events see their effect. */
export const SETUP_METHODS = { setAnonymousId: 1, on: 1, once: 1, off: 1, debug: 1, addSourceMiddleware: 1, register: 1 };

/** On the npm proxy these return the proxy itself (analytics-next's chainable methods), not a promise. */
export const CHAINABLE = { on: 1, once: 1, off: 1, debug: 1 };
