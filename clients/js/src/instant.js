// instant's browser client: django-instant's $instant on centrifuge-js 5.
// The host app (examples/cpp/host_server.cpp, or a django-instant site) owns
// login, sessions and CSRF; this file turns its bundle
// {"csrf_token","ws_token","channels":[{"name","level","token"}]} into a
// Centrifugo connection with one subscription per channel, refreshes both
// token kinds through the host, recovers missed publications after a
// reconnect, and hands every publication over as
// {channel, site, message, data, event_class, bucket}.
// Tokens and the CSRF token are never logged, never put in an event and never
// put in an error message.
import { Centrifuge, UnauthorizedError } from 'centrifuge';

// django-instant's paths (its urls.py), relative to the backend URL.
const ENDPOINTS = Object.freeze({
  login: '/instant/login/',
  getToken: '/instant/get_token/',
  subscribe: '/instant/subscribe/',
  logout: '/instant/logout/',
});

const EVENTS = ['message', 'error', 'state', 'subscribed', 'unsubscribed', 'refresh'];

// A failed host request or a publication that is not an instant envelope.
// kind: 'http' (status set), 'network', 'malformed', 'unauthorized', 'usage'.
export class InstantError extends Error {
  constructor(message, { status = 0, kind = 'http' } = {}) {
    super(message);
    this.name = 'InstantError';
    this.status = status;
    this.kind = kind;
  }
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function optionalString(envelope, key) {
  const v = envelope[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') {
    throw new InstantError(`envelope member "${key}" is not a string`, { kind: 'malformed' });
  }
  return v;
}

// The message of one publication on `channel`: `payload` is the envelope as a
// JSON object (instant's default) or as a JSON string of it (django-instant's
// encoding). Throws InstantError (kind 'malformed') for anything else. The
// channel is the one the publication arrived on, not the envelope's claim.
export function normalizeMessage(channel, payload) {
  let envelope = payload;
  if (typeof envelope === 'string') {
    try {
      envelope = JSON.parse(envelope);
    } catch {
      throw new InstantError('publication is a string that is not JSON', { kind: 'malformed' });
    }
  }
  if (!isObject(envelope)) {
    throw new InstantError('publication is not an instant envelope (JSON object or JSON string of one)',
      { kind: 'malformed' });
  }
  const hasMessage = envelope.message !== undefined && envelope.message !== null;
  const hasData = Object.prototype.hasOwnProperty.call(envelope, 'data');
  if (!hasMessage && !hasData) {
    throw new InstantError('envelope has neither "message" nor "data"', { kind: 'malformed' });
  }
  return {
    channel,
    site: optionalString(envelope, 'site'),
    message: optionalString(envelope, 'message'),
    data: hasData ? envelope.data : null,
    event_class: optionalString(envelope, 'event_class'),
    bucket: optionalString(envelope, 'bucket'),
  };
}

// The websocket endpoint for a Centrifugo base URL ("ws://host:8000" ->
// "ws://host:8000/connection/websocket"); a full endpoint is kept as is.
export function websocketEndpoint(wsUrl) {
  if (typeof wsUrl !== 'string' || !/^wss?:\/\//.test(wsUrl)) {
    throw new InstantError('wsUrl must be a ws:// or wss:// URL', { kind: 'usage' });
  }
  if (/\/connection\/websocket\/?$/.test(wsUrl)) return wsUrl;
  return wsUrl.replace(/\/+$/, '') + '/connection/websocket';
}

// The `sub` claim of a JWT (the user name), '' when unreadable. Reading the
// payload is not verifying it: this is for display only.
export function tokenSubject(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
    return typeof json.sub === 'string' ? json.sub : '';
  } catch {
    return '';
  }
}

