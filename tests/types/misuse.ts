// Code that must NOT compile against wasm-analytics's types: each line after `@ts-expect-error` is an error
// tsc must report (tsc fails on an unused @ts-expect-error, so a type that became too loose fails the test).
import { AnalyticsBrowser } from 'wasm-analytics';
import type { Plugin } from 'wasm-analytics';

// @ts-expect-error writeKey is required
AnalyticsBrowser.load({});
// @ts-expect-error the settings are an object, not the writeKey
AnalyticsBrowser.load('key');
const analytics = AnalyticsBrowser.load({ writeKey: 'k' });
// @ts-expect-error the event name must be a string
analytics.track(42);
// @ts-expect-error properties are an object
analytics.track('x', 'not properties');
// @ts-expect-error apiHost is a string
AnalyticsBrowser.load({ writeKey: 'k' }, { integrations: { 'Segment.io': { apiHost: 1 } } });
// @ts-expect-error protocol is http or https
AnalyticsBrowser.load({ writeKey: 'k' }, { integrations: { 'Segment.io': { protocol: 'ftp' } } });
// @ts-expect-error initialPageview is a boolean
AnalyticsBrowser.load({ writeKey: 'k' }, { initialPageview: 'yes' });
// @ts-expect-error a store is cookie, localStorage or memory
AnalyticsBrowser.load({ writeKey: 'k' }, { storage: { stores: ['indexedDB'] } });
// @ts-expect-error a plugin type is one of five
const badType: Plugin = { name: 'p', type: 'sideways', isLoaded: () => true, load: async () => undefined };
// @ts-expect-error a plugin needs isLoaded and load
const incomplete: Plugin = { name: 'p', type: 'enrichment' };
export async function misuse(): Promise<void> {
  const [instance] = await analytics;
  // @ts-expect-error user() on the loaded instance is not a promise
  await instance.user().then(() => undefined);
  // @ts-expect-error reset() on the loaded instance returns nothing (on the proxy it is a promise)
  instance.reset().then(() => undefined);
  // @ts-expect-error the load result holds two values, not three
  const [, , third] = await AnalyticsBrowser.load({ writeKey: 'k' });
  // @ts-expect-error register takes plugins, not names
  await analytics.register('Enrich');
  void [badType, incomplete, third];
}
