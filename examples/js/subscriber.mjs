// A browser-style subscriber for the demo: the npm `centrifuge` client
// connects with a connection token, subscribes to each channel (with its
// subscription token when one is given) and prints every event the way
// django-instant's onMessage(msg) receives it: {channel, site, message, data}.
//   node subscriber.mjs WS_URL CONNECTION_TOKEN COUNT [CHANNEL[=SUBTOKEN]]...
// Prints "ready" once every subscription is live; exits after COUNT events
// (or 15 s). Publications through server-side subscriptions (the token's
// `channels` claim) arrive too.
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';

const [url, token, countArg, ...specs] = process.argv.slice(2);
const want = Number(countArg);
let seen = 0;
const client = new Centrifuge(url, { token, websocket: WebSocket });

function onMessage(channel, data) {
  // django-instant's envelope may arrive as an object or as a JSON string.
  const msg = typeof data === 'string' ? JSON.parse(data) : data;
  const extra = msg.event_class ? ` [${msg.event_class}]` : '';
  const payload = msg.data !== undefined ? ` data=${JSON.stringify(msg.data)}` : '';
  console.log(`live  ${channel}${extra}: ${msg.message ?? ''}${payload} (site ${msg.site})`);
  if (++seen >= want) {
    client.disconnect();
    process.exit(0);
  }
}

let pending = specs.length;
const ready = () => { if (pending === 0) console.log('ready'); };
client.on('subscribed', (ctx) => { console.log(`subscribed ${ctx.channel} (server-side)`); });
client.on('publication', (ctx) => onMessage(ctx.channel, ctx.data));
client.on('connected', () => ready());
client.on('disconnected', (ctx) => { if (seen < want) { console.error(`disconnected: ${ctx.code} ${ctx.reason}`); process.exit(1); } });
for (const spec of specs) {
  const eq = spec.indexOf('=');
  const channel = eq < 0 ? spec : spec.slice(0, eq);
  const sub = client.newSubscription(channel, eq < 0 ? {} : { token: spec.slice(eq + 1) });
  sub.on('subscribed', () => { console.log(`subscribed ${channel}`); pending--; ready(); });
  sub.on('error', (ctx) => { console.error(`subscription ${channel} failed: ${ctx.error.code} ${ctx.error.message}`); process.exit(1); });
  sub.on('publication', (ctx) => onMessage(channel, ctx.data));
  sub.subscribe();
}
client.connect();
setTimeout(() => { console.error(`timed out after ${seen}/${want} events`); process.exit(1); }, 15000);
