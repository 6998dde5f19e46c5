// Build step (run by www/build.mjs before short-names.mjs, never shipped): cuts parts of the wasm-bindgen
// `--target web` glue this library never uses, so every page loads fewer bytes. Each rewrite is a row of
// TRIMS: what it removes, the exact text (or pattern) it expects, and its replacement. A row that does not
// match exactly the expected number of times throws, so a wasm-bindgen upgrade that changes the glue fails
// the build instead of shipping a half-trimmed file. The loader at the end replaces wasm-bindgen's.
//
// Owns: glue text rewriting. Must not change what crosses the wasm boundary (imports/exports keep their
// signatures; short-names.mjs and its link check run after this).

/** The loader that replaces wasm-bindgen's `__wbg_load` / `__wbg_init` / `initSync`. The library passes the
 * wasm's URL (or nothing: the file next to the script): one instance per page however often it is
 * called, retried after a failure; streaming compile, bytes when the server sends the wasm with another MIME
 * type; a failure names the URL and the HTTP status (a 404, or an HTML fallback page, is not "magic word"). `initSync({module})` is kept for the build's link check. */
const LOADER = `
function initSync({ module }) {
    const instance = new WebAssembly.Instance(module instanceof WebAssembly.Module ? module : new WebAssembly.Module(module), __wbg_get_imports());
    return __wbg_finalize_init(instance, module);
}

let __wbg_init_promise;
function __wbg_init(url) {
    return __wbg_init_promise ??= __wbg_load(url || new URL('./wasm_analytics_bg.wasm', import.meta.url)).catch((e) => {
        __wbg_init_promise = undefined;
        throw e;
    });
}

async function __wbg_load(url) {
    const imports = __wbg_get_imports();
    const fail = (why) => { throw new Error('cannot load ' + url + ': ' + why); };
    const response = await fetch(url).catch((e) => fail(e.message));
    if (!response.ok) fail('HTTP ' + response.status);
    const type = response.headers.get('content-type') || '';
    const why = 'HTTP ' + response.status + ' ' + type;
    const bytes = type.includes('wasm') ? null : await response.arrayBuffer();
    if (bytes && new Uint8Array(bytes)[0] !== 0) fail(why + ', not wasm');
    const result = await (bytes ? WebAssembly.instantiate(bytes, imports) : WebAssembly.instantiateStreaming(response, imports))
        .catch((e) => fail(why + ': ' + e.message));
    return __wbg_finalize_init(result.instance, result.module);
}

export { initSync, __wbg_init as default };
`;

/** Writes `text` (copied into the wasm; `optional`: `undefined`/`null` is `None`, pointer 0) as pointer and length at `at`. */
const STORE_STRING = `
function storeString(at, text, optional) {
    const ptr = optional && isLikeNone(text) ? 0 : passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const view = new DataView(wasm.memory.buffer);
    view.setInt32((at >>> 0) + 4, WASM_VECTOR_LEN, true);
    view.setInt32(at >>> 0, ptr, true);
}
`;

/** The `Option<String>` an export returned (`[pointer, length]`, pointer 0 for `None`), freed in the wasm. */

/** A row's expected count: at least one match (a rewrite each match of which stands alone). */
const SOME = 'some';

/** [what, pattern, replacement (text, or a function of the match), expected matches]. Patterns are literal
 * strings unless RegExp. */
