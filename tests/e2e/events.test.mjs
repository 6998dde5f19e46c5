// Events end to end: every analytics.js call type and argument form through the script-tag snippet and the
// built library (www/dist), delivered to a local recording endpoint: the envelope (messageId, timestamps,
// identity, context, integrations, writeKey), options merged into context, UTM campaign, canonical URL,
// calls buffered by the snippet before load (order, page context and time kept), listeners, source
// middleware, callbacks, ready, and bad input that must never break the host page.
// Fixture pages: tests/e2e/fixtures/events/*.html, served at /events/<name> with __API_HOST__ replaced.
// Each test uses its own writeKey and reads only its own events, so late deliveries of other tests cannot
// confuse it. Environment: Node's test runner, playwright-core, www/ built by scripts/build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const FIXTURES = new URL('./fixtures/events/', import.meta.url);
const MESSAGE_ID = /^ajs-next-\d{13}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PAGE_KEYS = ['path', 'referrer', 'search', 'title', 'url'];
const STANDARD = { integrations: { 'Segment.io': { deliveryStrategy: { strategy: 'standard' } } } };

const recorder = await startRecorder();
const API_HOST = `http://${recorder.hostPort}/v1`;
const pages = Object.fromEntries(readdirSync(FIXTURES).filter((f) => f.endsWith('.html')).map((f) =>
  [`/events/${f}`, readFileSync(new URL(f, FIXTURES), 'utf8').replaceAll('__API_HOST__', API_HOST)]));
const site = await startStaticServer({ root: WWW, pages });
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

let keys = 0;
/**
 * Opens fixture `name` (page.html by default) with a fresh writeKey and init `options`, waits until the
 * library has replaced the snippet, and returns { page, context, writeKey }.
 */
async function open(t, { fixture = 'page.html', query = '', options = {}, wait = true, init } = {}) {
  const { context, page } = await openPage(t);
  const writeKey = `events-${process.pid}-${++keys}`;
  await page.addInitScript((e2e) => { window.E2E = e2e; }, { writeKey, options });
  if (init) await page.addInitScript(init);
  await page.goto(`${site.origin}/events/${fixture}${query}`);
  if (wait) await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 10000 });
  return { context, page, writeKey };
}

/** Runs `fn(analytics, ...args)` in the page and returns its (awaited, JSON-able) result. */
function call(page, fn, ...args) {
  return page.evaluate(async ([source, a]) => {
    const f = new Function(`return (${source})`)();
    return await f(window.analytics, ...a);
  }, [fn.toString(), args]);
}

/** Sends what the page has queued now (analytics.flush) without waiting for the batching delay. */
const flush = (page) => call(page, (a) => a.flush().then(() => true));

/** This test's accepted events (by writeKey), in arrival order. */
const eventsOf = (writeKey) => recorder.events().filter((e) => e.writeKey === writeKey);
/** This test's accepted requests. */
const requestsOf = (writeKey) => recorder.accepted().filter((r) => r.events.some((e) => e.writeKey === writeKey));

/** Flushes the page and waits until `condition` (a count, or a predicate over this test's events) holds. */
async function delivered(page, writeKey, condition, timeout = 10000) {
  const test = typeof condition === 'number' ? (ev) => ev.length >= condition : condition;
  await flush(page);
  await recorder.waitForEvents(() => test(eventsOf(writeKey)), { timeout });
  return eventsOf(writeKey);
}

/** Facts the browser reports, to compare the envelope's context with. */
const browserFacts = (page) => page.evaluate(() => ({
  userAgent: navigator.userAgent,
  locale: navigator.language,
  timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  href: location.href,
  title: document.title,
}));

/** Shape checks common to every event of every type. */
function assertEnvelope(event, { writeKey, type, ownMessageId = false }) {
  assert.equal(event.type, type);
  assert.match(event.timestamp, ISO_MS);
  if (!ownMessageId) {
    assert.match(event.messageId, MESSAGE_ID);
    assert.ok(Math.abs(Number(event.messageId.slice(9, 22)) - Date.parse(event.timestamp)) < 1000, 'messageId time ≈ timestamp');
  }
  assert.equal(event.writeKey, writeKey);
  assert.match(event.anonymousId, UUID_V4);
  assert.ok('userId' in event, 'userId is always present');
  assert.deepEqual(Object.keys(event.context.page).sort(), PAGE_KEYS);
  assert.deepEqual(event.context.library.name, 'analytics.js');
  assert.match(event.context.library.version, /^next-\d+\.\d+\.\d+/);
  assert.equal(typeof event.integrations, 'object');
}

