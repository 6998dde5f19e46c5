// The script the snippet loads: start the library with the snippet's write key and options,
// replay what the snippet queued, and take over `window.analytics`. When the wasm cannot be loaded
// the snippet stays in place (the failure named in the console): its calls are kept and saved at
// pagehide for the next page to replay, as when the visitor leaves before the library arrives.

import { start, replay, takeSavedCalls } from './load.js';

const stub = window.analytics;
if (Array.isArray(stub) && !stub.initialized) {
  start(stub._writeKey, stub._loadOptions, stub._loadOptions && stub._loadOptions.wasmUrl).then((analytics) => {
    if (analytics.loadError_) return;
    const queued = takeSavedCalls().concat(stub.splice(0, stub.length));
    window.analytics = analytics;
    replay(analytics, queued);
  });
}
