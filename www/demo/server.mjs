// The demo shop's own server: what a site using wasm-analytics/server looks like. Every request goes through the
// anonymousId middleware (the visitor's `ajs_anonymous_id` is set by this server, in its page responses, so Safari
// does not cap it at 7 days), the checkout handler sends `Order Completed` from the server with the same
// anonymousId (it joins the visitor's profile in the collector), and everything else — the pages, the library,
// /v1 ingestion, the /api read API and its live stream — is forwarded to the collector.
//
//   node www/demo/server.mjs --listen 127.0.0.1:8787 --collector http://127.0.0.1:8788 [--write-key demo-key] [--cookie-days 365]
//
// Prints `demo server listening on http://ADDR` as its first line (tests read it). Listens on 127.0.0.1 only.
import http from 'node:http';
import { anonymousId, createServerAnalytics } from '../npm/server.js';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const collector = new URL(args.collector || 'http://127.0.0.1:8788');
const [host, port] = (args.listen || '127.0.0.1:8787').split(':');
if (host !== '127.0.0.1' && host !== 'localhost') throw new Error('the demo server listens on 127.0.0.1 only');

const ids = anonymousId({ endpoint: '/wa/id', maxAgeDays: Number(args['cookie-days']) || 365 });
const server = createServerAnalytics({ writeKey: args['write-key'] || 'demo-key', apiHost: new URL('/v1', collector).href });

/** POST /demo/checkout {product_id, name, price, userId?}: the server-side order event, with the visitor's id. */
async function checkout(req, res) {
  let text = '';
  for await (const chunk of req) { text += chunk; if (text.length > 4096) break; }
  let order = {};
  try { order = JSON.parse(text) || {}; } catch (e) { /* an empty order */ }
  const properties = { order_id: 'order-' + Date.now().toString(36), total: Number(order.price) || 0, currency: 'EUR',
    products: [{ product_id: String(order.product_id || ''), name: String(order.name || ''), price: Number(order.price) || 0 }] };
  const status = req.anonymousId || order.userId
    ? await server.track({ anonymousId: req.anonymousId, userId: order.userId || undefined, event: 'Order Completed', properties })
    : 0;
  res.writeHead(status >= 200 && status < 300 ? 200 : 502, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ anonymousId: req.anonymousId, orderId: properties.order_id, collectorStatus: status }));
}

/** Forwards the request to the collector as it is and streams the answer back (the SSE stream included). */
function forward(req, res) {
  const upstream = http.request({ host: collector.hostname, port: collector.port, method: req.method, path: req.url,
    headers: Object.assign({}, req.headers, { host: collector.host, 'x-forwarded-for': req.socket.remoteAddress }) }, (answer) => {
    res.writeHead(answer.statusCode || 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
  req.pipe(upstream);
}

http.createServer((req, res) => {
  ids(req, res, () => {
    if (req.method === 'POST' && req.url.split('?')[0] === '/demo/checkout') return checkout(req, res);
    return forward(req, res);
  });
}).listen(Number(port), host, function () {
  console.log(`demo server listening on http://${host}:${this.address().port} (collector ${collector.origin})`);
});
