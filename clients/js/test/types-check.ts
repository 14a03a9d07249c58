// Compiled by test/dist.test.mjs with tsc --noEmit --strict: the declarations
// describe the API a TypeScript user writes against.
import $instant, { createInstant, normalizeMessage, InstantError, type InstantMessage, type SessionInfo } from 'instant-browser';

async function main(): Promise<void> {
  const client = createInstant().init('', 'ws://127.0.0.1:8000', { recover: true, csrfHeader: 'X-CSRFToken' });
  const info: SessionInfo = await client.login('alice', 'secret');
  const names: string[] = info.channels.map((c) => c.name);
  const off = client.onMessage((m: InstantMessage) => console.log(m.channel, m.message, m.event_class, m.bucket, m.site));
  client.onChannel('$users', (m) => void m.data);
  client.on('state', (s) => void s.state);
  client.on('refresh', (r) => void r.kind);
  client.onError((e) => { if (e.type === 'malformed') void e.data; });
  await client.connect({ autosubscribe: false });
  client.subscribe(names[0]);
  off();
  const m = normalizeMessage('public', '{"message":"x"}');
  void m.message.length;
  try { await $instant.getToken(); } catch (e) { if (e instanceof InstantError) void e.status; }
  const r: { ok: boolean } = await client.logout();
  void r;
  void window.$instant.Centrifuge;
}
void main;
