// The glue rewrite www/build.mjs runs first (www/trim-glue.mjs; short-names.mjs has tests/e2e/short-names.test.mjs):
// it cuts what it promises from the wasm-bindgen glue scripts/build made (www/pkg), and a glue of another shape is
// refused (fail-closed), so a wasm-bindgen upgrade fails the build instead of shipping a half-trimmed file.
// Environment: Node's test runner; no browser. Needs www/pkg (scripts/build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { trimGlue } from '../../www/trim-glue.mjs';

const GLUE = readFileSync(new URL('../../www/pkg/wasm_analytics.js', import.meta.url), 'utf8');

test('the glue loses the loader it never uses, and holds no closure and no string conversions', () => {
  const trimmed = trimGlue(GLUE);
  for (const gone of ['deprecated parameters', 'wasmInstance', '__proto__', ': function(']) {
    assert.ok(!trimmed.includes(gone), `trimmed glue still holds ${gone}`);
  }
  // The wasm hands JavaScript no wasm-bindgen closure (host.js calls the export `wake`, src/browser/callbacks.rs),
  // and every text crosses as numbers through host.js (src/browser/host.rs), so the glue has no closure
  // machinery and no string helpers to trim.
  for (const gone of ['makeClosure', 'CLOSURE_DTORS', 'FinalizationRegistry', 'passStringToWasm0', 'getStringFromWasm0', 'TextEncoder']) {
    assert.ok(!GLUE.includes(gone), `glue holds ${gone}`);
  }
});

test('a glue of another shape is refused, not half trimmed', () => {
  assert.throws(() => trimGlue(GLUE.replace('async function __wbg_load(module, imports)', 'async function __wbg_load(module)')), /wasm-bindgen loader/);
});
