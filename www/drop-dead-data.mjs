// Build step (run by scripts/opt-wasm on wasm-opt's output, never shipped): zeroes the constant data that only
// panics used (std's messages, integer formatting, the source paths of panic locations), which gzip then
// squeezes to almost nothing. Once www/drop-panic-fmt.mjs has cut the message formatting, wasm-opt removes the
// code that read these bytes, but not the bytes: it cannot tell where one constant ends inside a data segment.
// DEAD_DATA names them by content; a source path (`src/….rs`, `/rustc/<commit>/library/….rs`) goes with the
// panic `Location`s that point at it (16 bytes: path pointer and length, line, column) when nothing points at
// any of those, and stays (with them) otherwise.
//
// Fail-closed, like drop-panic-fmt.mjs: an occurrence of a DEAD_DATA row is zeroed only when nothing points into
// it (an `i32.const` or memory-access `offset=` in the code, or an aligned 4-byte word in the data outside the
// dead Locations), and each row must have such an occurrence; otherwise the build stops, since std changed and
// the row is stale or still in use. A message with arguments is one row from its first byte to its last text
// piece (the argument markers between pieces vary), so a pointer to its start keeps all of it. Owns: this one
// rewrite of the data section (same length, in place). Must not touch code, exports or imports.
//
// Usage: node www/drop-dead-data.mjs <in.wasm> <out.wasm>
import binaryen from 'binaryen';
import { readFileSync, writeFileSync } from 'node:fs';

/** An argument's marker between the text pieces of a formatted message (a few non-text bytes). */
const ARG = '[^\\x20-\\x7e]{1,4}';
/** Constant data nothing reads once panics trap without a message: [what, its bytes (as latin1 text) as a
 * regular expression]. */
export const DEAD_DATA = [
  ['raw_vec capacity_overflow panic message', /capacity overflow/g],
  ['integer Display digit pairs', new RegExp(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'g')],
  ['division by zero panic message', /attempt to divide by zero/g],
  ['bounds check panic message', new RegExp(`index out of bounds: the len is ${ARG} but the index is `, 'g')],
  ['Vec::remove panic message', new RegExp(`removal index \\(is ${ARG}\\) should be < len \\(is `, 'g')],
  ['String::truncate assertion', /assertion failed: self\.is_char_boundary\(new_len\)/g],
];

/** A panic location's source path, as a whole NUL- or control-delimited run of the data. */
const SOURCE_PATH = /^(src\/|\/rustc\/[0-9a-f]+\/library\/)[\w/.-]+\.rs$/;
/** Bytes of a `core::panic::Location`: the path's pointer and length, line, column. */
const LOCATION_BYTES = 16;

const DATA_SECTION = 11;

/** `[value, next index]` of the unsigned LEB128 at `bytes[i]`. */
function leb(bytes, i) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[i++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, i];
  }
}

/** The active data segments: `{address, start, end}` (`start..end` their bytes in the module). */
function dataSegments(bytes) {
  const segments = [];
  let i = 8;
  while (i < bytes.length) {
    const id = bytes[i];
    const [size, body] = leb(bytes, i + 1);
    if (id === DATA_SECTION) {
      let [count, j] = leb(bytes, body);
      for (; count > 0; count--) {
        const [flags, k] = leb(bytes, j);
        if (flags !== 0 || bytes[k] !== 0x41) throw new Error('drop-dead-data: a data segment is not active at an i32.const address');
        const [address, l] = leb(bytes, k + 1); // non-negative addresses: unsigned read is enough below 2^31
        if (bytes[l] !== 0x0b) throw new Error('drop-dead-data: a data segment address is not a plain constant');
        const [length, start] = leb(bytes, l + 1);
        segments.push({ address, start, end: start + length });
        j = start + length;
      }
    }
    i = body + size;
  }
  return segments;
}

/** Every address the module may point at, as `{code, words}`: constants and access offsets in the code, and
 * `[address, value]` of each aligned word in the data. */
