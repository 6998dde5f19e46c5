// The wasm rewrite scripts/opt-wasm runs before wasm-opt (www/drop-bindgen-leftovers.mjs): the module a page loads
// keeps only the exports the glue calls and imports only host.js, and the rewrite refuses a module where a
// leftover is missing, of another kind, or still used (fail-closed). Modules are made here with binaryen.
// Environment: Node's test runner; no browser. Needs www/dist (scripts/build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import binaryen from 'binaryen';
import { dropBindgenLeftovers } from '../../www/drop-bindgen-leftovers.mjs';

test('the wasm a page loads exports only what the glue calls and imports only host.js', () => {
  const module = new WebAssembly.Module(readFileSync(new URL('../../www/dist/wasm_analytics_bg.wasm', import.meta.url)));
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name + ' ' + e.kind).sort(), [
    'alloc function', 'build function', 'call function', 'create function', 'memory memory', 'wake function',
  ]);
  // short-names.mjs names host.js's module `s0`.
  assert.deepEqual([...new Set(WebAssembly.Module.imports(module).map((i) => i.module))], ['s0']);
});

/** A module shaped like wasm-bindgen's output: an externref table, the init import re-exported as the start, two
 * exported globals, and a `read` export; `change(m)` alters it before it is written. */
function bindgenLike(change = () => {}) {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.ReferenceTypes);
  m.addFunctionImport('init', './wasm_analytics_bg.js', '__wbindgen_init_externref_table', binaryen.none, binaryen.none);
  m.addTable('refs', 1028, -1, binaryen.externref);
  m.addTableExport('refs', '__wbindgen_externrefs');
  m.addFunctionExport('init', '__wbindgen_start');
  m.addGlobal('abort', binaryen.i32, false, m.i32.const(1024));
  m.addGlobal('terminated', binaryen.i32, false, m.i32.const(1028));
  m.addGlobalExport('abort', '__abort_handler');
  m.addGlobalExport('terminated', '__instance_terminated');
  m.addFunction('read', binaryen.none, binaryen.i32, [], m.global.get('abort', binaryen.i32));
  m.addFunctionExport('read', 'read');
  change(m);
  assert.ok(m.validate());
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}

test('the leftovers go and everything else stays', () => {
  const module = new WebAssembly.Module(dropBindgenLeftovers(bindgenLike()));
  assert.deepEqual(WebAssembly.Module.exports(module), [{ name: 'read', kind: 'function' }]);
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  assert.equal(new WebAssembly.Instance(module).exports.read(), 1024);
});

test('a module without a leftover, or with one of another kind, is refused', () => {
  assert.throws(() => dropBindgenLeftovers(bindgenLike((m) => m.removeExport('__abort_handler'))), /no export __abort_handler/);
  assert.throws(() => dropBindgenLeftovers(bindgenLike((m) => {
    m.removeExport('__instance_terminated');
    m.addFunctionExport('read', '__instance_terminated');
  })), /no export __instance_terminated/);
});

test('a start export that is not the table initialiser is refused', () => {
  assert.throws(() => dropBindgenLeftovers(bindgenLike((m) => {
    m.removeExport('__wbindgen_start');
    m.addFunction('start', binaryen.none, binaryen.none, [], m.nop());
    m.addFunctionExport('start', '__wbindgen_start');
  })), /not the import __wbindgen_init_externref_table/);
});

test('a module that still uses the table or calls the initialiser is refused', () => {
  assert.throws(() => dropBindgenLeftovers(bindgenLike((m) => {
    m.addFunction('get', binaryen.none, binaryen.externref, [], m.table.get('refs', m.i32.const(0), binaryen.externref));
    m.addFunctionExport('get', 'get');
  })), /does not validate/);
  assert.throws(() => dropBindgenLeftovers(bindgenLike((m) => {
    m.addFunction('again', binaryen.none, binaryen.none, [], m.call('init', [], binaryen.none));
    m.addFunctionExport('again', 'again');
  })), /does not validate/);
});
