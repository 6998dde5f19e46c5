// What one track() costs in crossings to JavaScript that it does not need: the wasm reads the identity cookies
// on every event (another tab may have changed them), which decodes every cookie name in the jar and the value
// found. A text without `%` is its own decoding, so with ordinary cookies no decoding may reach host.js
// (src/browser/host.rs `percent_decode`): counted through `decodeURIComponent`, which host.js's decoder calls
// (a count, not a timing). A percent-encoded cookie still decodes through the browser, and the identity it
// holds still reads back. Environment: Node's test runner, playwright-core + Chromium, www/ built by
// scripts/build, a local recorder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const recorder = await startRecorder();
const site = await startStaticServer({
  root: WWW,
  pages: {
    '/crossings.html': `<!doctype html><meta charset="utf-8"><title>crossings</title><script src="/snippet.js"></script>
<script>analytics.load('crossings', {apiHost: 'http://${recorder.hostPort}/v1'});</script>`,
  },
});
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

/** Page-side: sets `cookies`, waits for the library, then counts decodeURIComponent calls during `calls`
 * track() calls; answers the count and the user id the library read. */
async function countDecodes({ cookies, calls }) {
  for (const cookie of cookies) document.cookie = cookie + '; path=/';
  await new Promise((resolve) => window.analytics.ready(resolve));
  const original = window.decodeURIComponent;
  let count = 0;
  window.decodeURIComponent = (text) => (count++, original(text));
  try {
    for (let i = 0; i < calls; i++) await window.analytics.track('Crossing', { i });
  } finally {
    window.decodeURIComponent = original;
  }
  return { count, userId: window.analytics.user().id() };
}

test('track() with ordinary cookies decodes no cookie text in JavaScript', async (t) => {
  const { page } = await openPage(t);
  await page.goto(site.origin + '/crossings.html');
  const got = await page.evaluate(countDecodes, { cookies: ['plain=1', 'session=abc', 'ajs_user_id=user-1'], calls: 20 });
  assert.deepEqual(got, { count: 0, userId: 'user-1' });
});

test('a percent-encoded identity cookie still decodes through the browser', async (t) => {
  const { page } = await openPage(t);
  await page.goto(site.origin + '/crossings.html');
  const got = await page.evaluate(countDecodes, { cookies: ['ajs_user_id=%22user%20%C3%A9%22'], calls: 2 });
  assert.equal(got.userId, 'user é');
  assert.ok(got.count > 0, 'the encoded value is decoded by the browser');
});
