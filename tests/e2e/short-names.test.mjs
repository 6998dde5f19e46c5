// The build steps of www/short-names.mjs on the glue and wasm scripts/build makes: the wasm imports host.js's
// functions under short names from an object of just those functions (no namespace object of the module in
// the script, no export name in the wasm), and the pair still links; the core's methods carry internal
// names (www/src calls none by its public name).
// Environment: Node's test runner; www/pkg and www/dist built by scripts/build; no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORE_METHODS, checkLinks, shortenNames } from '../../www/short-names.mjs';
import { trimGlue } from '../../www/trim-glue.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const glue = trimGlue(readFileSync(`${WWW}pkg/wasm_analytics.js`, 'utf8'));
const wasm = readFileSync(`${WWW}pkg/wasm_analytics_bg.wasm`);

test('host.js functions cross as an object of short names; the pair links; the script builds no namespace of host.js', async () => {
  const short = shortenNames(glue, wasm);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(short.wasm));
  const fromHost = imports.filter((i) => i.module === 's0');
  assert.ok(fromHost.length > 0, 'the wasm imports host.js functions directly');
  for (const { name } of fromHost) assert.match(name, /^[a-zA-Z]{1,2}$/, `short field name: ${name}`);
  assert.ok(!imports.some((i) => /host[A-Z]/.test(i.name) || i.module.includes('snippets')), 'no host.js name in the wasm');
  const object = /"s0": \{ ([^}]*) \},/.exec(short.glue);
  assert.ok(object, 'the glue hands the wasm an object under "s0"');
  assert.deepEqual(object[1].split(', ').map((m) => m.split(':')[0]).sort(), fromHost.map((i) => i.name).sort());
  await checkLinks(short, `${WWW}pkg/snippets`);
  const script = readFileSync(`${WWW}dist/wasm-analytics.js`, 'utf8');
  assert.ok(!/hostInit|hostBeacon|enumerable/.test(script), 'no namespace object of host.js in www/dist/wasm-analytics.js');
});

test('the facade and the null core call every core method by its internal name only', () => {
  const sources = ['analytics.js', 'load.js', 'user.js', 'null-core.js'].map((f) => readFileSync(`${WWW}src/${f}`, 'utf8')).join('\n');
  for (const name of CORE_METHODS) {
    assert.ok(!new RegExp(`core_?\\.${name}\\(`).test(sources), `core.${name}( in www/src`);
  }
  const nullCore = readFileSync(`${WWW}src/null-core.js`, 'utf8');
  for (const name of CORE_METHODS) assert.match(nullCore, new RegExp(`\\n  ${name}_[(:]`), `NULL_CORE.${name}_`);
  const load = readFileSync(`${WWW}src/load.js`, 'utf8');
  for (const name of CORE_METHODS) assert.match(load, new RegExp(`\\n    ${name}_: \\(`), `wasmCore's ${name}_`);
});
