import { ApiError, buildClient, type Client } from '@datocms/cma-client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, MemoryRepository, WebhookManager } from '../src/index.js';
import { type AdminServer, adminToken, startAdminServer } from './support/admin-server.js';
import { errorFrom } from './support/error-from.js';
import { localTransport } from './support/local-transport.js';

let manager: WebhookManager;
let server: AdminServer;
let client: Client;

beforeAll(async () => {
  manager = new WebhookManager({ transport: localTransport() });
  server = await startAdminServer(manager);
  client = buildClient({ apiToken: adminToken, baseUrl: server.baseUrl, autoRetry: false });
});

afterAll(async () => {
  await manager.stop();
  await server.close();
});

const itemPublish = [
  {
    entity_type: 'item' as const,
    event_types: ['publish' as const, 'unpublish' as const],
    filters: [{ entity_type: 'item_type' as const, entity_ids: ['44'] as [string] }],
  },
];

function createInput(name: string) {
  return {
    name,
    url: 'https://example.com/hook',
    custom_payload: null,
    headers: { 'X-Site': 'blog' },
    events: itemPublish,
    http_basic_user: 'editor',
    http_basic_password: 'p4ssw0rd-very-secret',
    enabled: true,
    payload_api_version: '3',
    nested_items_in_payload: true,
    auto_retry: false,
  };
}

/** The API's errors as (code, field) pairs, whatever the client threw. */
async function apiErrors(promise: Promise<unknown>) {
  const apiError = await errorFrom(() => promise, ApiError);
  return {
    status: apiError.response.status,
    errors: apiError.errors.map((entry) => ({
      code: entry.attributes.code,
      field: (entry.attributes.details as { field?: string }).field,
    })),
  };
}

async function send(method: string, path: string, body?: string, contentType = 'application/json') {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': contentType },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.json(),
  };
}

describe('webhooks through DatoCMS’s client', () => {
  it('creates a webhook in the DatoCMS shape, masking the password', async () => {
    const webhook = await client.webhooks.create(createInput('Rebuild site'));
    expect(webhook).toMatchObject({
      type: 'webhook',
      name: 'Rebuild site',
      url: 'https://example.com/hook',
      headers: { 'X-Site': 'blog' },
      events: itemPublish,
      http_basic_user: 'editor',
      http_basic_password: '[REDACTED]',
      enabled: true,
      auto_retry: false,
      payload_api_version: '3',
      nested_items_in_payload: false,
    });
    const stored = await manager.getWebhook(webhook.id);
    expect(stored.httpBasicPassword).toBe('p4ssw0rd-very-secret');
    expect(stored.events).toEqual([
      {
        entityType: 'item',
        eventTypes: ['publish', 'unpublish'],
        filters: [{ entityType: 'item_type', entityIds: ['44'] }],
      },
    ]);
    expect(JSON.stringify(await client.webhooks.list())).not.toContain('p4ssw0rd-very-secret');
  });

  it('lists and finds webhooks', async () => {
    const created = await client.webhooks.create(createInput('Listed'));
    const listed = await client.webhooks.list();
    expect(listed.map((webhook) => webhook.name)).toContain('Listed');
    const found = await client.webhooks.find(created.id);
    expect(found).toEqual(created);
  });

  it('updates only the attributes sent, and keeps the password when its mask comes back', async () => {
    const created = await client.webhooks.create(createInput('Partial'));
    const updated = await client.webhooks.update(created.id, { enabled: false });
    expect(updated).toMatchObject({ name: 'Partial', enabled: false, url: created.url });
    // A client that sends back what it read sends the mask: it means "unchanged".
    const { id, type, ...everything } = await client.webhooks.find(created.id);
    await client.webhooks.update(created.id, { ...everything, name: 'Partial, renamed' });
    const stored = await manager.getWebhook(created.id);
    expect(stored.name).toBe('Partial, renamed');
    expect(stored.httpBasicPassword).toBe('p4ssw0rd-very-secret');
    await client.webhooks.update(created.id, { http_basic_password: 'new-password' });
    expect((await manager.getWebhook(created.id)).httpBasicPassword).toBe('new-password');
  });

  it('deletes a webhook, answering 200 with the deleted resource', async () => {
    const created = await client.webhooks.create(createInput('Doomed'));
    const deleted = await client.webhooks.destroy(created.id);
    expect(deleted).toMatchObject({ id: created.id, name: 'Doomed' });
    expect(await apiErrors(client.webhooks.find(created.id))).toEqual({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: undefined }],
    });
  });

  it('sets and masks a signing secret, hookline’s own attribute', async () => {
    const secret = generateSecret();
    const response = await client.webhooks.rawCreate({
      data: {
        type: 'webhook',
        attributes: { ...createInput('Signed'), secret } as ReturnType<typeof createInput>,
      },
    });
    expect(response.data.attributes).toMatchObject({ secret: '[REDACTED]' });
    expect((await manager.getWebhook(response.data.id)).secret).toBe(secret);
    expect(JSON.stringify(response)).not.toContain(secret.slice(6, 30));
  });

  it('masks an Authorization header and keeps it when the mask comes back', async () => {
    const created = await client.webhooks.create({
      ...createInput('Token header'),
      http_basic_user: null,
      http_basic_password: null,
      headers: { Authorization: 'Bearer receiver-token-123' },
    });
    expect(created.headers).toEqual({ Authorization: '[REDACTED]' });
    await client.webhooks.update(created.id, { headers: { ...created.headers, 'X-Extra': '1' } });
    expect((await manager.getWebhook(created.id)).headers).toEqual({
      Authorization: 'Bearer receiver-token-123',
      'X-Extra': '1',
    });
  });
});

