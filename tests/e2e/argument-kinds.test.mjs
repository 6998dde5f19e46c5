// The facade's argument classifier (www/src/serialize.js `kindOf`) over a table of hostile and foreign
// values: objects made in another realm (Node's vm contexts stand in for an iframe) are plain objects like
// this realm's; class instances, arrays, dates and exotic objects are not; nothing throws.
// Environment: Node only (no browser, no build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { kindOf } from '../../www/src/serialize.js';

const foreign = (source) => vm.runInNewContext(source);
const revoked = (() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })();
const trapThrows = new Proxy({}, { getPrototypeOf() { throw new Error('hostile trap'); } });
class Plan { constructor() { this.name = 'pro'; } }

const TABLE = [
  ['{}', {}, 'o'],
  ['{a: 1}', { a: 1 }, 'o'],
  ['Object.create(null)', Object.create(null), 'o'],
  ['object from another realm', foreign('({ n: 7, nested: { list: [1] } })'), 'o'],
  ['null-prototype object from another realm', foreign('Object.create(null)'), 'o'],
  ['proxy of a plain object', new Proxy({ a: 1 }, {}), 'o'],
  ['class instance', new Plan(), '?'],
  ['class instance from another realm', foreign('new (class A {})()'), '?'],
  ['Object.create({a: 1})', Object.create({ a: 1 }), '?'],
  ['array', [1, 2], '?'],
  ['array from another realm', foreign('[1, 2]'), '?'],
  ['Date', new Date(0), '?'],
  ['Map', new Map(), '?'],
  ['revoked proxy', revoked, '?'],
  ['proxy whose getPrototypeOf trap throws', trapThrows, '?'],
  ['string', 'x', 's'],
  ['finite number', 1.5, 'n'],
  ['NaN', NaN, '?'],
  ['function', () => {}, 'f'],
  ['null', null, 'x'],
  ['undefined', undefined, 'u'],
  ['symbol', Symbol('s'), '?'],
  ['bigint', 10n, '?'],
];

for (const [name, value, want] of TABLE) {
  test(`kindOf(${name}) is '${want}'`, () => {
    assert.equal(kindOf(value), want);
  });
}
