import type { WebhookEventInput, WebhookInput } from '../../src/index.js';

/** A record event of model `modelId`, as a CMS would dispatch it. */
export function recordEvent(
  eventType: string,
  recordId: string,
  modelId: string,
  extra: Partial<WebhookEventInput> = {},
): WebhookEventInput {
  return {
    entityType: 'item',
    eventType,
    entity: {
      id: recordId,
      type: 'item',
      attributes: { title: `Record ${recordId}` },
      relationships: { item_type: { data: { id: modelId, type: 'item_type' } } },
    },
    ...extra,
  };
}

export function webhookInput(url: string, overrides: Partial<WebhookInput> = {}): WebhookInput {
  return {
    name: `hook ${Math.random().toString(36).slice(2)}`,
    url,
    events: [{ entityType: 'item' }],
    ...overrides,
  };
}
