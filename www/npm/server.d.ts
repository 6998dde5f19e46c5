// Types of wasm-analytics/server (server.js): the server-set anonymousId cookie and server-side events.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const COOKIE_NAME: 'ajs_anonymous_id';

export interface AnonymousIdOptions {
  /** Registrable domain for the cookie (e.g. `example.com`); host-only when absent. */
  domain?: string;
  /** Cookie lifetime in days (default 365). */
  maxAgeDays?: number;
  secure?: boolean;
  sameSite?: 'Lax' | 'Strict' | 'None';
  cookieName?: string;
  /** Where the library reports a localStorage-only id (the browser's `cookie.idEndpoint`; default `/wa/id`). */
  endpoint?: string;
  /** Set no cookie until the visitor granted consent (`wa_consent=g…`), as the browser's `consent.required`. */
  consentRequired?: boolean;
  /** Which responses set or refresh the cookie (default: GET/HEAD navigations asking for HTML). */
  isPage?: (method: string, headers: Record<string, string>) => boolean;
}

export interface Decision { id: string | null; setCookie: string | null; respond: number }

export function readCookie(header: string | null | undefined, name: string): string | undefined;
export function readAnonymousId(cookieHeader: string | null | undefined, cookieName?: string): string | undefined;
export function idCookie(id: string, options?: AnonymousIdOptions): string;
export function decide(request: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body?: string }, options?: AnonymousIdOptions): Decision;

/** Node http / Express / Connect middleware; sets `req.anonymousId`. */
export function anonymousId(options?: AnonymousIdOptions):
  (req: IncomingMessage & { anonymousId?: string | null }, res: ServerResponse, next?: (err?: unknown) => void) => Promise<void>;

/** Next.js middleware / Web Request-Response: the response with the cookie set, or the 204 answer to an id report. */
export function withAnonymousId<R extends Response>(request: Request, response: R, options?: AnonymousIdOptions): Promise<R | Response>;

export interface ServerMessage {
  anonymousId?: string | null;
  userId?: string | null;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  groupId?: string;
  context?: Record<string, unknown>;
  timestamp?: Date | string;
  messageId?: string;
}

export interface ServerAnalytics {
  /** Resolve with the HTTP status (0: unreachable or no id); never reject. */
  track(message: ServerMessage & { event: string }): Promise<number>;
  identify(message: ServerMessage): Promise<number>;
  page(message: ServerMessage): Promise<number>;
  group(message: ServerMessage & { groupId: string }): Promise<number>;
}

export function createServerAnalytics(options: { writeKey: string; apiHost?: string; fetch?: typeof fetch }): ServerAnalytics;
