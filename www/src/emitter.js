// A small event emitter with analytics.js's `on / once / off / emit`. A listener that throws is
// reported and skipped: one site's bad listener must not stop the others or the library.

export class Emitter {
  constructor() { this.listeners_ = {}; }
  on(name, fn) {
    if (typeof fn === 'function') (this.listeners_[name] = this.listeners_[name] || []).push(fn);
    return this;
  }
  once(name, fn) {
    const wrapped = (...args) => { this.off(name, wrapped); fn(...args); };
    return this.on(name, wrapped);
  }
  off(name, fn) {
    const list = this.listeners_[name];
    if (list) this.listeners_[name] = fn ? list.filter((l) => l !== fn) : [];
    return this;
  }
  emit(name, ...args) {
    for (const fn of (this.listeners_[name] || []).slice()) {
      try { fn(...args); } catch (e) { console.warn('[wasm-analytics] listener for "' + name + '" threw', e); }
    }
  }
  has_(name) { return !!(this.listeners_[name] && this.listeners_[name].length); }
}
