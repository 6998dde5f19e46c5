// What every method of the npm proxy returns, before and after load, next to @segment/analytics-next 1.84 in
// the same page: both libraries are bundled here with esbuild (analytics-next with its real Segment.io plugin
// and inline cdnSettings, no CDN), each loaded against the local recorder, and each method's return value is
// described (`Promise<Context(track)>`, `proxy`, `Promise<User>`…). The two tables must match, except for the
// deliberate differences in DIFFERENCES (also listed in the README). The table is printed for the README.
// Also: calls made before load resolve Contexts whose `.event` is the event as sent, dropped calls carry their
// reason, and `load()` resolves `[analytics, context]`. Environment: Node's test runner, playwright-core,
// esbuild, www/npm/dist built by scripts/build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startRecorder } from './lib/recorder.mjs';
import { startSideBySide, settingsFor } from './lib/side-by-side.mjs';

const recorder = await startRecorder();
const site = await startSideBySide({ body: '<a id="l" href="#">link</a><form id="f"></form>' });
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

/** Every proxy method with arguments, as page-side source: `(a) => a.track('T')`… */
const CALLS = {
  track: `(a) => a.track('Shape', { n: 1 })`,
  'track (no name)': `(a) => a.track()`,
  page: `(a) => a.page('Docs', 'Intro')`,
  screen: `(a) => a.screen('Home')`,
  identify: `(a) => a.identify('user-1', { plan: 'pro' })`,
  group: `(a) => a.group('org-1', { n: 1 })`,
  'group()': `(a) => a.group()`,
  alias: `(a) => a.alias('user-2', 'user-1')`,
  user: `(a) => a.user()`,
  reset: `(a) => a.reset()`,
  setAnonymousId: `(a) => a.setAnonymousId('anon-shape')`,
  ready: `(a) => a.ready()`,
  on: `(a) => a.on('track', () => {})`,
  once: `(a) => a.once('track', () => {})`,
  off: `(a) => a.off('track')`,
  debug: `(a) => a.debug(false)`,
  addSourceMiddleware: `(a) => a.addSourceMiddleware(({ payload, next }) => next(payload))`,
  addDestinationMiddleware: `(a) => a.addDestinationMiddleware('Nobody', ({ payload, next }) => next(payload))`,
  register: `(a) => a.register({ name: 'Shape Plugin', type: 'enrichment', version: '1', isLoaded: () => true, load: () => Promise.resolve() })`,
  deregister: `(a) => a.deregister('Shape Plugin')`,
  trackLink: `(a) => a.trackLink(document.getElementById('l'), 'Link')`,
  trackSubmit: `(a) => a.trackSubmit(document.getElementById('f'), 'Form')`,
};

/** Deliberate differences: [call, phase] → [analytics-next, wasm-analytics], with the reason. */
const DIFFERENCES = {
  // analytics-next rejects (`Error: Event missing`); ours never rejects: the Context says why nothing was sent.
  'track (no name) before': ['Promise<rejected>', 'Promise<Context(track, dropped)>'],
  'track (no name) after': ['Promise<rejected>', 'Promise<Context(track, dropped)>'],
  // analytics-next resolves ready() with the results of its plugins' ready(); we have no CDN destinations.
  'ready before': ['Promise<array>', 'Promise<undefined>'],
  'ready after': ['Promise<array>', 'Promise<undefined>'],
};

/** Runs in the page: loads `lib`, makes every call before and after load, describes each result. */
async function tableOf(t, lib, writeKey) {
  const { page } = await openPage(t);
  await page.goto(`${site.origin}/side/index.html`);
  return page.evaluate(async ({ lib, calls, writeKey, apiHost, settingsSource }) => {
    const { AnalyticsBrowser } = await import(`/side/${lib}.js`);
    const settings = new Function(`return (${settingsSource})`)()(lib, writeKey, apiHost);
    const browser = AnalyticsBrowser.load(settings);
    let instance;
    const describe = async (value, depth = 0) => {
      if (value === undefined) return 'undefined';
      if (value === null) return 'null';
      if (value === browser) return 'proxy';
      if (instance && value === instance) return 'instance';
      if (value instanceof Promise) {
        try { return `Promise<${await describe(await value, depth + 1)}>`; } catch (e) { return 'Promise<rejected>'; }
      }
      if (Array.isArray(value)) return 'array';
      if (typeof value === 'object' && value.event && typeof value.failedDelivery === 'function') {
        return `Context(${value.event.type}${value.failedDelivery() ? ', dropped' : ''})`;
      }
      if (typeof value === 'object' && typeof value.traits === 'function' && typeof value.id === 'function') return 'User';
      return typeof value;
    };
    const fns = Object.fromEntries(Object.entries(calls).map(([name, source]) => [name, new Function(`return (${source})`)()]));
    const run = async (target) => {
      const raw = Object.entries(fns).map(([name, fn]) => {
        try { return [name, fn(target)]; } catch (e) { return [name, { threw: String(e) }]; }
      });
      const out = {};
      for (const [name, value] of raw) out[name] = value && value.threw ? `threw ${value.threw}` : await describe(value);
      return out;
    };
    const before = await run(browser);
    const loaded = await browser;
    instance = loaded[0];
    const after = await run(browser);
    const loadResult = `[${loaded.length}: ${await describe(loaded[0])}, ${await describe(loaded[1])}]`;
    return { before, after, loadResult, instanceIsSet: browser.instance === instance };
  }, { lib, calls: CALLS, writeKey, apiHost: `${recorder.hostPort}/v1`, settingsSource: settingsFor.toString() });
}

