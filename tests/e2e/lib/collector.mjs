// The real collector binary for end-to-end tests: started on 127.0.0.1 with a fresh SQLite file, its
// live `/api/stream` followed from the start so a test sees every stored event (the read API returns at
// most 1,000). Built here (debug) when no build exists; COLLECTOR_BIN overrides the binary.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The collector binary: $COLLECTOR_BIN, an existing build, or a fresh debug build. */
export function collectorBinary() {
  if (process.env.COLLECTOR_BIN) return process.env.COLLECTOR_BIN;
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const built = ['debug', 'release', 'collector-release'].map((p) => path.join(targetDir, p, 'collector')).find((p) => existsSync(p));
  if (built) return built;
  const build = spawnSync('cargo', ['build', '-p', 'collector'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(build.status, 0, 'cargo build -p collector failed');
  return path.join(targetDir, 'debug', 'collector');
}

/** Starts the collector on a free port. Resolves { origin, apiHost, events, waitFor(pred, what, ms), close() }:
 * `events` are the stored events in arrival order (from the stream). */
export async function startCollector({ serveDir } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'collector-e2e-'));
  const args = ['--listen', '127.0.0.1:0', '--db', path.join(dir, 'e2e.sqlite')];
  if (serveDir) args.push('--serve-dir', serveDir);
  const child = spawn(collectorBinary(), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
  const origin = /http:\/\/(\S+)/.exec(line)?.[0];
  assert.ok(origin, `no address in ${JSON.stringify(line)}`);
  const events = [];
  const abort = new AbortController();
  const stream = await fetch(origin + '/api/stream', { signal: abort.signal });
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of stream.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!frame.startsWith('event: event\n')) continue;
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)).event);
        }
      }
    } catch (e) { /* closed */ }
  })();
  return {
    origin,
    apiHost: origin + '/v1',
    events,
    /** Polls until `predicate(events)` is truthy; fails after `ms`. */
    async waitFor(predicate, what, ms = 20000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const found = predicate(events);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.fail(`timed out waiting for ${what}; ${events.length} events stored`);
    },
    close() {
      abort.abort();
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