function pointers(bytes, segments) {
  const module = binaryen.readBinary(bytes);
  let text;
  try {
    text = module.emitText();
  } finally {
    module.dispose();
  }
  // Not the data itself, and not the stack pointer's start: the stack sits below the data (stack first) and
  // grows down, so the data's first address is its top, never a pointer to the constant there.
  const code = text.split('\n').filter((line) => !line.startsWith(' (data ') && !/^ \(global \S+ \(mut i32\)/.test(line));
  const found = new Set();
  for (const line of code) {
    for (const m of line.matchAll(/(?:i32\.const |offset=)(\d+)/g)) found.add(Number(m[1]));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = [];
  for (const { address, start, end } of segments) {
    for (let at = start + ((4 - (address % 4)) % 4); at + 4 <= end; at += 4) words.push([address + at - start, view.getUint32(at, true)]);
  }
  return { code: found, words };
}

const pointsInto = (p, from, length) => p >= from && p < from + length;

/** `[module index, length]` of every dead source path and dead Location pointing at one. */
function deadLocations(bytes, segments, { code, words }) {
  const dead = [];
  const decoder = new TextDecoder('latin1');
  for (const segment of segments) {
    const data = bytes.subarray(segment.start, segment.end);
    for (const m of decoder.decode(data).matchAll(/[\x21-\x7e]+/g)) {
      if (!SOURCE_PATH.test(m[0])) continue;
      const from = segment.address + m.index;
      const locations = words.filter(([, value]) => value === from).map(([address]) => address);
      const live = (address) => [...code].some((p) => pointsInto(p, address, LOCATION_BYTES))
        || words.some(([at, value]) => !locations.includes(at) && pointsInto(value, address, LOCATION_BYTES));
      if ([...code].some((p) => pointsInto(p, from, m[0].length))) continue;
      if (locations.some(live)) continue;
      dead.push([segment.start + m.index, m[0].length]);
      for (const address of locations) dead.push(inModule(segments, address, LOCATION_BYTES));
    }
  }
  return dead;
}

/** `[module index, length]` of the `length` bytes at `address`, cut at the end of their segment (wasm-opt
 * drops a segment's trailing zeros: a Location's column can lie past it). */
function inModule(segments, address, length) {
  const segment = segments.find((s) => address >= s.address && address < s.address + (s.end - s.start));
  if (!segment) throw new Error(`drop-dead-data: nothing in the data at ${address}`);
  const index = segment.start + address - segment.address;
  return [index, Math.min(length, segment.end - index)];
}

/** Returns a copy of `bytes` with every DEAD_DATA row zeroed. Throws when a row is missing, found twice or
 * pointed at. */
export function dropDeadData(bytes) {
  const out = Uint8Array.from(bytes);
  const segments = dataSegments(out);
  const pointed = pointers(out, segments);
  const locations = deadLocations(out, segments, pointed);
  const deadWord = (address) => locations.some(([index, length]) => {
    const segment = segments.find((s) => index >= s.start && index < s.end);
    return pointsInto(address, segment.address + index - segment.start, length);
  });
  const everyPointer = [...pointed.code, ...pointed.words.filter(([at]) => !deadWord(at)).map(([, value]) => value)];
  const decoder = new TextDecoder('latin1');
  const texts = segments.map((segment) => decoder.decode(out.subarray(segment.start, segment.end)));
  for (const [what, pattern] of DEAD_DATA) {
    let found = 0;
    const dead = [];
    segments.forEach((segment, i) => {
      for (const m of texts[i].matchAll(pattern)) {
        found++;
        const from = segment.address + m.index;
        if (!everyPointer.some((p) => pointsInto(p, from, m[0].length))) dead.push([segment.start + m.index, m[0].length]);
      }
    });
    if (found === 0) throw new Error(`drop-dead-data: ${what}: not in the data`);
    if (dead.length === 0) throw new Error(`drop-dead-data: ${what}: still pointed at`);
    for (const [index, length] of dead) out.fill(0, index, index + length);
  }
  for (const [index, length] of locations) out.fill(0, index, index + length);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) throw new Error('usage: node www/drop-dead-data.mjs <in.wasm> <out.wasm>');
  writeFileSync(output, dropDeadData(readFileSync(input)));
}
