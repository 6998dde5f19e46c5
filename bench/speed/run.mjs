// Speed and size benchmark: wasm-analytics against @segment/analytics-next in the same headless Chromium,
// several rounds with the two libraries interleaved (the order alternates every round), each visit in a fresh
// browser context with its own local recorder. Prints the medians side by side (and every round's figures
// with --verbose); writes them as JSON to bench/out/speed.json. A benchmark that prints figures, not a test.
//   node bench/speed/run.mjs [--rounds 3] [--warmup 0] [--calls 2000] [--memory-calls 10000] [--memory-rounds 10] [--verbose]
// Needs www/dist (scripts/build), node_modules (scripts/bootstrap), /usr/bin/chromium.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../../tests/e2e/lib/browser.mjs';
import { startStaticServer } from '../../tests/e2e/lib/static-server.mjs';
import { libraryBytes, preparePages } from './pages.mjs';
import { measure } from './session.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'bench/out');
const LIBRARIES = ['wasm-analytics', 'analytics-next'];

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '0' },
    calls: { type: 'string', default: '2000' },
    'memory-calls': { type: 'string', default: '10000' },
    'memory-rounds': { type: 'string', default: '10' },
    'delivery-timeout': { type: 'string', default: '120000' },
    verbose: { type: 'boolean', default: false },
  },
});
const rounds = Number(args.rounds);
const warmup = Number(args.warmup);
const calls = Number(args.calls);
const memoryCalls = Number(args['memory-calls']);
const memoryRounds = Number(args['memory-rounds']);

mkdirSync(path.join(OUT, 'speed'), { recursive: true });
const pages = await preparePages(ROOT, path.join(OUT, 'speed'));
const site = await startStaticServer({ root: ROOT, pages: Object.fromEntries(Object.values(pages).map((p) => [p.url, p.html])) });
const browser = await launchBrowser();
const version = browser.version();
const results = Object.fromEntries(LIBRARIES.map((l) => [l, []]));
try {
  for (let round = 0; round < warmup + rounds; round++) {
    const order = round % 2 ? [...LIBRARIES].reverse() : LIBRARIES;
    for (const name of order) {
      const run = await measure({ browser, site, library: pages[name], name, calls, memoryCalls, memoryRounds, deliveryTimeoutMs: Number(args['delivery-timeout']) });
      run.bytes = libraryBytes(ROOT, pages[name], run.paths);
      const label = round < warmup ? `warm-up ${round + 1}` : `round ${round - warmup + 1}`;
      if (args.verbose) console.error(`${label} ${name}: ${JSON.stringify({ ...run, paths: undefined })}`);
      else process.stderr.write('.');
      if (round >= warmup) results[name].push(run);
    }
  }
} finally {
  if (!args.verbose) process.stderr.write('\n');
  await browser.close();
  await site.close();
}

const median = (values) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const pick = (name, f) => median(results[name].map(f));
const ajsVersion = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@segment/analytics-next/package.json'), 'utf8')).version;
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const mb = (n) => (n / 1048576).toFixed(2) + ' MB';
const ROWS = [
  ['library bytes loaded, raw', (r) => r.bytes.raw, kb],
  ['library bytes loaded, gzip', (r) => r.bytes.gzip, kb],
  ['library bytes loaded, brotli', (r) => r.bytes.brotli, kb],
  ['library files loaded', (r) => r.bytes.files, String],
  ['first event received after navigation', (r) => r.firstEventMs, (v) => v.toFixed(0) + ' ms'],
  [`track() main thread per call (${calls} calls)`, (r) => r.trackUs, (v) => v.toFixed(1) + ' µs'],
  [`  same loop at once after load, no CDP domain`, (r) => r.plainTrackUs, (v) => v.toFixed(1) + ' µs'],
  ['main thread per event until delivered', (r) => r.totalUs, (v) => v.toFixed(0) + ' µs'],
  [`requests for the ${calls} events`, (r) => r.requests, (v) => v.toFixed(0)],
  [`events of ${calls} arrived`, (r) => r.arrived, (v) => v.toFixed(0)],
  [`JS heap used after ${memoryCalls} more calls (GC'd)`, (r) => r.heap, mb],
  [`wasm memory after ${memoryCalls} more calls`, (r) => r.wasmMemory, mb],
  [`wasm memory after ${memoryCalls * memoryRounds} (drained every ${memoryCalls})`, (r) => r.wasmMemoryLong, mb],
  ['wasm memory after offline episode 1 (5,000 queued, drained)', (r) => r.wasmMemoryOffline1, mb],
  ['wasm memory after offline episode 2 (same again)', (r) => r.wasmMemoryOffline2, mb],
  ['requests to other hosts (blocked)', (r) => r.external, (v) => v.toFixed(0)],
];
const table = ROWS.map(([label, f, fmt]) => [label, ...LIBRARIES.map((l) => {
  const v = pick(l, f);
  return Number.isFinite(v) ? fmt(v) : 'n/a';
})]);
const header = ['median of ' + rounds + ' rounds', 'wasm-analytics', `analytics-next ${ajsVersion}`];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`speed benchmark: headless Chromium ${version}, ${rounds} rounds (+${warmup} warm-up), libraries interleaved, fresh context per visit`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
console.log('main thread per event = CDP Performance.getMetrics TaskDuration from before the track() loop until all events arrived, / calls');
writeFileSync(path.join(OUT, 'speed.json'), JSON.stringify({ chromium: version, rounds, warmup, calls, memoryCalls, ajsVersion, results: Object.fromEntries(
  LIBRARIES.map((l) => [l, results[l].map((r) => ({ ...r, paths: undefined }))])) }, null, 1));
