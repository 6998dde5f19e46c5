// The glue rewrite www/build.mjs runs first (www/trim-glue.mjs; short-names.mjs has tests/e2e/short-names.test.mjs):
// it cuts what it promises from the wasm-bindgen glue scripts/build made (www/pkg), and a glue of another shape is
// refused (fail-closed), so a wasm-bindgen upgrade fails the build instead of shipping a half-trimmed file.
// Environment: Node's test runner; no browser. Needs www/pkg (scripts/build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { trimGlue } from '../../www/trim-glue.mjs';

const GLUE = readFileSync(new URL('../../www/pkg/wasm_analytics.js', import.meta.url), 'utf8');

test('the glue loses the polyfill and the loader it never uses, and holds no closure', () => {
  const trimmed = trimGlue(GLUE);
  for (const gone of ["'encodeInto' in", 'deprecated parameters', 'getDataViewMemory0', 'wasmInstance', '__proto__', ': function(']) {
    assert.ok(!trimmed.includes(gone), `trimmed glue still holds ${gone}`);
  }
  // No export takes two strings (src/core/event/call_texts.rs packs a call's texts into one), so no copy
  // needs the glue's free-on-throw.
  assert.ok(!/if \(ptr\d+\) \{ wasm\.__wbindgen_free/.test(trimmed), 'string copies without free-on-throw');
  // Every string an import returns is written by storeString (a `String` always copied, an `Option` as 0 when absent).
  assert.ok(trimmed.match(/storeString\(arg0, /g).length >= 2, 'string results written by storeString');
  // The wasm hands JavaScript no wasm-bindgen closure (host.js calls the export `wake`, src/browser/callbacks.rs),
  // so the glue has no closure machinery to trim.
  for (const gone of ['makeClosure', 'CLOSURE_DTORS', '_wbg_cb_unref', 'FinalizationRegistry']) {
    assert.ok(!GLUE.includes(gone), `glue holds ${gone}`);
  }
});

test('a glue of another shape is refused, not half trimmed', () => {
  assert.throws(() => trimGlue(GLUE.replace("if (!('encodeInto' in cachedTextEncoder))", 'if (!cachedTextEncoder.encodeInto)')), /encodeInto polyfill/);
  assert.throws(() => trimGlue(GLUE.replace('async function __wbg_load(module, imports)', 'async function __wbg_load(module)')), /wasm-bindgen loader/);
});