export const TRIMS = [
  // TextEncoder.encodeInto is in every browser that runs this wasm (reference types, bulk memory).
  ['encodeInto polyfill', /\nif \(!\('encodeInto' in cachedTextEncoder\)\) \{[\s\S]*?\n\}\n/g, '\n', 1],
  // Every call passes realloc, so the encode-then-copy branch never runs.
  ['passStringToWasm0 without realloc', /\n    if \(realloc === undefined\) \{[\s\S]*?\n    \}\n/g, '\n', 1],
  // wasm-bindgen's loader (deprecated-argument warnings, Response/Request/bytes/Module forms, MIME warning).
  ['wasm-bindgen loader', /\nasync function __wbg_load\(module, imports\) \{[\s\S]*$/g, LOADER, 1],
  // Each import returning a `String` or `Option<String>` (host.js's storage, cookie and query readers) copies
  // it into the wasm and writes pointer and length at `arg0` in five lines of its own: one function instead,
  // which writes the same two words (a `None` as pointer 0, the length word left as the last copy set it).
  ['string results written by one function', new RegExp(String.raw`\n( +)const ret = ([^;\n]*);\n +(?:const|var) ptr1 = (isLikeNone\(ret\) \? 0 : )?` +
    String.raw`passStringToWasm0\(ret, wasm\.__wbindgen_malloc, wasm\.__wbindgen_realloc\);\n +(?:const|var) len1 = WASM_VECTOR_LEN;\n` +
    String.raw` +getDataViewMemory0\(\)\.setInt32\(\(arg0 >>> 0\) \+ 4 \* 1, len1, true\);\n +getDataViewMemory0\(\)\.setInt32\(\(arg0 >>> 0\) \+ 4 \* 0, ptr1, true\);`, 'g'),
    (_, lead, value, optional) => `\n${lead}storeString(arg0, ${value}${optional ? ', true' : ''});`, SOME],
  ['getDataViewMemory0 used only by storeString', /\bgetDataViewMemory0\(\)/g, (call) => call, 1],
  ['storeString', /\nlet cachedDataViewMemory0 = null;\nfunction getDataViewMemory0\(\) \{\n[\s\S]*?\n\}\n/g, STORE_STRING, 1],
  ['no DataView cache to reset', /\n +cachedDataViewMemory0 = null;/g, '', 1],
  // A string crosses as the bytes TextEncoder.encode gives (what the glue's ASCII loop and encodeInto write,
  // lone surrogates as U+FFFD), into an allocation of exactly their length, as the glue's last realloc left it
  // (wasm.__wbindgen_malloc, which every call passed).
  ['passStringToWasm0 by encode', /\nfunction passStringToWasm0\(arg, malloc, realloc\) \{\n[\s\S]*?\n    WASM_VECTOR_LEN = offset;\n    return ptr;\n\}\n/g, `
function passStringToWasm0(arg) {
    const bytes = cachedTextEncoder.encode(arg);
    const ptr = wasm.__wbindgen_malloc(bytes.length, 1) >>> 0;
    getUint8ArrayMemory0().set(bytes, ptr);
    WASM_VECTOR_LEN = bytes.length;
    return ptr;
}
`, 1],
  ['no allocator to pass', /(passStringToWasm0\(\w+), wasm\.__wbindgen_malloc, wasm\.__wbindgen_realloc\)/g, (_, call) => call + ')', SOME],
  ['realloc passed nowhere else', /__wbindgen_realloc/g, '', 0],
  // The wasm call converts a number argument itself (ToInt32 / ToNumber of the value, as `+value` then ToInt32):
  // the exports pass their number arguments as they come.
  ['number arguments converted by the wasm call', /\nexport function \w+\([^)]*\) \{\n[\s\S]*?\n\}\n/g, (fn) => {
    for (const [line, local, name] of fn.matchAll(/\n    const (val\d+) = \+(\w+);/g)) {
      fn = fn.replace(line, '').replace(new RegExp(`\\b${local}\\b`, 'g'), name);
    }
    return fn;
  }, SOME],
  ['no number conversion left', / = \+/g, '', 0],
  // A view of the wasm memory made for each use (as storeString's DataView) rather than cached and re-made after growth.
  ['memory view uncached', /\nlet cachedUint8ArrayMemory0 = null;\nfunction getUint8ArrayMemory0\(\) \{\n[\s\S]*?\n\}\n/g,
    '\nfunction getUint8ArrayMemory0() {\n    return new Uint8Array(wasm.memory.buffer);\n}\n', 1],
  ['no memory view to reset', /\n +cachedUint8ArrayMemory0 = null;/g, '', 1],
  // `instance` and `module` are kept by nothing.
  ['instance and module unkept', /\n +wasm(Instance = instance|Module = module);/g, '', 2],
  ['only wasm kept', /\nlet wasmModule, wasmInstance, wasm;\n/g, '\nlet wasm;\n', 1],
  // `Date.now` and `Math.random` need no `this`: the wasm calls them directly.
  ['Date.now, Math.random as they are', /\n( +)(\w+): function\(\) \{\n +const ret = ((?:Date|Math)\.\w+)\(\);\n +return ret;\n +\},/g,
    (_, lead, name, fn) => `\n${lead}${name}: ${fn},`, SOME],
  // The imports as arrow functions (shorter once minified): none reads `this` or `arguments`.
  ['no this or arguments', /\b(this|arguments)\b/g, '', 0],
  ['imports as arrow functions', /\n( +)(\w+): function\(([^)]*)\) \{\n/g, (_, lead, name, args) => `\n${lead}${name}: (${args}) => {\n`, SOME],
  // The wasm looks up only the modules and fields the glue defines (short names, none on Object.prototype).
  ['imports objects with a prototype', /\n +__proto__: null,/g, '', 2],
];

/** Returns the glue with every TRIMS row applied; throws when a row does not match as expected. */
export function trimGlue(glue) {
  for (const [what, pattern, replacement, expected] of TRIMS) {
    const regex = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'g') : pattern;
    let seen = 0;
    glue = glue.replace(regex, (...match) => {
      seen++;
      return typeof replacement === 'function' ? replacement(...match) : replacement;
    });
    if (expected === SOME ? seen === 0 : seen !== expected) throw new Error(`trim-glue: ${what}: expected ${expected === SOME ? 'some' : expected} match(es), found ${seen}`);
  }
  return glue;
}
