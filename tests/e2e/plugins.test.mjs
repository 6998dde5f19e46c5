// analytics-next's plugin contract, run side by side with @segment/analytics-next 1.84 in the same page: the same
// plugins registered on each library, the same calls, and what reached the endpoint and what each plugin saw
// must match. Plus the isolation this library promises: a destination that throws, or never answers, holds up
// neither delivery nor the call's promise, and nothing reaches the page. Environment: Node's test runner,
// playwright-core, esbuild, www/npm/dist built by scripts/build, the local recorder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startRecorder } from './lib/recorder.mjs';
import { startSideBySide, settingsFor } from './lib/side-by-side.mjs';

const recorder = await startRecorder();
const site = await startSideBySide();
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

/** Page-side scenario: registers the plugins, makes the calls, returns what the plugins saw. */
async function scenario({ AnalyticsBrowser, ContextCancelation }, settings) {
  const seen = { destination: [], after: [], middleware: [], loads: [], unloads: [] };
  const plugin = (name, type, hooks) => ({
    name, type, version: '1.0.0', isLoaded: () => true,
    load: async (ctx, analytics) => { seen.loads.push([name, typeof analytics.track, ctx.event.event]); },
    unload: async () => { seen.unloads.push(name); },
    ...hooks,
  });
  const analytics = AnalyticsBrowser.load(settings);
  await analytics.register(
    // retry: false - analytics-next retries a plain ctx.cancel() with backoff (see the README's differences).
    plugin('Gate', 'before', { track: (ctx) => (ctx.event.event === 'Secret' ? ctx.cancel(new ContextCancelation({ retry: false, reason: 'secret' })) : ctx) }),
    plugin('Enrich', 'enrichment', {
      track: (ctx) => { ctx.updateEvent('properties.enriched', true); ctx.updateEvent('context.plugin.name', 'Enrich'); return ctx; },
      page: (ctx) => { ctx.updateEvent('properties.pageEnriched', 1); return ctx; },
    }),
    plugin('Broken Enrichment', 'enrichment', { track: () => { throw new Error('enrichment failed'); } }),
    plugin('Recorder', 'destination', {
      track: (ctx) => { seen.destination.push(['track', ctx.event.event, ctx.event.properties.enriched, undefined, ctx.event.properties.hello]); return ctx; },
      page: (ctx) => { seen.destination.push(['page', ctx.event.name, ctx.event.properties.pageEnriched]); return ctx; },
      identify: (ctx) => { seen.destination.push(['identify', ctx.event.userId]); return ctx; },
    }),
    plugin('Audit', 'after', { track: (ctx) => { seen.after.push(ctx.event.event); return ctx; } }),
  );
  await analytics.addDestinationMiddleware('recorder', ({ payload, next, integration }) => {
    seen.middleware.push([integration, payload.event()]);
    payload.obj.properties = { ...payload.obj.properties, hello: 'destination only' };
    next(payload);
  });
  const sent = await analytics.track('Bought', { total: 3 });
  const cancelled = await analytics.track('Secret', {}).then((ctx) => !!ctx.failedDelivery(), () => 'rejected');
  await analytics.page('Docs', 'Intro');
  await analytics.identify('user-9');
  await analytics.track('Not For Recorder', {}, { integrations: { Recorder: false } });
  await analytics.deregister('Enrich');
  await analytics.track('After Deregister');
  await new Promise((r) => setTimeout(r, 300));
  return { seen, cancelled, contextEvent: [sent.event.event, sent.event.properties] };
}

