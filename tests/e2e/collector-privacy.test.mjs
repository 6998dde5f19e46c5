// The collector is private by default, seen from a real browser: a page on another origin (another
// 127.0.0.1 port) can send events to the collector's ingest (/v1/*, its job) but cannot read the read API
// or the live stream, with or without CORS mode; a page reached through DNS rebinding (a foreign name that
// resolves to 127.0.0.1) is refused; the collector's own pages read the API as before.
// Needs: the collector binary (built here if missing; COLLECTOR_BIN overrides). Environment: Node's test
// runner, playwright-core, /usr/bin/chromium.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCollector } from './lib/collector.mjs';
import { openPage, closeSharedBrowser, launchBrowser } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';

let dir;
let collector;
let attacker;
let running;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'collector-privacy-'));
  const www = path.join(dir, 'www');
  mkdirSync(path.join(www, 'own'), { recursive: true });
  writeFileSync(path.join(www, 'own', 'index.html'), '<!doctype html><title>collector page</title>');
  running = await startCollector({ serveDir: www });
  collector = running.origin;
  attacker = await startStaticServer({ pages: { '/attack.html': '<!doctype html><title>another site</title>' } });
  const identify = { type: 'identify', userId: 'victim', anonymousId: 'anon-victim', traits: { email: 'victim@example.com' } };
  const r = await fetch(`${collector}/v1/i`, { method: 'POST', body: JSON.stringify(identify) });
  assert.equal(r.status, 200);
});

after(async () => {
  await closeSharedBrowser();
  await attacker?.close();
  running?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything a page can try against the collector at `base`, with what came back. */
function probe(base) {
  return (async () => {
    const out = {};
    try {
      const r = await fetch(`${base}/api/profiles`);
      const text = await r.text();
      out.read = `read ${r.status}: ${text.slice(0, 80)}`;
      out.sawEmail = text.includes('victim@example.com');
    } catch (e) {
      out.read = `refused (${e.name})`;
      out.sawEmail = false;
    }
    try {
      const r = await fetch(`${base}/api/profiles`, { mode: 'no-cors' });
      out.noCors = `${r.type} ${r.status} ${(await r.text()).length} bytes`;
    } catch (e) {
      out.noCors = `refused (${e.name})`;
    }
    out.stream = await new Promise((resolve) => {
      const source = new EventSource(`${base}/api/stream`);
      source.onopen = () => { source.close(); resolve('open'); };
      source.onerror = () => { source.close(); resolve('error'); };
    });
    const sent = await fetch(`${base}/v1/t`, { method: 'POST', body: JSON.stringify({ anonymousId: 'from-elsewhere', event: 'Sent cross-origin' }) });
    out.ingest = `${sent.status} ${await sent.text()}`;
    return out;
  })();
}

test('a page on another origin can send events but cannot read the read API or the stream', async (t) => {
  const { page } = await openPage(t);
  await page.goto(attacker.url('/attack.html'));
  const seen = await page.evaluate(probe, collector);
  console.log(`page on ${attacker.origin} against ${collector}:`, seen);
  assert.equal(seen.read, 'refused (TypeError)');
  assert.equal(seen.sawEmail, false);
  assert.equal(seen.noCors, 'opaque 0 0 bytes');
  assert.equal(seen.stream, 'error');
  assert.equal(seen.ingest, '200 {"success":true}');
  // The collector's own pages still read everything.
  await page.goto(`${collector}/own/`);
  const own = await page.evaluate(probe, '');
  console.log(`the collector's own page:`, own);
  assert.match(own.read, /^read 200: /);
  assert.equal(own.sawEmail, true);
  assert.equal(own.stream, 'open');
});

test('a page reached by DNS rebinding (a foreign name on 127.0.0.1) is refused', async (t) => {
  const browser = await launchBrowser({ hosts: ['rebind.test'] });
  t.after(() => browser.close());
  const { page } = await openPage(t, { browser });
  const port = new URL(collector).port;
  const response = await page.goto(`http://rebind.test:${port}/own/`);
  assert.equal(response.status(), 403);
  const seen = await page.evaluate(probe, '');
  console.log(`page on http://rebind.test:${port} (rebound to the collector):`, seen);
  assert.match(seen.read, /^read 403: .*unexpected Host/);
  assert.equal(seen.stream, 'error');
  assert.equal(seen.sawEmail, false);
});
