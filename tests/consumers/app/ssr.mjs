// Server-side rendering: the package imported (ESM, then require) under Node, loaded at module scope, called.
// Must print one JSON line and nothing on stderr: no crash, no unhandled rejection, no warning.
import { createRequire } from 'node:module';
import { AnalyticsBrowser } from 'wasm-analytics';

process.on('unhandledRejection', (e) => { console.error('unhandledRejection', e); process.exitCode = 1; });
const analytics = AnalyticsBrowser.load({ writeKey: 'ssr' });
const early = await analytics.track('On The Server', { n: 1 });
const [instance, ctx] = await analytics;
const late = await instance.track('Later');
await analytics.identify('u1');
analytics.page();
const required = createRequire(import.meta.url)('wasm-analytics');
console.log(JSON.stringify({
  early: early.event.type, late: late.event.type, system: ctx.event.event, initialized: instance.initialized,
  required: typeof required.AnalyticsBrowser.load, user: instance.user().id(),
}));
