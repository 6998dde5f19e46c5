// The npm entry: `AnalyticsBrowser.load({writeKey, apiHost}, options)` returns a proxy with the
// analytics.js API that queues calls until the wasm is ready. It never reads window.analytics.

import { start, replay } from '../src/load.js';
import { pageSnapshot } from '../src/page.js';

const CONTEXTUAL = { track: 1, page: 1, screen: 1, identify: 1, group: 1, alias: 1 };
const METHODS = ['track', 'page', 'screen', 'identify', 'group', 'alias', 'reset', 'setAnonymousId',
  'ready', 'on', 'once', 'off', 'debug', 'addSourceMiddleware', 'trackLink', 'trackForm', 'trackClick',
  'trackSubmit', 'register', 'deregister', 'flush', 'timeout', 'consent'];

export class AnalyticsBrowser {
  constructor() {
    this.instance_ = null;
    this.queue_ = [];
    this.loaded_ = new Promise((resolve, reject) => { this.resolve_ = resolve; this.reject_ = reject; });
  }

  /** Starts loading and returns the buffered proxy at once. */
  static load(settings, options) {
    const browser = new AnalyticsBrowser();
    const { writeKey, apiHost, wasmUrl } = settings || {};
    start(writeKey, Object.assign({}, options, apiHost ? { apiHost } : {}, { _npm: true }), wasmUrl).then(async (analytics) => {
      browser.instance_ = analytics;
      await replay(analytics, browser.queue_.splice(0));
      browser.resolve_([analytics]);
    }, (error) => {
      console.warn('[wasm-analytics] failed to load', error);
      browser.reject_(error);
    });
    return browser;
  }

  then(onFulfilled, onRejected) { return this.loaded_.then(onFulfilled, onRejected); }

  user() { return this.loaded_.then(([analytics]) => analytics.user()); }
}

for (const method of METHODS) {
  AnalyticsBrowser.prototype[method] = function (...args) {
    if (this.instance_) return this.instance_[method](...args);
    if (method === 'group' && args.length === 0) return this.loaded_.then(([a]) => a.group());
    if (CONTEXTUAL[method]) args.push(Object.assign({ __t: 'bpc', d: Date.now() }, pageSnapshot()));
    return new Promise((resolve) => {
      this.queue_.push([method, ...args]);
      this.loaded_.then(() => resolve(), () => resolve());
    });
  };
}

export { Analytics } from '../src/analytics.js';
