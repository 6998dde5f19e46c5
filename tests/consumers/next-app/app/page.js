'use client';
// A client page written for @segment/analytics-next, with only the import changed (tests/e2e/consumers.test.mjs).
import { useEffect } from 'react';
import { analytics, run } from './analytics.js';

export default function Page() {
  useEffect(() => {
    window.app = { errors: [] };
    analytics.on('error', (e) => window.app.errors.push(e.message));
    analytics.track('Consumer Loaded', { run, bundler: 'next' });
    window.app.done = analytics.then(async ([instance, ctx]) => {
      const after = await analytics.track('Consumer After Load', { run });
      await instance.flush();
      return { system: ctx.event.event, sent: after.event.event, version: analytics.VERSION };
    });
  }, []);
  return <h1>Next.js consumer</h1>;
}
