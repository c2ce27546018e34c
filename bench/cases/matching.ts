/**
 * 3. Matching scales with matches, not with webhooks: the cost of dispatch() (validate, match,
 * persist the pending calls; the worker is not started, so nothing is sent) with 10, 1,000 and
 * 10,000 webhooks configured of which one matches; and fan-out, one event matching 1,000 webhooks.
 */
import { performance } from 'node:perf_hooks';
import { type WebhookInput, WebhookManager } from '../../src/index.js';
import { atMost, type BenchResult, informative } from '../bench-result.js';
import { benchTransport } from '../bench-transport.js';
import { runCase } from '../case-context.js';
import { median, round } from '../measure.js';
import { sampleEvent } from '../sample-event.js';

const sizes = [10, 1_000, 10_000] as const;
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

/** Microseconds per dispatch, and how many calls each dispatch created. */
async function timeDispatches(
  manager: WebhookManager,
  count: number,
  offset: number,
): Promise<{ usPerDispatch: number; callsPerDispatch: number }> {
  const events = Array.from({ length: count }, (_, index) => sampleEvent(offset + index));
  let calls = 0;
  const started = performance.now();
  for (const event of events) calls += (await manager.dispatch(event)).length;
  const ms = performance.now() - started;
  return { usPerDispatch: (ms * 1000) / count, callsPerDispatch: calls / count };
}

runCase(async (context): Promise<BenchResult> => {
  const dispatches = context.quick ? 5_000 : 20_000;
  const fanOutDispatches = context.quick ? 50 : 200;
  const rounds = context.quick ? 3 : 5;

  const managers = new Map<number, WebhookManager>();
  const setupMs = new Map<number, number>();
  for (const size of sizes) {
    const started = performance.now();
    managers.set(size, await managerWith(webhookInputs(size)));
    setupMs.set(size, performance.now() - started);
  }
  const fanOut = await managerWith(
    Array.from({ length: 1_000 }, (_, index) => ({
      name: `fan-out ${index}`,
      url,
      events: [{ entityType: 'item', eventTypes: ['publish'] }],
    })),
  );

  // Warm-up: JIT, and each manager's trigger index is built on its first dispatch.
  for (const manager of [...managers.values(), fanOut]) await timeDispatches(manager, 200, 0);

  const perSize = new Map<number, number[]>(sizes.map((size) => [size, []]));
  const fanOutUs: number[] = [];
  let offset = 1_000;
  for (let index = 0; index < rounds; index += 1) {
    for (const size of sizes) {
      const timing = await timeDispatches(managers.get(size) as WebhookManager, dispatches, offset);
      if (timing.callsPerDispatch !== 1) throw new Error(`${size} webhooks: expected one match`);
      perSize.get(size)?.push(timing.usPerDispatch);
    }
    const timing = await timeDispatches(fanOut, fanOutDispatches, offset);
    if (timing.callsPerDispatch !== 1_000) throw new Error('fan-out: expected 1,000 matches');
    fanOutUs.push(timing.usPerDispatch);
    offset += dispatches;
  }

  const us = (size: number) => median(perSize.get(size) ?? []);
  const fanOutPerEventUs = median(fanOutUs);
  return {
    name: 'matching',
    title: '3. Matching scales with matches, not with webhooks',
    figures: [
      ...sizes.map((size) => ({
        label: `dispatch, ${size.toLocaleString('en')} webhooks, 1 match`,
        value: round(us(size), 1),
        unit: 'us/event',
      })),
      {
        label: 'fan-out, 1 event to 1,000 webhooks',
        value: round(fanOutPerEventUs / 1000, 2),
        unit: 'ms/event',
      },
    ],
    ratios: [
      atMost('10,000 webhooks / 10 webhooks, dispatch time', round(us(10_000) / us(10), 3), 1.5),
      informative('1,000 webhooks / 10 webhooks, dispatch time', round(us(1_000) / us(10), 3)),
    ],
    notes: [
      `dispatch() awaited one event at a time with the worker stopped (validate, match, persist in MemoryRepository, emit call:created); median of ${rounds} rounds of ${dispatches.toLocaleString('en')} events per size, sizes interleaved; quick mode: 5,000 events and 3 rounds.`,
      'Non-matching webhooks: 70% listen to records of other models (an item_type filter), 20% to other record events, 10% to uploads.',
      `Fan-out: ${fanOutDispatches} events per round, each creating 1,000 pending calls in one insertCalls (so ms per event is also us per call).`,
    ],
    details: {
      dispatches,
      rounds,
      usPerDispatch: Object.fromEntries(perSize),
      fanOutUsPerEvent: fanOutUs,
      setupMs: Object.fromEntries(setupMs),
    },
  };
});
