import { z } from 'zod';
import type { Catalog } from '../catalog.js';
import { describeTemplateProblem } from '../payload/custom-payload.js';
import { describeSecretProblem } from '../signing.js';
import { customHeadersSchema } from './http-header.js';

export const filterSchema = z.strictObject({
  entityType: z.string({ error: 'must be an entity type such as "item_type"' }).min(1),
  entityIds: z
    .array(z.string({ error: 'must be a list of id strings' }).min(1, 'ids cannot be empty'))
    .min(1, 'must list at least one id'),
});

export const triggerSchema = z.strictObject({
  entityType: z.string({ error: 'must be an entity type such as "item"' }).min(1),
  eventTypes: z.array(z.string({ error: 'must be a list of event type strings' })).default([]),
  filters: z.array(filterSchema).default([]),
});

const urlSchema = z.string({ error: 'must be a URL string' }).superRefine((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The text is not echoed: a malformed URL may still hold credentials.
    context.addIssue({ code: 'custom', message: 'is not a valid absolute URL' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    context.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
  } else if (url.username || url.password) {
    context.addIssue({
      code: 'custom',
      message: 'must not contain credentials; use httpBasicUser and httpBasicPassword',
    });
  }
});

const secretSchema = z
  .string({ error: 'must be a string or null' })
  .superRefine((value, context) => {
    const problem = describeSecretProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const customPayloadSchema = z
  .string({ error: 'must be a string or null' })
  .superRefine((value, context) => {
    const problem = describeTemplateProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const nullableText = z.string({ error: 'must be a string or null' }).min(1).nullable();

/** Every field a user sets on a webhook; `createWebhook` fills the optional ones with defaults. */
export const webhookFieldsSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }).trim().min(1, 'cannot be empty').max(200),
  url: urlSchema,
  events: z.array(triggerSchema).min(1, 'must contain at least one trigger'),
  headers: customHeadersSchema.default({}),
  httpBasicUser: nullableText.default(null),
  httpBasicPassword: nullableText.default(null),
  secret: secretSchema.nullable().default(null),
  customPayload: customPayloadSchema.nullable().default(null),
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  autoRetry: z.boolean({ error: 'must be true or false' }).default(true),
});

/** A patch for `updateWebhook`: any subset of the fields, checked again as a whole once merged. */
export const webhookPatchSchema = z.strictObject({
  name: webhookFieldsSchema.shape.name.optional(),
  url: urlSchema.optional(),
  events: webhookFieldsSchema.shape.events.optional(),
  headers: customHeadersSchema.optional(),
  httpBasicUser: nullableText.optional(),
  httpBasicPassword: nullableText.optional(),
  secret: secretSchema.nullable().optional(),
  customPayload: customPayloadSchema.nullable().optional(),
  enabled: z.boolean({ error: 'must be true or false' }).optional(),
  autoRetry: z.boolean({ error: 'must be true or false' }).optional(),
});

export type WebhookFields = z.output<typeof webhookFieldsSchema>;
export type WebhookInput = z.input<typeof webhookFieldsSchema>;
export type WebhookPatch = z.input<typeof webhookPatchSchema>;
export type Trigger = z.output<typeof triggerSchema>;
export type TriggerFilter = z.output<typeof filterSchema>;

/**
 * The checks that need more than one field or the host's catalog: known entity and event types,
 * filters that apply to their trigger, basic auth given whole, one source of `Authorization`.
 */
export function webhookRules(catalog: Catalog) {
  return (webhook: WebhookFields, context: z.RefinementCtx): void => {
    webhook.events.forEach((trigger, index) => {
      if (!catalog.has(trigger.entityType)) {
        context.addIssue({
          code: 'custom',
          path: ['events', index, 'entityType'],
          message: `unknown entity type "${trigger.entityType}" (known: ${catalog.entityTypes().join(', ')})`,
        });
        return;
      }
      const allowedEvents = catalog.eventTypes(trigger.entityType);
      trigger.eventTypes.forEach((eventType, eventIndex) => {
        if (!allowedEvents.includes(eventType)) {
          context.addIssue({
            code: 'custom',
            path: ['events', index, 'eventTypes', eventIndex],
            message: `"${eventType}" is not an event of "${trigger.entityType}" (allowed: ${allowedEvents.join(', ')})`,
          });
        }
      });
      const allowedFilters = catalog.filterKeys(trigger.entityType);
      trigger.filters.forEach((filter, filterIndex) => {
        if (!allowedFilters.includes(filter.entityType)) {
          context.addIssue({
            code: 'custom',
            path: ['events', index, 'filters', filterIndex, 'entityType'],
            message: `a "${trigger.entityType}" trigger cannot be filtered by "${filter.entityType}" (allowed: ${allowedFilters.join(', ') || 'none'})`,
          });
        }
      });
    });
    if ((webhook.httpBasicUser === null) !== (webhook.httpBasicPassword === null)) {
      context.addIssue({
        code: 'custom',
        path: [webhook.httpBasicUser === null ? 'httpBasicUser' : 'httpBasicPassword'],
        message: 'basic auth needs both httpBasicUser and httpBasicPassword',
      });
    }
    if (webhook.httpBasicUser?.includes(':')) {
      context.addIssue({
        code: 'custom',
        path: ['httpBasicUser'],
        message: 'cannot contain ":" (basic auth separates user and password with it)',
      });
    }
    const authorizationHeader = Object.keys(webhook.headers).find(
      (name) => name.toLowerCase() === 'authorization',
    );
    if (authorizationHeader && webhook.httpBasicUser !== null) {
      context.addIssue({
        code: 'custom',
        path: ['headers', authorizationHeader],
        message: 'conflicts with httpBasicUser/httpBasicPassword; use one or the other',
      });
    }
  };
}

export function webhookSchema(catalog: Catalog) {
  return webhookFieldsSchema.superRefine(webhookRules(catalog));
}
