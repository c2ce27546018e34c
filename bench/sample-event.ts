import { randomUUID } from 'node:crypto';
import type { WebhookEventInput } from '../dist/index.js';

/**
 * A record publish as a CMS would send it: a handful of attributes and its model relationship,
 * about 600 bytes of JSON. Every benchmark uses it, so body sizes are the same on both sides.
 */
export function sampleEvent(index: number, itemTypeId = '44'): WebhookEventInput {
  return {
    entityType: 'item',
    eventType: 'publish',
    environment: 'main',
    entity: {
      id: String(100_000 + index),
      type: 'item',
      attributes: {
        title: `Release notes ${index}`,
        slug: `release-notes-${index}`,
        excerpt: 'What changed this week: faster builds, a new image pipeline and fewer surprises.',
        published_at: '2026-12-04T10:00:00.000Z',
        word_count: 1200 + (index % 500),
        tags: ['changelog', 'product'],
      },
      relationships: {
        item_type: { data: { id: itemTypeId, type: 'item_type' } },
        creator: { data: { id: '7', type: 'user' } },
      },
    },
  };
}

/**
 * The body a hand-rolled sender would POST for the same event: hookline's default payload shape,
 * built and serialised per request as any sender must.
 */
export function samplePayloadBody(event: WebhookEventInput, webhookId: string): string {
  return JSON.stringify({
    webhook_id: webhookId,
    webhook_call_id: randomUUID(),
    environment: event.environment ?? 'main',
    event_triggered_at: new Date().toISOString(),
    attempted_auto_retries_count: 0,
    entity_type: event.entityType,
    event_type: event.eventType,
    entity: event.entity,
    previous_entity: null,
    related_entities: [],
  });
}
