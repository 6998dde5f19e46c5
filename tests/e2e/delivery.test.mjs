// Delivery fault matrix end to end (issue 3): real Chromium, the snippet page loading www/dist, a local
// recorder with fault injection. Every row tracks numbered events (`properties.n`), then counts what the
// recorder accepted: events sent by the page vs unique messageIds received vs duplicates, and checks that
// every retry of an event carried the same messageId (one messageId per n). Each row runs a few trials
// and prints one line: `row | trials | sent | unique | duplicates | lost | ms`.
// Tests shorten the tab lease and request timeout with the `_delivery` init option (see core Config).
// Environment: Node's test runner, playwright-core, www/ built by scripts/build.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openPage, closeSharedBrowser, sharedBrowser, crashPage, watchPage } from './lib/browser.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startRecorder } from './lib/recorder.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const LIB_PAGE = `<!doctype html><title>delivery</title>
<script src="/snippet.js"></script>
<script>const q = new URLSearchParams(location.search);
analytics.load(q.get('wk'), JSON.parse(q.get('options') || '{}'));</script>
<a id="go" href="/plain.html">leave</a>`;
const PLAIN_PAGE = '<!doctype html><title>no library here</title><p>plain</p>';
// Fills localStorage to its quota before the library runs (the "storage full" row).
const FILL_STORAGE = `(() => { try { const chunk = 'x'.repeat(512 * 1024); let i = 0;
  while (i < 40) { localStorage.setItem('filler-' + i, chunk); i++; } } catch (e) {}
  try { let i = 0; while (i < 2000) { localStorage.setItem('small-' + i, 'x'.repeat(1024)); i++; } } catch (e) {} })();`;
// Makes every access to localStorage throw, as a blocked-storage browser setting does.
const BLOCK_STORAGE = `Object.defineProperty(window, 'localStorage', { configurable: true,
  get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });`;
const KNOBS = { tabLeaseMs: 3000, tabHeartbeatMs: 500, requestTimeoutMs: 2000 };

const site = await startStaticServer({ root: WWW, pages: { '/d.html': LIB_PAGE, '/plain.html': PLAIN_PAGE } });
const recorder = await startRecorder();
const summary = [];
after(async () => {
  console.log(['', 'delivery matrix: row | trials | sent | unique | duplicates | lost | ms per trial (median)', ...summary].join('\n'));
  await closeSharedBrowser();
  await recorder.close();
  await site.close();
});

let keySeq = 0;
/** A write key of its own per trial, so late requests of one trial never count for another. */
const freshKey = (row) => `dlv-${row.replace(/\W+/g, '-')}-${process.pid}-${++keySeq}`;
const libUrl = (wk, options = {}) =>
  site.url(`/d.html?wk=${wk}&options=${encodeURIComponent(JSON.stringify({ apiHost: `${recorder.origin}/v1`, _delivery: KNOBS, ...options }))}`);

async function load(page, wk, options) {
  await page.goto(libUrl(wk, options));
  await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 10000 });
}

/** Tracks `count` events numbered from `from` in one synchronous loop. */
function trackMany(page, count, from = 0) {
  return page.evaluate(([count, from]) => {
    for (let i = from; i < from + count; i++) window.analytics.track('Delivery', { n: i });
  }, [count, from]);
}

/** What the recorder accepted for `wk`: counts against `sent` events numbered 0..sent-1. */
function tally(wk, sent) {
  const events = recorder.accepted().filter((r) => r.writeKey === wk).flatMap((r) => r.events);
  const ids = events.map((e) => e.messageId);
  const unique = new Set(ids);
  const idsPerN = new Map();
  for (const e of events) {
    const n = e.properties && e.properties.n;
    if (!idsPerN.has(n)) idsPerN.set(n, new Set());
    idsPerN.get(n).add(e.messageId);
  }
  let lost = 0;
  for (let n = 0; n < sent; n++) if (!idsPerN.has(n)) lost++;
  const splitIds = [...idsPerN.values()].filter((s) => s.size > 1).length;
  const copies = new Map();
  for (const id of ids) copies.set(id, (copies.get(id) || 0) + 1);
  const maxCopies = Math.max(0, ...copies.values());
  return { sent, received: ids.length, unique: unique.size, duplicates: ids.length - unique.size, lost, splitIds, maxCopies };
}

/** One line per request the recorder saw for `wk` (seq, path, status, time, events as n:id), for failure messages. */
function requestLog(wk) {
  return recorder.records.filter((x) => x.writeKey === wk)
    .map((x) => [x.seq, x.path, x.status, x.at % 100000, x.events.map((ev) => ev.properties.n + ':' + ev.messageId.slice(-4)).join(',')].join(' '))
    .join('\n');
}

async function waitDelivered(wk, sent, timeout = 15000) {
  const until = Date.now() + timeout;
  while (Date.now() < until && tally(wk, sent).lost > 0) await sleep(50);
  await sleep(300); // late duplicates, if any, would arrive now
  return tally(wk, sent);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `trial()` `trials` times (each returns a tally), prints the row, asserts the row's target. */
async function row(name, trials, trial, { maxCopies = 1 } = {}) {
  const results = [];
  const times = [];
  for (let i = 0; i < trials; i++) {
    recorder.clearFaults();
    const started = Date.now();
    results.push(await trial(i));
    times.push(Date.now() - started);
  }
  const sum = (k) => results.reduce((a, r) => a + r[k], 0);
  summary.push(`${name} | ${trials} | ${sum('sent')} | ${sum('unique')} | ${sum('duplicates')} | ${sum('lost')} | ${median(times)}`);
  for (const r of results) {
    assert.equal(r.lost, 0, `${name}: lost ${JSON.stringify(r)}`);
    assert.equal(r.splitIds, 0, `${name}: an event was resent under a new messageId`);
    assert.ok(r.maxCopies <= maxCopies, `${name}: an event arrived ${r.maxCopies} times (at most ${maxCopies}) ${JSON.stringify(r)}`);
  }
  return results;
}

test('server answers 500 for a while: retried with backoff, all arrive once', async (t) => {
  await row('500 for 1.5 s', 2, async () => {
    const { page } = await openPage(t);
    const wk = freshKey('500');
    await load(page, wk);
    recorder.respondWith(500, { ms: 1500 });
    await trackMany(page, 10);
    await sleep(100);
    await trackMany(page, 10, 10);
    return waitDelivered(wk, 20);
  });
});

test('429 with Retry-After: the retry waits as told (header readable cross-origin)', async (t) => {
  await row('429 Retry-After 2 s', 3, async () => {
    const { page } = await openPage(t);
    const wk = freshKey('429');
    await load(page, wk);
    recorder.respondWith(429, { count: 1, retryAfter: 2 });
    await trackMany(page, 5);
    const result = await waitDelivered(wk, 5);
    const mine = recorder.records.filter((r) => r.writeKey === wk);
    const limited = mine.find((r) => r.status === 429);
    const next = mine.find((r) => r.seq > limited.seq);
    assert.ok(next.at - limited.at >= 1900, `retried after ${next.at - limited.at} ms`);
    return result;
  });
});

test('server down (connection refused) then back: all arrive once', async (t) => {
  await row('refused 1.5 s then back', 2, async () => {
    const { page } = await openPage(t);
    const wk = freshKey('down');
    await load(page, wk);
    await recorder.refuse();
    await trackMany(page, 10);
    await sleep(1500);
    await trackMany(page, 10, 10);
    await recorder.accept();
    return waitDelivered(wk, 20);
  });
});

test('server hangs: the request is aborted after the timeout and retried; nothing lost', async (t) => {
  await row('hang 1 request (2 s timeout)', 2, async () => {
    const { page } = await openPage(t);
    const wk = freshKey('hang');
    await load(page, wk);
    recorder.hang({ count: 1 });
    await trackMany(page, 5);
    await sleep(200);
    await trackMany(page, 5, 5);
    const result = await waitDelivered(wk, 10);
    recorder.releaseHung();
    return result;
  });
});

test('offline then online: nothing is sent offline, everything once online', async (t) => {
  await row('offline 1 s → online', 2, async () => {
    const { context, page } = await openPage(t);
    const wk = freshKey('offline');
    await load(page, wk);
    await context.setOffline(true);
    await trackMany(page, 10);
    await sleep(1000);
    assert.equal(tally(wk, 10).received, 0, 'nothing arrives while offline');
    await context.setOffline(false);
    return waitDelivered(wk, 10);
  });
});

test('reload mid-flight: the next page resends with the same messageIds', async (t) => {
  // The request in flight at reload is a keepalive request: it outlives the page and the server takes it,
  // but no page is left to see the answer, so the next page resends those events after the in-flight guard.
  // Those are duplicates by construction (same messageId: Segment's dedupe drops them), never concurrent.
  await row('reload mid-flight (slow server)', 3, async () => {
    const { page } = await openPage(t);
    const wk = freshKey('reload');
    await load(page, wk);
    recorder.slow(600, { count: 1 });
    await trackMany(page, 1);
    await trackMany(page, 9, 1);
    await page.reload();
    await page.waitForFunction(() => window.analytics && window.analytics.initialized === true);
    const result = await waitDelivered(wk, 10);
    // Never concurrent: a resent event left only after the in-flight guard (the 2 s request timeout).
    const firstSeen = new Map();
    for (const r of recorder.records.filter((r) => r.writeKey === wk)) {
      for (const e of r.events) {
        if (!firstSeen.has(e.messageId)) firstSeen.set(e.messageId, r.at);
        else assert.ok(r.at - firstSeen.get(e.messageId) >= 1500, `${e.messageId} resent ${r.at - firstSeen.get(e.messageId)} ms later; requests:\n${requestLog(wk)}`);
      }
    }
    return result;
  }, { maxCopies: 2 }); // each event at most twice: in the request the reload left in flight, and resent once

});

test('navigation right after track: delivered by the keepalive request or the next page', async (t) => {
  await row('navigate right after track', 3, async () => {
    const { page } = await openPage(t);
    const wk = freshKey('nav');
    await load(page, wk);
    await page.evaluate(() => {
      for (let i = 0; i < 5; i++) window.analytics.track('Delivery', { n: i });
      location.href = '/plain.html';
    });
    await page.waitForURL(/plain\.html/);
    return waitDelivered(wk, 5);
  });
});

test('tab crashed without pagehide: a new page adopts its queue once the lease expires', async (t) => {
  await row('crashed tab → new page', 2, async () => {
    const { context, page } = await openPage(t);
    const wk = freshKey('crash');
    await load(page, wk);
    recorder.hang();
    await trackMany(page, 10);
    await sleep(300);
    await crashPage(page);
    recorder.clearFaults();
    recorder.releaseHung();
    const next = watchPage(await context.newPage());
    await load(next, wk);
    return waitDelivered(wk, 10, 15000);
  });
});

for (const tabs of [2, 5]) {
  test(`${tabs} tabs tracking at once: every event once, no tab sends another's`, async (t) => {
    await row(`${tabs} tabs at once`, 2, async () => {
      const { context, page } = await openPage(t);
      const wk = freshKey(`tabs${tabs}`);
      const pages = [page];
      for (let i = 1; i < tabs; i++) pages.push(watchPage(await context.newPage()));
      await Promise.all(pages.map((p) => load(p, wk)));
      for (let round = 0; round < 4; round++) {
        await Promise.all(pages.map((p, i) => trackMany(p, 10, (i * 4 + round) * 10)));
      }
      return waitDelivered(wk, tabs * 40);
    });
  });
}

