// One measured visit of one library's benchmark page in a fresh browser context with its own recorder:
//   1. navigate; first event = the page() the page makes at once; time = its arrival at the recorder minus
//      the document's performance.timeOrigin (same machine clock);
//   2. `calls` track() calls in one synchronous loop (performance.now around it) → µs per call; the renderer's
//      CDP Performance.getMetrics TaskDuration from before the loop until every one of those events has
//      arrived at the recorder → whole main-thread µs per event, deferred work included;
//   3. `memoryCalls` more track() calls, a forced GC, then JSHeapUsedSize and the bytes of every
//      WebAssembly.Memory the page instantiated.
// Requests to anything but 127.0.0.1 are blocked and counted (there must be none).
import { startRecorder } from '../../tests/e2e/lib/recorder.mjs';
import { initScript } from './pages.mjs';

const EVENT = 'Bench Event';
const MEMORY_EVENT = 'Bench Memory';

/** Runs one visit; returns the raw figures of it. */
export async function measure({ browser, site, library, name, calls, memoryCalls, memoryRounds = 10, deliveryTimeoutMs }) {
  const recorder = await startRecorder();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const external = [];
    await page.route((url) => url.hostname !== '127.0.0.1', (route) => { external.push(route.request().url()); return route.abort(); });
    const writeKey = `bench-${name}-${Date.now()}`;
    await page.addInitScript(initScript, { writeKey, apiHost: recorder.hostPort + '/v1' });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const requestsBefore = site.requests.length;

    await page.goto(site.origin + library.url);
    await recorder.waitForEvents(1, { timeout: 30000 });
    const timeOrigin = await page.evaluate(() => performance.timeOrigin);
    const firstEventMs = recorder.records.find((r) => r.events.length).at - timeOrigin;
    await page.waitForFunction(() => window.benchTarget, null, { timeout: 30000 });
    const paths = site.requests.slice(requestsBefore);

    const recordsBefore = recorder.records.length;
    const before = await metrics(cdp);
    const loopMs = await page.evaluate(trackLoop, { event: EVENT, calls });
    const arrived = await waitForUnique(recorder, EVENT, calls, deliveryTimeoutMs);
    const after = await metrics(cdp);
    const requests = recorder.records.length - recordsBefore;

    await page.evaluate(trackLoop, { event: MEMORY_EVENT, calls: memoryCalls });
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await metrics(cdp)).JSHeapUsedSize;
    const wasmMemory = await page.evaluate(wasmBytes);
    const longRun = wasmMemory > 0 ? await memoryOverTime({ page, context, memoryCalls, memoryRounds }) : {};
    const plainLoopMs = await plainTrackLoop({ browser, site, library, writeKey, apiHost: recorder.hostPort + '/v1', calls });
    return {
      paths, firstEventMs, external: external.length,
      trackUs: (loopMs * 1000) / calls,
      plainTrackUs: (plainLoopMs * 1000) / calls,
      totalUs: arrived === calls ? ((after.TaskDuration - before.TaskDuration) * 1e6) / calls : NaN,
      arrived, requests, heap, wasmMemory, ...longRun,
    };
  } finally {
    await context.close().catch(() => {});
    await recorder.close();
  }
}

/**
 * The same loop on a fresh page of its own with no CDP domain enabled, run as soon as the library
 * is ready (cold: first calls, the first page() still in flight). The main loop runs after the
 * first event arrived; the two together bracket what a visitor's browser pays.
 */
async function plainTrackLoop({ browser, site, library, writeKey, apiHost, calls }) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(initScript, { writeKey: writeKey + '-plain', apiHost });
    await page.goto(site.origin + library.url);
    await page.waitForFunction(() => window.benchTarget, null, { timeout: 30000 });
    return await page.evaluate(trackLoop, { event: EVENT + ' (plain)', calls });
  } finally {
    await context.close().catch(() => {});
  }
}

/** The bytes of every WebAssembly.Memory the page instantiated. */
function wasmBytes() {
  return window.benchMemories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
}

/**
 * wasm only (a tracker lives for hours and wasm memory never shrinks): `memoryRounds - 1` more loops of
 * `memoryCalls` calls, each drained with flush() (so `memoryRounds × memoryCalls` calls in all, delivery
 * working), then two offline episodes of 5,000 queued calls, each drained once back online.
 */
async function memoryOverTime({ page, context, memoryCalls, memoryRounds }) {
  const drainedLoop = async ({ event, calls }) => {
    for (let i = 0; i < calls; i++) window.benchTarget.track(event, { i, plan: 'pro', price: 9.99, currency: 'EUR', tags: ['a', 'b'] });
    await window.benchTarget.flush(120000);
  };
  await page.evaluate(() => window.benchTarget.flush(120000));
  for (let round = 1; round < memoryRounds; round++) await page.evaluate(drainedLoop, { event: MEMORY_EVENT, calls: memoryCalls });
  const wasmMemoryLong = await page.evaluate(wasmBytes);
  const offline = [];
  for (let episode = 0; episode < 2; episode++) {
    await context.setOffline(true);
    await page.evaluate((calls) => { for (let i = 0; i < calls; i++) window.benchTarget.track('Offline', { i, plan: 'pro' }); }, 5000);
    await context.setOffline(false);
    await page.evaluate(() => window.benchTarget.flush(120000));
    offline.push(await page.evaluate(wasmBytes));
  }
  return { wasmMemoryLong, wasmMemoryOffline1: offline[0], wasmMemoryOffline2: offline[1] };
}

/** In the page: `calls` track() calls in a loop; returns the loop's milliseconds. */
function trackLoop({ event, calls }) {
  const target = window.benchTarget;
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    target.track(event, { i, plan: 'pro', price: 9.99, currency: 'EUR', tags: ['a', 'b'] });
  }
  return performance.now() - start;
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Waits until `count` distinct events named `event` were accepted (or the timeout); returns how many. */
async function waitForUnique(recorder, event, count, timeoutMs) {
  const ids = new Set();
  let seen = 0;
  const unique = () => {
    for (; seen < recorder.records.length; seen++) {
      const record = recorder.records[seen];
      if (record.status !== 200) continue;
      for (const e of record.events) if (e && e.event === event) ids.add(e.messageId);
    }
    return ids.size;
  };
  const deadline = Date.now() + timeoutMs;
  while (unique() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return unique();
}
