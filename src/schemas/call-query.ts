import { z } from 'zod';

export const callStatuses = ['pending', 'success', 'failed', 'rescheduled'] as const;
export const callStatusSchema = z.enum(callStatuses, {
  error: `must be one of ${callStatuses.join(', ')}`,
});

const dateRangeSchema = z.strictObject({
  gt: z.coerce.date().optional(),
  gte: z.coerce.date().optional(),
  lt: z.coerce.date().optional(),
  lte: z.coerce.date().optional(),
});

export const callOrderFields = ['createdAt', 'lastSentAt', 'nextRetryAt', 'webhookId'] as const;

/** Default page size of `listCalls` (DatoCMS's). */
export const defaultCallPageSize = 30;
/** Largest page `listCalls` returns. */
export const maximumCallPageSize = 500;

export const callQuerySchema = z.strictObject({
  ids: z.array(z.string()).optional(),
  webhookId: z.string().optional(),
  entityType: z.string().optional(),
  eventType: z.string().optional(),
  status: z.union([callStatusSchema, z.array(callStatusSchema)]).optional(),
  createdAt: dateRangeSchema.optional(),
  lastSentAt: dateRangeSchema.optional(),
  nextRetryAt: dateRangeSchema.optional(),
  orderBy: z
    .enum(callOrderFields, { error: `must be one of ${callOrderFields.join(', ')}` })
    .default('createdAt'),
  direction: z.enum(['asc', 'desc'], { error: 'must be "asc" or "desc"' }).default('desc'),
  limit: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(maximumCallPageSize, `must be at most ${maximumCallPageSize}`)
    .default(defaultCallPageSize),
  offset: z.number().int().min(0, 'cannot be negative').default(0),
});

export type CallStatus = z.output<typeof callStatusSchema>;
export type DateRange = z.output<typeof dateRangeSchema>;
/** What `listCalls` accepts. */
export type CallQueryInput = z.input<typeof callQuerySchema>;
/** A `CallQueryInput` with defaults applied: what a `Repository` receives. */
export type CallQuery = z.output<typeof callQuerySchema>;
export type CallOrderField = (typeof callOrderFields)[number];
