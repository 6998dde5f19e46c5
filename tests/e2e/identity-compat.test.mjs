// Storage compatibility with the real analytics.js 2.0 (@segment/analytics-next from node_modules, bundled
// here with esbuild, no network): the same calls leave byte-identical cookies and localStorage, a visitor
// known to analytics.js keeps their ids when a site switches to wasm-analytics, and back again.
// Our side is the library as a site loads it: the snippet, then www/dist; its events go to a local recorder.
// Environment: Node's test runner, playwright-core, esbuild, www/ built by scripts/build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { openPage, closeSharedBrowser, readCookies, readCookieRecords, readLocalStorage } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WWW = process.env.IDENTITY_E2E_WWW || `${ROOT}www/`;

// analytics.js 2.0 without loading any destination: `new Analytics(settings)` owns the real User/Group
// and storage classes, which is all that touches cookies and localStorage.
const AJS_ENTRY = `import { Analytics } from '@segment/analytics-next';
window.analytics = new Analytics({ writeKey: 'compat' });
window.analytics.initialized = true;`;
const ajsBundle = await build({
  stdin: { contents: AJS_ENTRY, resolveDir: ROOT, loader: 'js' },
  bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020', logLevel: 'silent',
});
const recorder = await startRecorder();
const SNIPPET_PAGE = `<!doctype html><title>wasm-analytics</title><script src="/snippet.js"></script>
<script>analytics.load('compat', { apiHost: '${recorder.origin}/v1' });</script>`;
const site = await startStaticServer({
  root: WWW,
  pages: {
    '/wasm.html': SNIPPET_PAGE,
    '/ajs.js': ajsBundle.outputFiles[0].text,
    '/ajs.html': '<!doctype html><title>analytics.js 2.0</title><script src="/ajs.js"></script>',
  },
});
after(async () => {
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

const PAGES = { ajs: '/ajs.html', wasm: '/wasm.html' };

async function load(page, lib) {
  await page.goto(site.url(PAGES[lib]), { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 10000 });
}

/** Runs `fn(analytics, ...args)` in the page (results awaited). */
function call(page, fn, ...args) {
  return page.evaluate(async ([source, a]) => new Function(`return (${source})`)()(window.analytics, ...a), [fn.toString(), args]);
}

/** Who the visitor is, as either library reports it. */
const identity = (page) => call(page, (a) => ({
  anonymousId: a.user().anonymousId(),
  userId: a.user().id(),
  traits: a.user().traits(),
  groupId: a.group().id(),
  groupTraits: a.group().traits(),
}));

/** Raw `ajs_*` cookies (with their attributes) and localStorage items. */
async function rawState(context, page) {
  const cookies = (await readCookieRecords(context, site.origin))
    .filter((c) => c.name.startsWith('ajs_'))
    .map((c) => ({ name: c.name, value: c.value, path: c.path, domain: c.domain, sameSite: c.sameSite, secure: c.secure,
      expiresInDays: Math.round((c.expires - Date.now() / 1000) / 86400) }))
    .sort((x, y) => x.name.localeCompare(y.name));
  const local = Object.fromEntries(Object.entries(await readLocalStorage(page)).filter(([k]) => k.startsWith('ajs_')).sort());
  return { cookies, local };
}

const HOSTILE_ID = 'user@x.com; path=/x, y=1 ünï';

test('the same calls leave byte-identical cookies and localStorage in both libraries', async (t) => {
  const states = {};
  for (const lib of ['ajs', 'wasm']) {
    const { context, page } = await openPage(t);
    await load(page, lib);
    await call(page, (a) => a.setAnonymousId('anon-fixed'));
    await call(page, (a, id) => a.identify(id, { name: 'A B', n: 1 }), HOSTILE_ID);
    await call(page, (a) => a.identify({ email: 'e@x.com' }));
    await call(page, (a) => a.group('g 1', { plan: 'pro' }));
    await call(page, (a) => [a.user().anonymousId(), a.user().id(), a.group().id()]);
    states[lib] = await rawState(context, page);
    assert.deepEqual(page.errors, [], lib);
  }
  if (process.env.SHOW_STATE) console.log(JSON.stringify(states, null, 1));
  assert.deepEqual(states.wasm, states.ajs);
  assert.equal(states.ajs.cookies.length, 3, JSON.stringify(states.ajs));
});

test('a visitor known to analytics.js 2.0 keeps every id after the switch to wasm-analytics', async (t) => {
  const { page } = await openPage(t);
  await load(page, 'ajs');
  await call(page, (a, id) => { a.identify(id, { plan: 'pro' }); a.group('g-ajs', { seats: 3 }); }, HOSTILE_ID);
  const before = await identity(page);
  assert.match(before.anonymousId, /^[0-9a-f-]{36}$/);
  await load(page, 'wasm');
  assert.deepEqual(await identity(page), before);
});

test('a visitor known to wasm-analytics keeps every id after a switch back to analytics.js 2.0', async (t) => {
  const { page } = await openPage(t);
  await load(page, 'wasm');
  await call(page, (a, id) => { a.identify(id, { plan: 'pro' }); a.group('g-wasm', { seats: 3 }); }, HOSTILE_ID);
  const before = await identity(page);
  assert.equal(before.userId, HOSTILE_ID);
  await load(page, 'ajs');
  assert.deepEqual(await identity(page), before);
});

test('ids analytics.js would misread when bare are still read back identically by it', async (t) => {
  const { context, page } = await openPage(t);
  await load(page, 'wasm');
  await call(page, (a) => { a.setAnonymousId('null'); a.identify('1.0'); a.group('{"x":1}'); });
  assert.deepEqual(await readCookies(context, site.origin), { ajs_anonymous_id: '%22null%22', ajs_user_id: '%221.0%22', ajs_group_id: '%22{%5C%22x%5C%22:1}%22' });
  await page.evaluate(() => localStorage.clear());
  await load(page, 'ajs');
  assert.deepEqual(await call(page, (a) => [a.user().anonymousId(), a.user().id(), a.group().id()]), ['null', '1.0', '{"x":1}']);
});
