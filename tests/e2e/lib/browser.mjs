// Headless Chromium for the end-to-end tier: one browser per test file, a fresh context (own cookies,
// localStorage, cache) per test, and small readers for what a tracker stores. Debian's /usr/bin/chromium
// driven by playwright-core; never downloads a browser. Owns no server: see static-server.mjs and
// recorder.mjs.
import { chromium } from 'playwright-core';

/** Path of the browser binary (override with CHROMIUM=/path). */
export const CHROMIUM_PATH = process.env.CHROMIUM || '/usr/bin/chromium';

/** Flags every browser in this repo starts with (the same list as webdriver.json, minus --headless,
 * which playwright adds itself). The background-networking flags keep Chromium from calling out. */
export const BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Starts headless Chromium.
 * `hosts`: extra hostnames that resolve to 127.0.0.1 inside this browser only (e.g. ['www.shop.example.co.uk']),
 * so cookie-domain rules can be tested on real-looking hosts. Such http:// origins are not secure contexts.
 * `args`: extra Chromium flags.
 */
export async function launchBrowser({ hosts = [], args = [], headless = true } = {}) {
  const extra = hosts.length ? [`--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1`).join(',')}`] : [];
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless, args: [...BROWSER_ARGS, ...extra, ...args] });
}

/**
 * One browser shared by all tests of a node:test file, started on first use.
 * Call `closeSharedBrowser()` in an `after()` hook.
 */
let shared = null;
export function sharedBrowser(options) {
  shared ??= launchBrowser(options);
  return shared;
}

/** Closes the browser started by `sharedBrowser`, if any. */
export async function closeSharedBrowser() {
  if (!shared) return;
  const browser = await shared;
  shared = null;
  await browser.close();
}

/**
 * A new isolated context and page for one test; closed automatically when test `t` ends.
 * Collects uncaught page errors and console messages (`page.errors`, `page.consoleLines`), so a test can
 * assert that nothing was thrown into the host page.
 */
export async function openPage(t, { browser, contextOptions = {} } = {}) {
  const b = browser ?? (await sharedBrowser());
  const context = await b.newContext(contextOptions);
  const page = await context.newPage();
  watchPage(page);
  t.after(() => context.close().catch(() => {}));
  return { context, page };
}

/** Records `pageerror`s and console lines on `page.errors` / `page.consoleLines` (idempotent). */
export function watchPage(page) {
  if (page.errors) return page;
  page.errors = [];
  page.consoleLines = [];
  page.on('pageerror', (e) => page.errors.push(String(e && e.stack ? e.stack : e)));
  page.on('console', (m) => page.consoleLines.push(`${m.type()}: ${m.text()}`));
  return page;
}

/** Cookies visible to `url` in `context`, as a { name: value } object (raw values, not decoded). */
export async function readCookies(context, url) {
  const list = await context.cookies(url);
  return Object.fromEntries(list.map((c) => [c.name, c.value]));
}

/** Full cookie records (domain, path, expires, sameSite, secure, httpOnly) for `url`. */
export async function readCookieRecords(context, url) {
  return context.cookies(url);
}

/** The page origin's localStorage as a { key: rawString } object. */
export async function readLocalStorage(page) {
  return page.evaluate(() => {
    const out = {};
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      out[k] = localStorage.getItem(k);
    }
    return out;
  });
}

/** Removes every cookie of the context (all domains). */
export async function clearCookies(context) {
  await context.clearCookies();
}

/** Clears the page origin's localStorage. */
export async function clearLocalStorage(page) {
  await page.evaluate(() => localStorage.clear());
}

/**
 * Kills the page's renderer process without running any page handler (no pagehide, no visibilitychange,
 * no beacon): the "tab killed" case. Other pages of the same site in the same context may share the process
 * and die too. By contrast page.close(), context.close() and CDP Page.close all run pagehide and
 * visibilitychange handlers (checked in harness.test.mjs).
 */
export async function crashPage(page) {
  const crashed = new Promise((resolve) => page.once('crash', resolve));
  const cdp = await page.context().newCDPSession(page);
  cdp.send('Page.crash').catch(() => {}); // never answers: the renderer is gone
  await Promise.race([crashed, new Promise((resolve) => setTimeout(resolve, 5000))]);
  await page.close().catch(() => {});
}

/** An init script (`page.addInitScript(recordPageErrors)`): from the first script on, every uncaught error and
 * unhandled rejection that reaches the page is pushed to `window.__errors` as text. */
export function recordPageErrors() {
  window.__errors = [];
  addEventListener('error', (e) => window.__errors.push('error: ' + (e.message || e)));
  addEventListener('unhandledrejection', (e) => window.__errors.push('unhandledrejection: ' + String(e.reason && e.reason.message || e.reason)));
}
