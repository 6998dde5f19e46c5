// Payload compatibility with the real analytics.js 2.0: the same calls on the same page, made once through
// @segment/analytics-next (its npm entry bundled here with esbuild, the real Segment.io plugin, no CDN) and
// once through wasm-analytics (snippet + www/dist), must reach the endpoint as the same events. Only what is
// random or per-run is normalised (messageId, timestamps, anonymousId, writeKey) plus the differences this
// project makes on purpose, each named below. Environment: Node's test runner, playwright-core, esbuild,
// www/ built by scripts/build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';
import { analyticsNextEntry } from '../../bench/analytics-next-entry.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MESSAGE_ID = /^ajs-next-\d{13}-[0-9a-f-]{36}$/;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const recorder = await startRecorder();
const HEAD = `<meta charset="utf-8"><title>Compat page</title><link rel="canonical" href="/compat/canonical">`;
const ajsBundle = await build({
  stdin: { contents: analyticsNextEntry('window.COMPAT'), resolveDir: ROOT, loader: 'js' },
  bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020', logLevel: 'silent',
  define: { 'process.env.NODE_ENV': '"production"' },
});
const site = await startStaticServer({
  root: `${ROOT}www/`,
  pages: {
    '/compat/ajs.js': ajsBundle.outputFiles[0].text,
    '/compat/ajs.html': `<!doctype html><html><head>${HEAD}
<script>window.COMPAT = { writeKey: location.hash.slice(1), apiHost: '${recorder.hostPort}/v1' };</script>
<script src="/compat/ajs.js"></script></head><body></body></html>`,
    '/compat/wasm.html': `<!doctype html><html><head>${HEAD}<script src="/snippet.js"></script>
<script>analytics.load(location.hash.slice(1), { apiHost: '${recorder.origin}/v1' });
analytics.ready(function () { window.benchTarget = window.analytics; });</script></head><body></body></html>`,
  },
});
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

/** Calls both libraries get, in order (source of an async function run in the page with the instance). */
const CALLS = `async (a) => {
  await a.track('Viewed', { plan: 'pro', price: 9.99, tags: ['a', 'b'], nested: { x: null } });
  await a.page('Docs', 'Intro', { section: 2 }, { context: { ip: '1.2.3.4' } });
  await a.identify('user-1', { email: 'a@example.com', age: 42 });
  await a.track('Bought', { total: 3 }, { integrations: { Amplitude: false }, traits: { vip: true } });
  await a.group('org-1', { name: 'Org' });
  await a.alias('user-2', 'user-1');
  await a.screen('Home');
  await a.identify({ plan: 'gold' });
}`;

/** Edge forms: no arguments, numbers and dates, page properties over the page context, options that set
 * top-level fields, a second user, reset. */
const EDGE_CALLS = `async (a) => {
  await a.page();
  await a.track('Numbers', { big: 12345678901234567890, small: 1e-7, neg: -0, when: new Date(0) });
  await a.identify(42, { n: 1 });
  await a.page({ path: '/override', title: 'Own title' });
  await a.track('Options', { p: 1 }, { timestamp: new Date(1000), messageId: 'fixed-id', context: { page: { title: 'T' }, locale: 'fr' } });
  await a.group(7);
  await a.identify('other', { m: 2 });
  a.reset();
  await a.track('After reset');
}`;

let runs = 0;
/** Loads one library's page with a fresh writeKey, runs `calls`, and returns its `count` events in arrival
 * order (the call order: analytics.js sends each awaited call before the next; ours keeps order in a batch). */
async function eventsOf(t, lib, calls, count) {
  const { page } = await openPage(t);
  const writeKey = `compat-${lib}-${++runs}`;
  await page.goto(`${site.origin}/compat/${lib}.html?utm_source=news&utm_campaign=spring&q=1#${writeKey}`);
  await page.waitForFunction(() => window.benchTarget, null, { timeout: 15000 });
  await page.evaluate(async (source) => new Function(`return (${source})`)()(window.benchTarget), calls);
  const mine = () => recorder.events().filter((e) => e.writeKey === writeKey);
  await recorder.waitForEvents(() => mine().length >= count, { timeout: 15000 });
  return mine();
}

/** Both libraries' events for `calls`, normalised, compared one by one. */
async function assertSamePayloads(t, calls, count, extra = () => {}) {
  const ajs = normalise(await eventsOf(t, 'ajs', calls, count), extra);
  const wasm = normalise(await eventsOf(t, 'wasm', calls, count), extra);
  assert.equal(ajs.length, count);
  assert.equal(wasm.length, count);
  for (let i = 0; i < count; i++) {
    assert.deepEqual(wasm[i], ajs[i], `event ${i + 1} (${ajs[i].type} ${ajs[i].event || ajs[i].name || ''})`);
  }
  return wasm;
}

/** What may differ between two correct runs, checked for shape and then replaced by a placeholder. */
function normalise(events, extra) {
  const anonymous = new Map();
  return events.map((event) => {
    const e = structuredClone(event);
    // options.messageId is kept verbatim by both; generated ones are checked for shape, then hidden.
    if (e.messageId !== 'fixed-id') {
      assert.match(e.messageId, MESSAGE_ID);
      e.messageId = '<messageId>';
    }
    assert.match(e.timestamp, ISO_MS);
    // On purpose: a burst of calls goes out as one /b batch whose sentAt is the batch's (analytics.js in
    // standard mode sends one request per event, each with its own sentAt). A lone event carries its own.
    if ('sentAt' in e) assert.match(e.sentAt, ISO_MS);
    delete e.sentAt;
    if (e.timestamp !== '1970-01-01T00:00:01.000Z') e.timestamp = '<timestamp>';
    if (!anonymous.has(e.anonymousId)) anonymous.set(e.anonymousId, `<anonymousId ${anonymous.size + 1}>`);
    e.anonymousId = anonymous.get(e.anonymousId);
    e.writeKey = '<writeKey>';
    // On purpose: our version, in analytics.js's naming (the name stays 'analytics.js').
    assert.equal(e.context.library.name, 'analytics.js');
    assert.match(e.context.library.version, /^(npm:)?next-\d+\.\d+\.\d+/);
    e.context.library.version = '<version>';
    // On purpose: alias(to, from) while identified sends userId: to. analytics.js overwrites it with the
    // stored user id (so userId == previousId here); see src/core/event/envelope.rs.
    if (e.type === 'alias') e.userId = '<alias to>';
    extra(e);
    return e;
  });
}

test('the same calls reach the endpoint as the same events from analytics.js 2.0 and wasm-analytics', async (t) => {
  const events = await assertSamePayloads(t, CALLS, 8);
  assert.equal(events[5].type, 'alias');
});

test('edge forms (no arguments, numbers, dates, page overrides, top-level options, reset) match too', async (t) => {
  const events = await assertSamePayloads(t, EDGE_CALLS, 8);
  assert.equal(events[4].messageId, 'fixed-id');
  assert.equal(events[4].timestamp, '1970-01-01T00:00:01.000Z');
  assert.notEqual(events[7].anonymousId, events[0].anonymousId, 'reset gave a new anonymousId');
});
