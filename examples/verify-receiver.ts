/**
 * A receiver's view: a webhook endpoint that verifies Standard Webhooks signatures with
 * `verifyWebhook`, fed by a manager on the same machine. Run it with `npx tsx examples/verify-receiver.ts`;
 * it talks only to 127.0.0.1 and exits by itself.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSecret, UndiciTransport, verifyWebhook, WebhookManager } from '../src/index.js';

const secret = generateSecret();
let nextSecret: string | null = null;
const seenIds = new Set<string>();

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    // Verify the raw bytes, before any JSON parsing. During a rotation accept either secret.
    const body = Buffer.concat(chunks);
    const secrets = nextSecret ? [nextSecret, secret] : [secret];
    const result = verifyWebhook(body, request.headers, secrets);
    if (!result.ok) {
      console.log(`refused: ${result.reason}`);
      response.writeHead(401).end();
      return;
    }
    // webhook-id is the same on every attempt of a call: use it to drop duplicates.
    const duplicate = seenIds.has(result.id);
    seenIds.add(result.id);
    const payload = JSON.parse(body.toString('utf8')) as {
      event_type: string;
      entity: { id: string };
    };
    const signatures = String(request.headers['webhook-signature']).split(' ').length;
    console.log(
      `verified ${payload.event_type} of record ${payload.entity.id}` +
        ` (webhook-id ${result.id.slice(0, 8)}…, ${signatures} signature${signatures > 1 ? 's' : ''}${duplicate ? ', duplicate' : ''})`,
    );
    response.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

// The address guard refuses 127.0.0.1 by default; local development opts out of it.
const transport = new UndiciTransport({ allowPrivateNetworks: true });
const manager = new WebhookManager({ transport });
const hook = await manager.createWebhook({
  name: 'Local receiver',
  url: `http://127.0.0.1:${port}/webhooks`,
  events: [{ entityType: 'item', eventTypes: ['publish'] }],
  secret,
});
await manager.start();

const publish = (id: string) =>
  manager.dispatch({
    entityType: 'item',
    eventType: 'publish',
    entity: { id, type: 'item', attributes: { title: `Post ${id}` } },
  });

await publish('101');
await publish('102');
await manager.idle();

// Rotate the secret: during the grace period each request carries both signatures.
nextSecret = generateSecret();
await manager.updateWebhook(hook.id, { secret: nextSecret });
const [call] = await publish('103');
await manager.idle();
// A resend keeps the webhook-id, so the receiver can tell it has seen the call.
if (call) await manager.resendCall(call.id);

await manager.stop();
await transport.close();
server.close();
