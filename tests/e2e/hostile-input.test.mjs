// Hostile input end to end, against the REAL collector (which rejects invalid events with 400, as any
// Segment-compatible endpoint may): an event that cannot be sent as it is must not take its neighbours
// with it, a crafted link must not silence the visitor, the snippet's pagehide save must not lose every
// call for one unserialisable argument, and nothing may be thrown into the page.
// Environment: Node's test runner, playwright-core + Chromium, www/ built by scripts/build, the collector
// binary (tests/e2e/lib/collector.mjs builds it when missing).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser, recordPageErrors } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startCollector } from './lib/collector.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const collector = await startCollector();
const load = (key, extra = '') => `analytics.load('${key}', {apiHost: '${collector.apiHost}'${extra}});`;
const page = (key, script = '', extra = '') => `<!doctype html><title>hostile</title><script src="/snippet.js"></script>
<script>${load(key, extra)}${script}</script>`;
const site = await startStaticServer({ root: WWW, pages: {} });
after(async () => {
  await closeSharedBrowser();
  collector.close();
  await site.close();
});

async function visit(t, path, html) {
  site.pages[path.split(/[?#]/)[0]] = html;
  const { page: p, context } = await openPage(t);
  await p.addInitScript(recordPageErrors);
  await p.goto(site.url(path));
  await p.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 15000 });
  return { page: p, context };
}

// The collector never stores the writeKey: each test's events are told apart by the page they were made on.
const KEY_PAGES = { 'burst-key': '/burst.html', 'save-key': '/stalled.html', 'link-key': '/landing.html', 'twice-key': '/twice.html', 'mw-key': '/middleware.html' };
const stored = (key, name) => collector.stream.filter((e) => e.context?.page?.path === KEY_PAGES[key] && (!name || e.event === name));

test('the poisoned burst delivers every valid event; a batch the endpoint rejects is split, not dropped', async (t) => {
  const { page: p } = await visit(t, '/burst.html', page('burst-key'));
  const requests = [];
  p.on('request', (r) => { if (r.url().startsWith(collector.apiHost)) requests.push(r.url()); });
  await p.evaluate(() => {
    analytics.track('first'); analytics.track('A'); analytics.track('x', { t: '😀'.slice(0, 1) }); analytics.track('B');
  });
  await collector.waitFor(() => ['first', 'A', 'x', 'B'].every((n) => stored('burst-key', n).length === 1), 'the four events');
  assert.equal(stored('burst-key', 'x')[0].properties.t, '\ufffd', 'the unpaired surrogate was repaired');
  console.log(`poisoned burst (unpaired surrogate): ${requests.length} request(s)`);

  // An event only the endpoint knows is invalid (middleware made context a string: the collector answers 400).
  await p.evaluate(() => {
    analytics.addSourceMiddleware(({ payload, next }) => {
      if (payload.obj.event === 'poison') payload.obj.context = 'not an object';
      next(payload);
    });
  });
  const before = requests.length;
  const drops = await p.evaluate(async () => {
    const dropped = [];
    analytics.on('error', (e) => dropped.push(e));
    const names = [];
    for (let i = 0; i < 40; i++) names.push(i === 17 ? 'poison' : 'valid-' + i);
    await Promise.all(names.map((n) => analytics.track(n)));
    await analytics.flush(15000);
    return dropped;
  });
  await collector.waitFor(() => stored('burst-key').filter((e) => e.event.startsWith('valid-')).length === 39, 'the 39 valid events');
  assert.equal(stored('burst-key', 'poison').length, 0);
  assert.equal(drops.length, 1, JSON.stringify(drops));
  assert.equal(drops[0].code, 'delivery_failure');
  assert.match(drops[0].reason, /rejected/);
  console.log(`burst of 40 with one event the endpoint rejects: ${requests.length - before} requests, 39 stored, 1 dropped (${drops[0].reason})`);
  assert.deepEqual(await p.evaluate(() => window.__errors), []);
  assert.deepEqual(p.errors, []);
});

test('the snippet save with one unserialisable argument replays the others', async (t) => {
  const stalled = `<!doctype html><title>stalled</title><script src="/snippet.js"></script>
<script>${load('save-key', ", scriptUrl: '/never-there.js'")}
var cyclic = {}; cyclic.self = cyclic;
analytics.track('kept-1'); analytics.track('cyclic', cyclic); analytics.track('bigint', {n: 10n});
analytics.track('window', {w: window}); analytics.track('kept-2', {n: 2});</script>`;
  site.pages['/stalled.html'] = stalled;
  site.pages['/next.html'] = page('save-key');
  const { page: p } = await openPage(t);
  await p.goto(site.url('/stalled.html'));
  assert.equal(await p.evaluate(() => window.analytics.length), 5);
  await p.goto(site.url('/next.html'));
  await collector.waitFor(() => stored('save-key', 'kept-1').length && stored('save-key', 'kept-2').length, 'the two serialisable calls');
  assert.equal(stored('save-key', 'kept-2')[0].properties.n, 2);
  assert.deepEqual(p.errors, []);
});

test('a crafted #?ajs_aid=<40,000 chars> link leaves tracking working', async (t) => {
  const long = 'a'.repeat(40000);
  site.pages['/landing.html'] = page('link-key');
  const { page: p } = await openPage(t);
  await p.goto(site.url('/landing.html#?ajs_aid=' + long + '&ajs_uid=' + long));
  await p.waitForFunction(() => window.analytics && window.analytics.initialized === true);
  await p.evaluate(() => analytics.track('after-link'));
  await p.goto(site.url('/landing.html'));
  await p.waitForFunction(() => window.analytics && window.analytics.initialized === true);
  await p.evaluate(() => analytics.track('next-page'));
  await collector.waitFor(() => stored('link-key', 'after-link').length && stored('link-key', 'next-page').length, 'both events');
  for (const e of stored('link-key').filter((e) => e.type === 'track')) {
    assert.ok(e.anonymousId.length < 100 && e.userId == null, `${e.event}: ${e.anonymousId.length} chars`);
  }
  const storage = await p.evaluate(() => JSON.stringify(localStorage) + document.cookie);
  assert.ok(!storage.includes(long), 'the long id is not persisted');
  assert.deepEqual(p.errors, []);
});

test('a second snippet after load does nothing but a console error', async (t) => {
  const { page: p } = await visit(t, '/twice.html', page('twice-key'));
  await p.addScriptTag({ url: '/snippet.js' });
  const result = await p.evaluate(async () => {
    analytics.track('after-second-snippet');
    return { initialized: analytics.initialized, isArray: Array.isArray(analytics) };
  });
  assert.deepEqual(result, { initialized: true, isArray: false });
  await collector.waitFor(() => stored('twice-key', 'after-second-snippet').length, 'the event');
  assert.ok(p.consoleLines.some((l) => l.startsWith('error:') && l.includes('twice')), p.consoleLines.join('\n'));
  assert.deepEqual(await p.evaluate(() => window.__errors), []);
  assert.deepEqual(p.errors, []);
});

test('middleware leaving BigInt, cycles or throwing getters: the promise resolves and the callback fires', async (t) => {
  const { page: p } = await visit(t, '/middleware.html', page('mw-key'));
  const outcome = await p.evaluate(async () => {
    analytics.addSourceMiddleware(({ payload, next }) => {
      const kind = payload.obj.event;
      if (kind === 'bigint') payload.obj.properties.n = 10n;
      if (kind === 'cycle') payload.obj.properties.self = payload.obj;
      if (kind === 'getter') Object.defineProperty(payload.obj.properties, 'g', { enumerable: true, get() { throw new Error('getter'); } });
      next(payload);
    });
    const results = [];
    for (const kind of ['bigint', 'cycle', 'getter', 'plain']) {
      let called = false;
      let settled = 'pending';
      await analytics.track(kind, {}, () => { called = true; }).then(() => { settled = 'resolved'; }, () => { settled = 'rejected'; });
      results.push([kind, settled, called]);
    }
    return results;
  });
  for (const [kind, settled, called] of outcome) {
    assert.equal(settled, 'resolved', kind);
    assert.equal(called, true, kind);
  }
  await collector.waitFor(() => stored('mw-key', 'plain').length && stored('mw-key', 'bigint').length, 'plain and bigint');
  assert.equal(stored('mw-key', 'bigint')[0].properties.n, '10', 'BigInt sent as text');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await p.evaluate(() => window.__errors), []);
  assert.deepEqual(p.errors, []);
});

test('on/once/off/emit never throw, whatever the event name, even when its listener throws', async (t) => {
  const { page: p } = await visit(t, '/emitter.html', page('emitter-key'));
  const thrown = await p.evaluate(() => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', Symbol('s'), { toString() { throw new Error('x'); } },
      Object.create(null), new Proxy({}, { get() { throw new Error('trap'); } }), undefined, null, 42];
    const out = [];
    for (const name of names) {
      for (const method of ['on', 'once', 'off']) {
        try { analytics[method](name, () => {}); analytics[method](name); } catch (e) { out.push(method + ': ' + e.message); }
      }
      try {
        analytics.on(name, () => { throw new Error('listener'); });
        if (analytics.emit(name, 1) !== analytics) out.push('emit: not chainable');
      } catch (e) { out.push('emit: ' + e.message); }
    }
    let heard = 0;
    analytics.on('track', () => heard++);
    analytics.track('still-works');
    return { out, heard };
  });
  assert.deepEqual(thrown, { out: [], heard: 1 });
  assert.deepEqual(p.errors, []);
});
