// Events that wait for the plugin module are not lost when the visitor leaves first. Once a site adds source
// middleware (or registers a plugin), each event call waits for wa-plugins.js, fetched on first use; if the page
// is left before it arrives, the waiting calls are saved to localStorage (`wa:snippet-calls:v1`, the snippet's
// saved calls) and the next page replays them through its own middleware, with the page and time of the call.
// Here the first page's wa-plugins.js request is held (never answered), so the calls are still waiting when the
// test navigates. Environment: Node's test runner, playwright-core + Chromium, www/ built by scripts/build, the
// recorder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const recorder = await startRecorder();
const apiHost = `${recorder.origin}/v1`;
/** The site's code on every page: the snippet, load, one source middleware. */
const site = (title, loadOptions = '') => `<!doctype html><title>${title}</title><script src="/snippet.js"></script>
<script>analytics.load('wait-key', {apiHost: '${apiHost}'${loadOptions}});
analytics.addSourceMiddleware(({ payload, next }) => {
  payload.obj.properties = Object.assign({}, payload.obj.properties, { viaMiddleware: true, middlewareOn: document.title });
  next(payload);
});</script>`;
const server = await startStaticServer({
  root: WWW,
  pages: {
    '/first.html': site('first'),
    '/second.html': site('second'),
    '/pending.html': site('pending', ", consent: {required: true}"),
    '/blank.html': '<!doctype html><title>blank</title>',
  },
});
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await server.close();
});

/** A page whose first wa-plugins.js request is held until the test ends; later ones are served. */
async function pageWithPluginsHeld(t) {
  const { page } = await openPage(t);
  let held = 0;
  let first;
  await page.route('**/wa-plugins.js', (route) => (held++ ? route.continue() : (first = route)));
  page.held = () => held;
  /** Serves the held request: the module arrives on this page. */
  page.release = () => first.continue();
  return page;
}

/** Opens `path`, waits until the library has loaded and asked for the (held) plugin module. */
async function openWaiting(page, path) {
  await page.goto(server.url(path));
  await page.waitForFunction(() => window.analytics.initialized === true);
  await waitUntil(() => page.held() === 1, 'the wa-plugins.js request was made (and is held)');
}

async function waitUntil(condition, what) {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(condition(), what);
}

const mine = (name) => recorder.events().filter((e) => e.event === name);

test('an event waiting for the plugin module when the visitor leaves is delivered once, by the next page, through its middleware', async (t) => {
  recorder.clear();
  const page = await pageWithPluginsHeld(t);
  await openWaiting(page, '/first.html?from=ad');
  const at = await page.evaluate(() => {
    window.analytics.track('Waited', { n: 1 });
    return Date.now();
  });
  await page.goto(server.url('/second.html'));
  await recorder.waitForEvents(() => mine('Waited').length >= 1);
  // Something the second page sends after the replay: had the event been sent twice, both would be here.
  await page.evaluate(() => window.analytics.track('Marker'));
  await recorder.waitForEvents(() => mine('Marker').length >= 1);
  await page.evaluate(() => window.analytics.flush(2000));
  const waited = mine('Waited');
  assert.equal(waited.length, 1, 'delivered exactly once');
  const [event] = waited;
  assert.equal(event.properties.n, 1);
  assert.equal(event.properties.viaMiddleware, true, 'through the source middleware');
  assert.equal(event.context.page.url, server.url('/first.html?from=ad'), 'the page the call was made on');
  assert.equal(event.context.page.path, '/first.html');
  assert.equal(event.context.page.title, 'first');
  assert.ok(Math.abs(Date.parse(event.timestamp) - at) < 60000, 'the time of the call');
  assert.equal(await page.evaluate(() => localStorage.getItem('wa:snippet-calls:v1')), null, 'replayed once, then forgotten');
  assert.deepEqual(page.errors, []);
});

