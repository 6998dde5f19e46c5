// Where the wasm's bytes go (run by `scripts/bench-size --why`, which makes a names-kept build of exactly what
// scripts/build ships: the same scripts/opt-wasm, names kept). Prints, from twiggy on that build:
//   1. the code bytes grouped by project module (src/core/..., src/browser/...) and by std/alloc/wasm-bindgen
//      module, so a size change can be read as "which part of the tree grew";
//   2. twiggy top, dominators (what keeps what alive), monos (generic copies) and paths into core::fmt /
//      panicking / core::str (what still pulls them in);
//   3. twiggy diff against the previous --why run (bench/out/size/why/names.prev.wasm), when there is one.
// Raw bytes of the names-kept module's code and data (the name section itself is not shipped and not counted);
// the shipped file gzips to about 45% of these.
//
// Usage: node bench/size/why.mjs <names-kept.wasm> [<previous names-kept.wasm>]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const [wasm, previous] = process.argv.slice(2);
if (!wasm) throw new Error('usage: node bench/size/why.mjs <names-kept.wasm> [<previous.wasm>]');
const twiggy = (...args) => execFileSync('twiggy', args, { encoding: 'utf8', maxBuffer: 64 << 20 });

/** `core[c5930c85a12de822]::fmt` -> `core::fmt`; drops legacy `::h0123...` hashes. */
export function plainName(name) {
  return name.replace(/\[[0-9a-f]{16}\]/g, '').replace(/::h[0-9a-f]{16}$/, '');
}

/** The group an item's bytes count under: `project: core::event::envelope` for code of the project (its own
 * functions, impls on its types, closures defined in it); `std: alloc::vec` etc. for library code; data and
 * sections by kind. */
export function groupOf(rawName) {
  const name = plainName(rawName);
  if (/^data segment|^data\[/.test(name)) return 'data: string constants and tables';
  if (/subsection|custom section/.test(name)) return null; // names, producers, features: stripped when shipped
  if (/section|^type\[|^elem\[|^table\[|^import |^export |^global\[|^memory\[/.test(name)) {
    return 'wasm: types, imports, exports, table';
  }
  const own = name.match(/^<?wasm_analytics::((?:[a-z_][a-z0-9_]*::)*)/);
  if (own && own[1]) return `project: ${own[1].replace(/::$/, '')}`;
  if (own) return 'project: (crate root)';
  if (name.includes('wasm_analytics::')) {
    // std code instantiated for a project type or closure: counted against the project module it names.
    const inner = name.match(/wasm_analytics::((?:[a-z_][a-z0-9_]*::)*)/);
    return `generic for project: ${inner[1].replace(/::$/, '') || '(crate root)'}`;
  }
  if (/^(analytics_|__wbg|__wbindgen|__externref|wasm_bindgen)|^<?wasm_bindgen|Closure\(/.test(name)) return 'wasm-bindgen shims and exports';
  const LIB = /((?:core|alloc|std|dlmalloc|compiler_builtins)::[a-z_0-9]+)/;
  // `<alloc::vec::Vec<T> as Trait>::f` counts under alloc::vec; `<F as core::str::pattern::X>::f` under core::str.
  const lib = name.match(new RegExp(`^<?(?:&(?:mut )?)?${LIB.source}`)) ?? name.match(new RegExp(`^<[^ ]+ as ${LIB.source}`));
  if (lib) return `std: ${lib[1]}`;
  if (/^<str>::/.test(name)) return 'std: core::str';
  if (/^<\[/.test(name)) return 'std: core::slice';
  if (/^(memcpy|memset|memmove|memcmp|__rust_|__rdl_|__rg_|__main|rust_)/.test(name)) return 'std: allocator and mem intrinsics';
  return 'other (no name)';
}

const items = JSON.parse(twiggy('top', '-f', 'json', wasm));
const groups = new Map();
let counted = 0;
for (const { name, shallow_size: size } of items) {
  const group = groupOf(name);
  if (!group) continue;
  counted += size;
  const g = groups.get(group) ?? { bytes: 0, items: 0, largest: '', largestBytes: 0 };
  g.bytes += size;
  g.items += 1;
  if (size > g.largestBytes) Object.assign(g, { largest: plainName(name), largestBytes: size });
  groups.set(group, g);
}
const sorted = [...groups.entries()].sort((a, b) => b[1].bytes - a[1].bytes);
const pct = (n) => `${((100 * n) / counted).toFixed(1).padStart(5)}%`;
const sumOf = (prefix) => sorted.filter(([k]) => k.startsWith(prefix)).reduce((n, [, g]) => n + g.bytes, 0);

console.log(`\n== where the wasm goes: ${counted} B of code and data (names-kept build of what scripts/build ships)`);
console.log(`   project code ${sumOf('project:')} B (${pct(sumOf('project:')).trim()}), generic copies for project types`
  + ` ${sumOf('generic for project:')} B (${pct(sumOf('generic for project:')).trim()}), std ${sumOf('std:')} B`
  + ` (${pct(sumOf('std:')).trim()}), wasm-bindgen ${sumOf('wasm-bindgen')} B, data ${sumOf('data:')} B`);
console.log(`   ${'group'.padEnd(52)} ${'bytes'.padStart(7)} ${'share'.padStart(6)} ${'items'.padStart(5)}  largest item`);
for (const [group, g] of sorted) {
  const largest = g.largest.length > 70 ? g.largest.slice(0, 67) + '...' : g.largest;
  console.log(`   ${group.padEnd(52)} ${String(g.bytes).padStart(7)} ${pct(g.bytes)} ${String(g.items).padStart(5)}  ${largest} (${g.largestBytes})`);
}

const section = (title, text) => console.log(`\n== ${title}\n${text.trimEnd()}`);
section('twiggy top -n 30 (largest items)', twiggy('top', '-n', '30', wasm));
section('twiggy dominators -d 3 -r 40 (what keeps what alive, retained bytes)', twiggy('dominators', '-d', '3', '-r', '40', wasm));
section('twiggy monos -m 4 -n 15 (generic functions copied per type)', twiggy('monos', '-m', '4', '-n', '15', wasm));
section('twiggy paths into core::fmt / panicking / core::str (who still calls them)',
  twiggy('paths', '--regex', '-d', '3', '-r', '12', wasm, '^core(\\[[0-9a-f]+\\])?::(fmt|panicking|str)::'));
if (previous && existsSync(previous)) {
  section('twiggy diff -n 25 (previous --why run -> this one)', twiggy('diff', '-n', '25', previous, wasm));
}
