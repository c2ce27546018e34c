/**
 * hookline in one file: a receiver on 127.0.0.1, two webhooks, a handful of CMS events, and the
 * activity log printed as a table. Run it with `npm run example`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UndiciTransport, type WebhookCall, WebhookManager } from '../src/index.js';

// A stand-in for the services a CMS notifies: /rebuild answers 200; /search fails the first time
// it is called, as a real endpoint does while it restarts.
let searchCalls = 0;
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const failing = request.url === '/search' && searchCalls++ === 0;
    response.writeHead(failing ? 500 : 200, { 'content-type': 'text/plain' });
    response.end(failing ? 'restarting' : 'thanks');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

// The receiver is on loopback, which the transport refuses by default (SSRF guard).
const transport = new UndiciTransport({ allowPrivateNetworks: true });
const manager = new WebhookManager({
  transport,
  // DatoCMS waits 2 minutes before the first retry; an example should not.
  retrySchedule: [300, 1_000],
});

const rebuild = await manager.createWebhook({
  name: 'Rebuild blog',
  url: `${base}/rebuild`,
  events: [
    {
      entityType: 'item',
      eventTypes: ['publish', 'unpublish'],
      filters: [{ entityType: 'item_type', entityIds: ['44'] }],
    },
  ],
  headers: { 'X-Site': 'blog' },
});
const search = await manager.createWebhook({
  name: 'Search index',
  url: `${base}/search`,
  events: [{ entityType: 'item' }, { entityType: 'upload', eventTypes: ['create', 'delete'] }],
});

await manager.start();

const post = (id: string, modelId: string) => ({
  id,
  type: 'item',
  attributes: { title: `Post ${id}` },
  relationships: { item_type: { data: { id: modelId, type: 'item_type' } } },
});
await manager.dispatch({ entityType: 'item', eventType: 'publish', entity: post('101', '44') });
await manager.dispatch({ entityType: 'item', eventType: 'update', entity: post('102', '44') });
await manager.dispatch({ entityType: 'item', eventType: 'publish', entity: post('201', '45') });
await manager.dispatch({
  entityType: 'item_type',
  eventType: 'update',
  entity: { id: '44', type: 'item_type' },
});
await manager.dispatch({
  entityType: 'upload',
  eventType: 'create',
  entity: { id: 'u1', type: 'upload' },
});

// Wait until every call has settled, the retry of the failed one included.
await manager.idle({ includeRetries: true });

const names = new Map([
  [rebuild.id, rebuild.name],
  [search.id, search.name],
]);
const { calls } = await manager.listCalls({ orderBy: 'createdAt', direction: 'asc' });
const rows = await Promise.all(
  calls.map(async (call: WebhookCall) => ({
    webhook: names.get(call.webhookId) ?? call.webhookId,
    event: `${call.entityType}.${call.eventType} #${call.event.entity.id}`,
    status: call.status,
    url: call.requestUrl?.replace(base, '') ?? '',
    response: call.responseStatus ?? call.error?.code ?? '',
    attempts: (await manager.listAttempts(call.id))
      .map((attempt) => `${attempt.trigger}:${attempt.responseStatus ?? attempt.error?.code}`)
      .join(' '),
  })),
);
console.log('Activity log');
console.table(rows);
console.log(`${calls.length} calls; the model event matched no webhook, so it made none.`);

await manager.stop();
await transport.close();
receiver.close();
