// instant in a real headless Chromium: the page instant_host serves (built on
// clients/js), a frontend on another origin, and django-instant's own client,
// against real Centrifugo nodes (Redis engine) and real instant_host
// processes, all started here on 127.0.0.1 and stopped at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  USERS, WAIT, api, artifactsDir, cli, freePort, launchBrowser, loginOnPage, messages, openPage, pageLog,
  pageServer, requireBinaries, setup, sleep, startCentrifugo, startHost, startRedis, subscribedChannels, tempDir,
  until, waitLog, BIN,
} from './harness.mjs';

const pw = Object.fromEntries(USERS.users.map((u) => [u.username, u.password]));
let dir;
let redis;
let A;  // the Centrifugo node the pages connect to
let B;  // a second node on the same Redis
let base;  // setup(): registry, users, config, env
let host;  // instant_host, object envelope, 24 h tokens, one CORS origin
let browser;
let allowedSite;
let foreignSite;
const procs = [];
const pages = [];
const sitePages = {};  // what the two other-origin page servers serve

// Publishes django-instant's envelope with the instant CLI (instant::Client).
function publish(node, channel, message, extra = [], env = {}) {
  return JSON.parse(cli(['publish', channel, message, ...extra],
    { CENTRIFUGO_URL: node.url, CENTRIFUGO_API_KEY: node.apiKey, SITE_NAME: 'BrowserTest', ...env }));
}

async function page(url) {
  const p = await openPage(browser, url);
  pages.push(p);
  return p;
}

async function closePage(p) {
  await p.context().close();
}

const crossOriginPage = (hostUrl, wsUrl) => `<!doctype html><meta charset="utf-8"><title>frontend</title>
<script src="${hostUrl}/instant/js/instant.js"></script>
<script>
  window.result = { messages: [], errors: [], subscribed: [] };
  window.run = async (user, password) => {
    $instant.init(${JSON.stringify(hostUrl)}, ${JSON.stringify(wsUrl)});
    $instant.onMessage((m) => window.result.messages.push(m));
    $instant.on('subscribed', (s) => window.result.subscribed.push(s.channel));
    try {
      await $instant.login(user, password);
      await $instant.connect();
      return { ok: true, channels: $instant.channels().map((c) => c.name) };
    } catch (e) {
      return { ok: false, kind: e.kind, status: e.status };
    }
  };
</script>`;

