import { type Repository, type Webhook, WebhookManager } from '../dist/index.js';
import { benchTransport } from './bench-transport.js';

/**
 * A manager set up for throughput as the throughput benchmarks compare it: `concurrency` attempts
 * at once, all of them allowed to one webhook, over as many keep-alive connections.
 */
export function throughputManager(concurrency: number, repository?: Repository): WebhookManager {
  return new WebhookManager({
    ...(repository ? { repository } : {}),
    transport: benchTransport({ connectionsPerOrigin: concurrency }),
    concurrency,
    perWebhookConcurrency: concurrency,
  });
}

/** The one webhook the benchmarks deliver to: every record publish, as `sampleEvent` makes them. */
export function createBenchWebhook(
  manager: WebhookManager,
  receiverUrl: string,
  name = 'bench',
  path = '/hook',
): Promise<Webhook> {
  return manager.createWebhook({
    name,
    url: `${receiverUrl}${path}`,
    events: [{ entityType: 'item', eventTypes: ['publish'] }],
  });
}
