// The npm package's types (www/npm/index.d.ts, wasm.d.ts) against code written for @segment/analytics-next:
// tests/types/usage.ts (its documented usage patterns, only the import changed) must compile under `strict`,
// and every line of tests/types/misuse.ts marked `@ts-expect-error` must be an error (tsc --noEmit reports an
// unused directive). Environment: Node's test runner and typescript from the root node_modules; no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('analytics-next usage compiles under strict; misuse does not (tsc --noEmit -p tests/types)', () => {
  const tsc = createRequire(`${ROOT}package.json`).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', `${ROOT}tests/types`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    assert.fail(`tsc reported:\n${e.stdout}${e.stderr}`);
  }
});
