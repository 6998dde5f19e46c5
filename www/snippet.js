/*! wasm-analytics snippet: defines window.analytics, queues calls (with page context and time)
 * until the library has loaded, then the library replays them in the order they were made.
 * If the visitor leaves before the library arrives, the queued calls are saved to localStorage
 * (`wa:snippet-calls:v1`) and replayed by the next page that loads the library. */
(function () {
  var analytics = (window.analytics = window.analytics || []);
  // Included twice (a tag manager, an SPA re-render): leave the first snippet's queue, or the loaded
  // library (analytics.js marks it with `initialize`, ours with `initialized`), untouched.
  if (analytics.initialize || analytics.initialized || analytics.invoked) return console.error('wasm-analytics snippet included twice.');
  analytics.invoked = true;
  // The same list as BUFFERED in src/methods.js (tests/e2e/methods.test.mjs checks it). The first six make an
  // event: the page is captured when they are called.
  analytics.methods = ('track screen alias group page identify trackSubmit trackClick trackLink trackForm ' +
    'pageview reset ready debug once off on addSourceMiddleware addIntegrationMiddleware setAnonymousId ' +
    'addDestinationMiddleware register deregister flush timeout consent').split(' ');
  analytics.factory = function (method) {
    return function () {
      if (window.analytics.initialized) return window.analytics[method].apply(window.analytics, arguments);
      var args = [method].concat([].slice.call(arguments));
      // One of the first six methods (`>>> 0` makes indexOf's -1, a method not listed, a large number).
      if (analytics.methods.indexOf(method) >>> 0 < 6) {
        var canonical = document.querySelector("link[rel='canonical']");
        args.push({ __t: 'bpc', c: canonical && canonical.getAttribute('href'),
          p: location.pathname, u: location.href, s: location.search, t: document.title,
          r: document.referrer, d: Date.now() });
      }
      analytics.push(args);
      return analytics;
    };
  };
  analytics.methods.forEach(function (method) { analytics[method] = analytics.factory(method); });
  analytics.load = function (writeKey, options) {
    // A script added this way is async; every browser that runs module scripts has document.head.
    var script = document.createElement('script');
    script.type = 'module';
    script.src = (options && options.scriptUrl) || (analytics._cdn || '/dist') + '/wasm-analytics.js';
    document.head.appendChild(script);
    analytics._writeKey = writeKey;
    analytics._loadOptions = options;
  };
  addEventListener('pagehide', function () {
    if (window.analytics.initialized || !analytics.length) return;
    // Consent may be pending or denied (required, or Global Privacy Control) and no grant is remembered: store nothing.
    var consent = analytics._loadOptions && analytics._loadOptions.consent;
    if (((consent && consent.required) || navigator.globalPrivacyControl) && !/(^|; )wa_consent=g/.test(document.cookie)) return;
    // One call at a time: a call whose arguments cannot be serialised (a cycle, a BigInt, window)
    // is the only one lost.
    var key = 'wa:snippet-calls:v1', saved = [];
    try { saved = [].concat(JSON.parse(localStorage.getItem(key)) || []); } catch (e) {}
    analytics.forEach(function (call) {
      try { saved.push(JSON.parse(JSON.stringify(call))); } catch (e) {}
    });
    try { localStorage.setItem(key, JSON.stringify(saved)); analytics.length = 0; } catch (e) {}
  });
  analytics.SNIPPET_VERSION = 'wa-1';
})();
