import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresRepository } from '../src/adapters/postgres/index.js';
import { SqliteRepository } from '../src/adapters/sqlite/index.js';
import type { Repository } from '../src/index.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import {
  type DeliveryProcess,
  deliveredCount,
  seedPendingCalls,
  startDeliveryProcess,
  waitForAllDelivered,
} from './support/delivery-processes.js';
import { databaseUrl, dropSchema, uniqueSchema } from './support/postgres.js';
import type { ReceivedRequest } from './support/receiver.js';
import { makeTempDir } from './support/temp-dir.js';

const callCount = 3_000;
const concurrency = 8;
// Short, so the successor picks up the killed process's leased calls quickly.
const leaseMs = 1_500;

interface Store {
  env: Record<string, string>;
  repository: Repository & { close(): Promise<void> };
  remove(): Promise<void>;
}

const { receiver } = await useDeliveryHarness({
  // A short pause keeps attempts in flight, as a real receiver would.
  handler: (_request, response) => {
    setTimeout(() => response.writeHead(200).end('ok'), 2);
  },
});

/** Deliveries per call id (`webhook_call_id` of the default payload). */
function deliveriesByCall(): Map<string, number> {
  return countBy(
    (request) =>
      (JSON.parse(request.body.toString()) as { webhook_call_id: string }).webhook_call_id,
  );
}

/** Deliveries per process, named in the user agent. */
function deliveriesByProcess(): Map<string, number> {
  return countBy((request) => String(request.headers['user-agent']).replace('hookline-test/', ''));
}

function countBy(key: (request: ReceivedRequest) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of receiver.requests) {
    counts.set(key(request), (counts.get(key(request)) ?? 0) + 1);
  }
  return counts;
}

const stores: Record<'PostgreSQL' | 'SQLite', () => Promise<Store>> = {
  async PostgreSQL() {
    const schema = uniqueSchema('crash');
    const repository = new PostgresRepository({ connectionString: databaseUrl, schema });
    await repository.migrate();
    return {
      env: { HOOKLINE_STORE: 'postgres', DATABASE_URL: databaseUrl, HOOKLINE_SCHEMA: schema },
      repository,
      remove: () => dropSchema(schema),
    };
  },
  async SQLite() {
    const directory = await makeTempDir('crash');
    const filename = join(directory.path, 'hookline.db');
    const repository = new SqliteRepository({ filename });
    await repository.migrate();
    return {
      env: { HOOKLINE_STORE: 'sqlite', HOOKLINE_SQLITE_FILE: filename },
      repository,
      remove: () => directory.remove(),
    };
  },
};

describe.each(Object.entries(stores))('crash safety with %s', (_, openStore) => {
  let store: Store | null = null;
  const processes: DeliveryProcess[] = [];

  afterEach(async () => {
    for (const worker of processes.splice(0)) await worker.kill();
    await store?.repository.close();
    await store?.remove();
    store = null;
  });

  const settings = () => ({
    ...store?.env,
    HOOKLINE_CONCURRENCY: String(concurrency),
    HOOKLINE_LEASE_MS: String(leaseMs),
  });

  it('delivers every call after a SIGKILL mid-run: none lost, duplicates no more than were in flight', async () => {
    store = await openStore();
    const ids = await seedPendingCalls(store.repository, `${receiver.url}/hook`, callCount);

    const killed = new Promise<void>((resolve) => {
      const answer = receiver.handler;
      receiver.handle((request, response, incoming) => {
        answer(request, response, incoming);
        if (receiver.requests.length !== Math.floor(callCount / 3)) return;
        processes[0]?.child.kill('SIGKILL');
        resolve();
      });
    });
    processes.push(await startDeliveryProcess('first', settings()));
    await killed;
    const first = processes.shift();
    await first?.kill();
    expect(await deliveredCount(store.repository)).toBeLessThan(callCount);

    processes.push(await startDeliveryProcess('second', settings()));
    await waitForAllDelivered(store.repository, callCount);

    const byCall = deliveriesByCall();
    const missing = ids.filter((id) => !byCall.has(id));
    expect(missing).toEqual([]);
    const duplicates = [...byCall.values()].reduce((sum, count) => sum + count - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(concurrency);
    expect(deliveriesByProcess().get('second')).toBeGreaterThan(0);
  }, 60_000);

  it('shares the work between processes on one database and sends no call twice', async () => {
    store = await openStore();
    processes.push(
      ...(await Promise.all([
        startDeliveryProcess('one', settings()),
        startDeliveryProcess('two', settings()),
      ])),
    );
    // Both are idle and listening; the new calls wake them.
    const ids = await seedPendingCalls(store.repository, `${receiver.url}/hook`, callCount);
    await waitForAllDelivered(store.repository, callCount);

    const byCall = deliveriesByCall();
    expect([...byCall.keys()].sort()).toEqual(ids);
    expect([...byCall.values()].every((count) => count === 1)).toBe(true);
    const byProcess = deliveriesByProcess();
    const one = byProcess.get('one') ?? 0;
    const two = byProcess.get('two') ?? 0;
    expect(one + two).toBe(callCount);
    expect(Math.min(one, two)).toBeGreaterThan(callCount / 10);
  }, 60_000);
});
