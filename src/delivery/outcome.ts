import { HooklineTransportError } from '../errors.js';
import type { TransportResponse } from '../transport/transport.js';
import type { CallError } from '../types.js';
import { parseRetryAfter } from './retry-schedule.js';

/**
 * Which failures are worth retrying, as data. Every failure is retried (as DatoCMS does) except these:
 * the receiver or our own guard said a retry cannot succeed.
 */
export const nonRetryableErrorCodes: ReadonlySet<string> = new Set(['GONE', 'BLOCKED_ADDRESS']);

/** Statuses whose `Retry-After` header is honoured. */
export const retryAfterStatuses: ReadonlySet<number> = new Set([429, 503]);

/** How an attempt ended, and what that means for the call and its webhook. */
export type Outcome =
  | { ok: true }
  | {
      ok: false;
      error: CallError;
      retryable: boolean;
      retryAfterMs: number | null;
      /** The receiver answered 410 Gone: the webhook is disabled (Standard Webhooks). */
      disablesWebhook: boolean;
    };

function failure(error: CallError, retryAfterMs: number | null = null): Outcome {
  return {
    ok: false,
    error,
    retryable: !nonRetryableErrorCodes.has(error.code),
    retryAfterMs,
    disablesWebhook: error.code === 'GONE',
  };
}

/** Success is a 2xx; a 3xx is a failure because redirects are never followed. */
export function responseOutcome(response: TransportResponse, now: Date): Outcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true };
  if (status >= 300 && status < 400) {
    return failure({
      code: 'REDIRECT_NOT_FOLLOWED',
      message: `the receiver answered ${status} and redirects are not followed`,
    });
  }
  if (status === 410) {
    return failure({
      code: 'GONE',
      message: 'the receiver answered 410 Gone; the webhook is disabled',
    });
  }
  const retryAfterMs = retryAfterStatuses.has(status)
    ? parseRetryAfter(response.headers['retry-after'], now)
    : null;
  return failure({ code: 'HTTP_ERROR', message: `the receiver answered ${status}` }, retryAfterMs);
}

export function errorOutcome(error: unknown): Outcome {
  if (error instanceof HooklineTransportError) {
    return failure({ code: error.code, message: error.message });
  }
  const message = error instanceof Error ? error.message : String(error);
  return failure({ code: 'NETWORK_ERROR', message });
}
