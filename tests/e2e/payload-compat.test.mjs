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
<script>window.COMPAT = { writeKey: 'compat-ajs', apiHost: '${recorder.hostPort}/v1' };</script>
<script src="/compat/ajs.js"></script></head><body></body></html>`,
    '/compat/wasm.html': `<!doctype html><html><head>${HEAD}<script src="/snippet.js"></script>
<script>analytics.load('compat-wasm', { apiHost: '${recorder.origin}/v1' });
analytics.ready(function () { window.benchTarget = window.analytics; });</script></head><body></body></html>`,
  },
});
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

/** The calls both libraries get, in order (run in the page with the loaded instance). */
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
const EXPECTED_EVENTS = 8;

/** Loads one library's page, runs CALLS, and returns its events in call order (by timestamp). */
async function eventsOf(t, lib) {
  const { page } = await openPage(t);
  await page.goto(`${site.origin}/compat/${lib}.html?utm_source=news&utm_campaign=spring&q=1`);
  await page.waitForFunction(() => window.benchTarget, null, { timeout: 15000 });
  await page.evaluate(async (source) => new Function(`return (${source})`)()(window.benchTarget), CALLS);
  const writeKey = `compat-${lib}`;
  const mine = () => recorder.events().filter((e) => e.writeKey === writeKey);
  await recorder.waitForEvents(() => mine().length >= EXPECTED_EVENTS, { timeout: 15000 });
  return mine().sort((x, y) => Date.parse(x.timestamp) - Date.parse(y.timestamp));
}

/** What may differ between two correct runs, checked for shape and then replaced by a placeholder. */
function normalise(events) {
  const anonymous = new Map();
  return events.map((event) => {
    const e = structuredClone(event);
    assert.match(e.messageId, MESSAGE_ID);
    assert.match(e.timestamp, ISO_MS);
    // On purpose: a burst of calls goes out as one /b batch whose sentAt is the batch's (analytics.js in
    // standard mode sends one request per event, each with its own sentAt). A lone event carries its own.
    if ('sentAt' in e) assert.match(e.sentAt, ISO_MS);
    delete e.sentAt;
    for (const key of ['messageId', 'timestamp']) e[key] = `<${key}>`;
    if (!anonymous.has(e.anonymousId)) anonymous.set(e.anonymousId, `<anonymousId ${anonymous.size + 1}>`);
    e.anonymousId = anonymous.get(e.anonymousId);
    e.writeKey = '<writeKey>';
    // On purpose: our version, in analytics.js's naming (the name stays 'analytics.js').
    assert.equal(e.context.library.name, 'analytics.js');
    assert.match(e.context.library.version, /^(npm:)?next-\d+\.\d+\.\d+/);
    e.context.library.version = '<version>';
    // On purpose: alias(to, from) while identified sends userId: to. analytics.js overwrites it with the
    // stored user id (so userId == previousId here); see src/core/envelope.rs.
    if (e.type === 'alias') e.userId = '<alias to>';
    return e;
  });
}

test('the same calls reach the endpoint as the same events from analytics.js 2.0 and wasm-analytics', async (t) => {
  const ajs = normalise(await eventsOf(t, 'ajs'));
  const wasm = normalise(await eventsOf(t, 'wasm'));
  assert.equal(ajs.length, EXPECTED_EVENTS);
  assert.equal(wasm.length, EXPECTED_EVENTS);
  assert.equal(wasm[5].type, 'alias');
  for (let i = 0; i < EXPECTED_EVENTS; i++) {
    assert.deepEqual(wasm[i], ajs[i], `event ${i + 1} (${ajs[i].type} ${ajs[i].event || ajs[i].name || ''})`);
  }
});
