// Build step (run by scripts/opt-wasm on the wasm-bindgen output, before wasm-opt; never shipped): removes what
// wasm-bindgen leaves in the module for JavaScript values and aborts, which this library's release build never
// has (no JsValue crosses: texts and numbers only, src/browser/host.rs). LEFTOVERS lists them: the externref
// table and its export, the start export that fills the table (the import `__wbindgen_init_externref_table`,
// re-exported), and the two exported addresses of wasm-bindgen's abort handling, which the glue never reads.
// www/trim-glue.mjs removes the glue's side (the import's body and the start call).
//
// Fail-closed, like drop-panic-fmt.mjs: each LEFTOVERS export must be there exactly once, of its kind; the import
// must be called by nothing; and the module must validate without them (an instruction that still uses the
// table makes it invalid). Otherwise the build stops. Owns: removing these exports, that table and that import.
// Must not touch any other export, import, function or data.
//
// Usage: node www/drop-bindgen-leftovers.mjs <in.wasm> <out.wasm>
import binaryen from 'binaryen';
import { readFileSync, writeFileSync } from 'node:fs';

/** [export name, its kind]. */
export const LEFTOVERS = [
  ['__wbindgen_externrefs', binaryen.ExternalTable],
  ['__wbindgen_start', binaryen.ExternalFunction],
  ['__abort_handler', binaryen.ExternalGlobal],
  ['__instance_terminated', binaryen.ExternalGlobal],
];
/** The import the start export is: wasm-bindgen's externref table initialiser. */
const INIT_TABLE = '__wbindgen_init_externref_table';

/** Returns the module's bytes without LEFTOVERS; throws when the module does not have the expected shape. */
export function dropBindgenLeftovers(bytes) {
  binaryen.setDebugInfo(true); // keep the name section: scripts/bench-size --why reads it; wasm-opt strips it
  const module = binaryen.readBinary(bytes);
  try {
    const removed = {};
    for (const [name, kind] of LEFTOVERS) {
      const ref = module.getExport(name);
      const info = ref && binaryen.getExportInfo(ref);
      if (!info || info.kind !== kind) throw new Error(`drop-bindgen-leftovers: no export ${name} of kind ${kind} (wasm-bindgen changed)`);
      removed[name] = info.value;
      module.removeExport(name);
    }
    const start = binaryen.getFunctionInfo(module.getFunction(removed.__wbindgen_start));
    if (start.base !== INIT_TABLE) throw new Error(`drop-bindgen-leftovers: __wbindgen_start is ${start.base || start.name}, not the import ${INIT_TABLE}`);
    module.removeFunction(removed.__wbindgen_start);
    module.removeTable(removed.__wbindgen_externrefs);
    // A call to the removed import, or a use of the removed table, leaves the module invalid.
    if (!module.validate()) throw new Error('drop-bindgen-leftovers: the module does not validate without them (still used)');
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) throw new Error('usage: node www/drop-bindgen-leftovers.mjs <in.wasm> <out.wasm>');
  writeFileSync(output, dropBindgenLeftovers(readFileSync(input)));
}
