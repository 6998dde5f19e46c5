// Seeded fuzz of the public API against the REAL collector: ≥ 10,000 calls across every public method with
// hostile values (undefined, null, cycles, throwing getters, Proxies whose traps throw, toJSON that throws,
// Symbols, BigInt, functions, DOM nodes, 1 MB strings, frozen objects, __proto__/constructor keys, lone
// surrogates, over-long ids, deep nesting) and hostile middleware and listeners, with a valid marker event
// interleaved every 25 calls. Asserts: no synchronous throw to the caller, no error reaching window.onerror
// or unhandledrejection, no returned promise rejecting, and every marker stored by the collector.
// Reproducible: FUZZ_SEED (default 20261204) and FUZZ_CALLS (default 10000). Prints the counts.
// Environment: Node's test runner, playwright-core + Chromium, www/ built by scripts/build, the collector.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser, recordPageErrors } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startCollector } from './lib/collector.mjs';

const SEED = Number(process.env.FUZZ_SEED || 20261204);
const CALLS = Number(process.env.FUZZ_CALLS || 10000);
const CHUNK = 500;
const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const collector = await startCollector();
const site = await startStaticServer({ root: WWW, pages: {
  '/fuzz.html': `<!doctype html><title>fuzz</title><body><a id="link" href="#">link</a><form id="form"></form>
<script src="/snippet.js"></script><script>analytics.load('fuzz-key', {apiHost: '${collector.apiHost}'});</script>`,
} });
after(async () => {
  await closeSharedBrowser();
  collector.close();
  await site.close();
});

/** Runs in the page: calls `from`..`to` of the seeded sequence; returns counts. */
async function fuzzChunk({ seed, from, to }) {
  const f = (window.__fuzz ??= setup(seed));
  for (let i = from; i < to; i++) f.step(i);
  await window.analytics.flush(20000);
  return f.counts;

  function setup(seed) {
    let state = seed >>> 0;
    const rand = () => {
      // mulberry32
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = (list) => list[Math.floor(rand() * list.length)];
    const megabyte = 'm'.repeat(1 << 20);
    const cyclic = { a: 1 }; cyclic.self = cyclic;
    const deep = {}; let d = deep; for (let k = 0; k < 200; k++) { d.n = {}; d = d.n; }
    const thrower = () => { throw new Error('fuzz: hostile'); };
    const hostile = [
      () => undefined, () => null, () => cyclic, () => ({ get boom() { return thrower(); } }),
      () => new Proxy({}, { get: thrower, ownKeys: thrower, getPrototypeOf: thrower, has: thrower, getOwnPropertyDescriptor: thrower }),
      () => ({ toJSON: thrower }), () => Symbol('fuzz'), () => 10n ** 30n, () => thrower, () => document.body,
      () => megabyte, () => ({ big: megabyte }), () => Object.freeze({ frozen: true, nested: Object.freeze({ x: 1 }) }),
      () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}'), () => ({ constructor: 'x', __proto__: null }),
      () => '😀'.slice(0, 1), () => ({ t: '\udc00 lone', [Symbol('k')]: 1 }), () => 'i'.repeat(300), () => '', () => NaN,
      () => Infinity, () => -0, () => [1, cyclic, 2n], () => deep, () => new Date('invalid'), () => new Date(0), () => window,
      () => 'plain', () => 42, () => ({ plan: 'pro', n: 1 }), () => [], () => true, () => new Map([[1, 2]]), () => /re/,
      () => ({ timestamp: pick(['soon', 12, {}, '2026-13-01T00:00:00Z']), userId: pick([{}, [], true, 'u'.repeat(300)]), anonymousId: pick([{}, 1, '']) }),
      () => ({ context: pick([null, 'str', cyclic, { ip: '1.1.1.1' }]), integrations: pick([1, 'x', { All: false, X: cyclic }]) }),
      () => new Error('an error'), () => Object.create({ inherited: 1 }), () => new (class Custom { x = 1; })(),
    ];
    const value = () => pick(hostile)();
    const args = () => { const n = Math.floor(rand() * 6); const out = []; for (let k = 0; k < n; k++) out.push(value()); return out; };
    const counts = { calls: 0, byMethod: {}, syncThrows: 0, rejected: 0, markers: 0, threw: [] };
    let misbehave = 0;
    const isMarker = (payload) => { try { return String(payload.obj.event).startsWith('marker-'); } catch (e) { return false; } };
    const middlewares = [
      ({ payload, next }) => { if (!isMarker(payload) && ++misbehave % 3 === 0) thrower(); next(payload); },
      ({ payload, next }) => { if (!isMarker(payload) && ++misbehave % 4 === 0) return; next(payload); },
      ({ payload, next }) => { if (!isMarker(payload) && ++misbehave % 2 === 0) { payload.obj.properties = { b: 5n, c: cyclic }; Object.defineProperty(payload.obj, 'g', { enumerable: true, get: thrower }); } next(payload); },
      async ({ payload, next }) => { await null; next(isMarker(payload) ? payload : pick([null, payload, { obj: cyclic }])); },
      'not a function', null,
    ];
    const listeners = [thrower, () => {}, (...a) => JSON.stringify(a), undefined, 'str'];
    const names = ['track', 'page', 'identify', 'error', 'reset', 'constructor', '__proto__', 'toString', Symbol('n'), { toString: thrower }, undefined];
    const a = () => window.analytics;
    const methods = {
      track: () => a().track(...args()), page: () => a().page(...args()), screen: () => a().screen && a().screen(...args()),
      identify: () => a().identify(...args()), group: () => a().group(...args()), alias: () => a().alias(...args()),
      pageview: () => a().pageview(value()), reset: () => rand() < 0.1 && a().reset(),
      setAnonymousId: () => a().setAnonymousId(value()), user: () => { const u = a().user(); return pick([() => u.id(value()), () => u.anonymousId(value()), () => u.traits(value()), () => u.id(), () => u.traits()])(); },
      groupObject: () => { const g = a().group(); return pick([() => g.id(value()), () => g.traits(value()), () => g.id(), () => g.traits()])(); },
      on: () => a().on(pick(names), pick(listeners)), once: () => a().once(pick(names), pick(listeners)), off: () => a().off(pick(names), pick([...listeners, undefined])),
      ready: () => a().ready(pick(listeners)), debug: () => a().debug(rand() < 0.2 ? value() : false), timeout: () => a().timeout(pick([0, 1, -1, NaN, 'x', 5])),
      addSourceMiddleware: () => rand() < 0.05 && a().addSourceMiddleware(pick(middlewares)),
      addDestinationMiddleware: () => a().addDestinationMiddleware(value(), value()), addIntegrationMiddleware: () => a().addIntegrationMiddleware(value()),
      register: () => a().register(value()), deregister: () => a().deregister(value()),
      trackLink: () => a().trackLink(pick([document.getElementById('link'), null, value(), [value()]]), value(), value()),
      trackForm: () => a().trackForm(pick([document.getElementById('form'), null, value()]), value(), value()),
      queueState: () => a().queueState(), flush: () => rand() < 0.02 && a().flush(0),
      click: () => rand() < 0.2 && pick([document.getElementById('link'), document.getElementById('form')]).dispatchEvent(new Event(pick(['click', 'submit']))),
    };
    const methodNames = Object.keys(methods);
    return {
      counts,
      step(i) {
        const marker = i % 25 === 0;
        const method = marker ? 'marker' : pick(methodNames);
        counts.calls++;
        counts.byMethod[method] = (counts.byMethod[method] || 0) + 1;
        try {
          const result = marker ? (counts.markers++, a().track('marker-' + i, { marker: i })) : methods[method]();
          if (result && typeof result.then === 'function') result.then(null, () => { counts.rejected++; });
        } catch (e) {
          counts.syncThrows++;
          if (counts.threw.length < 10) counts.threw.push(method + ': ' + (e && e.message));
        }
      },
    };
  }
}