test('track: the whole envelope of an anonymous event', async (t) => {
  const { page, writeKey } = await open(t, { query: '?q=1#fragment' });
  const before = Date.now();
  await call(page, (a) => a.track('Product Viewed', { sku: 'A-1', price: 9.5, tags: ['x'], nested: { ok: true } }));
  const [event] = await delivered(page, writeKey, 1);
  const facts = await browserFacts(page);
  assertEnvelope(event, { writeKey, type: 'track' });
  assert.equal(event.event, 'Product Viewed');
  assert.deepEqual(event.properties, { sku: 'A-1', price: 9.5, tags: ['x'], nested: { ok: true } });
  assert.equal(event.userId, null, 'anonymous: userId null');
  assert.ok(!('traits' in event), 'no top-level traits on track');
  assert.ok(Date.parse(event.timestamp) >= before - 5 && Date.parse(event.timestamp) <= Date.now());
  assert.deepEqual(event.context.page, {
    path: '/events/page.html', referrer: '', search: '?q=1', title: facts.title,
    url: `${site.origin}/events/page.html?q=1`,
  });
  assert.equal(event.context.userAgent, facts.userAgent);
  assert.equal(event.context.locale, facts.locale);
  assert.equal(event.context.timezone, facts.timezone);
  assert.deepEqual(event.integrations, {});
  const [request] = requestsOf(writeKey);
  // A lone event goes to its own path (/v1/t, sentAt on the event); a batch to /v1/b (sentAt on the batch).
  assert.ok(['/v1/t', '/v1/b'].includes(request.path), request.path);
  assert.equal(request.body.writeKey, writeKey);
  assert.match(request.body.sentAt, ISO_MS);
  assert.ok(Date.parse(request.body.sentAt) >= Date.parse(event.timestamp), 'sentAt ≥ timestamp');
  assert.match(request.headers['content-type'], /^text\/plain/);
  assert.deepEqual(page.errors, []);
});

test('standard delivery: one text/plain request per event to /t /p /i /g /a /s, each with writeKey and sentAt', async (t) => {
  const { page, writeKey } = await open(t, { options: STANDARD });
  await call(page, async (a) => {
    await a.track('T');
    await a.page('P');
    await a.identify('std-user');
    await a.group('std-group');
    await a.alias('std-alias');
    await a.screen('S');
  });
  await delivered(page, writeKey, 6);
  const requests = requestsOf(writeKey);
  const byType = Object.fromEntries(requests.map((r) => [r.body.type, r]));
  for (const [type, path] of [['track', '/v1/t'], ['page', '/v1/p'], ['identify', '/v1/i'], ['group', '/v1/g'], ['alias', '/v1/a'], ['screen', '/v1/s']]) {
    const request = byType[type];
    assert.ok(request, `a ${type} request`);
    assert.equal(request.path, path, type);
    assert.match(request.headers['content-type'], /^text\/plain/, type);
    assert.equal(request.body.writeKey, writeKey, type);
    assert.match(request.body.sentAt, ISO_MS, type);
    assert.ok(Date.parse(request.body.sentAt) >= Date.parse(request.body.timestamp), `${type}: sentAt ≥ timestamp`);
    assertEnvelope(request.body, { writeKey, type });
  }
  assert.equal(requests.length, 6, 'one request per event');
});