/** Runs the scenario on `lib`; returns its observations and the events the endpoint got. */
async function run(t, lib) {
  const { page } = await openPage(t);
  await page.goto(`${site.origin}/side/index.html`);
  const writeKey = `plugins-${lib}`;
  const result = await page.evaluate(async ({ lib, writeKey, apiHost, settingsSource, scenarioSource }) => {
    const exports = await import(`/side/${lib}.js`);
    const settings = new Function(`return (${settingsSource})`)()(lib, writeKey, apiHost);
    return new Function(`return (${scenarioSource})`)()(exports, settings);
  }, { lib, writeKey, apiHost: `${recorder.hostPort}/v1`, settingsSource: settingsFor.toString(), scenarioSource: scenario.toString() });
  const mine = () => recorder.events().filter((e) => e.writeKey === writeKey);
  await recorder.waitForEvents(() => mine().some((e) => e.event === 'After Deregister'));
  const wire = mine().map((e) => [e.type, e.event || e.name || e.userId, e.properties?.enriched, e.properties?.pageEnriched, e.context?.plugin, e.properties?.hello]);
  return { ...result, wire, errors: page.errors };
}

test('plugins: before cancels, enrichment reaches the wire, destinations and after plugins see every event, deregister, destination middleware - as analytics-next', async (t) => {
  const ajs = await run(t, 'ajs');
  const wa = await run(t, 'wa');
  t.diagnostic(`analytics-next: ${JSON.stringify(ajs)}`);
  t.diagnostic(`wasm-analytics: ${JSON.stringify(wa)}`);
  assert.deepEqual(wa.wire, ajs.wire, 'the same events reach the endpoint, enriched the same way');
  // Deliberate difference: analytics-next applies addDestinationMiddleware only to its own (CDN/action)
  // destinations, so a registered destination plugin never sees it; ours runs it before any destination plugin.
  const withoutMiddleware = ({ middleware, destination, ...rest }) => ({ ...rest, destination: destination.map((d) => d.slice(0, 4)) });
  assert.deepEqual(withoutMiddleware(wa.seen), withoutMiddleware(ajs.seen), 'the plugins saw the same events');
  assert.deepEqual(ajs.seen.middleware, []);
  assert.deepEqual(wa.seen.middleware, [['Recorder', 'Bought'], ['Recorder', undefined], ['Recorder', undefined], ['Recorder', 'After Deregister']]);
  assert.ok(wa.seen.destination.filter((d) => d[0] === 'track').every((d) => d[4] === 'destination only'), 'the middleware changed the destination\'s copy');
  assert.deepEqual(wa.contextEvent, ajs.contextEvent, 'the call resolves the enriched event');
  assert.equal(wa.cancelled, true, 'a cancelled event resolves a context with failedDelivery');
  assert.deepEqual(wa.errors, []);
  // The facts, not only the agreement:
  assert.ok(!wa.wire.some(([, name]) => name === 'Secret'), 'the before plugin dropped Secret');
  assert.deepEqual(wa.wire.find(([, name]) => name === 'Bought').slice(2, 6), [true, undefined, { name: 'Enrich' }, undefined]);
});

test('a destination that throws or never answers holds up neither delivery, nor the call, nor other destinations; nothing reaches the page', async (t) => {
  const { page } = await openPage(t);
  await page.goto(`${site.origin}/side/index.html`);
  const writeKey = 'plugins-isolation';
  const result = await page.evaluate(async ({ writeKey, apiHost, settingsSource }) => {
    const { AnalyticsBrowser } = await import('/side/wa.js');
    const analytics = AnalyticsBrowser.load(new Function(`return (${settingsSource})`)()('wa', writeKey, apiHost));
    const got = [];
    const base = { version: '1', isLoaded: () => true, load: async () => {} };
    await analytics.register(
      { ...base, name: 'Throws', type: 'destination', track: () => { throw new Error('destination down'); } },
      { ...base, name: 'Rejects', type: 'destination', track: () => Promise.reject(new Error('rejected')) },
      { ...base, name: 'Hangs', type: 'destination', track: () => new Promise(() => {}) },
      { ...base, name: 'Fails To Load', type: 'destination', load: () => Promise.reject(new Error('no script')) },
      { ...base, name: 'Works', type: 'destination', track: (ctx) => { got.push(ctx.event.event); return ctx; } },
    );
    const contexts = [];
    for (let i = 0; i < 3; i++) contexts.push(await analytics.track(`Isolated ${i}`));
    await new Promise((r) => setTimeout(r, 200));
    return { got, resolved: contexts.map((c) => c.event.event) };
  }, { writeKey, apiHost: `${recorder.hostPort}/v1`, settingsSource: settingsFor.toString() });
  assert.deepEqual(result.resolved, ['Isolated 0', 'Isolated 1', 'Isolated 2']);
  assert.deepEqual(result.got, ['Isolated 0', 'Isolated 1', 'Isolated 2']);
  await recorder.waitForEvents(() => recorder.events().filter((e) => e.writeKey === writeKey).length >= 3);
  assert.deepEqual(recorder.events().filter((e) => e.writeKey === writeKey).map((e) => e.event), ['Isolated 0', 'Isolated 1', 'Isolated 2']);
  assert.deepEqual(page.errors, []);
});

