import type { WebhookEventInput, WebhookInput } from '../../src/types.js';

let sequence = 0;

/** A webhook on every record event, pointing at `url`, with a unique name. */
export function webhookInput(url: string, extra: Partial<WebhookInput> = {}): WebhookInput {
  sequence += 1;
  return { name: `hook ${sequence}`, url, events: [{ entityType: 'item' }], ...extra };
}

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

/** A record publish event that matches `webhookInput`'s trigger. */
export function publishEvent(id = '293467'): WebhookEventInput {
  return recordEvent('publish', id, '44');
}
