// Types of instant's browser client (src/instant.js, dist/instant.mjs, and the
// script-tag build's window.$instant).
import type { Centrifuge, Subscription } from 'centrifuge';

/** One publication, whichever envelope encoding the server used. */
export interface InstantMessage {
  /** The channel it arrived on. */
  channel: string;
  site: string;
  /** '' when the envelope had none. */
  message: string;
  /** null when the envelope had none. */
  data: unknown;
  event_class: string;
  bucket: string;
}

export interface ChannelInfo {
  name: string;
  /** "public", "users", "groups", "staff" or "superuser". */
  level: string;
}

/** What login() / getToken() / connect() resolve to: never a token. */
export interface SessionInfo {
  /** The connection token's `sub` (for display; '' when unreadable). */
  user: string;
  channels: ChannelInfo[];
}

export type ErrorType = 'malformed' | 'handler' | 'connection' | 'subscription';

export interface ErrorContext {
  type: ErrorType;
  channel?: string;
  error: Error;
  /** 'malformed': the publication's data as received. */
  data?: unknown;
  offset?: number;
  /** 'handler': the event whose handler threw. */
  event?: string;
}

export interface StateContext {
  state: 'connecting' | 'connected' | 'disconnected';
  code?: number;
  reason?: string;
  client?: string;
  transport?: string;
}

export interface SubscribedContext {
  channel: string;
  recoverable: boolean;
  positioned: boolean;
  wasRecovering: boolean;
  recovered: boolean;
}

export interface UnsubscribedContext {
  channel: string;
  code: number;
  reason: string;
}

export interface RefreshContext {
  kind: 'connection' | 'subscription';
  channel?: string;
}

export interface EventMap {
  message: InstantMessage;
  error: ErrorContext;
  state: StateContext;
  subscribed: SubscribedContext;
  unsubscribed: UnsubscribedContext;
  refresh: RefreshContext;
}

export interface InitOptions {
  /** Header carrying the CSRF token on every POST (default "X-CSRFToken", Django's). */
  csrfHeader?: string;
  /** A CSRF token known before the first bundle (e.g. read from Django's csrftoken cookie). */
  csrfToken?: string;
  /** fetch() credentials mode (default "include": the session cookie goes cross-origin too). */
  credentials?: RequestCredentials;
  /** Ask Centrifugo for positioned, recoverable subscriptions (default true). */
  recover?: boolean;
  /**
   * Centrifugo's proxies decide (default false): connect without a connection
   * token (the connect proxy reads the forwarded session cookie) and subscribe
   * to non-`$` channels without tokens (the subscribe proxy allows them).
   */
  proxy?: boolean;
  /** console.debug of what the client does (names and states, never tokens). */
  debug?: boolean;
  fetch?: typeof fetch;
  /** A WebSocket constructor (Node); browsers have their own. */
  websocket?: unknown;
  /** Further centrifuge-js options (token, getToken and debug are set by instant). */
  centrifuge?: Record<string, unknown>;
  /** Other paths for the host endpoints. */
  endpoints?: Partial<Record<'login' | 'getToken' | 'subscribe' | 'logout', string>>;
}

export interface ConnectOptions {
  /** Subscribe to every channel of the bundle (default true). */
  autosubscribe?: boolean;
}

/** A failed host request, a refused session, or a publication that is not an envelope. */
export declare class InstantError extends Error {
  constructor(message: string, options?: { status?: number; kind?: InstantError['kind'] });
  /** HTTP status of a host reply (403: bad credentials or no session); 0 otherwise. */
  status: number;
  kind: 'http' | 'network' | 'malformed' | 'unauthorized' | 'usage';
}

export interface Instant {
  /** Sets the backend (the host app; '' for this page's origin) and Centrifugo's ws URL. No network. */
  init(backendUrl: string, wsUrl: string, options?: InitOptions): Instant;
  /** POST login/: starts a session (HttpOnly cookie). Rejects with status 403 on bad credentials. */
  login(username: string, password: string): Promise<SessionInfo>;
  /** POST get_token/: the logged-in user's bundle. Rejects with status 403 when anonymous. */
  getToken(): Promise<SessionInfo>;
  /** Connects (fetching a bundle first if needed) and subscribes to its channels. */
  connect(options?: ConnectOptions): Promise<SessionInfo>;
  /** Subscribes to one channel (idempotent); its token refreshes through subscribe/. */
  subscribe(name: string): Subscription;
  unsubscribe(name: string): boolean;
  /** Closes the connection and drops every subscription; the session stays. */
  disconnect(): void;
  /** POST logout/ (with the CSRF header), then disconnect(); ok false when there was no session. */
  logout(): Promise<{ ok: boolean }>;
  /** POST JSON to another endpoint of the backend with the session cookie and CSRF header. */
  post(path: string, body?: unknown): Promise<any>;
  on<E extends keyof EventMap>(event: E, handler: (ctx: EventMap[E]) => void): () => void;
  onMessage(handler: (msg: InstantMessage) => void): () => void;
  onChannel(name: string, handler: (msg: InstantMessage) => void): () => void;
  onError(handler: (ctx: ErrorContext) => void): () => void;
  onState(handler: (ctx: StateContext) => void): () => void;
  channels(): ChannelInfo[];
  user(): string;
  state(): 'disconnected' | 'connecting' | 'connected';
  /** The centrifuge-js client, null before connect(). */
  getClient(): Centrifuge | null;
}

export declare function createInstant(): Instant;
/** Throws InstantError (kind "malformed") when `payload` is not an instant envelope. */
export declare function normalizeMessage(channel: string, payload: unknown): InstantMessage;
export declare function websocketEndpoint(wsUrl: string): string;
export declare function tokenSubject(token: string): string;
export declare const $instant: Instant;
export default $instant;

/** window.$instant in the script-tag build (dist/instant.js). */
export interface InstantGlobal extends Instant {
  createInstant: typeof createInstant;
  normalizeMessage: typeof normalizeMessage;
  websocketEndpoint: typeof websocketEndpoint;
  InstantError: typeof InstantError;
  Centrifuge: typeof Centrifuge;
}

declare global {
  interface Window {
    $instant: InstantGlobal;
  }
}
