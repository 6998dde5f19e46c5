// Types of the npm entry, shaped like @segment/analytics-next 1.84's so code written against it compiles
// under `strict` unchanged (tests/types: its documented usage patterns compile, misuse does not).

export type JSONPrimitive = string | number | boolean | null;
export type JSONValue = JSONPrimitive | JSONObject | JSONArray;
export interface JSONObject { [key: string]: JSONValue | undefined }
export type JSONArray = JSONValue[];
export type ID = string | null | undefined;
/** As in analytics-next: any object (interfaces, `Date` values, `Record<string, unknown>`). */
export type EventProperties = Record<string, any>;
export type Traits = Record<string, any>;
export type UserTraits = Traits;
export type GroupTraits = Traits;
export type Callback = (ctx: Context) => Promise<unknown> | unknown;

export interface Options {
  integrations?: Integrations;
  anonymousId?: string;
  userId?: string;
  timestamp?: Date | string;
  messageId?: string;
  context?: Record<string, any>;
  traits?: Traits;
  [key: string]: any;
}
export type Integrations = { All?: boolean; [integration: string]: boolean | Record<string, any> | undefined };

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

/** `integrations['Segment.io']`: where and how events are sent. */
export interface SegmentioSettings {
  apiKey?: string;
  /** Host and path, e.g. `'proxy.example.com/v1'`. */
  apiHost?: string;
  protocol?: 'http' | 'https';
  deliveryStrategy?: { strategy?: 'standard' | 'batching'; config?: { size?: number; timeout?: number; keepalive?: boolean } };
  [key: string]: any;
}

export interface InitOptions {
  /** Send a page() as soon as loading starts (with the page as it is then). */
  initialPageview?: boolean;
  cookie?: CookieOptions;
  consent?: ConsentOptions;
  storage?: { stores: StoreType[] };
  disableClientPersistence?: boolean;
  /** `true` (or a function returning true): send nothing, store nothing, load no wasm. */
  disable?: boolean | ((cdnSettings: Record<string, any>) => boolean | Promise<boolean>);
  /** Per-integration settings; `'Segment.io'` takes apiHost, protocol and deliveryStrategy. */
  integrations?: Integrations & { 'Segment.io'?: SegmentioSettings | boolean };
  user?: { persist?: boolean; localStorageFallbackDisabled?: boolean; cookie?: { key?: string; oldKey?: string }; localStorage?: { key?: string } };
  group?: { persist?: boolean; cookie?: { key?: string }; localStorage?: { key?: string } };
  retryQueue?: boolean;
  /** Delivery tuning: events per request, interval in ms. */
  batch?: { size?: number; timeout?: number };
  /** The `ajs_` query-string API (on by default): `false` turns it off; RegExps accept only matching ids. */
  useQueryString?: boolean | { aid?: RegExp; uid?: RegExp };
  [key: string]: any;
}

export interface AnalyticsBrowserSettings {
  writeKey: string;
  /** Shorthand for `integrations['Segment.io'].apiHost`, with or without a scheme. */
  apiHost?: string;
  /** Where the .wasm is served from (default: next to this module, as bundlers emit it). */
  wasmUrl?: string | URL;
  /** Plugins registered before any buffered call runs. */
  plugins?: Plugin[];
  cdnURL?: string;
  cdnSettings?: Record<string, any>;
  [key: string]: any;
}

export interface SegmentEvent {
  type: 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';
  messageId?: string;
  timestamp?: Date | string;
  userId?: ID;
  anonymousId?: ID;
  event?: string;
  name?: string;
  category?: string;
  properties?: EventProperties;
  traits?: Traits;
  groupId?: ID;
  previousId?: ID;
  context?: Record<string, any>;
  integrations?: Integrations;
  writeKey?: string;
  [key: string]: any;
}

export interface CancelationOptions { retry?: boolean; reason?: string; type?: string }
export declare class ContextCancelation {
  retry: boolean;
  type: string;
  reason?: string;
  constructor(options: CancelationOptions);
}

