import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/** One request as the receiver got it: raw body bytes and headers exactly as sent. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Header names with the case the sender used, in order. */
  rawHeaders: string[];
  body: Buffer;
}

export type ReceiverHandler = (
  request: ReceivedRequest,
  response: http.ServerResponse,
  incoming: http.IncomingMessage,
) => void;

/** A real node:http server on 127.0.0.1 (port 0), recording every request it gets. */
export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** The requests whose path is `path`. */
  requestsTo(path: string): ReceivedRequest[];
  /** Replaces how requests are answered (default: 200 "ok"). */
  handle(handler: ReceiverHandler): void;
  close(): Promise<void>;
}

export async function startReceiver(handler?: ReceiverHandler): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let current: ReceiverHandler =
    handler ??
    ((_request, response) => {
      response.end('ok');
    });
  const server = http.createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        rawHeaders: incoming.rawHeaders.filter((_, index) => index % 2 === 0),
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      current(request, response, incoming);
    });
  });
  // Faults are the point of these receivers: a socket torn down on purpose must not crash the test.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    requestsTo: (path) => requests.filter((request) => request.url === path),
    handle(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Fails the test that is running when a promise rejection goes unhandled anywhere in the process. */
export function guardUnhandledRejections(): { check(): void; dispose(): void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  return {
    check() {
      if (seen.length > 0) throw new Error(`unhandled rejection: ${String(seen[0])}`);
    },
    dispose() {
      process.off('unhandledRejection', listener);
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
