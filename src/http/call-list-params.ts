import type { CallQueryInput, DateRange } from '../types.js';
import type { FieldIssue } from './webhook-resource.js';

const equalityFields = {
  webhook_id: 'webhookId',
  entity_type: 'entityType',
  event_type: 'eventType',
  status: 'status',
} as const;

const rangeFields = {
  created_at: 'createdAt',
  last_sent_at: 'lastSentAt',
  next_retry_at: 'nextRetryAt',
} as const;

const orderFields = {
  webhook_id: 'webhookId',
  created_at: 'createdAt',
  last_sent_at: 'lastSentAt',
  next_retry_at: 'nextRetryAt',
} as const;

const fieldFilterPattern = /^filter\[fields\]\[([a-z_]+)\]\[([a-z]+)\]$/;
const orderPattern = /^(webhook_id|created_at|last_sent_at|next_retry_at)_(asc|desc)$/;

function isKeyOf<T extends object>(object: T, key: string): key is Extract<keyof T, string> {
  return Object.hasOwn(object, key);
}

/** The `listCalls` query a request asks for, and the parameters it could not read. */
export interface CallListParams {
  query: CallQueryInput;
  issues: FieldIssue[];
}

/**
 * Reads DatoCMS's list parameters: `page[offset]`, `page[limit]`, `filter[ids]` (comma separated),
 * `filter[fields][webhook_id|entity_type|event_type|status][eq]`,
 * `filter[fields][created_at|last_sent_at|next_retry_at][gt|lt]` and `order_by` (`created_at_desc`).
 * An unknown `filter[...]` or `page[...]` is refused rather than ignored, so a typo never returns
 * an unfiltered list; other parameters are left alone. Values are range-checked by the manager.
 */
export function readCallListParams(params: URLSearchParams): CallListParams {
  const issues: FieldIssue[] = [];
  const query: CallQueryInput = {};
  const ranges: Partial<Record<(typeof rangeFields)[keyof typeof rangeFields], DateRange>> = {};

  const wholeNumber = (field: string, value: string): number | undefined => {
    if (/^\d{1,9}$/.test(value)) return Number(value);
    issues.push({ field, message: 'must be a whole number' });
    return undefined;
  };

  for (const [key, value] of params) {
    if (key === 'page[limit]') {
      query.limit = wholeNumber(key, value);
    } else if (key === 'page[offset]') {
      query.offset = wholeNumber(key, value);
    } else if (key === 'filter[ids]') {
      query.ids = value
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0);
    } else if (key === 'order_by') {
      const match = orderPattern.exec(value);
      if (match?.[1] && isKeyOf(orderFields, match[1])) {
        query.orderBy = orderFields[match[1]];
        query.direction = match[2] === 'asc' ? 'asc' : 'desc';
      } else {
        issues.push({
          field: key,
          message:
            'must be webhook_id, created_at, last_sent_at or next_retry_at followed by _asc or _desc',
        });
      }
    } else if (fieldFilterPattern.test(key)) {
      const [, field = '', operator = ''] = fieldFilterPattern.exec(key) ?? [];
      if (isKeyOf(equalityFields, field) && operator === 'eq') {
        if (field === 'status') query.status = value as CallQueryInput['status'];
        else query[equalityFields[field]] = value;
      } else if (isKeyOf(rangeFields, field) && (operator === 'gt' || operator === 'lt')) {
        const date = new Date(value);
        if (Number.isNaN(date.getTime())) {
          issues.push({ field: key, message: 'must be an ISO 8601 date' });
        } else {
          const name = rangeFields[field];
          ranges[name] = { ...ranges[name], [operator]: date };
        }
      } else {
        issues.push({ field: key, message: 'is not a filter of webhook calls' });
      }
    } else if (key.startsWith('filter[') || key.startsWith('page[')) {
      issues.push({ field: key, message: 'is not a parameter of webhook calls' });
    }
  }
  return { query: { ...query, ...ranges }, issues };
}