test('localStorage full: events are sent from memory', async (t) => {
  await row('localStorage full', 2, async () => {
    const { context, page } = await openPage(t);
    await context.addInitScript(FILL_STORAGE);
    const wk = freshKey('full');
    await load(page, wk);
    const full = await page.evaluate(() => { try { localStorage.setItem('probe', 'x'.repeat(4096)); return false; } catch (e) { return true; } });
    assert.ok(full, 'localStorage refuses a 4 KB write');
    await trackMany(page, 50);
    const result = await waitDelivered(wk, 50);
    assert.deepEqual(page.errors, []);
    return result;
  });
});

test('localStorage blocked: events are sent from memory', async (t) => {
  await row('localStorage blocked', 2, async () => {
    const { context, page } = await openPage(t);
    await context.addInitScript(BLOCK_STORAGE);
    const wk = freshKey('blocked');
    await load(page, wk);
    assert.ok(await page.evaluate(() => { try { return !window.localStorage; } catch (e) { return true; } }), 'localStorage throws');
    await trackMany(page, 50);
    const result = await waitDelivered(wk, 50);
    assert.deepEqual(page.errors, []);
    return result;
  });
});

test('a burst of 2,000 track() calls in one synchronous loop: all arrive', async (t) => {
  await row('2,000-call burst', 2, async () => {
    const { page } = await openPage(t);
    const wk = freshKey('burst');
    await load(page, wk);
    const started = Date.now();
    await trackMany(page, 2000);
    const result = await waitDelivered(wk, 2000, 30000);
    const requests = recorder.records.filter((r) => r.writeKey === wk).length;
    summary.push(`  burst: ${requests} requests, all 2,000 accepted ${Date.now() - started - 300} ms after the loop started`);
    return result;
  });
});

test('a click handler that tracks then navigates away at once: 20 trials', async (t) => {
  const { page } = await openPage(t);
  await row('click → track → navigate (20 trials)', 20, async () => {
    const wk = freshKey('click');
    await load(page, wk);
    await page.evaluate((n) => {
      document.getElementById('go').addEventListener('click', () => window.analytics.track('Delivery', { n }));
    }, 0);
    await page.click('#go');
    await page.waitForURL(/plain\.html/);
    return waitDelivered(wk, 1, 5000);
  });
});
