// Delivery benchmark: the same unload and fault scenarios for wasm-analytics and @segment/analytics-next, in
// one headless-Chromium run, rounds interleaved (wasm, ajs, wasm, ajs, …), against one local recorder.
// Prints one table: per scenario and library, events the page tracked vs unique messageIds the recorder
// accepted vs duplicates vs lost, and the median time until the last event arrived (or the wait ran out).
//   wasm-analytics: the snippet page loading www/dist (scripts/build), default delivery settings except the
//     `_delivery` tab lease (3 s) so the crashed-tab row does not wait 2 minutes.
//   analytics-next: node_modules/@segment/analytics-next bundled with esbuild (no CDN: `cdnSettings` given,
//     so it never fetches settings), its default (standard) delivery, pointed at the same recorder.
// Usage: node bench/delivery/run.mjs [--rounds N] (default 3). Run via scripts/bench-delivery.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, crashPage, watchPage } from '../../tests/e2e/lib/browser.mjs';
import { startStaticServer } from '../../tests/e2e/lib/static-server.mjs';
import { startRecorder } from '../../tests/e2e/lib/recorder.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { analyticsNextEntry } from '../analytics-next-entry.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'bench/out/delivery');
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;

const AJS_ENTRY = analyticsNextEntry("(() => { const q = new URLSearchParams(location.search); return { writeKey: q.get('wk'), apiHost: q.get('api') }; })()");

async function bundleAnalyticsNext() {
  mkdirSync(OUT, { recursive: true });
  const entry = path.join(OUT, 'ajs-entry.js');
  writeFileSync(entry, AJS_ENTRY);
  await build({
    entryPoints: [entry], outdir: path.join(OUT, 'ajs'), bundle: true, splitting: true, format: 'esm', minify: true,
    target: 'es2020', legalComments: 'none', logLevel: 'warning', nodePaths: [path.join(ROOT, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
}

const WASM_PAGE = `<!doctype html><title>delivery bench: wasm-analytics</title>
<script src="/www/snippet.js"></script>
<script>const q = new URLSearchParams(location.search);
analytics.load(q.get('wk'), { apiHost: 'http://' + q.get('api'), scriptUrl: '/www/dist/wasm-analytics.js',
  _delivery: { tabLeaseMs: 3000, tabHeartbeatMs: 500 } });
const wait = setInterval(() => { if (window.analytics.initialized) { window.benchTarget = window.analytics; clearInterval(wait); } }, 5);</script>
<a id="go" href="/plain.html">leave</a>`;
const AJS_PAGE = `<!doctype html><title>delivery bench: analytics-next</title>
<script type="module" src="/bench/out/delivery/ajs/ajs-entry.js"></script>
<a id="go" href="/plain.html">leave</a>`;

await bundleAnalyticsNext();
const site = await startStaticServer({
  root: ROOT,
  pages: { '/wasm.html': WASM_PAGE, '/ajs.html': AJS_PAGE, '/plain.html': '<!doctype html><title>plain</title><p>no library</p>' },
});
const recorder = await startRecorder();
const browser = await launchBrowser();
let seq = 0;

/** What a scenario needs to drive one library in one fresh browser context. */
function harness(library, context) {
  const wk = `bench-${library}-${process.pid}-${++seq}`;
  const url = `/${library === 'wasm-analytics' ? 'wasm' : 'ajs'}.html?wk=${wk}&api=${encodeURIComponent(`${recorder.hostPort}/v1`)}`;
  const h = {
    library, context, recorder, wk,
    async open(page) {
      page = page || watchPage(await context.newPage());
      await page.goto(site.url(url));
      await page.waitForFunction(() => !!window.benchTarget, null, { timeout: 15000 });
      return page;
    },
    track: (page, count, from = 0) => page.evaluate(([count, from]) => {
      for (let i = from; i < from + count; i++) window.benchTarget.track('Delivery', { n: i });
    }, [count, from]),
    crash: crashPage,
    tally(sent) {
      const events = recorder.accepted().filter((r) => (r.writeKey || (r.body && r.body.writeKey)) === wk).flatMap((r) => r.events);
      const ids = events.map((e) => e.messageId);
      const unique = new Set(ids).size;
      const seen = new Set(events.map((e) => e.properties && e.properties.n));
      let lost = 0;
      for (let n = 0; n < sent; n++) if (!seen.has(n)) lost++;
      return { sent, unique, duplicates: ids.length - unique, lost };
    },
    async settle(sent, timeout) {
      const started = Date.now();
      while (Date.now() - started < timeout && h.tally(sent).lost > 0) await sleep(50);
      const ms = Date.now() - started;
      await sleep(300);
      return { ...h.tally(sent), ms };
    },
  };
  return h;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const LIBRARIES = ['wasm-analytics', 'analytics-next'];
const results = new Map();

for (const scenario of SCENARIOS) {
  for (let round = 0; round < rounds; round++) {
    for (const library of round % 2 ? [...LIBRARIES].reverse() : LIBRARIES) {
      recorder.clearFaults();
      await recorder.accept();
      const context = await browser.newContext();
      let result;
      try {
        result = await scenario.run(harness(library, context));
      } catch (e) {
        result = { sent: scenario.sent, unique: 0, duplicates: 0, lost: scenario.sent, ms: NaN, error: String(e.message || e).split('\n')[0] };
      }
      recorder.clearFaults();
      recorder.releaseHung();
      await context.close().catch(() => {});
      const key = `${scenario.name}\u0000${library}`;
      if (!results.has(key)) results.set(key, []);
      results.get(key).push(result);
      if (result.error) console.error(`[bench] ${scenario.name} / ${library}: ${result.error}`);
    }
  }
}

const rows = [['scenario', 'library', 'tracked', 'delivered (unique)', 'duplicates', 'lost', 'median ms to last']];
for (const scenario of SCENARIOS) {
  for (const library of LIBRARIES) {
    const list = results.get(`${scenario.name}\u0000${library}`);
    const sum = (k) => list.reduce((a, r) => a + r[k], 0);
    rows.push([scenario.name, library, sum('sent'), sum('unique'), sum('duplicates'), sum('lost'), String(Math.round(median(list.map((r) => r.ms))))]);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
console.log(`\ndelivery benchmark, ${rounds} rounds per scenario and library (interleaved), totals over rounds:`);
for (const [i, r] of rows.entries()) {
  console.log(r.map((c, j) => String(c).padEnd(widths[j])).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
await browser.close();
await recorder.close();
await site.close();
