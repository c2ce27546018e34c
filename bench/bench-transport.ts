import { UndiciTransport, type UndiciTransportOptions } from '../dist/index.js';

/**
 * Every benchmark builds hookline's transport here: the receiver runs on 127.0.0.1, which the
 * address guard refuses unless `allowPrivateNetworks` is set. Everything else stays at
 * UndiciTransport's defaults unless a benchmark says otherwise.
 */
export function benchTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  return new UndiciTransport({ allowPrivateNetworks: true, ...options });
}
