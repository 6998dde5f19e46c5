// Segment's "create once" pattern for Next.js: the proxy is created at module scope, so it also runs during
// server prerendering, where it must stay inert and silent.
import { AnalyticsBrowser } from 'wasm-analytics';

const params = typeof location === 'undefined' ? new URLSearchParams() : new URLSearchParams(location.search);
export const run = params.get('run');
export const analytics = AnalyticsBrowser.load({ writeKey: params.get('writeKey') || 'server', apiHost: params.get('apiHost') || undefined });
