// Type-checks against the package's index.d.ts (tsc --noEmit in the bundler test): the analytics.js
// call forms a TypeScript site writes must compile, and wrong ones must not (see the @ts-expect-error lines).
import { AnalyticsBrowser, type Context, type InitOptions } from 'wasm-analytics';

const options: InitOptions = { cookie: { maxage: 7 }, integrations: { Amplitude: true } };
const analytics = AnalyticsBrowser.load({ writeKey: 'typed', apiHost: 'http://127.0.0.1:1/v1' }, options);

export async function calls(): Promise<string[]> {
  const ctx: Context = await analytics.track('Typed', { n: 1 }, { context: { ip: '1.2.3.4' } });
  await analytics.page('Docs', 'Install', { p: 1 });
  await analytics.page();
  await analytics.identify('u1', { email: 'a@b.c' });
  await analytics.group('g1', { plan: 'pro' });
  await analytics.alias('u2', 'u1');
  await analytics.track('With callback', {}, {}, (c) => c?.event.messageId);
  const [instance] = await analytics;
  instance.on('track', (event: string) => event);
  // @ts-expect-error the event name must be a string
  await analytics.track(42);
  // @ts-expect-error apiHost is a string, not a number
  AnalyticsBrowser.load({ writeKey: 'x', apiHost: 1 });
  return [ctx.event.messageId ?? '', instance.user().anonymousId() ?? ''];
}
