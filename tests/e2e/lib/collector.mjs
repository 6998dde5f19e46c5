// The real collector binary for end-to-end tests: started on a free 127.0.0.1 port with a fresh SQLite file
// (serving www/ unless told otherwise), its read API, and a poll helper. Builds the debug binary when none
// exists. COLLECTOR_BIN overrides the binary. The caller closes it (`close()` in an `after` hook).
// `stream` follows `/api/stream` from the start, so a test sees every stored event (the read API returns
// at most 1,000).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WWW = path.join(ROOT, 'www');

/** The collector binary: $COLLECTOR_BIN, an existing debug/release build, or a fresh debug build. */
export function collectorBinary() {
  if (process.env.COLLECTOR_BIN) return process.env.COLLECTOR_BIN;
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const built = ['debug', 'release', 'collector-release'].map((p) => path.join(targetDir, p, 'collector')).find((p) => existsSync(p));
  if (built) return built;
  const build = spawnSync('cargo', ['build', '-p', 'collector'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(build.status, 0, 'cargo build -p collector failed');
  return path.join(targetDir, 'debug', 'collector');
}

/** Starts the collector; resolves { origin, apiHost, api(path), events(), stream, waitFor(pred, what, ms), close() }. */
export async function startCollector({ serveDir = WWW } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'collector-e2e-'));
  const child = spawn(collectorBinary(), ['--listen', '127.0.0.1:0', '--db', path.join(dir, 'e2e.sqlite'), '--serve-dir', serveDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
  const origin = /http:\/\/(\S+)/.exec(line)?.[0];
  assert.ok(origin, `no address in ${JSON.stringify(line)}`);
  const api = async (p) => {
    const r = await fetch(origin + p);
    return r.status === 200 ? r.json() : null;
  };
  const stream = [];
  const abort = new AbortController();
  const live = await fetch(origin + '/api/stream', { signal: abort.signal });
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of live.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!frame.startsWith('event: event\n')) continue;
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) stream.push(JSON.parse(data.slice(6)).event);
        }
      }
    } catch (e) { /* closed */ }
  })();
  return {
    origin,
    apiHost: origin + '/v1',
    api,
    /** Every stored event, oldest first (at most the last 1,000). */
    async events() { return ((await api('/api/events?limit=1000'))?.events ?? []).reverse(); },
    /** Every event stored since start, in arrival order (from `/api/stream`). */
    stream,
    /** Polls until `predicate(stream)` is truthy; fails after `ms`. */
    async waitFor(predicate, what, ms = 20000) {
      return eventually(() => predicate(stream), `${what} (${stream.length} events stored)`, ms);
    },
    close() {
      abort.abort();
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe()` until it returns a truthy value (or fails with the last value after `ms`). */
export async function eventually(probe, what, ms = 10000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}
