// Identity end to end: the seed scenarios (Segment, Customer.io, Intilery docs) on real cookies and
// localStorage in headless Chromium, through the analytics.js call API (`analytics.identify`, `reset`,
// `setAnonymousId`, `user().anonymousId()/id()/traits()`, `group()`).
// Pages load the library the way a site does: the snippet (www/snippet.js), then `analytics.load()`, which
// fetches www/dist (built by scripts/build); events go to a local recorder.
// Environment: Node's test runner, playwright-core, www/ built by scripts/build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser, launchBrowser, readCookies, readCookieRecords, readLocalStorage, watchPage } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const WWW = process.env.IDENTITY_E2E_WWW || fileURLToPath(new URL('../../www/', import.meta.url));
const SNIPPET_PAGE = `<!doctype html><title>identity snippet</title>
<script src="/snippet.js"></script>
<script>analytics.load('identity-e2e', JSON.parse(new URLSearchParams(location.search).get('options') || '{}'));</script>`;
// Calls made through the snippet before the library has loaded (queued, then replayed setup-first).
const PRELOAD_PAGE = `<!doctype html><title>identity snippet, calls before load</title>
<script src="/snippet.js"></script>
<script>analytics.setAnonymousId('pre-load-anon'); analytics.identify('pre-load-user', { early: true });
analytics.load('identity-e2e', JSON.parse(new URLSearchParams(location.search).get('options') || '{}'));</script>`;
const PAGES = { snippet: '/identity-snippet.html', preload: '/identity-preload.html' };
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY_S = 86400;
const SHARED_HOSTS = ['www.shop.example.co.uk', 'blog.shop.example.co.uk'];

const site = await startStaticServer({ root: WWW, pages: { [PAGES.snippet]: SNIPPET_PAGE, [PAGES.preload]: PRELOAD_PAGE } });
const recorder = await startRecorder();
let sharedDomainBrowser = null;
after(async () => {
  await closeSharedBrowser();
  if (sharedDomainBrowser) await sharedDomainBrowser.close();
  await recorder.close();
  await site.close();
});

