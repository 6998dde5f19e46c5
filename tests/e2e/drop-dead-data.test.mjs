// The data rewrite scripts/opt-wasm runs after wasm-opt (www/drop-dead-data.mjs): it zeroes exactly the
// DEAD_DATA constants nothing points at, in place, and refuses a module where a row is missing or only found
// pointed at (fail-closed). Modules are made here with binaryen. Environment: Node's test runner; no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import binaryen from 'binaryen';
import { dropDeadData, DEAD_DATA } from '../../www/drop-dead-data.mjs';

const BASE = 1024;
const KEPT = 'kept: a string the code reads';
/** One text per DEAD_DATA row, as std lays it out (argument markers as rustc 1.9x writes them). */
const SAMPLES = [
  'capacity overflow',
  Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''),
  'attempt to divide by zero',
  'index out of bounds: the len is \u00c0\u0012 but the index is ',
  'removal index (is \u00c0\u0016) should be < len (is ',
  'assertion failed: self.is_char_boundary(new_len)',
];

/** A module whose one data segment at BASE holds KEPT, then `rows` (DEAD_DATA texts by default) and `word`, with an
 * export `read(i)` loading byte `i` and an export `pointer` answering `pointsAt` (an address, when given). */
function moduleWith({ rows = SAMPLES, pointsAt = BASE, word, tail = [] } = {}) {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.BulkMemory);
  let data = Uint8Array.from(KEPT + rows.join(''), (c) => c.charCodeAt(0));
  if (word !== undefined) {
    // `word` as an aligned little-endian u32 after the rows (a pointer in a static table).
    const at = Math.ceil(data.length / 4) * 4;
    const grown = new Uint8Array(at + 4);
    grown.set(data);
    new DataView(grown.buffer).setUint32(at, word, true);
    data = grown;
  }
  data = Uint8Array.from([...data, ...tail]);
  m.setMemory(1, 1, 'memory', [{ offset: m.i32.const(BASE), data, passive: false }]);
  const i32 = binaryen.i32;
  m.addFunction('read', i32, i32, [], m.i32.load8_u(0, 1, m.local.get(0, i32)));
  m.addFunction('pointer', binaryen.none, i32, [], m.i32.const(pointsAt));
  m.addFunctionExport('read', 'read');
  m.addFunctionExport('pointer', 'pointer');
  assert.ok(m.validate());
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}

/** A source path at the end of the data rows (after `at` bytes of them) and a Location pointing at it. */
const PATH = 'src/core/json.rs';
function withLocation(rowBytes) {
  const pathAt = BASE + Math.ceil(rowBytes / 4) * 4;
  const tail = [...new Array(pathAt - BASE - rowBytes).fill(0), ...Array.from(PATH, (c) => c.charCodeAt(0)), 0, 0, 0, 0];
  const locationAt = pathAt + PATH.length + 4;
  const words = [pathAt, PATH.length, 45, 11];
  for (const w of words) tail.push(w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, w >>> 24);
  return { tail, pathAt, locationAt };
}
const deadBytes = SAMPLES.reduce((n, t) => n + t.length, 0);
const rowBytes = KEPT.length + deadBytes;

const run = async (bytes) => (await WebAssembly.instantiate(bytes)).instance.exports;
const text = (exports, from, length) => String.fromCharCode(...Array.from({ length }, (_, i) => exports.read(from + i)));

test('each sample is its DEAD_DATA row', () => {
  assert.equal(SAMPLES.length, DEAD_DATA.length);
  DEAD_DATA.forEach(([what, pattern], i) => assert.match(SAMPLES[i], new RegExp(`^${pattern.source}$`), what));
});

test('every DEAD_DATA row is zeroed in place; the rest of the data and the code are untouched', async () => {
  const before = moduleWith();
  const after = dropDeadData(before);
  assert.equal(after.length, before.length);
  const exports = await run(after);
  assert.equal(text(exports, BASE, KEPT.length), KEPT);
  assert.equal(text(exports, BASE + KEPT.length, deadBytes), '\0'.repeat(deadBytes));
  assert.equal(exports.pointer(), BASE);
});

test('a source path and the Location pointing at it are zeroed when nothing points at the Location', async () => {
  const { tail, pathAt, locationAt } = withLocation(rowBytes);
  const exports = await run(dropDeadData(moduleWith({ tail })));
  assert.equal(text(exports, pathAt, locationAt + 16 - pathAt), '\0'.repeat(locationAt + 16 - pathAt));
  assert.equal(text(exports, BASE, KEPT.length), KEPT);
});

test('a Location the code points at keeps itself and its source path', async () => {
  const { tail, pathAt, locationAt } = withLocation(rowBytes);
  const exports = await run(dropDeadData(moduleWith({ tail, pointsAt: locationAt })));
  assert.equal(text(exports, pathAt, PATH.length), PATH);
  assert.equal(exports.read(locationAt + 8), 45);
});

test('fail-closed: a row that is missing, or only found pointed at, stops the build', () => {
  const cases = [
    ['a row missing (std changed the message)', { rows: SAMPLES.slice(1) }, /raw_vec capacity_overflow panic message: not in the data/],
    ['a row still read by the code', { pointsAt: BASE + KEPT.length + 3 }, /still pointed at/],
    ['a row pointed at by the data', { word: BASE + KEPT.length + 5 }, /still pointed at/],
    ['a message pointed at by its first byte (its pieces go with it)', { pointsAt: BASE + KEPT.length + SAMPLES.slice(0, 3).join('').length }, /bounds check panic message: still pointed at/],
    ['a pointer past the rows is no reason to stop', { word: BASE + 4096 }, null],
  ];
  for (const [what, shape, message] of cases) {
    if (message) assert.throws(() => dropDeadData(moduleWith(shape)), message, what);
    else assert.doesNotThrow(() => dropDeadData(moduleWith(shape)), what);
  }
});

test('a row found twice: the copy nothing points at is zeroed, the one pointed at stays', async () => {
  const live = BASE + rowBytes; // the second copy of the first row, right after the others
  const exports = await run(dropDeadData(moduleWith({ rows: [...SAMPLES, SAMPLES[0]], pointsAt: live })));
  assert.equal(text(exports, BASE + KEPT.length, SAMPLES[0].length), '\0'.repeat(SAMPLES[0].length));
  assert.equal(text(exports, live, SAMPLES[0].length), SAMPLES[0]);
});
