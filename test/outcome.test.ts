import { describe, expect, it } from 'vitest';
import {
  errorOutcome,
  nonRetryableErrorCodes,
  responseOutcome,
  retryAfterStatuses,
} from '../src/delivery/outcome.js';
import { HooklineTransportError } from '../src/errors.js';
import type { TransportResponse } from '../src/transport/transport.js';

const now = new Date('2026-12-04T10:00:00.000Z');
const response = (status: number, headers: Record<string, string> = {}): TransportResponse => ({
  status,
  headers,
  body: '',
  bodyTruncated: false,
});

describe('responseOutcome', () => {
  it('counts every 2xx as success and nothing else', () => {
    for (const status of [200, 201, 202, 204, 299]) {
      expect(responseOutcome(response(status), now)).toEqual({ ok: true });
    }
    for (const status of [100, 199, 300, 301, 304, 400, 401, 404, 429, 500, 503]) {
      expect(responseOutcome(response(status), now).ok).toBe(false);
    }
  });

  it.each([
    [301, 'REDIRECT_NOT_FOLLOWED', true, false],
    [308, 'REDIRECT_NOT_FOLLOWED', true, false],
    [400, 'HTTP_ERROR', true, false],
    [404, 'HTTP_ERROR', true, false],
    [429, 'HTTP_ERROR', true, false],
    [500, 'HTTP_ERROR', true, false],
    [503, 'HTTP_ERROR', true, false],
    [410, 'GONE', false, true],
  ])('%i -> %s, retryable %s, disables the webhook %s', (status, code, retryable, disables) => {
    const outcome = responseOutcome(response(status), now);
    expect(outcome).toMatchObject({ ok: false, error: { code }, retryable });
    expect(!outcome.ok && outcome.disablesWebhook).toBe(disables);
  });

  it('reads Retry-After only on 429 and 503', () => {
    expect([...retryAfterStatuses].sort()).toEqual([429, 503]);
    const retryAfter = (status: number) => {
      const outcome = responseOutcome(response(status, { 'retry-after': '7' }), now);
      return outcome.ok ? undefined : outcome.retryAfterMs;
    };
    expect(retryAfter(429)).toBe(7_000);
    expect(retryAfter(503)).toBe(7_000);
    expect(retryAfter(500)).toBeNull();
  });
});

describe('errorOutcome', () => {
  it('keeps a transport error code and retries all but the non-retryable ones', () => {
    expect([...nonRetryableErrorCodes].sort()).toEqual(['BLOCKED_ADDRESS', 'GONE']);
    const refused = errorOutcome(new HooklineTransportError('CONNECTION_REFUSED', 'refused'));
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'CONNECTION_REFUSED' },
      retryable: true,
    });
    const blocked = errorOutcome(new HooklineTransportError('BLOCKED_ADDRESS', 'blocked'));
    expect(blocked).toMatchObject({ ok: false, retryable: false, disablesWebhook: false });
  });

  it('records anything else a transport throws as NETWORK_ERROR', () => {
    expect(errorOutcome(new Error('boom'))).toMatchObject({
      ok: false,
      error: { code: 'NETWORK_ERROR', message: 'boom' },
      retryable: true,
    });
  });
});
