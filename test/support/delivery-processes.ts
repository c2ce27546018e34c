import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Repository, WebhookCall } from '../../src/index.js';
import { buildCall, buildEvent, buildWebhook } from '../../src/testing/builders.js';
import { until } from './until.js';

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

/** How many calls succeeded so far. */
export async function deliveredCount(repository: Repository): Promise<number> {
  const { total } = await repository.listCalls({
    status: 'success',
    orderBy: 'createdAt',
    direction: 'desc',
    limit: 1,
    offset: 0,
  });
  return total;
}

/** Resolves once `count` calls succeeded. */
export function waitForAllDelivered(repository: Repository, count: number): Promise<void> {
  return until(async () => (await deliveredCount(repository)) >= count, 100);
}
