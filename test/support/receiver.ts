import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { listenOnLoopback } from './loopback-server.js';

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
  /** Origin without a path: webhooks point at `${url}/some-path`. */
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** The requests whose path (query included) is `path`. */
  requestsTo(path: string): ReceivedRequest[];
  /** How requests are answered now. */
  readonly handler: ReceiverHandler;
  /** Replaces how requests are answered (default: 200 "ok"). */
  handle(handler: ReceiverHandler): void;
  /** Forgets the requests received so far. */
  clearRequests(): void;
  close(): Promise<void>;
}

export async function startReceiver(
  handler: ReceiverHandler = answer(200, { body: 'ok' }),
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let current = handler;
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
  const listening = await listenOnLoopback(server);
  const receiver: Receiver = {
    url: listening.origin,
    port: listening.port,
    requests,
    requestsTo: (path) => requests.filter((request) => request.url === path),
    get handler() {
      return current;
    },
    handle(next) {
      current = next;
    },
    clearRequests() {
      // In place: a test may hold on to `requests`.
      requests.length = 0;
    },
    close: listening.close,
  };
  return receiver;
}

/** Answers every request with `status`, and the headers and body given (none by default). */
export function answer(
  status: number,
  { headers = {}, body = '' }: { headers?: http.OutgoingHttpHeaders; body?: string } = {},
): ReceiverHandler {
  return (_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
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
