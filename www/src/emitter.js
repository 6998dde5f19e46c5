// A small event emitter with analytics.js's `on / once / off / emit`. A listener that throws is
// reported and skipped: one site's bad listener must not stop the others or the library.
// Listeners live in a Map keyed by the name as given: no prototype (`'constructor'`,
// `'__proto__'`, `'toString'` are names like any other) and no string conversion (a Symbol or an
// object whose toString throws is a key, not an exception), so these methods never throw.

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
    for (const fn of this.list_(name)) {
      try { fn(...args); } catch (e) { console.warn('[wasm-analytics] listener for "' + String(name) + '" threw', e); }
    }
  }
  list_(name) { return this.listeners_.get(name) || []; }
  has_(name) { return this.list_(name).length > 0; }
}
