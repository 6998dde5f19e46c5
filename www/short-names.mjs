// Build step (run by www/build.mjs, never shipped): gives the wasm's imports and exports short names and
// rewrites the wasm-bindgen glue to match. wasm-bindgen names every import `__wbg_<name>_<16 hex digits>`
// under the module "./wasm_analytics_bg.js", and exports closure shims as
// `wasm_bindgen__convert__closures_____invoke__h<16 hex>`: about 200 long names, each spelled once in the wasm
// and once in the glue, and the hex digits do not compress. Behaviour is unchanged: the names are only the
// keys that link the two files, and both are rewritten together (`memory` keeps its name). The functions the
// wasm imports from src/browser/host.js directly (no glue shim) get short names too, and the glue hands them
// over as an object of just those functions rather than the module's namespace (which the bundler would
// build with a getter for every export).
//
// Owns: wasm import/export section rewriting. Refuses (throws at build time) when the glue does not spell
// every name exactly where expected, so a wasm-bindgen upgrade that changes the glue's shape fails the build
// instead of shipping a broken pair.

/** Reads an unsigned LEB128 at `at`; returns [value, next offset]. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

function lebBytes(value) {
  const out = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

const utf8 = new TextDecoder();
const encode = (s) => [...lebBytes(Buffer.byteLength(s)), ...Buffer.from(s)];

/** Reads a name (length-prefixed UTF-8); returns [string, next offset]. */
function name(bytes, at) {
  const [len, start] = leb(bytes, at);
  return [utf8.decode(bytes.subarray(start, start + len)), start + len];
}

/** Byte length of an import descriptor starting at `at` (after the kind byte). */
function importDescEnd(bytes, kind, at) {
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = leb(bytes, p);
    if (flags & 1) [, p] = leb(bytes, p);
    return p;
  };
  if (kind === 0) return leb(bytes, at)[1]; // function: type index
  if (kind === 1) return limits(at + 1); // table: reftype, limits
  if (kind === 2) return limits(at); // memory: limits
  if (kind === 3) return at + 2; // global: valtype, mutability
  if (kind === 4) return leb(bytes, at + 1)[1]; // tag: attribute, type index
  throw new Error(`short-names: unknown import kind ${kind}`);
}

/** `a`, `b`, … `Z`, `aa`, `ab`, …: short identifiers, never `memory`. */
function* shortNames() {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (let n = 0; ; n++) {
    let s = '';
    let i = n;
    do {
      s = letters[i % 52] + s;
      i = Math.floor(i / 52) - 1;
    } while (i >= 0);
    yield s;
  }
}

/** Exports that keep their names: `memory`, and the plain exports src/browser/host.js calls on the exports
 * object (src/lib.rs, src/browser/callbacks.rs). */
const KEEP_EXPORTS = ['memory', 'wake', 'alloc', 'create', 'build', 'call'];

/** Rewrites the import (id 2) and export (id 7) sections; returns the new wasm and the renames. */
function rewriteSections(wasm) {
  const imports = new Map();
  const snippets = new Map();
  const exports = new Map();
  const importNames = shortNames();
  const exportNames = shortNames();
  const parts = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = leb(wasm, at + 1);
    const end = start + size;
    if (id !== 2 && id !== 7) {
      parts.push(wasm.subarray(at, end));
      at = end;
      continue;
    }
    let [count, p] = leb(wasm, start);
    const body = [...lebBytes(count)];
    for (let i = 0; i < count; i++) {
      if (id === 2) {
        const [module, afterModule] = name(wasm, p);
        const [field, afterField] = name(wasm, afterModule);
        const kind = wasm[afterField];
        const descEnd = importDescEnd(wasm, kind, afterField + 1);
        if (module.startsWith('./snippets/')) {
          // A snippet's function imported as is (no glue shim): the module and the field get short names;
          // the glue hands the wasm an object of just those functions (shortenNames).
          if (!snippets.has(module)) snippets.set(module, { short: `s${snippets.size}`, fields: new Map(), names: shortNames() });
          const snippet = snippets.get(module);
          if (!snippet.fields.has(field)) snippet.fields.set(field, snippet.names.next().value);
          body.push(...encode(snippet.short), ...encode(snippet.fields.get(field)), ...wasm.subarray(afterField, descEnd));
          p = descEnd;
          continue;
        }
        if (!imports.has(module)) imports.set(module, { short: 'w', fields: new Map() });
        const fields = imports.get(module).fields;
        if (!fields.has(field)) fields.set(field, importNames.next().value);
        body.push(...encode(imports.get(module).short), ...encode(fields.get(field)), ...wasm.subarray(afterField, descEnd));
        p = descEnd;
      } else {
        const [field, afterField] = name(wasm, p);
        const [, descEnd] = leb(wasm, afterField + 1);
        const short = KEEP_EXPORTS.includes(field) ? field : exportNames.next().value;
        exports.set(field, short);
        body.push(...encode(short), ...wasm.subarray(afterField, descEnd));
        p = descEnd;
      }
    }
    if (p !== end) throw new Error(`short-names: section ${id} not fully read`);
    parts.push(Uint8Array.from([id, ...lebBytes(body.length), ...body]));
    at = end;
  }
  return { wasm: Buffer.concat(parts), imports, snippets, exports };
}

