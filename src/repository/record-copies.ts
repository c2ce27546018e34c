import type { Attempt, CallError, Exchange, WebhookCall, WebhookEvent } from '../types.js';
import { copyValue } from './copy-value.js';
import type { CallUpdate, CompleteAttemptInput } from './repository.js';

/*
 * Copies of the records MemoryRepository keeps, written out field by field. A literal of known
 * fields is built at a fraction of the cost of a generic deep copy (one hidden class, no key
 * walk), and the type checker reports a field added to a record but forgotten here. Only the
 * entities, whose shape is the host's, go through the generic `copyValue`.
 */

const copyDate = (date: Date): Date => new Date(date.getTime());

const copyOptionalDate = (date: Date | null): Date | null =>
  date === null ? null : new Date(date.getTime());

function copyHeaders(headers: Record<string, string> | null): Record<string, string> | null {
  if (headers === null) return null;
  const copy: Record<string, string> = {};
  for (const name in headers) {
    if (Object.hasOwn(headers, name)) copy[name] = headers[name] as string;
  }
  return copy;
}

const copyError = (error: CallError | null): CallError | null =>
  error === null ? null : { code: error.code, message: error.message };

function copyEvent(event: WebhookEvent): WebhookEvent {
  return {
    entityType: event.entityType,
    eventType: event.eventType,
    environment: event.environment,
    entity: copyValue(event.entity),
    previousEntity: copyValue(event.previousEntity),
    relatedEntities: copyValue(event.relatedEntities),
    triggeredAt: copyDate(event.triggeredAt),
  };
}

/**
 * The exchange fields of `source`, where an object the attempt just recorded also holds is taken
 * from `recorded`, the stored copy of that attempt, instead of being copied a second time.
 */
function exchangeFields(
  source: Exchange,
  attempt: Attempt | null,
  recorded: Attempt | null,
): Exchange {
  const shares = <Field extends 'requestHeaders' | 'responseHeaders' | 'error'>(field: Field) =>
    recorded !== null && source[field] !== null && source[field] === attempt?.[field];
  return {
    requestUrl: source.requestUrl,
    requestHeaders: shares('requestHeaders')
      ? (recorded?.requestHeaders ?? null)
      : copyHeaders(source.requestHeaders),
    requestPayload: source.requestPayload,
    responseStatus: source.responseStatus,
    responseHeaders: shares('responseHeaders')
      ? (recorded?.responseHeaders ?? null)
      : copyHeaders(source.responseHeaders),
    responsePayload: source.responsePayload,
    error: shares('error') ? (recorded?.error ?? null) : copyError(source.error),
    durationMs: source.durationMs,
  };
}

export function copyCall(call: WebhookCall): WebhookCall {
  return {
    id: call.id,
    webhookId: call.webhookId,
    entityType: call.entityType,
    eventType: call.eventType,
    event: copyEvent(call.event),
    status: call.status,
    createdAt: copyDate(call.createdAt),
    lastSentAt: copyOptionalDate(call.lastSentAt),
    nextRetryAt: copyOptionalDate(call.nextRetryAt),
    attemptedAutoRetriesCount: call.attemptedAutoRetriesCount,
    attemptsCount: call.attemptsCount,
    ...exchangeFields(call, null, null),
  };
}

export function copyAttempt(attempt: Attempt): Attempt {
  return {
    id: attempt.id,
    callId: attempt.callId,
    trigger: attempt.trigger,
    startedAt: copyDate(attempt.startedAt),
    ...exchangeFields(attempt, null, null),
  };
}

/**
 * A stored call with `input.update` applied, as a new stored value. What it keeps of `stored` is
 * shared, not copied: stored values are never changed, only copied out. What the update has in
 * common with the attempt is shared with `recorded`, the attempt's stored copy.
 */
export function updatedCall(
  stored: WebhookCall,
  input: CompleteAttemptInput,
  recorded: Attempt | null,
): WebhookCall {
  const update: CallUpdate = input.update;
  return {
    id: stored.id,
    webhookId: stored.webhookId,
    entityType: stored.entityType,
    eventType: stored.eventType,
    event: stored.event,
    status: update.status,
    createdAt: stored.createdAt,
    lastSentAt: copyOptionalDate(update.lastSentAt),
    nextRetryAt: copyOptionalDate(update.nextRetryAt),
    attemptedAutoRetriesCount: update.attemptedAutoRetriesCount,
    attemptsCount: update.attemptsCount,
    ...exchangeFields(update, input.attempt, recorded),
  };
}