/** What every event call resolves with. `failedDelivery()` holds the reason when the call sent nothing. */
export declare class Context {
  constructor(event: SegmentEvent | string, reason?: unknown);
  event: SegmentEvent;
  attempts: number;
  readonly id: string;
  isSame(other: Context): boolean;
  updateEvent(path: string, value: unknown): SegmentEvent;
  cancel(error?: Error | ContextCancelation): never;
  failedDelivery(): { reason: unknown } | undefined;
  setFailedDelivery(failure: { reason: unknown }): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, extras?: object): void;
  logs(): { level: string; message: string; time: Date; extras?: object }[];
  flush(): void;
  toJSON(): { id: string; event: SegmentEvent; logs: unknown[]; metrics: unknown[] };
  static system(): Context;
}

export type PluginType = 'before' | 'after' | 'destination' | 'enrichment' | 'utility';
/** analytics-next's plugin contract. */
export interface Plugin {
  name: string;
  alternativeNames?: string[];
  version?: string;
  type: PluginType;
  isLoaded: () => boolean;
  load: (ctx: Context, instance: Analytics) => Promise<unknown>;
  unload?: (ctx: Context, instance: Analytics) => Promise<unknown> | unknown;
  ready?: () => Promise<unknown>;
  track?: (ctx: Context) => Promise<Context> | Context;
  identify?: (ctx: Context) => Promise<Context> | Context;
  page?: (ctx: Context) => Promise<Context> | Context;
  group?: (ctx: Context) => Promise<Context> | Context;
  alias?: (ctx: Context) => Promise<Context> | Context;
  screen?: (ctx: Context) => Promise<Context> | Context;
}

export interface User {
  id(id?: ID): ID;
  anonymousId(id?: ID): ID;
  traits(traits?: Traits | null): Traits;
}
export interface Group {
  id(id?: ID): ID;
  anonymousId(id?: ID): ID;
  traits(traits?: Traits | null): Traits;
}

export interface SegmentFacade {
  obj: SegmentEvent;
  type(): string;
  event(): string | undefined;
  userId(): ID;
  anonymousId(): ID;
}
export interface MiddlewareParams {
  payload: SegmentFacade;
  integrations?: Integrations;
  next: (payload: MiddlewareParams['payload'] | null) => void;
}
export type MiddlewareFunction = (params: MiddlewareParams) => void;
export interface DestinationMiddlewareParams {
  payload: SegmentFacade;
  integration: string;
  next: (payload: MiddlewareParams['payload'] | null) => void;
}
export type DestinationMiddlewareFunction = (params: DestinationMiddlewareParams) => void;

export interface QueueState { pending: number; inFlight: number; delivered: number; dropped: Record<string, number>; offline?: boolean }

type Elements = Element | Element[] | NodeList | HTMLCollection | ArrayLike<Element> | null | undefined;
type LinkArgs = [links: Elements, event: string | ((el: Element) => string), properties?: EventProperties | ((el: Element) => EventProperties)];

export type TrackParams = [eventName: string, properties?: EventProperties | Callback, options?: Options | Callback, callback?: Callback];
export type PageParams = [category?: string | object | null, name?: string | object | Callback | null, properties?: EventProperties | Options | Callback | null, options?: Options | Callback, callback?: Callback];
export type IdentifyParams = [id?: ID | object, traits?: Traits | Callback | null, options?: Options | Callback, callback?: Callback];
export type AliasParams = [to: string | number, from?: string | number | Options, options?: Options | Callback, callback?: Callback];

