// The build step that gives the glue's core methods internal names (www/short-names.mjs internalCoreMethods):
// every method the facade calls is renamed exactly once in the glue wasm-bindgen writes, the built script
// calls no core method by its public name, and a glue of another shape stops the build (fail-closed).
// Environment: Node's test runner; www/pkg and www/dist built by scripts/build; no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORE_METHODS, internalCoreMethods } from '../../www/short-names.mjs';
import { trimGlue } from '../../www/trim-glue.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const glue = trimGlue(readFileSync(`${WWW}pkg/wasm_analytics.js`, 'utf8'));

test('each core method of the glue gets its internal name, once', () => {
  const renamed = internalCoreMethods(glue);
  for (const name of CORE_METHODS) {
    assert.ok(!new RegExp(`\\n    ${name}\\(`).test(renamed), `${name} keeps its public name`);
    assert.equal(renamed.split(`\n    ${name}_(`).length, 2, `${name}_ defined once`);
  }
});

test('the facade and the null core call every core method by its internal name only', () => {
  const sources = ['analytics.js', 'load.js', 'user.js', 'null-core.js'].map((f) => readFileSync(`${WWW}src/${f}`, 'utf8')).join('\n');
  for (const name of CORE_METHODS) {
    assert.ok(!new RegExp(`core_?\\.${name}\\(`).test(sources), `core.${name}( in www/src`);
  }
  const nullCore = readFileSync(`${WWW}src/null-core.js`, 'utf8');
  for (const name of CORE_METHODS) assert.match(nullCore, new RegExp(`\\n  ${name}_[(:]`), `NULL_CORE.${name}_`);
});

test('fail-closed: a glue without one of the methods stops the build', () => {
  assert.throws(() => internalCoreMethods(glue.replace('\n    takeWarnings(', '\n    takeWarningsLater(')), /core method takeWarnings/);
});
