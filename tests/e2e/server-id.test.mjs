// The server-set anonymousId contract end to end: wasm-analytics/server's decision table (Node, no browser), then
// the demo shop served by its Node server (www/demo/server.mjs: the helper in front of the real collector) in
// Chromium: the id cookie is set by the server's responses with the server's expiry and never written by the
// script, survives a reload, is mirrored into localStorage; a localStorage-only id is reported and adopted; the
// checkout's server-side `Order Completed` joins the visitor's browser events in one collector profile.
// Needs: www/dist built (scripts/build), the collector binary (built if missing), /usr/bin/chromium.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { openPage, closeSharedBrowser, readLocalStorage } from './lib/browser.mjs';
import { startCollector, eventually, WWW } from './lib/collector.mjs';
import { decide, readAnonymousId, anonymousId as middleware, withAnonymousId } from '../../www/npm/server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PAGE = { accept: 'text/html,application/xhtml+xml' };

test('server helper: cookie present × request kind × consent → id, Set-Cookie, answer', () => {
  const minted = Symbol('minted');
  // [name, request, options, want id, want Set-Cookie (regexp or null), want respond]
  const table = [
    ['page without cookie: mint and set', { method: 'GET', path: '/', headers: PAGE }, {}, minted, /^ajs_anonymous_id=[0-9a-f-]{36}; Path=\/; Max-Age=31536000; SameSite=Lax$/, 0],
    ['page with cookie: keep it, refresh the expiry', { method: 'GET', path: '/x', headers: { ...PAGE, cookie: 'a=1; ajs_anonymous_id=abc-1' } }, {}, 'abc-1', /^ajs_anonymous_id=abc-1; Path=\/; Max-Age=31536000; SameSite=Lax$/, 0],
    ['asset with cookie: no Set-Cookie', { method: 'GET', path: '/app.js', headers: { accept: '*/*', cookie: 'ajs_anonymous_id=abc-1' } }, {}, 'abc-1', null, 0],
    ['API call without cookie: no id, nothing set', { method: 'POST', path: '/api/x', headers: {} }, {}, null, null, 0],
    ['navigation by sec-fetch-dest', { method: 'GET', path: '/', headers: { 'sec-fetch-dest': 'document', cookie: 'ajs_anonymous_id=k' } }, {}, 'k', /^ajs_anonymous_id=k;/, 0],
    ['domain, days, Secure', { method: 'GET', path: '/', headers: { ...PAGE, cookie: 'ajs_anonymous_id=k' } }, { domain: 'example.com', maxAgeDays: 200, secure: true }, 'k', /^ajs_anonymous_id=k; Path=\/; Max-Age=17280000; SameSite=Lax; Domain=example.com; Secure$/, 0],
    ['hostile cookie value: replaced', { method: 'GET', path: '/', headers: { ...PAGE, cookie: 'ajs_anonymous_id=<script>' } }, {}, minted, /^ajs_anonymous_id=[0-9a-f-]{36};/, 0],
    ['js-cookie quoted/encoded value read', { method: 'GET', path: '/', headers: { ...PAGE, cookie: 'ajs_anonymous_id=%22q-1%22' } }, {}, minted, /./, 0],
    ['report without cookie: adopted', { method: 'POST', path: '/wa/id', headers: {}, body: 'ls-id-1' }, {}, 'ls-id-1', /^ajs_anonymous_id=ls-id-1;/, 204],
    ['report with cookie: the server id wins', { method: 'POST', path: '/wa/id', headers: { cookie: 'ajs_anonymous_id=srv' }, body: 'ls-id-1' }, {}, 'srv', null, 204],
    ['hostile report: ignored', { method: 'POST', path: '/wa/id', headers: {}, body: 'a; Domain=evil.com' }, {}, null, null, 204],
    ['oversized report: ignored', { method: 'POST', path: '/wa/id', headers: {}, body: 'x'.repeat(101) }, {}, null, null, 204],
    ['remembered denial: nothing set', { method: 'GET', path: '/', headers: { ...PAGE, cookie: 'wa_consent=d%7B%7D; ajs_anonymous_id=k' } }, {}, null, null, 0],
    ['denial: a report is answered, not adopted', { method: 'POST', path: '/wa/id', headers: { cookie: 'wa_consent=d%7B%7D' }, body: 'ls' }, {}, null, null, 204],
    ['consentRequired, no choice: nothing set', { method: 'GET', path: '/', headers: PAGE }, { consentRequired: true }, null, null, 0],
    ['consentRequired, granted: set', { method: 'GET', path: '/', headers: { ...PAGE, cookie: 'wa_consent=g%7B%7D' } }, { consentRequired: true }, minted, /^ajs_anonymous_id=/, 0],
  ];
  for (const [name, request, options, id, cookie, respond] of table) {
    const got = decide(request, options);
    if (id === minted) assert.match(got.id, UUID, name);
    else assert.equal(got.id, id, name);
    if (cookie) assert.match(got.setCookie, cookie, name);
    else assert.equal(got.setCookie, null, name);
    assert.equal(got.respond, respond, name);
  }
  assert.equal(readAnonymousId('x=1; ajs_anonymous_id=%22bad'), undefined);
});

