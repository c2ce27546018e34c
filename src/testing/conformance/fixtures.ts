import type { CallUpdate, Repository } from '../../repository/repository.js';
import type { Attempt, Webhook, WebhookCall } from '../../types.js';
import { buildAttempt, buildCall, buildEvent, buildWebhook, builtAt } from '../builders.js';

/**
 * A date `offsetMs` after the builders' default date; `at(0)` is that default. It has milliseconds,
 * so every date checks millisecond precision.
 */
export const at = (offsetMs: number): Date => new Date(builtAt + offsetMs);

/** A webhook with every field set, so a round trip checks every column. */
export function makeWebhook(id: string, overrides: Partial<Webhook> = {}): Webhook {
  return buildWebhook({
    id,
    events: [
      {
        entityType: 'item',
        eventTypes: ['publish', 'unpublish'],
        filters: [{ entityType: 'item_type', entityIds: ['44', '45'] }],
      },
    ],
    headers: { 'X-Site': 'blog', 'x-Ünïcode': 'värde ✓' },
    httpBasicUser: 'user',
    httpBasicPassword: 'password',
    secret: 'whsec_LCHbdwo1UOi7csN6OJ8XJkTsl5ZTkw7y',
    customPayload: '{"id":"{{webhook_call_id}}"}',
    updatedAt: at(1),
    ...overrides,
  });
}

/** A pending call whose event has Unicode, nesting and nulls, so the stored JSON must round-trip. */
export function makeCall(id: string, webhookId: string, overrides: Partial<WebhookCall> = {}) {
  return buildCall({
    id,
    webhookId,
    event: buildEvent({
      entity: {
        id: '293467',
        type: 'item',
        attributes: { title: 'Ünïcode “quotes” ✓', count: 3, nested: { list: [1, null, 'x'] } },
      },
      relatedEntities: [{ id: '44', type: 'item_type' }],
      triggeredAt: at(-5),
    }),
    ...overrides,
  });
}

/** The exchange of a failed attempt, every field set. */
export const failedExchange = {
  requestUrl: 'https://example.com/hooks/x',
  requestHeaders: { 'content-type': 'application/json', authorization: '[redacted]' },
  requestPayload: '{"entity":{"id":"293467"}}',
  responseStatus: 503,
  responseHeaders: { 'retry-after': '120', 'content-type': 'text/plain' },
  responsePayload: 'busy',
  error: { code: 'HTTP_503', message: 'the receiver answered 503' },
  durationMs: 41.5,
};

export function makeAttempt(id: string, callId: string, overrides: Partial<Attempt> = {}): Attempt {
  return buildAttempt({ id, callId, startedAt: at(1_000), ...failedExchange, ...overrides });
}

export function successUpdate(call: WebhookCall, sentAt: Date): CallUpdate {
  return {
    requestUrl: `https://example.com/hooks/${call.webhookId}`,
    requestHeaders: { 'content-type': 'application/json' },
    requestPayload: '{}',
    responseStatus: 200,
    responseHeaders: { 'content-length': '2' },
    responsePayload: 'ok',
    error: null,
    durationMs: 12,
    status: 'success',
    lastSentAt: sentAt,
    nextRetryAt: null,
    attemptedAutoRetriesCount: call.attemptedAutoRetriesCount,
    attemptsCount: call.attemptsCount + 1,
  };
}

/** Settles `call` as a worker would: claimed, sent once at `sentAt`, succeeded, attempt recorded. */
export async function deliverOnce(
  repository: Repository,
  call: WebhookCall,
  sentAt: Date,
): Promise<void> {
  const leaseToken = `delivery-${call.id}`;
  await repository.claimCall(call.id, { now: sentAt, leaseToken, leaseMs: 1_000 });
  const settled = await repository.completeAttempt({
    callId: call.id,
    leaseToken,
    attempt: makeAttempt(`attempt-${call.id}`, call.id, { startedAt: sentAt }),
    update: successUpdate(call, sentAt),
  });
  if (settled?.status !== 'success') throw new Error(`${call.id} was not delivered`);
}

export function rescheduleUpdate(call: WebhookCall, sentAt: Date, retryAt: Date): CallUpdate {
  return {
    ...failedExchange,
    status: 'rescheduled',
    lastSentAt: sentAt,
    nextRetryAt: retryAt,
    attemptedAutoRetriesCount: call.attemptedAutoRetriesCount,
    attemptsCount: call.attemptsCount + 1,
  };
}

/** Ids sort as their numbers do, so id order and insertion order agree. */
export const callId = (n: number): string => `call-${String(n).padStart(4, '0')}`;

export const idsOf = (calls: readonly { id: string }[]): string[] => calls.map((call) => call.id);

/** Claim options that lease everything due at `now`. */
export function claimAll(now: Date, leaseToken: string, limit = 100) {
  return {
    now,
    limit,
    leaseToken,
    leaseMs: 30_000,
    perWebhookLimit: 1_000,
    heldByWebhook: new Map<string, number>(),
  };
}
