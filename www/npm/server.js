// wasm-analytics/server: the server side of the first-party id contract (README, "A first-party id that survives
// Safari"). The site's own server sets `ajs_anonymous_id` in its HTTP responses, so Safari does not cap it at 7 days
// as it caps cookies written by script; the browser library (with `cookie: {serverManaged: true}`) adopts that id,
// mirrors it into localStorage and never writes the cookie itself. Server code gets the same id (`req.anonymousId`)
// and can send its own events with it (`createServerAnalytics().track(...)`), so they join the visitor's profile.
//
// Usable with Node's http (`anonymousId(options)(req, res, next)`), Express/Connect (`app.use(anonymousId())`) and
// Next.js middleware (`withAnonymousId(request, NextResponse.next())`, Web Request/Response). No dependencies.

import { randomUUID } from 'node:crypto';

export const COOKIE_NAME = 'ajs_anonymous_id';
const CONSENT_COOKIE = 'wa_consent';
const DEFAULT_ENDPOINT = '/wa/id';
const YEAR_SECONDS = 365 * 24 * 3600;
/** Ids this helper accepts from a cookie or a report: what analytics.js makes (UUIDs) and any short token. */
const VALID_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The value of cookie `name` in a Cookie header (js-cookie encoded values are decoded), or undefined. */
export function readCookie(header, name) {
  for (const part of String(header || '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try { return decodeURIComponent(value); } catch (e) { return value; }
  }
  return undefined;
}

/** The visitor's valid anonymousId from a Cookie header, or undefined. */
export function readAnonymousId(cookieHeader, cookieName = COOKIE_NAME) {
  const id = readCookie(cookieHeader, cookieName);
  return id && VALID_ID.test(id) ? id : undefined;
}

/** What the visitor's remembered consent allows: `g…` granted, `d…` denied, nothing: no choice yet. */
function mayStore(cookieHeader, consentRequired) {
  const choice = readCookie(cookieHeader, CONSENT_COOKIE) || '';
  if (choice.startsWith('d')) return false;
  return !consentRequired || choice.startsWith('g');
}

function settings(options = {}) {
  return {
    cookieName: options.cookieName || COOKIE_NAME,
    domain: options.domain,
    maxAgeSeconds: Math.round((options.maxAgeDays ?? 365) * 24 * 3600) || YEAR_SECONDS,
    secure: options.secure === true,
    sameSite: options.sameSite || 'Lax',
    endpoint: options.endpoint || DEFAULT_ENDPOINT,
    consentRequired: options.consentRequired === true,
    isPage: typeof options.isPage === 'function' ? options.isPage : isPageRequest,
  };
}

/** A page request: GET/HEAD asking for HTML (a navigation), not an asset or an API call. */
function isPageRequest(method, headers) {
  const accept = headers.accept || '';
  return (method === 'GET' || method === 'HEAD') && (headers['sec-fetch-dest'] === 'document' || accept.includes('text/html'));
}

/** The Set-Cookie value that stores `id` for a year (not HttpOnly: the library must read it). */
export function idCookie(id, options = {}) {
  const s = settings(options);
  let text = `${s.cookieName}=${id}; Path=/; Max-Age=${s.maxAgeSeconds}; SameSite=${s.sameSite}`;
  if (s.domain) text += `; Domain=${s.domain}`;
  if (s.secure) text += '; Secure';
  return text;
}

/**
 * The decision for one request, framework-free: `{ id, setCookie, respond }`.
 * - A valid id cookie is kept; a page response sets it again (the expiry rolls forward a year).
 * - No cookie on a page request: a new UUID v4 is minted and set.
 * - `POST <endpoint>` with an id in the body (the library reporting a localStorage-only id): adopted when the
 *   request has no cookie (the server's own id wins otherwise); answered 204 (`respond`).
 * - A remembered denial (`wa_consent=d…`), or no grant yet with `consentRequired`: nothing is set, `id` is null.
 */
export function decide({ method, path, headers, body }, options = {}) {
  const s = settings(options);
  const lower = Object.fromEntries(Object.entries(headers || {}).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
  const existing = readAnonymousId(lower.cookie, s.cookieName);
  const allowed = mayStore(lower.cookie, s.consentRequired);
  const report = method === 'POST' && path === s.endpoint;
  if (!allowed) return { id: null, setCookie: null, respond: report ? 204 : 0 };
  if (report) {
    const reported = String(body || '').trim();
    const adopt = !existing && VALID_ID.test(reported);
    return { id: existing || (adopt ? reported : null), setCookie: adopt ? idCookie(reported, options) : null, respond: 204 };
  }
  if (!s.isPage(method, lower)) return { id: existing || null, setCookie: null, respond: 0 };
  const id = existing || randomUUID();
  return { id, setCookie: idCookie(id, options), respond: 0 };
}

function appendSetCookie(res, value) {
  const current = res.getHeader('Set-Cookie');
  const list = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
  res.setHeader('Set-Cookie', [...list, value]);
}

function readBody(req, limit = 256) {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { text += chunk; if (text.length > limit) { text = ''; req.destroy(); resolve(''); } });
    req.on('end', () => resolve(text));
    req.on('error', () => resolve(''));
  });
}

