// The demo end to end: the real collector binary on 127.0.0.1 (fresh SQLite file) serving www/, the demo
// shop pages loading the library through the script-tag snippet, and the inspector page. A visitor browses
// anonymously, then signs up; the collector's read API must show ONE profile holding the anonymous
// history, and the inspector must show it (event content as text, never HTML).
// Needs: the library built into www/dist (scripts/build) and the collector binary (built here if missing).
// Environment: Node's test runner, playwright-core, /usr/bin/chromium. COLLECTOR_BIN overrides the binary.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startCollector, eventually, WWW } from './lib/collector.mjs';
import { openPage, closeSharedBrowser } from './lib/browser.mjs';

const LIBRARY = path.join(WWW, 'dist', 'wasm-analytics.js');

let collector;
before(async () => { collector = await startCollector(); });
after(async () => {
  await closeSharedBrowser();
  collector?.close();
});

async function api(p) {
  const r = await fetch(collector.origin + p);
  assert.equal(r.status, 200, `${p} → ${r.status}`);
  return r.json();
}

/** Opens a demo page and waits until the snippet has been replaced by the loaded library. */
async function openDemo(page, p) {
  await page.goto(collector.origin + p);
  try {
    await page.waitForFunction(() => window.analytics && window.analytics.initialized === true, null, { timeout: 10000 });
  } catch (e) {
    const hint = existsSync(LIBRARY) ? 'the library did not initialize' : `the library is not built (${LIBRARY} missing: run scripts/build)`;
    assert.fail(`${p}: ${hint}; page errors: ${JSON.stringify(page.errors)}`);
  }
}

test('demo pages and inspector are served by the collector with the right types', async () => {
  for (const [p, type] of [['/demo/', 'text/html'], ['/demo/signup.html', 'text/html'], ['/demo/demo.js', 'text/javascript'],
    ['/inspector/', 'text/html'], ['/inspector/inspector.js', 'text/javascript'], ['/snippet.js', 'text/javascript']]) {
    const r = await fetch(collector.origin + p);
    assert.equal(r.status, 200, p);
    assert.ok(r.headers.get('content-type').startsWith(type), `${p}: ${r.headers.get('content-type')}`);
  }
});

test('browse anonymously → sign up → one profile holds the anonymous history; the inspector shows it', async (t) => {
  const { page } = await openPage(t);
  await openDemo(page, '/demo/');
  const anonymousId = await page.evaluate(() => window.analytics.user().anonymousId());
  assert.ok(anonymousId, 'an anonymousId is assigned on the first visit');
  await page.click('[data-product="kettle-2"]');
  await page.click('[data-product="grinder-3"]');
  await eventually(async () => {
    const p = (await fetch(`${collector.origin}/api/profiles/${encodeURIComponent(anonymousId)}`));
    return p.status === 200 && (await p.json()).timeline.filter((e) => e.event === 'Product Viewed').length === 2;
  }, 'the two anonymous Product Viewed events');

  await openDemo(page, '/demo/signup.html');
  await page.fill('input[name=name]', 'Peter <b>Gibbons</b>');
  await page.fill('input[name=email]', 'peter@example.com');
  await page.click('button[type=submit]');
  const userId = await page.evaluate(() => window.demo.userIdFor('peter@example.com'));

  const profile = await eventually(async () => {
    const r = await fetch(`${collector.origin}/api/profiles/${encodeURIComponent(userId)}`);
    if (r.status !== 200) return null;
    const p = await r.json();
    return p.timeline.some((e) => e.type === 'track' && e.event === 'Signed Up') ? p : null;
  }, 'the identified profile with Signed Up');
  assert.deepEqual(profile.userIds, [userId]);
  assert.ok(profile.anonymousIds.includes(anonymousId), `anonymous id ${anonymousId} joined: ${JSON.stringify(profile.anonymousIds)}`);
  assert.equal(profile.traits.email, 'peter@example.com');
  const anonymous = profile.timeline.filter((e) => e.userId === null || e.userId === undefined);
  assert.ok(anonymous.some((e) => e.type === 'page'), 'the anonymous page view is in the timeline');
  assert.equal(anonymous.filter((e) => e.event === 'Product Viewed').length, 2, 'both anonymous product views are in the timeline');
  assert.ok(profile.timeline.some((e) => e.type === 'identify' && e.userId === userId), 'the identify is in the timeline');
  const holders = (await api('/api/profiles')).profiles.filter((p) => p.anonymousIds.includes(anonymousId) || p.userIds.includes(userId));
  assert.equal(holders.length, 1, `exactly one profile holds the visitor: ${JSON.stringify(holders)}`);

  // The inspector shows the profile with both ids and the history; data is text, never markup.
  const { page: inspector } = await openPage(t);
  await inspector.goto(collector.origin + '/inspector/');
  const row = inspector.locator(`#profiles li[data-profile-id="${profile.profileId}"]`);
  await row.waitFor({ timeout: 10000 });
  assert.match(await row.textContent(), new RegExp(anonymousId));
  await row.click();
  await inspector.locator('#detail .traits').waitFor();
  const detail = await inspector.locator('#detail').textContent();
  assert.ok(detail.includes(userId) && detail.includes(anonymousId), 'both ids are listed');
  assert.ok(detail.includes('Peter <b>Gibbons</b>'), 'the trait is shown literally');
  assert.equal(await inspector.locator('#detail b, #profiles b').count(), 0, 'no markup from event data');
  await inspector.locator('#events li', { hasText: 'Signed Up' }).first().waitFor();

  // A new event arrives live over /api/stream.
  await openDemo(page, '/demo/');
  await page.click('[data-product="cup-1"]');
  await inspector.locator('#events li.fresh', { hasText: 'Product Viewed' }).first().waitFor({ timeout: 10000 });
  assert.deepEqual(inspector.errors, [], 'the inspector threw nothing');
  assert.deepEqual(page.errors, [], 'the demo pages threw nothing');
});

