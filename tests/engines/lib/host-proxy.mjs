// An HTTP forward proxy that sends every request to 127.0.0.1 whatever its host name, keeping the port and
// the Host header: a browser session configured with it (WebDriver `proxy` capability) can open
// http://www.shop.example.co.uk:PORT/ and reach the local static server, in every engine alike (Chromium's
// --host-resolver-rules has no Firefox or WebKit equivalent). Such pages are real-looking hosts, so cookie
// domain rules (the public suffix list, the `__tld__` probe) and insecure-context rules (no Web Locks on
// http:// outside loopback) apply as on a real site. Plain http only (no CONNECT); listens on 127.0.0.1.
import http from 'node:http';
import { closeServer } from '../../e2e/lib/static-server.mjs';

/**
 * Starts the proxy. `ports`: the only local ports it forwards to (the test's servers); anything else (a
 * browser's own update or time checks) is answered 502 without connecting. Returns { hostPort, requests,
 * close() } (`requests`: the absolute URLs it forwarded).
 */
export async function startHostProxy({ ports }) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let target;
    try {
      target = new URL(req.url);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      return res.end('absolute-form request URL expected');
    }
    if (!ports.includes(Number(target.port))) {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      return res.end('not a test server');
    }
    requests.push(target.href);
    const upstream = http.request({
      host: '127.0.0.1', port: target.port, method: req.method, path: target.pathname + target.search,
      headers: { ...req.headers, host: target.host },
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('upstream unreachable');
    });
    req.pipe(upstream);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { hostPort: `127.0.0.1:${server.address().port}`, requests, close: () => closeServer(server) };
}
