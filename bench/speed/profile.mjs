// Where the main thread goes during the benchmark's track() loop: CDP sampling profile (100 µs) of `calls`
// track() calls on one library's benchmark page, printed as the top self-time functions.
//   node bench/speed/profile.mjs [wasm-analytics|analytics-next] [calls=2000]
// Needs what run.mjs needs. Wasm functions show as wasm-function[N] (names are stripped by wasm-opt).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../../tests/e2e/lib/browser.mjs';
import { startStaticServer } from '../../tests/e2e/lib/static-server.mjs';
import { startRecorder } from '../../tests/e2e/lib/recorder.mjs';
import { preparePages, initScript } from './pages.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const name = process.argv[2] || 'wasm-analytics';
const calls = Number(process.argv[3] || 2000);
const pages = await preparePages(ROOT, path.join(ROOT, 'bench/out/speed'));
const library = pages[name];
const site = await startStaticServer({ root: ROOT, pages: { [library.url]: library.html } });
const recorder = await startRecorder();
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(initScript, { writeKey: 'profile', apiHost: recorder.hostPort + '/v1' });
  await page.goto(site.origin + library.url);
  await page.waitForFunction(() => window.benchTarget);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const ms = await page.evaluate((n) => {
    const target = window.benchTarget;
    const start = performance.now();
    for (let i = 0; i < n; i++) target.track('Bench Event', { i, plan: 'pro', price: 9.99, currency: 'EUR', tags: ['a', 'b'] });
    return performance.now() - start;
  }, calls);
  const { profile } = await cdp.send('Profiler.stop');
  console.log(`${name}: ${calls} track() calls in ${ms.toFixed(0)} ms (${((ms * 1000) / calls).toFixed(1)} µs per call); top self time:`);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id).callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}`.trim();
    self.set(key, (self.get(key) || 0) + (profile.timeDeltas[i] || 0));
  });
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
} finally {
  await browser.close();
  await recorder.close();
  await site.close();
}