test('hostile plugins, names, middleware and paths: nothing throws into the page, valid events still arrive, no prototype pollution', async (t) => {
  const { page } = await openPage(t);
  await page.goto(`${site.origin}/side/index.html`);
  const writeKey = 'plugins-hostile';
  const result = await page.evaluate(async ({ writeKey, apiHost, settingsSource }) => {
    const { AnalyticsBrowser } = await import('/side/wa.js');
    const settings = new Function(`return (${settingsSource})`)()('wa', writeKey, apiHost);
    const outcomes = [];
    const settle = async (label, fn) => {
      try { const v = await fn(); outcomes.push([label, v && typeof v === 'object' ? 'object' : typeof v]); } catch (e) { outcomes.push([label, 'threw ' + e]); }
    };
    await settle('load(null)', () => AnalyticsBrowser.load(null).track('x'));
    const analytics = AnalyticsBrowser.load(settings, null);
    const base = { version: '1', isLoaded: () => true, load: async () => {} };
    const hostilePlugins = [null, undefined, 42, 'name', {}, { name: 5 }, { name: 'no type' }, Object.create(null),
      { ...base, name: 'Load Throws', type: 'enrichment', load: () => { throw new Error('sync'); } },
      { ...base, name: 'Garbage', type: 'enrichment', track: () => 'garbage', page: () => null },
      { ...base, name: 'Proto', type: 'enrichment', track: (ctx) => { ctx.updateEvent('__proto__.polluted', 1); ctx.updateEvent('constructor.prototype.polluted', 1); ctx.updateEvent('properties.safe', 1); return ctx; } },
      { ...base, name: 'Hook Not Function', type: 'destination', track: 'not a function' }];
    for (const plugin of hostilePlugins) await settle(`register(${String(plugin && plugin.name)})`, () => analytics.register(plugin));
    for (const name of [null, 42, 'missing', {}]) await settle(`deregister(${String(name)})`, () => analytics.deregister(name));
    for (const args of [[null], [42, null], ['*', 'not a function'], ['*', () => { throw new Error('mw'); }]]) {
      await settle(`addDestinationMiddleware(${args.length})`, () => analytics.addDestinationMiddleware(...args));
    }
    const ctx = await analytics.track('Hostile Survivor', { n: 1 });
    await (await analytics)[0].flush(5000);
    return { outcomes, polluted: ({}).polluted, properties: ctx.event.properties };
  }, { writeKey, apiHost: `${recorder.hostPort}/v1`, settingsSource: settingsFor.toString() });
  assert.deepEqual(result.outcomes.filter(([, v]) => v.startsWith('threw')), []);
  assert.equal(result.polluted, undefined, 'no prototype pollution through updateEvent');
  assert.deepEqual(result.properties, { n: 1, safe: 1 });
  await recorder.waitForEvents(() => recorder.events().some((e) => e.writeKey === writeKey && e.event === 'Hostile Survivor'));
  assert.deepEqual(page.errors, []);
});
