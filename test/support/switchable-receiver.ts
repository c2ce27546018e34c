import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook receiver on 127.0.0.1 whose answer a test can change between deliveries. */
export interface SwitchableReceiver {
  url: string;
  /** The status every request gets from now on. */
  status: number;
  /** The body every request gets from now on; by default a short word on the status. */
  body: string | null;
  /** Bodies received, in order. */
  readonly bodies: string[];
  readonly requests: IncomingMessage[];
  close(): Promise<void>;
}

export async function startReceiver(status = 200): Promise<SwitchableReceiver> {
  const bodies: string[] = [];
  const requests: IncomingMessage[] = [];
  let server: Server;
  const receiver: SwitchableReceiver = {
    url: '',
    status,
    body: null,
    bodies,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      requests.push(request);
      response.writeHead(receiver.status, { 'content-type': 'text/plain' });
      response.end(receiver.body ?? (receiver.status < 300 ? 'thanks' : 'receiver is down'));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
