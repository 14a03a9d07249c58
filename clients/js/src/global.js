// The script-tag build's entry: window.$instant is the default client, with
// createInstant(), normalizeMessage(), InstantError and centrifuge-js's
// Centrifuge beside its methods.
import { Centrifuge } from 'centrifuge';
import { $instant, createInstant, InstantError, normalizeMessage, websocketEndpoint } from './instant.js';

Object.assign($instant, { createInstant, normalizeMessage, websocketEndpoint, InstantError, Centrifuge });
globalThis.$instant = $instant;
