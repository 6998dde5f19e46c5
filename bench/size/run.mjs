// Size benchmark: the bytes a page loads for wasm-analytics and for @segment/analytics-next, raw / gzip -9 /
// brotli q11, per file and in total, in one table. No browser: it measures files (bench/speed measures what a
// real page requested). Run by scripts/bench-size, which builds www/dist first when it is missing.
//
// wasm-analytics (from www/dist, made by scripts/build): the snippet (inlined in the page), the script it loads
//   and the wasm. The npm entry (www/npm/dist/index.js) is listed too, outside the total: a bundler build
//   loads it instead of the snippet + script.
// analytics-next (node_modules, version printed):
//   npm + esbuild: the npm entry as bench/speed bundles it (AnalyticsBrowser.load + page(), esbuild
//     --bundle --minify --format=esm --splitting). "startup" = the entry chunk and the chunks it imports
//     statically (loaded before any event); chunks reached only by dynamic import() are listed as lazy and kept
//     out of the total (with bench/speed's settings - Segment.io only, no destinations - none of them is needed
//     to send an event).
//   CDN standalone as shipped: dist/umd/standalone.js (the script the analytics.js snippet loads), lazy
//     .bundle.*.js chunks listed apart, the same way.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyticsNextEntry } from '../analytics-next-entry.mjs';
import { readBudget } from './budget.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'bench/out/size');
const ajsPkg = path.join(root, 'node_modules/@segment/analytics-next');

/** Raw, gzip (level 9) and brotli (quality 11) byte counts. */
function sizes(bytes) {
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: br.length };
}

/** One table row per file; `counted` rows add up into the group's total. */
function row(label, file, counted = true) {
  return { label, counted, ...sizes(readFileSync(file)) };
}

function wasmAnalyticsRows() {
  const dist = (name) => path.join(root, 'www/dist', name);
  const rows = [
    row('snippet.min.js (inline)', dist('snippet.min.js')),
    row('wasm-analytics.js', dist('wasm-analytics.js')),
    row('wasm_analytics_bg.wasm', dist('wasm_analytics_bg.wasm')),
  ];
  const npm = path.join(root, 'www/npm/dist/index.js');
  if (existsSync(npm)) rows.push(row('npm/dist/index.js (alt. entry)', npm, false));
  return rows;
}

const AJS_ENTRY = analyticsNextEntry('window.BENCH', 'analytics.page();');

/** The npm entry bundled with esbuild; startup = entry + its static-import closure. */
async function analyticsNextNpmRows() {
  const dir = path.join(out, 'ajs-npm');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entry = path.join(out, 'ajs-entry.js');
  writeFileSync(entry, AJS_ENTRY);
  const result = await build({
    entryPoints: [entry], outdir: dir, bundle: true, splitting: true, format: 'esm', minify: true, metafile: true,
    target: 'es2020', legalComments: 'none', logLevel: 'warning', nodePaths: [path.join(root, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = result.metafile.outputs;
  const entryOut = Object.keys(outputs).find((o) => (outputs[o].entryPoint || '').endsWith('ajs-entry.js'));
  const startup = new Set();
  const visit = (o) => {
    if (startup.has(o)) return;
    startup.add(o);
    for (const i of outputs[o].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entryOut);
  return Object.keys(outputs)
    .filter((o) => o.endsWith('.js'))
    .sort((a, b) => (startup.has(b) - startup.has(a)) || a.localeCompare(b))
    .map((o) => row(`${path.basename(o)}${startup.has(o) ? '' : ' (lazy)'}`, path.join(root, o), startup.has(o)));
}

/** dist/umd as shipped: standalone.js at startup, the webpack chunks lazily. */
function analyticsNextUmdRows() {
  const dir = path.join(ajsPkg, 'dist/umd');
  const chunks = readdirSync(dir).filter((f) => f.endsWith('.bundle.' + f.split('.bundle.')[1]) && f.endsWith('.js'));
  return [
    row('dist/umd/standalone.js', path.join(dir, 'standalone.js')),
    ...chunks.sort().map((f) => row(`${f.split('.bundle.')[0]} chunk (lazy)`, path.join(dir, f), false)),
  ];
}

function printGroup(title, rows) {
  const n = (v, w) => String(v).padStart(w);
  console.log(`\n${title}`);
  console.log(`  ${'file'.padEnd(46)} ${n('raw', 8)} ${n('gzip', 7)} ${n('brotli', 7)}`);
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const r of rows) {
    console.log(`  ${r.label.padEnd(46)} ${n(r.raw, 8)} ${n(r.gzip, 7)} ${n(r.brotli, 7)}`);
    if (r.counted) for (const k of Object.keys(total)) total[k] += r[k];
  }
  console.log(`  ${'TOTAL a page loads at startup'.padEnd(46)} ${n(total.raw, 8)} ${n(total.gzip, 7)} ${n(total.brotli, 7)}`);
  return total;
}

const ajsVersion = JSON.parse(readFileSync(path.join(ajsPkg, 'package.json'), 'utf8')).version;
const totals = {
  'wasm-analytics (snippet + www/dist)': printGroup('wasm-analytics (www/dist, scripts/build)', wasmAnalyticsRows()),
  [`analytics-next ${ajsVersion} npm + esbuild`]: printGroup(
    `@segment/analytics-next ${ajsVersion}: npm entry bundled with esbuild (splitting, minify, esm)`,
    await analyticsNextNpmRows(),
  ),
  [`analytics-next ${ajsVersion} dist/umd (CDN)`]: printGroup(
    `@segment/analytics-next ${ajsVersion}: dist/umd/standalone.js as shipped (the CDN build)`,
    analyticsNextUmdRows(),
  ),
};
console.log('\nsummary (bytes a page loads at startup)');
for (const [name, t] of Object.entries(totals)) {
  console.log(`  ${name.padEnd(46)} ${String(t.raw).padStart(8)} ${String(t.gzip).padStart(7)} ${String(t.brotli).padStart(7)}`);
}
const { totalGzip: budget } = readBudget();
const own = totals['wasm-analytics (snippet + www/dist)'];
console.log(`  ${'budget (bench/size/budget.json; build fails above)'.padEnd(46)} ${''.padStart(8)} ${String(budget).padStart(7)}`
  + `  ${own.gzip <= budget ? `${budget - own.gzip} B to spare` : `OVER by ${own.gzip - budget} B`}`);
console.log(`  ${'target (issue 13): required / goal'.padEnd(46)} ${''.padStart(8)} ${'38000'.padStart(7)} / 31000`);
writeFileSync(path.join(out, 'size.json'), JSON.stringify(totals, null, 2) + '\n');
