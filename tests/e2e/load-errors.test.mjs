// Loading failures are explicit: when the .wasm URL answers 404, or 200 with an HTML page (a dev server's SPA
// fallback), the npm entry names the URL and the status in the console and on `analytics.on('error')`
// (listeners added before load hear it), resolves load() with an inert instance and never throws or rejects
// into the page. Under the script tag the snippet stays in place, so its calls are kept for a later page.
// Environment: Node's test runner, playwright-core, esbuild, www/ and www/npm/dist built by scripts/build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startSideBySide } from './lib/side-by-side.mjs';

const site = await startSideBySide();
site.pages['/side/fallback.wasm'] = { body: '<!doctype html><html><body>app</body></html>', type: 'text/html' };
after(async () => {
  await closeSharedBrowser();
  await site.close();
});

for (const [what, wasmUrl, status] of [['a 404', '/side/missing.wasm', /HTTP 404/], ['an HTML fallback page', '/side/fallback.wasm', /HTTP 200 text\/html/]]) {
  test(`a wasm URL answering ${what}: the error names the URL and status, on('error') and in the console; calls resolve`, async (t) => {
    const { page } = await openPage(t);
    await page.goto(`${site.origin}/side/index.html`);
    const result = await page.evaluate(async (wasmUrl) => {
      const { AnalyticsBrowser } = await import('/side/wa.js');
      const errors = [];
      const analytics = AnalyticsBrowser.load({ writeKey: 'load-errors', wasmUrl });
      analytics.on('error', (e) => errors.push(e.code + ': ' + e.message));
      const early = analytics.track('Before');
      const [instance] = await analytics;
      const ctx = await early;
      const late = await analytics.track('After');
      return { errors, initialized: !!instance, early: ctx.event.type, late: late.event.type };
    }, wasmUrl);
    assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
    assert.match(result.errors[0], /^load_failure: /);
    assert.ok(result.errors[0].includes(wasmUrl), result.errors[0]);
    assert.match(result.errors[0], status);
    assert.ok(!/magic word/.test(result.errors[0]), result.errors[0]);
    assert.ok(page.consoleLines.some((l) => l.includes(wasmUrl) && status.test(l)), page.consoleLines.join('\n'));
    assert.deepEqual([result.initialized, result.early, result.late], [true, 'track', 'track']);
    assert.deepEqual(page.errors, []);
  });
}
