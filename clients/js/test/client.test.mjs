// The client's HTTP side against a node:http server that records each request:
// paths, methods, JSON bodies, the CSRF header, credentials, 403 handling, and
// that debug output never carries a token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createInstant, InstantError } from '../src/instant.js';

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const WS_TOKEN = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'alice', exp: 4102444800 })}.c2lnbmF0dXJl-ws`;
const SUB_TOKEN = `${b64({ alg: 'HS256' })}.${b64({ sub: 'alice', channel: '$users' })}.c2ln-sub`;
const CSRF = 'csrf-0123456789abcdef';
const bundle = { csrf_token: CSRF, ws_token: WS_TOKEN, channels: [
  { name: 'public', level: 'public', token: SUB_TOKEN + 'p' }, { name: '$users', level: 'users', token: SUB_TOKEN }] };

let server;
let base;
const requests = [];
let loggedIn = false;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      const reply = (status, obj) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(typeof obj === 'string' ? obj : JSON.stringify(obj));
      };
      const json = body ? JSON.parse(body) : {};
      if (req.url === '/instant/login/') {
        if (json.username === 'alice' && json.password === 'pw') { loggedIn = true; return reply(200, bundle); }
        return reply(403, { error: 'invalid credentials' });
      }
      if (req.url === '/instant/get_token/') return loggedIn ? reply(200, bundle) : reply(403, {});
      if (req.url === '/instant/subscribe/') {
        const want = json.channels || [];
        return reply(200, { channels: bundle.channels.filter((c) => want.includes(c.name)) });
      }
      if (req.url === '/instant/logout/') {
        if (req.headers['x-csrftoken'] !== CSRF) return reply(403, {});
        loggedIn = false;
        return reply(200, { response: 'ok' });
      }
      if (req.url === '/garbage/') return reply(200, '<html>');
      return reply(404, {});
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

test('init does no network and checks its arguments', async () => {
  const n = requests.length;
  const c = createInstant();
  assert.equal(c.init(base, 'ws://127.0.0.1:1'), c);
  assert.equal(requests.length, n);
  assert.throws(() => c.init(base, 'http://x'), InstantError);
  assert.throws(() => c.init(42, 'ws://x'), InstantError);
  return assert.rejects(createInstant().connect(), /init\(\)/);
});

test('anonymous: getToken and connect reject with 403 and no connection is made', async () => {
  loggedIn = false;
  const c = createInstant().init(base, 'ws://127.0.0.1:1');
  await assert.rejects(c.getToken(), (e) => e instanceof InstantError && e.status === 403);
  await assert.rejects(c.connect(), (e) => e.status === 403);
  assert.equal(c.getClient(), null);
  assert.equal(c.state(), 'disconnected');
  assert.throws(() => c.subscribe('public'), /connect\(\)/);
});

test('login works before any getToken, then requests carry the CSRF header', async () => {
  loggedIn = false;
  const c = createInstant().init(base + '/', 'ws://127.0.0.1:1');
  await assert.rejects(c.login('alice', 'wrong'), (e) => e.status === 403 && !e.message.includes('wrong'));
  const n = requests.length;
  const info = await c.login('alice', 'pw');
  assert.deepEqual(info, { user: 'alice', channels: [{ name: 'public', level: 'public' }, { name: '$users', level: 'users' }] });
  const login = requests[n];
  assert.equal(login.method, 'POST');
  assert.equal(login.path, '/instant/login/');
  assert.equal(login.headers['content-type'], 'application/json');
  assert.equal(login.headers['x-csrftoken'], undefined);
  assert.deepEqual(JSON.parse(login.body), { username: 'alice', password: 'pw' });
  await c.getToken();
  assert.equal(requests.at(-1).headers['x-csrftoken'], CSRF);
  assert.deepEqual(await c.post('/instant/subscribe/', { channels: ['$users'] }),
    { channels: [bundle.channels[1]] });
  assert.deepEqual(await c.logout(), { ok: true });
  assert.equal(requests.at(-1).path, '/instant/logout/');
  assert.equal(requests.at(-1).headers['x-csrftoken'], CSRF);
  assert.deepEqual(c.channels(), []);
  assert.deepEqual(await c.logout(), { ok: false });  // no session any more: 403 from the host
});

test('a custom CSRF header name and an initial CSRF token are used', async () => {
  loggedIn = true;
  const c = createInstant().init(base, 'ws://127.0.0.1:1', { csrfHeader: 'X-My-Csrf', csrfToken: 'from-cookie' });
  await c.getToken();
  assert.equal(requests.at(-1).headers['x-my-csrf'], 'from-cookie');
  await c.getToken();
  assert.equal(requests.at(-1).headers['x-my-csrf'], CSRF);
});

test('a reply that is not JSON or not a bundle is a malformed error', async () => {
  const c = createInstant().init(base, 'ws://127.0.0.1:1', { endpoints: { getToken: '/garbage/' } });
  await assert.rejects(c.getToken(), (e) => e.kind === 'malformed');
  const d = createInstant().init(base, 'ws://127.0.0.1:1', { endpoints: { getToken: '/instant/logout/' } });
  await assert.rejects(d.getToken(), (e) => e.status === 403);
  const closed = createInstant().init('http://127.0.0.1:1', 'ws://127.0.0.1:1');
  await assert.rejects(closed.getToken(), (e) => e.kind === 'network');
});

test('debug output names what happens and never holds a token or the CSRF token', async () => {
  loggedIn = false;
  const lines = [];
  const saved = { debug: console.debug, warn: console.warn, log: console.log };
  console.debug = console.warn = console.log = (...a) => lines.push(a.map(String).join(' '));
  try {
    const c = createInstant().init(base, 'ws://127.0.0.1:1', { debug: true });
    await c.login('alice', 'pw');
    await c.getToken();
    await c.logout();
  } finally {
    Object.assign(console, saved);
  }
  assert.ok(lines.some((l) => l.includes('init')), lines.join('\n'));
  for (const secret of [WS_TOKEN, SUB_TOKEN, CSRF, 'pw"']) {
    assert.ok(!lines.some((l) => l.includes(secret)), `secret in: ${lines.join('\n')}`);
  }
});
