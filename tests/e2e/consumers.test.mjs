// The npm package as sites consume it, from `npm pack ./www/npm` output: the tarball is unpacked into a copy of
// tests/consumers/app's node_modules (as npm would install it: a real folder, not a link, so Vite's dependency
// optimizer treats it as any dependency), and the app is built by Vite 5, 7 and 8 (dev server and production
// build), webpack 5 and Next.js 16 (Turbopack and webpack; `next build` + `next start`, the proxy created at module
// scope so prerendering runs it), each with NO configuration about wasm, then run in Chromium against the real
// collector binary: the events must arrive. Node server-side rendering imports and loads it (ESM and require) with no
// output but its result. The bundlers come from tests/consumers/node_modules, installed from its lockfile by
// scripts/bootstrap. Environment: Node's test runner, npm, playwright-core, www/npm/dist built by scripts/build,
// the collector binary (built if missing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { cpSync, existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startCollector, eventually } from './lib/collector.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONSUMERS = path.join(ROOT, 'tests/consumers');
const BUNDLERS = path.join(CONSUMERS, 'node_modules');
const WORK = mkdtempSync(path.join(tmpdir(), 'consumers-'));
const PACKAGE = path.join(WORK, 'package');
// Next.js apps are built inside tests/consumers (so `next`, `react` resolve from its node_modules; Turbopack
// takes the folder with the lockfile as its root).
const NEXT_WORK = path.join(CONSUMERS, '.work', String(process.pid));

let collector;
const servers = [];

before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'www/npm/dist/index.js')), 'www/npm/dist/index.js missing: run scripts/build first');
  assert.ok(existsSync(path.join(BUNDLERS, 'vite8')), 'tests/consumers/node_modules missing: run scripts/bootstrap');
  const [packed] = JSON.parse(execFileSync('npm', ['pack', path.join(ROOT, 'www/npm'), '--json', '--pack-destination', WORK, '--loglevel=error'], { cwd: WORK, encoding: 'utf8' }));
  execFileSync('tar', ['-xzf', path.join(WORK, packed.filename), '-C', WORK]);
  collector = await startCollector();
});

after(async () => {
  await closeSharedBrowser();
  for (const server of servers) await server.close();
  collector?.close();
  rmSync(WORK, { recursive: true, force: true });
  rmSync(NEXT_WORK, { recursive: true, force: true });
});

/** A fresh copy of the app with the unpacked package in its node_modules. */
function appCopy(name) {
  const app = path.join(WORK, name);
  cpSync(path.join(CONSUMERS, 'app'), app, { recursive: true });
  mkdirSync(path.join(app, 'node_modules'), { recursive: true });
  cpSync(PACKAGE, path.join(app, 'node_modules/wasm-analytics'), { recursive: true });
  return app;
}

/** Opens the app at `origin`, waits for its calls, and asserts both events reached the collector. */
async function assertEventsArrive(t, origin, bundler, pagePath = '/index.html') {
  const { page } = await openPage(t);
  const run = `${bundler}-${process.pid}`;
  const query = new URLSearchParams({ writeKey: `consumer-${bundler}`, apiHost: `${collector.origin}/v1`, run, bundler });
  await page.goto(`${origin}${pagePath}?${query}`);
  const result = await page.waitForFunction(() => window.app && window.app.done, null, { timeout: 20000 }).then(() => page.evaluate(() => window.app.done));
  assert.deepEqual([result.system, result.sent], ['system', 'Consumer After Load']);
  const events = await eventually(async () => {
    const all = await collector.events();
    return all.filter((e) => e.properties?.run === run).length >= 2 && all;
  }, `${bundler} events`);
  assert.deepEqual(events.filter((e) => e.properties?.run === run).map((e) => e.event).sort(), ['Consumer After Load', 'Consumer Loaded']);
  assert.deepEqual(await page.evaluate(() => window.app.errors), []);
  assert.deepEqual(page.errors, []);
  assert.ok(!page.consoleLines.some((l) => /wasm-analytics|magic word/.test(l)), page.consoleLines.join('\n'));
}