// Each row: a call (by method and arguments) and fields its event must have. Options rows carry a
// messageId so the row can be found; rows without options are matched by order.
const FORMS = [
  ['track', ['E0'], { event: 'E0', properties: {} }],
  ['track', ['E1', { a: 1 }], { event: 'E1', properties: { a: 1 } }],
  ['track', ['E2', { a: 2 }, { messageId: 'form-E2' }], { event: 'E2', properties: { a: 2 }, messageId: 'form-E2' }],
  ['track', ['E3', 'CALLBACK'], { event: 'E3', properties: {} }],
  ['track', ['E4', { a: 4 }, 'CALLBACK'], { event: 'E4', properties: { a: 4 } }],
  ['track', ['E5', { a: 5 }, { context: { ip: '5.5.5.5' } }, 'CALLBACK'], { event: 'E5', properties: { a: 5 }, context: { ip: '5.5.5.5' } }],
  ['page', [], { properties: {} }],
  ['page', ['Home'], { name: 'Home', properties: { name: 'Home' } }],
  ['page', ['Docs', 'Install'], { category: 'Docs', name: 'Install', properties: { category: 'Docs', name: 'Install' } }],
  ['page', [{ p: 1 }], { properties: { p: 1 } }],
  ['page', [{ p: 2 }, { messageId: 'form-P2' }], { properties: { p: 2 }, messageId: 'form-P2' }],
  ['page', ['Named', { p: 3 }, { messageId: 'form-P3' }], { name: 'Named', properties: { p: 3, name: 'Named' }, messageId: 'form-P3' }],
  ['page', ['Cat', 'Full', { p: 4 }, { messageId: 'form-P4' }, 'CALLBACK'], { category: 'Cat', name: 'Full', properties: { p: 4, category: 'Cat', name: 'Full' }, messageId: 'form-P4' }],
  ['page', [null, 'OnlyName'], { name: 'OnlyName' }],
  ['page', [{ title: 'Mine', url: 'https://override.example/x' }], { properties: { title: 'Mine', url: 'https://override.example/x' } }],
  ['screen', ['Home Screen'], { name: 'Home Screen', properties: {} }],
  ['screen', ['Section', 'Screen', { s: 1 }], { category: 'Section', name: 'Screen', properties: { s: 1 } }],
  ['identify', ['form-user'], { userId: 'form-user' }],
  ['identify', ['form-user', { email: 'a@b.c' }], { userId: 'form-user', traits: { email: 'a@b.c' } }],
  ['identify', [{ plan: 'pro' }], { userId: 'form-user', traits: { email: 'a@b.c', plan: 'pro' } }],
  ['identify', ['form-user', { age: 3 }, { messageId: 'form-I3' }], { userId: 'form-user', traits: { email: 'a@b.c', plan: 'pro', age: 3 }, messageId: 'form-I3' }],
  ['group', ['form-group'], { groupId: 'form-group', userId: 'form-user' }],
  ['group', ['form-group', { seats: 5 }], { groupId: 'form-group', traits: { seats: 5 } }],
  ['group', ['form-group-2', { seats: 6 }, { messageId: 'form-G2' }], { groupId: 'form-group-2', traits: { seats: 6 }, messageId: 'form-G2' }],
  ['alias', ['form-alias'], { userId: 'form-alias', previousId: 'form-user' }],
  ['alias', ['to-id', 'from-id'], { userId: 'to-id', previousId: 'from-id' }],
  ['alias', ['to-id-2', 'from-id-2', { messageId: 'form-A2' }], { userId: 'to-id-2', previousId: 'from-id-2', messageId: 'form-A2' }],
  ['identify', [42], { userId: '42' }],
];

test(`every call type in its analytics.js argument forms (${FORMS.length} calls)`, async (t) => {
  const { page, writeKey } = await open(t);
  const callbacks = await call(page, async (a, forms) => {
    let fired = 0;
    for (const [method, args] of forms) {
      await a[method](...args.map((v) => (v === 'CALLBACK' ? () => { fired += 1; } : v)));
    }
    return fired;
  }, FORMS);
  assert.equal(callbacks, FORMS.filter(([, args]) => args.includes('CALLBACK')).length, 'every callback fired');
  const events = await delivered(page, writeKey, FORMS.length);
  assert.equal(events.length, FORMS.length);
  FORMS.forEach(([method, args, expected], i) => {
    const event = events[i];
    const label = `${method}(${JSON.stringify(args)})`;
    assert.equal(event.type, method, label);
    assertEnvelope(event, { writeKey, type: method, ownMessageId: 'messageId' in expected });
    for (const [key, value] of Object.entries(expected)) {
      if (key === 'properties' && method === 'page') {
        const pageFields = Object.fromEntries(PAGE_KEYS.map((k) => [k, event.context.page[k]]));
        assert.deepEqual(event.properties, { ...pageFields, ...value }, `${label}: page fields under the user's properties`);
      } else if (key === 'context') {
        for (const [k, v] of Object.entries(value)) assert.deepEqual(event.context[k], v, `${label} context.${k}`);
      } else {
        assert.deepEqual(event[key], value, `${label} ${key}`);
      }
    }
    if (method === 'page' && !('name' in expected)) assert.ok(!('name' in event), `${label}: no name`);
  });
  assert.deepEqual(page.errors, []);
});

