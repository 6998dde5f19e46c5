// The two pages the speed benchmark loads, and what each library costs in bytes.
//   wasm-analytics: the snippet inlined in the page, then wasm-analytics.js + its .wasm, from a copy of www/dist
//     (scripts/build) taken when the run starts.
//   analytics-next: @segment/analytics-next from node_modules, bundled here with esbuild (ESM, code splitting,
//     minified, like its CDN build splits lazy chunks), loaded with `cdnSettings` so it never asks a CDN for
//     settings, and pointed at the same local recorder.
// Both pages read `window.BENCH = {writeKey, apiHost}` (set by an init script), call page() at once, and set
// `window.benchTarget` to the loaded instance. Owns no browser or server: see session.mjs and run.mjs.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import path from 'node:path';
import { analyticsNextEntry } from '../analytics-next-entry.mjs';

/** Builds what the pages need under `outDir` and returns the page table. `root` is the repo (served at /). */
export async function preparePages(root, outDir) {
  // A snapshot of www/dist, so a rebuild during the run cannot mix two builds.
  const wasmDir = path.join(outDir, 'wasm-analytics');
  rmSync(wasmDir, { recursive: true, force: true });
  cpSync(path.join(root, 'www/dist'), wasmDir, { recursive: true });
  const wasmUrlDir = '/' + path.relative(root, wasmDir).split(path.sep).join('/');
  const snippet = readFileSync(path.join(wasmDir, 'snippet.min.js'), 'utf8');
  const ajsDir = path.join(outDir, 'ajs');
  rmSync(ajsDir, { recursive: true, force: true });
  mkdirSync(ajsDir, { recursive: true });
  const entry = path.join(outDir, 'ajs-entry.js');
  writeFileSync(entry, AJS_ENTRY);
  await build({
    entryPoints: [entry], outdir: ajsDir, bundle: true, splitting: true, format: 'esm', minify: true,
    target: 'es2020', legalComments: 'none', logLevel: 'warning', nodePaths: [path.join(root, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const ajsUrlDir = '/' + path.relative(root, ajsDir).split(path.sep).join('/');
  return {
    'wasm-analytics': {
      url: '/bench/wasm-analytics.html',
      html: page('wasm-analytics', `<script>${snippet}</script>
<script>analytics.load(BENCH.writeKey, { apiHost: 'http://' + BENCH.apiHost, scriptUrl: '${wasmUrlDir}/wasm-analytics.js' });
analytics.page();
analytics.ready(function () { window.benchTarget = window.analytics; });</script>`),
      inline: { 'snippet (inline)': Buffer.from(snippet) },
      owns: (p) => p.startsWith(`${wasmUrlDir}/`),
    },
    'analytics-next': {
      url: '/bench/analytics-next.html',
      html: page('analytics-next', `<script type="module" src="${ajsUrlDir}/ajs-entry.js"></script>`),
      inline: {},
      owns: (p) => p.startsWith(`${ajsUrlDir}/`),
    },
  };
}

const AJS_ENTRY = analyticsNextEntry('window.BENCH', 'analytics.page();');

function page(name, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench ${name}</title>
${body}
</head><body><p>speed benchmark: ${name}</p></body></html>`;
}

/** Raw, gzip (level 9) and brotli (quality 11) sizes of some bytes. */
export function sizes(bytes) {
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: br.length };
}

/** Byte totals of the library files a page asked for (`paths`, served from `root`) plus its inline code. */
export function libraryBytes(root, library, paths) {
  const files = [...new Set(paths.filter(library.owns))];
  const parts = [
    ...Object.values(library.inline),
    ...files.map((p) => readFileSync(path.join(root, decodeURIComponent(p)))),
  ];
  const total = { raw: 0, gzip: 0, brotli: 0, files: parts.length };
  for (const part of parts) {
    const s = sizes(part);
    total.raw += s.raw;
    total.gzip += s.gzip;
    total.brotli += s.brotli;
  }
  return total;
}

/**
 * Init script for both pages: the benchmark's settings, and a hook that remembers every WebAssembly.Memory a
 * module exports, so the memory of a wasm instance the page keeps private can still be read.
 */
export function initScript(bench) {
  window.BENCH = bench;
  const memories = (window.benchMemories = []);
  const remember = (result) => {
    try {
      const instance = result && (result.instance || result);
      for (const value of Object.values((instance && instance.exports) || {})) {
        if (value instanceof WebAssembly.Memory) memories.push(value);
      }
    } catch (e) { /* not an instance */ }
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (original) WebAssembly[name] = function (...args) { return original.apply(this, args).then(remember); };
  }
}
