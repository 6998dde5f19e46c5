// A small W3C WebDriver client for the engines tier: starts a browser's driver (chromedriver,
// geckodriver, WebKitWebDriver under Xvfb) on a free 127.0.0.1 port, opens sessions with each engine's
// capabilities, and speaks the handful of commands the tests need over the driver's HTTP API (navigate,
// execute sync/async script, cookies, window handles). One client for all three engines, so a scenario
// runs the same code in each. Owns no server and no assertions: see tests/e2e/lib for the page server
// and the recorder. Every wait is bounded; every process it starts is stopped by `close()`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** The three engines: how to start each one's driver and which capabilities open a session. */
export const ENGINES = {
  chromium: {
    label: 'Chromium',
    driver: (port) => [process.env.CHROMEDRIVER || '/usr/bin/chromedriver', [`--port=${port}`]],
    capabilities: () => ({
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: process.env.CHROMIUM || '/usr/bin/chromium',
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
          '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    }),
    binaries: () => [process.env.CHROMEDRIVER || '/usr/bin/chromedriver', process.env.CHROMIUM || '/usr/bin/chromium'],
  },
  firefox: {
    label: 'Firefox',
    driver: (port) => [process.env.GECKODRIVER || 'geckodriver', ['--host=127.0.0.1', `--port=${port}`]],
    capabilities: () => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: process.env.FIREFOX || '/usr/bin/firefox-esr',
        args: ['-headless'],
        // No calls out of the machine (updates, telemetry, captive-portal and connectivity checks).
        prefs: {
          'app.update.enabled': false,
          'network.captive-portal-service.enabled': false,
          'network.connectivity-service.enabled': false,
          'toolkit.telemetry.reportingpolicy.firstRun': false,
          'datareporting.policy.dataSubmissionEnabled': false,
          'browser.safebrowsing.malware.enabled': false,
          'browser.safebrowsing.phishing.enabled': false,
        },
      },
    }),
    binaries: () => [process.env.FIREFOX || '/usr/bin/firefox-esr'],
  },
  webkit: {
    label: 'WebKit',
    // MiniBrowser has no working headless mode for automation: it runs under a virtual X server.
    driver: (port) => ['xvfb-run', ['-a', 'WebKitWebDriver', '--host=127.0.0.1', `--port=${port}`]],
    capabilities: () => ({
      'webkitgtk:browserOptions': { binary: process.env.MINIBROWSER || MINIBROWSER, args: ['--automation'] },
    }),
    binaries: () => [process.env.MINIBROWSER || MINIBROWSER, '/usr/bin/WebKitWebDriver', '/usr/bin/xvfb-run'],
  },
};

/** Engines named in ENGINES=chromium,firefox (default: all three), in that order. */
export function selectedEngines() {
  const names = (process.env.ENGINES || 'chromium,firefox,webkit').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) if (!ENGINES[name]) throw new Error(`unknown engine '${name}' (chromium, firefox, webkit)`);
  return names;
}

