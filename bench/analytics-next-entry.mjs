// The one way every benchmark loads @segment/analytics-next: its npm entry (bundled locally with
// esbuild by the caller), given `cdnSettings` so it never fetches settings from a CDN, sending over
// plain http to the local endpoint. `settings` is JS source for an expression yielding
// `{ writeKey, apiHost }` in the page; `after` is JS source run after load() (e.g. analytics.page()).

/** The entry module's source text. */
export function analyticsNextEntry(settings, after = '') {
  return `import { AnalyticsBrowser } from '@segment/analytics-next';
const { writeKey, apiHost } = ${settings};
const analytics = AnalyticsBrowser.load({
  writeKey,
  cdnURL: location.origin,
  cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: 'http' } }, metrics: { sampleRate: 0 } },
});
${after}
analytics.then(([instance]) => { window.benchTarget = instance; });
`;
}
