// The npm package as a site gets it: `npm pack` www/npm (built by scripts/build), install the tarball into a
// copy of tests/bundler-app (no registry: the package has no dependencies), bundle the app with esbuild, copy
// the package's .wasm next to the bundle (esbuild leaves `new URL('x.wasm', import.meta.url)` alone), serve
// it and run it in headless Chromium against the local recorder. Also: the tarball holds only what it should,
// `wasmUrl` points the loader elsewhere, and (when `typescript` is installed) a TypeScript file using the
// declared types type-checks (TSC=/path/to/typescript/bin/tsc points at one outside node_modules).
// Environment: Node's test runner, npm, esbuild and playwright-core from the root node_modules, www/npm/dist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE_DIR = path.join(ROOT, 'www/npm');
const APP_SOURCE = path.join(ROOT, 'tests/bundler-app');
const WORK = mkdtempSync(path.join(tmpdir(), 'bundler-app-'));
const APP = path.join(WORK, 'app');
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let packed;
let site;
const recorder = await startRecorder();

/** Runs npm quietly in `cwd`; returns stdout. */
function npm(args, cwd) {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

before(async () => {
  assert.ok(existsSync(path.join(PACKAGE_DIR, 'dist/index.js')), 'www/npm/dist/index.js missing: run scripts/build first');
  [packed] = JSON.parse(npm(['pack', PACKAGE_DIR, '--json', '--pack-destination', WORK], WORK));
  cpSync(APP_SOURCE, APP, { recursive: true, filter: (src) => !src.includes('node_modules') && !src.includes(`${path.sep}out`) });
  npm(['install', '--no-save', '--offline', path.join(WORK, packed.filename)], APP);
  await build({
    entryPoints: [path.join(APP, 'src/main.js')], outfile: path.join(APP, 'out/main.js'),
    bundle: true, format: 'esm', minify: true, target: 'es2020', logLevel: 'warning',
  });
  // What the README tells esbuild users: ship the .wasm next to the bundle.
  copyFileSync(path.join(APP, 'node_modules/wasm-analytics/dist/wasm_analytics_bg.wasm'), path.join(APP, 'out/wasm_analytics_bg.wasm'));
  mkdirSync(path.join(APP, 'assets'), { recursive: true });
  copyFileSync(path.join(APP, 'out/wasm_analytics_bg.wasm'), path.join(APP, 'assets/analytics.wasm'));
  site = await startStaticServer({ root: APP });
});

after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  if (site) await site.close();
  rmSync(WORK, { recursive: true, force: true });
});

let keys = 0;
/** Opens the bundled app with a fresh writeKey; returns { page, writeKey }. */
async function openApp(t, extra = {}) {
  const { page } = await openPage(t);
  const writeKey = `bundler-${process.pid}-${++keys}`;
  const query = new URLSearchParams({ writeKey, apiHost: `http://${recorder.hostPort}/v1`, ...extra });
  await page.goto(`${site.origin}/index.html?${query}`);
  await page.waitForFunction(() => window.app && window.app.instance, null, { timeout: 10000 });
  return { page, writeKey };
}

const eventsOf = (writeKey) => recorder.events().filter((e) => e.writeKey === writeKey);

async function deliveredEvents(page, writeKey, count) {
  await page.evaluate(() => window.app.instance.flush());
  await recorder.waitForEvents(() => eventsOf(writeKey).length >= count);
  return eventsOf(writeKey);
}

test('the tarball holds the bundle, the wasm, the types, the server helper and package.json, nothing else', () => {
  assert.deepEqual(packed.files.map((f) => f.path).sort(),
    ['dist/index.js', 'dist/wasm_analytics_bg.wasm', 'index.d.ts', 'package.json', 'server.d.ts', 'server.js']);
  assert.equal(packed.name, 'wasm-analytics');
});

test('the installed package exports wasm-analytics/server to Node', () => {
  const script = "const s = await import('wasm-analytics/server'); console.log(Object.keys(s).sort().join(','));";
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: APP, encoding: 'utf8' });
  assert.equal(out.trim(), 'COOKIE_NAME,anonymousId,createServerAnalytics,decide,idCookie,readAnonymousId,readCookie,withAnonymousId');
});

test('an esbuild app: AnalyticsBrowser.load({writeKey, apiHost}).track() arrives; calls before ready are kept; window.analytics ignored', async (t) => {
  const { page, writeKey } = await openApp(t);
  await page.evaluate(() => window.app.analytics.track('After Ready', { n: 2 }));
  const events = await deliveredEvents(page, writeKey, 3);
  assert.deepEqual(events.map((e) => e.event || e.type), ['Bundled App Loaded', 'identify', 'After Ready']);
  const [loaded, identify, afterReady] = events;
  assert.deepEqual(loaded.properties, { bundler: 'esbuild' });
  assert.deepEqual(loaded.context.library, { name: 'analytics.js', version: loaded.context.library.version });
  assert.match(loaded.context.library.version, /^npm:next-\d+\.\d+\.\d+/, 'npm builds say npm:next-');
  assert.equal(loaded.context.page.path, '/index.html');
  assert.match(loaded.timestamp, ISO_MS);
  assert.equal(identify.userId, 'bundled-user');
  assert.deepEqual(identify.traits, { plan: 'trial' });
  assert.equal(afterReady.userId, 'bundled-user');
  assert.ok(!recorder.events().some((e) => e.event === 'from window.analytics, must not be sent'), 'the npm build never reads window.analytics');
  assert.deepEqual(page.errors, []);
});

test('settings.wasmUrl loads the wasm from another path', async (t) => {
  const { page, writeKey } = await openApp(t, { wasmUrl: '/assets/analytics.wasm' });
  const [event] = await deliveredEvents(page, writeKey, 1);
  assert.equal(event.event, 'Bundled App Loaded');
  const paths = site.requests.filter((p) => p.endsWith('.wasm'));
  assert.ok(paths.includes('/assets/analytics.wasm'), `asked for ${paths.join(', ')}`);
});

test('a TypeScript file using the declared types type-checks (tsc --noEmit)', (t) => {
  let tsc = process.env.TSC; // path to typescript/bin/tsc, when typescript is not in node_modules
  try {
    tsc ??= createRequire(path.join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    t.skip('typescript is not installed (set TSC=/path/to/typescript/bin/tsc)');
    return;
  }
  try {
    execFileSync(process.execPath, [tsc, '-p', APP], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    assert.fail(`tsc reported:\n${e.stdout}${e.stderr}`);
  }
});
