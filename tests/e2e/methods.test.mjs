// One list of the methods a site may call before load: BUFFERED in www/src/methods.js. The snippet (ES5, not
// bundled) carries a copy; the loaded Analytics class, the npm proxy (www/npm/dist, imported here under Node,
// which is also what server-side rendering does) and the types must have every one of them.
// Environment: Node's test runner; www/npm/dist built by scripts/build; no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUFFERED } from '../../www/src/methods.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sorted = (list) => [...new Set(list)].sort();

test('the snippet stubs exactly the methods of src/methods.js', () => {
  const source = readFileSync(`${ROOT}www/snippet.js`, 'utf8');
  const match = /analytics\.methods = \(([^)]*)\)\.split/.exec(source);
  assert.ok(match, 'analytics.methods list not found in www/snippet.js');
  const names = match[1].match(/'([^']*)'/g).map((s) => s.slice(1, -1)).join('').split(' ');
  assert.deepEqual(sorted(names), sorted(BUFFERED));
});

test('the loaded Analytics and the npm AnalyticsBrowser proxy have every buffered method', async () => {
  const { Analytics, AnalyticsBrowser } = await import(`${ROOT}www/npm/dist/index.js`);
  for (const name of BUFFERED) {
    assert.equal(typeof Analytics.prototype[name], 'function', `Analytics.${name}`);
    assert.equal(typeof AnalyticsBrowser.prototype[name], 'function', `AnalyticsBrowser.${name}`);
  }
});

test('index.d.ts declares every buffered method on Analytics and on AnalyticsBrowser', () => {
  const types = readFileSync(`${ROOT}www/npm/index.d.ts`, 'utf8');
  const block = (start) => types.slice(types.indexOf(start), types.indexOf('\n}', types.indexOf(start)));
  for (const [name, body] of [['Analytics', block('export interface Analytics {')], ['AnalyticsBrowser', block('export declare class AnalyticsBrowser')]]) {
    const missing = BUFFERED.filter((m) => !new RegExp(`\\n  ${m}\\(`).test(body));
    assert.deepEqual(missing, [], `${name} in index.d.ts lacks ${missing.join(', ')}`);
  }
});
