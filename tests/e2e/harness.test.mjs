// Self-test of the end-to-end harness (tests/e2e/lib): real headless Chromium, a page served by the static
// server, requests to the recorder with and without injected faults. Environment: Node's test runner.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeSharedBrowser, launchBrowser, readCookies, readLocalStorage, crashPage } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const EMPTY_WASM = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const site = await startStaticServer({
  pages: {
    '/index.html': '<!doctype html><title>harness</title><p>hi</p>',
    '/empty.wasm': { body: EMPTY_WASM },
    '/mod.mjs': 'export const answer = 42;',
  },
});
const recorder = await startRecorder();
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

/** Runs in the page: a keepalive text/plain fetch; answers { status, retryAfter } or { error }. */
function postFromPage(page, url, body) {
  return page.evaluate(async ([u, b]) => {
    try {
      const r = await fetch(u, { method: 'POST', keepalive: true, headers: { 'Content-Type': 'text/plain' }, body: b });
      return { status: r.status, retryAfter: r.headers.get('Retry-After') };
    } catch (e) {
      return { error: String(e) };
    }
  }, [url, body]);
}

test('recorder receives a keepalive text/plain fetch and a sendBeacon from Chromium', async (t) => {
  recorder.clear();
  const { page } = await openPage(t);
  await page.goto(site.url('/index.html'));
  const track = { type: 'track', event: 'Harness Fetch', messageId: 'm-fetch', writeKey: 'wk1' };
  const batch = { batch: [{ type: 'page', messageId: 'm-beacon-1' }, { type: 'track', messageId: 'm-beacon-2' }], writeKey: 'wk1' };
  assert.deepEqual(await postFromPage(page, recorder.url('/v1/t'), JSON.stringify(track)), { status: 200, retryAfter: null });
  const queued = await page.evaluate(([u, b]) => navigator.sendBeacon(u, b), [recorder.url('/v1/batch'), JSON.stringify(batch)]);
  assert.equal(queued, true);
  const events = await recorder.waitForEvents(3, { timeout: 5000 });

  assert.deepEqual(events.map((e) => e.messageId), ['m-fetch', 'm-beacon-1', 'm-beacon-2']);
  const [fetchReq, beaconReq] = recorder.records;
  assert.equal(fetchReq.type, 't');
  assert.equal(fetchReq.headers['content-type'], 'text/plain');
  assert.equal(fetchReq.headers.origin, site.origin);
  assert.equal(fetchReq.writeKey, 'wk1');
  assert.equal(beaconReq.type, 'batch');
  assert.match(beaconReq.headers['content-type'], /^text\/plain/);
  assert.deepEqual(recorder.tally(['m-fetch', 'm-beacon-1', 'm-beacon-2', 'm-never']),
    { received: 3, unique: 3, duplicates: 0, lost: 1, unexpected: 0 });
  assert.deepEqual(page.errors, []);
});

test('fault injection: status with Retry-After for K requests, then normal', async (t) => {
  recorder.clear();
  const { page } = await openPage(t);
  await page.goto(site.url('/index.html'));
  recorder.respondWith(429, { count: 2, retryAfter: 3 });
  const body = JSON.stringify({ type: 'track', messageId: 'm-retry' });
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await postFromPage(page, recorder.url('/v1/t'), body));
  assert.deepEqual(answers, [{ status: 429, retryAfter: '3' }, { status: 429, retryAfter: '3' }, { status: 200, retryAfter: null }]);
  assert.deepEqual(recorder.records.map((r) => r.status), [429, 429, 200]);
  assert.deepEqual(recorder.tally(), { received: 1, unique: 1, duplicates: 0 });
  recorder.clearFaults();
});

