/**
 * Terminology
 *
 * - Webhook: a configured endpoint: name, URL, triggers, headers, basic auth, signing secret, custom
 *   payload template, `enabled` and `autoRetry`.
 * - Trigger: one entry of a webhook's `events`: an entity type, the event types wanted (empty means
 *   all of them) and optional filters that narrow it to given ids.
 * - Event: something that happened in the host CMS, handed to `manager.dispatch(event)`.
 * - WebhookCall: one event delivered (or to be delivered) to one webhook; the activity-log entry.
 * - Attempt: one HTTP request of a call. A call has one or more: the first delivery, auto-retries and
 *   manual resends.
 */

import type { CallStatus } from './schemas/call-query.js';
import type { EventEntity } from './schemas/event.js';
import type { WebhookFields } from './schemas/webhook.js';

export type {
  CallOrderField,
  CallQuery,
  CallQueryInput,
  CallStatus,
  DateRange,
} from './schemas/call-query.js';
export type { EventEntity, WebhookEventInput } from './schemas/event.js';
export type { Trigger, TriggerFilter, WebhookInput, WebhookPatch } from './schemas/webhook.js';

/** A stored webhook, as `createWebhook` returns it. */
export interface Webhook extends WebhookFields {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  /** The secret replaced by the last rotation, still signed with until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  /** Why hookline disabled the webhook (a 410 Gone, for instance); `null` when a user did or never. */
  disabledReason: string | null;
  /**
   * When the first of the webhook's current run of failed attempts started; `null` after a success
   * (and for a new or re-enabled webhook). Drives the manager's `disableAfterFailingForMs`.
   */
  failingSince: Date | null;
}

/** An event after validation: defaults applied, `triggeredAt` set. Stored on each of its calls. */
export interface WebhookEvent {
  entityType: string;
  eventType: string;
  environment: string;
  entity: EventEntity;
  previousEntity: EventEntity | null;
  relatedEntities: EventEntity[];
  triggeredAt: Date;
}

/** Why an attempt failed, when it did. `code` is stable (see the README's list). */
export interface CallError {
  code: string;
  message: string;
}

/** What caused an attempt: the first delivery, an automatic retry, or a manual resend. */
export type AttemptTrigger = 'dispatch' | 'auto_retry' | 'resend';

/** The request and response of one attempt, as recorded (secrets redacted). */
export interface Exchange {
  requestUrl: string | null;
  requestHeaders: Record<string, string> | null;
  requestPayload: string | null;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responsePayload: string | null;
  error: CallError | null;
  durationMs: number | null;
}

/** One event delivered to one webhook: the activity-log entry. Exchange fields hold the latest attempt. */
export interface WebhookCall extends Exchange {
  id: string;
  webhookId: string;
  entityType: string;
  eventType: string;
  event: WebhookEvent;
  status: CallStatus;
  createdAt: Date;
  lastSentAt: Date | null;
  nextRetryAt: Date | null;
  attemptedAutoRetriesCount: number;
  /** Every attempt so far, auto-retries and resends included. */
  attemptsCount: number;
}

/** One HTTP request of a call, with its outcome. */
export interface Attempt extends Exchange {
  id: string;
  callId: string;
  trigger: AttemptTrigger;
  startedAt: Date;
}