// Checks a bundle from login / get_token and keeps what the client needs.
function readBundle(reply) {
  if (!isObject(reply) || typeof reply.ws_token !== 'string' || !Array.isArray(reply.channels)) {
    throw new InstantError('the host sent no instant bundle', { kind: 'malformed' });
  }
  const channels = new Map();
  for (const c of reply.channels) {
    if (!isObject(c) || typeof c.name !== 'string' || c.name === '') {
      throw new InstantError('the host sent a bundle with a bad channel entry', { kind: 'malformed' });
    }
    channels.set(c.name, {
      name: c.name,
      level: typeof c.level === 'string' ? c.level : '',
      token: typeof c.token === 'string' ? c.token : '',
    });
  }
  return {
    csrf: typeof reply.csrf_token === 'string' ? reply.csrf_token : '',
    wsToken: reply.ws_token,
    user: tokenSubject(reply.ws_token),
    channels,
  };
}

// A new, independent client. The script-tag build's global $instant and the
// module's default export are one such client.
export function createInstant() {
  let cfg = null;
  let bundle = null;
  let csrf = '';
  let client = null;
  const subs = new Map();
  const handlers = Object.fromEntries(EVENTS.map((e) => [e, new Set()]));
  const channelHandlers = new Map();

  const log = (...parts) => {
    if (cfg && cfg.debug) console.debug('instant:', ...parts);  // never tokens: callers pass names only
  };

  function emit(event, ctx) {
    for (const fn of [...handlers[event]]) {
      try {
        fn(ctx);
      } catch (e) {
        if (event === 'error') {
          console.warn('instant: an error handler threw:', e && e.message);
        } else {
          report({ type: 'handler', event, channel: ctx && ctx.channel, error: e });
        }
      }
    }
  }

  function report(ctx) {
    if (handlers.error.size === 0) {
      const where = ctx.channel ? ` on ${ctx.channel}` : '';
      console.warn(`instant: ${ctx.type}${where}: ${ctx.error ? ctx.error.message : ''}`);
      return;
    }
    emit('error', ctx);
  }

  function need(what) {
    if (!cfg) throw new InstantError(`call init() before ${what}()`, { kind: 'usage' });
  }

  function on(event, fn) {
    if (!handlers[event]) throw new InstantError(`unknown event "${event}"`, { kind: 'usage' });
    if (typeof fn !== 'function') throw new InstantError('a handler must be a function', { kind: 'usage' });
    handlers[event].add(fn);
    return () => handlers[event].delete(fn);
  }

  // POST `body` as JSON to the backend with the session cookie and, once the
  // host gave one, the CSRF header. Resolves to the reply's JSON.
  async function post(path, body = {}) {
    need('post');
    const headers = { 'Content-Type': 'application/json' };
    if (csrf) headers[cfg.csrfHeader] = csrf;
    let res;
    try {
      res = await cfg.fetch(cfg.backendUrl + path, {
        method: 'POST', credentials: cfg.credentials, headers, body: JSON.stringify(body), cache: 'no-store',
      });
    } catch (e) {
      throw new InstantError(`${path}: network error (${e && e.message})`, { kind: 'network' });
    }
    if (!res.ok) throw new InstantError(`${path}: HTTP ${res.status}`, { status: res.status });
    try {
      return await res.json();
    } catch {
      throw new InstantError(`${path}: the reply is not JSON`, { status: res.status, kind: 'malformed' });
    }
  }

  function accept(reply) {
    const fresh = readBundle(reply);
    if (bundle && bundle.user && fresh.user && bundle.user !== fresh.user) {
      disconnect();  // another user now: the old connection is not theirs
    }
    bundle = fresh;
    if (fresh.csrf) csrf = fresh.csrf;
    return info();
  }

  function info() {
    return bundle
      ? { user: bundle.user, channels: [...bundle.channels.values()].map(({ name, level }) => ({ name, level })) }
      : { user: '', channels: [] };
  }

  const unauthorized = (e) => e instanceof InstantError && (e.status === 401 || e.status === 403);

  async function refreshConnectionToken() {
    let reply;
    try {
      reply = await post(cfg.endpoints.getToken);
    } catch (e) {
      if (unauthorized(e)) {
        log('connection token refused: the session ended');
        throw new UnauthorizedError('session ended');
      }
      throw e;
    }
    accept(reply);
    log('connection token refreshed');
    emit('refresh', { kind: 'connection' });
    return bundle.wsToken;
  }

  async function refreshSubscriptionToken(name) {
    let reply;
    try {
      reply = await post(cfg.endpoints.subscribe, { channels: [name] });
    } catch (e) {
      if (unauthorized(e)) throw new UnauthorizedError('session ended');
      throw e;
    }
    const list = isObject(reply) && Array.isArray(reply.channels) ? reply.channels : [];
    const entry = list.find((c) => isObject(c) && c.name === name && typeof c.token === 'string');
    if (!entry) {
      log(`channel ${name} is no longer authorized`);
      throw new UnauthorizedError('channel not authorized');
    }
    if (bundle) bundle.channels.set(name, { name, level: entry.level || '', token: entry.token });
    log(`subscription token refreshed for ${name}`);
    emit('refresh', { kind: 'subscription', channel: name });
    return entry.token;
  }

  function deliver(channel, ctx) {
    let msg;
    try {
      msg = normalizeMessage(channel, ctx.data);
    } catch (e) {
      report({ type: 'malformed', channel, error: e, data: ctx.data, offset: ctx.offset });
      return;
    }
    emit('message', msg);
    const own = channelHandlers.get(channel);
    if (own) {
      for (const fn of [...own]) {
        try {
          fn(msg);
        } catch (e) {
          report({ type: 'handler', event: 'message', channel, error: e });
        }
      }
    }
  }

  function init(backendUrl, wsUrl, options = {}) {
    if (typeof backendUrl !== 'string') throw new InstantError('backendUrl must be a string', { kind: 'usage' });
    if (!isObject(options)) throw new InstantError('options must be an object', { kind: 'usage' });
    const endpoint = websocketEndpoint(wsUrl);
    if (client) disconnect();
    const fetchImpl = options.fetch || (typeof fetch === 'function' ? fetch.bind(globalThis) : null);
    if (!fetchImpl) throw new InstantError('no fetch() available: pass options.fetch', { kind: 'usage' });
    cfg = {
      backendUrl: backendUrl.replace(/\/+$/, ''),
      endpoint,
      fetch: fetchImpl,
      credentials: options.credentials || 'include',
      csrfHeader: options.csrfHeader || 'X-CSRFToken',
      recover: options.recover !== false,
      proxy: !!options.proxy,
      debug: !!options.debug,
      websocket: options.websocket || null,
      centrifuge: isObject(options.centrifuge) ? options.centrifuge : {},
      endpoints: { ...ENDPOINTS, ...(isObject(options.endpoints) ? options.endpoints : {}) },
    };
    if (typeof options.csrfToken === 'string') csrf = options.csrfToken;
    log(`init: backend ${cfg.backendUrl || '(this origin)'}, websocket ${endpoint}`);
    return api;
  }

  async function login(username, password) {
    need('login');
    return accept(await post(cfg.endpoints.login, { username, password }));
  }

  async function getToken() {
    need('getToken');
    return accept(await post(cfg.endpoints.getToken));
  }

  function wireClient(c) {
    c.on('connecting', (ctx) => emit('state', { state: 'connecting', code: ctx.code, reason: ctx.reason }));
    c.on('connected', (ctx) => emit('state', { state: 'connected', client: ctx.client, transport: ctx.transport }));
    c.on('disconnected', (ctx) => emit('state', { state: 'disconnected', code: ctx.code, reason: ctx.reason }));
    c.on('error', (ctx) => report({ type: 'connection', error: new InstantError(
      `${ctx.type}: ${ctx.error ? ctx.error.message : ''}`, { kind: 'network', status: ctx.error ? ctx.error.code : 0 }) }));
  }

  async function connect({ autosubscribe: auto = true } = {}) {
    need('connect');
    if (!bundle) await getToken();
    if (!client) {
      // With Centrifugo's connect proxy the host identifies the browser by its
      // session cookie (forwarded by Centrifugo): no connection token at all.
      client = new Centrifuge(cfg.endpoint, {
        ...cfg.centrifuge,
        token: cfg.proxy ? '' : bundle.wsToken,
        getToken: cfg.proxy ? null : refreshConnectionToken,
        ...(cfg.websocket ? { websocket: cfg.websocket } : {}),
        debug: false,  // centrifuge-js debug output holds the tokens
      });
      wireClient(client);
    }
    const c = client;
    if (auto) for (const name of bundle.channels.keys()) subscribe(name);
    const ready = new Promise((resolve, reject) => {
      if (c.state === 'connected') return resolve(info());
      const onConnected = () => { done(); resolve(info()); };
      const onDisconnected = (ctx) => {
        done();
        reject(new InstantError(`disconnected: ${ctx.reason}`,
          { kind: ctx.code === 1 ? 'unauthorized' : 'http', status: ctx.code === 1 ? 403 : 0 }));
      };
      const done = () => { c.off('connected', onConnected); c.off('disconnected', onDisconnected); };
      c.on('connected', onConnected);
      c.on('disconnected', onDisconnected);
    });
    c.connect();
    return ready;
  }

  function subscribe(name) {
    need('subscribe');
    if (!client) throw new InstantError('call connect() before subscribe()', { kind: 'usage' });
    if (typeof name !== 'string' || name === '') throw new InstantError('a channel name is needed', { kind: 'usage' });
    if (subs.has(name)) return subs.get(name);
    const entry = bundle && bundle.channels.get(name);
    const opts = { recoverable: cfg.recover, positioned: cfg.recover };
    // Channels of the bundle (and every private `$` one) use subscription
    // tokens, refreshed through the host's subscribe endpoint; other channels
    // (and, with the proxy option, every non-`$` one) are left to the server:
    // its subscribe proxy or allow_subscribe_for_client.
    const isPrivate = name.startsWith('$');
    if (isPrivate || (entry && entry.token && !cfg.proxy)) {
      opts.getToken = () => refreshSubscriptionToken(name);
      if (entry && entry.token) opts.token = entry.token;
    }
    const sub = client.newSubscription(name, opts);
    sub.on('publication', (ctx) => deliver(name, ctx));
    sub.on('subscribed', (ctx) => emit('subscribed', {
      channel: name, recoverable: ctx.recoverable, positioned: ctx.positioned,
      wasRecovering: ctx.wasRecovering, recovered: ctx.recovered,
    }));
    sub.on('unsubscribed', (ctx) => emit('unsubscribed', { channel: name, code: ctx.code, reason: ctx.reason }));
    sub.on('error', (ctx) => report({ type: 'subscription', channel: name, error: new InstantError(
      `${ctx.type}: ${ctx.error ? ctx.error.message : ''}`, { kind: 'http', status: ctx.error ? ctx.error.code : 0 }) }));
    subs.set(name, sub);
    sub.subscribe();
    return sub;
  }

  function unsubscribe(name) {
    const sub = subs.get(name);
    if (!sub) return false;
    subs.delete(name);
    sub.unsubscribe();
    if (client) client.removeSubscription(sub);
    return true;
  }

  function disconnect() {
    const c = client;
    client = null;
    for (const name of [...subs.keys()]) {
      const sub = subs.get(name);
      subs.delete(name);
      sub.unsubscribe();
      if (c) c.removeSubscription(sub);
    }
    if (c) c.disconnect();
  }

  async function logout() {
    need('logout');
    let ok = true;
    try {
      await post(cfg.endpoints.logout);
    } catch (e) {
      if (!unauthorized(e)) throw e;
      ok = false;  // no session (any more): nothing to end on the host
    } finally {
      disconnect();
    }
    bundle = null;
    csrf = '';
    return { ok };
  }

  function onChannel(name, fn) {
    if (typeof fn !== 'function') throw new InstantError('a handler must be a function', { kind: 'usage' });
    if (!channelHandlers.has(name)) channelHandlers.set(name, new Set());
    channelHandlers.get(name).add(fn);
    return () => channelHandlers.get(name).delete(fn);
  }

  const api = {
    init, login, getToken, connect, subscribe, unsubscribe, disconnect, logout, post, on, onChannel,
    onMessage: (fn) => on('message', fn),
    onError: (fn) => on('error', fn),
    onState: (fn) => on('state', fn),
    channels: () => info().channels,
    user: () => info().user,
    state: () => (client ? client.state : 'disconnected'),
    getClient: () => client,
  };
  return api;
}

export const $instant = createInstant();
export default $instant;
