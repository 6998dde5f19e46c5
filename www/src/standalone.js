// The script the snippet loads: start the library with the snippet's write key and options,
// replay what the snippet queued, and take over `window.analytics`.

import { start, replay, takeSavedCalls } from './load.js';

const stub = window.analytics;
if (Array.isArray(stub) && !stub.initialized) {
  start(stub._writeKey, stub._loadOptions, stub._loadOptions && stub._loadOptions.wasmUrl).then(
    (analytics) => {
      const queued = takeSavedCalls().concat(stub.splice(0, stub.length));
      window.analytics = analytics;
      replay(analytics, queued);
    },
    (error) => console.warn('[wasm-analytics] failed to load', error),
  );
}
