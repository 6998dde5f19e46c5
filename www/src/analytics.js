// The analytics.js 2.0 call API over the wasm core. Every public method catches everything: a
// tracking call on someone else's page returns normally, whatever it was given. The core decides
// (argument roles, identity, the envelope, delivery); this file passes values and runs callbacks.

import { Emitter } from './emitter.js';
import { kindOf, toJson } from './serialize.js';
import { pageJson } from './page.js';
import { User, Group } from './user.js';

export const VERSION = '0.1.0';

export class Analytics {
  constructor(core, settings) {
    this.core = core;
    this.settings = settings;
    this.emitter = new Emitter();
    this.middleware = [];
    this._debug = false;
    this._timeout = 300;
    this._user = new User(core);
    this._group = new Group(core);
    this.VERSION = VERSION;
    this.initialized = true;
    // Methods work detached too (`const { track } = analytics`, `analytics.track.call(null)`).
    for (const name of Object.getOwnPropertyNames(Analytics.prototype)) {
      if (name !== 'constructor' && typeof this[name] === 'function') this[name] = this[name].bind(this);
    }
    core.onDrop((reason, messageId) => {
      this.warn('event ' + messageId + ' dropped: ' + reason);
      this.emitter.emit('error', { code: 'delivery_failure', reason, messageId });
    });
  }

  warn(message) {
    if (this._debug) console.warn('[wasm-analytics] ' + message);
  }

  track(...args) { return this.dispatch('track', args); }
  page(...args) { return this.dispatch('page', args); }
  screen(...args) { return this.dispatch('screen', args); }
  identify(...args) { return this.dispatch('identify', args); }
  alias(...args) { return this.dispatch('alias', args); }
  group(...args) {
    if (args.length === 0) return this._group;
    return this.dispatch('group', args);
  }

  /** One event call: normalise → core.build → middleware → core.enqueue → callbacks. */
  dispatch(type, args) {
    let callback;
    try {
      let count = args.length;
      let page;
      let at;
      const last = args[count - 1];
      if (last && typeof last === 'object' && last.__t === 'bpc') {
        count--;
        page = toJson(last);
        at = last.d;
      } else {
        page = pageJson();
      }
      for (let i = 0; i < count; i++) {
        if (typeof args[i] === 'function') { callback = args[i]; break; }
      }
      const direct = !this.middleware.length;
      const body = this.build(type, args, count, page, typeof at === 'number' ? at : Date.now(), direct);
      if (!body) return this.finish(callback, null);
      if (direct) return this.accepted(type, body, callback);
      return this.runMiddleware(JSON.parse(body)).then(
        (event) => (event ? this.accept(type, JSON.stringify(event), callback) : this.finish(callback, null)),
        () => this.finish(callback, null),
      );
    } catch (e) {
      this.warn(type + '() failed: ' + (e && e.message));
      return this.finish(callback, null);
    }
  }

  /** The first five of `count` arguments as kinds + texts for the core. `enqueue`: the core queues the
   * event itself (no middleware to run first). */
  build(type, args, count, page, at, enqueue) {
    const warn = this._debug ? (why) => this.warn(type + '(): ' + why) : undefined;
    let kinds = '';
    const values = [];
    for (let i = 0; i < 5 && i < count; i++) {
      const a = args[i];
      let kind = kindOf(a);
      let text;
      if (kind === 's') text = a;
      else if (kind === 'n') text = String(a);
      else if (kind === 'o') {
        text = toJson(a, warn);
        if (text === undefined) kind = '?'; // unserialisable: the core treats it as a wrong-typed argument
      }
      kinds += kind;
      values.push(text);
    }
    const body = this.core.build(type, kinds, values[0], values[1], values[2], values[3], values[4], page, at, enqueue);
    if (warn) this.core.takeWarnings().split('\n').forEach((line) => line && warn(line));
    return body;
  }

  accept(type, body, callback) {
    this.core.enqueue(body);
    return this.accepted(type, body, callback);
  }

  accepted(type, body, callback) {
    const ctx = new Context(body);
    if (this.emitter.has(type)) emitEvent(this.emitter, type, ctx.event);
    return this.finish(callback, ctx);
  }

  /** Resolves with the context; a callback runs after the `timeout` (300 ms by default), as in analytics.js.
   * Without a callback no timer is armed: a timer per call cost more than the rest of track(). */
  finish(callback, ctx) {
    if (!callback) return Promise.resolve(ctx);
    return new Promise((resolve) => {
      setTimeout(() => {
        if (callback) {
          try { callback(ctx); } catch (e) { console.warn('[wasm-analytics] callback threw', e); }
        }
        resolve(ctx);
      }, this._timeout);
    });
  }

