// The npm entry: `AnalyticsBrowser.load({writeKey, apiHost}, options)` returns a proxy with the
// analytics.js API that queues calls until the wasm is ready. It never reads window.analytics.

import { start, replay } from '../src/load.js';
import { pageSnapshot } from '../src/page.js';

const CONTEXTUAL = { track: 1, page: 1, screen: 1, identify: 1, group: 1, alias: 1 };
const METHODS = ['track', 'page', 'screen', 'identify', 'group', 'alias', 'reset', 'setAnonymousId',
  'ready', 'on', 'once', 'off', 'debug', 'addSourceMiddleware', 'trackLink', 'trackForm', 'trackClick',
  'trackSubmit', 'register', 'deregister', 'flush', 'timeout'];

export class AnalyticsBrowser {
  constructor() {
    this.instance = null;
    this.queue = [];
    let resolveReady;
    let rejectReady;
    this.loaded = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
    this.resolveReady = resolveReady;
    this.rejectReady = rejectReady;
  }

  /** Starts loading and returns the buffered proxy at once. */
  static load(settings, options) {
    const browser = new AnalyticsBrowser();
    const { writeKey, apiHost, wasmUrl } = settings || {};
    start(writeKey, Object.assign({}, options, apiHost ? { apiHost } : {}, { _npm: true }), wasmUrl).then((analytics) => {
      browser.instance = analytics;
      replay(analytics, browser.queue.splice(0));
      browser.resolveReady([analytics]);
    }, (error) => {
      console.warn('[wasm-analytics] failed to load', error);
      browser.rejectReady(error);
    });
    return browser;
  }

  then(onFulfilled, onRejected) { return this.loaded.then(onFulfilled, onRejected); }

  user() { return this.loaded.then(([analytics]) => analytics.user()); }
}

for (const method of METHODS) {
  AnalyticsBrowser.prototype[method] = function (...args) {
    if (this.instance) return this.instance[method](...args);
    if (method === 'group' && args.length === 0) return this.loaded.then(([a]) => a.group());
    if (CONTEXTUAL[method]) args.push(Object.assign({ __t: 'bpc', d: Date.now() }, pageSnapshot()));
    return new Promise((resolve) => {
      this.queue.push([method, ...args]);
      this.loaded.then(() => resolve(), () => resolve());
    });
  };
}

export { Analytics } from '../src/analytics.js';
