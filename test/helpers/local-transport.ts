import { UndiciTransport } from '../../src/transport/undici-transport.js';

/** The transport tests use to reach receivers on 127.0.0.1. */
export function localTransport(): UndiciTransport {
  return new UndiciTransport();
}
