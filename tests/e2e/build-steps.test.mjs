// The wasm rewrite scripts/build runs before wasm-opt (www/drop-panic-fmt.mjs): it must cut what it promises
// and refuse a module of another shape (fail-closed). Modules are made here with binaryen, named like rustc's.
// Environment: Node's test runner; no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import binaryen from 'binaryen';
import { dropPanicFmt, PANIC_SLOTS } from '../../www/drop-panic-fmt.mjs';

const STD = 'std[a543996e6e7dbf1e]';
const CORE = 'core[c5930c85a12de822]';
const PANIC_FMT = `${CORE}::panicking::panic_fmt`;
/** One name per expected PANIC_SLOTS slot, as rustc's v0 names look in a release build. */
const PAYLOAD_FNS = [
  ...['fmt::Display>::fmt', 'panic::PanicPayload>::take_box', 'panic::PanicPayload>::get', 'panic::PanicPayload>::as_str']
    .map((m) => `<${STD}::panicking::panic_handler::StaticStrPayload as ${CORE}::${m}`),
  `${CORE}::ptr::drop_in_place::<${STD}::panicking::panic_handler::FormatStringPayload>`,
  ...['fmt::Display>::fmt', 'panic::PanicPayload>::take_box', 'panic::PanicPayload>::get']
    .map((m) => `<${STD}::panicking::panic_handler::FormatStringPayload as ${CORE}::${m}`),
  `<${STD}::panicking::begin_panic::Payload<&str> as ${CORE}::panic::PanicPayload>::as_str`,
  `<&str as ${CORE}::any::Any>::type_id`,
  `<alloc[3ca501edff3f0c7c]::string::String as ${CORE}::any::Any>::type_id`,
];

/** A module with `panic_fmt` (it returns 7 instead of trapping, so a test can see whether it was cut), the
 * given functions in table slots 1.., an export `panics` calling panic_fmt and `slot(i)` calling slot i. */
function moduleWith({ panicFmt = PANIC_FMT, slots = PAYLOAD_FNS } = {}) {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.ReferenceTypes | binaryen.Features.BulkMemory);
  const i32 = binaryen.i32;
  if (panicFmt) m.addFunction(panicFmt, binaryen.none, i32, [], m.i32.const(7));
  for (const name of new Set(slots)) m.addFunction(name, binaryen.none, i32, [], m.i32.const(1));
  m.addFunction('keep', binaryen.none, i32, [], m.i32.const(2));
  m.addTable('t', slots.length + 2, slots.length + 2);
  m.addActiveElementSegment('t', 'e', [...slots, 'keep'], m.i32.const(1));
  m.addFunction('panics', binaryen.none, i32, [], panicFmt ? m.call(panicFmt, [], i32) : m.i32.const(0));
  m.addFunction('slot', binaryen.i32, i32, [], m.call_indirect('t', m.local.get(0, i32), [], binaryen.none, i32));
  m.addFunctionExport('panics', 'panics');
  m.addFunctionExport('slot', 'slot');
  assert.ok(m.validate());
  binaryen.setDebugInfo(true);
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}

const run = async (bytes) => (await WebAssembly.instantiate(bytes)).instance.exports;

test('the test module is what drop-panic-fmt expects: one slot per PANIC_SLOTS count', () => {
  assert.equal(PAYLOAD_FNS.length, PANIC_SLOTS.reduce((n, [, , count]) => n + count, 0));
});

test('panic_fmt traps and every payload slot traps; the other slots and exports are untouched', async () => {
  const before = await run(moduleWith());
  assert.equal(before.panics(), 7);
  assert.equal(before.slot(1), 1);
  const after = await run(dropPanicFmt(moduleWith()));
  assert.throws(() => after.panics(), WebAssembly.RuntimeError);
  for (let i = 1; i <= PAYLOAD_FNS.length; i++) assert.throws(() => after.slot(i), WebAssembly.RuntimeError, `slot ${i}`);
  assert.equal(after.slot(PAYLOAD_FNS.length + 1), 2, 'a slot outside PANIC_SLOTS keeps its function');
});

test('fail-closed: a module of another shape stops the build', () => {
  const cases = [
    ['no panic_fmt (names stripped, or std renamed it)', { panicFmt: null }, /no function matches/],
    ['a payload slot missing (std changed its payload types)', { slots: PAYLOAD_FNS.slice(1) }, /StaticStrPayload methods: expected 4/],
    ['a payload slot twice', { slots: [...PAYLOAD_FNS, PAYLOAD_FNS.at(-1)] }, /type_id.*expected 2/],
    ['no payload slots at all', { slots: [] }, /expected 4 table slot/],
  ];
  for (const [what, shape, message] of cases) {
    assert.throws(() => dropPanicFmt(moduleWith(shape)), message, what);
  }
  assert.throws(() => dropPanicFmt(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), undefined, 'not a wasm module');
});
