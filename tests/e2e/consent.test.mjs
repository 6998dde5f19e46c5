// Consent and privacy signals end to end: the real collector (fresh SQLite) serving www/, Chromium loading the
// library through the snippet on pages of the collector's origin (each test page's HTML is served by a route,
// everything else — snippet, library, /v1 — by the collector). What is checked is what a visitor's browser
// holds (every cookie via CDP, every localStorage key) and what left it (the browser's network log and the
// collector's store).
// Needs: www/dist built (scripts/build), the collector binary (built if missing), /usr/bin/chromium.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeSharedBrowser, readLocalStorage } from './lib/browser.mjs';
import { startCollector, eventually } from './lib/collector.mjs';

let collector;
before(async () => { collector = await startCollector(); });
after(async () => {
  await closeSharedBrowser();
  collector?.close();
});

const REQUIRED = { consent: { required: true, categories: ['Analytics'] } };

/** A page on the collector's origin that loads the library with `options` and runs `script` before it loads. */
async function consentPage(t, { options = {}, script = '', initScript, name = 'p' } = {}) {
  const { context, page } = await openPage(t);
  if (initScript) await context.addInitScript(initScript);
  const html = `<!doctype html><title>${name}</title><script src="/snippet.js"></script><script>
    analytics.load('consent-key', Object.assign({ apiHost: location.origin + '/v1' }, ${JSON.stringify(options)}));
    ${script}
  </script>`;
  await context.route(`${collector.origin}/consent-test/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  const sent = [];
  context.on('request', (request) => { if (request.url().includes('/v1/')) sent.push(request.url()); });
  const open = async (path = `/consent-test/${name}.html`) => {
    await page.goto(collector.origin + path);
    await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 10000 });
  };
  await open();
  return { context, page, sent, open };
}

/** Every cookie of the context (via CDP, HttpOnly included) and every localStorage key of the page. */
async function stored(context, page) {
  const cookies = (await context.cookies()).map((c) => c.name).sort();
  const local = Object.keys(await readLocalStorage(page)).sort();
  return { cookies, local };
}

/** Lets the library finish its task: flush() drives delivery and resolves once nothing is pending. */
async function settle(page) {
  await page.evaluate(() => window.analytics.flush(3000));
}

async function eventsOf(anonymousId) {
  return (await collector.events()).filter((e) => e.anonymousId === anonymousId);
}

test('pending consent writes nothing and sends nothing; a grant delivers the buffered calls in order with context.consent', async (t) => {
  const { context, page, sent, open } = await consentPage(t, {
    options: REQUIRED, name: 'pending', script: "analytics.page(); analytics.track('Before Load', {n: 1});",
  });
  await page.evaluate(() => { window.analytics.track('After Load', { n: 2 }); window.analytics.identify({ plan: 'pro' }); });
  const anonymousId = await page.evaluate(() => window.analytics.user().anonymousId());
  await settle(page);
  assert.deepEqual(await stored(context, page), { cookies: [], local: [] }, 'no cookie, no localStorage key at all (not even the tab lease)');
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.deepEqual(sent, [], 'no request left the browser');
  assert.deepEqual(await eventsOf(anonymousId), [], 'the collector has nothing');

  await page.evaluate(() => window.analytics.consent({ Analytics: true }));
  const events = await eventually(async () => {
    const list = await eventsOf(anonymousId);
    return list.length >= 5 ? list : null;
  }, 'the buffered calls and the consent update');
  const names = events.map((e) => e.event || e.type);
  assert.deepEqual(names, ['page', 'Before Load', 'After Load', 'identify', 'Segment Consent Preference Updated'], 'call order');
  for (const e of events) assert.deepEqual(e.context.consent, { categoryPreferences: { Analytics: true } }, `${e.type} carries the preferences`);
  const times = events.map((e) => Date.parse(e.originalTimestamp));
  assert.ok(times[0] <= times[1] && times[1] <= times[2], 'original call times kept');
  assert.equal(events[0].context.page.title, 'pending');
  const after = await stored(context, page);
  assert.ok(after.cookies.includes('ajs_anonymous_id') && after.cookies.includes('wa_consent'), JSON.stringify(after));
  const cookieId = (await context.cookies()).find((c) => c.name === 'ajs_anonymous_id').value;
  assert.equal(cookieId, anonymousId, 'the id the page used while pending is the one stored on grant');

  // The choice is remembered: the next page sends at once, without a consent() call.
  await open('/consent-test/pending.html?again');
  await page.evaluate(() => window.analytics.track('Next Page'));
  await eventually(async () => (await eventsOf(anonymousId)).some((e) => e.event === 'Next Page'), 'the next page\'s event');
  assert.deepEqual(page.errors, []);
});

test('a denial discards the buffer, removes every ajs_ and queue key, and sends nothing', async (t) => {
  const { context, page, sent } = await consentPage(t, { options: REQUIRED, name: 'deny', script: "analytics.track('Buffered');" });
  await page.evaluate(() => window.analytics.consent('granted'));
  await page.evaluate(() => { window.analytics.identify('user-1', { email: 'a@example.com' }); window.analytics.group('g-1'); });
  await settle(page);
  const before = await stored(context, page);
  assert.ok(before.cookies.includes('ajs_user_id') && before.local.includes('ajs_user_traits'), JSON.stringify(before));
  // Something queued (and stored) that a denial must discard: a request that cannot go out yet.
  await context.setOffline(true);
  await page.evaluate(() => window.analytics.track('Queued While Offline'));
  await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('wa:q:')));
  const requestsBefore = sent.length;
  await page.evaluate(() => window.analytics.consent('denied'));
  await context.setOffline(false);
  await page.evaluate(() => { window.analytics.track('After Denial'); window.analytics.page(); });
  await settle(page);
  assert.deepEqual(await stored(context, page), { cookies: ['wa_consent'], local: ['wa_consent'] }, 'only the remembered choice stays');
  assert.equal(sent.length, requestsBefore, `nothing was sent after the denial: ${sent.slice(requestsBefore)}`);
  const all = await collector.events();
  assert.ok(!all.some((e) => ['Queued While Offline', 'After Denial'].includes(e.event)), 'neither the queued nor a later event arrived');
  // A change of mind works: granting again sends again (with a new id: the old one was erased).
  await page.evaluate(() => window.analytics.consent('granted'));
  await page.evaluate(() => window.analytics.track('Granted Again'));
  await eventually(async () => (await collector.events()).some((e) => e.event === 'Granted Again'), 'the event after granting again');
});

test('Global Privacy Control denies by default: nothing stored or sent; an explicit grant wins', async (t) => {
  const initScript = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
  const { context, page, sent } = await consentPage(t, { name: 'gpc', initScript, script: "analytics.page(); analytics.track('GPC Visitor');" });
  await page.evaluate(() => window.analytics.track('More'));
  await settle(page);
  assert.deepEqual(await stored(context, page), { cookies: [], local: [] });
  assert.deepEqual(sent, []);
  assert.ok(!(await collector.events()).some((e) => e.event === 'GPC Visitor' || e.event === 'More'));
  await page.evaluate(() => window.analytics.consent('granted'));
  await page.evaluate(() => window.analytics.track('Chose To Share'));
  const event = await eventually(async () => (await collector.events()).find((e) => e.event === 'Chose To Share'), 'the event after an explicit grant');
  assert.deepEqual(event.context.consent, { categoryPreferences: {} });
});

test("onDenied: 'cookieless' sends with an in-memory id and stores nothing but the choice", async (t) => {
  const options = { consent: { required: true, categories: ['Analytics'], onDenied: 'cookieless' } };
  const { context, page, sent } = await consentPage(t, { options, name: 'cookieless' });
  await page.evaluate(() => window.analytics.consent('denied'));
  await page.evaluate(() => window.analytics.track('Cookieless'));
  const event = await eventually(async () => (await collector.events()).find((e) => e.event === 'Cookieless'), 'the cookieless event');
  assert.deepEqual(event.context.consent, { categoryPreferences: { Analytics: false } });
  assert.ok(event.anonymousId);
  await settle(page);
  assert.deepEqual(await stored(context, page), { cookies: ['wa_consent'], local: ['wa_consent'] });
  assert.ok(sent.length >= 1);
});

test('anonymizeIp: the collector stores the address truncated to /24; options.context.ip overrides the address', async (t) => {
  const { page } = await consentPage(t, { options: { anonymizeIp: true }, name: 'anonymize' });
  await page.evaluate(() => window.analytics.track('Anonymized', {}, { context: { ip: '203.0.113.77' } }));
  await page.evaluate(() => window.analytics.track('Anonymized Peer'));
  const { page: plain } = await consentPage(t, { name: 'plain-ip' });
  await plain.evaluate(() => window.analytics.track('Own Ip', {}, { context: { ip: '198.51.100.7' } }));
  const events = await eventually(async () => {
    const all = await collector.events();
    const pick = (name) => all.find((e) => e.event === name);
    return pick('Anonymized') && pick('Anonymized Peer') && pick('Own Ip') ? [pick('Anonymized'), pick('Anonymized Peer'), pick('Own Ip')] : null;
  }, 'the three events');
  assert.equal(events[0].context.ip, '203.0.113.0');
  assert.equal(events[0].context.anonymizeIp, true);
  assert.equal(events[1].context.ip, '127.0.0.0', 'the peer address, truncated');
  assert.equal(events[2].context.ip, '198.51.100.7', 'a call sets its own ip');
});

test('the snippet saves no calls for the next page while consent may be pending; it still does without consent options', async (t) => {
  const { context, page } = await openPage(t);
  const pageWith = (options) => `<!doctype html><script src="/snippet.js"></script><script>
    analytics.load('consent-key', Object.assign({ apiHost: location.origin + '/v1', scriptUrl: '/library-that-never-arrives.js' }, ${JSON.stringify(options)}));
    analytics.track('Left Before Load');</script>`;
  await context.route(`${collector.origin}/snippet-pending.html`, (r) => r.fulfill({ contentType: 'text/html', body: pageWith(REQUIRED) }));
  await context.route(`${collector.origin}/snippet-plain.html`, (r) => r.fulfill({ contentType: 'text/html', body: pageWith({}) }));
  await context.route(`${collector.origin}/elsewhere.html`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><p>elsewhere' }));
  await page.goto(`${collector.origin}/snippet-pending.html`);
  await page.goto(`${collector.origin}/elsewhere.html`);
  assert.deepEqual(await stored(context, page), { cookies: [], local: [] }, 'pending: the queued call is not saved');
  await page.goto(`${collector.origin}/snippet-plain.html`);
  await page.goto(`${collector.origin}/elsewhere.html`);
  assert.deepEqual((await stored(context, page)).local, ['wa:snippet-calls:v1'], 'without consent options the call is saved as before');
});

test('consent() with hostile arguments never throws and changes nothing; the snippet queues it before the library loads', async (t) => {
  const { context, page, sent } = await consentPage(t, { options: REQUIRED, name: 'hostile',
    script: "analytics.track('Queued Before Consent'); analytics.consent(undefined); analytics.consent('granted');" });
  // The queued consent('granted') was replayed after the queued track: both went out, in that order.
  await eventually(async () => (await collector.events()).some((e) => e.event === 'Queued Before Consent'), 'the call queued before consent');
  await page.evaluate(() => window.analytics.consent('denied'));
  const results = await page.evaluate(async () => {
    const cyclic = { Analytics: false }; cyclic.self = cyclic;
    const throwing = { get Analytics() { throw new Error('getter'); } };
    const hostile = [undefined, null, 0, 1, NaN, '', 'yes', 'GRANTED', ' granted', [], [true], () => 'granted', Symbol('x'), 10n,
      cyclic, throwing, { Analytics: 'true' }, { Analytics: 1 }, new Proxy({}, { ownKeys() { throw new Error('proxy'); } }),
      document.body, Object.create(null), 'x'.repeat(100000)];
    const out = [];
    for (const value of hostile) {
      try { await window.analytics.consent(value); out.push('ok'); } catch (e) { out.push('threw ' + e); }
    }
    return out;
  });
  assert.ok(results.every((r) => r === 'ok'), JSON.stringify(results));
  const requests = sent.length;
  await page.evaluate(() => window.analytics.track('Still Denied'));
  await settle(page);
  assert.equal(sent.length, requests, 'still denied: nothing sent');
  assert.deepEqual((await stored(context, page)).cookies, ['wa_consent']);
  assert.deepEqual(page.errors, []);
});