test('fault injection: status for a time window, slow answers, hang', async (t) => {
  recorder.clear();
  const { page } = await openPage(t);
  await page.goto(site.url('/index.html'));
  // A window long enough for a loaded CI machine to get the first request in.
  recorder.respondWith(503, { ms: 1500 });
  assert.equal((await postFromPage(page, recorder.url('/v1/p'), '{}')).status, 503);
  await new Promise((r) => setTimeout(r, 1600));
  assert.equal((await postFromPage(page, recorder.url('/v1/p'), '{}')).status, 200);

  recorder.slow(400, { count: 1 });
  const t0 = Date.now();
  assert.equal((await postFromPage(page, recorder.url('/v1/p'), '{}')).status, 200);
  assert.ok(Date.now() - t0 >= 380, `slow answer took ${Date.now() - t0} ms`);

  recorder.hang({ count: 1 });
  const hung = await page.evaluate(async (u) => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 500);
    try { await fetch(u, { method: 'POST', body: '{}', signal: abort.signal }); return 'answered'; } catch (e) { return e.name; }
  }, recorder.url('/v1/p'));
  assert.equal(hung, 'AbortError');
  assert.equal(recorder.records.at(-1).status, 'hang');
  recorder.releaseHung();
});

test('fault injection: connection refused, then back on the same port', async (t) => {
  recorder.clear();
  const { page } = await openPage(t);
  await page.goto(site.url('/index.html'));
  const port = recorder.port;
  assert.equal((await postFromPage(page, recorder.url('/v1/t'), '{"messageId":"a"}')).status, 200); // warm keep-alive socket
  await recorder.refuse();
  const down = await postFromPage(page, recorder.url('/v1/t'), '{"messageId":"b"}');
  assert.match(down.error ?? '', /Failed to fetch|TypeError/);
  await recorder.accept();
  assert.equal(recorder.port, port);
  assert.equal((await postFromPage(page, recorder.url('/v1/t'), '{"messageId":"c"}')).status, 200);
  assert.deepEqual(recorder.messageIds(), ['a', 'c']);
});

test('static server: application/wasm streams, modules import, localhost reaches the same server', async (t) => {
  const { page, context } = await openPage(t);
  await page.goto(site.localhostUrl('/index.html'));
  const result = await page.evaluate(async () => {
    const { instance } = await WebAssembly.instantiateStreaming(fetch('/empty.wasm'));
    const mod = await import('/mod.mjs');
    document.cookie = 'probe=1; path=/';
    localStorage.setItem('k', '"v"');
    return { wasm: typeof instance.exports, answer: mod.answer, origin: location.origin };
  });
  assert.deepEqual(result, { wasm: 'object', answer: 42, origin: `http://localhost:${site.port}` });
  assert.deepEqual(await readCookies(context, site.localhostUrl('/')), { probe: '1' });
  assert.deepEqual(await readLocalStorage(page), { k: '"v"' });
});

test('browser: extra hostnames map to 127.0.0.1, so registrable-domain cookies can be tested', async (t) => {
  const browser = await launchBrowser({ hosts: ['www.shop.example.co.uk'] });
  t.after(() => browser.close());
  const { page, context } = await openPage(t, { browser });
  const url = `http://www.shop.example.co.uk:${site.port}/index.html`;
  await page.goto(url);
  const accepted = await page.evaluate(() => {
    document.cookie = 'ajs_probe=1; domain=example.co.uk; path=/';
    document.cookie = 'ajs_suffix=1; domain=co.uk; path=/'; // a public suffix: the browser must refuse it
    return document.cookie;
  });
  assert.equal(accepted, 'ajs_probe=1');
  const [record] = await context.cookies(url);
  assert.equal(record.domain, '.example.co.uk');
});

test('browser: crashPage kills a tab without pagehide; page.close() runs pagehide', async (t) => {
  recorder.clear();
  const beaconOnHide = `<script>addEventListener('pagehide', () =>
    navigator.sendBeacon('${recorder.url('/v1/t')}', JSON.stringify({ messageId: 'hide-' + location.hash.slice(1) })));</script>`;
  site.pages['/hide.html'] = beaconOnHide;
  const { context, page: first } = await openPage(t);
  await first.goto(site.url('/hide.html#crashed'));
  await crashPage(first);
  const second = await context.newPage();
  await second.goto(site.url('/hide.html#closed'));
  await second.close();
  await recorder.waitForEvents(1, { timeout: 5000 });
  await new Promise((r) => setTimeout(r, 300)); // a beacon from the crashed tab would have arrived by now
  assert.deepEqual(recorder.messageIds(), ['hide-closed']);
});
