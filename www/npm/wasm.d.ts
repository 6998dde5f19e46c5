// `wasm-analytics/wasm`: the library's .wasm file. With a bundler's URL import (`'wasm-analytics/wasm?url'` in
// Vite, esbuild's `file` loader) its default export is the URL to pass as `wasmUrl`.
declare const wasmUrl: string;
export default wasmUrl;