/** Opens a snippet page with init `options` and waits until `window.analytics` is the loaded library. */
async function load(page, { options = {}, origin = site.origin, kind = 'snippet' } = {}) {
  const opts = { apiHost: `${recorder.origin}/v1`, ...options };
  await page.goto(`${origin}${PAGES[kind]}?options=${encodeURIComponent(JSON.stringify(opts))}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 10000 });
}

/** Runs `fn(analytics, ...args)` in the page and returns its (awaited) result. */
function call(page, fn, ...args) {
  return page.evaluate(async ([source, a]) => {
    const f = new Function(`return (${source})`)();
    return await f(window.analytics, ...a);
  }, [fn.toString(), args]);
}

const anonymousId = (page) => call(page, (a) => a.user().anonymousId());
const userId = (page) => call(page, (a) => a.user().id());
const traits = (page) => call(page, (a) => a.user().traits());

/** The identity state a test checks: cookies (raw) and localStorage (raw) of the site origin. */
async function stored(context, page, origin = site.origin) {
  const cookies = await readCookies(context, origin);
  const local = await readLocalStorage(page);
  const pick = (o) => Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('ajs_') || k === '__tld__' || k === '_sio'));
  return { cookies: pick(cookies), local: pick(local) };
}

test(`first visit: a UUID v4 in a bare cookie (path=/, Lax, ~1 year, host-only) and JSON localStorage`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  const id = await anonymousId(page);
  assert.match(id, UUID_V4);
  assert.equal(await anonymousId(page), id, 'stable within the page');
  assert.deepEqual(await stored(context, page), { cookies: { ajs_anonymous_id: id }, local: { ajs_anonymous_id: `"${id}"` } });
  const [record] = (await readCookieRecords(context, site.origin)).filter((c) => c.name === 'ajs_anonymous_id');
  assert.equal(record.path, '/');
  assert.equal(record.sameSite, 'Lax');
  assert.equal(record.secure, false);
  assert.equal(record.domain, '127.0.0.1', 'host-only on an IP host');
  assert.ok(Math.abs(record.expires - (Date.now() / 1000 + 365 * DAY_S)) < 120, `expires ${record.expires}`);
  assert.deepEqual(page.errors, []);
});

test(`a later visit keeps the id`, async (t) => {
  const { page } = await openPage(t);
  await load(page);
  const id = await anonymousId(page);
  await load(page);
  assert.equal(await anonymousId(page), id);
});

test(`cookie cleared: the same id comes back from localStorage and the cookie is rewritten`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  const id = await anonymousId(page);
  await context.clearCookies();
  await load(page);
  assert.equal(await anonymousId(page), id);
  assert.equal((await stored(context, page)).cookies.ajs_anonymous_id, id);
});

test(`localStorage cleared: the same id comes back from the cookie`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  const id = await anonymousId(page);
  await page.evaluate(() => localStorage.clear());
  await load(page);
  assert.equal(await anonymousId(page), id);
  assert.equal((await stored(context, page)).local.ajs_anonymous_id, `"${id}"`);
});

test(`cookie and localStorage both cleared: a new id`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  const id = await anonymousId(page);
  await context.clearCookies();
  await page.evaluate(() => localStorage.clear());
  await load(page);
  const next = await anonymousId(page);
  assert.match(next, UUID_V4);
  assert.notEqual(next, id);
});

test(`identify: userId in cookie + localStorage, traits only in localStorage, anonymousId kept`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  const id = await anonymousId(page);
  await call(page, (a) => a.identify('97980cfea0067', { name: 'Peter Gibbons', plan: 'premium' }));
  assert.equal(await userId(page), '97980cfea0067');
  assert.equal(await anonymousId(page), id);
  const state = await stored(context, page);
  assert.deepEqual(state.cookies, { ajs_anonymous_id: id, ajs_user_id: '97980cfea0067' });
  assert.equal(state.local.ajs_user_id, '"97980cfea0067"');
  assert.deepEqual(JSON.parse(state.local.ajs_user_traits), { name: 'Peter Gibbons', plan: 'premium' });

  await call(page, (a) => a.identify({ email: 'peter@example.com' }));
  await load(page);
  assert.equal(await userId(page), '97980cfea0067');
  assert.deepEqual(await traits(page), { name: 'Peter Gibbons', plan: 'premium', email: 'peter@example.com' });
  await call(page, (a) => a.identify(42));
  assert.equal(await userId(page), '42', 'numbers become strings');
});

test(`identify as someone else: new anonymousId, traits replaced, and the events say so`, async (t) => {
  const { page } = await openPage(t);
  await load(page);
  await call(page, (a) => a.identify('switch-a', { x: 1 }));
  const before = await anonymousId(page);
  await call(page, (a) => a.identify('switch-b', { y: 2 }));
  const after = await anonymousId(page);
  assert.match(after, UUID_V4);
  assert.notEqual(after, before);
  assert.deepEqual(await traits(page), { y: 2 });

  const mine = (events) => events.filter((e) => e.type === 'identify' && String(e.userId).startsWith('switch-'));
  const events = mine(await recorder.waitForEvents((all) => mine(all).length >= 2));
  const byUser = Object.fromEntries(events.map((e) => [e.userId, e]));
  assert.equal(byUser['switch-a'].anonymousId, before);
  assert.deepEqual(byUser['switch-a'].traits, { x: 1 });
  assert.equal(byUser['switch-b'].anonymousId, after, 'the identify for b carries the new anonymousId');
  assert.deepEqual(byUser['switch-b'].traits, { y: 2 });
});

test(`anonymous traits stay with the visitor when they sign up`, async (t) => {
  const { page } = await openPage(t);
  await load(page);
  const id = await anonymousId(page);
  await call(page, (a) => a.identify({ email: 'jvisitor@thissite.com' }));
  await call(page, (a) => a.identify('123abc', { phone: '555-555-5555' }));
  assert.equal(await anonymousId(page), id);
  assert.deepEqual(await traits(page), { email: 'jvisitor@thissite.com', phone: '555-555-5555' });
});

test(`reset: every identity cookie and localStorage key is gone, and a new id follows`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  const id = await anonymousId(page);
  await call(page, (a) => a.identify('u', { x: 1 }));
  await call(page, (a) => a.group('g1', { plan: 'pro' }));
  await call(page, (a) => a.reset());
  assert.deepEqual(await stored(context, page), { cookies: {}, local: {} });
  assert.equal(await userId(page), null);
  assert.deepEqual(await traits(page), {});
  await load(page);
  const next = await anonymousId(page);
  assert.notEqual(next, id);
  assert.match(next, UUID_V4);
});

test(`setAnonymousId survives a reload; user().anonymousId(null) forgets it`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  assert.equal(await call(page, (a) => a.setAnonymousId('fixed-anon')), 'fixed-anon');
  await load(page);
  assert.equal(await anonymousId(page), 'fixed-anon');
  assert.deepEqual(await stored(context, page), { cookies: { ajs_anonymous_id: 'fixed-anon' }, local: { ajs_anonymous_id: '"fixed-anon"' } });
  assert.equal(await call(page, (a) => a.user().anonymousId(null)), null);
  assert.deepEqual(await stored(context, page), { cookies: {}, local: {} });
  assert.match(await anonymousId(page), UUID_V4);
});

test(`group: id in cookie + localStorage, properties only in localStorage`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  await call(page, (a) => a.group('g1', { plan: 'pro' }));
  await load(page);
  assert.equal(await call(page, (a) => a.group().id()), 'g1');
  assert.deepEqual(await call(page, (a) => a.group().traits()), { plan: 'pro' });
  const state = await stored(context, page);
  assert.equal(state.cookies.ajs_group_id, 'g1');
  assert.equal(state.cookies.ajs_group_properties, undefined);
  assert.equal(state.local.ajs_group_properties, '{"plan":"pro"}');
});

test(`an analytics.js 1.0 visitor is adopted: %22quoted%22 cookies, ajs_user, _sio`, async (t) => {
  const { context, page } = await openPage(t);
  await context.addCookies([
    { name: 'ajs_anonymous_id', value: '%22abc%22', url: site.origin },
    { name: 'ajs_user', value: '{%22id%22:%22legacy-user%22%2C%22traits%22:{%22plan%22:%22gold%22}}', url: site.origin },
  ]);
  await load(page);
  assert.equal(await anonymousId(page), 'abc');
  assert.equal(await userId(page), 'legacy-user');
  assert.deepEqual(await traits(page), { plan: 'gold' });
  const state = await stored(context, page);
  assert.equal(state.cookies.ajs_anonymous_id, 'abc', 'rewritten in the 2.0 format');
  assert.equal(state.local.ajs_anonymous_id, '"abc"');

  const { context: other, page: sio } = await openPage(t);
  await other.addCookies([{ name: '_sio', value: 'anon1----user1', url: site.origin }]);
  await load(sio);
  assert.equal(await anonymousId(sio), 'anon1');
});

test(`an analytics.js 2.0 visitor keeps their id; on disagreement the cookie wins`, async (t) => {
  const { context, page } = await openPage(t);
  const id = '39ee7ea5-b6d8-4174-b612-04e1ef3fa952';
  await context.addCookies([{ name: 'ajs_anonymous_id', value: id, url: site.origin }, { name: 'ajs_user_id', value: 'u2', url: site.origin }]);
  await page.goto(`${site.origin}/nothing-here`);
  await page.evaluate(() => localStorage.setItem('ajs_anonymous_id', '"other-subdomain-id"'));
  await load(page);
  assert.equal(await anonymousId(page), id);
  assert.equal(await userId(page), 'u2');
  assert.equal((await stored(context, page)).local.ajs_anonymous_id, `"${id}"`);
});

test(`ids with ; = , spaces, newlines and unicode round-trip without extra cookies`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  await anonymousId(page);
  const hostile = 'x; domain=evil.example; path=/admin, y=1\nü🎉';
  await call(page, (a, id) => a.identify(id), hostile);
  await page.evaluate(() => localStorage.removeItem('ajs_user_id'));
  await load(page);
  assert.equal(await userId(page), hostile);
  assert.deepEqual(Object.keys((await stored(context, page)).cookies).sort(), ['ajs_anonymous_id', 'ajs_user_id']);
  assert.equal((await readCookieRecords(context, site.origin)).find((c) => c.name === 'ajs_user_id').path, '/');
  assert.deepEqual(page.errors, []);
});

test(`disableClientPersistence: nothing stored, an id for the page`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page, { options: { disableClientPersistence: true } });
  const id = await anonymousId(page);
  await call(page, (a) => a.identify('u', { a: 1 }));
  assert.equal(await anonymousId(page), id);
  assert.deepEqual(await stored(context, page), { cookies: {}, local: {} });
});

test(`on a real-looking host the cookie goes to the registrable domain and is shared by subdomains`, async () => {
  sharedDomainBrowser ??= await launchBrowser({ hosts: SHARED_HOSTS });
  const context = await sharedDomainBrowser.newContext();
  try {
    const page = watchPage(await context.newPage());
    const www = `http://${SHARED_HOSTS[0]}:${site.port}`;
    const blog = `http://${SHARED_HOSTS[1]}:${site.port}`;
    await load(page, { origin: www });
    const id = await anonymousId(page);
    const records = await readCookieRecords(context, www);
    assert.deepEqual(records.map((c) => [c.name, c.domain]), [['ajs_anonymous_id', '.example.co.uk']]);
    await load(page, { origin: blog });
    assert.equal(await anonymousId(page), id, 'the subdomain sees the shared cookie');
    assert.equal((await readLocalStorage(page)).ajs_anonymous_id, `"${id}"`);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test(`options.anonymousId on an event call is persisted and survives a reload`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  await anonymousId(page);
  await call(page, (a) => a.track('Viewed', {}, { anonymousId: 'from-options' }));
  await load(page);
  assert.equal(await anonymousId(page), 'from-options');
  assert.equal((await stored(context, page)).cookies.ajs_anonymous_id, 'from-options');
});

test(`setAnonymousId and identify called before the library loads are applied`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page, { kind: 'preload' });
  assert.equal(await anonymousId(page), 'pre-load-anon');
  assert.equal(await userId(page), 'pre-load-user');
  assert.deepEqual(await traits(page), { early: true });
  assert.equal((await stored(context, page)).cookies.ajs_anonymous_id, 'pre-load-anon');
});

