// The README's "Browser support" table as data: what each engine offers of the features the library leans
// on, as lib/probes.mjs observes it on http://127.0.0.1 and http://localhost. The engines tier compares
// each engine with its row, so a browser upgrade that changes an answer fails until README and this file
// agree again. Versions: Chromium 156, Firefox ESR 153, WebKitGTK 2.50 (MiniBrowser), Debian bookworm.
const COMMON = {
  secureContext: true, // http://127.0.0.1 and http://localhost are secure contexts in all three
  webLocks: true, // secure contexts only: every engine lacks them on http:// outside loopback
  sendBeacon: true,
  fetchKeepalive: true,
  getRandomValues: true,
  localStorageQuota: '4.75 Mi characters', // one value of just under 5 Mi characters (rounded down)
  // One keepalive body over 64 KiB is refused, and so is a second one while an unanswered first holds
  // most of the 64 KiB: the budget is per page, for all in-flight keepalive bodies together.
  keepalive: { over64KiB: 'refused', secondWhileFirstHeld: 'refused' },
  // Leaving a page: pagehide first (persisted: the page enters the back-forward cache), then
  // visibilitychange to hidden. The library flushes on whichever comes first, once.
  onNavigation: 'pagehide(persisted) → visibilitychange:hidden',
};

export const SUPPORT = {
  chromium: {
    ...COMMON,
    beaconOver64KiB: 'refused',
    cookies: { '127.0.0.1': 'kept', localhost: 'kept', secureOnHttpLoopback: 'kept' },
    noStoreBackForward: 'reloaded', // a `no-store` page that fetched from script leaves the back-forward cache
    globalPrivacyControl: 'undefined',
    doNotTrack: 'null',
    // A fetch without keepalive still open when the page is left: Chromium keeps it open while the page
    // sits in the back-forward cache; Firefox and WebKit cancel it before pagehide (seen by the engines
    // test 'page left while a big batch is open', not by the probes).
    openFetchOnLeave: 'kept open (back-forward cache)',
  },
  firefox: {
    ...COMMON,
    beaconOver64KiB: 'queued', // no 64 KiB beacon limit
    cookies: { '127.0.0.1': 'kept', localhost: 'kept', secureOnHttpLoopback: 'kept' },
    noStoreBackForward: 'reloaded',
    globalPrivacyControl: 'false', // exposed (true only when the user turns GPC on)
    doNotTrack: 'unspecified',
    openFetchOnLeave: 'cancelled', // and the page is not kept in the back-forward cache
  },
  webkit: {
    ...COMMON,
    beaconOver64KiB: 'refused',
    // refuses `domain=localhost`, and Secure cookies on http:// even on loopback (not a secure context for cookies)
    cookies: { '127.0.0.1': 'kept', localhost: 'refused', secureOnHttpLoopback: 'refused' },
    noStoreBackForward: 'restored',
    globalPrivacyControl: 'undefined',
    doNotTrack: 'undefined',
    openFetchOnLeave: 'cancelled',
  },
};
