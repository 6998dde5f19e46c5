// A static file server for end-to-end tests: serves one directory (usually www/) on 127.0.0.1 at a free
// port, with the right MIME types for .wasm/.mjs/.js/.html and no caching, plus optional in-memory pages
// for one-off fixtures. Owns nothing else; the tracking endpoint is recorder.mjs.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** MIME types by extension; anything else is application/octet-stream. */
export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves `root` on `host`:`port` (port 0 = any free port).
 * `pages`: { '/path.html': 'content' or { body, type } } served from memory before the disk (for fixtures).
 * `headers`: extra response headers on every answer.
 * Returns { origin, url(p), localhostUrl(p), port, pages, requests, close() }; `requests` lists the paths asked
 * for; `pages` is the live in-memory map (add fixtures to it at any time).
 * `localhostUrl` is the same server reached as http://localhost:PORT (a different origin, same cookies host-wise).
 */
export async function startStaticServer({ root, host = '127.0.0.1', port = 0, pages = {}, headers = {} } = {}) {
  const base = root ? path.resolve(root) : null;
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(pathname);
    const common = { 'Cache-Control': 'no-store', ...headers };
    const page = pages[pathname];
    if (page !== undefined) {
      const { body, type } = typeof page === 'string' ? { body: page, type: mimeFor(pathname) } : page;
      res.writeHead(200, { 'Content-Type': type ?? mimeFor(pathname), ...common });
      return res.end(body);
    }
    const file = base && (await resolveFile(base, pathname));
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...common });
      return res.end('not found');
    }
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': mimeFor(file), 'Content-Length': body.length, ...common });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  const origin = `http://${host}:${actualPort}`;
  return {
    origin,
    port: actualPort,
    pages,
    requests,
    url: (p = '/') => origin + p,
    localhostUrl: (p = '/') => `http://localhost:${actualPort}${p}`,
    close: () => closeServer(server),
  };
}

/** The MIME type for a file name. */
export function mimeFor(file) {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function resolveFile(base, pathname) {
  let file = path.join(base, path.normalize(pathname));
  if (file !== base && !file.startsWith(base + path.sep)) return null; // no ../ escapes
  try {
    let s = await stat(file);
    if (s.isDirectory()) {
      file = path.join(file, 'index.html');
      s = await stat(file);
    }
    return s.isFile() ? file : null;
  } catch {
    return null;
  }
}

/** Closes an http.Server and every connection it still holds. */
export function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
