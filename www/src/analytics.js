// The analytics.js 2.0 call API over the wasm core. Every public method catches everything: a
// tracking call on someone else's page returns normally, whatever it was given. The core decides
// (argument roles, identity, the envelope, delivery); this file passes values and runs callbacks.
// Members whose names end in `_` are internal, not analytics.js API: the build shortens them (mangleProps).

import { Emitter, safely, describe } from './emitter.js';
import { kindOf, toJson } from './serialize.js';
import { pageJson, pageSnapshot } from './page.js';
import { User, Group } from './user.js';
import { Context } from './context.js';

// Field numbers of the core's identity/setIdentity (src/js_contract.rs `field`; tests/js_contract.rs checks).
const CONSENT = 6;
const SERVER_REPORT = 5;
const STORING = 7;
// The number of 'addSourceMiddleware() needs a function' in www/src/debug.js (tests/debug_texts.rs checks).
const NOT_A_FUNCTION = 23;

export const VERSION = '0.1.0';

/** Listeners (`on/once/off`, and `emit` as on analytics-next's Analytics) come from the Emitter it extends. */
export class Analytics extends Emitter {
  constructor(core, settings) {
    super();
    this.core_ = core;
    this.settings = settings;
    this.timeout_ = 300;
    this.user_ = new User(core);
    this.group_ = new Group(core);
    this.VERSION = VERSION;
    this.initialized = true;
    // Methods work detached too (`const { track } = analytics`, `analytics.track.call(null)`).
    for (const name of Object.getOwnPropertyNames(Analytics.prototype).concat(Object.getOwnPropertyNames(Emitter.prototype))) {
      if (name !== 'constructor' && typeof this[name] === 'function') this[name] = this[name].bind(this);
    }
    core.onDrop_((reason, messageId) => {
      this.warn_('event ' + messageId + ' dropped: ' + reason);
      this.emit('error', { code: 'delivery_failure', reason, messageId });
    });
  }

  /** A debug-mode line: `message`, then `code` if given: a text, or the number of one in www/src/debug.js (fetched
   * when debug mode turns on). Lines wait for it (at most 64) and print in order; if it cannot be loaded they print
   * the number. */
  warn_(message, code) {
    if (this.debug_ && message != null && this.lines_.length < 64) this.lines_.push([message, code]);
    const texts = this.texts_;
    if (texts) for (const [m, c] of this.lines_.splice(0)) console.warn('[wasm-analytics] ' + m + (texts[c] ?? c ?? ''));
  }

  // track, page, screen, identify, alias: defined below the class, one line each.
  group(...args) {
    if (args.length === 0) return this.group_;
    return this.dispatch_('group', args);
  }

  /** One event call: normalise → core.build → middleware → core.enqueue → callbacks. */
  dispatch_(type, args) {
    let callback;
    try {
      let count = args.length;
      let page;
      let at = Date.now();
      let bpc = args[count - 1];
      if (bpc && typeof bpc === 'object' && bpc.__t === 'bpc') {
        count--;
        page = pageJson(bpc);
        if (typeof bpc.d === 'number') at = bpc.d;
      } else {
        page = pageJson();
        bpc = 0;
      }
      callback = args.slice(0, count).find((a) => typeof a === 'function');
      const direct = !this.plugins_;
      const body = this.build_(type, args, count, page, at, direct);
      if (!body) return this.finish_(callback, dropped(type, this.core_.inert_ || 'invalid arguments: no event built'));
      if (direct) return this.accepted_(type, new Context(body), callback);
      // Until the plugin module arrives the call also waits in `waiting_` as the snippet queues it (its
      // arguments, page and time): a visitor who leaves first has it saved for the next page (load.js,
      // saveWaiting), which takes it off the list; then it is not sent here too.
      const waiting = this.waiting_;
      const call = waiting && [type, ...args.slice(0, count), bpc || Object.assign({ __t: 'bpc', d: at }, pageSnapshot())];
      if (call) waiting.push(call);
      // Source middleware and plugins run in www/src/plugins.js (fetched on first use; events keep their
      // call order), which queues the event and finishes the call. Whatever they leave in the event (a
      // BigInt, a cycle, a throwing getter), the returned promise never rejects and the callback fires.
      // Without the module (it failed to load) the event goes to the core as built.
      return this.plugins_.then((p) => {
        if (call) {
          if (waiting[0] !== call) return this.finish_(callback, dropped(type, 'saved for the next page'));
          waiting.shift();
        }
        return p ? p.run_(type, body, callback) : (this.core_.enqueue_(body), this.accepted_(type, new Context(body), callback));
      }).catch((e) => this.finish_(callback, dropped(type, describe(e))));
    } catch (e) {
      this.warn_(type + '() failed: ' + describe(e));
      return this.finish_(callback, dropped(type, type + '() failed: ' + describe(e)));
    }
  }

