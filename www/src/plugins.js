// Source middleware and analytics-next's plugin contract, loaded only when a site calls addSourceMiddleware(),
// register() or addDestinationMiddleware(). Source middleware runs first, in order, as analytics.js runs it: a
// middleware that has returned (or whose returned promise has settled) without calling `next` cancels the
// event; `next(null)` keeps it. Plugins
// `{name, type, version, isLoaded, load(ctx, analytics), unload?, track?/page?/…(ctx)}` run in JS on the event
// the core built. `before` plugins run in order and may cancel (a throw, `ctx.cancel()` or no context
// returned drops the event); `enrichment` plugins run in order and their changes reach the wire (a throw is
// logged and skipped); the event is then queued. `destination` plugins (and their destination middleware)
// and then `after` plugins get it on a later task, each isolated: a throwing or slow one never holds up
// delivery, the call's promise or another plugin, and nothing it throws reaches the page.
// Must not import the wasm core; owns no identity or envelope rule.

import { withPluginMethods } from './context.js';
import { describe } from './emitter.js';

const isContext = (value) => !!value && typeof value === 'object' && value.event !== undefined;

export class Plugins {
  /** `ContextClass` and `toJson` (www/src/serialize.js): the loaded script's (this module is built apart: it
   * has no copy of its own). */
  constructor(analytics, ContextClass, toJson) {
    this.Context_ = withPluginMethods(ContextClass);
    this.toJson_ = toJson;
    this.analytics_ = analytics;
    this.list_ = [];
    this.sourceMiddleware_ = [];
    this.destinationMiddleware_ = [];
    this.tail_ = Promise.resolve();
  }

  /** One `type` call's event the core built (`body`, its JSON text) through the source middleware, then the
   * before and enrichment plugins, into the core's queue, then to the destinations: resolves what the call
   * resolves (analytics.finish_), its context or a dropped one with the reason. Middleware and plugins may be
   * async: one event at a time, so events keep their call order. */
  run_(type, body, callback) {
    const analytics = this.analytics_;
    const run = this.tail_.then(async () => {
      const event = await this.runMiddleware_(JSON.parse(body));
      return event ? this.enrich_(new this.Context_(event)) : 'cancelled by source middleware';
    });
    this.tail_ = run.then(() => undefined, () => undefined);
    return run.then((ctx) => {
      // What middleware or plugins left is repaired (a BigInt, a cycle) or, when it cannot be sent, dropped.
      const text = typeof ctx === 'string' ? undefined : this.toJson_(ctx.event);
      if (!text) return analytics.finish_(callback, new this.Context_({ type }, typeof ctx === 'string' ? ctx : 'the event left by middleware or plugins cannot be serialised'));
      analytics.core_.enqueue_(text);
      const result = analytics.accepted_(type, ctx, callback);
      this.deliver_(ctx);
      return result;
    });
  }

  /** The event after each source middleware in turn, or null when one cancelled it. */
  runMiddleware_(event) {
    const analytics = this.analytics_;
    return this.sourceMiddleware_.reduce((previous, fn) => previous.then(async (current) => {
      if (!current) return null;
      let called = false;
      let replacement = null;
      try {
        await fn({ payload: facade(current), integrations: current.integrations || {}, next: (next) => { called = true; replacement = next; } });
      } catch (e) {
        analytics.warn_('source middleware threw: ' + describe(e));
        return null;
      }
      if (!called) analytics.warn_('source middleware did not call next(): event cancelled');
      return called ? (replacement && replacement.obj) || current : null;
    }), Promise.resolve(event));
  }

  /** analytics.register(...plugins): loads each; resolves the system context once the non-destinations
   * have loaded (a destination loads in the background, as in analytics-next). A plugin whose load fails is
   * removed and reported. */
  async register(plugins) {
    const ctx = this.Context_.system();
    await Promise.all(plugins.map((plugin) => this.add_(ctx, plugin)));
    return ctx;
  }

  async add_(ctx, plugin) {
    if (!plugin || typeof plugin !== 'object' || typeof plugin.name !== 'string') {
      this.analytics_.warn_('register(): a plugin needs a name and a type');
      return;
    }
    this.list_.push(plugin);
    const failed = (error) => {
      this.list_ = this.list_.filter((p) => p !== plugin);
      console.warn('[wasm-analytics] plugin "' + plugin.name + '" failed to load', error);
      this.analytics_.emit('initialization_failure', plugin);
    };
    const loading = call(() => plugin.load && plugin.load(ctx, this.analytics_)).catch(failed);
    if (plugin.type !== 'destination') await loading;
  }

