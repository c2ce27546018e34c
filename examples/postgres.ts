/**
 * hookline on PostgreSQL: migrate, create a webhook, dispatch inside the host's transaction (the
 * outbox), and deliver to a receiver on 127.0.0.1. Run it with `npx tsx examples/postgres.ts`;
 * DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/test. It uses its own schema and
 * drops it at the end.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { PostgresRepository } from '../src/adapters/postgres/index.js';
import { UndiciTransport, WebhookManager } from '../src/index.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = 'hookline_example';

// A receiver standing in for the site builder the webhook notifies.
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    const payload = JSON.parse(body);
    console.log(`receiver: ${payload.entity_type} ${payload.event_type} ${payload.entity.id}`);
    response.writeHead(204).end();
  });
});
receiver.listen(0, '127.0.0.1');
await once(receiver, 'listening');
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/rebuild`;

// The host's own pool and table; hookline shares the pool.
const pool = new pg.Pool({ connectionString: databaseUrl });
await pool.query('CREATE TABLE IF NOT EXISTS example_articles (id text PRIMARY KEY, title text)');

const repository = new PostgresRepository({ pool, schema });
await repository.migrate();

// The receiver is on 127.0.0.1, which UndiciTransport refuses unless `allowPrivateNetworks` is set.
const transport = new UndiciTransport({ allowPrivateNetworks: true });
const manager = new WebhookManager({ repository, transport, leaseMs: 30_000 });
manager.on('call:succeeded', ({ call }) => console.log(`call ${call.id} delivered`));

await manager.createWebhook({
  name: 'Rebuild site',
  url: receiverUrl,
  events: [{ entityType: 'item', eventTypes: ['publish'] }],
});
await manager.start();

/** Publishes an article: the row and its webhook calls commit, or roll back, together. */
async function publishArticle(id: string, title: string, fail: boolean): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO example_articles (id, title) VALUES ($1, $2)', [id, title]);
    await manager.dispatch(
      { entityType: 'item', eventType: 'publish', entity: { id, type: 'item' } },
      { transaction: client },
    );
    if (fail) throw new Error(`publishing ${id} failed after the dispatch`);
    await client.query('COMMIT');
    console.log(`host: article ${id} committed`);
  } catch (error) {
    await client.query('ROLLBACK');
    console.log(`host: ${(error as Error).message}; rolled back, nothing will be sent`);
  } finally {
    client.release();
  }
}

await publishArticle('a-1', 'Hello', false);
await publishArticle('a-2', 'Never published', true);
await manager.idle();

const { calls } = await manager.listCalls();
console.log(
  `calls stored: ${calls.map((call) => `${call.event.entity.id}=${call.status}`).join(', ')}`,
);

await manager.stop();
await transport.close();
await repository.close();
await pool.query(`DROP SCHEMA ${schema} CASCADE`);
await pool.query('DROP TABLE example_articles');
await pool.end();
receiver.close();