test('server helper: Node http, Express-style next(), and Web Request/Response (Next.js) forms', async () => {
  const headers = {};
  const res = { getHeader: (k) => headers[k], setHeader: (k, v) => { headers[k] = v; }, end() {}, statusCode: 200 };
  res.setHeader('Set-Cookie', 'other=1');
  const req = { method: 'GET', url: '/shop?x=1', headers: { accept: 'text/html', cookie: 'ajs_anonymous_id=node-1' } };
  let nexted = false;
  await middleware()(req, res, () => { nexted = true; });
  assert.ok(nexted);
  assert.equal(req.anonymousId, 'node-1');
  assert.deepEqual(headers['Set-Cookie'].map((c) => c.split(';')[0]), ['other=1', 'ajs_anonymous_id=node-1'], 'existing Set-Cookie headers are kept');

  const request = new Request('http://127.0.0.1/shop', { headers: { accept: 'text/html' } });
  const response = await withAnonymousId(request, new Response('page'));
  assert.match(response.headers.get('set-cookie'), /^ajs_anonymous_id=[0-9a-f-]{36}; Path=\/; Max-Age=31536000/);
  const report = await withAnonymousId(new Request('http://127.0.0.1/wa/id', { method: 'POST', body: 'ls-2' }), new Response('page'));
  assert.equal(report.status, 204);
  assert.match(report.headers.get('set-cookie'), /^ajs_anonymous_id=ls-2;/);
});

let collector;
let demo;
before(async () => {
  collector = await startCollector();
  const child = spawn(process.execPath, [path.join(WWW, 'demo', 'server.mjs'), '--listen', '127.0.0.1:0', '--collector', collector.origin, '--cookie-days', '200'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`demo server exited with ${code}`)));
  });
  demo = { origin: /http:\/\/127\.0\.0\.1:\d+/.exec(line)[0], close: () => child.kill('SIGKILL') };
});
after(async () => {
  await closeSharedBrowser();
  demo?.close();
  collector?.close();
});

/** Records every script write of the id cookie (document.cookie setter) on `window.__idWrites`. */
function recordIdCookieWrites() {
  const original = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  window.__idWrites = [];
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() { return original.get.call(this); },
    set(text) { if (/^\s*ajs_anonymous_id=/.test(text)) window.__idWrites.push(text); original.set.call(this, text); },
  });
}

async function openDemo(page, p) {
  const response = await page.goto(demo.origin + p);
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 10000 });
  return response;
}

test('the demo served by the helper: server id kept across a reload with the server\'s expiry, never script-written; a server-side order joins the profile', async (t) => {
  const { context, page } = await openPage(t);
  await context.addInitScript(recordIdCookieWrites);
  const first = await openDemo(page, '/demo/');
  const setCookie = await first.headerValue('set-cookie');
  const serverId = /ajs_anonymous_id=([^;]+); Path=\/; Max-Age=17280000; SameSite=Lax/.exec(setCookie || '')?.[1];
  assert.match(serverId || '', UUID, `the page response sets the id: ${setCookie}`);
  assert.equal(await page.evaluate(() => window.analytics.user().anonymousId()), serverId, 'the library adopted the server id');

  await page.reload();
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true);
  assert.equal(await page.evaluate(() => window.analytics.user().anonymousId()), serverId, 'same id after a reload');
  const cookie = (await context.cookies()).find((c) => c.name === 'ajs_anonymous_id');
  assert.equal(cookie.value, serverId);
  const days = (cookie.expires * 1000 - Date.now()) / 86400000;
  assert.ok(days > 199 && days <= 200.01, `expiry is the server's 200 days, not a script's 365: ${days}`);
  assert.deepEqual(await page.evaluate(() => window.__idWrites), [], 'the script never wrote the id cookie');
  assert.equal((await readLocalStorage(page)).ajs_anonymous_id, JSON.stringify(serverId), 'mirrored into localStorage');

  // Browse, then buy: the server sends Order Completed with the id of its cookie.
  await page.click('[data-product="kettle-2"]');
  await page.click('[data-buy="kettle-2"]');
  const profile = await eventually(async () => {
    const p = await collector.api(`/api/profiles/${encodeURIComponent(serverId)}`);
    return p && p.timeline.some((e) => e.event === 'Order Completed') && p.timeline.some((e) => e.event === 'Product Viewed') ? p : null;
  }, 'the order and the browser events in one profile');
  const order = profile.timeline.find((e) => e.event === 'Order Completed');
  assert.equal(order.anonymousId, serverId);
  assert.equal(order.context.library.name, 'wasm-analytics-server');
  assert.ok(profile.timeline.some((e) => e.type === 'page' && e.context.library.name === 'analytics.js'), 'browser page views in the same profile');
  assert.deepEqual(page.errors, []);
});

test('a localStorage-only id (no server cookie on this page) is reported and adopted by the server', async (t) => {
  const { context, page } = await openPage(t);
  await context.addInitScript(recordIdCookieWrites);
  // A page the helper did not answer (a cached or static page): no Set-Cookie, an id already in localStorage.
  await context.route(`${demo.origin}/static-page.html`, (route) => route.fulfill({ status: 200, contentType: 'text/html',
    body: `<!doctype html><script>localStorage.setItem('ajs_anonymous_id', '"ls-only-7"')</script><script src="/snippet.js"></script>
      <script>analytics.load('demo-key', {apiHost: location.origin + '/v1', cookie: {serverManaged: true}}); analytics.page();</script>` }));
  await openDemo(page, '/static-page.html');
  assert.equal(await page.evaluate(() => window.analytics.user().anonymousId()), 'ls-only-7');
  const cookie = await eventually(async () => (await context.cookies()).find((c) => c.name === 'ajs_anonymous_id'), 'the cookie set by the id endpoint');
  assert.equal(cookie.value, 'ls-only-7', 'the server adopted the reported id');
  assert.deepEqual(await page.evaluate(() => window.__idWrites), [], 'set by the server\'s answer, not by the script');
  // The next page served by the helper keeps it.
  await openDemo(page, '/demo/');
  assert.equal(await page.evaluate(() => window.analytics.user().anonymousId()), 'ls-only-7');
});
