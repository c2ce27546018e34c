/**
 * hookline on SQLite, surviving a restart: a first manager stores calls while the receiver is down
 * and stops; a second one, opened on the same file as a restarted process would, delivers them.
 * Run it with `npx tsx examples/sqlite.ts`; the database lives in a temporary directory.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteRepository } from '../src/adapters/sqlite/index.js';
import { UndiciTransport, WebhookManager } from '../src/index.js';

const directory = mkdtempSync(join(tmpdir(), 'hookline-example-'));
const filename = join(directory, 'cms.db');

let receiverUp = false;
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(receiverUp ? 200 : 503).end();
  });
});
receiver.listen(0, '127.0.0.1');
await once(receiver, 'listening');
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/search-index`;

// The receiver is on 127.0.0.1, which UndiciTransport refuses unless `allowPrivateNetworks` is set.
const transport = new UndiciTransport({ allowPrivateNetworks: true });
// Short retries for the example; DatoCMS's schedule starts at 2 minutes.
const retrySchedule = [300, 600];

// The first process: the receiver is down, so every call is rescheduled.
const firstRepository = new SqliteRepository({ filename });
await firstRepository.migrate();
const first = new WebhookManager({ repository: firstRepository, transport, retrySchedule });
await first.createWebhook({ name: 'Search index', url, events: [{ entityType: 'upload' }] });
await first.start();
for (const id of ['u1', 'u2', 'u3']) {
  await first.dispatch({
    entityType: 'upload',
    eventType: 'create',
    entity: { id, type: 'upload' },
  });
}
await first.idle();
await first.stop();
await firstRepository.close();
console.log('first process: stopped with every call rescheduled (the receiver answered 503)');

// The second process opens the same file; the receiver is back.
receiverUp = true;
const secondRepository = new SqliteRepository({ filename });
await secondRepository.migrate();
const second = new WebhookManager({ repository: secondRepository, transport, retrySchedule });
await second.start();
await second.idle({ includeRetries: true });
const { calls } = await second.listCalls({ orderBy: 'createdAt', direction: 'asc' });
for (const call of calls) {
  const attempts = await second.listAttempts(call.id);
  const history = attempts.map((attempt) => `${attempt.trigger}:${attempt.responseStatus}`);
  console.log(`second process: ${call.event.entity.id} ${call.status} after ${history.join(' ')}`);
}

await second.stop();
await secondRepository.close();
await transport.close();
receiver.close();
rmSync(directory, { recursive: true, force: true });