/**
 * Node http / Express / Connect middleware: `(req, res, next)`. Sets `req.anonymousId` (null when consent does
 * not allow one), sets or refreshes the cookie on page responses, and answers the library's id reports.
 */
export function anonymousId(options = {}) {
  const s = settings(options);
  return async function anonymousIdMiddleware(req, res, next = () => {}) {
    try {
      const path = (req.url || '/').split('?')[0];
      const report = req.method === 'POST' && path === s.endpoint;
      const body = report ? await readBody(req) : '';
      const decision = decide({ method: req.method, path, headers: req.headers, body }, options);
      req.anonymousId = decision.id;
      if (decision.setCookie) appendSetCookie(res, decision.setCookie);
      if (decision.respond) {
        res.statusCode = decision.respond;
        res.setHeader('Cache-Control', 'no-store');
        return res.end();
      }
    } catch (e) {
      req.anonymousId = req.anonymousId ?? null; // never break the site's request
    }
    return next();
  };
}

/**
 * Next.js middleware (or any Web Request/Response code): returns `response` with the cookie set or refreshed, or
 * the 204 answer to an id report. `response` is what the middleware would return otherwise (`NextResponse.next()`).
 * Server components read the id with `readAnonymousId(headers().get('cookie'))`.
 */
export async function withAnonymousId(request, response, options = {}) {
  const url = new URL(request.url);
  const headers = Object.fromEntries(request.headers.entries());
  const s = settings(options);
  const body = request.method === 'POST' && url.pathname === s.endpoint ? await request.text().catch(() => '') : '';
  const decision = decide({ method: request.method, path: url.pathname, headers, body }, options);
  const out = decision.respond ? new Response(null, { status: decision.respond, headers: { 'Cache-Control': 'no-store' } }) : response;
  if (decision.setCookie) out.headers.append('Set-Cookie', decision.setCookie);
  return out;
}

/**
 * Server-side events to any Segment-compatible endpoint (`apiHost` like the browser's, e.g.
 * `https://api.segment.io/v1` or the local collector's `http://127.0.0.1:8787/v1`). Each call sends one event
 * at once and resolves with the HTTP status (0 when the endpoint is unreachable); it never throws.
 */
export function createServerAnalytics({ writeKey, apiHost = 'https://api.segment.io/v1', fetch: send = globalThis.fetch } = {}) {
  const base = (/^[a-z]+:\/\//i.test(apiHost) ? apiHost : 'https://' + apiHost).replace(/\/+$/, '');
  const auth = 'Basic ' + Buffer.from(String(writeKey || '') + ':').toString('base64');
  const post = async (path, type, message) => {
    const event = Object.assign({}, message, {
      type,
      messageId: message.messageId || randomUUID(),
      timestamp: message.timestamp instanceof Date ? message.timestamp.toISOString() : message.timestamp || new Date().toISOString(),
      context: Object.assign({ library: { name: 'wasm-analytics-server', version: '0.1.0' } }, message.context),
      writeKey,
    });
    if (!event.anonymousId && !event.userId) return 0;
    try {
      const r = await send(`${base}/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth }, body: JSON.stringify(event) });
      return r.status;
    } catch (e) {
      return 0;
    }
  };
  return {
    track: (message) => post('track', 'track', message),
    identify: (message) => post('identify', 'identify', message),
    page: (message) => post('page', 'page', message),
    group: (message) => post('group', 'group', message),
  };
}
