// Bundles the JS around the wasm (run by scripts/build after www/pkg exists):
//   dist/wasm-analytics.js     the script the snippet loads (ES module, minified by esbuild, then terser) + its .wasm
//   dist/snippet.min.js        the snippet to paste into a page (esbuild, then terser)
//   npm/dist/index.js          the npm entry (ES module) + its .wasm, next to npm/index.d.ts
// Prints raw / gzip / brotli bytes of what a page loads.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';
import { checkLinks, shortenNames } from './short-names.mjs';
import { trimGlue } from './trim-glue.mjs';

const www = dirname(fileURLToPath(import.meta.url));
const wasm = join(www, 'pkg/wasm_analytics_bg.wasm');
const glue = join(www, 'pkg/wasm_analytics.js');
// The glue without the parts this library never uses (www/trim-glue.mjs), then the glue and the wasm with
// short import/export names (www/short-names.mjs): -~1.9 KB gzip, same behaviour.
const short = shortenNames(trimGlue(readFileSync(glue, 'utf8')), readFileSync(wasm));
await checkLinks(short, join(www, 'pkg/snippets'));
const shortGlue = {
  name: 'short-names',
  setup(b) {
    b.onLoad({ filter: /[\\/]pkg[\\/]wasm_analytics\.js$/ }, () => ({ contents: short.glue, loader: 'js' }));
  },
};
// Members whose names end in `_` are internal to the bundle (never part of the analytics.js API): shortened.
const common = {
  bundle: true, minify: true, format: 'esm', target: 'es2020', legalComments: 'none', logLevel: 'warning', plugins: [shortGlue],
  mangleProps: /[^_]_$/,
};

mkdirSync(join(www, 'dist'), { recursive: true });
mkdirSync(join(www, 'npm/dist'), { recursive: true });
// The script-tag build fetches the query-string module (www/src/query-string.js, only when the URL holds
// `ajs_`) and the plugin runner (www/src/plugins.js, only when the site calls register() or adds middleware) as files of their
// own. They are built apart (no code splitting: a shared chunk would be one more request on every page), with
// the script's shortened member names (one mangleCache), and the script's dynamic imports of them are left
// to the browser. The npm build keeps them inline.
rmSync(join(www, 'dist'), { recursive: true, force: true });
const APART = ['query-string', 'plugins', 'debug'];
const modulesApart = {
  name: 'modules-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/(query-string|plugins|debug)\.js$/ }, (args) => ({ path: './wa-' + args.path.slice(2), external: true }));
  },
};
// The script tag's files keep ES2021 syntax (`??=`): every browser that runs the wasm (reference types:
// Chrome 96, Firefox 79, Safari 15) has it. The npm build stays at ES2020 for the site's own toolchain.
const scriptTarget = 'es2021';
const script = await build({
  ...common, target: scriptTarget, plugins: [shortGlue, modulesApart], entryPoints: [join(www, 'src/standalone.js')],
  outfile: join(www, 'dist/wasm-analytics.js'), mangleCache: {}, sourcemap: 'external',
});
for (const name of APART) {
  await build({ ...common, target: scriptTarget, entryPoints: [join(www, `src/${name}.js`)], outfile: join(www, `dist/wa-${name}.js`), mangleCache: script.mangleCache });
}
await build({ ...common, entryPoints: [join(www, 'npm/index.js')], outfile: join(www, 'npm/dist/index.js'), sourcemap: true });
// The package carries the repository's licence (npm pack includes LICENSE from the package folder).
copyFileSync(join(www, '../LICENSE'), join(www, 'npm/LICENSE'));
await build({ entryPoints: [join(www, 'snippet.js')], outfile: join(www, 'dist/snippet.min.js'), minify: true, target: 'es5', logLevel: 'warning', legalComments: 'none' });
// Then terser over esbuild's output of what a page loads and the plugin runner (the query-string module comes
// out 3 B gzip larger, so it is left as esbuild made it): terser hoists function declarations, inlines the
// simplest functions and names variables for gzip: -~400 B gzip. Its safe transforms only (no `unsafe*` option;
// `pure_getters: false`: a property read is never assumed free of side effects; `side_effects: false`: no
// statement is dropped as free of them); `inline: 1` (functions of one return only) and these came out smallest
// (measured: default inlining +47 B gzip; function declarations left where they are, 3 passes and no comma
// sequences -14 B gzip). The snippet's `if`/loop bodies keep their braces (-2 B gzip there, +15 on the script).
// The script's source map is carried through.
const TERSER = { compress: { pure_getters: false, side_effects: false, inline: 1, passes: 3, hoist_funs: false, sequences: false } };
for (const [name, options, braces] of [['wasm-analytics.js', { module: true }], ['wa-plugins.js', { module: true }], ['snippet.min.js', { ecma: 5 }, true]]) {
  const file = join(www, 'dist', name);
  const map = existsSync(file + '.map') ? readFileSync(file + '.map', 'utf8') : undefined;
  const out = await minify(readFileSync(file, 'utf8'), {
    ecma: 2020, ...options, ...TERSER, format: { comments: false, braces }, sourceMap: map && { content: map, includeSources: true },
  });
  writeFileSync(file, out.code);
  if (map) writeFileSync(file + '.map', out.map);
}
writeFileSync(join(www, 'dist/wasm_analytics_bg.wasm'), short.wasm);
writeFileSync(join(www, 'npm/dist/wasm_analytics_bg.wasm'), short.wasm);

const sizes = (file) => {
  const bytes = readFileSync(file);
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  return [bytes.length, gzipSync(bytes, { level: 9 }).length, br.length];
};
let total = [0, 0, 0];
for (const name of ['dist/snippet.min.js', 'dist/wasm-analytics.js', 'dist/wasm_analytics_bg.wasm']) {
  const s = sizes(join(www, name));
  total = total.map((t, i) => t + s[i]);
  console.log(`   ${name.padEnd(32)} ${String(s[0]).padStart(7)} B raw ${String(s[1]).padStart(6)} B gzip ${String(s[2]).padStart(6)} B brotli`);
}
const WHEN = { 'wa-query-string.js': 'only with ajs_ in the URL', 'wa-plugins.js': 'only when the site registers a plugin or middleware', 'wa-debug.js': 'only in debug mode' };
for (const name of readdirSync(join(www, 'dist')).filter((f) => WHEN[f])) {
  const s = sizes(join(www, 'dist', name));
  console.log(`   ${('dist/' + name).padEnd(32)} ${String(s[0]).padStart(7)} B raw ${String(s[1]).padStart(6)} B gzip ${String(s[2]).padStart(6)} B brotli  (${WHEN[name]})`);
}
console.log(`   ${'total a page loads'.padEnd(32)} ${String(total[0]).padStart(7)} B raw ${String(total[1]).padStart(6)} B gzip ${String(total[2]).padStart(6)} B brotli`);