/** A missing binary of `engine`, or null when all are there. geckodriver is looked up on PATH. */
export function missingBinary(engine) {
  for (const file of ENGINES[engine].binaries()) if (file.startsWith('/') && !existsSync(file)) return file;
  return null;
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `engine`'s driver on a free port and waits (≤ `timeout` ms) until it answers `/status`.
 * Returns a Driver; `driver.close()` stops the driver's whole process group (driver, Xvfb, browsers).
 */
export async function startDriver(engine, { timeout = 30000 } = {}) {
  const port = await freePort();
  const [command, args] = ENGINES[engine].driver(port);
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  const keep = (chunk) => { log.push(String(chunk)); if (log.length > 200) log.shift(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const driver = new Driver(engine, `http://127.0.0.1:${port}`, child, log);
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${driver.url}/status`).then((r) => r.json()).then((j) => j.value?.ready !== false, () => false);
    if (ready) return driver;
    await sleep(100);
  }
  await driver.close();
  throw new Error(`${engine} driver did not start within ${timeout} ms (exit ${child.exitCode}):\n${log.join('')}`);
}

/** A running driver process. */
export class Driver {
  constructor(engine, url, child, log) {
    this.engine = engine;
    this.url = url;
    this.child = child;
    this.log = log;
  }

  /** Opens a browser session (≤ `timeout` ms). `proxy`: "host:port" of an HTTP proxy for every http:// URL. */
  async session({ timeout = 60000, proxy } = {}) {
    const capabilities = ENGINES[this.engine].capabilities();
    if (proxy) capabilities.proxy = { proxyType: 'manual', httpProxy: proxy };
    const body = { capabilities: { alwaysMatch: capabilities } };
    const value = await command(this.url, 'POST', '/session', body, timeout);
    const session = new Session(this, value.sessionId, value.capabilities);
    await session.setTimeouts({ script: 30000, pageLoad: 30000 });
    return session;
  }

  /** Stops the driver and everything it started (its process group). */
  async close() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    try { process.kill(-this.child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!gone) try { process.kill(-this.child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

/** A WebDriver error, with the driver's `error` code (e.g. 'javascript error', 'timeout'). */
export class WebDriverError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

async function command(base, method, path, body, timeout = 60000) {
  const init = { method, headers: { 'Content-Type': 'application/json' }, signal: AbortSignal.timeout(timeout) };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response;
  try {
    response = await fetch(base + path, init);
  } catch (e) {
    throw new Error(`WebDriver ${method} ${path}: ${e.name === 'TimeoutError' ? `no answer within ${timeout} ms` : e.message}`);
  }
  const json = await response.json().catch(() => ({}));
  const value = json.value;
  if (!response.ok || (value && typeof value === 'object' && typeof value.error === 'string')) {
    throw new WebDriverError(value?.error ?? `http ${response.status}`, String(value?.message ?? '').split('\n')[0]);
  }
  return value;
}

/** One browser session: one window, one cookie jar and storage of its own (a fresh browser profile). */
export class Session {
  constructor(driver, id, capabilities) {
    this.driver = driver;
    this.id = id;
    this.capabilities = capabilities;
  }

  /** The browser's name and version, e.g. "firefox 153.8.0". */
  get browser() {
    return `${this.capabilities.browserName} ${this.capabilities.browserVersion}`;
  }

  cmd(method, path, body, timeout) {
    return command(this.driver.url, method, `/session/${this.id}${path}`, body, timeout);
  }

  setTimeouts(timeouts) {
    return this.cmd('POST', '/timeouts', timeouts);
  }

  /** Loads `url` and waits for the load event (bounded by the page-load timeout). */
  navigate(url) {
    return this.cmd('POST', '/url', { url });
  }

  /** History back (waits for the page to load or to come back from the back-forward cache). */
  back() {
    return this.cmd('POST', '/back', {});
  }

  currentUrl() {
    return this.cmd('GET', '/url');
  }

  /** Runs `fn(...args)` in the page (its source, so it must not close over Node values); returns its value. */
  execute(fn, ...args) {
    return this.cmd('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments)`, args });
  }

  /** Runs async `fn(...args)` in the page and returns what its promise resolves to (a rejection becomes
   * a WebDriverError). Bounded by the script timeout. */
  executeAsync(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve().then(() => (${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
        .then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ error: String(e && e.stack || e) }));`;
    return this.cmd('POST', '/execute/async', { script, args }).then((r) => {
      if (r && 'error' in r) throw new WebDriverError('javascript error', r.error);
      return r?.ok;
    });
  }

  /**
   * Polls `fn(...args)` in the page until it returns a truthy value (returned), every `interval` ms, for
   * at most `timeout` ms; then throws with the last value seen. Errors thrown while the page is
   * navigating count as "not yet".
   */
  async waitFor(fn, { timeout = 15000, interval = 100, what = String(fn) } = {}, ...args) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        last = await this.execute(fn, ...args);
        if (last) return last;
      } catch (e) {
        last = e;
      }
      await sleep(interval);
    }
    throw new Error(`timed out after ${timeout} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
  }

  /** Every cookie visible to the current page, as WebDriver cookie records
   * ({name, value, domain, path, secure, httpOnly, expiry, sameSite}). */
  cookies() {
    return this.cmd('GET', '/cookie');
  }

  /** Deletes every cookie visible to the current page. */
  deleteCookies() {
    return this.cmd('DELETE', '/cookie');
  }

  /** Ends the session (closes the browser). Never throws. */
  async close() {
    await this.cmd('DELETE', '', undefined, 20000).catch(() => {});
  }
}
