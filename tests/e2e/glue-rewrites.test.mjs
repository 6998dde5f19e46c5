// The glue rewrites www/build.mjs runs (www/trim-glue.mjs, then www/short-names.mjs): they cut what they promise
// from the wasm-bindgen glue scripts/build made (www/pkg), the pair still links, and a glue of another shape is
// refused (fail-closed), so a wasm-bindgen upgrade fails the build instead of shipping a half-rewritten file.
// Environment: Node's test runner; no browser. Needs www/pkg (scripts/build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { trimGlue } from '../../www/trim-glue.mjs';
import { checkLinks, shortenNames } from '../../www/short-names.mjs';

const PKG = new URL('../../www/pkg/', import.meta.url);
const GLUE = readFileSync(new URL('wasm_analytics.js', PKG), 'utf8');
const WASM = readFileSync(new URL('wasm_analytics_bg.wasm', PKG));

/** The function imports of `wasm` from `module` (field names), read with WebAssembly.Module. */
const importsFrom = (wasm, module) => WebAssembly.Module.imports(new WebAssembly.Module(wasm)).filter((i) => i.module === module).map((i) => i.name);

test('the glue loses the closure bookkeeping, the polyfill and the loader it never uses', () => {
  const trimmed = trimGlue(GLUE);
  for (const gone of ['CLOSURE_DTORS', '_wbg_cb_unref', 'FinalizationRegistry', "'encodeInto' in", 'deprecated parameters']) {
    assert.ok(!trimmed.includes(gone), `trimmed glue still holds ${gone}`);
  }
  assert.ok(!/if \(ptr\d+\) \{ wasm\.__wbindgen_free/.test(trimmed), 'string copies without free-on-throw');
  assert.equal(trimmed.match(/= makeClosure\(/g).length, 1);
  // The forwarding makeClosure passes the closure's two words first, then the caller's arguments.
  const source = trimmed.match(/\nfunction makeClosure\(arg0, arg1, f\) \{[\s\S]*?\n\}\n/)[0];
  const makeClosure = new Function(`${source}; return makeClosure;`)();
  const seen = [];
  makeClosure(7, 9, (...args) => seen.push(args))(1, 2.5, 3);
  assert.deepEqual(seen, [[7, 9, 1, 2.5, 3]]);
});

test('a glue of another shape is refused, not half trimmed', () => {
  const secondClosure = GLUE.replace(/(= makeClosure\([^;]*;)/, '$1\n        const again = makeClosure(arg0, arg1, f);');
  assert.throws(() => trimGlue(secondClosure), /one makeClosure call/);
  const droppedElsewhere = GLUE + '\nfunction dropClosure(f) { f._wbg_cb_unref(); }\n';
  assert.throws(() => trimGlue(droppedElsewhere), /closure unref only in makeClosure/);
  assert.throws(() => trimGlue(GLUE.replace('const CLOSURE_DTORS', 'const CLOSURE_DESTRUCTORS')), /closure destructor registry/);
  assert.throws(() => trimGlue(GLUE.replace(/\n        throw e;\n/, '\n        report(e);\n        throw e;\n')), /free-on-throw/);
});

test('the snippet host is handed over as one object of exactly the functions the wasm imports, and links', async () => {
  const short = shortenNames(trimGlue(GLUE), WASM);
  assert.ok(!/import \* as/.test(short.glue), 'no namespace import: it would keep every export of host.js');
  const fields = importsFrom(short.wasm, 's0');
  assert.ok(fields.length > 0 && fields.every((f) => f.length <= 2), `short snippet fields: ${fields}`);
  const object = short.glue.match(/"s0": \{ ([^}]*) \}/)[1].split(', ').map((entry) => entry.split(':')[0]);
  assert.deepEqual(object.sort(), [...fields].sort());
  await checkLinks(short, fileURLToPath(new URL('snippets', PKG)));
  const strayNamespace = GLUE.replace(/("\.\/snippets\/[^"]*": )import1,/, '$1import99,');
  assert.throws(() => shortenNames(trimGlue(strayNamespace), WASM), /import99 is not a namespace/);
});
