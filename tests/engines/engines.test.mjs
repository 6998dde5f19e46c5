// The end-to-end subset in all three browser engines (issue 15): Chromium, Firefox and WebKit (WebKitGTK's
// MiniBrowser), each driven through W3C WebDriver by one small client (lib/webdriver.mjs), against www/ (built
// by scripts/build) and the recording endpoint of tests/e2e/lib. Every scenario runs the same code in each
// engine; engine differences the library depends on are probed in lib/probes.mjs and checked against the
// README's "Browser support" table (lib/support.mjs holds that table as data).
// One browser session per engine (a fresh profile); each test starts from an empty cookie jar and
// localStorage and uses a write key of its own, so late requests of one test never count for another.
// Waits are for observable signals (events at the recorder, a value in the page), each bounded.
// Environment: Node's test runner; chromedriver, geckodriver, WebKitWebDriver + xvfb-run (scripts/bootstrap).
// ENGINES=firefox,webkit runs a subset.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../e2e/lib/static-server.mjs';
import { startRecorder } from '../e2e/lib/recorder.mjs';
import { ENGINES, selectedEngines, missingBinary, startDriver } from './lib/webdriver.mjs';
import { probeEngine } from './lib/probes.mjs';
import { startHostProxy } from './lib/host-proxy.mjs';
import { SUPPORT } from './lib/support.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KNOBS = { tabLeaseMs: 3000, tabHeartbeatMs: 500, requestTimeoutMs: 2000 };
const OPTIONS_JS = `const q = new URLSearchParams(location.search);
const options = JSON.parse(q.get('options') || '{}');`;
const PAGES = {
  '/lib.html': `<!doctype html><title>engines: library</title><script src="/snippet.js"></script>
<script>${OPTIONS_JS} analytics.load(q.get('wk'), options);
addEventListener('pageshow', (e) => { window.restoredFromCache = e.persisted; });</script>`,
  // Calls made through the snippet before the library has loaded: queued with their page context, replayed.
  '/preload.html': `<!doctype html><title>engines: calls before load</title><script src="/snippet.js"></script>
<script>${OPTIONS_JS} analytics.page(); analytics.identify('early-user', { plan: 'pro' });
analytics.track('Before Load', { n: 1 }); analytics.load(q.get('wk'), options);</script>`,
  '/plain.html': '<!doctype html><title>engines: no library here</title><p>plain</p>',
  // The library page with a same-origin iframe: code in the frame calls `parent.analytics` with its own objects.
  '/framed.html': `<!doctype html><title>engines: library + iframe</title><script src="/snippet.js"></script>
<script>${OPTIONS_JS} analytics.load(q.get('wk'), options);</script><iframe src="/plain.html"></iframe>`,
};

// `no-cache` rather than the e2e server's `no-store`: Chromium keeps no page answered with `no-store` that
// made a network request from script in its back-forward cache, and the back-forward cache is under test.
const site = await startStaticServer({ root: WWW, pages: { ...PAGES }, headers: { 'Cache-Control': 'no-cache' } });
const recorder = await startRecorder();
// Real-looking hosts (http://www.shop.example.co.uk:PORT) reach the static server through this proxy.
const proxy = await startHostProxy({ ports: [site.port, recorder.port] });
const SHOP = ['www.shop.example.co.uk', 'blog.shop.example.co.uk'].map((h) => `http://${h}:${site.port}`);
const results = []; // [engine, scenario, 'pass' | 'FAIL']
after(async () => {
  printMatrix(results);
  await recorder.close();
  await proxy.close();
  await site.close();
});

let keySeq = 0;
/** A write key of its own per test. */
const freshKey = (name) => `eng-${name}-${process.pid}-${++keySeq}`;
/** Accepted events sent with write key `wk`. */
const eventsOf = (wk) => recorder.accepted().filter((r) => r.writeKey === wk).flatMap((r) => r.events);
/** Waits (bounded) until `wk` has at least `count` distinct accepted messageIds; returns its events. */
async function delivered(wk, count, timeout = 20000) {
  await recorder.waitForEvents(() => new Set(eventsOf(wk).map((e) => e.messageId)).size >= count, { timeout });
  return eventsOf(wk);
}
/** Options that send `wk`'s events under a path of their own (/v1/<wk>/t, …), so a fault can target this
 * test's requests only (`onlyFor(wk)`) and never a late request of an earlier test. */