  /** The first five of `count` arguments as kinds + texts for the core, packed into one string with the page
   * JSON (src/core/event/call_texts.rs: `type kinds `, then `length text` for the page and each argument).
   * `enqueue`: the core queues the event itself (no middleware or plugins to run first). */
  build_(type, args, count, page, at, enqueue) {
    const warn = this.debug_ ? (why) => this.warn_(type + '(): ', why) : undefined;
    let kinds = '';
    let texts = page.length + ' ' + page;
    for (const a of args.slice(0, Math.min(count, 5))) {
      let kind = kindOf(a);
      let text = kind === 's' ? a : kind === 'n' ? String(a) : kind === 'o' ? toJson(a, warn) : '';
      if (text === undefined) {
        kind = '?'; // unserialisable: the core treats it as a wrong-typed argument
        text = '';
      }
      kinds += kind;
      texts += text.length + ' ' + text;
    }
    const body = this.core_.build_(type + ' ' + kinds + ' ' + texts, at, enqueue);
    // The core's repairs and refusals: one character per reason number.
    if (warn) for (const code of this.core_.takeWarnings_()) warn(code.charCodeAt());
    return body;
  }

  accepted_(type, ctx, callback) {
    if (this.has_(type)) emitEvent(this, type, ctx.event);
    return this.finish_(callback, ctx);
  }

  /** Resolves with the context; a callback runs after the `timeout` (300 ms by default), as in analytics.js.
   * Without a callback no timer is armed: a timer per call cost more than the rest of track(). */
  finish_(callback, ctx) {
    if (!callback) return Promise.resolve(ctx);
    return new Promise((resolve) => {
      setTimeout(() => {
        safely(callback, [ctx], 'callback');
        resolve(ctx);
      }, this.timeout_);
    });
  }

  /** Runs `fn` on every later event before the plugins (www/src/plugins.js, fetched now). */
  addSourceMiddleware(fn) {
    if (typeof fn === 'function') return this.withPlugins_((p) => p.sourceMiddleware_.push(fn)).then(() => this);
    this.warn_('', NOT_A_FUNCTION);
    return Promise.resolve(this);
  }

  user() { return this.user_; }

  setAnonymousId(id) { return this.user_.anonymousId(id); }

  reset() {
    this.guard_('reset', () => this.core_.reset_());
    this.emit('reset');
  }

  /** The visitor's consent: `'granted'`, `'denied'` or `{category: boolean}` (see README, Consent). The core
   * decides; a change that leaves consent granted is announced as Segment's consent wrapper does. */
  consent(preferences) {
    const flags = this.guard_('consent', () => this.core_.setIdentity_(CONSENT, toJson(preferences) || '')) | 0;
    if (flags & 1) this.track('Segment Consent Preference Updated');
    if (flags & 2) this.reportId_();
    return Promise.resolve();
  }

  /** The event calls still waiting for the plugin module (in the snippet's shape), while consent lets the page
   * store (the core decides); else nothing. load.js saves them at pagehide. */
  waitingToSave_() {
    return this.core_.identity_(STORING) != null && this.waiting_;
  }

  /** `cookie.serverManaged`: tells the site's id endpoint the anonymousId when its server has not set the cookie. */
  reportId_() {
    const id = this.core_.identity_(SERVER_REPORT);
    const cookie = this.settings.cookie;
    if (id) this.guard_('report', () => fetch((cookie && cookie.idEndpoint) || '/wa/id', { method: 'POST', body: id, keepalive: true }).catch(() => {}));
  }

  ready(callback) {
    if (typeof callback === 'function') safely(callback, [], 'ready callback');
    return Promise.resolve();
  }

