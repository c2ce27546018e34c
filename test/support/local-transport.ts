import { UndiciTransport, type UndiciTransportOptions } from '../../src/index.js';

/** The real transport, allowed to reach the receivers tests run on 127.0.0.1. */
export function localTransport(
  options: Omit<UndiciTransportOptions, 'allowPrivateNetworks'> = {},
): UndiciTransport {
  return new UndiciTransport({ ...options, allowPrivateNetworks: true });
}
