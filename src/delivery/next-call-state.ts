import type { CallUpdate } from '../repository/repository.js';
import type { AttemptTrigger, Exchange, WebhookCall } from '../types.js';
import type { Outcome } from './outcome.js';
import { nextRetryDelay } from './retry-schedule.js';

export interface RetryPolicy {
  schedule: readonly number[];
  jitter: number;
}

export interface NextCallStateInput {
  call: WebhookCall;
  trigger: AttemptTrigger;
  outcome: Outcome;
  exchange: Exchange;
  startedAt: Date;
  finishedAt: Date;
  /** The webhook's `autoRetry` at the time of the attempt. */
  autoRetry: boolean;
  retry: RetryPolicy;
}

/** Auto-retries made once this attempt is counted. */
export function autoRetriesAfter(call: WebhookCall, trigger: AttemptTrigger): number {
  return call.attemptedAutoRetriesCount + (trigger === 'auto_retry' ? 1 : 0);
}

/**
 * What a call becomes after an attempt (DatoCMS's rules):
 * - a success settles it, and stops any auto-retry still planned;
 * - a failed first delivery or auto-retry is rescheduled while the schedule lasts (and the failure is
 *   retryable and the webhook has `autoRetry`), otherwise it fails;
 * - a failed resend changes no plan: it does not count as an auto-retry, a call still waiting keeps
 *   waiting, and a settled call is marked failed.
 */
export function nextCallState(input: NextCallStateInput): CallUpdate {
  const attemptedAutoRetriesCount = autoRetriesAfter(input.call, input.trigger);
  const { status, nextRetryAt } = nextPlan(input, attemptedAutoRetriesCount);
  // The spread goes last: V8 (Node 20) builds `{ ...object, more }` far slower (see deliver-call.ts).
  return {
    status,
    nextRetryAt,
    lastSentAt: input.startedAt,
    attemptedAutoRetriesCount,
    attemptsCount: input.call.attemptsCount + 1,
    ...input.exchange,
  };
}

function nextPlan(
  input: NextCallStateInput,
  attemptedAutoRetriesCount: number,
): Pick<CallUpdate, 'status' | 'nextRetryAt'> {
  const { call, trigger, outcome } = input;
  if (outcome.ok) return { status: 'success', nextRetryAt: null };
  if (trigger === 'resend') {
    const waiting = call.status === 'pending' || call.status === 'rescheduled';
    return waiting
      ? { status: call.status, nextRetryAt: call.nextRetryAt }
      : { status: 'failed', nextRetryAt: null };
  }
  const delay =
    outcome.retryable && input.autoRetry
      ? nextRetryDelay({
          schedule: input.retry.schedule,
          retriesDone: attemptedAutoRetriesCount,
          retryAfterMs: outcome.retryAfterMs,
          jitter: input.retry.jitter,
        })
      : null;
  if (delay === null) return { status: 'failed', nextRetryAt: null };
  return { status: 'rescheduled', nextRetryAt: new Date(input.finishedAt.getTime() + delay) };
}