describe('webhook errors', () => {
  it('answers 422 naming each invalid attribute in snake_case', async () => {
    const result = await apiErrors(
      client.webhooks.create({
        ...createInput('Broken'),
        url: 'not a url',
        events: [
          {
            entity_type: 'item',
            event_types: ['deploy_started'],
            filters: [{ entity_type: 'build_trigger', entity_ids: ['1'] }],
          },
        ],
      }),
    );
    expect(result.status).toBe(422);
    expect(result.errors).toEqual([
      { code: 'INVALID_FIELD', field: 'url' },
      { code: 'INVALID_FIELD', field: 'events[0].event_types[0]' },
      { code: 'INVALID_FIELD', field: 'events[0].filters[0].entity_type' },
    ]);
  });

  it('answers 422 for a taken name, missing attributes and unknown ones', async () => {
    await client.webhooks.create(createInput('Taken'));
    expect(await apiErrors(client.webhooks.create(createInput('Taken')))).toEqual({
      status: 422,
      errors: [{ code: 'INVALID_FIELD', field: 'name' }],
    });
    const missing = await send(
      'POST',
      '/webhooks',
      JSON.stringify({ data: { type: 'webhook', attributes: { name: 'x' } } }),
    );
    expect(missing.status).toBe(422);
    expect(
      missing.body.data.map(
        (error: { attributes: { details: { field: string } } }) => error.attributes.details.field,
      ),
    ).toEqual(['url', 'events']);
    const unknown = await send(
      'POST',
      '/webhooks',
      JSON.stringify({
        data: { type: 'webhook', attributes: { ...createInput('Unknown'), colour: 'red' } },
      }),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.data[0].attributes).toMatchObject({
      code: 'INVALID_FIELD',
      details: { field: 'colour' },
    });
  });

  it('refuses the mask as a new password and a document of another type or id', async () => {
    const masked = await apiErrors(
      client.webhooks.create({ ...createInput('Masked'), http_basic_password: '[REDACTED]' }),
    );
    expect(masked.errors).toEqual([{ code: 'INVALID_FIELD', field: 'http_basic_password' }]);
    const created = await client.webhooks.create(createInput('Typed'));
    const wrongType = await send(
      'PUT',
      `/webhooks/${created.id}`,
      JSON.stringify({ data: { type: 'item', attributes: {} } }),
    );
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.data[0].attributes.details.field).toBe('type');
    const wrongId = await send(
      'PUT',
      `/webhooks/${created.id}`,
      JSON.stringify({ data: { type: 'webhook', id: 'other', attributes: {} } }),
    );
    expect(wrongId.body.data[0].attributes.details.field).toBe('id');
  });

  it('answers 400 to malformed JSON and 415 to a body that is not JSON', async () => {
    const malformed = await send('POST', '/webhooks', '{"data": {');
    expect(malformed).toMatchObject({ status: 400, type: 'application/json; charset=utf-8' });
    expect(malformed.body.data[0]).toMatchObject({
      type: 'api_error',
      attributes: { code: 'INVALID_FORMAT' },
    });
    const form = await send('POST', '/webhooks', 'name=x', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    expect(form.body.data[0].attributes.code).toBe('INVALID_CONTENT_TYPE_HEADER');
  });

  it('answers 413 to a body above maxBodyBytes', async () => {
    const small = await startAdminServer(manager, { maxBodyBytes: 64 });
    try {
      const response = await fetch(`${small.baseUrl}/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { type: 'webhook', attributes: createInput('Big') } }),
      });
      expect(response.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('answers 404 to unknown ids and unknown endpoints', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const attempt of [
      client.webhooks.find(unknown),
      client.webhooks.update(unknown, { enabled: false }),
      client.webhooks.destroy(unknown),
    ]) {
      expect(await apiErrors(attempt)).toEqual({
        status: 404,
        errors: [{ code: 'NOT_FOUND', field: undefined }],
      });
    }
    const endpoint = await send('GET', '/nothing-here');
    expect(endpoint.status).toBe(404);
    expect(endpoint.body.data[0].attributes.code).toBe('INVALID_ENDPOINT');
  });

  it('answers 500 with nothing revealed when something unexpected fails, and reports it', async () => {
    class BrokenRepository extends MemoryRepository {
      override async listWebhooks(): Promise<never> {
        throw new Error('connection to db-7 refused');
      }
    }
    const broken = new WebhookManager({ repository: new BrokenRepository() });
    const reported: unknown[] = [];
    const brokenServer = await startAdminServer(broken, {
      onError: (error) => reported.push(error),
    });
    try {
      for (const path of ['/webhooks', '/activity']) {
        const response = await fetch(`${brokenServer.baseUrl}${path}`, {
          headers: { authorization: `Bearer ${adminToken}` },
        });
        expect(response.status).toBe(500);
        expect(await response.text()).not.toContain('db-7');
      }
      expect(reported).toHaveLength(2);
    } finally {
      await brokenServer.close();
    }
  });
});
