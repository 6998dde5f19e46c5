// Init options as analytics-next users write them reach the core's one parser (src/core/load_options.rs):
// `integrations['Segment.io'].{apiHost, protocol}` chooses the endpoint (a site migrating with a proxy must not
// send to api.segment.io), and an option the library does not support is named in one debug line, never
// silently dropped. Environment: Node's test runner, playwright-core, esbuild, www/npm/dist built by
// scripts/build, the local recorder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startRecorder } from './lib/recorder.mjs';
import { startSideBySide } from './lib/side-by-side.mjs';

const recorder = await startRecorder();
const site = await startSideBySide();
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

test("integrations['Segment.io'] {apiHost, protocol} sends to that host; unsupported options are named once", async (t) => {
  const { page } = await openPage(t);
  await page.goto(`${site.origin}/side/index.html`);
  const writeKey = 'load-options-proxy';
  await page.evaluate(async ({ writeKey, apiHost }) => {
    const { AnalyticsBrowser } = await import('/side/wa.js');
    const analytics = AnalyticsBrowser.load({ writeKey, wasmUrl: '/npm/dist/wasm_analytics_bg.wasm' }, {
      integrations: { 'Segment.io': { apiHost, protocol: 'http' } },
      obfuscate: true,
      highEntropyValuesClientHints: ['model'],
    });
    await analytics.track('Through The Proxy');
    await (await analytics)[0].flush(5000);
  }, { writeKey, apiHost: `${recorder.hostPort}/v1` });
  await recorder.waitForEvents(() => recorder.events().some((e) => e.writeKey === writeKey));
  assert.equal(recorder.events().find((e) => e.writeKey === writeKey).event, 'Through The Proxy');
  const named = page.consoleLines.filter((l) => /not supported/.test(l));
  assert.equal(named.length, 1, page.consoleLines.join('\n'));
  assert.match(named[0], /obfuscate/);
  assert.match(named[0], /highEntropyValuesClientHints/);
  assert.deepEqual(page.errors, []);
});