test('every proxy method returns what analytics-next returns, before and after load', async (t) => {
  const ajs = await tableOf(t, 'ajs', 'shapes-ajs');
  const wa = await tableOf(t, 'wa', 'shapes-wa');
  const lines = ['| call | phase | analytics-next | wasm-analytics |', '| --- | --- | --- | --- |'];
  const mismatches = [];
  for (const phase of ['before', 'after']) {
    for (const name of Object.keys(CALLS)) {
      const [theirs, ours] = [ajs[phase][name], wa[phase][name]];
      lines.push(`| \`${name}\` | ${phase} load | ${theirs} | ${ours} |`);
      const expected = DIFFERENCES[`${name} ${phase}`];
      if (expected ? theirs !== expected[0] || ours !== expected[1] : theirs !== ours) mismatches.push(`${name} ${phase}: ${theirs} vs ${ours}`);
    }
  }
  lines.push(`| \`await load()\` | | ${ajs.loadResult} | ${wa.loadResult} |`);
  t.diagnostic(`\n${lines.join('\n')}`);
  assert.deepEqual(mismatches, []);
  assert.equal(wa.loadResult, ajs.loadResult);
  assert.equal(wa.instanceIsSet, true, '.instance is the loaded analytics');
});

test('calls made before load resolve the Context of the event as sent; lazy new AnalyticsBrowser() + load(); standalone', async (t) => {
  const { page } = await openPage(t);
  await page.goto(`${site.origin}/side/index.html`);
  const writeKey = 'shapes-contexts';
  const result = await page.evaluate(async ({ writeKey, apiHost }) => {
    const { AnalyticsBrowser } = await import('/side/wa.js');
    const settings = { writeKey, apiHost, wasmUrl: '/npm/dist/wasm_analytics_bg.wasm' };
    const lazy = new AnalyticsBrowser();
    const early = lazy.track('Before Load', { n: 1 });
    const chained = lazy.on('track', () => {}) === lazy && lazy.debug(false) === lazy;
    lazy.load(settings);
    const ctx = await early;
    const dropped = await lazy.track();
    const [instance, system] = await lazy.catch(() => null).finally(() => {});
    const standalone = await AnalyticsBrowser.standalone(writeKey, {});
    return {
      event: ctx.event, chained, reason: String(dropped.failedDelivery().reason), system: system.event,
      sameInstance: lazy.instance === instance, standaloneTracks: typeof standalone.track, version: lazy.VERSION,
    };
  }, { writeKey, apiHost: recorder.origin + '/v1' });
  assert.equal(result.event.event, 'Before Load');
  assert.deepEqual(result.event.properties, { n: 1 });
  assert.match(result.event.messageId, /\S/);
  assert.ok(result.chained, 'on() and debug() before load return the proxy');
  assert.match(result.reason, /invalid arguments/);
  assert.deepEqual(result.system, { type: 'track', event: 'system' });
  assert.ok(result.sameInstance);
  assert.equal(result.standaloneTracks, 'function');
  assert.match(result.version, /^\d+\.\d+\.\d+/);
  await recorder.waitForEvents(() => recorder.events().some((e) => e.writeKey === writeKey && e.event === 'Before Load'));
  const sent = recorder.events().find((e) => e.writeKey === writeKey && e.event === 'Before Load');
  assert.equal(sent.messageId, result.event.messageId, 'the context holds the event as sent');
  assert.deepEqual(page.errors, []);
});
