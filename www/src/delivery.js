// Executes the core's delivery decisions: the one place that turns a transmit into fetch or
// sendBeacon, and the one timer. The core decides what to send, when, and what a response means;
// this file only carries bytes and reports outcomes back (the shell's drive loop, in JS to keep
// the wasm free of promise machinery).

const HIDE_BUDGET = 64 * 1024 - 1024; // Chromium's keepalive in-flight limit, minus headroom

export class Delivery {
  constructor(core, apiHost, emitter) {
    this.core = core;
    this.apiHost = apiHost.replace(/\/+$/, '');
    this.emitter = emitter;
    this.timer = 0;
    this.scheduled = false;
    this.waiters = [];
  }

  /** Call after anything that may have produced work; coalesces a burst into one drain. */
  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => { this.scheduled = false; this.drain(-1); });
  }

  /** Sends everything the core releases now; `budget` ≥ 0 is a page-hide flush within that many bytes. */
  drain(budget) {
    const now = Date.now();
    let transmit;
    while ((transmit = this.core.pollTransmit(now, budget))) {
      const nl1 = transmit.indexOf('\n');
      const nl2 = transmit.indexOf('\n', nl1 + 1);
      const id = +transmit.slice(0, nl1);
      const path = transmit.slice(nl1 + 1, nl2);
      const body = transmit.slice(nl2 + 1);
      if (budget >= 0) budget = Math.max(0, budget - body.length);
      this.send(id, this.apiHost + path, body);
    }
    this.arm();
    this.settle();
  }

  send(id, url, body) {
    let request;
    try {
      request = fetch(url, { method: 'POST', keepalive: body.length < HIDE_BUDGET, headers: { 'Content-Type': 'text/plain' }, body });
    } catch (e) {
      request = Promise.reject(e);
    }
    request.then(
      (response) => this.answer(id, response.status, retryAfter(response)),
      () => this.answer(id, 0, -1),
    );
  }

  answer(id, status, retryAfterSecs) {
    try {
      this.core.onResponse(id, status, retryAfterSecs, Date.now());
      this.report();
    } catch (e) { /* the core never throws; a dead instance must not take the page with it */ }
    this.drain(-1);
  }

  arm() {
    const deadline = this.core.pollTimeout();
    clearTimeout(this.timer);
    if (deadline >= 0) {
      this.timer = setTimeout(() => { this.core.onTimeout(Date.now()); this.drain(-1); }, Math.max(0, deadline - Date.now()));
    }
  }

  /** Page hide: hand what is queued to keepalive fetches within the browser's budget. */
  flushOnHide() { this.drain(HIDE_BUDGET); }

  report() {
    const diagnostics = this.core.takeDiagnostics();
    if (diagnostics) this.emitter.emit('diagnostics', diagnostics.split('\n'));
  }

  /** Resolves when nothing is pending or in flight (what `analytics.flush()` waits for). */
  idle() {
    return new Promise((resolve) => { this.waiters.push(resolve); this.settle(); });
  }

  settle() {
    if (!this.waiters.length) return;
    const state = JSON.parse(this.core.queueState());
    if (state.pending === 0 && state.inFlight === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((resolve) => resolve(state));
    }
  }
}

function retryAfter(response) {
  const value = response.headers && response.headers.get('Retry-After');
  const seconds = value === null ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : -1;
}