/** The loaded instance (`window.analytics` after the snippet loads; `[analytics]` of `AnalyticsBrowser.load()`). */
export interface Analytics {
  track(...args: TrackParams): Promise<Context>;
  page(...args: PageParams): Promise<Context>;
  screen(...args: PageParams): Promise<Context>;
  identify(...args: IdentifyParams): Promise<Context>;
  group(): Group;
  group(...args: IdentifyParams): Promise<Context>;
  alias(...args: AliasParams): Promise<Context>;
  pageview(url: string): Promise<Context>;
  user(): User;
  reset(): void;
  consent(preferences: ConsentPreferences): Promise<void>;
  setAnonymousId(id?: string): ID;
  ready(callback?: Function): Promise<unknown>;
  on(event: string, callback: (...args: any[]) => void): Analytics;
  once(event: string, callback: (...args: any[]) => void): Analytics;
  off(event: string, callback?: (...args: any[]) => void): Analytics;
  /** Calls the listeners of `event` with `args` (analytics-next's Analytics is an Emitter too). */
  emit(event: string, ...args: any[]): Analytics;
  debug(enabled: boolean): Analytics;
  timeout(ms: number): void;
  register(...plugins: Plugin[]): Promise<Context>;
  deregister(...names: string[]): Promise<Context>;
  addSourceMiddleware(fn: MiddlewareFunction): Promise<Analytics>;
  addDestinationMiddleware(integrationName: string, ...middlewares: DestinationMiddlewareFunction[]): Promise<Analytics>;
  addIntegrationMiddleware(fn: MiddlewareFunction): Promise<Analytics>;
  trackLink(...args: LinkArgs): Analytics;
  trackClick(...args: LinkArgs): Analytics;
  trackForm(...args: LinkArgs): Analytics;
  trackSubmit(...args: LinkArgs): Analytics;
  /** Sends what is queued; resolves once nothing is pending (or after maxWaitMs, default 10 s). */
  flush(maxWaitMs?: number): Promise<QueueState>;
  queueState(): QueueState;
  readonly VERSION: string;
  readonly settings: Record<string, any>;
  readonly initialized: boolean;
}
export declare const Analytics: { prototype: Analytics };

/** The window.analytics the snippet defines before the library has loaded. */
export interface AnalyticsSnippet extends Analytics {
  load(writeKey: string, options?: InitOptions & { scriptUrl?: string; wasmUrl?: string }): void;
}

/** analytics-next's buffered proxy: every method works before load and returns a promise of its result;
 * `on/once/off/debug` chain. Itself a promise of `[analytics, context]`. */
export declare class AnalyticsBrowser implements PromiseLike<[Analytics, Context]> {
  constructor();
  static load(settings: AnalyticsBrowserSettings, options?: InitOptions): AnalyticsBrowser;
  static standalone(writeKey: string, options?: InitOptions): Promise<Analytics>;
  load(settings: AnalyticsBrowserSettings, options?: InitOptions): AnalyticsBrowser;
  instance?: Analytics;
  ctx?: Context;
  readonly VERSION: string;
  then<A = [Analytics, Context], B = never>(onfulfilled?: ((value: [Analytics, Context]) => A | PromiseLike<A>) | null, onrejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<A | B>;
  catch<B = never>(onrejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<[Analytics, Context] | B>;
  finally(onfinally?: (() => void) | null): Promise<[Analytics, Context]>;
  track(...args: TrackParams): Promise<Context>;
  page(...args: PageParams): Promise<Context>;
  screen(...args: PageParams): Promise<Context>;
  identify(...args: IdentifyParams): Promise<Context>;
  group(): Promise<Group>;
  group(...args: IdentifyParams): Promise<Context>;
  alias(...args: AliasParams): Promise<Context>;
  pageview(url: string): Promise<Context>;
  pageView(url: string): Promise<Context>;
  user(): Promise<User>;
  reset(): Promise<void>;
  consent(preferences: ConsentPreferences): Promise<void>;
  setAnonymousId(id?: string): Promise<ID>;
  ready(callback?: Function): Promise<unknown>;
  on(event: string, callback: (...args: any[]) => void): AnalyticsBrowser;
  once(event: string, callback: (...args: any[]) => void): AnalyticsBrowser;
  off(event: string, callback?: (...args: any[]) => void): AnalyticsBrowser;
  debug(enabled: boolean): AnalyticsBrowser;
  timeout(ms: number): Promise<void>;
  register(...plugins: Plugin[]): Promise<Context>;
  deregister(...names: string[]): Promise<Context>;
  addSourceMiddleware(fn: MiddlewareFunction): Promise<Analytics>;
  addDestinationMiddleware(integrationName: string, ...middlewares: DestinationMiddlewareFunction[]): Promise<Analytics>;
  addIntegrationMiddleware(fn: MiddlewareFunction): Promise<Analytics>;
  trackLink(...args: LinkArgs): Promise<Analytics>;
  trackClick(...args: LinkArgs): Promise<Analytics>;
  trackForm(...args: LinkArgs): Promise<Analytics>;
  trackSubmit(...args: LinkArgs): Promise<Analytics>;
  flush(maxWaitMs?: number): Promise<QueueState>;
  queueState(): Promise<QueueState>;
}

export declare const VERSION: string;
