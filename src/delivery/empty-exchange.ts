import type { Exchange } from '../types.js';

/** The exchange fields of a call nothing has been sent for yet. */
export const emptyExchange: Readonly<Exchange> = Object.freeze({
  requestUrl: null,
  requestHeaders: null,
  requestPayload: null,
  responseStatus: null,
  responseHeaders: null,
  responsePayload: null,
  error: null,
  durationMs: null,
});
