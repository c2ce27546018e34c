/**
 * One delivery process of benchmark 5: a WebhookManager on a shared PostgreSQL schema. It says
 * `ready` over IPC once connected, starts delivering on `start`, reports its running count of
 * settled calls (at most once per event-loop turn), and on `stop` stops, reports and exits.
 */
import { PostgresRepository } from '../dist/adapters/postgres/index.js';
import { createBenchWebhook, throughputManager } from './throughput-manager.js';

const [databaseUrl, schema, concurrencyText] = process.argv.slice(2);
if (!databaseUrl || !schema)
  throw new Error('usage: multi-process-worker.ts DATABASE_URL SCHEMA N');
const concurrency = Number(concurrencyText ?? 50);

const repository = new PostgresRepository({ connectionString: databaseUrl, schema });
const manager = throughputManager(concurrency, repository);
let succeeded = 0;
let failed = 0;
let reportQueued = false;
const report = () => {
  if (reportQueued) return;
  reportQueued = true;
  setImmediate(() => {
    reportQueued = false;
    process.send?.({ succeeded, failed });
  });
};
manager.on('call:succeeded', () => {
  succeeded += 1;
  report();
});
manager.on('call:failed', () => {
  failed += 1;
  report();
});

process.on('message', async (message) => {
  if (message === 'start') await manager.start();
  if (message === 'stop') {
    await manager.stop();
    await manager.transport.close?.();
    await repository.close();
    process.send?.({ succeeded, failed, final: true }, () => process.exit(0));
  }
});
// Load the webhook cache before the clock starts, as a long-running process would have.
await manager.listWebhooks();
process.send?.('ready');