test(`bad input to the identity calls never throws and never breaks later calls`, async (t) => {
  const { page } = await openPage(t);
  await load(page);
  const id = await anonymousId(page);
  const thrown = await call(page, async (a) => {
    const errors = [];
    const cyclic = { name: 'c' };
    cyclic.self = cyclic;
    const calls = [
      () => a.identify(), () => a.identify(undefined, undefined), () => a.identify(null, null), () => a.identify({}, {}),
      () => a.identify(NaN), () => a.identify(() => 1), () => a.identify(Symbol('s')), () => a.identify(cyclic),
      () => a.identify('big', { blob: 'x'.repeat(200000) }), () => a.group(undefined), () => a.group(null, 5),
      () => a.user().id(undefined), () => a.user().traits(5), () => a.user().traits('str'), () => a.user().anonymousId(undefined),
      () => a.group().traits([1, 2]), () => a.setAnonymousId(undefined), () => a.setAnonymousId({}), () => a.reset(7),
    ];
    for (const f of calls) {
      try { await f(); } catch (e) { errors.push(String(e)); }
    }
    return errors;
  });
  assert.deepEqual(thrown, []);
  assert.deepEqual(page.errors, []);
  assert.match(await anonymousId(page), UUID_V4, 'still has an anonymousId after reset(7)');
  assert.notEqual(await anonymousId(page), id);
  await call(page, (a) => a.identify(7, { ok: true }));
  assert.equal(await userId(page), '7');
  assert.deepEqual(await traits(page), { ok: true });
  assert.equal(await call(page, (a) => a.setAnonymousId(12)), '12', 'numbers become strings');
});

