import { describe, expect, it } from 'vitest';
import { HooklineTransportError } from '../src/errors.js';
import { UndiciTransport } from '../src/transport/undici-transport.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { errorFrom } from './support/error-from.js';
import { publishEvent, webhookInput } from './support/fixtures.js';

// Every form below reaches this process's receiver if the guard lets it through; each must be
// refused before a byte is sent. Only loopback spellings are used, so a broken guard still sends
// nothing beyond this machine.
const { receiver, startManager } = await useDeliveryHarness();

function sendError(transport: UndiciTransport, url: string): Promise<HooklineTransportError> {
  return errorFrom(
    () => transport.send({ url, method: 'POST', headers: {}, body: '{}' }),
    HooklineTransportError,
  );
}

describe('UndiciTransport address guard (on by default)', () => {
  const forms = (port: number): [string, string][] => [
    ['IPv4 loopback', `http://127.0.0.1:${port}/hook`],
    ['another loopback address', `http://127.0.0.2:${port}/hook`],
    ['shortened IPv4', `http://127.1:${port}/hook`],
    ['decimal IPv4', `http://2130706433:${port}/hook`],
    ['hexadecimal IPv4', `http://0x7f000001:${port}/hook`],
    ['octal IPv4', `http://0177.0.0.1:${port}/hook`],
    ['mixed-radix IPv4', `http://0x7f.0.0.1:${port}/hook`],
    ['unspecified IPv4', `http://0.0.0.0:${port}/hook`],
    ['zero', `http://0:${port}/hook`],
    ['IPv6 loopback', `http://[::1]:${port}/hook`],
    ['IPv6 unspecified', `http://[::]:${port}/hook`],
    ['IPv4-mapped IPv6, dotted', `http://[::ffff:127.0.0.1]:${port}/hook`],
    ['IPv4-mapped IPv6, hex', `http://[::ffff:7f00:1]:${port}/hook`],
    ['IPv4-compatible IPv6', `http://[::127.0.0.1]:${port}/hook`],
    ['NAT64 IPv6', `http://[64:ff9b::7f00:1]:${port}/hook`],
    ['host name resolving to loopback', `http://localhost:${port}/hook`],
    ['host name in upper case', `http://LOCALHOST:${port}/hook`],
  ];

  it('the URL parser turns numeric IPv4 spellings into 127.0.0.1 before the guard sees them', () => {
    for (const spelling of ['2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.0.0.1']) {
      expect(new URL(`http://${spelling}/`).hostname).toBe('127.0.0.1');
    }
  });

  it('refuses every loopback and unspecified spelling with BLOCKED_ADDRESS and sends nothing', async () => {
    const transport = new UndiciTransport();
    try {
      for (const [, url] of forms(receiver.port)) {
        const error = await sendError(transport, url);
        expect({ url, code: error.code }).toEqual({ url, code: 'BLOCKED_ADDRESS' });
        expect(error.message).toMatch(/allowPrivateNetworks or allowedHosts/);
      }
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await transport.close();
    }
  });

  it('checks the address a host name resolves to, at connect time', async () => {
    const transport = new UndiciTransport();
    try {
      const error = await sendError(transport, `http://localhost:${receiver.port}/`);
      expect(error.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    } finally {
      await transport.close();
    }
  });

  it('lets everything through with allowPrivateNetworks', async () => {
    const transport = new UndiciTransport({ allowPrivateNetworks: true });
    try {
      for (const url of [
        `http://127.0.0.1:${receiver.port}/`,
        `http://2130706433:${receiver.port}/`,
      ]) {
        expect(
          (await transport.send({ url, method: 'POST', headers: {}, body: '{}' })).status,
        ).toBe(200);
      }
      expect(receiver.requests).toHaveLength(2);
    } finally {
      await transport.close();
    }
  });

  it('lets a host allowed by name through, and nothing else', async () => {
    const transport = new UndiciTransport({ allowedHosts: ['localhost'] });
    try {
      const url = `http://localhost:${receiver.port}/`;
      const response = await transport.send({ url, method: 'POST', headers: {}, body: '{}' });
      expect(response.status).toBe(200);
      const literal = await sendError(transport, `http://127.0.0.1:${receiver.port}/`);
      expect(literal.code).toBe('BLOCKED_ADDRESS');
    } finally {
      await transport.close();
    }
  });

  it('lets addresses in an allowed CIDR range through, by literal or by name', async () => {
    const transport = new UndiciTransport({ allowedHosts: ['127.0.0.0/8'] });
    try {
      for (const host of ['127.0.0.1', 'localhost', '2130706433']) {
        const url = `http://${host}:${receiver.port}/`;
        const response = await transport.send({ url, method: 'POST', headers: {}, body: '{}' });
        expect(response.status).toBe(200);
      }
      expect((await sendError(transport, `http://[::1]:${receiver.port}/`)).code).toBe(
        'BLOCKED_ADDRESS',
      );
    } finally {
      await transport.close();
    }
  });

  it('fails the call without a retry and records BLOCKED_ADDRESS on the attempt', async () => {
    // The transport a manager makes by default, with the guard on.
    const manager = await startManager({
      transport: new UndiciTransport(),
      retrySchedule: [10, 20],
    });
    await manager.createWebhook(webhookInput(`http://localhost:${receiver.port}/hook`));
    const [call] = await manager.dispatch(publishEvent());
    await manager.idle({ includeRetries: true });
    const stored = await manager.getCall(call?.id ?? '');
    expect(stored.status).toBe('failed');
    expect(stored.nextRetryAt).toBeNull();
    expect(stored.error?.code).toBe('BLOCKED_ADDRESS');
    const attempts = await manager.listAttempts(stored.id);
    expect(attempts.map((attempt) => attempt.error?.code)).toEqual(['BLOCKED_ADDRESS']);
    expect(receiver.requests).toHaveLength(0);
  });
});
