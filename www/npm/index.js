// The npm entry: analytics-next's `AnalyticsBrowser`, a buffered proxy over the loaded instance.
// `AnalyticsBrowser.load({writeKey}, options)` (or `new AnalyticsBrowser()` then `.load(...)`) starts loading and
// returns the proxy at once; it is a promise of `[analytics, context]` (`then/catch/finally`). Every method
// returns a promise of what the loaded instance's method returns (calls made before load are queued, with the
// page as it was, and resolve when replayed); `on/once/off/debug` return the proxy. Outside a browser (server
// rendering) it resolves an inert instance and every call is a no-op. It never reads window.analytics.

import { start, replay, reportLoadError } from '../src/load.js';
import { pageSnapshot } from '../src/page.js';
import { Context, withPluginMethods } from '../src/context.js';
import { BUFFERED, EVENT_METHODS, CHAINABLE } from '../src/methods.js';
import { VERSION } from '../src/analytics.js';

// npm sites get the whole Context API from the start (the script tag installs it with the plugin runner).
withPluginMethods(Context);

export class AnalyticsBrowser {
  constructor() {
    /** The loaded Analytics instance, once loading has finished (analytics-next's `.instance`). */
    this.instance = undefined;
    this.ctx = undefined;
    this.queue_ = [];
    this.loaded_ = new Promise((resolve) => { this.resolve_ = resolve; });
  }

  /** Starts loading (once) and returns this proxy. */
  load(settings, options) {
    if (this.loading_) return this;
    this.loading_ = true;
    const { writeKey, apiHost, wasmUrl, plugins } = settings || {};
    const opts = Object.assign({}, options, apiHost ? { apiHost } : {}, { _npm: true });
    if (opts.initialPageview) this.page();
    if (Array.isArray(plugins) && plugins.length) this.queue_.unshift(['register', ...plugins]);
    start(writeKey, opts, wasmUrl || viteDevWasmUrl()).then(async (analytics) => {
      // Calls made while the replay waits (for the query-string module) are replayed in a next round.
      for (let queue; (queue = this.queue_.splice(0)).length; analytics.query_ = '') {
        const results = await replay(analytics, queue.map((entry) => entry.call || entry));
        queue.forEach((entry, i) => entry.resolve && entry.resolve(results[i]));
      }
      reportLoadError(analytics);
      this.instance = analytics;
      this.ctx = Context.system();
      this.resolve_([analytics, this.ctx]);
    });
    return this;
  }

  /** Starts loading and returns the buffered proxy at once. */
  static load(settings, options) { return new AnalyticsBrowser().load(settings, options); }

  /** Resolves the loaded Analytics instance itself. */
  static standalone(writeKey, options) { return AnalyticsBrowser.load({ writeKey }, options).then(([analytics]) => analytics); }

  then(onFulfilled, onRejected) { return this.loaded_.then(onFulfilled, onRejected); }
  catch(onRejected) { return this.loaded_.catch(onRejected); }
  finally(onFinally) { return this.loaded_.finally(onFinally); }
}

AnalyticsBrowser.prototype.VERSION = VERSION;

for (const method of BUFFERED.concat('user', 'queueState')) {
  AnalyticsBrowser.prototype[method] = function (...args) {
    if (this.instance) {
      const result = this.instance[method](...args);
      return CHAINABLE[method] ? this : Promise.resolve(result);
    }
    // group() without arguments reads the group; every other event call captures the page now.
    if (EVENT_METHODS[method] && (args.length || method !== 'group') && typeof document !== 'undefined') args.push(Object.assign({ __t: 'bpc', d: Date.now() }, pageSnapshot()));
    if (CHAINABLE[method]) {
      this.queue_.push([method, ...args]);
      return this;
    }
    return new Promise((resolve) => this.queue_.push({ call: [method, ...args], resolve }));
  };
}
AnalyticsBrowser.prototype.pageView = AnalyticsBrowser.prototype.pageview;

/** In Vite's dev server the package runs from its dependency cache (`<root>/node_modules/.vite/deps/`, or
 * `<root>/.vite/deps/` without a package.json), where the .wasm beside it is not copied: load it from the
 * package in `<root>/node_modules`. Elsewhere undefined (the URL next to this module, which bundlers rewrite). */
function viteDevWasmUrl() {
  const dev = /^(.*?\/)(node_modules\/)?\.vite\/deps(_temp_[^/]*)?\//.exec(import.meta.url);
  return dev ? dev[1] + 'node_modules/wasm-analytics/dist/wasm_analytics_bg.wasm' : undefined;
}

export { Analytics, VERSION } from '../src/analytics.js';
export { Context, ContextCancelation } from '../src/context.js';
