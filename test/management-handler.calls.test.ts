import { ApiError, buildClient, type Client } from '@datocms/cma-client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookCall, WebhookManager } from '../src/index.js';
import { type AdminServer, adminToken, startAdminServer } from './support/admin-server.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { errorFrom } from './support/error-from.js';
import { answer } from './support/receiver.js';

const down = answer(500, { body: 'receiver is down' });
const { receiver, startManager } = await useDeliveryHarness({ handler: down });
const hookUrl = `${receiver.url}/hook`;
let manager: WebhookManager;
let server: AdminServer;
let client: Client;
let publishHook: string;
let deployHook: string;
let dispatched: WebhookCall[];

function record(id: string) {
  return {
    id,
    type: 'item',
    relationships: { item_type: { data: { id: '44', type: 'item_type' } } },
  };
}

beforeAll(async () => {
  manager = await startManager();
  server = await startAdminServer(manager);
  client = buildClient({ apiToken: adminToken, baseUrl: server.baseUrl, autoRetry: false });
  const common = { url: hookUrl, autoRetry: false, headers: {} };
  publishHook = (
    await manager.createWebhook({
      ...common,
      name: 'Publishes',
      events: [{ entityType: 'item', eventTypes: ['publish'] }],
      httpBasicUser: 'u',
      httpBasicPassword: 'basic-password-xyz',
    })
  ).id;
  deployHook = (
    await manager.createWebhook({
      ...common,
      name: 'Deploys',
      events: [{ entityType: 'build_trigger' }],
    })
  ).id;
  // Five failed publishes, then two successful deploys.
  dispatched = [];
  for (let index = 0; index < 5; index += 1) {
    dispatched.push(
      ...(await manager.dispatch({
        entityType: 'item',
        eventType: 'publish',
        entity: record(String(index)),
      })),
    );
    await manager.idle();
  }
  receiver.handle(answer(200));
  for (let index = 0; index < 2; index += 1) {
    dispatched.push(
      ...(await manager.dispatch({
        entityType: 'build_trigger',
        eventType: 'deploy_succeeded',
        entity: { id: `bt${index}`, type: 'build_trigger' },
      })),
    );
    await manager.idle();
  }
  receiver.handle(down);
});

afterAll(() => server.close());