test('options: messageId, timestamp, context merge (ip, traits, page), traits and ip shorthands, userId once identified', async (t) => {
  const { page, writeKey } = await open(t);
  await call(page, async (a) => {
    await a.track('opt-1', {}, { messageId: 'my-own-id', timestamp: '2024-01-02T03:04:05.678Z' });
    await a.track('opt-2', {}, { context: { ip: '1.2.3.4', traits: { a: 1 }, app: { name: 'shop' }, page: { title: 'Overridden' } } });
    await a.track('opt-3', {}, { traits: { b: 2 }, ip: '5.6.7.8', locale: 'fr-FR' });
    await a.identify('opt-user', { c: 3 });
    await a.track('opt-4');
  });
  const events = await delivered(page, writeKey, 5);
  const byName = Object.fromEntries(events.filter((e) => e.event).map((e) => [e.event, e]));
  assert.equal(byName['opt-1'].messageId, 'my-own-id', 'options.messageId verbatim');
  assert.equal(byName['opt-1'].timestamp, '2024-01-02T03:04:05.678Z', 'options.timestamp');
  const two = byName['opt-2'].context;
  assert.equal(two.ip, '1.2.3.4');
  assert.deepEqual(two.traits, { a: 1 });
  assert.deepEqual(two.app, { name: 'shop' });
  assert.equal(two.page.title, 'Overridden', 'options.context.page wins over the page context');
  assert.equal(two.page.path, '/events/page.html', 'the other page keys stay');
  assert.equal(two.library.name, 'analytics.js', 'enrichment kept next to options.context');
  const three = byName['opt-3'].context;
  assert.deepEqual(three.traits, { b: 2 }, 'options.traits → context.traits');
  assert.equal(three.ip, '5.6.7.8', 'options.ip → context.ip');
  assert.equal(three.locale, 'fr-FR', 'options.locale overrides the enrichment');
  assert.ok(!('traits' in byName['opt-3']), 'no top-level traits on track');
  assert.equal(byName['opt-4'].userId, 'opt-user', 'userId after identify');
  assert.equal(byName['opt-1'].userId, null);
  assert.equal(byName['opt-4'].anonymousId, byName['opt-1'].anonymousId, 'same visitor');
});

test('integrations: init values become booleans, per-event values are kept as given', async (t) => {
  const { page, writeKey } = await open(t, { options: { integrations: { Amplitude: { apiKey: 'x' }, Mixpanel: false } } });
  await call(page, async (a) => {
    await a.track('int-1');
    await a.track('int-2', {}, { integrations: { Amplitude: { session_id: 1 }, Intercom: false } });
  });
  const [one, two] = await delivered(page, writeKey, 2);
  assert.deepEqual(one.integrations, { Amplitude: true, Mixpanel: false });
  assert.deepEqual(two.integrations, { Amplitude: { session_id: 1 }, Mixpanel: false, Intercom: false });
});

test('UTM parameters become context.campaign (utm_campaign → name, + and %20 decoded)', async (t) => {
  const query = '?utm_source=newsletter&utm_medium=email&utm_campaign=spring+sale&utm_term=red%20shoes&utm_content=hero&other=1';
  const { page, writeKey } = await open(t, { query });
  await call(page, (a) => a.track('campaign'));
  const [event] = await delivered(page, writeKey, 1);
  assert.deepEqual(event.context.campaign, { source: 'newsletter', medium: 'email', name: 'spring sale', term: 'red shoes', content: 'hero' });
  assert.equal(event.context.page.search, query);
});

test('canonical link: context.page.url is the canonical URL plus the query, path its pathname; no #fragment', async (t) => {
  const { page, writeKey } = await open(t, { fixture: 'canonical.html', query: '?color=red#reviews' });
  const [event] = await delivered(page, writeKey, 1);
  assert.equal(event.type, 'page');
  assert.equal(event.context.page.url, 'https://shop.example.com/c/shoes?color=red');
  assert.equal(event.context.page.path, '/c/shoes');
  assert.equal(event.context.page.search, '?color=red');
  assert.equal(event.properties.url, 'https://shop.example.com/c/shoes?color=red');
});

