import type { WebhookEvent } from '../types.js';

/**
 * The id an event carries for a filter key, or `undefined` when it carries none:
 * - `environment`: the event's environment;
 * - the event's own entity type (`item` on a record event, `item_type` on a model event): the entity id;
 * - anything else: the entity's relationship of that name (`item_type` of a record), JSON:API style.
 */
export function eventEntityId(event: WebhookEvent, filterKey: string): string | undefined {
  if (filterKey === 'environment') return event.environment;
  if (filterKey === event.entityType) return event.entity.id;
  const relationships = event.entity.relationships;
  if (typeof relationships !== 'object' || relationships === null) return undefined;
  const relationship = (relationships as Record<string, unknown>)[filterKey];
  if (typeof relationship !== 'object' || relationship === null) return undefined;
  const data = (relationship as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
