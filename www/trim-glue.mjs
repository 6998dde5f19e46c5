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
 * type; a failure names the URL and the HTTP status (a 404, or an HTML fallback page, is not "magic word"). It answers the
 * instance's exports itself (nothing reads the glue's own `wasm` variable that `__wbg_finalize_init` sets). `initSync({module})` is kept for the build's link check. */
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
    return result.instance.exports;
}

export { initSync, __wbg_init as default };
`;

/** [what, pattern, replacement (text, or a function of the match), expected matches]. Patterns are literal
 * strings unless RegExp. */
export const TRIMS = [
  // wasm-bindgen's loader (deprecated-argument warnings, Response/Request/bytes/Module forms, MIME warning).
  ['wasm-bindgen loader', /\nasync function __wbg_load\(module, imports\) \{[\s\S]*$/g, LOADER, 1],
  ['realloc passed nowhere else', /__wbindgen_realloc/g, '', 0],
  // The externref table's fill and the start call: www/drop-bindgen-leftovers.mjs removed the table, the start
  // export and this import from the wasm (the build's link check fails if the wasm still imports it).
  ['externref table import', /\n    const import0 = \{\n        __proto__: null,\n        __wbindgen_init_externref_table: function\(\) \{\n            const table = wasm\.__wbindgen_externrefs;\n(            table\.set\(\d+, (undefined|null|true|false)\);\n){5}        \},\n    \};/g, '', 1],
  ['externref table import module', /\n        "\.\/wasm_analytics_bg\.js": import0,/g, '', 1],
  ['start call', /\n    wasm\.__wbindgen_start\(\);/g, '', 1],
  // `instance` and `module` are kept by nothing.
  ['instance and module unkept', /\n +wasm(Instance = instance|Module = module);/g, '', 2],
  ['only wasm kept', /\nlet wasmModule, wasmInstance, wasm;\n/g, '\nlet wasm;\n', 1],
  // No import is a glue function left: each is a host.js function the wasm imports as it is.
  ['no glue import function', /: function\(/g, '', 0],
  // The wasm looks up only the modules and fields the glue defines (short names, none on Object.prototype).
  ['imports objects with a prototype', /\n +__proto__: null,/g, '', 1],
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
    if (seen !== expected) throw new Error(`trim-glue: ${what}: expected ${expected} match(es), found ${seen}`);
  }
  return glue;
}
