// normalizeMessage, websocketEndpoint, tokenSubject: the pure parts of the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InstantError, normalizeMessage, tokenSubject, websocketEndpoint } from '../src/instant.js';

const envelope = { channel: 'public', site: 'Site', message: 'hello', data: { n: 1 }, event_class: 'important', bucket: 'b1' };
const expected = { channel: 'public', site: 'Site', message: 'hello', data: { n: 1 }, event_class: 'important', bucket: 'b1' };

test('an object envelope and the same envelope as a JSON string give one message', () => {
  assert.deepEqual(normalizeMessage('public', envelope), expected);
  assert.deepEqual(normalizeMessage('public', JSON.stringify(envelope)), expected);
});

test('optional members default to empty strings and data to null', () => {
  assert.deepEqual(normalizeMessage('$users', { channel: '$users', site: 'S', message: 'm' }),
    { channel: '$users', site: 'S', message: 'm', data: null, event_class: '', bucket: '' });
  assert.deepEqual(normalizeMessage('$users', '{"data":[1,2]}'),
    { channel: '$users', site: '', message: '', data: [1, 2], event_class: '', bucket: '' });
  assert.equal(normalizeMessage('c', { data: null }).data, null);
});

test('the channel is the one the publication arrived on', () => {
  assert.equal(normalizeMessage('$staff', { channel: 'public', message: 'x' }).channel, '$staff');
});

test('anything that is not an envelope is a malformed InstantError', () => {
  for (const bad of ['not json{', '[1,2]', '"a string"', '42', 'null', 42, null, undefined, [1], true,
    {}, { channel: 'c' }, { message: 5 }, { message: 'm', site: 1 }, { data: 1, event_class: {} },
    { data: 1, bucket: [] }, JSON.stringify(JSON.stringify(envelope))]) {
    assert.throws(() => normalizeMessage('c', bad), (e) => e instanceof InstantError && e.kind === 'malformed',
      `accepted ${JSON.stringify(bad)}`);
  }
});

test('websocketEndpoint appends /connection/websocket once and checks the scheme', () => {
  assert.equal(websocketEndpoint('ws://127.0.0.1:8000'), 'ws://127.0.0.1:8000/connection/websocket');
  assert.equal(websocketEndpoint('wss://rt.example.com/centrifugo/'), 'wss://rt.example.com/centrifugo/connection/websocket');
  assert.equal(websocketEndpoint('ws://h/connection/websocket'), 'ws://h/connection/websocket');
  for (const bad of ['http://h', '', 'h:8000', null]) {
    assert.throws(() => websocketEndpoint(bad), (e) => e.kind === 'usage');
  }
});

test('tokenSubject reads sub for display and survives garbage', () => {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.equal(tokenSubject(`${b64({ alg: 'HS256' })}.${b64({ sub: 'alice', exp: 1 })}.sig`), 'alice');
  assert.equal(tokenSubject(`${b64({})}.${b64({ sub: 7 })}.sig`), '');
  for (const bad of ['', 'a.b.c', 'only', '..']) assert.equal(tokenSubject(bad), '');
});
