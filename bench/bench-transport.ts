import { UndiciTransport, type UndiciTransportOptions } from '../src/index.js';

/**
 * Every benchmark builds hookline's transport here, so there is one place to say that the receiver
 * on 127.0.0.1 is allowed once UndiciTransport guards private addresses
 * (`allowPrivateNetworks: true`). Everything else stays at UndiciTransport's defaults unless a
 * benchmark says otherwise.
 */
export function benchTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  return new UndiciTransport({ ...options });
}