/** Replaces every match of `pattern` (global regex) and checks how many there were. */
function replaceCounted(source, pattern, replacement, expected, what) {
  let seen = 0;
  const out = source.replace(pattern, (...m) => {
    seen++;
    return typeof replacement === 'function' ? replacement(...m) : replacement;
  });
  if (seen !== expected) throw new Error(`short-names: ${what}: expected ${expected} match(es), found ${seen}`);
  return out;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Returns `{glue, wasm}` with short import/export names. `glue` is wasm-bindgen's `--target web` JS,
 * `wasm` its `_bg.wasm` bytes.
 */
export function shortenNames(glue, wasmBytes) {
  const { wasm, imports, snippets, exports } = rewriteSections(wasmBytes);
  for (const [module, { short, fields }] of snippets) {
    // wasm-bindgen lists the snippet once per direct import (`"<module>": importN,`, all the same
    // namespace): the first becomes an object of the imported functions under their short names (the
    // bundler then keeps no namespace object of the whole module, and the wasm spells no export name), the
    // repeats go.
    let first = true;
    glue = glue.replace(new RegExp(`(\\n\\s*)(["'])${escape(module)}\\2: (import\\d+),`, 'g'), (line, lead, _q, namespace) => {
      if (!first) return '';
      first = false;
      const members = [...fields].map(([field, shortField]) => `${shortField}: ${namespace}.${field}`);
      return `${lead}"${short}": { ${members.join(', ')} },`;
    });
    if (first) throw new Error(`short-names: snippet module ${module} not found in the glue`);
  }
  for (const [module, { short, fields }] of imports) {
    glue = replaceCounted(glue, new RegExp(`(["'])${escape(module)}\\1:`, 'g'), `"${short}":`, 1, `module ${module}`);
    for (const [field, shortField] of fields) {
      // Each import is one key of the imports object: `    name: function(` (trim-glue.mjs: `    name: (` or
      // `    name: Date.now,`).
      glue = replaceCounted(glue, new RegExp(`(\\n\\s+)${escape(field)}(: function|: \\(|: \\w+\\.\\w+,)`, 'g'), (_, lead, rest) => lead + shortField + rest, 1, `import ${field}`);
    }
  }
  for (const [field, short] of exports) {
    if (field === short) continue;
    const uses = glue.match(new RegExp(`\\bwasm\\.${escape(field)}\\b`, 'g'))?.length ?? 0;
    if (uses === 0) continue; // exported but never called from the glue (wasm-bindgen keeps a few)
    glue = replaceCounted(glue, new RegExp(`\\bwasm\\.${escape(field)}\\b`, 'g'), `wasm.${short}`, uses, `export ${field}`);
  }
  for (const long of glue.matchAll(/\b(__wbg_\w+_[0-9a-f]{16}|\w+__h[0-9a-f]{16})\b/g)) {
    // Leftover hashed names must only be local JS function names (the minifier renames those).
    if (!new RegExp(`function ${long[1]}\\b`).test(glue)) throw new Error(`short-names: ${long[1]} left in the glue`);
  }
  return { glue, wasm };
}

/**
 * Instantiates the rewritten pair in Node (`initSync`) and throws when an import or export no longer
 * links, so a bad rewrite fails the build instead of the page. `snippets`: wasm-bindgen's `snippets`
 * directory next to the glue, when it has one.
 */
export async function checkLinks({ glue, wasm }, snippets) {
  const { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'short-names-'));
  try {
    // The glue imports wasm-bindgen snippets (`module = "..."` JS) relative to itself.
    if (snippets && existsSync(snippets)) cpSync(snippets, join(dir, 'snippets'), { recursive: true });
    const file = join(dir, 'glue.mjs');
    writeFileSync(file, glue);
    const module = await import(file);
    module.initSync({ module: wasm });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The methods of the core object the facade wraps (load.js wasmCore over the wasm's three exports, and
 * null-core.js's NULL_CORE). They carry internal names (`build_`): the bundler shortens members whose names end
 * in `_` (build.mjs mangleProps), and no page code calls the core directly. */
export const CORE_METHODS = ['build', 'enqueue', 'flush', 'identity', 'setIdentity', 'queueState', 'takeWarnings', 'onDrop', 'reset'];