test('hostile waiting calls: one that cannot be saved (BigInt, cycle, throwing getter) costs only itself; calls keep their order', async (t) => {
  recorder.clear();
  const page = await pageWithPluginsHeld(t);
  await openWaiting(page, '/first.html');
  const returned = await page.evaluate(() => {
    const cyclic = { a: 1 };
    cyclic.self = cyclic;
    const throwing = { get boom() { throw new Error('getter'); } };
    const results = [];
    const call = (...args) => {
      try { results.push(typeof window.analytics.track(...args).then); } catch (e) { results.push('threw ' + e); }
    };
    call('Kept 1', { i: 1 });
    call('Big', { n: 10n });
    call('Cyclic', cyclic);
    call('Throwing', throwing);
    call('Kept 2', { i: 2 }, { context: { ip: '0.0.0.0' } });
    window.analytics.page('Docs', 'Kept page');
    window.analytics.identify('waiting-user', { plan: 'pro' });
    return results;
  });
  assert.deepEqual(returned, Array(5).fill('function'), 'every call returned its promise');
  await page.goto(server.url('/second.html'));
  await recorder.waitForEvents(() => recorder.events().some((e) => e.userId === 'waiting-user'));
  await page.evaluate(() => window.analytics.flush(2000));
  const events = recorder.events().filter((e) => e.context.page.path === '/first.html');
  assert.deepEqual(events.map((e) => e.event || e.name || e.userId), ['Kept 1', 'Kept 2', 'Kept page', 'waiting-user'], 'the others arrive, in call order');
  for (const e of events) assert.equal(e.properties?.viaMiddleware ?? true, true);
  assert.deepEqual(page.errors, []);
});

test('storage blocked or full at pagehide: nothing throws into the page', async (t) => {
  recorder.clear();
  const page = await pageWithPluginsHeld(t);
  await openWaiting(page, '/first.html');
  await page.evaluate(() => {
    window.__errors = [];
    addEventListener('error', (e) => window.__errors.push(String(e.message)));
    addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));
    Storage.prototype.setItem = () => { throw new DOMException('full', 'QuotaExceededError'); };
    window.analytics.track('Full', { n: 1 });
  });
  // pagehide without leaving: the calls stay waiting (not saved), and nothing escapes.
  await page.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
  assert.deepEqual(await page.evaluate(() => window.__errors), []);
  assert.equal(await page.evaluate(() => localStorage.getItem('wa:snippet-calls:v1')), null);
  assert.deepEqual(page.errors, []);
});

test('consent pending: waiting calls are not written to storage', async (t) => {
  recorder.clear();
  const page = await pageWithPluginsHeld(t);
  await openWaiting(page, '/pending.html');
  await page.evaluate(() => { window.analytics.track('Pending', { n: 1 }); }); // not awaited: it waits for the held module
  await page.goto(server.url('/blank.html'));
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], 'no key at all');
  assert.deepEqual(page.errors, []);
});

test('pagehide without leaving (back-forward cache): a call that could not be saved is sent on this page when the module arrives; the saved ones only by the next page', async (t) => {
  recorder.clear();
  const page = await pageWithPluginsHeld(t);
  await openWaiting(page, '/first.html');
  await page.evaluate(() => {
    const cyclic = { a: 1 };
    cyclic.self = cyclic;
    window.__results = [];
    window.analytics.track('Saved 1', { i: 1 }).then((ctx) => window.__results.push(ctx.failedDelivery()?.reason?.toString() ?? 'sent'));
    window.analytics.track('Unsaveable', cyclic).then((ctx) => window.__results.push(ctx.failedDelivery()?.reason?.toString() ?? 'sent'));
    window.analytics.track('Saved 2', { i: 2 }).then((ctx) => window.__results.push(ctx.failedDelivery()?.reason?.toString() ?? 'sent'));
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
  });
  const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('wa:snippet-calls:v1')));
  assert.deepEqual(saved.map((call) => call[1]), ['Saved 1', 'Saved 2'], 'the serialisable calls are saved for the next page');
  await page.release();
  await recorder.waitForEvents(() => mine('Unsaveable').length >= 1);
  await page.evaluate(() => window.analytics.flush(2000));
  assert.equal(mine('Unsaveable').length, 1, 'the call that could not be saved is sent by this page');
  assert.equal(mine('Unsaveable')[0].properties.viaMiddleware, true);
  assert.deepEqual([...mine('Saved 1'), ...mine('Saved 2')], [], 'the saved calls are not sent here too');
  const results = await page.evaluate(() => window.__results);
  assert.equal(results.filter((r) => r === 'sent').length, 1, 'only the unsaveable call resolves as sent here: ' + results);
  assert.deepEqual(page.errors, []);
});
