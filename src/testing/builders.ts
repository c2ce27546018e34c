import { emptyExchange } from '../delivery/empty-exchange.js';
import type { Attempt, Webhook, WebhookCall, WebhookEvent } from '../types.js';

/**
 * Stored records as a repository holds them, for tests that write to a repository or call internals
 * directly, past the manager's validation. Each default is the plainest valid value (no secret, no
 * auth, nothing sent yet), so a test names only the fields it is about.
 */

/** Every default date: fixed, with milliseconds, so stored dates are compared to the millisecond. */
export const builtAt: number = Date.UTC(2026, 0, 15, 10, 0, 0, 123);

let sequence = 0;
/** Unique within a test file (each file runs in its own module graph). */
const nextId = (prefix: string): string => `${prefix}-${(sequence += 1)}`;

/** An enabled webhook with auto-retry, on every record event. */
export function buildWebhook(overrides: Partial<Webhook> = {}): Webhook {
  const id = overrides.id ?? nextId('webhook');
  return {
    id,
    name: `Webhook ${id}`,
    url: `https://example.com/hooks/${id}`,
    events: [{ entityType: 'item', eventTypes: [], filters: [] }],
    headers: {},
    httpBasicUser: null,
    httpBasicPassword: null,
    secret: null,
    customPayload: null,
    enabled: true,
    autoRetry: true,
    createdAt: new Date(builtAt),
    updatedAt: new Date(builtAt),
    previousSecret: null,
    previousSecretExpiresAt: null,
    disabledReason: null,
    failingSince: null,
    ...overrides,
  };
}

/** A record publish in the main environment, as `dispatch` stores it after validation. */
export function buildEvent(overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    entityType: 'item',
    eventType: 'publish',
    environment: 'main',
    entity: { id: '293467', type: 'item' },
    previousEntity: null,
    relatedEntities: [],
    triggeredAt: new Date(builtAt),
    ...overrides,
  };
}

/** A pending call nothing has been sent for; its entity and event type are its event's. */
export function buildCall(overrides: Partial<WebhookCall> = {}): WebhookCall {
  const event = overrides.event ?? buildEvent();
  return {
    id: overrides.id ?? nextId('call'),
    webhookId: 'webhook-1',
    entityType: event.entityType,
    eventType: event.eventType,
    event,
    status: 'pending',
    createdAt: new Date(builtAt),
    lastSentAt: null,
    nextRetryAt: null,
    attemptedAutoRetriesCount: 0,
    attemptsCount: 0,
    ...emptyExchange,
    ...overrides,
  };
}

/** A first-delivery attempt with an empty exchange. */
export function buildAttempt(overrides: Partial<Attempt> = {}): Attempt {
  return {
    id: overrides.id ?? nextId('attempt'),
    callId: 'call-1',
    trigger: 'dispatch',
    startedAt: new Date(builtAt),
    ...emptyExchange,
    ...overrides,
  };
}
