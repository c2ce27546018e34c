import { afterAll, describe, expect, it } from 'vitest';
import { HooklineTransportError } from '../src/errors.js';
import { UndiciTransport } from '../src/transport/undici-transport.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { errorFrom } from './support/error-from.js';
import { localTransport } from './support/local-transport.js';
import { closedPort } from './support/receiver.js';
import { startUnacceptingListener } from './support/unaccepting-listener.js';

const { receiver } = await useDeliveryHarness();
const transport = localTransport({ timeoutMs: 300 });
afterAll(() => transport.close());

function failure(url: string, signal?: AbortSignal): Promise<HooklineTransportError> {
  return errorFrom(
    () => transport.send({ url, method: 'POST', headers: {}, body: '{}', signal }),
    HooklineTransportError,
  );
}

describe('UndiciTransport', () => {
  it('returns any status as is, with lower-case headers and the body', async () => {
    receiver.handle((_request, response) => {
      response.setHeader('X-Multi', ['a', 'b']);
      response.writeHead(302, { Location: '/elsewhere' });
      response.end('moved');
    });
    const response = await transport.send({
      url: `${receiver.url}/status?x=1`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response).toMatchObject({ status: 302, body: 'moved', bodyTruncated: false });
    expect(response.headers.location).toBe('/elsewhere');
    expect(response.headers['x-multi']).toBe('a, b');
    const request = receiver.requests.at(-1);
    expect(request?.url).toBe('/status?x=1');
    expect(request?.body.toString()).toBe('{"a":1}');
  });

  it('reports a refused connection as CONNECTION_REFUSED', async () => {
    const error = await failure(`http://127.0.0.1:${await closedPort()}/`);
    expect(error.code).toBe('CONNECTION_REFUSED');
    expect(error.message).toMatch(/refused the connection/);
  });

  it('reports a connection not made within connectTimeoutMs as CONNECT_TIMEOUT', async () => {
    const listener = await startUnacceptingListener();
    // The request's deadline comes later than the connect timeout, so only a connect timeout that
    // fires when it should (undici's own is up to a second late) is reported as such.
    const connecting = localTransport({ connectTimeoutMs: 200, timeoutMs: 400 });
    try {
      const error = await errorFrom(
        () =>
          connecting.send({ url: `${listener.origin}/`, method: 'POST', headers: {}, body: '{}' }),
        HooklineTransportError,
      );
      expect(error.code).toBe('CONNECT_TIMEOUT');
      expect(error.message).toMatch(/^could not connect within the connect timeout/);
    } finally {
      await connecting.close();
      await listener.close();
    }
  });

  it('reports the phase a timeout hit: HEADERS_TIMEOUT, then BODY_TIMEOUT', async () => {
    receiver.handle(() => undefined);
    const headers = await failure(`${receiver.url}/silent`);
    expect(headers.code).toBe('HEADERS_TIMEOUT');
    expect(headers.message).toBe('no response headers within 300 ms');
    receiver.handle((_request, response) => {
      response.writeHead(200);
      response.write('start');
    });
    expect((await failure(`${receiver.url}/stalled`)).code).toBe('BODY_TIMEOUT');
  });

  it('reports an abort by the caller as ABORTED', async () => {
    receiver.handle(() => undefined);
    const controller = new AbortController();
    const pending = failure(`${receiver.url}/aborted`, controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect((await pending).code).toBe('ABORTED');
  });

  it('reports a bad status line and a bad header as INVALID_RESPONSE', async () => {
    receiver.handle((_request, _response, incoming) =>
      incoming.socket.end('HTTP/1.1 2x0 OK\r\n\r\n'),
    );
    expect((await failure(`${receiver.url}/bad-status`)).code).toBe('INVALID_RESPONSE');
    receiver.handle((_request, _response, incoming) =>
      incoming.socket.end('HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 0\r\n\r\n'),
    );
    expect((await failure(`${receiver.url}/bad-header`)).code).toBe('INVALID_RESPONSE');
  });

  it('reports a connection closed before the promised Content-Length as CONNECTION_RESET', async () => {
    receiver.handle((_request, _response, incoming) =>
      incoming.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort'),
    );
    const error = await failure(`${receiver.url}/short`);
    expect(error.code).toBe('CONNECTION_RESET');
  });
});

describe('UndiciTransport.close', () => {
  it('may be called more than once', async () => {
    const transport = new UndiciTransport();
    await transport.close();
    await expect(transport.close()).resolves.toBeUndefined();
  });
});
