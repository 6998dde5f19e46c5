// Calls made through the snippet before the library has loaded are not lost when the visitor
// leaves first: the stub saves them to localStorage on pagehide (`wa:snippet-calls:v1`) and the
// next page that loads the library replays them with their original page context and time.
// Environment: Node's test runner, playwright-core + Chromium, www/ built by scripts/build, the recorder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const recorder = await startRecorder();
const apiHost = `${recorder.origin}/v1`;
// The library never arrives on this page (its script 404s): every call stays in the stub.
const STALLED = `<!doctype html><title>stalled</title><script src="/snippet.js"></script>
<script>analytics.load('unload-key', {apiHost: '${apiHost}', scriptUrl: '/never-there.js'});
analytics.page(); analytics.track('Left Early', {n: 1}); analytics.identify('early-user', {plan: 'pro'});</script>`;
const NEXT = `<!doctype html><title>next</title><script src="/snippet.js"></script>
<script>analytics.load('unload-key', {apiHost: '${apiHost}'});</script>`;
const site = await startStaticServer({ root: WWW, pages: { '/stalled.html': STALLED, '/next.html': NEXT } });
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

test('snippet calls survive the visitor leaving before the library loaded', async (t) => {
  recorder.clear();
  const { page } = await openPage(t);
  await page.goto(site.url('/stalled.html?from=ad'));
  const queued = await page.evaluate(() => window.analytics.length);
  assert.equal(queued, 3, 'the stub holds the three calls');
  await page.goto(site.url('/next.html'));
  const events = await recorder.waitForEvents(3);
  assert.deepEqual(events.map((e) => e.type), ['page', 'track', 'identify'], 'replayed in call order');
  for (const event of events) {
    assert.equal(event.context.page.path, '/stalled.html', 'the page the call was made on');
    assert.equal(event.context.page.search, '?from=ad');
  }
  assert.equal(events[1].event, 'Left Early');
  assert.equal(events[2].userId, 'early-user');
  assert.equal(await page.evaluate(() => localStorage.getItem('wa:snippet-calls:v1')), null, 'replayed once, then forgotten');
  assert.deepEqual(page.errors, []);
});
