// Turns caller-supplied values into JSON text for the wasm core, never throwing.
// Cycles, BigInt, functions, symbols and DOM nodes are repaired (dropped or stringified) and
// reported through `warn` (by number: www/src/debug.js holds the line), so bad input costs the event a field,
// never the page its script.

// The repairs' numbers in www/src/debug.js (after the core's; tests/debug_texts.rs checks).
const BIGINT = 17;
const FUNCTION = 18;
const SYMBOL = 19;
const NODE = 20;
const WINDOW = 21;
const CYCLE = 22;

/** @returns {string|undefined} JSON text of a plain object, or undefined when it cannot be serialised.
 * Without `warn` (not debug mode) the browser's plain JSON.stringify is tried first, 4x faster than with
 * the replacer: a cycle or BigInt makes it throw, functions and symbols it drops as the replacer does, and a
 * DOM node comes out as `{}`; only then (a `{}` anywhere in the text, or a throw) is the repairing pass run. */
export function toJson(value, warn) {
  if (!warn) {
    try {
      const text = JSON.stringify(value);
      if (!text.includes('{}')) return text;
    } catch (e) { /* repaired below */ }
  }
  const stack = [];
  let repaired;
  const replacer = function (key, v) {
    if (typeof v === 'bigint') { repaired = BIGINT; return v.toString(); }
    if (typeof v === 'function' || typeof v === 'symbol') { repaired = typeof v === 'function' ? FUNCTION : SYMBOL; return undefined; }
    if (v !== null && typeof v === 'object') {
      if (typeof Node !== 'undefined' && v instanceof Node) { repaired = NODE; return undefined; }
      if (typeof Window !== 'undefined' && v instanceof Window) { repaired = WINDOW; return undefined; }
      // `this` is the holder: unwind the ancestor stack to it, then check for a cycle.
      while (stack.length && stack[stack.length - 1] !== this) stack.pop();
      if (stack.includes(v)) { repaired = CYCLE; return undefined; }
      stack.push(v);
    }
    return v;
  };
  try {
    const text = JSON.stringify(value, replacer);
    if (repaired && warn) warn(repaired);
    return text;
  } catch (e) {
    if (warn) warn('value could not be serialised: ' + (e && e.message));
    return undefined;
  }
}

/** One letter per argument, the vocabulary of the core's argument resolvers. */
export function kindOf(value) {
  if (value === null) return 'x';
  if (value === undefined) return 'u';
  const type = typeof value;
  if (type === 'number') return Number.isFinite(value) ? 'n' : '?';
  if (type === 'object') return isPlainObject(value) ? 'o' : '?';
  return type === 'string' ? 's' : type === 'function' ? 'f' : '?';
}

/** `{…}` or `Object.create(null)`, made in this realm or another (an iframe's objects have that frame's
 * Object.prototype, whose own prototype is null as here); class instances, arrays, dates are not, nor is a
 * proxy that throws when asked (a revoked one). */
function isPlainObject(value) {
  try {
    const proto = Object.getPrototypeOf(value);
    return proto === null || Object.getPrototypeOf(proto) === null;
  } catch (e) {
    return false;
  }
}
