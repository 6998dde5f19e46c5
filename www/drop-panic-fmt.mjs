// Build step (run by scripts/build on the wasm-bindgen output, before wasm-opt; never shipped): cuts the
// panic machinery's message formatting out of the wasm. With `panic = "abort"` a panic can only end in a trap,
// yet std still formats the message (core::fmt, integer printing, the payload types) before it aborts, and the
// function table keeps the payloads' vtable methods alive even when nothing reaches them. This step
//   1. gives `core::panicking::panic_fmt` (where every formatted panic goes) the body `unreachable`, and
//   2. points the table slots of the panic payloads' methods (PANIC_SLOTS) at it,
// so wasm-opt drops core::fmt and what only panics used. A panic still traps at the same place, which the
// host already treats as a poisoned instance (host.js `attempt`); only the message text is gone, and on
// wasm32-unknown-unknown nothing ever printed it.
//
// Fail-closed, like trim-glue.mjs: when panic_fmt is missing (or not unique), a PANIC_SLOTS row does not match
// exactly its expected number of slots, or the result does not validate, the build stops instead of shipping
// a half-cut module. Owns: this one rewrite of the wasm. Must not touch exports, imports or any other function.
//
// Usage: node www/drop-panic-fmt.mjs <in.wasm> <out.wasm>   (names must still be in the module)
import binaryen from 'binaryen';
import { readFileSync, writeFileSync } from 'node:fs';

/** The function every formatted panic ends in (std's panic handler is only reached from here). */
const PANIC_FMT = /^core(\[[0-9a-f]+\])?::panicking::panic_fmt(::h[0-9a-f]+)?$/;

/** Table slots that only the panic handler calls: the payload vtables (`Box<dyn PanicPayload>`, `&dyn Any`,
 * `fmt::Display`) std builds around a panic message. [what, pattern, how many slots must match]. */
export const PANIC_SLOTS = [
  ['StaticStrPayload methods', /::panicking::panic_handler::StaticStrPayload( as |>)/, 4],
  ['FormatStringPayload methods', /::panicking::panic_handler::FormatStringPayload( as |>)/, 4],
  ['begin_panic::Payload methods', /::panicking::begin_panic::Payload</, 1],
  ['payload type_id (Any for &str / String)', /^<(&str|alloc(\[[0-9a-f]+\])?::string::String) as core(\[[0-9a-f]+\])?::any::Any>::type_id/, 2],
];

/** Returns the module's bytes with panic_fmt made `unreachable` and the PANIC_SLOTS pointed at it. Throws when
 * the module does not have the expected shape. */
export function dropPanicFmt(bytes) {
  binaryen.setDebugInfo(true); // keep the name section: scripts/bench-size --why reads it; wasm-opt strips it
  // The features are the module's own (its target_features section), never more: with more, the module written
  // here would declare them and wasm-opt could use them (GC's typed function references, say).
  const module = binaryen.readBinary(bytes);
  try {
    let panicFmt;
    for (let i = 0; i < module.getNumFunctions(); i++) {
      const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
      if (PANIC_FMT.test(info.name)) {
        if (panicFmt) throw new Error(`drop-panic-fmt: two functions match ${PANIC_FMT}: ${panicFmt} and ${info.name}`);
        if (info.module) throw new Error(`drop-panic-fmt: ${info.name} is an import`);
        panicFmt = info.name;
      }
    }
    if (!panicFmt) throw new Error(`drop-panic-fmt: no function matches ${PANIC_FMT} (names stripped, or std changed)`);
    binaryen.Function.setBody(module.getFunction(panicFmt), module.unreachable());

    const seen = new Map(PANIC_SLOTS.map(([what]) => [what, 0]));
    for (let s = 0; s < module.getNumElementSegments(); s++) {
      const segment = binaryen.getElementSegmentInfo(module.getElementSegmentByIndex(s));
      let changed = false;
      const data = segment.data.map((name) => {
        const row = PANIC_SLOTS.find(([, pattern]) => pattern.test(name));
        if (!row) return name;
        seen.set(row[0], seen.get(row[0]) + 1);
        changed = true;
        return panicFmt;
      });
      if (!changed) continue;
      const offset = binaryen.getExpressionInfo(offsetOf(module, s)).value;
      module.removeElementSegment(segment.name);
      module.addActiveElementSegment(segment.table, segment.name, data, module.i32.const(offset));
      s = -1; // segments were reordered by the removal: scan again (changed rows now name panic_fmt)
    }
    for (const [what, pattern, expected] of PANIC_SLOTS) {
      if (seen.get(what) !== expected) {
        throw new Error(`drop-panic-fmt: ${what}: expected ${expected} table slot(s) matching ${pattern}, found ${seen.get(what)}`);
      }
    }
    if (!module.validate()) throw new Error('drop-panic-fmt: the rewritten module does not validate');
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

/** The constant offset expression of element segment `index` (an `i32.const`; anything else is a shape error). */
function offsetOf(module, index) {
  const ref = module.getElementSegmentByIndex(index);
  const expr = binaryen._BinaryenElementSegmentGetOffset(ref);
  if (binaryen.getExpressionId(expr) !== binaryen.ConstId) throw new Error('drop-panic-fmt: element segment offset is not a constant');
  return expr;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) throw new Error('usage: node www/drop-panic-fmt.mjs <in.wasm> <out.wasm>');
  writeFileSync(output, dropPanicFmt(readFileSync(input)));
}
