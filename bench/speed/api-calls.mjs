// Which browser APIs each library touches per track() call: counts document.cookie reads/writes,
// localStorage getItem/setItem/removeItem, fetch, setTimeout, crypto.getRandomValues and Date.now during
// `calls` track() calls plus 1.5 s of deferred work, on the benchmark pages (see pages.mjs).
//   node bench/speed/api-calls.mjs [calls=100]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../../tests/e2e/lib/browser.mjs';
import { startStaticServer } from '../../tests/e2e/lib/static-server.mjs';
import { startRecorder } from '../../tests/e2e/lib/recorder.mjs';
import { preparePages, initScript } from './pages.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const calls = Number(process.argv[2] || 100);
const pages = await preparePages(ROOT, path.join(ROOT, 'bench/out/speed'));
const recorder = await startRecorder();
const site = await startStaticServer({ root: ROOT, pages: Object.fromEntries(Object.values(pages).map((p) => [p.url, p.html])) });
const browser = await launchBrowser();
try {
  for (const [name, library] of Object.entries(pages)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(initScript, { writeKey: 'api-calls', apiHost: recorder.hostPort + '/v1' });
    await page.goto(site.origin + library.url);
    await page.waitForFunction(() => window.benchTarget);
    await new Promise((r) => setTimeout(r, 500));
    const counts = await page.evaluate(countCalls, calls);
    const perCall = Object.entries(counts).map(([k, v]) => `${k} ${(v / calls).toFixed(2)}`).join(', ');
    console.log(`${name}, per track() call: ${perCall}`);
    await context.close();
  }
} finally {
  await browser.close();
  await recorder.close();
  await site.close();
}

/** In the page: wraps the APIs with counters, makes `calls` track() calls, waits 1.5 s, returns the counts. */
async function countCalls(calls) {
  const c = { 'cookie get': 0, 'cookie set': 0, 'localStorage get': 0, 'localStorage set': 0, 'localStorage remove': 0, fetch: 0, setTimeout: 0, getRandomValues: 0, 'Date.now': 0 };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get() { c['cookie get']++; return cookie.get.call(document); },
    set(v) { c['cookie set']++; cookie.set.call(document, v); },
  });
  const wrap = (owner, key, label) => {
    const original = owner[key];
    owner[key] = function (...args) { c[label]++; return original.apply(this, args); };
  };
  wrap(Storage.prototype, 'getItem', 'localStorage get');
  wrap(Storage.prototype, 'setItem', 'localStorage set');
  wrap(Storage.prototype, 'removeItem', 'localStorage remove');
  wrap(window, 'fetch', 'fetch');
  wrap(window, 'setTimeout', 'setTimeout');
  wrap(crypto, 'getRandomValues', 'getRandomValues');
  wrap(Date, 'now', 'Date.now');
  for (let i = 0; i < calls; i++) window.benchTarget.track('Count', { i });
  await new Promise((r) => setTimeout(r, 1500));
  return c;
}
