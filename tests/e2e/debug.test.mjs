// Debug mode's log lines: the core reports repairs and refusals of calls by number and their texts live in
// www/dist/wa-debug.js, fetched only when debug mode turns on (analytics.debug(true)). A page that does not
// debug never loads it; lines made before it arrives wait and print in order, with the same texts as ever;
// without it (it failed to load) they print the numbers; nothing is thrown into the page either way.
// Fixture: tests/e2e/fixtures/events/page.html. Environment: Node's test runner, playwright-core, www/ built
// by scripts/build, the local recorder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const recorder = await startRecorder();
const fixture = readFileSync(new URL('./fixtures/events/page.html', import.meta.url), 'utf8').replaceAll('__API_HOST__', `http://${recorder.hostPort}/v1`);
const site = await startStaticServer({ root: WWW, pages: { '/events/page.html': fixture } });
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

let keys = 0;
/** The fixture page, loaded; `page.files` lists the paths of every script and wasm file it requested. */
async function open(t, route) {
  const { page } = await openPage(t);
  page.files = [];
  page.on('request', (r) => { if (/\.(js|wasm)$/.test(new URL(r.url()).pathname)) page.files.push(new URL(r.url()).pathname); });
  if (route) await page.route('**/wa-debug.js', route);
  await page.addInitScript((e2e) => { window.E2E = e2e; }, { writeKey: `debug-${process.pid}-${++keys}`, options: {} });
  await page.goto(`${site.origin}/events/page.html`);
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 10000 });
  return page;
}

/** Bad calls: a repair by the core, a refusal by the core, a repair by the facade (a cycle), a refusal by the core. */
const badCalls = () => {
  const cyclic = { keep: 1 };
  cyclic.self = cyclic;
  analytics.track('debug-id', {}, { messageId: 5 });
  analytics.track();
  analytics.track('debug-cycle', cyclic);
  analytics.group(null);
  return analytics.flush(2000).then(() => true);
};
const EXPECTED = [
  '[wasm-analytics] track(): options.messageId not a string; ignored',
  '[wasm-analytics] track(): track: no event name; dropped',
  '[wasm-analytics] track(): circular reference dropped',
  '[wasm-analytics] group(): group: no group id; dropped',
];
const warnings = (page) => page.consoleLines.filter((l) => l.startsWith('warning: [wasm-analytics]')).map((l) => l.slice('warning: '.length));

test('debug mode off: the page loads the snippet, the script and the wasm only, and bad calls log nothing', async (t) => {
  const page = await open(t);
  await page.evaluate(badCalls);
  await page.waitForTimeout(300);
  assert.deepEqual(page.files.filter((f) => !f.endsWith('.wasm')), ['/snippet.js', '/dist/wasm-analytics.js']);
  assert.equal(page.files.filter((f) => f.endsWith('.wasm')).length, 1, page.files.join(' '));
  assert.ok(!page.files.some((f) => f.includes('wa-debug')), 'wa-debug.js is not loaded');
  assert.deepEqual(warnings(page), []);
  assert.deepEqual(page.errors, []);
});

test('debug mode on: wa-debug.js is fetched; lines made before it arrives wait, then print in order, same texts', async (t) => {
  let held;
  const page = await open(t, (route) => { held = route; });
  await page.evaluate(() => { analytics.debug(true); });
  await page.waitForFunction(() => true);
  await page.evaluate(badCalls);
  for (let i = 0; !held && i < 100; i++) await page.waitForTimeout(20);
  assert.ok(held, 'debug(true) requested wa-debug.js');
  assert.deepEqual(warnings(page), [], 'nothing printed before the texts arrived');
  await held.continue();
  for (let i = 0; warnings(page).length < EXPECTED.length && i < 100; i++) await page.waitForTimeout(20);
  assert.deepEqual(warnings(page), EXPECTED);
  // Once loaded, a line prints at once.
  await page.evaluate(() => {
    analytics.alias();
    analytics.track('debug-bigint', { big: 1n });
    analytics.addSourceMiddleware('not a function');
  });
  assert.deepEqual(warnings(page).slice(EXPECTED.length), [
    '[wasm-analytics] alias(): alias: no user id; dropped',
    '[wasm-analytics] track(): BigInt converted to string',
    '[wasm-analytics] addSourceMiddleware() needs a function',
  ]);
  assert.equal(page.files.filter((f) => f.includes('wa-debug')).length, 1);
  assert.deepEqual(page.errors, []);
});

test('debug mode when wa-debug.js cannot be fetched: the lines print the reason numbers; nothing thrown', async (t) => {
  const page = await open(t, (route) => route.fulfill({ status: 404, body: 'gone' }));
  const rejections = await page.evaluate(() => {
    window.rejections = 0;
    addEventListener('unhandledrejection', () => window.rejections++);
    analytics.debug(true);
  });
  assert.equal(rejections, undefined);
  await page.evaluate(badCalls);
  for (let i = 0; warnings(page).length < EXPECTED.length && i < 100; i++) await page.waitForTimeout(20);
  assert.deepEqual(warnings(page), [
    '[wasm-analytics] track(): 4',
    '[wasm-analytics] track(): 9',
    '[wasm-analytics] track(): 22',
    '[wasm-analytics] group(): 10',
  ]);
  assert.equal(await page.evaluate(() => window.rejections), 0);
  assert.deepEqual(page.errors, []);
});

test('lines waiting for wa-debug.js are bounded: at most 64 print', async (t) => {
  let held;
  const page = await open(t, (route) => { held = route; });
  await page.evaluate(() => {
    analytics.debug(true);
    for (let i = 0; i < 100; i++) analytics.track();
  });
  for (let i = 0; !held && i < 100; i++) await page.waitForTimeout(20);
  await held.continue();
  for (let i = 0; warnings(page).length < 64 && i < 100; i++) await page.waitForTimeout(20);
  await page.waitForTimeout(200);
  assert.equal(warnings(page).length, 64);
  assert.ok(warnings(page).every((l) => l === '[wasm-analytics] track(): track: no event name; dropped'));
});

test('the wasm carries none of the debug texts', () => {
  const wasm = readFileSync(new URL('../../www/dist/wasm_analytics_bg.wasm', import.meta.url)).toString('latin1');
  for (const text of ['unsupported type ignored', 'no event name; dropped', 'queue could not be saved']) assert.ok(!wasm.includes(text), text);
});
