import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HooklineTransportError } from '../src/errors.js';
import { UndiciTransport } from '../src/transport/undici-transport.js';
import { type Receiver, startReceiver } from './support/receiver.js';

let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HooklineTransportError) return error.code;
    throw error;
  }
  throw new Error('the request succeeded');
}

describe('UndiciTransport request handling', () => {
  it('skips 1xx informational answers and returns the final response', async () => {
    receiver.handle((_request, response) => {
      response.writeProcessing();
      response.writeHead(201, { 'x-final': 'yes' });
      response.end('created');
    });
    const transport = new UndiciTransport({ allowPrivateNetworks: true });
    try {
      const response = await transport.send({
        url: `${receiver.url}/informational`,
        method: 'POST',
        headers: {},
        body: '{}',
      });
      expect(response).toMatchObject({ status: 201, body: 'created', bodyTruncated: false });
      expect(response.headers['x-final']).toBe('yes');
    } finally {
      await transport.close();
    }
  });

  it('keeps exactly maxResponseBytes of a longer body, across chunks', async () => {
    receiver.handle((_request, response) => {
      response.write('a'.repeat(700));
      response.end('b'.repeat(700));
    });
    const transport = new UndiciTransport({ allowPrivateNetworks: true, maxResponseBytes: 1000 });
    try {
      const response = await transport.send({
        url: `${receiver.url}/long`,
        method: 'POST',
        headers: {},
        body: '{}',
      });
      expect(response.body).toBe(`${'a'.repeat(700)}${'b'.repeat(300)}`);
      expect(response.bodyTruncated).toBe(true);
    } finally {
      await transport.close();
    }
  });

  it('sends nothing when the signal is already aborted', async () => {
    const transport = new UndiciTransport({ allowPrivateNetworks: true });
    const before = receiver.requestsTo('/pre-aborted').length;
    try {
      const code = await codeOf(
        transport.send({
          url: `${receiver.url}/pre-aborted`,
          method: 'POST',
          headers: {},
          body: '{}',
          signal: AbortSignal.abort(),
        }),
      );
      expect(code).toBe('ABORTED');
      expect(receiver.requestsTo('/pre-aborted').length).toBe(before);
    } finally {
      await transport.close();
    }
  });

  it('counts the wait for a pooled connection against the timeout', async () => {
    // One connection, held by a request the receiver never answers: the second one waits for it.
    // Once the first times out, the second gets a connection and would be answered 150 ms later,
    // within its timeout if the wait did not count, after it if it does.
    receiver.handle((request, response) => {
      if (request.url === '/hold') return;
      setTimeout(() => response.end('ok'), 150);
    });
    const transport = new UndiciTransport({
      allowPrivateNetworks: true,
      connectionsPerOrigin: 1,
      timeoutMs: 200,
    });
    try {
      const held = codeOf(
        transport.send({ url: `${receiver.url}/hold`, method: 'POST', headers: {}, body: '{}' }),
      );
      const queued = codeOf(
        transport.send({ url: `${receiver.url}/queued`, method: 'POST', headers: {}, body: '{}' }),
      );
      expect(await held).toBe('HEADERS_TIMEOUT');
      expect(await queued).toBe('HEADERS_TIMEOUT');
    } finally {
      await transport.close();
    }
  });
});
