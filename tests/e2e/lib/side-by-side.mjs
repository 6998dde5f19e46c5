// One page serving both npm entries for side-by-side tests: @segment/analytics-next (its npm entry bundled with
// esbuild, the real Segment.io plugin, inline cdnSettings: no CDN) as /side/ajs.js and wasm-analytics
// (www/npm/dist, built by scripts/build) as /side/wa.js, each exporting AnalyticsBrowser and ContextCancelation, plus `settingsFor`
// (page-side source) giving each library's load settings for the same recorder. Owns no browser.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startStaticServer } from './static-server.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const bundle = async (contents) => (await build({
  stdin: { contents, resolveDir: ROOT, loader: 'js' }, bundle: true, write: false, format: 'esm', platform: 'browser',
  target: 'es2020', logLevel: 'silent', define: { 'process.env.NODE_ENV': '"production"' },
})).outputFiles[0].text;

/** Starts the static server (root www/, so /npm/dist/wasm_analytics_bg.wasm is served); `body`: the test page's HTML body. */
export async function startSideBySide({ body = '' } = {}) {
  return startStaticServer({
    root: `${ROOT}www/`,
    pages: {
      '/side/ajs.js': await bundle(`export { AnalyticsBrowser, ContextCancelation } from '@segment/analytics-next';`),
      '/side/wa.js': await bundle(`export { AnalyticsBrowser, ContextCancelation } from './www/npm/dist/index.js';`),
      '/side/index.html': `<!doctype html><title>side by side</title>${body}`,
    },
  });
}

/** Page-side: `(lib, writeKey, apiHost) => settings` for AnalyticsBrowser.load; apiHost is `host:port/v1`. */
export function settingsFor(lib, writeKey, apiHost) {
  return lib === 'ajs'
    ? { writeKey, cdnURL: location.origin, cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: 'http' } }, metrics: { sampleRate: 0 } } }
    : { writeKey, apiHost: `http://${apiHost}`, wasmUrl: '/npm/dist/wasm_analytics_bg.wasm' };
}
