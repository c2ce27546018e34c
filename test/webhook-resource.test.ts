import { describe, expect, it } from 'vitest';
import { webhookAttributePath } from '../src/http/attribute-path.js';
import { readWebhookDocument, restoreMaskedValues } from '../src/http/webhook-resource.js';
import { buildWebhook } from '../src/testing/builders.js';

const stored = buildWebhook({
  id: 'w1',
  name: 'Stored',
  url: 'https://example.com/hook',
  headers: { Authorization: 'Bearer abc123456', 'X-Site': 'blog' },
  secret: 'whsec_LCHbdwo1UOi7csN6OJ8XJkTsl5ZTkw7y',
});

describe('readWebhookDocument', () => {
  it('renames DatoCMS attributes and events to manager fields', () => {
    const { fields, issues } = readWebhookDocument({
      data: {
        type: 'webhook',
        attributes: {
          name: 'n',
          custom_payload: '{}',
          http_basic_user: 'u',
          auto_retry: false,
          payload_api_version: '3',
          nested_items_in_payload: true,
          events: [
            { entity_type: 'item', event_types: ['publish'], filters: null },
            {
              entity_type: 'item',
              event_types: [],
              filters: [{ entity_type: 'item_type', entity_ids: ['4'] }],
            },
          ],
        },
      },
    });
    expect(issues).toEqual([]);
    expect(fields).toEqual({
      name: 'n',
      customPayload: '{}',
      httpBasicUser: 'u',
      autoRetry: false,
      events: [
        { entityType: 'item', eventTypes: ['publish'], filters: [] },
        {
          entityType: 'item',
          eventTypes: [],
          filters: [{ entityType: 'item_type', entityIds: ['4'] }],
        },
      ],
    });
  });

  it('names unknown attributes, nested ones too, and ignored ones of the wrong type', () => {
    const { issues } = readWebhookDocument({
      data: {
        type: 'webhook',
        attributes: {
          colour: 'red',
          nested_items_in_payload: 'yes',
          events: [
            { entity_type: 'item', kind: 'x', filters: [{ entity_ids: ['1'], scope: 'all' }] },
          ],
        },
      },
    });
    expect(issues.map((issue) => issue.field)).toEqual([
      'colour',
      'nested_items_in_payload',
      'events[0].kind',
      'events[0].filters[0].scope',
    ]);
  });

  it('refuses a body that is not a webhook document', () => {
    expect(readWebhookDocument([1]).issues.map((issue) => issue.field)).toEqual(['data']);
    expect(
      readWebhookDocument({ data: { type: 'webhook', attributes: 3 } }).issues.map(
        (issue) => issue.field,
      ),
    ).toEqual(['attributes']);
  });
});

describe('restoreMaskedValues', () => {
  it('reads masks as "unchanged" and keeps every other value', () => {
    expect(
      restoreMaskedValues(
        {
          secret: '[REDACTED]',
          httpBasicPassword: '[REDACTED]',
          headers: { authorization: '[REDACTED]', 'X-Site': 'shop' },
        },
        stored,
      ),
    ).toEqual({ headers: { authorization: 'Bearer abc123456', 'X-Site': 'shop' } });
    expect(restoreMaskedValues({ secret: null }, stored)).toEqual({ secret: null });
  });
});

describe('webhookAttributePath', () => {
  it('spells manager paths in snake_case but keeps header names', () => {
    expect(webhookAttributePath('events[0].filters[1].entityIds')).toBe(
      'events[0].filters[1].entity_ids',
    );
    expect(webhookAttributePath('httpBasicUser')).toBe('http_basic_user');
    expect(webhookAttributePath('headers.X-Custom')).toBe('headers.X-Custom');
    expect(webhookAttributePath('headersExtra')).toBe('headers_extra');
  });
});
