import { emptyExchange } from '../dist/delivery/empty-exchange.js';
import { newId } from '../dist/ids.js';
import type { Attempt, WebhookCall, WebhookEventInput } from '../dist/index.js';
import { copyAttempt, copyCall, updatedCall } from '../dist/repository/record-copies.js';
import type { RequestLog } from './raw-undici-loop.js';

interface Pending {
  record: { call: WebhookCall; attempts: Attempt[] };
  startedAt: Date;
  body: string;
  headers: Record<string, string>;
}

/**
 * The least any sender that keeps a browsable call log must add to the raw loop, as a floor for
 * benchmark 1: per request, a call created and stored, read back to send, its attempt and new state
 * recorded, and the updated call read back. With `copies`, values are stored and read as copies,
 * with MemoryRepository's own copy functions, as the Repository contract asks; without, the log
 * keeps references. Nothing else hookline does is here: no validation, matching, leases,
 * asynchronous storage, retries or events.
 */
export function callLogFloor(
  events: readonly WebhookEventInput[],
  url: string,
  copies: boolean,
): RequestLog<Pending> {
  const copy = copies ? copyCall : (call: WebhookCall) => call;
  const log = new Map<string, { call: WebhookCall; attempts: Attempt[] }>();
  return {
    sending(index, body, headers) {
      const event = events[index] as WebhookEventInput;
      const now = new Date();
      const call: WebhookCall = {
        id: newId(),
        webhookId: 'floor',
        entityType: event.entityType,
        eventType: event.eventType,
        event: {
          entityType: event.entityType,
          eventType: event.eventType,
          environment: 'main',
          entity: event.entity,
          previousEntity: null,
          relatedEntities: [],
          triggeredAt: now,
        },
        status: 'pending',
        createdAt: now,
        lastSentAt: null,
        nextRetryAt: null,
        attemptedAutoRetriesCount: 0,
        attemptsCount: 0,
        ...emptyExchange,
      };
      const record = { call: copy(call), attempts: [] };
      log.set(call.id, record);
      copy(record.call);
      return { record, startedAt: new Date(), body, headers };
    },
    answered({ record, startedAt, body, headers }, status, responseBody) {
      const exchange = {
        requestUrl: url,
        requestHeaders: headers,
        requestPayload: body,
        responseStatus: status,
        responseHeaders: {},
        responsePayload: responseBody,
        error: null,
        durationMs: Date.now() - startedAt.getTime(),
      };
      const attempt: Attempt = {
        id: newId(),
        callId: record.call.id,
        trigger: 'dispatch',
        startedAt,
        ...exchange,
      };
      const update = {
        status: 'success' as const,
        nextRetryAt: null,
        lastSentAt: startedAt,
        attemptedAutoRetriesCount: 0,
        attemptsCount: 1,
        ...exchange,
      };
      const recorded = copies ? copyAttempt(attempt) : attempt;
      record.attempts.push(recorded);
      const input = { callId: record.call.id, leaseToken: 'floor', attempt, update };
      record.call = copies
        ? updatedCall(record.call, input, recorded)
        : Object.assign(record.call, update);
      copy(record.call);
    },
  };
}
