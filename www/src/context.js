// What every event call resolves with: analytics-next's Context. `event` is the event as sent (parsed from
// the core's body on first use, so a call whose caller ignores it pays nothing); a call that produced no
// event (invalid arguments, cancelled by middleware or a plugin, library disabled) resolves a Context
// whose `failedDelivery()` holds the reason. The methods plugins use (`updateEvent`, `cancel`, `log`…) are
// installed by `withPluginMethods`: at once by the npm entry, and by the plugin runner when a script-tag
// site first calls register() or adds middleware (they are not in the script a page loads).
// Must not import the wasm core or the Analytics class.

let ids = 0;

export class Context {
  /** `body`: the event's JSON text, or the event object itself. `reason`: why the call sent nothing. */
  constructor(body, reason) {
    this.body_ = body;
    this.parsed_ = typeof body === 'string' ? undefined : body;
    this.failed_ = reason === undefined ? undefined : { reason };
    this.id = 'ctx-' + ++ids;
  }

  get event() { return this.parsed_ || (this.parsed_ = JSON.parse(this.body_)); }
  set event(event) { this.parsed_ = event; }
  failedDelivery() { return this.failed_; }

  /** The context register() and load() resolve with (analytics-next's `Context.system()`). */
  static system() { return new Context({ type: 'track', event: 'system' }); }
}

/** Thrown by `ctx.cancel()`; analytics-next's ContextCancelation. */
export class ContextCancelation {
  constructor(options) {
    const o = options || {};
    this.retry = o.retry !== undefined ? o.retry : true;
    this.type = o.type || 'plugin Error';
    this.reason = o.reason || '';
  }
}

const NO_STATS = { increment() {}, gauge() {}, flush() {} };

/** Gives `ContextClass` the rest of analytics-next's Context API (once). */
export function withPluginMethods(ContextClass) {
  Object.assign(ContextClass.prototype, {
    attempts: 0,
    stats: NO_STATS,
    isSame(other) { return !!other && other.id === this.id; },
    /** Sets a dotted `path` of the event (creating objects on the way) and returns the event. */
    updateEvent(path, value) {
      const keys = String(path).split('.');
      if (keys.some((key) => key === '__proto__' || key === 'constructor' || key === 'prototype')) return this.event;
      let at = this.event;
      for (let i = 0; i < keys.length - 1; i++) {
        const next = at[keys[i]];
        at = at[keys[i]] = next && typeof next === 'object' ? next : {};
      }
      at[keys[keys.length - 1]] = value;
      return this.event;
    },
    /** Stops this event: a `before` plugin calling it drops the event. Always throws. */
    cancel(error) { throw error || new ContextCancelation({ reason: 'Context Cancel' }); },
    setFailedDelivery(failure) { this.failed_ = failure; },
    log(level, message, extras) { (this.logs_ = this.logs_ || []).push({ level, message, time: new Date(), extras }); },
    logs() { return this.logs_ || []; },
    flush() {},
    toJSON() { return { id: this.id, event: this.event, logs: this.logs(), metrics: [] }; },
  });
  return ContextClass;
}
