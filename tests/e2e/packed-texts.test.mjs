// A call's texts cross into the wasm packed into one string (src/core/event/call_texts.rs, written by
// www/src/analytics.js `build_`): calls whose texts hold what could confuse a packing (emoji, lone surrogates at
// the ends of neighbouring texts, NUL and other controls, the format's own spaces and digits, empty texts, five
// arguments) make the same events as when each text was an argument of its own. The events are pinned in
// tests/e2e/fixtures/packed-texts.json, recorded from the build before the packing (the envelope's time, ids
// and the browser's facts masked); after an intended change to what these calls send, run with GOLDEN_OUT=1
// to rewrite it, and review the diff.
// Environment: Node's test runner, playwright-core + Chromium, www/ built by scripts/build, a local recorder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const GOLDEN = new URL('./fixtures/packed-texts.json', import.meta.url);
const WRITE_KEY = 'packed-texts';

const recorder = await startRecorder();
const site = await startStaticServer({
  root: WWW,
  pages: {
    '/packed.html': `<!doctype html><meta charset="utf-8"><title>packed</title><script src="/snippet.js"></script>
<script>analytics.load('${WRITE_KEY}', {apiHost: 'http://${recorder.hostPort}/v1'});</script>`,
  },
});
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

/** Page-side: the hostile calls, in order (built from char codes: lone surrogates do not survive Playwright). */
function hostileCalls() {
  const high = String.fromCharCode(0xd83d);
  const low = String.fromCharCode(0xde00);
  const a = window.analytics;
  const calls = [
    () => a.track('emoji 😀👍🏽', { p: '😀', q: 'é€日本' }),
    () => a.track('lone ' + high, { end: 'x' + high, start: low + 'y' }),
    // A lone high surrogate ending one text and a lone low one starting the next: two U+FFFDs, not one 😀.
    () => a.page('category ' + high, low + ' name', { p: high + low }),
    () => a.screen(high, low),
    () => a.alias('to' + high, low + 'from'),
    () => a.track('\u0000', { nul: '\u0000', controls: '\u0001\u001f\u007f\n\r\t\u2028\u0085' }),
    () => a.track('1 2 ', { ' ': ' ', '0': '0 ', '12 ab': '3 xyz' }),
    () => a.identify('user 0 ' + high, { name: '5 ü' + low, n: 42 }),
    () => a.group('g\u0000 9 ', { '😀': low }),
    () => a.track(''),
    () => a.page('', '', {}, {}),
    () => a.page('c 1 ', 'n\ufffd', { p: 1 }, { context: { x: '2 ' + high }, integrations: { A: false } }, () => {}),
    () => a.track('args', { p: 1 }, { context: { y: '😀' } }, () => {}, 'a sixth ' + low),
    () => a.track(7, 8),
    () => a.identify({ only: 'traits ' + high }),
  ];
  document.title = 'title 😀 ' + high + ' 1 \u0000';
  // What each call resolved with: the event's type, or why it sent nothing.
  return Promise.all(calls.map((call) => call().then((ctx) => (ctx.failedDelivery() || {}).reason || ctx.event.type)))
    .then((outcomes) => a.flush().then(() => outcomes));
}

/** An event with what differs from run to run (ids, times, the page's port, the browser's facts) masked. */
function stable(event) {
  const { messageId, timestamp, sentAt, writeKey, _metadata, ...rest } = event;
  const context = { ...rest.context };
  for (const key of ['userAgent', 'userAgentData', 'locale', 'timezone', 'library', 'screen']) delete context[key];
  const masked = JSON.stringify({ ...rest, context }).replaceAll(site.origin, '<origin>');
  return JSON.parse(masked.replace(/"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/g, '"<uuid>"'));
}

test('texts that could confuse the packing make the same events as separate arguments did', async (t) => {
  const { page } = await openPage(t);
  await page.goto(site.url('/packed.html?q=1'));
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 15000 });
  const outcomes = await page.evaluate(hostileCalls);
  const sent = outcomes.filter((outcome) => /^[a-z]+$/.test(outcome)).length;
  await recorder.waitForEvents((events) => events.filter((e) => e.writeKey === WRITE_KEY).length >= sent, { timeout: 10000 });
  const events = recorder.events().filter((e) => e.writeKey === WRITE_KEY).map(stable);
  assert.deepEqual(page.errors, [], 'nothing thrown into the page');
  if (process.env.GOLDEN_OUT) writeFileSync(GOLDEN, JSON.stringify({ outcomes, events }, null, 1) + '\n');
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8'));
  assert.deepEqual(outcomes, golden.outcomes, 'each call sends or drops as before');
  assert.deepEqual(events, golden.events);
});