const ownPath = (wk) => ({ apiHost: `${recorder.origin}/v1/${wk}` });
const onlyFor = (wk) => (path) => path.startsWith(`/v1/${wk}/`);
const libUrl = (wk, options = {}, origin = site.origin, path = '/lib.html') =>
  `${origin}${path}?wk=${wk}&options=${encodeURIComponent(JSON.stringify({ apiHost: `${recorder.origin}/v1`, _delivery: KNOBS, ...options }))}`;

for (const engine of selectedEngines()) {
  const label = ENGINES[engine].label;
  describe(label, { concurrency: 1 }, () => {
    let driver;
    let s; // the session
    let main; // the session without proxy; `s` is switched to the proxied one for real-looking hosts

    before(async () => {
      const missing = missingBinary(engine);
      if (missing) throw new Error(`${label}: ${missing} is missing; run scripts/bootstrap`);
      driver = await startDriver(engine);
      s = main = await driver.session();
      console.log(`# ${label}: ${s.browser}`);
    }, { timeout: 120000 });
    after(async () => {
      await main?.close();
      await driver?.close();
    });

    /** A scenario: runs in this engine and lands in the engine × scenario table. */
    const scenario = (name, fn) => test(name, { timeout: 90000 }, async () => {
      try {
        await fn();
        results.push([label, name, 'pass']);
      } catch (e) {
        results.push([label, name, 'FAIL']);
        throw e;
      }
    });

    /** Empty cookie jar and localStorage for `origin`, and no page errors recorded. */
    async function fresh(origin = site.origin) {
      await s.navigate(`${origin}/plain.html`);
      await s.deleteCookies();
      await s.execute(() => localStorage.clear());
    }
    /** Opens the library page and waits until `analytics` is the loaded library. Installs an error trap
     * first thing, so an exception escaping into the page is seen (`pageErrors`). */
    async function load(wk, options, origin) {
      await s.navigate(libUrl(wk, options, origin));
      await waitLoaded();
    }
    async function waitLoaded() {
      await s.waitFor(() => window.analytics && window.analytics.initialized === true, { what: 'analytics.initialized' });
    }
    const anonymousId = () => s.execute(() => window.analytics.user().anonymousId());
    const identityCookies = async () =>
      Object.fromEntries((await s.cookies()).filter((c) => /^(ajs_|__tld__)/.test(c.name)).map((c) => [c.name, c]));
    const identityStorage = () => s.execute(() => Object.fromEntries(Object.keys(localStorage)
      .filter((k) => k.startsWith('ajs_')).map((k) => [k, localStorage.getItem(k)])));

    scenario('first visit: UUID v4 in a host-only Lax cookie and in localStorage', async () => {
      for (const origin of [site.origin, site.localhostUrl('')]) {
        await fresh(origin);
        await load(freshKey('first'), {}, origin);
        const id = await anonymousId();
        assert.match(id, UUID_V4);
        const cookies = await identityCookies();
        assert.deepEqual(Object.keys(cookies), ['ajs_anonymous_id'], `${origin}: no __tld__ probe cookie left`);
        const cookie = cookies.ajs_anonymous_id;
        assert.equal(cookie.value, id);
        assert.equal(cookie.path, '/');
        assert.equal(cookie.sameSite, 'Lax');
        assert.equal(cookie.secure, false);
        assert.equal(cookie.httpOnly, false);
        assert.equal(cookie.domain.replace(/^\./, ''), new URL(origin).hostname);
        assert.ok(!cookie.domain.startsWith('.'), `${origin}: host-only cookie, got domain ${cookie.domain}`);
        const yearAhead = Date.now() / 1000 + 365 * 86400;
        assert.ok(Math.abs(cookie.expiry - yearAhead) < 600, `${origin}: expiry ${cookie.expiry}, want ~${yearAhead}`);
        assert.deepEqual(await identityStorage(), { ajs_anonymous_id: `"${id}"` });
      }
    });

    scenario('configured cookie attributes (maxage 7 days, SameSite Strict, Secure); where the engine refuses Secure on http, localStorage carries the ids', async () => {
      await fresh();
      const wk = freshKey('attrs');
      const options = { cookie: { maxage: 7, sameSite: 'Strict', secure: true } };
      await load(wk, options);
      await s.execute(() => { window.analytics.identify('u-attrs'); window.analytics.group('g-attrs'); });
      const anon = await anonymousId();
      const cookies = await identityCookies();
      if (SUPPORT[engine].cookies.secureOnHttpLoopback === 'kept') {
        assert.deepEqual(Object.keys(cookies).sort(), ['ajs_anonymous_id', 'ajs_group_id', 'ajs_user_id']);
        const weekAhead = Date.now() / 1000 + 7 * 86400;
        for (const [name, c] of Object.entries(cookies)) {
          assert.deepEqual([c.sameSite, c.secure, c.path], ['Strict', true, '/'], name);
          assert.ok(Math.abs(c.expiry - weekAhead) < 600, `${name}: expiry ${c.expiry}, want ~${weekAhead}`);
        }
      } else {
        assert.deepEqual(cookies, {}, 'the engine refused every Secure cookie on http://');
      }
      const local = await identityStorage();
      assert.deepEqual([local.ajs_anonymous_id, local.ajs_user_id, local.ajs_group_id], [`"${anon}"`, '"u-attrs"', '"g-attrs"']);
      await load(wk, options);
      assert.deepEqual([await anonymousId(), await s.execute(() => window.analytics.user().id())], [anon, 'u-attrs'], 'a later visit keeps both');
      await s.execute(() => window.analytics.reset());
      assert.deepEqual(await identityCookies(), {}, 'reset removes the Secure cookies (same attributes)');
    });

    scenario('later visit keeps the id; cookie cleared → restored; both cleared → new id', async () => {
      await fresh();
      await load(freshKey('visits'));
      const id = await anonymousId();
      await load(freshKey('visits'));
      assert.equal(await anonymousId(), id, 'later visit');
      await s.deleteCookies();
      await load(freshKey('visits'));
      assert.equal(await anonymousId(), id, 'cookie cleared: restored from localStorage');
      assert.equal((await identityCookies()).ajs_anonymous_id?.value, id, 'cookie rewritten');
      await s.execute(() => localStorage.clear());
      await load(freshKey('visits'));
      assert.equal(await anonymousId(), id, 'localStorage cleared: restored from the cookie');
      assert.equal((await identityStorage()).ajs_anonymous_id, `"${id}"`, 'localStorage rewritten');
      await s.deleteCookies();
      await s.execute(() => localStorage.clear());
      await load(freshKey('visits'));
      const next = await anonymousId();
      assert.match(next, UUID_V4);
      assert.notEqual(next, id, 'both cleared: a new id');
    });

    scenario('identify and reset', async () => {
      await fresh();
      const wk = freshKey('identify');
      await load(wk);
      const anon = await anonymousId();
      await s.execute(() => { window.analytics.identify('user-1', { plan: 'pro' }); window.analytics.track('After Identify'); });
      const [identify, track] = await delivered(wk, 2);
      assert.deepEqual([identify.type, identify.userId, identify.anonymousId, identify.traits.plan], ['identify', 'user-1', anon, 'pro']);
      assert.deepEqual([track.type, track.userId, track.anonymousId], ['track', 'user-1', anon]);
      assert.equal((await identityCookies()).ajs_user_id?.value, 'user-1');
      assert.deepEqual(await identityStorage(), {
        ajs_anonymous_id: `"${anon}"`, ajs_user_id: '"user-1"', ajs_user_traits: '{"plan":"pro"}',
      });
      await s.execute(() => { window.analytics.reset(); window.analytics.track('After Reset'); });
      const [, , afterReset] = await delivered(wk, 3);
      assert.equal(afterReset.userId ?? null, null);
      assert.match(afterReset.anonymousId, UUID_V4);
      assert.notEqual(afterReset.anonymousId, anon, 'reset starts a new anonymousId');
      assert.equal((await identityCookies()).ajs_user_id, undefined);
      assert.deepEqual(Object.keys(await identityStorage()), ['ajs_anonymous_id']);
    });

    scenario('calls queued by the snippet before load are replayed in order with their page context', async () => {
      await fresh();
      const wk = freshKey('preload');
      await s.navigate(libUrl(wk, {}, site.origin, '/preload.html') + '&from=ad');
      await waitLoaded();
      const events = await delivered(wk, 3);
      assert.deepEqual(events.map((e) => e.type), ['page', 'identify', 'track']);
      for (const e of events) {
        assert.equal(e.context.page.path, '/preload.html');
        assert.match(e.context.page.search, /&from=ad$/);
        assert.equal(e.userId ?? null, e.type === 'page' ? null : 'early-user');
      }
      assert.equal(events[2].event, 'Before Load');
      assert.equal(await s.execute(() => window.analytics.user().id()), 'early-user');
    });

    scenario('objects made in another realm (a same-origin iframe) are plain objects: properties and traits kept', async () => {
      await fresh();
      const wk = freshKey('realm');
      await s.navigate(libUrl(wk, {}, site.origin, '/framed.html'));
      await waitLoaded();
      await s.waitFor(() => document.querySelector('iframe').contentDocument?.readyState === 'complete', { what: 'the iframe' });
      await s.execute(() => document.querySelector('iframe').contentWindow.eval(
        "parent.analytics.identify('frame-user', { plan: 'pro' }); parent.analytics.track('From Frame', { n: 7, nested: { list: [1] } });" +
        "parent.analytics.page('Docs', 'Frame', { section: 'x' }, { context: { ip: '0.0.0.0' } });"));
      const [identify, track, page] = await delivered(wk, 3);
      assert.deepEqual(identify.traits, { plan: 'pro' });
      assert.deepEqual(track.properties, { n: 7, nested: { list: [1] } });
      assert.deepEqual([page.name, page.category, page.properties.section, page.context.ip], ['Frame', 'Docs', 'x', '0.0.0.0']);
    });

    scenario('consent: pending stores and sends nothing; a grant sends the buffered calls in order; a denial erases and drops', async () => {
      await fresh();
      const wk = freshKey('consent');
      await load(wk, { consent: { required: true, categories: ['Analytics'] } });
      await s.execute(() => { window.analytics.page(); window.analytics.track('Pending', { n: 0 }); });
      const anon = await anonymousId();
      assert.deepEqual(await s.execute(() => [document.cookie, Object.keys(localStorage)]), ['', []], 'pending: no cookie, no localStorage key');
      await s.execute(() => window.analytics.consent({ Analytics: true }));
      await recorder.waitForEvents(() => eventsOf(wk).some((e) => e.event === 'Segment Consent Preference Updated'));
      assert.deepEqual(eventsOf(wk).map((e) => e.event || e.type), ['page', 'Pending', 'Segment Consent Preference Updated'], 'the buffered calls first, in call order');
      for (const e of eventsOf(wk)) {
        assert.equal(e.anonymousId, anon, 'the id used while pending');
        assert.deepEqual(e.context.consent, { categoryPreferences: { Analytics: true } });
      }
      assert.equal((await identityCookies()).ajs_anonymous_id?.value, anon, 'stored on grant');
      await s.execute(() => { window.analytics.consent({ Analytics: false }); window.analytics.track('Denied', { n: 1 }); });
      assert.deepEqual(await identityCookies(), {}, 'denied: every ajs_ cookie removed');
      assert.deepEqual(await s.execute(() => Object.keys(localStorage).filter((k) => k.startsWith('ajs_') || k.startsWith('wa:'))), []);
      await s.execute(() => { window.analytics.consent({ Analytics: true }); window.analytics.track('Granted Again', { n: 2 }); });
      await recorder.waitForEvents(() => eventsOf(wk).some((e) => e.event === 'Granted Again'));
      assert.ok(!eventsOf(wk).some((e) => e.event === 'Denied'), 'the call made while denied was never sent');
    });

    scenario('a burst of 2,000 track() calls in one loop: every event delivered once', async () => {
      await fresh();
      const wk = freshKey('burst');
      await load(wk);
      await s.execute(() => { for (let n = 0; n < 2000; n++) window.analytics.track('Burst', { n }); });
      const events = await delivered(wk, 2000, 60000);
      const numbers = new Set(events.map((e) => e.properties.n));
      assert.equal(numbers.size, 2000, 'every n arrived');
      assert.equal(new Set(events.map((e) => e.messageId)).size, events.length, 'no duplicates');
      await s.waitFor(() => { const q = window.analytics.queueState(); return q.pending === 0 && q.delivered >= 2000; },
        { what: 'queueState: nothing pending, 2,000 delivered' });
    });

    scenario('navigation right after track: delivered by the page-hide flush (no library on the next page)', async () => {
      await fresh();
      const wk = freshKey('nav');
      await load(wk);
      // A page that is leaving: the events are sent on pagehide / visibilitychange as keepalive requests.
      await s.execute(() => {
        for (let n = 0; n < 5; n++) window.analytics.track('Leaving', { n });
        location.href = '/plain.html';
      });
      await s.waitFor(() => location.pathname === '/plain.html' && document.readyState === 'complete', { what: 'plain.html' });
      const events = await delivered(wk, 5);
      assert.deepEqual(events.map((e) => e.properties.n).sort(), [0, 1, 2, 3, 4]);
      assert.equal(events.length, 5, 'each event once');
    });

    scenario('back-forward cache: a page restored by Back keeps tracking, each event delivered once', async () => {
      await fresh();
      const wk = freshKey('bfcache');
      await load(wk);
      const id = await anonymousId();
      await s.execute(() => window.analytics.track('Before Leaving', { n: 0 }));
      await delivered(wk, 1);
      await s.execute(() => { location.href = '/plain.html'; });
      await s.waitFor(() => location.pathname === '/plain.html' && document.readyState === 'complete', { what: 'plain.html' });
      await s.back();
      await waitLoaded();
      assert.equal(await s.execute(() => window.restoredFromCache), true, 'restored from the back-forward cache (the library does not block it)');
      await s.execute(() => window.analytics.track('After Back', { n: 1 }));
      const events = await delivered(wk, 2);
      assert.deepEqual(events.map((e) => e.properties.n), [0, 1], 'each event once, in order');
      assert.equal(events[1].anonymousId, id);
      await s.waitFor(() => window.analytics.queueState().pending === 0, { what: 'nothing pending' });
    });

    scenario('500 then recovery: the same events are retried until accepted', async () => {
      await fresh();
      const wk = freshKey('fault');
      await load(wk, ownPath(wk));
      const fault = recorder.respondWith(500, { count: 2, match: onlyFor(wk) });
      try {
        await s.execute(() => { for (let n = 0; n < 3; n++) window.analytics.track('Faulted', { n }); });
        const events = await delivered(wk, 3);
        assert.deepEqual(events.map((e) => e.properties.n).sort(), [0, 1, 2]);
        const faulted = recorder.records.filter((r) => r.writeKey === wk && r.status === 500).flatMap((r) => r.events);
        assert.ok(faulted.length >= 1, 'the server answered 500 first');
        const acceptedIds = new Set(events.map((e) => e.messageId));
        for (const e of faulted) assert.ok(acceptedIds.has(e.messageId), 'a retry carries the same messageId');
        await s.waitFor(() => { const q = window.analytics.queueState(); return q.pending === 0 && q.dropped === 0; },
          { what: 'queueState: nothing pending or dropped' });
      } finally {
        fault.remaining = 0;
      }
    });

    scenario('page left while a big batch is open: the page-hide flush stays within the 64 KiB keepalive budget, nothing is lost', async () => {
      await fresh();
      const wk = freshKey('budget');
      await load(wk, ownPath(wk));
      // ~170 KB of events leave in one request (too big for keepalive), which the server holds open.
      const hang = recorder.hang({ count: 1, match: onlyFor(wk) });
      await s.execute(() => { for (let n = 0; n < 100; n++) window.analytics.track('Budget', { n, pad: 'x'.repeat(900) }); });
      await recorder.waitForEvents(() => recorder.records.some((r) => r.writeKey === wk && r.status === 'hang'), { timeout: 10000 });
      hang.remaining = 0;
      await s.execute(() => { location.href = '/plain.html'; });
      await s.waitFor(() => location.pathname === '/plain.html' && document.readyState === 'complete', { what: 'plain.html' });
      if (SUPPORT[engine].openFetchOnLeave === 'cancelled') {
        // The engine cancels the open request before pagehide: the page-hide flush resends what fits.
        const onHide = await delivered(wk, 1);
        const hideBytes = recorder.records.filter((r) => r.writeKey === wk && r.status === 200).map((r) => Buffer.byteLength(r.raw));
        assert.ok(hideBytes.reduce((a, b) => a + b, 0) <= 64 * 1024, `page-hide bodies within 64 KiB: ${hideBytes}`);
        assert.ok(onHide.length < 100, 'not everything fits in the keepalive budget');
        recorder.releaseHung();
        await load(wk, ownPath(wk)); // the next page adopts the left page's queue and sends the rest
      } else {
        // The page sits in the back-forward cache with its request still open (nothing to resend on
        // pagehide: no event is in two open requests); Back restores it with the request in flight.
        await s.back();
        await waitLoaded();
        assert.equal(await s.execute(() => window.restoredFromCache), true);
        assert.equal(await s.execute(() => window.analytics.queueState().inFlight), 100, 'the open request survived');
        recorder.releaseHung(); // the request fails now; the restored page retries
      }
      const events = await delivered(wk, 100, 30000);
      assert.equal(new Set(events.map((e) => e.properties.n)).size, 100, 'every event arrived');
    });

    /** The next page adopts the queue of a page left while the server failed (503 throughout): the new
     * page's queueState holds the left page's events, which it delivers once the server recovers. */
    async function adoptionAfterLeaving(origin, name) {
      await fresh(origin);
      const wk = freshKey(name);
      await load(wk, ownPath(wk), origin);
      const fault = recorder.respondWith(503, { match: onlyFor(wk) });
      try {
        await s.execute(() => { for (let n = 0; n < 3; n++) window.analytics.track('Adopted', { n }); });
        await recorder.waitForEvents(() => recorder.records.some((r) => r.writeKey === wk && r.status === 503), { timeout: 10000 });
        await s.navigate(`${origin}/plain.html`);
        await load(wk, ownPath(wk), origin);
        await s.waitFor(() => window.analytics.queueState().pending >= 3, { what: 'the next page holds the 3 events' });
      } finally {
        fault.remaining = 0;
      }
      const events = await delivered(wk, 3);
      assert.deepEqual([...new Set(events.map((e) => e.properties.n))].sort(), [0, 1, 2]);
      await s.waitFor(() => window.analytics.queueState().delivered >= 3, { what: 'the next page delivered them' });
    }

    scenario('a left page\'s queue is adopted by the next page (Web Locks on 127.0.0.1)', async () => {
      assert.equal(await s.execute(() => !!navigator.locks), true);
      await adoptionAfterLeaving(site.origin, 'adopt-locks');
    });

    /** Runs `fn` with `s` switched to a session whose http:// requests go through the host proxy (from a
     * second driver: a driver holds one session at a time). */
    async function throughProxy(fn) {
      const proxied = await startDriver(engine);
      try {
        s = await proxied.session({ proxy: proxy.hostPort });
        await fn();
      } finally {
        if (s !== main) await s.close();
        s = main;
        await proxied.close();
      }
    }

    scenario('real-looking host: the id cookie is set on the registrable domain (__tld__ probe) and shared by subdomains', () => throughProxy(async () => {
      const [www, blog] = SHOP;
      await fresh(blog);
      await fresh(www);
      await load(freshKey('tld'), {}, www);
      const id = await anonymousId();
      const cookies = await identityCookies();
      assert.deepEqual(Object.keys(cookies), ['ajs_anonymous_id'], 'no __tld__ probe cookie left');
      assert.equal(cookies.ajs_anonymous_id.domain, '.example.co.uk');
      await load(freshKey('tld'), {}, blog);
      assert.equal(await anonymousId(), id, 'the sibling subdomain reads the same id from the cookie');
      assert.equal((await identityStorage()).ajs_anonymous_id, `"${id}"`, 'and copies it to its own localStorage');
    }));

    scenario('insecure context (http:// site, no Web Locks): the next page adopts through the localStorage lease', () => throughProxy(async () => {
      const [www] = SHOP;
      await s.navigate(`${www}/plain.html`);
      assert.deepEqual(await s.execute(() => [window.isSecureContext, !!navigator.locks]), [false, false]);
      await adoptionAfterLeaving(www, 'adopt-lease');
    }));

    scenario('engine features match the README "Browser support" table', async () => {
      await fresh();
      const seen = await probeEngine(s, { site, recorder });
      const { openFetchOnLeave, ...probed } = SUPPORT[engine]; // that one is shown by its own scenario
      assert.deepEqual(seen, probed, `${label} differs from tests/engines/lib/support.mjs (and README)`);
    });
  });
}

/** Prints the engine × scenario table (pass / FAIL) at the end of the run. */
function printMatrix(rows) {
  const engines = [...new Set(rows.map((r) => r[0]))];
  const names = [...new Set(rows.map((r) => r[1]))];
  const lines = ['', `engine × scenario | ${engines.join(' | ')}`];
  for (const name of names) {
    lines.push(`${name.slice(0, 70).padEnd(70)} | ${engines.map((e) => rows.find((r) => r[0] === e && r[1] === name)?.[2] ?? '-').join(' | ')}`);
  }
  console.log(lines.join('\n'));
}
