// A page's query as analytics.js's Page Enrichment reads it (src/browser/host.js `hostQuery`, the platform
// side of src/core/event/campaign.rs `ReadQuery`): `utm_*` → `context.campaign` with `+`-as-space graceful
// percent-decoding, the first `btid` / `urid` → the ad `context.referrer`. Each row is checked against the
// expected text AND, for the campaign, against analytics-next's own `utm()`; hostile queries (malformed
// escapes, `%`, lone surrogates, `?` and `=` inside values, `__proto__`, a huge query) still give valid JSON
// holding every valid pair. When the core applies it (a query, no campaign set, the stored referrer
// otherwise) is tested on the host (src/core/event/envelope/tests.rs); the wire end to end in events.test.mjs
// and payload-compat.test.mjs.
// Environment: Node's test runner only; no browser (hostQuery uses only the language).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { hostQuery } from '../../src/browser/host.js';

const { utm } = createRequire(import.meta.url)('@segment/analytics-next/dist/cjs/plugins/env-enrichment/index.js');
const read = (search) => JSON.parse(hostQuery(search));

test('utm_* keys become context.campaign exactly as analytics-next reads them', () => {
  const rows = [
    ['?utm_source=g&utm_campaign=spring', '{"source":"g","name":"spring"}'],
    ['utm_source=g', '{"source":"g"}'],
    ['?q=1', '{}'],
    ['?', '{}'],
    ['?utm_term=a+b%20c&utm_content=%E2%9C%93', '{"term":"a b c","content":"✓"}'],
    ['?utm_term=100%&x', '{"term":"100%"}'],
    ['?utm_term=a+%ZZ', '{"term":"a+%ZZ"}'],
    ['?utm_term=%C3', '{"term":"%C3"}'],
    ['?utm_term=%C0%80', '{"term":"%C0%80"}'],
    ['?utm_term=%ED%A0%80', '{"term":"%ED%A0%80"}'],
    ['?utm_term=%F4%90%80%80', '{"term":"%F4%90%80%80"}'],
    ['?utm_term=%F0%9F%8E%89%E2%82%AC%C3%A9', '{"term":"🎉€é"}'],
    ['?utm_term=%E2%82', '{"term":"%E2%82"}'],
    ['?utm_term=%80', '{"term":"%80"}'],
    ['?utm_term=%', '{"term":"%"}'],
    ['?utm_medium', '{"medium":""}'],
    ['?utm_=x&utm_medium=m', '{"medium":"m"}'],
    ['?utm_source=a&utm_source=b&utm_medium=m', '{"source":"b","medium":"m"}'],
    ['?a=1?utm_source=s', '{"source":"s"}'],
    ['?utm_source=a?b=c', '{"source":"a"}'],
    ['?xutm_foo=1', '{"_foo":"1"}'],
    ['?utm_source=a=b', '{"source":"a"}'],
    ['?utm_campaign=%22q%22', '{"name":"\\"q\\""}'],
    ['?utm_campaign=%3Cscript%3E%5C', '{"name":"<script>\\\\"}'],
    // Integer-like keys come first, as in every JS object (analytics-next's too).
    ['?utm_source=s&utm_2=x', '{"2":"x","source":"s"}'],
  ];
  for (const [search, want] of rows) {
    assert.equal(JSON.stringify(read(search).campaign), want, search);
    assert.equal(JSON.stringify(read(search).campaign), JSON.stringify(utm(search)), `as analytics-next: ${search}`);
  }
});

test('the first btid / urid becomes the ad context.referrer, with its raw value', () => {
  const rows = [
    ['?btid=abc', { id: 'abc', type: 'dataxu' }],
    ['?x=1&urid=z%20', { id: 'z%20', type: 'millennial-media' }],
    ['?urid=1&btid=2', { id: '1', type: 'millennial-media' }],
    ['?btid', { type: 'dataxu' }],
    ['?btid=a=b', { id: 'a', type: 'dataxu' }],
    ['?q=1?btid=x', { id: 'x', type: 'dataxu' }],
    ['?utm_source=x', undefined],
    // Only the two ad keys: analytics-next looks keys up in a plain object, so `?constructor=1` gives it a
    // referrer typed as a function (dropped by JSON); here nothing.
    ['?constructor=1&__proto__=2&toString=3', undefined],
    ['?BTID=1', undefined],
  ];
  for (const [search, want] of rows) assert.deepEqual(read(search).referrer, want, search);
});

test('hostile queries give valid JSON and keep every valid pair', () => {
  // `utm___proto__` is kept (analytics-next's plain object swallows it into the prototype).
  assert.deepEqual(Object.entries(read('?utm___proto__=p&utm_constructor=c&utm_source=s').campaign),
    [['__proto__', 'p'], ['constructor', 'c'], ['source', 's']]);
  assert.equal(Object.getPrototypeOf({}).p, undefined, 'nothing reached Object.prototype');
  // A lone surrogate (in a page property's search) and an escaped one: JSON stays parseable.
  assert.deepEqual(read('?utm_term=\ud83d&utm_x=%uD83D').campaign, { term: '\ud83d', x: '%uD83D' });
  // A huge query: every pair read, in order.
  const many = Array.from({ length: 20_000 }, (_, i) => `utm_k${i}=v%20${i}`).join('&');
  const campaign = read('?' + many + '&btid=last').campaign;
  assert.equal(Object.keys(campaign).length, 20_000);
  assert.equal(campaign.k19999, 'v 19999');
  assert.deepEqual(read('?' + 'x'.repeat(1_000_000) + '&urid=r').referrer, { id: 'r', type: 'millennial-media' });
  for (const search of ['%', '?%%%', '?&&&', '?===', '?utm_=', '?=utm_x', '????', '?utm_a=%E0%A4%A', '?utm_a=\u0000\n"\\']) {
    const text = hostQuery(search);
    assert.equal(typeof JSON.parse(text).campaign, 'object', search);
  }
});
