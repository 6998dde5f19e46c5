// A site's own code: import the package the way its README says, load it, track.
// The test serves the esbuild bundle of this file with the package's .wasm copied next to it.
import { AnalyticsBrowser } from 'wasm-analytics';

const params = new URLSearchParams(location.search);
const settings = { writeKey: params.get('writeKey'), apiHost: params.get('apiHost') };
if (params.get('wasmUrl')) settings.wasmUrl = params.get('wasmUrl');

export const analytics = AnalyticsBrowser.load(settings);

// Called before the wasm is ready: queued by the proxy, sent once it is.
analytics.track('Bundled App Loaded', { bundler: 'esbuild' });
analytics.identify('bundled-user', { plan: 'trial' });

window.app = { analytics, ready: analytics.then(([instance]) => { window.app.instance = instance; return true; }) };
