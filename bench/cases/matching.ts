/**
 * 3. Matching scales with matches, not with webhooks: the cost of dispatch() (validate, match,
 * persist the pending calls; the worker is not started, so nothing is sent) with 10, 1,000 and
 * 10,000 webhooks configured of which one matches; and fan-out, one event matching 1,000 webhooks.
 */
import { performance } from 'node:perf_hooks';
import { type WebhookInput, WebhookManager } from '../../dist/index.js';
import { TriggerIndex } from '../../dist/triggers/trigger-index.js';
import type { WebhookEvent } from '../../dist/types.js';
import { atMost, type BenchResult, informative } from '../bench-result.js';
import { benchTransport } from '../bench-transport.js';
import { runCase } from '../case-context.js';
import { median, round } from '../measure.js';
import { sampleEvent } from '../sample-event.js';

const sizes: readonly number[] = [10, 1_000, 10_000];
const url = 'http://127.0.0.1:9/never-called';

/**
 * The webhooks a large CMS might have: most listen to records of other models, some to other
 * record events, some to other entity types. Exactly one matches a publish of a model-44 record.
 */
function webhookInputs(count: number): WebhookInput[] {
  const inputs: WebhookInput[] = [
    {
      name: 'matching',
      url,
      events: [
        {
          entityType: 'item',
          eventTypes: ['publish'],
          filters: [{ entityType: 'item_type', entityIds: ['44'] }],
        },
      ],
    },
  ];
  for (let index = 1; index < count; index += 1) {
    const kind = index % 10;
    const events: WebhookInput['events'] =
      kind < 7
        ? [
            {
              entityType: 'item',
              eventTypes: ['publish', 'unpublish'],
              filters: [{ entityType: 'item_type', entityIds: [`model-${index}`] }],
            },
          ]
        : kind < 9
          ? [{ entityType: 'item', eventTypes: ['update', 'delete'] }]
          : [{ entityType: 'upload', eventTypes: ['create'] }];
    inputs.push({ name: `webhook ${index}`, url, events });
  }
  return inputs;
}

async function managerWith(inputs: readonly WebhookInput[]): Promise<WebhookManager> {
  const manager = new WebhookManager({ transport: benchTransport() });
  for (const input of inputs) await manager.createWebhook(input);
  return manager;
}

/**
 * CPU microseconds per dispatch (this process's user + system time: dispatch never waits on I/O
 * here, and CPU time is not inflated when other work shares the machine), wall microseconds, and
 * how many calls each dispatch created.
 */
async function timeDispatches(
  manager: WebhookManager,
  count: number,
  offset: number,
): Promise<{ usPerDispatch: number; wallUsPerDispatch: number; callsPerDispatch: number }> {
  const events = Array.from({ length: count }, (_, index) => sampleEvent(offset + index));
  let calls = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const event of events) calls += (await manager.dispatch(event)).length;
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    usPerDispatch: (cpu.user + cpu.system) / count,
    wallUsPerDispatch: (ms * 1000) / count,
    callsPerDispatch: calls / count,
  };
}

/** CPU nanoseconds per TriggerIndex.match() alone: the matching step without validation or storage. */
async function timeMatching(manager: WebhookManager, count: number): Promise<number> {
  const index = new TriggerIndex(await manager.listWebhooks());
  const input = sampleEvent(0);
  const event: WebhookEvent = {
    entityType: input.entityType,
    eventType: input.eventType,
    environment: 'main',
    entity: input.entity,
    previousEntity: null,
    relatedEntities: [],
    triggeredAt: new Date(),
  };
  let matched = 0;
  const cpuBefore = process.cpuUsage();
  for (let round = 0; round < count; round += 1) matched += index.match(event).length;
  const cpu = process.cpuUsage(cpuBefore);
  if (matched !== count) throw new Error('expected one match per event');
  return ((cpu.user + cpu.system) * 1000) / count;
}

/** A forced full GC between timed blocks, so one block's garbage is not collected in the next. */
function collectGarbage(): void {
  globalThis.gc?.();
}

