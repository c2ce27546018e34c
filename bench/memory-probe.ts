/**
 * One memory measurement in a fresh process started with --expose-gc (see cases/memory.ts):
 *   pending COUNT RECEIVER_URL   peak RSS while COUNT calls wait in MemoryRepository
 *   big CALLS RECEIVER_URL       peak RSS while CALLS deliveries each refuse a 100 MB response
 * Prints one JSON line with the figures.
 */
import { performance } from 'node:perf_hooks';
import { WebhookManager } from '../dist/index.js';
import { benchTransport } from './bench-transport.js';
import { settledCalls } from './hookline-drain.js';
import { sampleEvent } from './sample-event.js';
import { createBenchWebhook } from './throughput-manager.js';

const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc');

function settle(): { rss: number; heapUsed: number } {
  gc?.();
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

async function pending(count: number, receiverUrl: string) {
  const transport = benchTransport();
  const manager = new WebhookManager({ transport });
  await createBenchWebhook(manager, receiverUrl, 'memory');
  await manager.dispatch(sampleEvent(0));
  const before = settle();
  let peakRss = before.rss;
  const started = performance.now();
  for (let index = 1; index <= count; index += 1) {
    // Events are built as they come, as a CMS would: only what hookline keeps stays alive.
    await manager.dispatch(sampleEvent(index));
    if (index % 1_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const dispatchMs = performance.now() - started;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const after = settle();
  const { total } = await manager.listCalls({ status: 'pending', limit: 1 });
  await transport.close();
  return {
    count,
    pendingCalls: total,
    dispatchMs,
    peakRssDelta: peakRss - before.rss,
    retainedRssDelta: after.rss - before.rss,
    retainedHeapDelta: after.heapUsed - before.heapUsed,
  };
}

async function bigResponses(calls: number, receiverUrl: string) {
  const transport = benchTransport();
  const manager = new WebhookManager({
    transport,
    concurrency: calls,
    perWebhookConcurrency: calls,
  });
  await createBenchWebhook(manager, receiverUrl, 'big', '/big');
  await manager.start();
  // Warm-up: one refused response, so undici and the parser are loaded before the baseline.
  const warm = settledCalls(manager, 1);
  await manager.dispatch(sampleEvent(0));
  await warm;
  await manager.stop();

  const measured = new WebhookManager({
    repository: manager.repository,
    transport,
    concurrency: calls,
    perWebhookConcurrency: calls,
  });
  const before = settle();
  let peakRss = before.rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 5);
  const settled = settledCalls(measured, calls);
  await measured.start();
  const started = performance.now();
  for (let index = 1; index <= calls; index += 1) await measured.dispatch(sampleEvent(index));
  const outcome = await settled;
  const ms = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const { calls: recorded } = await measured.listCalls({ limit: calls, orderBy: 'createdAt' });
  await measured.stop();
  await transport.close();
  const kept = recorded
    .filter((call) => call.status === 'success')
    .map((call) => call.responsePayload?.length ?? 0);
  return {
    calls,
    succeeded: outcome.succeeded,
    ms,
    keptBytesPerCall: Math.max(0, ...kept),
    peakRssDelta: peakRss - before.rss,
  };
}

const [mode, countText, receiverUrl] = process.argv.slice(2);
if (!receiverUrl) throw new Error('usage: memory-probe.ts pending|big COUNT RECEIVER_URL');
const result =
  mode === 'pending'
    ? await pending(Number(countText), receiverUrl)
    : await bigResponses(Number(countText), receiverUrl);
console.log(JSON.stringify(result));
process.exit(0);
