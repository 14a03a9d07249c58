// The real parts the browser tests run against, started and stopped here:
// redis-server, Centrifugo (Redis engine, config from `instant genconfig`),
// instant_host, small static page servers for other origins, and headless
// Chromium (Debian's, driven by playwright-core). A missing binary fails.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = process.env.INSTANT_BUILD_DIR || join(ROOT, 'build');
export const BIN = {
  centrifugo: process.env.INSTANT_CENTRIFUGO_BIN || join(ROOT, '.tools', 'bin', 'centrifugo'),
  cli: process.env.INSTANT_CLI || join(BUILD, 'cli', 'instant'),
  host: process.env.INSTANT_HOST || join(BUILD, 'examples', 'instant_host'),
  redis: process.env.INSTANT_REDIS_SERVER || '/usr/bin/redis-server',
  chromium: process.env.INSTANT_CHROMIUM || '/usr/bin/chromium',
  djangoInstantJs: process.env.INSTANT_DJANGO_INSTANT_JS ||
    join(ROOT, '.tools', 'django-instant-4.2.0', 'static', 'instant', 'index.min.js'),
};
export const ARTIFACTS = join(BUILD, 'browser');

// How long to wait for something that must happen. A bound on a hang, never a
// timing assertion: nothing here measures how fast things are.
export const WAIT = 45_000;

export const USERS = {
  users: [
    { username: 'alice', password: 'alice-pw-1', staff: true, groups: ['group1'] },
    { username: 'bob', password: 'bob-pw-2' },
    { username: 'carol', password: 'carol-pw-3', active: false },
  ],
};
export const CHANNELS = [
  ['public', 'public'], ['$users', 'users'], ['$group1', 'groups', 'group1'], ['$staff', 'staff'],
];

export function requireBinaries() {
  for (const [name, path] of Object.entries(BIN)) {
    try {
      accessSync(path, name === 'djangoInstantJs' ? constants.R_OK : constants.X_OK);
    } catch {
      throw new Error(`${name} not found at ${path}: run scripts/bootstrap and build (scripts/test)`);
    }
  }
}