  /** Sends what is queued now; resolves with the queue state once nothing is pending or in
   * flight, or after `maxWaitMs` (default 10 s) when the endpoint is unreachable. */
  flush(maxWaitMs) {
    this.guard_('flush', () => this.core_.flush_());
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
  queueState() { return this.guard_('queueState', () => JSON.parse(this.core_.queueState_())); }

  debug(on) {
    this.debug_ = on !== false;
    if (!this.debug_) { try { localStorage.removeItem('debug'); } catch (e) { /* storage blocked */ } }
    else if (!this.lines_) {
      this.lines_ = [];
      // Never rejects: without the module the lines print the reason numbers.
      import('./debug.js').then((m) => m.default, () => []).then((texts) => {
        this.texts_ = texts;
        this.warn_();
      }).catch(() => {});
    }
    return this;
  }

  timeout(ms) { if (typeof ms === 'number' && ms >= 0) this.timeout_ = ms; }


  trackLink(links, event, properties) { return this.trackElements_(links, event, properties, 'click'); }
  trackForm(forms, event, properties) { return this.trackElements_(forms, event, properties, 'submit'); }

  trackElements_(elements, event, properties, domEvent) {
    // One element (a <form> or <select> has a `length` too), or a list (array, NodeList, jQuery object).
    // Hostile lists (a Proxy whose traps throw) and name/property functions that throw are contained.
    this.guard_('trackLink', () => {
      const single = elements && typeof elements.addEventListener === 'function';
      const list = !elements ? [] : single ? [elements] : Array.from(elements);
      for (const el of list) {
        if (!el || typeof el.addEventListener !== 'function') continue;
        el.addEventListener(domEvent, () => this.guard_('trackLink', () => {
          const name = typeof event === 'function' ? event(el) : event;
          const props = typeof properties === 'function' ? properties(el) : properties;
          this.track(name, props);
        }));
      }
    });
    return this;
  }

  /** analytics-next's plugins (www/src/plugins.js, fetched on first use): resolves a Context. */
  register(...plugins) { return this.withPlugins_((p) => p.register(plugins)); }
  deregister(...names) { return this.withPlugins_((p) => p.deregister(names)); }
  addDestinationMiddleware(name, ...fns) { return this.withPlugins_((p) => p.addDestinationMiddleware(name, fns)).then(() => this); }

  withPlugins_(fn) {
    // Never rejects: a plugin module that fails to load leaves events going straight to the core.
    if (!this.plugins_) {
      this.waiting_ = [];
      this.plugins_ = import('./plugins.js').then((m) => new m.Plugins(this, Context, toJson), () => null).finally(() => { this.waiting_ = null; });
    }
    return this.plugins_.then((p) => (p ? fn(p) : Context.system())).catch((e) => {
      this.warn_('plugins failed: ' + describe(e));
      return Context.system();
    });
  }
  addIntegrationMiddleware() { return Promise.resolve(this); }
  pageview(url) { return this.page({ path: url }); }

  guard_(name, fn) {
    try { return fn(); } catch (e) { this.warn_(name + '() failed: ' + describe(e)); return undefined; }
  }
}

for (const type of ['track', 'page', 'screen', 'identify', 'alias']) {
  Analytics.prototype[type] = function (...args) { return this.dispatch_(type, args); };
}
// Aliases analytics.js users know.
Analytics.prototype.trackClick = Analytics.prototype.trackLink;
Analytics.prototype.trackSubmit = Analytics.prototype.trackForm;

/** The context of a call that sent nothing: the reason is its `failedDelivery()`. */
function dropped(type, reason) { return new Context({ type }, reason); }

/** The listener arguments of each event type before `options`, as analytics.js emits them. */
const EMITTED = {
  track: (e) => [e.event, e.properties],
  page: (e) => [e.category || null, e.name || null, e.properties],
  identify: (e) => [e.userId, e.traits],
  group: (e) => [e.groupId, e.traits],
  alias: (e) => [e.userId, e.previousId],
};
EMITTED.screen = EMITTED.page;

function emitEvent(emitter, type, e) {
  emitter.emit(type, ...EMITTED[type](e), { context: e.context, integrations: e.integrations });
}
