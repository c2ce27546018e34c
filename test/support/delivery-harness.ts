import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Repository, WebhookCall } from '../../src/index.js';
import { buildCall, buildEvent, buildWebhook } from '../../src/testing/builders.js';

const fixture = fileURLToPath(new URL('../fixtures/delivery-process.ts', import.meta.url));

/** A delivery process started from `test/fixtures/delivery-process.ts`. */
export interface DeliveryProcess {
  name: string;
  child: ChildProcess;
  /** Ends it gracefully and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills it without warning, as a crash would, and waits until it is gone. */
  kill(): Promise<void>;
}

export async function startDeliveryProcess(
  name: string,
  env: Record<string, string>,
): Promise<DeliveryProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ...env, HOOKLINE_PROCESS: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    exited.then(([code]) => reject(new Error(`${name} exited (${code}) before ready: ${errors}`)));
  });
  const waitForExit = async () => {
    if (child.exitCode === null && child.signalCode === null) await exited;
  };
  return {
    name,
    child,
    async stop() {
      child.kill('SIGTERM');
      await waitForExit();
    },
    async kill() {
      child.kill('SIGKILL');
      await waitForExit();
    },
  };
}

/** A receiver on 127.0.0.1 that counts deliveries per call id and per sending process. */
export interface CountingReceiver {
  url: string;
  /** Deliveries per call id (`webhook_call_id` of the default payload). */
  byCall: Map<string, number>;
  /** Deliveries per process (named in the user agent). */
  byProcess: Map<string, number>;
  received: number;
  /** Called after each delivery is counted. */
  onDelivery: ((received: number) => void) | null;
  close(): Promise<void>;
}

export async function startCountingReceiver(): Promise<CountingReceiver> {
  const receiver: Omit<CountingReceiver, 'url' | 'close'> = {
    byCall: new Map(),
    byProcess: new Map(),
    received: 0,
    onDelivery: null,
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { webhook_call_id: string };
      const sender = String(request.headers['user-agent']).replace('hookline-test/', '');
      receiver.byCall.set(
        body.webhook_call_id,
        (receiver.byCall.get(body.webhook_call_id) ?? 0) + 1,
      );
      receiver.byProcess.set(sender, (receiver.byProcess.get(sender) ?? 0) + 1);
      receiver.received += 1;
      receiver.onDelivery?.(receiver.received);
      // A short pause keeps attempts in flight, as a real receiver would.
      setTimeout(() => response.writeHead(200).end('ok'), 2);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Webhooks pointing at the receiver, and `count` pending calls spread over them. */
export async function seedPendingCalls(
  repository: Repository,
  url: string,
  count: number,
  webhookCount = 3,
): Promise<string[]> {
  const now = Date.now();
  for (let index = 0; index < webhookCount; index += 1) {
    await repository.insertWebhook(
      buildWebhook({ id: `webhook-${index}`, name: `Receiver ${index}`, url }),
    );
  }
  const ids: string[] = [];
  const batch: WebhookCall[] = [];
  for (let n = 0; n < count; n += 1) {
    const id = `call-${String(n).padStart(5, '0')}`;
    ids.push(id);
    batch.push(
      buildCall({
        id,
        webhookId: `webhook-${n % webhookCount}`,
        event: buildEvent({ entity: { id: String(n), type: 'item' } }),
        // Claims take the oldest first: creation order follows the ids.
        createdAt: new Date(now - count + n),
      }),
    );
    if (batch.length === 500 || n === count - 1) await repository.insertCalls(batch.splice(0));
  }
  return ids;
}

/** Resolves once no call is waiting and `count` calls succeeded, checking every 100 ms. */
export async function waitForAllDelivered(repository: Repository, count: number): Promise<void> {
  for (;;) {
    const { total } = await repository.listCalls({
      status: 'success',
      orderBy: 'createdAt',
      direction: 'desc',
      limit: 1,
      offset: 0,
    });
    if (total >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
