// Type declarations matching analytics.js 2.0 (@segment/analytics-next) call signatures.

export type JSONValue = string | number | boolean | null | JSONObject | JSONValue[];
export interface JSONObject { [key: string]: JSONValue | undefined }
export type ID = string | null | undefined;
export type Callback = (ctx: Context | null) => void;
export type Traits = JSONObject;
export type EventProperties = JSONObject;

export interface Options {
  integrations?: Record<string, boolean | JSONObject>;
  anonymousId?: string;
  userId?: string;
  timestamp?: Date | string;
  messageId?: string;
  context?: JSONObject;
  traits?: Traits;
  [key: string]: unknown;
}

export interface CookieOptions {
  maxage?: number; domain?: string; path?: string; secure?: boolean; sameSite?: string;
  /** The site's server sets `ajs_anonymous_id` (see `wasm-analytics/server`); the script never writes it. */
  serverManaged?: boolean;
  /** Where a localStorage-only id is reported when the server has not set the cookie (default `/wa/id`). */
  idEndpoint?: string;
}
export interface ConsentOptions {
  /** Nothing is stored or sent until `consent()` grants it. */
  required?: boolean;
  /** Every one must be true for consent to be granted. */
  categories?: string[];
  /** Calls made while consent is pending: kept in memory (bounded) and sent on grant, or dropped. */
  preConsent?: 'buffer' | 'drop';
  /** `'cookieless'`: after a denial, send events with an id that lives in memory for the page only. */
  onDenied?: 'drop' | 'cookieless';
  /** Deny when `navigator.globalPrivacyControl` is true and the visitor has not chosen (default true). */
  honorGlobalPrivacyControl?: boolean;
  /** Deny when `navigator.doNotTrack` is '1' and the visitor has not chosen (default false). */
  honorDoNotTrack?: boolean;
}
export type ConsentPreferences = 'granted' | 'denied' | Record<string, boolean>;
export type StoreType = 'cookie' | 'localStorage' | 'memory';

export interface InitOptions {
  apiHost?: string;
  cookie?: CookieOptions;
  consent?: ConsentOptions;
  storage?: { stores: StoreType[] };
  disableClientPersistence?: boolean;
  /** `true` (or a function returning true): send nothing, store nothing, load no wasm. */
  disable?: boolean | ((cdnSettings: Record<string, unknown>) => boolean | Promise<boolean>);
  integrations?: Record<string, boolean | JSONObject>;
  user?: { localStorageFallbackDisabled?: boolean; cookie?: { key?: string }; localStorage?: { key?: string } };
  group?: { cookie?: { key?: string }; localStorage?: { key?: string } };
  /** Delivery tuning: events per request, interval in ms. */
  batch?: { size?: number; timeout?: number };
  /** The `ajs_` query-string API (on by default): `false` turns it off; RegExps accept only matching ids. */
  useQueryString?: boolean | { aid?: RegExp; uid?: RegExp };
}

export interface AnalyticsBrowserSettings { writeKey: string; apiHost?: string; wasmUrl?: string | URL }

export interface SegmentEvent {
  type: 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';
  messageId: string;
  timestamp: string;
  userId: string | null;
  anonymousId: string;
  event?: string;
  name?: string;
  category?: string;
  properties?: EventProperties;
  traits?: Traits;
  groupId?: string;
  previousId?: string;
  context: JSONObject;
  integrations: Record<string, boolean | JSONObject>;
  writeKey: string;
}

export interface Context { readonly event: SegmentEvent }

export interface User {
  id(id?: ID): ID;
  anonymousId(id?: ID): ID;
  traits(traits?: Traits | null): Traits;
}
export interface Group {
  id(id?: ID): ID;
  anonymousId(): undefined;
  traits(traits?: Traits | null): Traits;
}

export interface MiddlewareParams {
  payload: { obj: SegmentEvent; type(): string };
  integrations: Record<string, boolean | JSONObject>;
  next: (payload: MiddlewareParams['payload'] | null) => void;
}
export type MiddlewareFunction = (params: MiddlewareParams) => void;

export interface QueueState { pending: number; inFlight: number; delivered: number; dropped: Record<string, number> }

export interface Analytics {
  track(event: string, properties?: EventProperties | Callback, options?: Options | Callback, callback?: Callback): Promise<Context>;
  page(category?: string | EventProperties | Callback, name?: string | EventProperties | Options | Callback, properties?: EventProperties | Options | Callback, options?: Options | Callback, callback?: Callback): Promise<Context>;
  screen: Analytics['page'];
  identify(id?: ID | Traits | Callback, traits?: Traits | Options | Callback, options?: Options | Callback, callback?: Callback): Promise<Context>;
  group(): Group;
  group(id: ID | Traits | Callback, traits?: Traits | Options | Callback, options?: Options | Callback, callback?: Callback): Promise<Context>;
  alias(to: string | number, from?: string | number | Options, options?: Options | Callback, callback?: Callback): Promise<Context>;
  user(): User;
  reset(): void;
  consent(preferences: ConsentPreferences): Promise<void>;
  setAnonymousId(id?: string): ID;
  ready(callback?: () => void): Promise<void>;
  on(event: string, callback: (...args: any[]) => void): Analytics;
  once(event: string, callback: (...args: any[]) => void): Analytics;
  off(event: string, callback?: (...args: any[]) => void): Analytics;
  debug(enabled: boolean): Analytics;
  timeout(ms: number): void;
  addSourceMiddleware(fn: MiddlewareFunction): Promise<Analytics>;
  trackLink(links: Element | Element[] | NodeList, event: string | ((el: Element) => string), properties?: EventProperties | ((el: Element) => EventProperties)): Analytics;
  trackForm(forms: Element | Element[] | NodeList, event: string | ((el: Element) => string), properties?: EventProperties | ((el: Element) => EventProperties)): Analytics;
  flush(): Promise<QueueState>;
  queueState(): QueueState;
  readonly VERSION: string;
}

export declare class AnalyticsBrowser implements PromiseLike<[Analytics]> {
  static load(settings: AnalyticsBrowserSettings, options?: InitOptions): AnalyticsBrowser;
  then<A = [Analytics], B = never>(onfulfilled?: ((value: [Analytics]) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): PromiseLike<A | B>;
  track: Analytics['track'];
  page: Analytics['page'];
  screen: Analytics['page'];
  identify: Analytics['identify'];
  group(id: ID | Traits | Callback, traits?: Traits | Options | Callback, options?: Options | Callback, callback?: Callback): Promise<Context>;
  group(): Promise<Group>;
  alias: Analytics['alias'];
  reset(): Promise<void>;
  consent(preferences: ConsentPreferences): Promise<void>;
  setAnonymousId(id?: string): Promise<ID>;
  user(): Promise<User>;
  ready: Analytics['ready'];
  on: Analytics['on'];
  once: Analytics['once'];
  off: Analytics['off'];
  debug: Analytics['debug'];
  addSourceMiddleware: Analytics['addSourceMiddleware'];
  flush(): Promise<QueueState>;
}
