// The real subscriber of bench/publisher: the npm centrifuge client (the
// pinned copy bootstrap installs in tests/js) on server-side subscriptions
// from its connection token. Each publication's data carries "t", the
// publisher's CLOCK_MONOTONIC nanoseconds at publish(); process.hrtime reads
// the same clock, so now - t is publish() -> 'publication' event.
//   node subscriber.mjs WS_URL TOKEN CHANNELS COUNT
// Prints "ready" once all CHANNELS subscriptions are live, then one JSON
// summary line after COUNT publications (or 10 s after the last one).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'tests', 'js', 'package.json'));
const { Centrifuge } = require('centrifuge');
const WebSocket = require('ws');

const [url, token, channelsArg, countArg] = process.argv.slice(2);
const channels = Number(channelsArg);
const want = Number(countArg);
const latencies = new Float64Array(want);
let seen = 0;
let subscribed = 0;
let idle = null;

function summary() {
  const got = latencies.subarray(0, seen).sort();
  const q = (p) => (got.length ? got[Math.min(got.length - 1, Math.round(p * (got.length - 1)))] : 0);
  process.stdout.write(JSON.stringify({
    count: seen,
    p50_us: Math.round(q(0.5)),
    p99_us: Math.round(q(0.99)),
    max_us: Math.round(got.length ? got[got.length - 1] : 0),
  }) + '\n');
  client.disconnect();
  setTimeout(() => process.exit(0), 20);
}

const client = new Centrifuge(url, { token, websocket: WebSocket });
client.on('subscribed', () => {
  if (++subscribed === channels) process.stdout.write('ready\n');
});
client.on('publication', (ctx) => {
  const now = process.hrtime.bigint();
  if (seen < want) latencies[seen++] = Number(now - BigInt(ctx.data.t)) / 1000;
  clearTimeout(idle);
  if (seen >= want) summary();
  else idle = setTimeout(summary, 10000);
});
client.on('error', (ctx) => process.stderr.write(`subscriber: ${ctx.error.message}\n`));
client.connect();
setTimeout(summary, 120000);  // never outlive the benchmark
