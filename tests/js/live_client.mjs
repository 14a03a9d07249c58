// A real Centrifugo client (npm `centrifuge` over `ws`) for tests. Prints one
// JSON line per event on stdout and keeps running until stdin closes.
//   node live_client.mjs WS_URL TOKEN [CHANNEL[=SUBTOKEN]]...
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';

const [url, token, ...subs] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const client = new Centrifuge(url, { token, websocket: WebSocket, minReconnectDelay: 100, maxReconnectDelay: 500 });
client.on('connecting', (ctx) => out({ event: 'connecting', code: ctx.code, reason: ctx.reason }));
client.on('connected', (ctx) => out({ event: 'connected', client: ctx.client }));
client.on('disconnected', (ctx) => out({ event: 'disconnected', code: ctx.code, reason: ctx.reason }));
client.on('error', (ctx) => out({ event: 'error', code: ctx.error.code, message: ctx.error.message }));
client.on('subscribed', (ctx) => out({ event: 'server_subscribed', channel: ctx.channel }));
client.on('unsubscribed', (ctx) => out({ event: 'server_unsubscribed', channel: ctx.channel }));
client.on('publication', (ctx) => out({ event: 'server_publication', channel: ctx.channel, data: ctx.data }));

for (const spec of subs) {
  const eq = spec.indexOf('=');
  const channel = eq < 0 ? spec : spec.slice(0, eq);
  const opts = eq < 0 ? {} : { token: spec.slice(eq + 1) };
  const sub = client.newSubscription(channel, opts);
  sub.on('subscribed', () => out({ event: 'subscribed', channel }));
  sub.on('unsubscribed', (ctx) => out({ event: 'unsubscribed', channel, code: ctx.code, reason: ctx.reason }));
  sub.on('error', (ctx) => out({ event: 'sub_error', channel, code: ctx.error.code, message: ctx.error.message }));
  sub.on('publication', (ctx) => out({ event: 'publication', channel, data: ctx.data }));
  sub.subscribe();
}

client.connect();
process.stdin.resume();
process.stdin.on('end', () => {
  client.disconnect();
  setTimeout(() => process.exit(0), 50);
});
