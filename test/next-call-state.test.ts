import { describe, expect, it } from 'vitest';
import { nextCallState } from '../src/delivery/next-call-state.js';
import type { Outcome } from '../src/delivery/outcome.js';
import { buildCall } from '../src/testing/builders.js';
import type { AttemptTrigger, CallStatus, Exchange, WebhookCall } from '../src/types.js';

const startedAt = new Date('2026-12-04T10:00:00.000Z');
const finishedAt = new Date('2026-12-04T10:00:01.000Z');
const retry = { schedule: [1_000, 5_000], jitter: 0 };
const exchange: Exchange = {
  requestUrl: 'https://example.com/hook',
  requestHeaders: {},
  requestPayload: '{}',
  responseStatus: 500,
  responseHeaders: {},
  responsePayload: '',
  error: null,
  durationMs: 1_000,
};

/** A call in `status` after its first delivery and `attemptedAutoRetriesCount` auto-retries. */
function call(status: CallStatus, attemptedAutoRetriesCount = 0): WebhookCall {
  return buildCall({
    status,
    createdAt: startedAt,
    nextRetryAt: status === 'rescheduled' ? new Date('2026-12-04T11:00:00.000Z') : null,
    attemptedAutoRetriesCount,
    attemptsCount: attemptedAutoRetriesCount + 1,
    ...exchange,
  });
}

const success: Outcome = { ok: true };
const failure = (retryable = true, retryAfterMs: number | null = null): Outcome => ({
  ok: false,
  error: { code: 'HTTP_ERROR', message: 'the receiver answered 500' },
  retryable,
  retryAfterMs,
  disablesWebhook: false,
});

function next(current: WebhookCall, trigger: AttemptTrigger, outcome: Outcome, autoRetry = true) {
  return nextCallState({
    call: current,
    trigger,
    outcome,
    exchange,
    startedAt,
    finishedAt,
    autoRetry,
    retry,
  });
}

describe('nextCallState', () => {
  it('settles on success, whatever the trigger, and drops a planned retry', () => {
    for (const trigger of ['dispatch', 'auto_retry', 'resend'] as const) {
      const state = next(call('rescheduled', 1), trigger, success);
      expect(state).toMatchObject({ status: 'success', nextRetryAt: null, lastSentAt: startedAt });
    }
  });

  it('reschedules a failed first delivery after the first delay, counted from its end', () => {
    const state = next(call('pending'), 'dispatch', failure());
    expect(state.status).toBe('rescheduled');
    expect(state.nextRetryAt?.getTime()).toBe(finishedAt.getTime() + 1_000);
    expect(state.attemptedAutoRetriesCount).toBe(0);
    expect(state.attemptsCount).toBe(2);
  });

  it('counts an auto-retry and uses the next delay, then fails when the schedule is used up', () => {
    const second = next(call('rescheduled', 0), 'auto_retry', failure());
    expect(second).toMatchObject({ status: 'rescheduled', attemptedAutoRetriesCount: 1 });
    expect(second.nextRetryAt?.getTime()).toBe(finishedAt.getTime() + 5_000);
    const last = next(call('rescheduled', 1), 'auto_retry', failure());
    expect(last).toMatchObject({
      status: 'failed',
      nextRetryAt: null,
      attemptedAutoRetriesCount: 2,
    });
  });

  it('honours Retry-After within the schedule', () => {
    const state = next(call('pending'), 'dispatch', failure(true, 3_000));
    expect(state.nextRetryAt?.getTime()).toBe(finishedAt.getTime() + 3_000);
  });

  it('fails at once when the failure is not retryable or the webhook has autoRetry off', () => {
    expect(next(call('pending'), 'dispatch', failure(false)).status).toBe('failed');
    expect(next(call('pending'), 'dispatch', failure(), false).status).toBe('failed');
  });

  it('a failed resend keeps a waiting call waiting and does not count as an auto-retry', () => {
    const waiting = call('rescheduled', 1);
    const state = next(waiting, 'resend', failure());
    expect(state).toMatchObject({
      status: 'rescheduled',
      nextRetryAt: waiting.nextRetryAt,
      attemptedAutoRetriesCount: 1,
      attemptsCount: waiting.attemptsCount + 1,
    });
  });

  it('a failed resend of a settled call marks it failed', () => {
    for (const status of ['success', 'failed'] as const) {
      expect(next(call(status), 'resend', failure())).toMatchObject({
        status: 'failed',
        nextRetryAt: null,
      });
    }
  });
});