runCase(async (context): Promise<BenchResult> => {
  const dispatches = context.quick ? 5_000 : 20_000;
  const fanOutDispatches = context.quick ? 50 : 200;
  const rounds = context.quick ? 3 : 5;
  const inputs = new Map(sizes.map((size) => [size, webhookInputs(size)]));
  const fanOutInputs: WebhookInput[] = Array.from({ length: 1_000 }, (_, index) => ({
    name: `fan-out ${index}`,
    url,
    events: [{ entityType: 'item', eventTypes: ['publish'] }],
  }));

  const perSize = new Map<number, number[]>(sizes.map((size) => [size, []]));
  const fanOutUs: number[] = [];
  const wallUs = new Map<number, number[]>(sizes.map((size) => [size, []]));
  const matchNs = new Map<number, number[]>(sizes.map((size) => [size, []]));
  const setupMs = new Map<number, number>();
  // Round 0 warms the JIT up and is not counted. Every block gets a fresh manager (so pending calls
  // never pile up across blocks) and the order of sizes rotates, so none is always measured last.
  for (let index = 0; index <= rounds; index += 1) {
    const order = sizes.map((_, position) => sizes[(position + index) % sizes.length] as number);
    for (const size of order) {
      const started = performance.now();
      const manager = await managerWith(inputs.get(size) ?? []);
      setupMs.set(size, performance.now() - started);
      // The trigger index is built on the first dispatch.
      await timeDispatches(manager, 200, 0);
      collectGarbage();
      const timing = await timeDispatches(manager, index === 0 ? 1_000 : dispatches, 1_000);
      if (timing.callsPerDispatch !== 1) throw new Error(`${size} webhooks: expected one match`);
      if (index > 0) {
        perSize.get(size)?.push(timing.usPerDispatch);
        wallUs.get(size)?.push(timing.wallUsPerDispatch);
        matchNs.get(size)?.push(await timeMatching(manager, 200_000));
      }
    }
    const fanOut = await managerWith(fanOutInputs);
    await timeDispatches(fanOut, 5, 0);
    collectGarbage();
    const timing = await timeDispatches(fanOut, index === 0 ? 10 : fanOutDispatches, 1_000);
    if (timing.callsPerDispatch !== 1_000) throw new Error('fan-out: expected 1,000 matches');
    if (index > 0) fanOutUs.push(timing.usPerDispatch);
  }

  const us = (size: number) => median(perSize.get(size) ?? []);
  const fanOutPerEventUs = median(fanOutUs);
  const ns = (size: number) => median(matchNs.get(size) ?? []);
  return {
    name: 'matching',
    title: '3. Matching scales with matches, not with webhooks',
    figures: [
      ...sizes.map((size) => ({
        label: `dispatch, ${size.toLocaleString('en')} webhooks, 1 match`,
        value: round(us(size), 1),
        unit: 'CPU us/event',
      })),
      ...sizes.map((size) => ({
        label: `TriggerIndex.match alone, ${size.toLocaleString('en')} webhooks`,
        value: round(ns(size), 0),
        unit: 'CPU ns/event',
      })),
      {
        label: 'fan-out, 1 event to 1,000 webhooks',
        value: round(fanOutPerEventUs / 1000, 2),
        unit: 'CPU ms/event',
      },
    ],
    ratios: [
      atMost('10,000 webhooks / 10 webhooks, dispatch time', round(us(10_000) / us(10), 3), 1.5),
      informative('1,000 webhooks / 10 webhooks, dispatch time', round(us(1_000) / us(10), 3)),
      informative('10,000 webhooks / 10 webhooks, match alone', round(ns(10_000) / ns(10), 3)),
    ],
    notes: [
      `Cost is CPU time of the benchmark process per dispatch (wall times are in details). dispatch() awaited one event at a time with the worker stopped (validate, match, persist in MemoryRepository, emit call:created); median of ${rounds} rounds of ${dispatches.toLocaleString('en')} events per size, each on a fresh manager after a forced GC, sizes in rotating order, after a warm-up round; quick mode: 5,000 events and 3 rounds.`,
      'Non-matching webhooks: 70% listen to records of other models (an item_type filter), 20% to other record events, 10% to uploads.',
      `Fan-out: ${fanOutDispatches} events per round, each creating 1,000 pending calls in one insertCalls (so ms per event is also us per call).`,
    ],
    details: {
      dispatches,
      rounds,
      cpuUsPerDispatch: Object.fromEntries(perSize),
      wallUsPerDispatch: Object.fromEntries(wallUs),
      matchCpuNs: Object.fromEntries(matchNs),
      fanOutCpuUsPerEvent: fanOutUs,
      setupMs: Object.fromEntries(setupMs),
    },
  };
});
