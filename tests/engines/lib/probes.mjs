// What an engine offers of the features the library leans on, asked the way the library meets them: in a
// page served over http://127.0.0.1 and http://localhost (the hosts of every test), through WebDriver.
// Returns plain data, compared with the expected table in support.mjs (the README's "Browser support").
// Owns no assertions; every wait is bounded.

import { startStaticServer } from '../../e2e/lib/static-server.mjs';

const KIB = 1024;

/**
 * Probes the engine behind session `s`. `site` is the static server (pages /plain.html), `recorder` the
 * recording endpoint (requests to /v1/probe-* are recorded under no write key).
 */
export async function probeEngine(s, { site, recorder }) {
  await s.navigate(site.url('/plain.html'));
  const features = await s.execute(() => ({
    secureContext: window.isSecureContext,
    webLocks: typeof navigator.locks === 'object' && !!navigator.locks,
    sendBeacon: typeof navigator.sendBeacon === 'function',
    fetchKeepalive: new Request('/', { method: 'POST', keepalive: true }).keepalive === true,
    getRandomValues: typeof crypto.getRandomValues === 'function',
    globalPrivacyControl: String(navigator.globalPrivacyControl), // 'undefined' where the engine lacks it
    doNotTrack: String(navigator.doNotTrack),
    beaconOver64KiB: (() => { try { return navigator.sendBeacon('/v1/probe-beacon', 'x'.repeat(64 * 1024 + 1)) ? 'queued' : 'refused'; } catch (e) { return 'threw'; } })(),
  }));
  features.localStorageQuota = await s.execute(localStorageQuota);
  const keepalive = await keepaliveBudget(s, recorder);
  const cookies = {
    '127.0.0.1': await domainCookie(s, site.url('/plain.html'), '127.0.0.1'),
    localhost: await domainCookie(s, site.localhostUrl('/plain.html'), 'localhost'),
    secureOnHttpLoopback: await secureCookie(s, site.url('/plain.html')),
  };
  const onNavigation = await lifecycleOrder(s, site);
  const noStoreBackForward = await backForwardWithNoStore(s, recorder);
  return { ...features, keepalive, cookies, onNavigation, noStoreBackForward };
}

/** In the page: the longest one-value string localStorage takes, as 'N MiB' (rounded down to 1/4 MiB of
 * characters); 'unusable' when it throws at once. */
function localStorageQuota() {
  try {
    localStorage.removeItem('probe-quota');
    let low = 0;
    let high = 64; // quarters of a MiB of characters: up to 16 Mi characters
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      try {
        localStorage.setItem('probe-quota', 'x'.repeat(mid * 256 * 1024));
        low = mid;
      } catch (e) {
        high = mid - 1;
      }
      localStorage.removeItem('probe-quota');
    }
    return `${low / 4} Mi characters`;
  } catch (e) {
    return 'unusable';
  }
}

/**
 * How the engine enforces the fetch keepalive budget: whether one body over 64 KiB is refused, and whether
 * a second keepalive request is refused while an unanswered first one holds most of the budget.
 * Answers 'refused' (the fetch throws or rejects at once) or 'sent'.
 */
async function keepaliveBudget(s, recorder) {
  const hold = recorder.hang({ match: (p) => p === '/v1/probe-hold' });
  try {
    const result = await s.executeAsync(async (base, kib) => {
      const send = (path, bytes) => {
        try {
          return fetch(base + path, { method: 'POST', body: 'x'.repeat(bytes), keepalive: true, headers: { 'Content-Type': 'text/plain' } })
            .then(() => 'sent', (e) => (e && e.name === 'TypeError' ? 'refused' : `error ${e && e.name}`));
        } catch (e) {
          return Promise.resolve('refused');
        }
      };
      const over64 = await send('/v1/probe-over', 64 * kib + 1);
      send('/v1/probe-hold', 40 * kib); // stays unanswered
      await new Promise((r) => setTimeout(r, 50));
      const secondWhileHeld = await send('/v1/probe-second', 40 * kib);
      return { over64KiB: over64, secondWhileFirstHeld: secondWhileHeld };
    }, `${recorder.origin}`, KIB);
    return result;
  } finally {
    hold.remaining = 0;
    recorder.releaseHung();
  }
}

/** Whether `document.cookie` keeps a cookie set with `domain=<domain>` on `url`'s page (then removes it). */
async function domainCookie(s, url, domain) {
  await s.navigate(url);
  return s.execute((d) => {
    document.cookie = `__probe__=1; path=/; domain=${d}`;
    const kept = /(^|; )__probe__=1/.test(document.cookie);
    document.cookie = `__probe__=; path=/; domain=${d}; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
    return kept ? 'kept' : 'refused';
  }, domain);
}

/** Whether `document.cookie` keeps a `Secure` cookie set on `url`'s (http://, loopback) page. */
async function secureCookie(s, url) {
  await s.navigate(url);
  return s.execute(() => {
    document.cookie = '__probe__=1; path=/; Secure';
    const kept = /(^|; )__probe__=1/.test(document.cookie);
    document.cookie = '__probe__=; path=/; Secure; expires=Thu, 01 Jan 1970 00:00:00 GMT';
    return kept ? 'kept' : 'refused';
  });
}

/**
 * Whether a page answered with `Cache-Control: no-store` that made a fetch from script (as every page with
 * a tracker does) comes back from the back-forward cache: 'restored' or 'reloaded'.
 */
async function backForwardWithNoStore(s, recorder) {
  const server = await startStaticServer({ pages: { '/no-store.html': '<!doctype html><title>no-store</title>', '/next.html': '<!doctype html><title>next</title>' } });
  try {
    await s.navigate(server.url('/no-store.html'));
    await s.executeAsync((url) => fetch(url, { method: 'POST', body: '{}' }).then(() => true, () => false), recorder.url('/v1/probe-fetch'));
    await s.execute(() => { window.marker = 1; setTimeout(() => { location.href = '/next.html'; }, 0); });
    await s.waitFor(() => location.pathname === '/next.html' && document.readyState === 'complete', { what: 'next.html' });
    await s.back();
    await s.waitFor(() => location.pathname === '/no-store.html' && document.readyState === 'complete', { what: 'back on no-store.html' });
    return (await s.execute(() => window.marker === 1)) ? 'restored' : 'reloaded';
  } finally {
    await server.close();
  }
}

/** The order of `pagehide` and `visibilitychange` (with the visibility state) when a page navigates away. */
async function lifecycleOrder(s, site) {
  await s.navigate(site.url('/plain.html'));
  await s.execute(() => {
    localStorage.removeItem('probe-order');
    const log = (name) => {
      const seen = JSON.parse(localStorage.getItem('probe-order') || '[]');
      localStorage.setItem('probe-order', JSON.stringify([...seen, name]));
    };
    addEventListener('pagehide', (e) => log(`pagehide${e.persisted ? '(persisted)' : ''}`));
    document.addEventListener('visibilitychange', () => log(`visibilitychange:${document.visibilityState}`));
    setTimeout(() => { location.href = '/plain.html?next'; }, 0);
  });
  await s.waitFor(() => location.search === '?next' && document.readyState === 'complete', { what: 'the next page' });
  const order = await s.execute(() => JSON.parse(localStorage.getItem('probe-order') || '[]'));
  await s.execute(() => localStorage.removeItem('probe-order'));
  return order.join(' → ') || 'none';
}
