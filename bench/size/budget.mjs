// The size budget (run by scripts/build after www/build.mjs; the analytics-next `size-limit` habit): the total
// gzip bytes a page loads for wasm-analytics (snippet + script + wasm in www/dist, gzip -9 like
// scripts/bench-size) must not grow past bench/size/budget.json's `totalGzip`. Over it, the build fails:
// a change that adds bytes raises the budget in the same commit, with its before -> after in the message.
//
// Usage: node bench/size/budget.mjs   (exit 1 when over budget)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** What every page with wasm-analytics loads (the query-string module only loads with `ajs_` in the URL). */
export const PAGE_FILES = ['snippet.min.js', 'wasm-analytics.js', 'wasm_analytics_bg.wasm'];

/** The budget file's contents: { totalGzip, note }. */
export function readBudget() {
  return JSON.parse(readFileSync(path.join(root, 'bench/size/budget.json'), 'utf8'));
}

/** Total gzip -9 bytes of PAGE_FILES in www/dist. */
export function pageGzip() {
  return PAGE_FILES.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(root, 'www/dist', f)), { level: 9 }).length, 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { totalGzip: budget } = readBudget();
  if (!Number.isInteger(budget) || budget <= 0) throw new Error('bench/size/budget.json: totalGzip must be a positive integer');
  const total = pageGzip();
  const verdict = total <= budget ? `ok, ${budget - total} B to spare` : `OVER by ${total - budget} B`;
  console.log(`   size budget: ${total} B gzip a page loads, budget ${budget} B (bench/size/budget.json): ${verdict}`);
  if (total > budget) {
    console.error('size budget exceeded: find the bytes with scripts/bench-size --why; if they are worth it, raise'
      + ' bench/size/budget.json in the same commit and give the before -> after in its message');
    process.exit(1);
  }
}
