// What a browser does with instant's bundle (django-instant's get_token /
// login reply): connect with `ws_token`, subscribe to every authorized
// channel with its subscription token, and hand each event to onMessage(msg)
// with django-instant's {channel, site, message, data}.
//   node subscriber.mjs WS_URL BUNDLE_JSON_FILE COUNT NAME
// Prints "ready" once every subscription is live; exits after COUNT events
// (or fails after 15 s).
import { readFileSync } from 'node:fs';
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';

const [url, bundleFile, countArg, name] = process.argv.slice(2);
const bundle = JSON.parse(readFileSync(bundleFile, 'utf8'));
const want = Number(countArg);
let seen = 0;
const client = new Centrifuge(url, { token: bundle.ws_token, websocket: WebSocket });

function onMessage(data) {
  // The envelope arrives as an object, or as a JSON string from frontends
  // configured for django-instant's wire form.
  const msg = typeof data === 'string' ? JSON.parse(data) : data;
  const tag = msg.event_class ? ` [${msg.event_class}]` : '';
  const payload = msg.data !== undefined ? ` data=${JSON.stringify(msg.data)}` : '';
  console.log(`${name} got ${msg.channel}${tag}: ${msg.message ?? ''}${payload} (site ${msg.site})`);
  if (++seen >= want) {
    client.disconnect();
    setTimeout(() => process.exit(0), 10);
  }
}

let pending = bundle.channels.length;
for (const ch of bundle.channels) {
  const sub = client.newSubscription(ch.name, ch.token ? { token: ch.token } : {});
  sub.on('subscribed', () => { if (--pending === 0) console.log('ready'); });
  sub.on('error', (ctx) => { console.error(`${name}: subscription ${ch.name} failed: ${ctx.error.code} ${ctx.error.message}`); process.exit(1); });
  sub.on('publication', (ctx) => onMessage(ctx.data));
  sub.subscribe();
}
client.on('publication', (ctx) => onMessage(ctx.data));  // server-side subscriptions
client.on('connected', () => { if (pending === 0) console.log('ready'); });
client.on('disconnected', (ctx) => {
  if (seen < want) { console.error(`${name}: disconnected ${ctx.code} ${ctx.reason}`); process.exit(1); }
});
client.connect();
setTimeout(() => { console.error(`${name}: timed out after ${seen}/${want} events`); process.exit(1); }, 15000);