test(`a host-only cookie (e.g. set by a server) cannot shadow the shared-domain cookie`, async () => {
  sharedDomainBrowser ??= await launchBrowser({ hosts: SHARED_HOSTS });
  const context = await sharedDomainBrowser.newContext();
  try {
    const www = `http://${SHARED_HOSTS[0]}:${site.port}`;
    await context.addCookies([{ name: 'ajs_anonymous_id', value: 'server-set', url: www }]);
    const page = watchPage(await context.newPage());
    await load(page, { origin: www });
    assert.equal(await anonymousId(page), 'server-set', 'the existing id is adopted');
    assert.equal(await call(page, (a) => a.setAnonymousId('chosen')), 'chosen');
    assert.equal(await anonymousId(page), 'chosen');
    const records = await readCookieRecords(context, www);
    assert.deepEqual(records.map((c) => [c.name, c.value, c.domain]), [['ajs_anonymous_id', 'chosen', '.example.co.uk']]);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test(`a reset in another tab is not undone by this tab`, async (t) => {
  const { context, page } = await openPage(t);
  await load(page);
  await call(page, (a) => a.identify('tab-user', { x: 1 }));
  const before = await anonymousId(page);
  const other = watchPage(await context.newPage());
  await load(other);
  assert.equal(await anonymousId(other), before);
  await call(other, (a) => a.reset());
  assert.equal(await userId(page), null, 'this tab sees the logout');
  const after = await anonymousId(page);
  assert.notEqual(after, before);
  assert.equal(await anonymousId(other), after, 'both tabs agree on the new id');
  assert.equal((await stored(context, page)).cookies.ajs_anonymous_id, after);
});

test(`on localhost the cookie is host-only and the domain probe leaves nothing behind`, async (t) => {
  const { context, page } = await openPage(t);
  const origin = site.localhostUrl('').replace(/\/$/, '');
  await load(page, { origin });
  const id = await anonymousId(page);
  const records = await readCookieRecords(context, origin);
  assert.deepEqual(records.map((c) => [c.name, c.value, c.domain]), [['ajs_anonymous_id', id, 'localhost']]);
});