test(`fuzz: ${CALLS} seeded calls with hostile values (seed ${SEED})`, async (t) => {
  const { page } = await openPage(t);
  await page.addInitScript(recordPageErrors);
  await page.goto(site.url('/fuzz.html'));
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 15000 });
  let counts;
  for (let from = 0; from < CALLS; from += CHUNK) {
    counts = await page.evaluate(fuzzChunk, { seed: SEED, from, to: Math.min(CALLS, from + CHUNK) });
  }
  await page.evaluate(() => window.analytics.flush(20000));
  const expected = [];
  for (let i = 0; i < CALLS; i += 25) expected.push(i);
  const markerIds = () => new Set(collector.stream.filter((e) => typeof e.event === 'string' && e.event.startsWith('marker-')).map((e) => e.properties.marker));
  await collector.waitFor(() => expected.every((i) => markerIds().has(i)), 'every marker', 60000).catch(() => {});
  const stored = markerIds();
  const missing = expected.filter((i) => !stored.has(i));
  const errors = await page.evaluate(() => window.__errors);
  const state = await page.evaluate(() => window.analytics.queueState());
  console.log(`fuzz seed ${SEED}: ${counts.calls} calls, ${counts.syncThrows} synchronous throws, ${counts.rejected} rejected promises, ` +
    `${errors.length + page.errors.length} page errors; markers ${stored.size}/${expected.length} stored; ` +
    `${collector.stream.length} events stored by the collector; queue ${JSON.stringify(state)}`);
  console.log(`  calls by method: ${JSON.stringify(counts.byMethod)}`);
  assert.equal(counts.syncThrows, 0, counts.threw.join('\n'));
  assert.equal(counts.rejected, 0, 'a returned promise rejected');
  assert.deepEqual(errors, [], 'errors reached the page');
  assert.deepEqual(page.errors, [], 'uncaught page errors');
  assert.deepEqual(missing, [], `markers not stored: ${missing.length}`);
  assert.equal(state.dropped, 0, 'the library sent nothing the collector rejected');
  assert.ok(counts.calls >= 10000 || process.env.FUZZ_CALLS, 'at least 10,000 calls');
});
