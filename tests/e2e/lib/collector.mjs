// The real collector binary for end-to-end tests: started on 127.0.0.1 at a free port with a fresh SQLite file
// (optionally serving a directory), read back through its JSON API. Built with cargo when no binary exists.
// COLLECTOR_BIN overrides the binary. Owns no browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The collector binary: $COLLECTOR_BIN, an existing debug/release build, or a fresh debug build. */
export function collectorBinary() {
  if (process.env.COLLECTOR_BIN) return process.env.COLLECTOR_BIN;
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const built = ['debug', 'release', 'collector-release'].map((p) => path.join(targetDir, p, 'collector')).find((p) => existsSync(p));
  if (built) return built;
  const build = spawnSync('cargo', ['build', '-p', 'collector'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('cargo build -p collector failed');
  return path.join(targetDir, 'debug', 'collector');
}

/** Starts the collector; resolves { origin, events(), waitForEvents(predicate), close() }. */
export async function startCollector({ serveDir = path.join(ROOT, 'www') } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'collector-e2e-'));
  const child = spawn(collectorBinary(), ['--listen', '127.0.0.1:0', '--db', path.join(dir, 'e2e.sqlite'), '--serve-dir', serveDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
  const origin = /http:\/\/(\S+)/.exec(line)?.[0];
  if (!origin) throw new Error(`no address in ${JSON.stringify(line)}`);
  const events = async () => (await (await fetch(`${origin}/api/events?limit=1000`)).json()).events;
  return {
    origin,
    events,
    /** Polls the stored events until `predicate(events)` holds (10 s), then returns them. */
    async waitForEvents(predicate, what = 'events') {
      const deadline = Date.now() + 10000;
      let last = [];
      while (Date.now() < deadline) {
        last = await events();
        if (predicate(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}; stored: ${JSON.stringify(last.map((e) => e.event || e.type))}`);
    },
    close() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
