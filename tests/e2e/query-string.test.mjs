// The analytics.js query-string API end to end (reference §2 "Query-string API", checklist item 34): a page
// opened with `ajs_aid` / `ajs_uid` + `ajs_trait_*` / `ajs_event` + `ajs_prop_*` in location.search (or in the
// hash after `?`) sets the anonymousId, sends identify and track, after the snippet's buffered setup calls and
// before its other calls; `useQueryString: false` turns it off and `{aid, uid}` RegExps constrain the ids.
// Both loading paths: the script-tag snippet + www/dist, and the npm entry (www/npm/dist) as an ES module.
// Environment: Node's test runner, playwright-core, www/ built by scripts/build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const recorder = await startRecorder();
const API_HOST = `http://${recorder.hostPort}/v1`;

/** A snippet page: `options` is JS source for the init options (RegExps allowed); buffers setAnonymousId,
 * on('track') and page() before load, and records the tracks its listener saw in window.seen. */
const snippetPage = (options) => `<!doctype html><html><head><meta charset="utf-8"><title>query string</title>
<script src="/snippet.js"></script>
<script>
  window.seen = [];
  analytics.setAnonymousId('buffered-anon');
  analytics.on('track', function (event) { window.seen.push(event); });
  analytics.load(new URLSearchParams(location.search).get('key') || location.hash.split('key=')[1],
    Object.assign({ apiHost: '${API_HOST}' }, ${options}));
  analytics.page('Buffered Page');
</script></head><body>query string</body></html>`;

const npmPage = `<!doctype html><html><head><meta charset="utf-8"><title>query string npm</title>
<script type="module">
  import { AnalyticsBrowser } from '/npm/dist/index.js';
  const key = new URLSearchParams(location.search).get('key');
  window.npmAnalytics = AnalyticsBrowser.load({ writeKey: key, apiHost: '${API_HOST}' });
  window.npmAnalytics.track('Npm Buffered');
  window.npmAnalytics.then(([a]) => { window.analytics = a; });
</script></head><body>query string npm</body></html>`;

const site = await startStaticServer({
  root: WWW,
  pages: {
    '/qs/default.html': snippetPage('{}'),
    '/qs/off.html': snippetPage('{ useQueryString: false }'),
    '/qs/patterns.html': snippetPage('{ useQueryString: { aid: /^good-/, uid: /^u-/ } }'),
    '/qs/npm.html': npmPage,
  },
});
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

let keys = 0;
/** Opens `path` + `query(writeKey)`, waits for the library, flushes; returns { page, writeKey }. */
async function open(t, path, query) {
  const { page } = await openPage(t);
  const writeKey = `qs-${process.pid}-${++keys}`;
  await page.goto(site.origin + path + query(writeKey));
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 10000 });
  return { page, writeKey };
}

const eventsOf = (writeKey) => recorder.events().filter((e) => e.writeKey === writeKey);

/** Flushes the page and waits until this test has `count` events; returns them in arrival (queue) order. */
async function delivered(page, writeKey, count) {
  await page.evaluate(() => window.analytics.flush());
  await recorder.waitForEvents(() => eventsOf(writeKey).length >= count, { timeout: 10000 });
  return eventsOf(writeKey);
}

const anonymousId = (page) => page.evaluate(() => window.analytics.user().anonymousId());

test('checklist 34: ajs_aid sets the anonymousId, ajs_uid + ajs_trait_* identify, ajs_event + ajs_prop_* track', async (t) => {
  const query = (key) => `?key=${key}&ajs_aid=A&ajs_uid=U&ajs_trait_email=e%40x.io&ajs_event=E&ajs_prop_p=1`
    + '&ajs_prop_words=two+words&ajs_prop_bad=%zz&ajs_prop_bare';
  const { page, writeKey } = await open(t, '/qs/default.html', query);
  const events = await delivered(page, writeKey, 3);
  assert.equal(await anonymousId(page), 'A', 'ajs_aid wins over the buffered setAnonymousId (setup calls run first)');
  assert.deepEqual(events.map((e) => e.type + ':' + (e.event || e.name || e.userId)), ['identify:U', 'track:E', 'page:Buffered Page'],
    'the query calls come after the setup calls and before the other buffered calls');
  const [identify, track, pageEvent] = events;
  assert.equal(identify.userId, 'U');
  assert.equal(identify.anonymousId, 'A');
  assert.deepEqual(identify.traits, { email: 'e@x.io' });
  assert.equal(track.userId, 'U');
  assert.equal(track.anonymousId, 'A');
  assert.deepEqual(track.properties, { p: '1', words: 'two words', bad: '%zz' }, '+ is a space; a bad escape is kept; no value: dropped');
  assert.equal(pageEvent.anonymousId, 'A');
  assert.deepEqual(await page.evaluate(() => window.seen), ['E'], 'a buffered on("track") listener sees the query track');
  assert.deepEqual(page.errors, []);
});

test('the query after ? in the hash is used when location.search is empty', async (t) => {
  const { page, writeKey } = await open(t, '/qs/default.html', (key) => `#/route?ajs_event=Hash%20Event&ajs_prop_x=a+b&key=${key}`);
  const events = await delivered(page, writeKey, 2);
  const track = events.find((e) => e.type === 'track');
  assert.equal(track.event, 'Hash Event');
  assert.deepEqual(track.properties, { x: 'a b' });
  assert.equal(await anonymousId(page), 'buffered-anon', 'no ajs_aid: the buffered id stays');
});

test('useQueryString: false: no query-string calls', async (t) => {
  const { page, writeKey } = await open(t, '/qs/off.html', (key) => `?key=${key}&ajs_aid=A&ajs_uid=U&ajs_event=E`);
  const events = await delivered(page, writeKey, 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(eventsOf(writeKey).map((e) => e.type), ['page'], 'only the buffered page()');
  assert.equal(events[0].userId, null);
  assert.equal(await anonymousId(page), 'buffered-anon');
});

test('useQueryString {aid, uid}: only matching ids are used; ajs_event is not constrained', async (t) => {
  const { page, writeKey } = await open(t, '/qs/patterns.html', (key) => `?key=${key}&ajs_aid=bad-1&ajs_uid=x-1&ajs_event=E`);
  const events = await delivered(page, writeKey, 2);
  assert.deepEqual(events.map((e) => e.type), ['track', 'page']);
  assert.equal(events[0].userId, null, 'uid x-1 does not match /^u-/');
  assert.equal(await anonymousId(page), 'buffered-anon', 'aid bad-1 does not match /^good-/');

  const second = await open(t, '/qs/patterns.html', (key) => `?key=${key}&ajs_aid=good-1&ajs_uid=u-1`);
  const [identify] = await delivered(second.page, second.writeKey, 2);
  assert.equal(identify.type, 'identify');
  assert.equal(identify.userId, 'u-1');
  assert.equal(identify.anonymousId, 'good-1');
});

test('npm entry: the query-string calls run before the calls buffered by the proxy', async (t) => {
  const { page, writeKey } = await open(t, '/qs/npm.html', (key) => `?key=${key}&ajs_uid=npm-user&ajs_trait_plan=pro`);
  const events = await delivered(page, writeKey, 2);
  assert.deepEqual(events.map((e) => e.type), ['identify', 'track']);
  assert.equal(events[0].userId, 'npm-user');
  assert.deepEqual(events[0].traits, { plan: 'pro' });
  assert.equal(events[1].event, 'Npm Buffered');
  assert.equal(events[1].userId, 'npm-user');
  assert.deepEqual(page.errors, []);
});