async function rawCalls(query: string) {
  const response = await fetch(`${server.baseUrl}/webhook_calls?${query}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  return { status: response.status, body: await response.json() };
}

describe('webhook calls through DatoCMS’s client', () => {
  it('lists calls newest first, in the DatoCMS shape, with the webhook related and included', async () => {
    const response = await client.webhookCalls.rawList();
    expect(response.meta.total_count).toBe(7);
    expect(response.data.map((call) => call.id)).toEqual(
      dispatched.map((call) => call.id).reverse(),
    );
    const newest = response.data[0];
    expect(newest?.relationships.webhook.data).toEqual({ id: deployHook, type: 'webhook' });
    expect(newest?.attributes).toMatchObject({
      entity_type: 'build_trigger',
      event_type: 'deploy_succeeded',
      status: 'success',
      response_status: 200,
      request_url: hookUrl,
      attempted_auto_retries_count: 0,
      next_retry_at: null,
    });
    expect(typeof newest?.attributes.created_at).toBe('string');
    expect(JSON.parse(newest?.attributes.request_payload ?? '{}')).toMatchObject({
      event_type: 'deploy_succeeded',
    });
    expect(response.included.map((webhook) => webhook.id).sort()).toEqual(
      [publishHook, deployHook].sort(),
    );
  });

  it('never returns the basic-auth password', async () => {
    const response = await rawCalls(`filter[fields][webhook_id][eq]=${publishHook}`);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain('basic-password-xyz');
    expect(text).not.toContain(Buffer.from('u:basic-password-xyz').toString('base64'));
    expect(response.body.data[0].attributes.request_headers.authorization).toBe('[REDACTED]');
  });

  it('filters by webhook, status, entity and event type, and ids', async () => {
    const failed = await client.webhookCalls.list({
      filter: { fields: { status: { eq: 'failed' } } },
    });
    expect(failed).toHaveLength(5);
    expect(
      failed.every((call) => call.status === 'failed' && call.webhook.id === publishHook),
    ).toBe(true);
    const deploys = await client.webhookCalls.list({
      filter: {
        fields: { webhook_id: { eq: deployHook }, event_type: { eq: 'deploy_succeeded' } },
      },
    });
    expect(deploys.map((call) => call.id).sort()).toEqual(
      dispatched
        .slice(5)
        .map((call) => call.id)
        .sort(),
    );
    const items = await client.webhookCalls.list({
      filter: { fields: { entity_type: { eq: 'item' } } },
    });
    expect(items).toHaveLength(5);
    const picked = [dispatched[0]?.id, dispatched[6]?.id].join(',');
    const byIds = await client.webhookCalls.list({ filter: { ids: picked } });
    expect(byIds.map((call) => call.id).sort()).toEqual(picked.split(',').sort());
  });

  it('filters on date ranges and orders ascending', async () => {
    const third = dispatched[2] as WebhookCall;
    const after = await client.webhookCalls.list({
      filter: { fields: { created_at: { gt: third.createdAt.toISOString() } } },
      order_by: 'created_at_asc',
    });
    expect(after.map((call) => call.id)).toEqual(dispatched.slice(3).map((call) => call.id));
    const before = await client.webhookCalls.list({
      filter: { fields: { last_sent_at: { lt: new Date(Date.now() + 60_000).toISOString() } } },
    });
    expect(before).toHaveLength(7);
    const none = await client.webhookCalls.list({
      filter: { fields: { next_retry_at: { gt: new Date(0).toISOString() } } },
    });
    expect(none).toEqual([]);
  });

  it('pages with page[offset] and page[limit], and the paged iterator reads meta.total_count', async () => {
    const page = await rawCalls('page[offset]=2&page[limit]=3&order_by=created_at_asc');
    expect(page.body.meta.total_count).toBe(7);
    expect(page.body.data.map((call: { id: string }) => call.id)).toEqual(
      dispatched.slice(2, 5).map((call) => call.id),
    );
    const seen: string[] = [];
    for await (const call of client.webhookCalls.listPagedIterator(
      { order_by: 'created_at_asc' },
      { perPage: 2 },
    )) {
      seen.push(call.id);
    }
    expect(seen).toEqual(dispatched.map((call) => call.id));
  });

  it('finds one call', async () => {
    const first = dispatched[0] as WebhookCall;
    const call = await client.webhookCalls.find(first.id);
    expect(call).toMatchObject({
      id: first.id,
      status: 'failed',
      response_status: 500,
      response_payload: 'receiver is down',
    });
    expect(call.webhook).toEqual({ id: publishHook, type: 'webhook' });
  });

  it('resends a failed call; the call then reads as a success', async () => {
    const failed = dispatched[1] as WebhookCall;
    receiver.handle(answer(200));
    await client.webhookCalls.resendWebhook(failed.id);
    expect(await client.webhookCalls.find(failed.id)).toMatchObject({
      status: 'success',
      response_status: 200,
      attempted_auto_retries_count: 0,
    });
    expect((await manager.listAttempts(failed.id)).map((attempt) => attempt.trigger)).toEqual([
      'dispatch',
      'resend',
    ]);
  });

  it('answers a resend with 200 and the call as it now is, not a 202 job', async () => {
    const failed = dispatched[2] as WebhookCall;
    const response = await fetch(`${server.baseUrl}/webhook_calls/${failed.id}/resend_webhook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.data).toMatchObject({ id: failed.id, type: 'webhook_call' });
    expect(body.data.attributes).toMatchObject({ status: 'failed', attempts_count: 2 });
  });
});

describe('webhook call errors', () => {
  async function errorOf(promise: Promise<unknown>) {
    const { response, errors } = await errorFrom(() => promise, ApiError);
    return {
      status: response.status,
      errors: errors.map((entry) => [
        entry.attributes.code,
        (entry.attributes.details as { field?: string }).field,
      ]),
    };
  }

  it('answers 422 naming the query parameter', async () => {
    expect(await errorOf(client.webhookCalls.list({ page: { limit: 501 } }))).toEqual({
      status: 422,
      errors: [['INVALID_FIELD', 'page[limit]']],
    });
    expect(
      await errorOf(
        client.webhookCalls.list({ filter: { fields: { status: { eq: 'lost' as 'failed' } } } }),
      ),
    ).toEqual({
      status: 422,
      errors: [['INVALID_FIELD', 'filter[fields][status][eq]']],
    });
    expect(
      await errorOf(client.webhookCalls.list({ order_by: 'name_asc' as 'created_at_asc' })),
    ).toEqual({
      status: 422,
      errors: [['INVALID_FIELD', 'order_by']],
    });
    const params = [
      ['filter[fields][created_at][gt]=yesterday', 'filter[fields][created_at][gt]'],
      ['filter[fields][colour][eq]=red', 'filter[fields][colour][eq]'],
      ['filter[webhook]=1', 'filter[webhook]'],
      ['page[offset]=-1', 'page[offset]'],
    ];
    for (const [query, field] of params) {
      const response = await rawCalls(query as string);
      expect(response.status).toBe(422);
      expect(response.body.data[0].attributes.details.field).toBe(field);
    }
  });

  it('answers 404 to unknown call ids, also on resend', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await errorOf(client.webhookCalls.find(unknown))).toEqual({
      status: 404,
      errors: [['NOT_FOUND', undefined]],
    });
    expect(await errorOf(client.webhookCalls.resendWebhook(unknown))).toEqual({
      status: 404,
      errors: [['NOT_FOUND', undefined]],
    });
  });
});
