// A recording Segment-style endpoint for end-to-end tests, with programmable faults.
// Accepts POST /v1/<anything> (t, p, i, g, a, s, b, batch, track, page, ...), JSON or text/plain JSON bodies,
// optionally gzip; answers CORS preflight; records every request (parsed body, headers, arrival time, what it
// answered). Faults: status N (with Retry-After) for the next K requests or for a time window, hang (never
// answer), slow answers, and refused connections (listener closed, reopened later on the same port).
// Listens on 127.0.0.1 only. Owns no browser and no static files (see browser.mjs, static-server.mjs).
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

/** Starts a recorder on `host`:`port` (0 = any free port). Set RECORDER_LOG=1 to print each request. */
export async function startRecorder({ host = '127.0.0.1', port = 0, log = !!process.env.RECORDER_LOG } = {}) {
  const recorder = new Recorder(host, log);
  await recorder.listen(port);
  return recorder;
}

/** The recording endpoint; see startRecorder. */
export class Recorder {
  constructor(host, log) {
    this.host = host;
    this.log = log;
    /** Every request in arrival order: { seq, method, path, type, headers, raw, body, events, writeKey, at, status }. */
    this.records = [];
    this.faults = [];
    this.sockets = new Set();
    this.waiters = [];
    this.server = http.createServer((req, res) => this.#onRequest(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Base URL, e.g. http://127.0.0.1:41234 (what a library gets as its apiHost, with scheme). */
  get origin() {
    return `http://${this.host}:${this.port}`;
  }

  /** `origin` without the scheme, e.g. 127.0.0.1:41234 (Segment's `apiHost` form is "host/v1"). */
  get hostPort() {
    return `${this.host}:${this.port}`;
  }

  /** Full URL of a path on this recorder. */
  url(p = '/v1/batch') {
    return this.origin + p;
  }

  /** Starts listening (again) on `port`; used at start and by `accept()`. */
  listen(port) {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        this.port = this.server.address().port;
        resolve();
      });
    });
  }

  // ---- fault injection -------------------------------------------------------------------------------------

  /**
   * Answer `status` (e.g. 500, 429) instead of 200. Limits: `count` requests and/or `ms` milliseconds from now;
   * neither = until clearFaults(). `retryAfter` (seconds, or any string) sets the Retry-After header.
   * `match`: only requests whose path includes this string / matches this RegExp / passes this function.
   */
  respondWith(status, { count, ms, retryAfter, body, match } = {}) {
    return this.#addFault({ kind: 'status', status, retryAfter, body }, { count, ms, match });
  }

  /** Never answer matching requests (same limits as respondWith). Hung requests stay open until
   * releaseHung(), refuse() or close(). */
  hang({ count, ms, match } = {}) {
    return this.#addFault({ kind: 'hang' }, { count, ms, match });
  }

  /** Answer normally but only after `delayMs` (same limits as respondWith). */
  slow(delayMs, { count, ms, match } = {}) {
    return this.#addFault({ kind: 'slow', delayMs }, { count, ms, match });
  }

  /** Removes every fault rule (hung requests stay hung; see releaseHung). */
  clearFaults() {
    this.faults = [];
  }

  /** Destroys the connections of hung requests (the browser sees a network error). */
  releaseHung() {
    for (const r of this.records) if (r.status === 'hang' && r.res) r.res.socket?.destroy();
  }

  /**
   * Server down: closes the listener and every open connection, so new connections are refused.
   * With `ms`, reopens on the same port after that long; otherwise call accept().
   */
  async refuse(ms) {
    await new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    this.refusing = true;
    if (ms !== undefined) this.reopenTimer = setTimeout(() => this.accept().catch((e) => console.error('[recorder] reopen failed', e)), ms);
  }

  /** Server back up after refuse(): listens again on the same port. */
  async accept() {
    clearTimeout(this.reopenTimer);
    if (!this.refusing) return;
    this.refusing = false;
    await this.listen(this.port);
  }

  #addFault(action, { count, ms, match }) {
    const rule = {
      ...action,
      remaining: count ?? Infinity,
      until: ms === undefined ? Infinity : Date.now() + ms,
      match: toMatcher(match),
    };
    this.faults.push(rule);
    return rule;
  }

  #takeFault(path) {
    const now = Date.now();
    const rule = this.faults.find((f) => f.remaining > 0 && now < f.until && f.match(path));
    if (rule) rule.remaining -= 1;
    return rule;
  }

  // ---- reading what arrived ------------------------------------------------------------------------------

  /** Requests answered with 2xx. */
  accepted() {
    return this.records.filter((r) => typeof r.status === 'number' && r.status >= 200 && r.status < 300);
  }

  /** Events (batch items flattened) of accepted requests, in arrival order; `all: true` includes faulted ones. */
  events({ all = false } = {}) {
    return (all ? this.records : this.accepted()).flatMap((r) => r.events);
  }

  /** messageIds of accepted events, in arrival order (with repeats). */
  messageIds() {
    return this.events().map((e) => e && e.messageId);
  }

  /**
   * Delivery counts for a fault matrix: { received, unique, duplicates, lost, unexpected }.
   * `sentIds` (optional): the messageIds the page sent; `lost` = sent but never accepted.
   */
  tally(sentIds) {
    const ids = this.messageIds();
    const unique = new Set(ids);
    const out = { received: ids.length, unique: unique.size, duplicates: ids.length - unique.size };
    if (sentIds) {
      const sent = new Set(sentIds);
      out.lost = [...sent].filter((id) => !unique.has(id)).length;
      out.unexpected = [...unique].filter((id) => !sent.has(id)).length;
    }
    return out;
  }

  /**
   * Resolves with the accepted events once `condition` holds: a number (at least that many accepted events)
   * or a function (events) => boolean. Rejects after `timeout` ms with the counts seen so far.
   */
  waitForEvents(condition, { timeout = 10000 } = {}) {
    const test = typeof condition === 'number' ? (ev) => ev.length >= condition : condition;
    return new Promise((resolve, reject) => {
      const waiter = { check: () => test(this.events()) && (finish(), resolve(this.events())) };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`recorder: timed out after ${timeout} ms; ${this.events().length} accepted events in ` +
          `${this.records.length} requests (${this.records.map((r) => `${r.path}:${r.status}`).join(' ')})`));
      }, timeout);
      const finish = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
      waiter.check();
    });
  }

  /** Forgets every record (fault rules stay). */
  clear() {
    this.records = [];
  }

  /** Stops the recorder and drops every connection. */
  async close() {
    clearTimeout(this.reopenTimer);
    this.refusing = false;
    for (const s of this.sockets) s.destroy();
    if (this.server.listening) await new Promise((resolve) => this.server.close(() => resolve()));
  }

  // ---- HTTP --------------------------------------------------------------------------------------------

  async #onRequest(req, res) {
    const cors = corsHeaders(req);
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      return res.end();
    }
    if (req.method !== 'POST' || !path.startsWith('/v1/')) {
      res.writeHead(404, { ...cors, 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    const record = await readRecord(req, path, this.records.length);
    this.records.push(record);
    const fault = this.#takeFault(path);
    if (this.log) console.log(`[recorder] ${record.method} ${path} ${record.events.length} ev` + (fault ? ` -> ${fault.kind}` : ''));
    if (fault?.kind === 'hang') {
      record.status = 'hang';
      Object.defineProperty(record, 'res', { value: res, enumerable: false });
      return this.#notify();
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    const status = fault?.kind === 'status' ? fault.status : 200;
    record.status = status;
    const headers = { ...cors, 'Content-Type': 'application/json' };
    if (fault?.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
    res.writeHead(status, headers);
    res.end(fault?.body ?? (status < 300 ? '{"success":true}' : `{"error":"injected ${status}"}`));
    this.#notify();
  }

  #notify() {
    for (const w of [...this.waiters]) w.check();
  }
}

async function readRecord(req, path, seq) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  let buf = Buffer.concat(chunks);
  if (/gzip/i.test(req.headers['content-encoding'] ?? '')) {
    try { buf = gunzipSync(buf); } catch { /* keep raw bytes; body stays unparsed */ }
  }
  const raw = buf.toString('utf8');
  let body = null;
  try { body = JSON.parse(raw); } catch { /* not JSON: body null, raw kept */ }
  const events = body && Array.isArray(body.batch) ? body.batch : body && typeof body === 'object' ? [body] : [];
  return {
    seq, method: req.method, path, type: path.slice('/v1/'.length), headers: req.headers, raw, body, events,
    writeKey: (body && body.writeKey) || basicUser(req.headers.authorization), at: Date.now(), status: null,
  };
}

function basicUser(auth) {
  const m = /^Basic\s+(.+)$/i.exec(auth ?? '');
  return m ? Buffer.from(m[1], 'base64').toString('utf8').split(':')[0] : null;
}

function corsHeaders(req) {
  return {
    'Access-Control-Allow-Origin': req.headers.origin ?? '*',
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Content-Type, Authorization',
    'Access-Control-Expose-Headers': 'Retry-After',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

function toMatcher(match) {
  if (match === undefined) return () => true;
  if (typeof match === 'function') return match;
  if (match instanceof RegExp) return (p) => match.test(p);
  return (p) => p.includes(match);
}
