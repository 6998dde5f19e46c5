// A site's own code, written for @segment/analytics-next with only the import changed: load once at module
// scope (Segment's "create once" pattern), call before and after load. tests/e2e/consumers.test.mjs builds it
// with each bundler, from the `npm pack` tarball, with no bundler configuration about wasm.
import { AnalyticsBrowser } from 'wasm-analytics';

const params = new URLSearchParams(location.search);
const run = params.get('run');

export const analytics = AnalyticsBrowser.load({ writeKey: params.get('writeKey'), apiHost: params.get('apiHost') });

analytics.track('Consumer Loaded', { run, bundler: params.get('bundler') });

window.app = {
  errors: [],
  done: analytics.then(async ([instance, ctx]) => {
    const after = await analytics.track('Consumer After Load', { run });
    await instance.flush();
    return { system: ctx.event.event, sent: after.event.event, version: analytics.VERSION };
  }),
};
analytics.on('error', (e) => window.app.errors.push(e.message));