test('snippet calls made before load arrive in the order made, each with its own page context and time', async (t) => {
  const { page, writeKey } = await open(t, { fixture: 'buffered.html' });
  const { madeAt, readyAt, finished } = await page.evaluate(() => ({ madeAt: window.madeAt, readyAt: window.readyAt, finished: window.scriptFinished }));
  assert.equal(finished, true);
  const events = await delivered(page, writeKey, 6);
  assert.deepEqual(events.map((e) => e.type + ':' + (e.event || e.name || e.userId || '')),
    ['page:', 'track:First', 'page:Second', 'track:Second', 'identify:buffered-user', 'track:Third'], 'the order the calls were made in');
  const first = { path: '/events/buffered.html', search: '', title: 'First title', url: `${site.origin}/events/buffered.html`, referrer: '' };
  const second = { path: '/events/second', search: '?tab=2', title: 'Second title', url: `${site.origin}/events/second?tab=2`, referrer: '' };
  const third = { path: '/events/third', search: '', title: 'Third title', url: `${site.origin}/events/third`, referrer: '' };
  [first, first, second, second, third, third].forEach((expected, i) => assert.deepEqual(events[i].context.page, expected, `event ${i}`));
  events.forEach((e, i) => {
    const at = Date.parse(e.timestamp);
    assert.ok(at >= madeAt[i] && at < madeAt[i] + 50, `event ${i}: the time the call was made (${at} vs ${madeAt[i]})`);
    assert.ok(at < readyAt, `event ${i}: made before the library was ready`);
    assert.equal(Number(e.messageId.slice(9, 22)), at, `event ${i}: messageId carries the call time`);
  });
  assert.ok(madeAt[3] - madeAt[0] >= 180, 'the busy waits took time');
  assert.ok(events.every((e) => e.anonymousId === 'buffered-anon'), 'setAnonymousId applied before the first buffered page()');
  assert.equal(events[0].properties.title, 'First title', 'page properties from the buffered context too');
  assert.equal(events[5].userId, 'buffered-user');
  for (const e of events) assert.ok(!JSON.stringify(e).includes('"__t"'), 'the buffered context never leaks into the payload');
  assert.deepEqual(page.errors, []);
});

test('SPA navigation after the call: the event keeps the page it was made on', async (t) => {
  const { page, writeKey } = await open(t);
  await call(page, (a) => {
    a.track('before-navigation');
    history.pushState({}, '', '/events/elsewhere?x=1');
    document.title = 'Elsewhere';
    a.track('after-navigation');
  });
  const [before, afterNav] = await delivered(page, writeKey, 2);
  assert.equal(before.context.page.path, '/events/page.html');
  assert.equal(afterNav.context.page.path, '/events/elsewhere');
  assert.equal(afterNav.context.page.title, 'Elsewhere');
});

test(`on('track') and on('page') listeners get analytics.js's arguments; once() fires once; off() stops`, async (t) => {
  const { page, writeKey } = await open(t);
  const seen = await call(page, async (a) => {
    const seen = [];
    const listener = (event, properties, options) => seen.push(['track', event, properties, typeof options.context]);
    a.on('track', listener);
    a.once('track', (event) => seen.push(['once', event]));
    a.on('page', (category, name, properties) => seen.push(['page', category, name, properties.path]));
    a.on('identify', (id, traits) => seen.push(['identify', id, traits]));
    a.on('track', () => { throw new Error('a bad listener'); });
    await a.track('L1', { x: 1 });
    await a.track('L2');
    await a.page('C', 'N');
    await a.identify('listener-user', { t: 1 });
    a.off('track', listener);
    await a.track('L3');
    return seen;
  });
  assert.deepEqual(seen, [
    ['track', 'L1', { x: 1 }, 'object'], ['once', 'L1'], ['track', 'L2', {}, 'object'],
    ['page', 'C', 'N', '/events/page.html'], ['identify', 'listener-user', { t: 1 }],
  ]);
  await delivered(page, writeKey, 5);
  assert.deepEqual(page.errors, [], 'a throwing listener does not reach the page');
});

