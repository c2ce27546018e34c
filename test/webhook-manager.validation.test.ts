import { describe, expect, it } from 'vitest';
import {
  HooklineNotFoundError,
  HooklineValidationError,
  type WebhookInput,
  WebhookManager,
} from '../src/index.js';
import { RecordingTransport } from '../src/testing/index.js';
import { errorFrom } from './support/error-from.js';
import { webhookInput } from './support/fixtures.js';

function newManager() {
  return new WebhookManager({ transport: new RecordingTransport() });
}

const rejection = (promise: Promise<unknown>) => errorFrom(() => promise, HooklineValidationError);

const paths = (error: HooklineValidationError) => error.issues.map((issue) => issue.path);

describe('WebhookManager.createWebhook validation', () => {
  const cases: [string, Partial<WebhookInput> | Record<string, unknown>, string, RegExp][] = [
    ['a non-http URL', { url: 'ftp://example.com/x' }, 'url', /http:\/\/ or https:\/\//],
    ['a malformed URL', { url: 'not a url' }, 'url', /is not a valid absolute URL/],
    ['credentials in the URL', { url: 'https://u:p@example.com/' }, 'url', /credentials/],
    [
      'CR/LF in a header value',
      { headers: { 'X-A': 'a\r\nX-Injected: 1' } },
      'headers.X-A',
      /line break/,
    ],
    ['a bad header name', { headers: { 'X A': 'v' } }, 'headers.X A', /not a valid header name/],
    [
      'an overridden Content-Type',
      { headers: { 'Content-Type': 'text/plain' } },
      'headers.Content-Type',
      /cannot be overridden/,
    ],
    [
      'an unknown entity type',
      { events: [{ entityType: 'page' }] },
      'events[0].entityType',
      /unknown entity type "page"/,
    ],
    [
      'an unknown event type',
      { events: [{ entityType: 'upload', eventTypes: ['publish'] }] },
      'events[0].eventTypes[0]',
      /"publish" is not an event of "upload"/,
    ],
    [
      'a filter that does not apply',
      {
        events: [
          { entityType: 'upload', filters: [{ entityType: 'item_type', entityIds: ['1'] }] },
        ],
      },
      'events[0].filters[0].entityType',
      /cannot be filtered by "item_type"/,
    ],
    [
      'a filter without ids',
      { events: [{ entityType: 'item', filters: [{ entityType: 'item', entityIds: [] }] }] },
      'events[0].filters[0].entityIds',
      /at least one id/,
    ],
    ['no triggers', { events: [] }, 'events', /at least one trigger/],
    ['a malformed secret', { secret: 'secret' }, 'secret', /whsec_/],
    [
      'a secret that is too short',
      { secret: `whsec_${Buffer.alloc(8).toString('base64')}` },
      'secret',
      /24 to 64 bytes/,
    ],
    [
      'an invalid Mustache template',
      { customPayload: '{"a": "{{#open}}"}' },
      'customPayload',
      /not a valid Mustache template/,
    ],
    ['half of basic auth', { httpBasicUser: 'u' }, 'httpBasicPassword', /both/],
    ['an unknown field', { colour: 'red' }, '', /unknown field "colour"/],
    ['an empty name', { name: '  ' }, 'name', /cannot be empty/],
  ];

  it.each(cases)('refuses %s, naming the field', async (_label, overrides, path, message) => {
    const manager = newManager();
    const error = await rejection(
      manager.createWebhook({
        ...webhookInput('https://example.com/hook'),
        ...overrides,
      } as WebhookInput),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    const issue = error.issues.find((candidate) => candidate.path === path);
    expect(issue?.message).toMatch(message);
    expect(error.message).toContain(path ? `${path}: ` : 'unknown field');
    expect(await manager.listWebhooks()).toEqual([]);
  });

  it('does not echo a malformed URL, which may hold credentials', async () => {
    const manager = newManager();
    const error = await rejection(
      manager.createWebhook(webhookInput('https://user:hunter22@exa mple.com/')),
    );
    expect(error.message).not.toContain('hunter22');
  });

  it('reports every bad field at once', async () => {
    const manager = newManager();
    const error = await rejection(
      manager.createWebhook({
        name: '',
        url: 'mailto:x',
        events: [{ entityType: 'nope' }],
      } as WebhookInput),
    );
    expect(paths(error)).toEqual(expect.arrayContaining(['name', 'url', 'events[0].entityType']));
  });

  it('refuses a duplicate name and keeps the first webhook', async () => {
    const manager = newManager();
    const first = await manager.createWebhook(
      webhookInput('https://example.com/a', { name: 'Rebuild' }),
    );
    const error = await rejection(
      manager.createWebhook(webhookInput('https://example.com/b', { name: 'Rebuild' })),
    );
    expect(error.issues).toEqual([
      { path: 'name', message: 'a webhook named "Rebuild" already exists' },
    ]);
    expect(await manager.listWebhooks()).toEqual([first]);
  });
});

describe('WebhookManager.updateWebhook', () => {
  it('applies a partial patch and validates the result as a whole', async () => {
    const manager = newManager();
    const hook = await manager.createWebhook(
      webhookInput('https://example.com/a', { httpBasicUser: 'u', httpBasicPassword: 'p' }),
    );
    const updated = await manager.updateWebhook(hook.id, {
      url: 'https://example.com/b',
      enabled: false,
    });
    expect(updated).toMatchObject({
      url: 'https://example.com/b',
      enabled: false,
      httpBasicUser: 'u',
    });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(hook.updatedAt.getTime());

    const error = await rejection(manager.updateWebhook(hook.id, { httpBasicPassword: null }));
    expect(paths(error)).toEqual(['httpBasicPassword']);
    expect(await manager.getWebhook(hook.id)).toEqual(updated);
  });

  it('refuses to take another webhook’s name', async () => {
    const manager = newManager();
    await manager.createWebhook(webhookInput('https://example.com/a', { name: 'A' }));
    const b = await manager.createWebhook(webhookInput('https://example.com/b', { name: 'B' }));
    const error = await rejection(manager.updateWebhook(b.id, { name: 'A' }));
    expect(paths(error)).toEqual(['name']);
    expect((await manager.getWebhook(b.id)).name).toBe('B');
  });

  it('throws HooklineNotFoundError for unknown ids', async () => {
    const manager = newManager();
    await expect(manager.updateWebhook('nope', { name: 'x' })).rejects.toBeInstanceOf(
      HooklineNotFoundError,
    );
    await expect(manager.deleteWebhook('nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      resource: 'webhook',
    });
    await expect(manager.getCall('nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      resource: 'call',
    });
    await expect(manager.resendCall('nope')).rejects.toBeInstanceOf(HooklineNotFoundError);
    await expect(manager.listAttempts('nope')).rejects.toBeInstanceOf(HooklineNotFoundError);
  });
});

describe('WebhookManager.dispatch validation', () => {
  it('refuses unknown entity and event types and missing entities', async () => {
    const manager = newManager();
    await expect(
      manager.dispatch({
        entityType: 'item',
        eventType: 'promote',
        entity: { id: '1', type: 'item' },
      }),
    ).rejects.toThrow(/eventType: "promote" is not an event of "item"/);
    await expect(
      manager.dispatch({
        entityType: 'widget',
        eventType: 'create',
        entity: { id: '1', type: 'widget' },
      }),
    ).rejects.toThrow(/entityType: unknown entity type "widget"/);
    await expect(
      manager.dispatch({ entityType: 'item', eventType: 'create' } as never),
    ).rejects.toThrow(/entity: /);
    expect((await manager.listCalls()).total).toBe(0);
  });

  it('refuses an entity JSON cannot hold, naming it, and stores nothing', async () => {
    const manager = newManager();
    await manager.createWebhook(webhookInput('https://example.com/hook'));
    const entity = { id: '1', type: 'item', attributes: { views: 10n } };
    await expect(
      manager.dispatch({ entityType: 'item', eventType: 'update', entity }),
    ).rejects.toThrow(/entity: must be JSON data \(.*BigInt/);
    expect((await manager.listCalls()).total).toBe(0);
  });

  it('stores an entity as the JSON it is sent as, dates as ISO strings', async () => {
    const manager = newManager();
    await manager.createWebhook(webhookInput('https://example.com/hook'));
    const updatedAt = new Date('2026-12-04T10:00:00.000Z');
    const [call] = await manager.dispatch({
      entityType: 'item',
      eventType: 'update',
      entity: { id: '1', type: 'item', attributes: { updatedAt, missing: undefined } },
    });
    expect((await manager.getCall(call?.id ?? '')).event.entity).toEqual({
      id: '1',
      type: 'item',
      attributes: { updatedAt: '2026-12-04T10:00:00.000Z' },
    });
  });

  it('accepts entity and event types the host registered', async () => {
    const { defaultCatalog } = await import('../src/index.js');
    const catalog = defaultCatalog.extend({
      product: { eventTypes: ['restock'], filterKeys: ['product'] },
    });
    const manager = new WebhookManager({ transport: new RecordingTransport(), catalog });
    await manager.createWebhook(
      webhookInput('https://example.com/shop', {
        events: [
          {
            entityType: 'product',
            eventTypes: ['restock'],
            filters: [{ entityType: 'product', entityIds: ['p1'] }],
          },
        ],
      }),
    );
    const calls = await manager.dispatch({
      entityType: 'product',
      eventType: 'restock',
      entity: { id: 'p1', type: 'product' },
    });
    expect(calls).toHaveLength(1);
    expect(
      await manager.dispatch({
        entityType: 'product',
        eventType: 'restock',
        entity: { id: 'p2', type: 'product' },
      }),
    ).toEqual([]);
  });
});

describe('WebhookManager.listCalls validation', () => {
  it('refuses a page larger than 500 and unknown order fields', async () => {
    const manager = newManager();
    await expect(manager.listCalls({ limit: 501 })).rejects.toThrow(/limit: must be at most 500/);
    await expect(manager.listCalls({ orderBy: 'name' as never })).rejects.toThrow(
      /orderBy: must be one of/,
    );
  });
});
