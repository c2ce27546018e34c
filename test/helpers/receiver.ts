import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers one request; the default answers 200 with "ok". */
export type Responder = (request: ReceivedRequest, response: ServerResponse) => void;

/**
 * A real HTTP receiver on 127.0.0.1 that records what arrives. `respond` decides per request, so a
 * test can fail the first calls and succeed later ones.
 */
export interface Receiver {
  url(path?: string): string;
  requests: ReceivedRequest[];
  requestsTo(path: string): ReceivedRequest[];
  respond: Responder;
  close(): Promise<void>;
}

const ok: Responder = (_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
};

export async function startReceiver(respond: Responder = ok): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: Receiver = {
    url: (path = '/') => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    respond,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      receiver.respond(received, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return receiver;
}