test('addSourceMiddleware: modifies the payload; not calling next cancels; next(null) keeps the event', async (t) => {
  const { page, writeKey } = await open(t);
  const callbacks = await call(page, async (a) => {
    await a.addSourceMiddleware(({ payload, next }) => {
      if (payload.obj.event === 'mw-cancel') return; // never calls next
      if (payload.obj.event === 'mw-null') return next(null);
      payload.obj.properties = { ...payload.obj.properties, touched: true };
      payload.obj.context.middleware = 'ran';
      next(payload);
    });
    const fired = [];
    await a.track('mw-modify', { a: 1 }, () => fired.push('modify'));
    a.track('mw-cancel', {}, () => fired.push('cancel'));
    await a.track('mw-null', { b: 2 }, () => fired.push('null'));
    await a.page('mw-page');
    // The cancelled event's callback fires after the callback timeout: wait for it, not for a fixed time.
    await new Promise((resolve) => { const check = () => (fired.length >= 3 ? resolve() : setTimeout(check, 10)); check(); });
    return fired;
  });
  assert.deepEqual(callbacks.sort(), ['cancel', 'modify', 'null'], 'callbacks fire for cancelled events too');
  const events = await delivered(page, writeKey, 3);
  await call(page, (a) => a.track('mw-sentinel'));
  const all = await delivered(page, writeKey, (ev) => ev.some((e) => e.event === 'mw-sentinel'));
  const names = all.map((e) => e.event || e.name);
  assert.ok(!names.includes('mw-cancel'), 'the cancelled event never arrives');
  const byName = Object.fromEntries(events.map((e) => [e.event || e.name, e]));
  assert.deepEqual(byName['mw-modify'].properties, { a: 1, touched: true });
  assert.equal(byName['mw-modify'].context.middleware, 'ran');
  assert.deepEqual(byName['mw-null'].properties, { b: 2 }, 'next(null) keeps the event unchanged');
  assert.equal(byName['mw-page'].type, 'page');
  assert.match(byName['mw-modify'].messageId, MESSAGE_ID);
});

test('addSourceMiddleware not awaited: the very next calls go through it, in call order', async (t) => {
  const { page, writeKey } = await open(t);
  await call(page, (a) => {
    // The middleware runs in wa-plugins.js, fetched on this call: the events below wait for it.
    a.addSourceMiddleware(({ payload, next }) => { payload.obj.properties.seen = true; next(payload); });
    for (let i = 0; i < 5; i++) a.track('mw-sync', { i });
  });
  const events = await delivered(page, writeKey, 5);
  assert.deepEqual(events.map((e) => e.properties), [0, 1, 2, 3, 4].map((i) => ({ i, seen: true })));
  assert.deepEqual(page.errors, []);
});