for (const vite of ['vite5', 'vite7', 'vite8']) {
  test(`${vite} dev server, no configuration: events arrive`, async (t) => {
    const { createServer } = await import(pathToFileURL(path.join(BUNDLERS, vite, 'dist/node/index.js')));
    const app = appCopy(`${vite}-dev`);
    const server = await createServer({ root: app, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0, strictPort: false } });
    await server.listen();
    servers.push(server);
    const { port } = server.httpServer.address();
    await assertEventsArrive(t, `http://127.0.0.1:${port}`, `${vite}-dev`);
  });

  test(`${vite} production build, no configuration: events arrive`, async (t) => {
    const { build } = await import(pathToFileURL(path.join(BUNDLERS, vite, 'dist/node/index.js')));
    const app = appCopy(`${vite}-build`);
    await build({ root: app, configFile: false, logLevel: 'silent', build: { outDir: path.join(app, 'out') } });
    const site = await startStaticServer({ root: path.join(app, 'out') });
    servers.push(site);
    await assertEventsArrive(t, site.origin, `${vite}-build`);
  });
}

test('webpack 5 production build, no configuration: events arrive', async (t) => {
  const webpack = createRequire(path.join(BUNDLERS, 'package.json'))('webpack');
  const app = appCopy('webpack');
  const out = path.join(app, 'out');
  const stats = await new Promise((resolve, reject) => webpack({
    mode: 'production', context: app, entry: './src/main.js', devtool: false, performance: { hints: false },
    output: { path: out, filename: 'main.js' },
  }, (error, result) => (error ? reject(error) : resolve(result))));
  assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
  writeFileSync(path.join(out, 'index.html'), '<!doctype html><title>webpack app</title><script src="main.js"></script>');
  const site = await startStaticServer({ root: out });
  servers.push(site);
  await assertEventsArrive(t, site.origin, 'webpack');
});

test('server-side rendering under Node: import, require, load() and calls resolve inertly, nothing on stderr', () => {
  const app = appCopy('ssr');
  const { status, stdout, stderr } = spawnSync(process.execPath, ['ssr.mjs'], { cwd: app, encoding: 'utf8' });
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.deepEqual(JSON.parse(stdout), { early: 'track', late: 'track', system: 'system', initialized: true, required: 'function', user: null });
});

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

for (const [mode, flags] of [['turbopack', []], ['webpack', ['--webpack']]]) {
  test(`Next.js 16 (${mode}) build + start, proxy created at module scope: prerender silent, events arrive`, async (t) => {
    const app = path.join(NEXT_WORK, mode);
    cpSync(path.join(CONSUMERS, 'next-app'), app, { recursive: true });
    cpSync(PACKAGE, path.join(app, 'node_modules/wasm-analytics'), { recursive: true });
    const next = path.join(BUNDLERS, 'next/dist/bin/next');
    // NODE_ENV: Vite's createServer (earlier in this file) sets it to development; next build needs production.
    const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
    const build = spawnSync(process.execPath, [next, 'build', ...flags], { cwd: app, encoding: 'utf8', env });
    assert.equal(build.status, 0, build.stdout + build.stderr);
    assert.ok(!/wasm-analytics|is not defined|unhandled/i.test(build.stdout + build.stderr), build.stdout + build.stderr);
    const port = await freePort();
    const server = spawn(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (d) => { output += d; });
    server.stderr.on('data', (d) => { output += d; });
    t.after(() => server.kill('SIGKILL'));
    const origin = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200; i++) {
      if (await fetch(origin).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await assertEventsArrive(t, origin, `next-${mode}`, '/');
    assert.ok(!/wasm-analytics|is not defined|Error/.test(output), output);
  });
}