test('a second device that logs in joins the profile; one that never logs in stays anonymous; logout starts a new visitor', async (t) => {
  const email = 'second-device@example.com';
  const { page: laptop } = await openPage(t);
  await openDemo(laptop, '/demo/signup.html');
  const laptopAnon = await laptop.evaluate(() => window.analytics.user().anonymousId());
  await laptop.fill('input[name=name]', 'Sam');
  await laptop.fill('input[name=email]', email);
  await laptop.click('button[type=submit]');
  const userId = await laptop.evaluate((e) => window.demo.userIdFor(e), email);

  const { page: phone } = await openPage(t); // a separate context: its own cookies and storage
  await openDemo(phone, '/demo/');
  const phoneAnon = await phone.evaluate(() => window.analytics.user().anonymousId());
  await phone.click('[data-product="cup-1"]');
  const { page: tablet } = await openPage(t);
  await openDemo(tablet, '/demo/');
  const tabletAnon = await tablet.evaluate(() => window.analytics.user().anonymousId());
  await openDemo(phone, '/demo/login.html');
  await phone.fill('input[name=email]', email);
  await phone.click('button[type=submit]');

  const profile = await eventually(async () => {
    const r = await fetch(`${collector.origin}/api/profiles/${encodeURIComponent(userId)}`);
    const p = r.status === 200 ? await r.json() : null;
    return p && p.anonymousIds.includes(laptopAnon) && p.anonymousIds.includes(phoneAnon) && p.timeline.some((e) => e.event === 'Logged In') ? p : null;
  }, 'both devices in one profile');
  assert.ok(profile.timeline.some((e) => e.event === 'Product Viewed' && e.anonymousId === phoneAnon && !e.userId), 'the phone\'s anonymous history joined');
  const tabletProfile = await eventually(async () => {
    const r = await fetch(`${collector.origin}/api/profiles/${encodeURIComponent(tabletAnon)}`);
    return r.status === 200 ? r.json() : null;
  }, 'the tablet profile');
  assert.notEqual(tabletProfile.profileId, profile.profileId);
  assert.deepEqual(tabletProfile.userIds, []);

  await openDemo(phone, '/demo/logout.html');
  await openDemo(phone, '/demo/');
  const afterLogout = await phone.evaluate(() => [window.analytics.user().anonymousId(), window.analytics.user().id()]);
  assert.notEqual(afterLogout[0], phoneAnon, 'reset() gave the phone a new anonymousId');
  assert.equal(afterLogout[1], null);
  const fresh = await eventually(async () => {
    const r = await fetch(`${collector.origin}/api/profiles/${encodeURIComponent(afterLogout[0])}`);
    return r.status === 200 ? r.json() : null;
  }, 'the new visitor after logout');
  assert.notEqual(fresh.profileId, profile.profileId, 'the new visitor is not merged into the logged-out user');
});