test('addSourceMiddleware when wa-plugins.js cannot be fetched: events go out as built, calls resolve, nothing reaches the page', async (t) => {
  const { page, writeKey } = await open(t);
  await page.route('**/wa-plugins.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
  const result = await call(page, async (a) => {
    const added = await a.addSourceMiddleware(({ payload, next }) => { payload.obj.properties.seen = true; next(payload); });
    const ctx = await a.track('mw-unloaded', { n: 1 });
    return { sameInstance: added === a, event: ctx.event.event, failed: ctx.failedDelivery() };
  });
  assert.deepEqual(result, { sameInstance: true, event: 'mw-unloaded', failed: undefined });
  const [event] = await delivered(page, writeKey, 1);
  assert.deepEqual(event.properties, { n: 1 }, 'sent as built: the middleware never ran');
  assert.deepEqual(page.errors, []);
});

test('callbacks: called with the context no sooner than the 300 ms timeout; also for dropped calls; ready() fires', async (t) => {
  const { page, writeKey } = await open(t);
  const result = await call(page, async (a) => {
    const out = { readyCalls: 0 };
    await a.ready(() => { out.readyCalls += 1; });
    const start = performance.now();
    out.track = await new Promise((resolve) => a.track('cb-track', { n: 1 }, (ctx) => resolve({
      ms: performance.now() - start, event: ctx && ctx.event && ctx.event.event, messageId: ctx && ctx.event && ctx.event.messageId,
    })));
    out.page = await new Promise((resolve) => a.page('cb-page', (ctx) => resolve(ctx && ctx.event.name)));
    out.dropped = await new Promise((resolve) => a.track(undefined, {}, (ctx) => resolve(String(ctx && ctx.failedDelivery() && ctx.failedDelivery().reason))));
    out.promise = await a.track('cb-promise').then((ctx) => ctx && ctx.event.event);
    return out;
  });
  assert.equal(result.readyCalls, 1);
  assert.equal(result.track.event, 'cb-track');
  assert.ok(result.track.ms >= 290, `callback after the 300 ms timeout (${result.track.ms.toFixed(0)} ms)`);
  assert.equal(result.page, 'cb-page');
  assert.match(result.dropped, /invalid arguments/, 'the callback of a dropped call still fires, with a Context saying why');
  assert.equal(result.promise, 'cb-promise', 'event methods resolve with the context');
  const events = await delivered(page, writeKey, 3);
  assert.equal(events.find((e) => e.event === 'cb-track').messageId, result.track.messageId, 'the context is the event that was sent');
});

test('bad input before and after load: nothing thrown, the page script runs on, every good call arrives', async (t) => {
  const { page, writeKey } = await open(t, { fixture: 'bad-input.html' });
  assert.equal(await page.evaluate(() => window.finished), true, 'the page script ran to its end');
  await call(page, (a) => a.debug(true));
  const afterLoad = await page.evaluate(() => {
    const count = window.runBadCalls('after');
    return { count, thrown: window.thrown };
  });
  const count = afterLoad.count;
  assert.deepEqual(afterLoad.thrown, [], 'no call threw');
  const okNames = (ev) => new Set(ev.map((e) => e.event).filter((n) => n && n.startsWith('ok-')));
  const events = await delivered(page, writeKey, (ev) => okNames(ev).size >= 2 * count, 15000);
  for (const phase of ['before', 'after']) {
    for (let i = 0; i < count; i++) assert.ok(okNames(events).has(`ok-${phase}-${i}`), `ok-${phase}-${i} arrived`);
  }
  const named = (name) => events.filter((e) => e.event === name);
  assert.equal(named('bad-cyclic').length, 2, 'cyclic properties: repaired and sent');
  assert.equal(named('bad-cyclic')[0].properties.name, 'cyclic');
  assert.ok(!('self' in named('bad-cyclic')[0].properties), 'the cycle is cut');
  assert.equal(named('bad-bigint')[0]?.properties.big, '12345678901234567890', 'BigInt as a string');
  assert.deepEqual(named('bad-function')[0]?.properties, { keep: 1 }, 'functions dropped');
  assert.deepEqual(named('bad-dom')[0]?.properties, { keep: 1 }, 'DOM nodes dropped');
  assert.deepEqual(named('bad-window')[0]?.properties, { keep: 1 }, 'window dropped');
  assert.deepEqual(named('bad-symbol')[0]?.properties, { keep: 1 }, 'Symbols dropped');
  assert.deepEqual(named('bad-getter').map((e) => e.properties), [{}, {}], 'a throwing getter: sent without properties');
  assert.equal(named('bad-call-null').length, 2, 'analytics.track.call(null, name) still tracks');
  assert.deepEqual(named('bad-props-string').map((e) => e.properties), [{}, {}], 'non-object properties: sent as {}');
  assert.equal(named('bad-huge').length, 0, 'over 32 KB: dropped');
  assert.equal(named('bad-million-prop').length, 0, 'a million characters: dropped');
  assert.ok(events.every((e) => JSON.stringify(e).length < 33000), 'nothing over the limit went out');
  assert.ok(events.every((e) => e.type !== 'track' || (typeof e.event === 'string' && e.event.length > 0)), 'no nameless track');
  // The lines print once wa-debug.js (fetched by debug(true)) has arrived, which may be after the events.
  const debugLines = () => page.consoleLines.filter((l) => l.startsWith('warning:') && l.includes('[wasm-analytics]'));
  for (let i = 0; debugLines().length < 5 && i < 250; i++) await page.waitForTimeout(20);
  const warnings = debugLines();
  assert.ok(warnings.length >= 5, `debug mode warns about dropped/repaired input (${warnings.length} warnings)`);
  assert.deepEqual(page.errors, [], 'no uncaught error in the page');
});

test('trackLink / trackForm: the event of a click that navigates away still arrives; the page navigates', async (t) => {
  const { page, writeKey } = await open(t);
  await page.evaluate(() => {
    document.body.insertAdjacentHTML('beforeend', '<a id="go" href="/events/page.html?after=link">go</a>');
    window.analytics.trackLink(document.getElementById('go'), 'Clicked Link', { where: 'body' });
  });
  await Promise.all([page.waitForURL(/after=link/), page.click('#go')]);
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true);
  await page.evaluate(() => {
    document.body.insertAdjacentHTML('beforeend', '<form id="f" action="/events/page.html"><input name="after" value="form"><button id="send">send</button></form>');
    window.analytics.trackForm(document.getElementById('f'), (form) => 'Submitted ' + form.id, { form: true });
  });
  await Promise.all([page.waitForURL(/after=form/), page.click('#send')]);
  await recorder.waitForEvents(() => ['Clicked Link', 'Submitted f'].every((n) => eventsOf(writeKey).some((e) => e.event === n)));
  const link = eventsOf(writeKey).find((e) => e.event === 'Clicked Link');
  assert.deepEqual(link.properties, { where: 'body' });
  assert.equal(link.context.page.search, '', 'made on the page with the link');
  assert.deepEqual(eventsOf(writeKey).find((e) => e.event === 'Submitted f').properties, { form: true });
  assert.deepEqual(page.errors, []);
});