export async function freePort() {
  const s = netServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(what, fn, timeout = WAIT) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// A child process with its output kept in memory (and never printed: the
// host's log is checked for secrets instead).
class Proc {
  constructor(name, cmd, args, opts = {}) {
    this.name = name;
    this.out = '';
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    this.exited = new Promise((r) => this.child.on('exit', (code, sig) => r({ code, sig })));
    this.child.stdout.on('data', (d) => { this.out += d; });
    this.child.stderr.on('data', (d) => { this.out += d; });
  }
  alive() { return this.child.exitCode === null && this.child.signalCode === null; }
  async stop() {
    if (this.alive()) this.child.kill('SIGTERM');
    const t = setTimeout(() => this.alive() && this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}

export function cli(args, env = {}) {
  return execFileSync(BIN.cli, args, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startRedis(dir) {
  const port = await freePort();
  const p = new Proc('redis', BIN.redis, ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--dir', dir]);
  await until('redis-server', () => p.out.includes('Ready to accept connections') || !p.alive());
  if (!p.alive()) throw new Error('redis-server did not start:\n' + p.out);
  p.url = `redis://127.0.0.1:${port}`;
  return p;
}

// One Centrifugo node on `port` with the given config object.
export async function startCentrifugo(dir, name, config, port) {
  const cfg = structuredClone(config);
  cfg.http_server = { ...(cfg.http_server || {}), address: '127.0.0.1', port };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(cfg));
  const p = new Proc(name, BIN.centrifugo, ['-c', path], { cwd: dir });
  p.port = port;
  p.url = `http://127.0.0.1:${port}`;
  p.ws = `ws://127.0.0.1:${port}`;
  p.apiKey = cfg.http_api.key;
  await until(`Centrifugo ${name}`, async () => {
    if (!p.alive()) return true;
    try {
      return (await fetch(`${p.url}/health`)).ok;
    } catch {
      return false;
    }
  });
  if (!p.alive()) throw new Error(`Centrifugo ${name} did not start:\n${p.out}`);
  return p;
}

// The server API of a node: throws on a transport error or an {"error"} reply.
export async function api(node, method, params) {
  const r = await fetch(`${node.url}/api/${method}`, {
    method: 'POST', headers: { 'X-API-Key': node.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = await r.json();
  if (!r.ok || body.error) throw new Error(`${method}: ${r.status} ${JSON.stringify(body)}`);
  return body.result;
}

// The registry (instant channels add), the users file, and a Centrifugo
// config with fresh secrets (instant genconfig); extra genconfig arguments
// add proxies.
export function setup(dir, genconfigArgs = [], name = 'config') {
  const registry = join(dir, 'channels.json');
  try {
    readFileSync(registry);
  } catch {
    for (const [ch, level, group] of CHANNELS) {
      cli(['channels', 'add', '--registry', registry, ch, '--level', level, ...(group ? ['--group', group] : [])]);
    }
  }
  const users = join(dir, 'users.json');
  writeFileSync(users, JSON.stringify(USERS));
  const out = join(dir, `${name}.generated.json`);
  const settings = cli(['genconfig', '--output', out, '--force', '--address', '127.0.0.1', '--host', 'http://127.0.0.1',
    '--origin', 'http://127.0.0.1:*', '--no-usage-stats', '--no-admin', '--registry', registry, ...genconfigArgs]);
  const env = Object.fromEntries(settings.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
  return { registry, users, config: JSON.parse(readFileSync(out, 'utf8')), env };
}

// instant_host on a free port (it picks one and prints it).
export async function startHost(name, { registry, users, env, centrifugo, args = [], extraEnv = {} }) {
  const p = new Proc(name, BIN.host, ['--listen', '127.0.0.1:0', '--users', users, '--registry', registry, ...args], {
    env: {
      PATH: process.env.PATH, SITE_NAME: 'BrowserTest',
      CENTRIFUGO_URL: centrifugo.url, CENTRIFUGO_API_KEY: env.CENTRIFUGO_API_KEY,
      CENTRIFUGO_HMAC_KEY: env.CENTRIFUGO_HMAC_KEY, ...extraEnv,
    },
  });
  const m = await until(`instant_host ${name}`, () => p.out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//) || !p.alive());
  if (!p.alive()) throw new Error(`instant_host ${name} did not start:\n${p.out}`);
  p.url = m[1];
  return p;
}

// A static page server on its own origin (another port): serves `pages`
// ({path: html}, read at each request) and nothing else.
export async function pageServer(pages) {
  const srv = createServer((req, res) => {
    const html = pages[req.url.split('?')[0]];
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html || 'not found');
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  srv.origin = `http://127.0.0.1:${srv.address().port}`;
  srv.stop = () => new Promise((r) => srv.close(r));
  return srv;
}

export async function launchBrowser() {
  // playwright launches with a fresh temporary --user-data-dir of its own.
  return chromium.launch({
    executablePath: BIN.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// A fresh browser context (its own cookie jar) with one page whose console
// lines and instant JSON replies are recorded, so tests can check that no
// secret reached the console.
export async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.consoleLines = [];
  page.secrets = new Set();
  page.on('console', (m) => page.consoleLines.push(m.text()));
  page.on('pageerror', (e) => page.consoleLines.push('pageerror: ' + e.message));
  page.on('response', async (r) => {
    if (!/\/instant\/(login|get_token|subscribe)\/$/.test(new URL(r.url()).pathname) || !r.ok()) return;
    try {
      const b = await r.json();
      if (b.csrf_token) page.secrets.add(b.csrf_token);
      if (b.ws_token) page.secrets.add(b.ws_token);
      for (const c of b.channels || []) if (c.token) page.secrets.add(c.token);
    } catch { /* not JSON: nothing to collect */ }
  });
  if (url) await page.goto(url);
  return page;
}

// The page's window.instantLog (what the page on the JS client saw).
export const pageLog = (page) => page.evaluate(() => window.instantLog || []);

export async function waitLog(page, what, pred, timeout = WAIT) {
  return until(what, async () => {
    const log = await pageLog(page);
    const hit = log.filter(pred);
    return hit.length ? hit : null;
  }, timeout);
}

export async function loginOnPage(page, user, password) {
  await waitLog(page, 'the login form', (e) => e.type === 'anonymous');
  await page.fill('#login input[name=username]', user);
  await page.fill('#login input[name=password]', password);
  await page.click('#login button');
  await waitLog(page, `${user} connected`, (e) => e.type === 'ready');
}

export const subscribedChannels = async (page) =>
  new Set((await pageLog(page)).filter((e) => e.type === 'subscribed').map((e) => e.channel));

export const messages = async (page) => (await pageLog(page)).filter((e) => e.type === 'message').map((e) => e.msg);

export function tempDir() {
  return mkdtempSync(join(tmpdir(), 'instant-browser-'));
}

export function artifactsDir() {
  mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}