describe('instant in a real browser', () => {
  before(async () => {
    requireBinaries();
    dir = tempDir();
    redis = await startRedis(dir);
    procs.push(redis);
    base = setup(dir);
    // Centrifugo's memory engine forgets history on restart; Redis keeps it.
    base.config.engine = { type: 'redis', redis: { address: redis.url } };
    A = await startCentrifugo(dir, 'node-a', base.config, await freePort());
    B = await startCentrifugo(dir, 'node-b', base.config, await freePort());
    procs.push(A, B);
    allowedSite = await pageServer(sitePages);
    foreignSite = await pageServer(sitePages);
    host = await startHost('host', { ...base, centrifugo: A, args: ['--cors-origin', allowedSite.origin] });
    procs.push(host);
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    for (const s of [allowedSite, foreignSite]) if (s) await s.stop();
    for (const p of procs.reverse()) await p.stop();
    // Secrets never reach the browser console or the host's log.
    const secrets = new Set([base.env.CENTRIFUGO_API_KEY, base.env.CENTRIFUGO_HMAC_KEY, ...Object.values(pw)]);
    for (const p of pages.filter((x) => !x.thirdParty)) {
      for (const s of [...p.secrets, ...secrets]) {
        assert.ok(!p.consoleLines.some((l) => l.includes(s)), 'a secret reached the browser console');
      }
      for (const s of p.secrets) {
        for (const h of procs.filter((x) => x.name.startsWith('host'))) assert.ok(!h.out.includes(s), `secret in ${h.name}'s log`);
      }
    }
    for (const h of procs.filter((x) => x.name.startsWith('host'))) {
      for (const s of secrets) assert.ok(!h.out.includes(s), `a key or password in ${h.name}'s log`);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('alice gets public, $users, $group1, $staff live; bob only public and $users; anonymous gets 403; logout ends it', async () => {
    const alice = await page(host.url + '/');
    await loginOnPage(alice, 'alice', pw.alice);
    await until('alice subscribed to 4 channels', async () => (await subscribedChannels(alice)).size === 4);
    assert.deepEqual([...await subscribedChannels(alice)].sort(), ['$group1', '$staff', '$users', 'public']);

    const bob = await page(host.url + '/');
    await loginOnPage(bob, 'bob', pw.bob);
    await until('bob subscribed to 2 channels', async () => (await subscribedChannels(bob)).size === 2);
    assert.deepEqual([...await subscribedChannels(bob)].sort(), ['$users', 'public']);

    // Anonymous: the page's get_token is refused and no websocket is opened.
    const anon = await page(host.url + '/');
    const [seen] = await waitLog(anon, 'the anonymous verdict', (e) => e.type === 'anonymous');
    assert.equal(seen.status, 403);
    assert.ok(!(await pageLog(anon)).some((e) => e.type === 'state'), 'an anonymous page connected');
    assert.equal(await anon.isVisible('#login'), true);
    const badLogin = anon.waitForResponse((r) => r.url().endsWith('/instant/login/'));
    await anon.fill('#login input[name=username]', 'alice');
    await anon.fill('#login input[name=password]', 'not-her-password');
    await anon.click('#login button');
    assert.equal((await badLogin).status(), 403);
    await waitLog(anon, 'the refused login', (e) => e.type === 'login-failed' && e.status === 403);
    const inactive = await anon.evaluate(async (p) => (await fetch('/instant/login/', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'carol', password: p }),
    })).status, pw.carol);
    assert.equal(inactive, 403, 'an inactive user logged in');

    for (const ch of ['public', '$users', '$group1', '$staff']) publish(A, ch, `to ${ch}`, ['--event-class', 'live']);
    publish(A, 'public', 'last');
    await until('alice has all 5', async () => (await messages(alice)).length === 5);
    await until('bob has public, $users, last', async () => (await messages(bob)).some((m) => m.message === 'last'));
    const got = await messages(alice);
    assert.deepEqual(got.map((m) => [m.channel, m.message]).sort(),
      [['$group1', 'to $group1'], ['$staff', 'to $staff'], ['$users', 'to $users'], ['public', 'last'], ['public', 'to public']]);
    for (const m of got) assert.equal(m.site, 'BrowserTest');
    assert.deepEqual((await messages(bob)).map((m) => [m.channel, m.message]).sort(),
      [['$users', 'to $users'], ['public', 'last'], ['public', 'to public']]);

    // bob asking for $staff himself: the host's subscribe endpoint has no token for him.
    await bob.evaluate(() => $instant.subscribe('$staff'));
    const [refused] = await waitLog(bob, 'the $staff refusal', (e) => e.type === 'unsubscribed' && e.channel === '$staff');
    assert.equal(refused.code, 1);  // centrifuge-js: unauthorized
    assert.ok(!(await subscribedChannels(bob)).has('$staff'));

    await alice.screenshot({ path: join(artifactsDir(), 'alice.png'), fullPage: true });

    // Logout: nothing more arrives, and the old cookie is refused.
    const [cookie] = (await alice.context().cookies()).filter((c) => c.name === 'sessionid');
    assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Lax', JSON.stringify(cookie));
    await alice.click('#logout');
    await waitLog(alice, 'logout', (e) => e.type === 'logged-out');
    assert.equal((await alice.context().cookies()).filter((c) => c.name === 'sessionid').length, 0);
    publish(A, 'public', 'after logout');
    await until('bob (still logged in) gets it', async () => (await messages(bob)).some((m) => m.message === 'after logout'));
    await sleep(300);
    assert.ok(!(await messages(alice)).some((m) => m.message === 'after logout'), 'a logged-out page got a message');
    const replay = await page();
    await replay.context().addCookies([cookie]);
    await replay.goto(host.url + '/');
    const [again] = await waitLog(replay, 'the replayed cookie verdict', (e) => e.type === 'anonymous');
    assert.equal(again.status, 403);
    const direct = await replay.evaluate(async () => (await fetch('/instant/subscribe/', { method: 'POST', body: '{}' })).status);
    assert.equal(direct, 403);
    for (const p of [alice, bob, anon, replay]) await closePage(p);
  });

  test('object and string envelopes both reach onMessage; malformed publications are reported and delivery goes on', async () => {
    const p = await page(host.url + '/');
    await loginOnPage(p, 'bob', pw.bob);
    await until('subscribed', async () => (await subscribedChannels(p)).has('public'));
    publish(A, 'public', 'as object', ['--data', '{"n":1}', '--event-class', 'obj', '--bucket', 'b1']);
    publish(A, 'public', 'as string', ['--data', '{"n":2}', '--event-class', 'str', '--string-envelope']);
    for (const data of ['not json{', [1, 2], { foo: 1 }, 7, JSON.stringify({ message: 5 })]) {
      await api(A, 'publish', { channel: 'public', data });
    }
    publish(A, 'public', 'after the bad ones', [], { INSTANT_ENVELOPE: 'string' });
    await until('the third good one', async () => (await messages(p)).length === 3);
    assert.deepEqual(await messages(p), [
      { channel: 'public', site: 'BrowserTest', message: 'as object', data: { n: 1 }, event_class: 'obj', bucket: 'b1' },
      { channel: 'public', site: 'BrowserTest', message: 'as string', data: { n: 2 }, event_class: 'str', bucket: '' },
      { channel: 'public', site: 'BrowserTest', message: 'after the bad ones', data: null, event_class: '', bucket: '' },
    ]);
    const errors = (await pageLog(p)).filter((e) => e.type === 'error');
    assert.equal(errors.length, 5, JSON.stringify(errors));
    for (const e of errors) assert.deepEqual([e.kind, e.channel], ['malformed', 'public']);
    assert.equal(await p.locator('#errors li').count(), 5);
    assert.equal(await p.evaluate(() => $instant.state()), 'connected');
    await closePage(p);
  });

  test('5-second tokens: the page stays connected across refreshes of both token kinds', async () => {
    const short = await startHost('host-5s', { ...base, centrifugo: A, args: ['--token-lifetime', '5'] });
    procs.push(short);
    const p = await page(short.url + '/');
    await loginOnPage(p, 'alice', pw.alice);
    await until('subscribed', async () => (await subscribedChannels(p)).size === 4);
    const refreshes = async () => (await pageLog(p)).filter((e) => e.type === 'refresh');
    await until('3 connection refreshes and 2 of each subscription', async () => {
      const r = await refreshes();
      const of = (ch) => r.filter((e) => e.kind === 'subscription' && e.channel === ch).length;
      return r.filter((e) => e.kind === 'connection').length >= 3 &&
        ['public', '$users', '$group1', '$staff'].every((ch) => of(ch) >= 2);
    }, 60_000);
    // Tokens from the first bundle have expired by now: a publication still arrives.
    publish(A, '$staff', 'after refreshes');
    await until('the late message', async () => (await messages(p)).some((m) => m.message === 'after refreshes'));
    const states = (await pageLog(p)).filter((e) => e.type === 'state').map((e) => e.state);
    assert.deepEqual(states, ['connecting', 'connected'], 'the connection dropped during refreshes');
    assert.ok(!(await pageLog(p)).some((e) => e.type === 'unsubscribed' || e.type === 'error'));
    assert.match(short.out, /POST \/instant\/get_token\/ 200/);
    assert.match(short.out, /POST \/instant\/subscribe\/ 200/);
    await closePage(p);
    await short.stop();
  });

  test('Centrifugo restarted: the page reconnects and recovers what it missed (Redis history)', async () => {
    const p = await page(host.url + '/');
    await loginOnPage(p, 'alice', pw.alice);
    await until('subscribed', async () => (await subscribedChannels(p)).size === 4);
    publish(A, 'public', 'before restart');
    await until('the first', async () => (await messages(p)).length === 1);
    await A.stop();
    await waitLog(p, 'the page noticing', (e) => e.type === 'state' && e.state === 'connecting' && e.code !== 0);
    for (const [ch, msg] of [['public', 'missed 1'], ['$users', 'missed 2'], ['public', 'missed 3']]) publish(B, ch, msg);
    A = await startCentrifugo(dir, 'node-a', base.config, A.port);
    procs.push(A);
    await until('the missed ones', async () => (await messages(p)).length === 4, 60_000);
    // Each channel's stream in order, each publication once (recovery is per subscription).
    const of = async (ch) => (await messages(p)).filter((m) => m.channel === ch).map((m) => m.message);
    assert.deepEqual(await of('public'), ['before restart', 'missed 1', 'missed 3']);
    assert.deepEqual(await of('$users'), ['missed 2']);
    const resub = (await pageLog(p)).filter((e) => e.type === 'subscribed' && e.wasRecovering);
    for (const ch of ['public', '$users']) {
      assert.ok(resub.some((e) => e.channel === ch && e.recovered), `${ch} not recovered: ${JSON.stringify(resub)}`);
    }
    publish(A, 'public', 'after restart');
    await until('live again', async () => (await messages(p)).length === 5);
    await closePage(p);
  });

  test('the staff publish form publishes through instant; a non-staff user gets 403', async () => {
    const alice = await page(host.url + '/');
    await loginOnPage(alice, 'alice', pw.alice);
    await alice.waitForSelector('#publish', { state: 'visible' });
    await until('subscribed', async () => (await subscribedChannels(alice)).size === 4);
    await alice.selectOption('#publish select[name=channel]', '$group1');
    await alice.fill('#publish input[name=message]', 'from the form');
    await alice.fill('#publish input[name=event_class]', 'important');
    await alice.fill('#publish input[name=data]', '{"k":[1,2]}');
    await alice.click('#publish button');
    await waitLog(alice, 'published', (e) => e.type === 'published');
    await until('the form message', async () => (await messages(alice)).some((m) => m.message === 'from the form'));
    assert.deepEqual((await messages(alice)).find((m) => m.message === 'from the form'),
      { channel: '$group1', site: 'BrowserTest', message: 'from the form', data: { k: [1, 2] }, event_class: 'important', bucket: '' });
    const noCsrf = await alice.evaluate(async () => (await fetch('/instant/publish/', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: 'public', message: 'x' }),
    })).status);
    assert.equal(noCsrf, 403, 'publish without X-CSRFToken');
    const unknown = await alice.evaluate(() => $instant.post('/instant/publish/', { channel: 'nope', message: 'x' }).catch((e) => e.status));
    assert.equal(unknown, 400);

    const bob = await page(host.url + '/');
    await loginOnPage(bob, 'bob', pw.bob);
    assert.equal(await bob.isHidden('#publish'), true);
    const status = await bob.evaluate(() => $instant.post('/instant/publish/', { channel: 'public', message: 'by bob' })
      .then(() => 200, (e) => e.status));
    assert.equal(status, 403);
    await closePage(alice);
    await closePage(bob);
  });

  test('a frontend on an allowed origin works with credentials; another origin is refused', async () => {
    sitePages['/'] = crossOriginPage(host.url, A.ws);
    const ok = await page(allowedSite.origin + '/');
    const r = await ok.evaluate((p) => window.run('alice', p), pw.alice);
    assert.deepEqual(r, { ok: true, channels: ['public', '$users', '$group1', '$staff'] });
    // connect() resolves once connected; a publication before the subscription is live would be missed.
    await until('$users subscribed', () => ok.evaluate(() => window.result.subscribed.includes('$users')));
    publish(A, '$users', 'cross origin');
    await until('the cross-origin message', () => ok.evaluate(() => window.result.messages.some((m) => m.message === 'cross origin')));
    // The session cookie went along: get_token (cookie only) works from that origin.
    assert.equal(await ok.evaluate(() => $instant.getToken().then((i) => i.user)), 'alice');

    const bad = await page(foreignSite.origin + '/');
    assert.deepEqual(await bad.evaluate((p) => window.run('alice', p), pw.alice), { ok: false, kind: 'network', status: 0 });
    // The host itself refuses that origin (preflight and a direct POST), and answers the allowed one.
    const pre = (origin) => fetch(host.url + '/instant/login/', {
      method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
    assert.equal((await pre(foreignSite.origin)).status, 403);
    const allowed = await pre(allowedSite.origin);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), allowedSite.origin);
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    const direct = await fetch(host.url + '/instant/login/', { method: 'POST', headers: { Origin: foreignSite.origin },
      body: JSON.stringify({ username: 'alice', password: pw.alice }) });
    assert.equal(direct.status, 403);
    assert.equal(direct.headers.get('set-cookie'), null);
    await closePage(ok);
    await closePage(bad);
  });

  test("a frontend written for django-instant (its own index.min.js) works unchanged with --django-instant", async () => {
    const statics = join(dir, 'static');
    mkdirSync(join(statics, 'instant'), { recursive: true });
    copyFileSync(BIN.djangoInstantJs, join(statics, 'instant', 'index.min.js'));
    writeFileSync(join(statics, 'django.html'), `<!doctype html><meta charset="utf-8"><title>django-instant frontend</title>
<script src="/static/instant/index.min.js"></script>
<script>
  // As django-instant's README does it: init (403 while logged out), login, init, connect.
  window.djLog = [];
  window.runDjango = async (user, password, wsUri) => {
    const instant = $instant.useInstant();
    instant.onMessage((m) => window.djLog.push({ channelName: m.channelName, msg: m.msg, data: m.data,
      eventClass: m.eventClass, site: m.site, bucket: m.bucket }));
    try { await instant.init(location.origin, wsUri); } catch (e) { window.djLog.push({ initFailed: e.message }); }
    await instant.login(user, password);
    await instant.init(location.origin, wsUri);
    await instant.connect();
    return [...instant.channels].map((c) => c.name);
  };
</script>`);
    const dj = await startHost('host-django', { ...base, centrifugo: A, args: ['--django-instant', '--static', statics] });
    procs.push(dj);
    assert.match(dj.out, /envelope string/);
    const p = await page(dj.url + '/static/django.html');
    p.thirdParty = true;  // django-instant's client logs the token reply itself ("Tokens ..."): not ours to check
    const chans = await p.evaluate(([u, pass, ws]) => window.runDjango(u, pass, ws), ['alice', pw.alice, A.ws]);
    assert.deepEqual(chans, ['public', '$users', '$group1', '$staff']);
    assert.deepEqual(await p.evaluate(() => window.djLog[0]), { initFailed: 'Forbidden' });
    // Subscriptions are made after connect(): wait until Centrifugo counts them.
    await until('django-instant subscribed', async () =>
      (await api(A, 'presence_stats', { channel: '$group1' })).num_clients >= 1);
    // Published by instant_host's publish endpoint (string envelope), with django-instant's CSRF header.
    const status = await p.evaluate(async () => {
      const b = await (await fetch('/instant/get_token/', { method: 'POST', body: '{}' })).json();
      const r = await fetch('/instant/publish/', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRFToken': b.csrf_token },
        body: JSON.stringify({ channel: '$group1', message: 'for django-instant', data: { a: 1 }, event_class: 'info' }) });
      return r.status;
    });
    assert.equal(status, 200);
    publish(A, 'public', 'from the CLI', ['--string-envelope', '--bucket', 'bk']);
    await until('both messages', () => p.evaluate(() => window.djLog.length === 3));
    assert.deepEqual((await p.evaluate(() => window.djLog)).slice(1), [
      { channelName: '$group1', msg: 'for django-instant', data: { a: 1 }, eventClass: 'info', site: 'BrowserTest', bucket: '' },
      { channelName: 'public', msg: 'from the CLI', data: {}, eventClass: '', site: 'BrowserTest', bucket: 'bk' },
    ]);

    // Why the switch exists: one object-envelope publication stops that
    // django-instant page on the channel, while instant's client goes on.
    const witness = await page(host.url + '/');
    await loginOnPage(witness, 'bob', pw.bob);
    await until('witness subscribed', async () => (await subscribedChannels(witness)).has('public'));
    publish(A, 'public', 'object envelope');  // instant's default encoding
    publish(A, 'public', 'string after object', ['--string-envelope']);
    await until('the witness got both', async () => (await messages(witness)).some((m) => m.message === 'string after object'));
    await sleep(500);
    const djMsgs = (await p.evaluate(() => window.djLog)).map((e) => e.msg);
    assert.ok(!djMsgs.includes('string after object'), `django-instant's client kept going: ${djMsgs}`);
    await closePage(p);
    await closePage(witness);
    await dj.stop();
  });

  test("Centrifugo's connect, subscribe, refresh and sub_refresh proxies are answered by instant through instant_host", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/centrifugo/`;
    const px = setup(dir, ['--connect-proxy', url + 'connect', '--refresh-proxy', url + 'refresh',
      '--subscribe-proxy', url + 'subscribe', '--sub-refresh-proxy', url + 'sub_refresh', '--proxy-header', 'Cookie'], 'proxy');
    // Centrifugo calls sub_refresh on a presence tick once a subscription is
    // expire_at + expired_sub_close_delay old (27 s and 25 s by default).
    Object.assign(px.config.client, { presence_update_interval: '1s', expired_sub_close_delay: '1s' });
    const C = await startCentrifugo(dir, 'node-proxy', px.config, await freePort());
    procs.push(C);
    const ph = await startHost('host-proxy', { ...px, centrifugo: C, args: ['--listen', `127.0.0.1:${port}`, '--token-lifetime', '5'] });
    procs.push(ph);
    const p = await page(ph.url + '/');
    await loginOnPage(p, 'bob', pw.bob);  // the host's page, token mode: now a proxy-mode client beside it
    await p.evaluate((ws) => {
      window.proxied = { log: [] };
      const c = window.proxied.client = $instant.createInstant().init('', ws, { proxy: true });
      c.onMessage((m) => window.proxied.log.push({ type: 'message', msg: m }));
      c.onState((s) => window.proxied.log.push({ type: 'state', state: s.state }));
      c.on('subscribed', (s) => window.proxied.log.push({ type: 'subscribed', channel: s.channel }));
      c.on('unsubscribed', (s) => window.proxied.log.push({ type: 'unsubscribed', channel: s.channel, code: s.code }));
      return c.connect();
    }, C.ws);
    const plog = () => p.evaluate(() => window.proxied.log);
    await until('proxy subscriptions', async () => (await plog()).filter((e) => e.type === 'subscribed').length === 2);
    assert.match(ph.out, /POST \/centrifugo\/connect 200/);
    assert.match(ph.out, /POST \/centrifugo\/subscribe 200/);  // public: no token, the proxy allowed it
    // On public: the host page's token client and the proxied one, both bob.
    const info = await api(C, 'presence', { channel: 'public' });
    assert.deepEqual(Object.values(info.presence).map((c) => c.user), ['bob', 'bob']);
    await until('refresh and sub_refresh proxy calls', () =>
      /POST \/centrifugo\/refresh 200/.test(ph.out) && /POST \/centrifugo\/sub_refresh 200/.test(ph.out), 60_000);
    publish(C, 'public', 'via proxies');
    await until('the proxied message', async () => (await plog()).some((e) => e.type === 'message' && e.msg.message === 'via proxies'));
    assert.deepEqual((await plog()).filter((e) => e.type === 'state').map((e) => e.state), ['connecting', 'connected']);
    // A client the host does not know (no session cookie) is refused by the connect proxy.
    const stranger = await page(ph.url + '/instant/me/');
    await stranger.addScriptTag({ url: ph.url + '/instant/js/instant.js' });
    const refused = await stranger.evaluate(async (ws) => {
      const c = new $instant.Centrifuge(ws + '/connection/websocket', { minReconnectDelay: 100 });
      return new Promise((resolve) => {
        c.on('disconnected', (ctx) => resolve({ code: ctx.code }));
        c.on('connected', () => resolve({ connected: true }));
        c.connect();
      });
    }, C.ws);
    assert.deepEqual(refused, { code: 401 });  // instant's proxy_code::unauthorized
    await closePage(p);
    await closePage(stranger);
  });
});