test('disable: true sends nothing, stores nothing and fetches no wasm; calls and callbacks still work', async (t) => {
  const requestsBefore = site.requests.length;
  // Every way a page can start a request is recorded as it is called (no waiting for one to arrive).
  const init = () => {
    window.__requests = [];
    const record = (api) => (...args) => { window.__requests.push(api + ' ' + String(args[0])); };
    const fetch0 = window.fetch, beacon0 = navigator.sendBeacon, open0 = XMLHttpRequest.prototype.open;
    window.fetch = (...args) => (record('fetch')(...args), fetch0.apply(window, args));
    navigator.sendBeacon = (...args) => (record('beacon')(...args), beacon0.apply(navigator, args));
    XMLHttpRequest.prototype.open = function (...args) { record('xhr')(args[1]); return open0.apply(this, args); };
  };
  const { context, page, writeKey } = await open(t, { options: { disable: true }, init });
  const fired = await call(page, async (a) => {
    const fired = [];
    await a.track('disabled', {}, (ctx) => fired.push(String(ctx.failedDelivery().reason)));
    await a.identify('disabled-user', { x: 1 });
    await a.page();
    await a.flush();
    return fired;
  });
  assert.equal(fired.length, 1, 'the callback fires');
  assert.match(fired[0], /disabled/, 'with a Context saying why nothing was sent');
  // The moments a tracker sends without being asked (hidden, leaving), dispatched now; requests are
  // recorded synchronously as they start, so an empty list means none was started.
  const started = await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    return window.__requests.filter((r) => !r.includes('.wasm'));
  });
  assert.deepEqual(started, [], 'no request started');
  assert.deepEqual(eventsOf(writeKey), []);
  assert.deepEqual(await context.cookies(site.origin), []);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
  assert.ok(!site.requests.slice(requestsBefore).some((p) => p.endsWith('.wasm')), 'the wasm is not fetched');
  assert.deepEqual(page.errors, []);
});

// Known issue (delivery): the request started in the click handler usually arrives, but the page unloads
// before its answer, and the next page re-sends the stored copy (same messageId). Segment drops the
// duplicate by messageId; the recorder shows two. Kept as todo until delivery guards that case.
test('a link click that navigates away is delivered exactly once', { todo: 'duplicate after navigation (delivery)' }, async (t) => {
  const { page, writeKey } = await open(t);
  await page.evaluate(() => {
    document.body.insertAdjacentHTML('beforeend', '<a id="go" href="/events/page.html?after=once">go</a>');
    window.analytics.trackLink(document.getElementById('go'), 'Clicked Once');
  });
  await Promise.all([page.waitForURL(/after=once/), page.click('#go')]);
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true);
  await recorder.waitForEvents(() => eventsOf(writeKey).some((e) => e.event === 'Clicked Once'));
  await flush(page);
  // A late duplicate could only come from this page's outbox (the stored copy): wait until it holds
  // nothing, pending or in flight, and every request it made has been answered.
  await page.waitForFunction(() => {
    const state = window.analytics.queueState();
    return state.pending === 0 && state.inFlight === 0;
  }, null, { timeout: 30000 });
  assert.equal(eventsOf(writeKey).filter((e) => e.event === 'Clicked Once').length, 1);
});