  /** Runs source middleware in order, as analytics.js does: a middleware that has returned (or whose
   * returned promise has settled) without calling `next` cancels the event; `next(null)` keeps it. */
  runMiddleware(event) {
    return this.middleware.reduce((previous, fn) => previous.then(async (current) => {
      if (!current) return null;
      let called = false;
      let replacement = null;
      try {
        await fn({ payload: facade(current), integrations: current.integrations || {}, next: (next) => { called = true; replacement = next; } });
      } catch (e) {
        this.warn('source middleware threw: ' + (e && e.message));
        return null;
      }
      if (!called) this.warn('source middleware did not call next(): event cancelled');
      return called ? (replacement && replacement.obj) || current : null;
    }), Promise.resolve(event));
  }

  addSourceMiddleware(fn) {
    if (typeof fn === 'function') this.middleware.push(fn);
    else this.warn('addSourceMiddleware() needs a function');
    return Promise.resolve(this);
  }

  user() { return this._user; }

  setAnonymousId(id) { return this._user.anonymousId(id === undefined ? undefined : id); }

  reset() {
    this.guard('reset', () => this.core.reset());
    this.emitter.emit('reset');
  }

  ready(callback) {
    if (typeof callback === 'function') {
      try { callback(); } catch (e) { console.warn('[wasm-analytics] ready callback threw', e); }
    }
    return Promise.resolve();
  }

  /** Sends what is queued now; resolves with the queue state once nothing is pending or in
   * flight, or after `maxWaitMs` (default 10 s) when the endpoint is unreachable. */
  flush(maxWaitMs) {
    this.guard('flush', () => this.core.flush());
    const until = Date.now() + (typeof maxWaitMs === 'number' ? maxWaitMs : 10000);
    return new Promise((resolve) => {
      const check = () => {
        const state = this.queueState() || {};
        if ((!state.pending && !state.inFlight) || Date.now() >= until) resolve(state);
        else setTimeout(check, 25);
      };
      check();
    });
  }

  /** Observable queue state: pending, inFlight, delivered, dropped (by reason). */
  queueState() { return this.guard('queueState', () => JSON.parse(this.core.queueState())); }

  debug(on) {
    this._debug = on !== false;
    if (!this._debug) { try { localStorage.removeItem('debug'); } catch (e) { /* storage blocked */ } }
    return this;
  }

  timeout(ms) { if (typeof ms === 'number' && ms >= 0) this._timeout = ms; }

  on(name, fn) { this.emitter.on(name, fn); return this; }
  once(name, fn) { this.emitter.once(name, fn); return this; }
  off(name, fn) { this.emitter.off(name, fn); return this; }

  trackLink(links, event, properties) { return this.trackElements(links, event, properties, 'click'); }
  trackForm(forms, event, properties) { return this.trackElements(forms, event, properties, 'submit'); }

  trackElements(elements, event, properties, domEvent) {
    // One element (a <form> or <select> has a `length` too), or a list (array, NodeList, jQuery object).
    const single = elements && typeof elements.addEventListener === 'function';
    const list = !elements ? [] : single ? [elements] : Array.from(elements);
    for (const el of list) {
      if (!el || typeof el.addEventListener !== 'function') continue;
      el.addEventListener(domEvent, () => {
        const name = typeof event === 'function' ? event(el) : event;
        const props = typeof properties === 'function' ? properties(el) : properties;
        this.track(name, props);
      });
    }
    return this;
  }

  register() { this.warn('register(): plugins are not supported yet'); return Promise.resolve(); }
  deregister() { return Promise.resolve(); }
  addDestinationMiddleware() { return Promise.resolve(this); }
  addIntegrationMiddleware() { return Promise.resolve(this); }
  pageview(url) { return this.page({ path: url }); }

  guard(name, fn) {
    try { return fn(); } catch (e) { this.warn(name + '() failed: ' + (e && e.message)); return undefined; }
  }
}

// Aliases analytics.js users know.
Analytics.prototype.trackClick = Analytics.prototype.trackLink;
Analytics.prototype.trackSubmit = Analytics.prototype.trackForm;

/** What event methods resolve with: analytics.js's Context, with the event parsed on first use. */
class Context {
  constructor(body) { this.body = body; this.parsed = undefined; }
  get event() { return this.parsed || (this.parsed = JSON.parse(this.body)); }
}

function facade(event) {
  return { obj: event, type: () => event.type, event: () => event.event, userId: () => event.userId, anonymousId: () => event.anonymousId };
}

function emitEvent(emitter, type, e) {
  const options = { context: e.context, integrations: e.integrations };
  switch (type) {
    case 'track': return emitter.emit('track', e.event, e.properties, options);
    case 'page':
    case 'screen': return emitter.emit(type, e.category || null, e.name || null, e.properties, options);
    case 'identify': return emitter.emit('identify', e.userId, e.traits, options);
    case 'group': return emitter.emit('group', e.groupId, e.traits, options);
    case 'alias': return emitter.emit('alias', e.userId, e.previousId, options);
    default: return undefined;
  }
}

