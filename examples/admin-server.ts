/**
 * The management API and the activity log on 127.0.0.1, with a demo receiver and a few events.
 *
 *   npx tsx examples/admin-server.ts                     # serves for 120 s, then exits
 *   npx tsx examples/admin-server.ts --exit-after 600    # longer; 0 exits once the demo ran
 *
 * Open the printed URL and sign in as admin / demo. "Rebuild site" fails until its receiver
 * recovers after three requests: open one of its failed calls and press Resend.
 */
import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createManagementHandler, toNodeListener } from '../src/http/index.js';
import { UndiciTransport, WebhookManager } from '../src/index.js';

const { values } = parseArgs({
  options: {
    'exit-after': { type: 'string', default: process.env.HOOKLINE_EXIT_AFTER ?? '120' },
    port: { type: 'string', default: '0' },
  },
});
const exitAfterSeconds = Number(values['exit-after']);

// A receiver with two endpoints: /search always answers 200, /rebuild fails three times first.
let rebuildRequests = 0;
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const failing = request.url === '/rebuild' && ++rebuildRequests <= 3;
    response.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain' });
    response.end(failing ? 'deploy queue is full' : 'ok');
  });
});
receiver.listen(0, '127.0.0.1');
await once(receiver, 'listening');
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

// The receiver is on loopback, which the transport refuses unless told otherwise (SSRF guard).
const manager = new WebhookManager({
  transport: new UndiciTransport({ allowPrivateNetworks: true }),
});
await manager.createWebhook({
  name: 'Rebuild site',
  url: `${receiverUrl}/rebuild`,
  events: [{ entityType: 'item', eventTypes: ['publish', 'unpublish'] }],
  autoRetry: false,
});
await manager.createWebhook({
  name: 'Search index',
  url: `${receiverUrl}/search`,
  events: [{ entityType: 'item' }, { entityType: 'upload' }],
  httpBasicUser: 'indexer',
  httpBasicPassword: 'never-shown-in-the-log',
});
await manager.start();

// Demo credentials only: a real host checks its own session or API token here.
const accepted = [`Basic ${Buffer.from('admin:demo').toString('base64')}`, 'Bearer demo-token'];
function sameText(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

const handler = createManagementHandler(manager, {
  basePath: '/admin/hooks',
  authorize: (request) => {
    const header = request.headers.get('authorization') ?? '';
    return accepted.some((value) => sameText(header, value));
  },
  wwwAuthenticate: 'Basic realm="hookline demo"',
});
const admin = createServer(toNodeListener(handler));
admin.listen(Number(values.port), '127.0.0.1');
await once(admin, 'listening');
const baseUrl = `http://127.0.0.1:${(admin.address() as AddressInfo).port}/admin/hooks`;

for (const [entityType, eventType, id] of [
  ['item', 'publish', '101'],
  ['upload', 'create', 'u7'],
  ['item', 'unpublish', '102'],
  ['item', 'publish', '103'],
] as const) {
  await manager.dispatch({ entityType, eventType, entity: { id, type: entityType } });
}
await manager.idle();

// The JSON API, as DatoCMS's client (or curl) sees it.
const failed = await fetch(`${baseUrl}/webhook_calls?filter[fields][status][eq]=failed`, {
  headers: { authorization: 'Bearer demo-token' },
});
const body = (await failed.json()) as { meta: { total_count: number } };
console.log(`${body.meta.total_count} failed calls; resend one from the page.`);
console.log(`Activity log: ${baseUrl}/activity   (user admin, password demo)`);
console.log(`JSON API:     ${baseUrl}/webhooks       (Authorization: Bearer demo-token)`);

async function shutDown() {
  await manager.stop();
  admin.closeAllConnections();
  receiver.closeAllConnections();
  admin.close();
  receiver.close();
}

if (exitAfterSeconds > 0) {
  console.log(`Exiting in ${exitAfterSeconds} s (--exit-after).`);
  await new Promise((resolve) => setTimeout(resolve, exitAfterSeconds * 1000));
}
await shutDown();
