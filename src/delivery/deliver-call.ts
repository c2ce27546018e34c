import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { HooklineError } from '../errors.js';
import type { EventHub } from '../events.js';
import { newId } from '../ids.js';
import type { CallUpdate, CompleteAttemptInput, Repository } from '../repository/repository.js';
import type { Transport, TransportResponse } from '../transport/transport.js';
import type { WebhookCache } from '../triggers/webhook-cache.js';
import type { Attempt, AttemptTrigger, Exchange, Webhook, WebhookCall } from '../types.js';
import { buildRequest } from './build-request.js';
import { emptyExchange } from './empty-exchange.js';
import { autoRetriesAfter, nextCallState, type RetryPolicy } from './next-call-state.js';
import { errorOutcome, type Outcome, responseOutcome } from './outcome.js';
import { redactorOf } from './redactor.js';

/** What one delivery needs from the manager. */
export interface DeliveryContext {
  repository: Repository;
  transport: Transport;
  webhooks: WebhookCache;
  events: EventHub;
  retry: RetryPolicy;
  userAgent: string;
  /**
   * Applies the attempt's effect on its webhook: the run of failures it extends or ends (see
   * `failure-streak.ts`), and disabling the webhook when the receiver declared it gone.
   */
  recordWebhookOutcome(webhook: Webhook, attempt: WebhookAttemptOutcome): Promise<void>;
}

/** What one attempt tells about its webhook. */
export interface WebhookAttemptOutcome {
  ok: boolean;
  startedAt: Date;
  finishedAt: Date;
  /** Why the receiver wants no more deliveries (a 410 Gone), or `null`. */
  goneReason: string | null;
}

/** Records an outcome, riding out brief repository faults: losing it would resend a delivered call. */
async function recordOutcome(
  repository: Repository,
  input: CompleteAttemptInput,
): Promise<WebhookCall | null> {
  // The first try runs bare: p-retry's setup costs more than the write itself on a fast repository.
  try {
    return await repository.completeAttempt(input);
  } catch (error) {
    // Our own errors mean bad input, which no retry will fix.
    if (error instanceof HooklineError) throw error;
  }
  // Then the same schedule as four p-retry retries from the start: 100, 200, 400, 800 ms.
  await sleep(100);
  return pRetry(
    async () => {
      try {
        return await repository.completeAttempt(input);
      } catch (error) {
        if (error instanceof HooklineError) throw new AbortError(error);
        throw error;
      }
    },
    { retries: 3, minTimeout: 200, maxTimeout: 2_000 },
  );
}

/** Settles a call without sending it: its webhook is gone or disabled. */
async function settleUnsent(
  context: DeliveryContext,
  call: WebhookCall,
  leaseToken: string,
  error: { code: string; message: string },
): Promise<WebhookCall | null> {
  const update: CallUpdate = {
    ...emptyExchange,
    error,
    status: 'failed',
    lastSentAt: call.lastSentAt,
    nextRetryAt: null,
    attemptedAutoRetriesCount: call.attemptedAutoRetriesCount,
    attemptsCount: call.attemptsCount,
  };
  const settled = await recordOutcome(context.repository, {
    callId: call.id,
    leaseToken,
    attempt: null,
    update,
  });
  if (settled) context.events.emit('call:failed', { call: settled });
  return settled;
}

function exchangeOf(
  webhook: Webhook,
  request: ReturnType<typeof buildRequest>,
  response: TransportResponse | null,
  outcome: Outcome,
  durationMs: number,
): Exchange {
  const redactor = redactorOf(webhook);
  return {
    requestUrl: request.url,
    requestHeaders: redactor.headers(request.headers),
    requestPayload: redactor.text(request.body),
    responseStatus: response?.status ?? null,
    responseHeaders: response ? redactor.headers(response.headers) : null,
    responsePayload: response ? redactor.text(response.body) : null,
    error: outcome.ok
      ? null
      : { code: outcome.error.code, message: redactor.text(outcome.error.message) },
    durationMs,
  };
}

/**
 * Makes one attempt of a call the caller holds under `leaseToken`: renders the request from the
 * webhook's current settings, sends it, records the attempt and the call's next state, and emits
 * the events. Returns the updated call, or `null` if the lease was lost or the call is gone.
 */
export async function deliverCall(
  context: DeliveryContext,
  call: WebhookCall,
  leaseToken: string,
  trigger: AttemptTrigger,
): Promise<WebhookCall | null> {
  const webhook =
    context.webhooks.freshWebhook(call.webhookId) ?? (await context.webhooks.get(call.webhookId));
  if (!webhook) {
    return settleUnsent(context, call, leaseToken, {
      code: 'WEBHOOK_DELETED',
      message: 'the webhook no longer exists',
    });
  }
  if (!webhook.enabled && trigger !== 'resend') {
    return settleUnsent(context, call, leaseToken, {
      code: 'WEBHOOK_DISABLED',
      message: 'the webhook is disabled',
    });
  }
  // A retry planned before autoRetry was switched off is dropped, like the retries after it.
  if (!webhook.autoRetry && trigger === 'auto_retry') {
    return settleUnsent(context, call, leaseToken, {
      code: 'AUTO_RETRY_DISABLED',
      message: 'auto-retry was switched off for the webhook before this retry was due',
    });
  }

  const startedAt = new Date();
  const request = buildRequest(webhook, call, {
    attemptedAutoRetriesCount: autoRetriesAfter(call, trigger),
    now: startedAt,
    userAgent: context.userAgent,
  });
  let response: TransportResponse | null = null;
  let outcome: Outcome;
  try {
    response = await context.transport.send(request);
    outcome = responseOutcome(response, new Date());
  } catch (error) {
    outcome = errorOutcome(error);
  }
  const finishedAt = new Date();
  const exchange = exchangeOf(
    webhook,
    request,
    response,
    outcome,
    finishedAt.getTime() - startedAt.getTime(),
  );

  // Own fields first, the spread last: V8 (Node 20) builds `{ ...object, more }` about a hundred
  // times slower, a fresh hidden class each time.
  const attempt: Attempt = { id: newId(), callId: call.id, trigger, startedAt, ...exchange };
  const update = nextCallState({
    call,
    trigger,
    outcome,
    exchange,
    startedAt,
    finishedAt,
    autoRetry: webhook.autoRetry,
    retry: context.retry,
  });
  const updated = await recordOutcome(context.repository, {
    callId: call.id,
    leaseToken,
    attempt,
    update,
  });
  if (updated) {
    context.events.emit('call:attempt', { call: updated, attempt });
    if (updated.status === 'success') context.events.emit('call:succeeded', { call: updated });
    else if (updated.status === 'rescheduled')
      context.events.emit('call:rescheduled', { call: updated });
    else if (updated.status === 'failed') context.events.emit('call:failed', { call: updated });
  }
  try {
    await context.recordWebhookOutcome(webhook, {
      ok: outcome.ok,
      startedAt,
      finishedAt,
      goneReason: !outcome.ok && outcome.disablesWebhook ? outcome.error.message : null,
    });
  } catch (error) {
    // The attempt is recorded; bookkeeping on the webhook is retried by the next attempt.
    context.events.emit('error', { error });
  }
  return updated;
}