  /** analytics.deregister(...names): unloads and removes each named plugin. */
  async deregister(names) {
    const ctx = this.Context_.system();
    await Promise.all(names.map(async (name) => {
      const plugin = this.list_.find((p) => p.name === name);
      if (!plugin) return this.analytics_.warn_('deregister(): no plugin "' + name + '"');
      try {
        if (plugin.unload) await plugin.unload(ctx, this.analytics_);
        this.list_ = this.list_.filter((p) => p.name !== name);
      } catch (e) {
        this.analytics_.warn_('plugin "' + name + '" failed to unload: ' + (e && e.message));
      }
    }));
    return ctx;
  }

  /** addDestinationMiddleware(name | '*', ...fns): runs before that destination plugin sees an event. */
  addDestinationMiddleware(name, fns) {
    for (const fn of fns) if (typeof fn === 'function') this.destinationMiddleware_.push([String(name).toLowerCase(), fn]);
  }

  /** Runs the before and enrichment plugins on `ctx`; resolves the context to send, or a reason string
   * when a before plugin cancelled the event. */
  async enrich_(ctx) {
    for (const plugin of this.ofType_('before', ctx)) {
      const result = await this.attempt_(plugin, ctx);
      if (!isContext(result)) return 'cancelled by plugin "' + plugin.name + '"' + (result && result.reason ? ': ' + result.reason : '');
      ctx = result;
    }
    for (const plugin of this.ofType_('enrichment', ctx)) {
      const result = await this.attempt_(plugin, ctx);
      if (isContext(result)) ctx = result;
    }
    return ctx;
  }

  /** Hands the sent event to the destinations, then to the after plugins, on a later task. Never throws,
   * never awaited by the caller. */
  deliver_(ctx) {
    if (!this.list_.some((p) => p.type === 'destination' || p.type === 'after')) return;
    setTimeout(() => {
      const sent = this.ofType_('destination', ctx).map((plugin) => this.toDestination_(plugin, ctx));
      Promise.all(sent).then(() => this.ofType_('after', ctx).forEach((plugin) => this.attempt_(plugin, ctx)));
    }, 0);
  }

  async toDestination_(plugin, ctx) {
    let event = ctx.event;
    const name = plugin.name.toLowerCase();
    for (const [target, fn] of this.destinationMiddleware_) {
      if (target !== '*' && target !== name) continue;
      if (event === ctx.event) event = JSON.parse(JSON.stringify(event)); // the middleware changes this destination's copy
      let next;
      try {
        await fn({ payload: facade(event), integration: plugin.name, next: (payload) => { next = payload || null; } });
      } catch (e) {
        next = undefined;
      }
      if (!next) return; // not passed on: this destination does not get the event
      event = next.obj || event;
    }
    await this.attempt_(plugin, event === ctx.event ? ctx : new this.Context_(event));
  }

  /** The loaded plugins of `type` the event's `integrations` let through (destinations only, as in
   * analytics-next: an explicit `{Name: false}`, or `All: false` without `{Name: true}`, skips one). */
  ofType_(type, ctx) {
    const integrations = (ctx.event && ctx.event.integrations) || {};
    return this.list_.filter((p) => p.type === type &&
      (type !== 'destination' || (integrations[p.name] !== undefined ? integrations[p.name] !== false : integrations.All !== false)));
  }

  /** Runs the plugin's hook for the event type: resolves what it returned (the context, when it has no
   * hook), or the error it threw (logged in debug mode). */
  attempt_(plugin, ctx) {
    const hook = plugin[ctx.event.type];
    if (typeof hook !== 'function') return Promise.resolve(ctx);
    return call(() => hook.call(plugin, ctx)).catch((error) => {
      this.analytics_.warn_('plugin "' + plugin.name + '" threw: ' + (error && (error.reason || error.message)));
      return error;
    });
  }
}

/** Runs `fn`, turning a synchronous throw into a rejected promise. */
function call(fn) {
  try { return Promise.resolve(fn()); } catch (e) { return Promise.reject(e); }
}

/** The `payload` middleware functions get: analytics.js's facade over the event. */
function facade(event) {
  return { obj: event, type: () => event.type, event: () => event.event, userId: () => event.userId, anonymousId: () => event.anonymousId };
}
