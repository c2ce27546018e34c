import { z } from 'zod';
import type { Catalog } from '../catalog.js';
import { asJsonData } from './json-data.js';

/**
 * An entity is stored with its call and sent as JSON on every attempt, so it is taken as the JSON it
 * will become: a `Date` turns into its ISO string here, in every repository alike, and a value JSON
 * cannot hold (a BigInt, a cycle) is refused now rather than failing each delivery later.
 */
const entitySchema = z
  .looseObject({
    id: z.string({ error: 'must be the entity id as a string' }).min(1, 'cannot be empty'),
    type: z.string({ error: 'must be the entity type as a string' }).min(1, 'cannot be empty'),
  })
  .transform((entity, context) => {
    try {
      return asJsonData(entity);
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: `must be JSON data (${(error as Error).message})`,
      });
      return z.NEVER;
    }
  });

export const eventFieldsSchema = z.strictObject({
  entityType: z.string({ error: 'must be an entity type such as "item"' }).min(1),
  eventType: z.string({ error: 'must be an event type such as "publish"' }).min(1),
  environment: z.string({ error: 'must be a string' }).min(1).default('main'),
  entity: entitySchema,
  previousEntity: entitySchema.nullable().default(null),
  relatedEntities: z.array(entitySchema).default([]),
  triggeredAt: z.coerce.date({ error: 'must be a date' }).optional(),
});

/** What the host hands to `dispatch()`; `environment` defaults to `'main'`, `triggeredAt` to now. */
export type WebhookEventInput = z.input<typeof eventFieldsSchema>;
export type EventEntity = z.output<typeof entitySchema>;

export function eventSchema(catalog: Catalog) {
  return eventFieldsSchema.superRefine((event, context) => {
    if (!catalog.has(event.entityType)) {
      context.addIssue({
        code: 'custom',
        path: ['entityType'],
        message: `unknown entity type "${event.entityType}" (known: ${catalog.entityTypes().join(', ')})`,
      });
    } else if (!catalog.eventTypes(event.entityType).includes(event.eventType)) {
      context.addIssue({
        code: 'custom',
        path: ['eventType'],
        message: `"${event.eventType}" is not an event of "${event.entityType}" (allowed: ${catalog.eventTypes(event.entityType).join(', ')})`,
      });
    }
  });
}
