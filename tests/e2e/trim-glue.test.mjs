// The glue rewrite www/build.mjs runs first (www/trim-glue.mjs; short-names.mjs has tests/e2e/short-names.test.mjs):
// it cuts what it promises from the wasm-bindgen glue scripts/build made (www/pkg), and a glue of another shape is
// refused (fail-closed), so a wasm-bindgen upgrade fails the build instead of shipping a half-trimmed file.
// Environment: Node's test runner; no browser. Needs www/pkg (scripts/build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { trimGlue } from '../../www/trim-glue.mjs';

const GLUE = readFileSync(new URL('../../www/pkg/wasm_analytics.js', import.meta.url), 'utf8');

test('the glue loses the closure bookkeeping, the polyfill and the loader it never uses', () => {
  const trimmed = trimGlue(GLUE);
  for (const gone of ['CLOSURE_DTORS', '_wbg_cb_unref', 'FinalizationRegistry', "'encodeInto' in", 'deprecated parameters',
    'getDataViewMemory0', 'wasmInstance', '__proto__', ': function(']) {
    assert.ok(!trimmed.includes(gone), `trimmed glue still holds ${gone}`);
  }
  // No export takes two strings (src/core/event/call_texts.rs packs a call's texts into one), so no copy
  // needs the glue's free-on-throw.
  assert.ok(!/if \(ptr\d+\) \{ wasm\.__wbindgen_free/.test(trimmed), 'string copies without free-on-throw');
  assert.equal(trimmed.match(/= makeClosure\(/g).length, 1);
  // Every string an import returns is written by storeString (a `String` always copied, an `Option` as 0 when absent).
  assert.ok(trimmed.match(/storeString\(arg0, /g).length >= 2, 'string results written by storeString');
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
});

