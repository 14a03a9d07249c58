// A real browser-side client (npm `centrifuge` over `ws`) for the channel
// tests. Usage: node channels_client.mjs '<json spec>'
//   spec = {url, token?, headers?, subs: [{channel, token?}]}
// Prints one JSON line per event. Once the connection and every requested
// subscription have settled (subscribed, or failed), prints {"event":"ready"}.
// Exits when stdin closes.
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';

const spec = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const headers = spec.headers || {};

class HeaderWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { headers });
  }
}

const opts = { websocket: HeaderWebSocket, minReconnectDelay: 200, maxReconnectDelay: 1000 };
if (spec.token) opts.token = spec.token;
const client = new Centrifuge(spec.url, opts);

const pending = new Set(spec.subs.map((s) => s.channel));
let connected = false;
let readySent = false;
const maybeReady = () => {
  if (!readySent && connected && pending.size === 0) {
    readySent = true;
    out({ event: 'ready' });
  }
};
const settle = (channel) => {
  pending.delete(channel);
  maybeReady();
};

client.on('connecting', (ctx) => out({ event: 'connecting', code: ctx.code, reason: ctx.reason }));
client.on('connected', (ctx) => {
  out({ event: 'connected', client: ctx.client });
  connected = true;
  maybeReady();
});
client.on('disconnected', (ctx) => {
  out({ event: 'disconnected', code: ctx.code, reason: ctx.reason });
  if (!readySent) {
    readySent = true;
    out({ event: 'ready' });
  }
});
client.on('error', (ctx) => out({ event: 'error', type: ctx.type, code: ctx.error.code, message: ctx.error.message }));
client.on('subscribed', (ctx) => out({ event: 'server_subscribed', channel: ctx.channel }));
client.on('publication', (ctx) => out({ event: 'server_publication', channel: ctx.channel, data: ctx.data }));

for (const s of spec.subs) {
  const sub = client.newSubscription(s.channel, s.token ? { token: s.token } : {});
  sub.on('subscribing', (ctx) => out({ event: 'subscribing', channel: s.channel, code: ctx.code, reason: ctx.reason }));
  sub.on('subscribed', () => {
    out({ event: 'subscribed', channel: s.channel });
    settle(s.channel);
  });
  sub.on('unsubscribed', (ctx) => {
    out({ event: 'unsubscribed', channel: s.channel, code: ctx.code, reason: ctx.reason });
    settle(s.channel);
  });
  sub.on('error', (ctx) => {
    out({ event: 'sub_error', channel: s.channel, code: ctx.error.code, message: ctx.error.message });
    settle(s.channel);
  });
  sub.on('publication', (ctx) => out({ event: 'publication', channel: s.channel, data: ctx.data }));
  sub.subscribe();
}

client.connect();
process.stdin.resume();
process.stdin.on('end', () => {
  client.disconnect();
  setTimeout(() => process.exit(0), 50);
});
