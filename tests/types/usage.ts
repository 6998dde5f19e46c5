// analytics-next's documented usage patterns (its README and docs), with only the import changed: all of this
// must compile under `strict` against wasm-analytics's index.d.ts (tests/e2e/types.test.mjs runs tsc --noEmit).
import { AnalyticsBrowser } from 'wasm-analytics';
import type { Analytics, AnalyticsSnippet, Context, Plugin, InitOptions, MiddlewareFunction, SegmentEvent, UserTraits } from 'wasm-analytics';
import wasmUrl from 'wasm-analytics/wasm';

const writeKey = '<YOUR_WRITE_KEY>';

// "Using with npm": load once, export, call anywhere.
export const analytics = AnalyticsBrowser.load({ writeKey });
analytics.identify('hello world');
document.body?.addEventListener('click', () => {
  analytics.track('document body clicked!');
});

// Lazy initialisation: create now, load later.
export const lazy = new AnalyticsBrowser();
lazy.load({ writeKey });
lazy.track('queued before load');

// Handling initialisation errors.
AnalyticsBrowser.load({ writeKey }).catch((err) => console.error(err)).finally(() => undefined);

// The loaded instance and the initial context.
export async function instance(): Promise<string> {
  const [loaded, context] = await AnalyticsBrowser.load({ writeKey });
  loaded.track('from the instance');
  const standalone: Analytics = await AnalyticsBrowser.standalone(writeKey);
  standalone.page();
  return context.event.type + (analytics.instance?.VERSION ?? '');
}

// Settings: a proxy host through integrations['Segment.io'], and the top-level options.
const options: InitOptions = {
  integrations: { 'Segment.io': { apiHost: 'proxy.example.com/v1', protocol: 'https', deliveryStrategy: { strategy: 'batching', config: { size: 10, timeout: 5000 } } }, Amplitude: false },
  initialPageview: true,
  retryQueue: true,
  cookie: { domain: 'example.com', maxage: 365, sameSite: 'Lax' },
  storage: { stores: ['cookie', 'localStorage', 'memory'] },
  user: { cookie: { key: 'ajs_user_id' }, localStorage: { key: 'ajs_user_traits' } },
  group: { cookie: { key: 'ajs_group_id' } },
  disable: (cdnSettings) => !cdnSettings,
};
AnalyticsBrowser.load({ writeKey, wasmUrl }, options);

// Properties and traits: interfaces, Dates, Record<string, unknown>, nested objects.
interface Order { orderId: string; total: number; placedAt: Date; items: { sku: string }[] }
const order: Order = { orderId: 'o1', total: 9.5, placedAt: new Date(), items: [{ sku: 'a' }] };
const loose: Record<string, unknown> = { anything: 1 };
analytics.track('Order Completed', order);
analytics.track('Loose', loose, { context: { ip: '0.0.0.0' }, integrations: { All: false, Mixpanel: true } });
analytics.track('With callback', { a: 1 }, {}, (ctx) => console.log(ctx.event.messageId));
analytics.page();
analytics.page('Docs');
analytics.page('Docs', 'Install', { section: 1 });
analytics.page({ path: '/custom' });
analytics.screen('Home');
const traits: UserTraits = { email: 'a@example.com', createdAt: new Date(), plan: 'pro' };
analytics.identify('user-1', traits);
analytics.identify({ anonymousTrait: true });
analytics.group('org-1', { name: 'Org' });
analytics.alias('user-2', 'user-1');
analytics.reset();
analytics.setAnonymousId('anon-1');
analytics.ready(() => console.log('ready'));
analytics.on('track', (event, properties, opts) => console.log(event, properties, opts)).on('page', () => undefined);
analytics.debug(true).once('identify', () => undefined);
analytics.trackLink(document.getElementById('free-trial-link'), 'Clicked Free-Trial Link', { plan: 'Enterprise' });
analytics.trackSubmit(document.querySelectorAll('form'), 'Signed Up');

export async function results(): Promise<unknown[]> {
  const ctx: Context = await analytics.track('Awaited');
  const event: SegmentEvent = ctx.event;
  const user = await analytics.user();
  const group = await analytics.group();
  return [event.properties, user.id(), user.anonymousId(), user.traits(), group.id(), ctx.failedDelivery()?.reason];
}

// Plugins: an enrichment plugin and a destination.
const enrich: Plugin = {
  name: 'Enrich',
  type: 'enrichment',
  version: '1.0.0',
  isLoaded: () => true,
  load: () => Promise.resolve(),
  track: (ctx) => {
    ctx.updateEvent('properties.enriched', true);
    return ctx;
  },
  identify: (ctx) => ctx,
};
const destination: Plugin = {
  name: 'My Destination',
  type: 'destination',
  version: '1.0.0',
  isLoaded: () => true,
  load: async (_ctx, instance) => { instance.user(); },
  track: async (ctx) => {
    await fetch('https://example.com', { method: 'POST', body: JSON.stringify(ctx.event) });
    return ctx;
  },
};
const gate: Plugin = {
  name: 'Gate', type: 'before', version: '1.0.0', isLoaded: () => true, load: async () => undefined,
  track: (ctx) => (ctx.event.event === 'secret' ? ctx.cancel() : ctx),
};
analytics.register(enrich, destination, gate).then((ctx) => ctx.event);
analytics.deregister('Gate');

// Middleware.
const source: MiddlewareFunction = ({ payload, next, integrations }) => {
  if (payload.obj.type === 'track' && payload.event() === 'drop me') return;
  payload.obj.context = { ...payload.obj.context, fromMiddleware: true, user: payload.userId() ?? payload.anonymousId() };
  next(payload);
  void integrations;
};
analytics.addSourceMiddleware(source);
analytics.addDestinationMiddleware('amplitude', ({ payload, next }) => {
  payload.obj.properties = { ...payload.obj.properties, hello: 'from the other side' };
  next(payload);
});

// The snippet's window.analytics, typed.
declare global { interface Window { analytics: AnalyticsSnippet } }
window.analytics.track('from the snippet');
window.analytics.load(writeKey, { initialPageview: false });

// React's useMemo pattern: a factory returning the proxy.
export const useAnalytics = (key: string): AnalyticsBrowser => AnalyticsBrowser.load({ writeKey: key });
