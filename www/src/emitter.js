// A small event emitter with analytics.js's `on / once / off / emit`. A listener that throws is
// reported and skipped: one site's bad listener must not stop the others or the library.
// Listeners live in a Map keyed by the name as given: no prototype (`'constructor'`,
// `'__proto__'`, `'toString'` are names like any other) and no string conversion (a Symbol or an
// object whose toString throws is a key, not an exception), so these methods never throw.

/** Calls the site's `fn(...args)`: what it throws is logged (`about` names the function; the console
 * shows its values without converting them to strings), never thrown on. */
export function safely(fn, args, ...about) {
  try { fn(...args); } catch (e) { console.warn('[wasm-analytics]', ...about, 'threw', e); }
}

/** A thrown value as text, whatever it is (a Symbol, an object whose toString throws). */
export function describe(e) {
  try { return String(e && e.message || e); } catch (x) { return 'error'; }
}

export class Emitter {
  constructor() { this.listeners_ = new Map(); }
  on(name, fn) {
    if (typeof fn === 'function') this.listeners_.set(name, this.list_(name).concat(fn));
    return this;
  }
  once(name, fn) {
    const wrapped = (...args) => { this.off(name, wrapped); fn(...args); };
    return this.on(name, typeof fn === 'function' && wrapped);
  }
  off(name, fn) {
    if (this.listeners_.has(name)) this.listeners_.set(name, fn ? this.list_(name).filter((l) => l !== fn) : []);
    return this;
  }
  emit(name, ...args) {
    for (const fn of this.list_(name)) safely(fn, args, 'listener for', name);
    return this;
  }
  list_(name) { return this.listeners_.get(name) || []; }
  has_(name) { return this.list_(name).length > 0; }
}
