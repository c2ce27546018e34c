/**
 * 1. Delivery vs the wire: hookline (MemoryRepository, one webhook, concurrency 50) against a raw
 * undici loop POSTing the same bodies at the same concurrency, on the same receiver, alternating
 * rounds in one process. hookline is timed from the first dispatch to the last call recorded, so its
 * figure includes validation, matching, persisting, claiming, recording and events; the raw loop
 * does none of that.
 */
import { WebhookManager } from '../../src/index.js';
import { atLeast, type BenchResult } from '../bench-result.js';
import { benchTransport } from '../bench-transport.js';
import { runCase } from '../case-context.js';
import { settledCalls } from '../hookline-drain.js';
import { median, perSecond, round, timeMs } from '../measure.js';
import { rawAgent, rawUndiciLoop } from '../raw-undici-loop.js';
import { sampleEvent, samplePayloadBody } from '../sample-event.js';

const concurrency = 50;

async function hooklineRound(url: string, count: number): Promise<number> {
  const transport = benchTransport({ connectionsPerOrigin: concurrency });
  const manager = new WebhookManager({
    transport,
    concurrency,
    perWebhookConcurrency: concurrency,
  });
  await manager.createWebhook({
    name: 'bench',
    url,
    events: [{ entityType: 'item', eventTypes: ['publish'] }],
  });
  const events = Array.from({ length: count }, (_, index) => sampleEvent(index));
  const settled = settledCalls(manager, count);
  await manager.start();
  let outcome = { succeeded: 0, failed: 0 };
  const ms = await timeMs(async () => {
    for (const event of events) await manager.dispatch(event);
    outcome = await settled;
  });
  await manager.stop();
  await transport.close();
  if (outcome.failed > 0) throw new Error(`hookline: ${outcome.failed} calls failed`);
  return perSecond(count, ms);
}

async function rawRound(url: string, count: number): Promise<number> {
  const agent = rawAgent(concurrency);
  const events = Array.from({ length: count }, (_, index) => sampleEvent(index));
  let succeeded = 0;
  const ms = await timeMs(async () => {
    succeeded = await rawUndiciLoop({
      url,
      count,
      concurrency,
      agent,
      body: (index) => samplePayloadBody(events[index] as (typeof events)[number], 'raw'),
    });
  });
  await agent.close();
  if (succeeded !== count) throw new Error(`raw loop: ${count - succeeded} requests failed`);
  return perSecond(count, ms);
}

runCase(async (context): Promise<BenchResult> => {
  const count = context.quick ? 5_000 : 20_000;
  const rounds = context.quick ? 2 : 3;
  const url = `${context.receiverUrl}/hook`;
  // Warm both paths up (JIT, connection pools) before anything is timed.
  await rawRound(url, 2_000);
  await hooklineRound(url, 2_000);
  const raw: number[] = [];
  const hookline: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    raw.push(await rawRound(url, count));
    hookline.push(await hooklineRound(url, count));
  }
  const hooklineRate = median(hookline);
  const rawRate = median(raw);
  return {
    name: 'delivery-vs-wire',
    title: `1. Delivery vs the wire (${count.toLocaleString('en')} events, concurrency ${concurrency})`,
    figures: [
      { label: 'raw undici loop', value: round(rawRate, 0), unit: 'req/s' },
      { label: 'hookline, MemoryRepository', value: round(hooklineRate, 0), unit: 'calls/s' },
    ],
    ratios: [atLeast('hookline / raw undici', round(hooklineRate / rawRate, 3), 0.85)],
    notes: [
      `Median of ${rounds} alternating rounds after a warm-up. hookline is timed from the first dispatch() to the last call:succeeded (dispatch, persist, claim, send, record); the raw loop only builds each body and POSTs it.`,
      'Both use one keep-alive undici Agent with 50 connections; no signing secret or basic auth, so the bytes on the wire are the same shape and size.',
    ],
    details: { count, rounds, concurrency, rawPerSecond: raw, hooklinePerSecond: hookline },
  };
});
