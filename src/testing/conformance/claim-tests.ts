import { beforeEach, describe, expect, it } from 'vitest';
import type { ConformanceContext } from './conformance-context.js';
import {
  at,
  claimAll,
  idsOf,
  makeAttempt,
  makeCall,
  makeWebhook,
  rescheduleUpdate,
  successUpdate,
} from './fixtures.js';

export function describeClaims(context: ConformanceContext): void {
  describe('claimDueCalls', () => {
    beforeEach(async () => {
      await context.repository.insertWebhook(makeWebhook('wa'));
      await context.repository.insertWebhook(makeWebhook('wb', { createdAt: at(1) }));
      await context.repository.insertWebhook(makeWebhook('wc', { createdAt: at(2) }));
    });

    it('leases waiting calls that are due, earliest due first, up to the limit', async () => {
      const repository = context.repository;
      await repository.insertCalls([
        makeCall('c1', 'wa', { createdAt: at(300) }),
        makeCall('c2', 'wb', { createdAt: at(100) }),
        // A retry is due at nextRetryAt, not when the call was created.
        makeCall('c3', 'wa', { createdAt: at(0), status: 'rescheduled', nextRetryAt: at(200) }),
        makeCall('c4', 'wb', { createdAt: at(0), status: 'rescheduled', nextRetryAt: at(5_000) }),
        makeCall('c5', 'wc', { createdAt: at(2_000) }),
        makeCall('c6', 'wa', { createdAt: at(50), status: 'success', lastSentAt: at(60) }),
        makeCall('c7', 'wc', { createdAt: at(40), status: 'failed', lastSentAt: at(60) }),
      ]);
      const claimed = await repository.claimDueCalls(claimAll(at(1_000), 'lease-1', 2));
      expect(idsOf(claimed)).toEqual(['c2', 'c3']);
      expect(claimed[1]).toEqual(
        makeCall('c3', 'wa', { createdAt: at(0), status: 'rescheduled', nextRetryAt: at(200) }),
      );
      const rest = await repository.claimDueCalls(claimAll(at(1_000), 'lease-2'));
      expect(idsOf(rest)).toEqual(['c1']);
      const later = await repository.claimDueCalls(claimAll(at(5_000), 'lease-3'));
      expect(idsOf(later)).toEqual(['c5', 'c4']);
      expect(await repository.claimDueCalls(claimAll(at(6_000), 'lease-4'))).toEqual([]);
    });

    it('claims a call due exactly now', async () => {
      await context.repository.insertCalls([makeCall('c1', 'wa', { createdAt: at(500) })]);
      expect(await context.repository.claimDueCalls(claimAll(at(499), 'early'))).toEqual([]);
      expect(idsOf(await context.repository.claimDueCalls(claimAll(at(500), 'now')))).toEqual([
        'c1',
      ]);
    });

    it('hands a leased call to no one else until the lease expires', async () => {
      const repository = context.repository;
      await repository.insertCalls([makeCall('c1', 'wa')]);
      const first = await repository.claimDueCalls({ ...claimAll(at(0), 'first'), leaseMs: 1_000 });
      expect(idsOf(first)).toEqual(['c1']);
      expect(await repository.claimDueCalls(claimAll(at(999), 'second'))).toEqual([]);
      expect(
        await repository.claimCall('c1', { now: at(999), leaseToken: 'x', leaseMs: 10 }),
      ).toBeNull();
      const again = await repository.claimDueCalls(claimAll(at(1_000), 'third'));
      expect(idsOf(again)).toEqual(['c1']);
      // The expired holder can no longer settle it; the new one can.
      const update = successUpdate(makeCall('c1', 'wa'), at(1_001));
      expect(
        await repository.completeAttempt({
          callId: 'c1',
          leaseToken: 'first',
          attempt: null,
          update,
        }),
      ).toBeNull();
      expect((await repository.getCall('c1'))?.status).toBe('pending');
      const settled = await repository.completeAttempt({
        callId: 'c1',
        leaseToken: 'third',
        attempt: null,
        update,
      });
      expect(settled?.status).toBe('success');
    });

    it('gives each webhook at most perWebhookLimit, counting calls already held', async () => {
      const repository = context.repository;
      const calls = [
        ...[0, 1, 2, 3, 4].map((n) => makeCall(`a${n}`, 'wa', { createdAt: at(n) })),
        ...[0, 1, 2].map((n) => makeCall(`b${n}`, 'wb', { createdAt: at(100 + n) })),
        makeCall('c0', 'wc', { createdAt: at(200) }),
      ];
      await repository.insertCalls(calls);
      const claimed = await repository.claimDueCalls({
        ...claimAll(at(1_000), 'lease'),
        perWebhookLimit: 2,
        heldByWebhook: new Map([
          ['wb', 1],
          ['wc', 2],
        ]),
      });
      expect(idsOf(claimed)).toEqual(['a0', 'a1', 'b0']);
      const next = await repository.claimDueCalls({
        ...claimAll(at(1_000), 'lease-2'),
        perWebhookLimit: 2,
        limit: 3,
      });
      expect(idsOf(next)).toEqual(['a2', 'a3', 'b1']);
    });

    it('does not let one webhook deep in backlog hide another webhook due later', async () => {
      const repository = context.repository;
      const backlog = Array.from({ length: 60 }, (_, n) =>
        makeCall(`a${String(n).padStart(3, '0')}`, 'wa', { createdAt: at(n) }),
      );
      await repository.insertCalls([...backlog, makeCall('b0', 'wb', { createdAt: at(500) })]);
      const claimed = await repository.claimDueCalls({
        ...claimAll(at(1_000), 'lease'),
        perWebhookLimit: 2,
        limit: 10,
        heldByWebhook: new Map([['wa', 1]]),
      });
      expect(idsOf(claimed)).toEqual(['a000', 'b0']);
    });

    it('returns nothing for a limit of zero', async () => {
      await context.repository.insertCalls([makeCall('c1', 'wa')]);
      expect(await context.repository.claimDueCalls(claimAll(at(0), 'lease', 0))).toEqual([]);
    });
  });

  describe('claimCall', () => {
    beforeEach(async () => {
      await context.repository.insertWebhook(makeWebhook('wa'));
    });

    it('leases a call whatever its status, unless an unexpired lease holds it', async () => {
      const repository = context.repository;
      const settled = makeCall('c1', 'wa', { status: 'success', lastSentAt: at(10) });
      await repository.insertCalls([settled, makeCall('c2', 'wa')]);
      const options = { now: at(100), leaseToken: 'resend', leaseMs: 1_000 };
      expect(await repository.claimCall('c1', options)).toEqual(settled);
      expect(await repository.claimCall('c1', { ...options, leaseToken: 'other' })).toBeNull();
      expect(await repository.claimCall('c1', { ...options, now: at(1_099) })).toBeNull();
      expect((await repository.claimCall('c1', { ...options, now: at(1_100) }))?.id).toBe('c1');
      // A pending call leased by claimCall is not handed out by claimDueCalls.
      expect((await repository.claimCall('c2', options))?.id).toBe('c2');
      expect(await repository.claimDueCalls(claimAll(at(200), 'worker'))).toEqual([]);
      expect(await repository.claimCall('missing', options)).toBeNull();
    });
  });

  describe('completeAttempt', () => {
    beforeEach(async () => {
      await context.repository.insertWebhook(makeWebhook('wa'));
    });

    it('records the attempt, applies the update and releases the lease', async () => {
      const repository = context.repository;
      const call = makeCall('c1', 'wa');
      await repository.insertCalls([call]);
      await repository.claimDueCalls(claimAll(at(10), 'lease'));
      const attempt = makeAttempt('a1', 'c1', { responseStatus: 200, error: null });
      const update = successUpdate(call, at(1_000));
      const updated = await repository.completeAttempt({
        callId: 'c1',
        leaseToken: 'lease',
        attempt,
        update,
      });
      const expected = { ...call, ...update };
      expect(updated).toEqual(expected);
      expect(await repository.getCall('c1')).toEqual(expected);
      expect(await repository.listAttempts('c1')).toEqual([attempt]);
      // Released: anyone may lease it again at once.
      expect(
        (await repository.claimCall('c1', { now: at(11), leaseToken: 'x', leaseMs: 5 }))?.id,
      ).toBe('c1');
    });

    it('records the attempt but changes nothing when the token does not hold the call', async () => {
      const repository = context.repository;
      const call = makeCall('c1', 'wa');
      await repository.insertCalls([call]);
      await repository.claimDueCalls(claimAll(at(10), 'lease'));
      const attempt = makeAttempt('a1', 'c1');
      const result = await repository.completeAttempt({
        callId: 'c1',
        leaseToken: 'stale',
        attempt,
        update: successUpdate(call, at(20)),
      });
      expect(result).toBeNull();
      expect(await repository.getCall('c1')).toEqual(call);
      expect(await repository.listAttempts('c1')).toEqual([attempt]);
      // The real holder still holds it.
      expect(
        await repository.claimCall('c1', { now: at(20), leaseToken: 'x', leaseMs: 5 }),
      ).toBeNull();
    });

    it('returns null for a call that does not exist', async () => {
      const result = await context.repository.completeAttempt({
        callId: 'missing',
        leaseToken: 'lease',
        attempt: makeAttempt('a1', 'missing'),
        update: successUpdate(makeCall('missing', 'wa'), at(0)),
      });
      expect(result).toBeNull();
      expect(await context.repository.listAttempts('missing')).toEqual([]);
    });

    it('settles without an attempt when there is none to record', async () => {
      const repository = context.repository;
      const call = makeCall('c1', 'wa');
      await repository.insertCalls([call]);
      await repository.claimDueCalls(claimAll(at(10), 'lease'));
      const update = {
        ...successUpdate(call, at(0)),
        status: 'failed' as const,
        lastSentAt: null,
        responseStatus: null,
        error: { code: 'WEBHOOK_DISABLED', message: 'the webhook is disabled' },
        attemptsCount: 0,
      };
      expect(
        await repository.completeAttempt({
          callId: 'c1',
          leaseToken: 'lease',
          attempt: null,
          update,
        }),
      ).toEqual({ ...call, ...update });
      expect(await repository.listAttempts('c1')).toEqual([]);
    });

    it('settles calls completed at the same moment, each by its own lease', async () => {
      const repository = context.repository;
      const calls = Array.from({ length: 12 }, (_, n) =>
        makeCall(`c${String(n).padStart(2, '0')}`, 'wa', { createdAt: at(n) }),
      );
      await repository.insertCalls(calls);
      const claimed = await repository.claimDueCalls(claimAll(at(100), 'lease'));
      expect(claimed).toHaveLength(12);
      const results = await Promise.all([
        ...calls.map((call, n) =>
          repository.completeAttempt({
            callId: call.id,
            // Every third presents a token that does not hold the call.
            leaseToken: n % 3 === 2 ? 'stale' : 'lease',
            attempt: n % 4 === 3 ? null : makeAttempt(`a${n}`, call.id),
            update:
              n % 2 === 0
                ? successUpdate(call, at(200 + n))
                : rescheduleUpdate(call, at(200 + n), at(90_000 + n)),
          }),
        ),
        repository.completeAttempt({
          callId: 'missing',
          leaseToken: 'lease',
          attempt: makeAttempt('a-missing', 'missing'),
          update: successUpdate(makeCall('missing', 'wa'), at(0)),
        }),
      ]);
      expect(results.map((result) => result?.status ?? null)).toEqual([
        'success',
        'rescheduled',
        null,
        'rescheduled',
        'success',
        null,
        'success',
        'rescheduled',
        null,
        'rescheduled',
        'success',
        null,
        null,
      ]);
      for (const [n, call] of calls.entries()) {
        const stored = await repository.getCall(call.id);
        expect(stored?.status).toBe(results[n]?.status ?? 'pending');
        expect((await repository.listAttempts(call.id)).map((attempt) => attempt.id)).toEqual(
          n % 4 === 3 ? [] : [`a${n}`],
        );
      }
      expect(results[1]).toEqual({
        ...calls[1],
        ...rescheduleUpdate(calls[1] ?? makeCall('x', 'wa'), at(201), at(90_001)),
      });
    });

    it('makes a rescheduled call due again at its retry time', async () => {
      const repository = context.repository;
      const call = makeCall('c1', 'wa');
      await repository.insertCalls([call]);
      await repository.claimDueCalls(claimAll(at(10), 'lease'));
      const update = rescheduleUpdate(call, at(20), at(120_000));
      await repository.completeAttempt({
        callId: 'c1',
        leaseToken: 'lease',
        attempt: makeAttempt('a1', 'c1'),
        update,
      });
      expect(await repository.claimDueCalls(claimAll(at(119_999), 'early'))).toEqual([]);
      const retried = await repository.claimDueCalls(claimAll(at(120_000), 'retry'));
      expect(retried).toEqual([{ ...call, ...update }]);
    });
  });

  describe('listAttempts', () => {
    it("lists a call's attempts oldest first, as copies", async () => {
      const repository = context.repository;
      await repository.insertWebhook(makeWebhook('wa'));
      const call = makeCall('c1', 'wa');
      await repository.insertCalls([call, makeCall('c2', 'wa')]);
      const attempts = [
        makeAttempt('z-first', 'c1', { startedAt: at(100) }),
        makeAttempt('a-second', 'c1', { startedAt: at(200), trigger: 'auto_retry' }),
        makeAttempt('m-third', 'c1', {
          startedAt: at(300),
          trigger: 'resend',
          error: null,
          responseHeaders: null,
        }),
      ];
      for (const [index, attempt] of attempts.entries()) {
        const token = `lease-${index}`;
        await repository.claimCall('c1', { now: at(index * 100), leaseToken: token, leaseMs: 50 });
        await repository.completeAttempt({
          callId: 'c1',
          leaseToken: token,
          attempt,
          update: rescheduleUpdate(call, attempt.startedAt, at(10_000)),
        });
      }
      const listed = await repository.listAttempts('c1');
      expect(listed).toEqual(attempts);
      expect(listed[0]?.startedAt).toBeInstanceOf(Date);
      const headers = listed[0]?.requestHeaders;
      if (headers) headers['x-changed'] = 'yes';
      expect(await repository.listAttempts('c1')).toEqual(attempts);
      expect(await repository.listAttempts('c2')).toEqual([]);
      expect(await repository.listAttempts('missing')).toEqual([]);
    });
  });

  describe('nextDueAt', () => {
    beforeEach(async () => {
      await context.repository.insertWebhook(makeWebhook('wa'));
      await context.repository.insertWebhook(makeWebhook('wb', { createdAt: at(1) }));
    });

    it('is null when no call is waiting', async () => {
      expect(await context.repository.nextDueAt()).toBeNull();
      await context.repository.insertCalls([
        makeCall('c1', 'wa', { status: 'success' }),
        makeCall('c2', 'wa', { status: 'failed' }),
      ]);
      expect(await context.repository.nextDueAt()).toBeNull();
    });

    it('is the earliest due time of the waiting calls', async () => {
      await context.repository.insertCalls([
        makeCall('c1', 'wa', { createdAt: at(5_000) }),
        makeCall('c2', 'wb', { createdAt: at(0), status: 'rescheduled', nextRetryAt: at(3_000) }),
        makeCall('c3', 'wa', { createdAt: at(0), status: 'success' }),
      ]);
      expect(await context.repository.nextDueAt()).toEqual(at(3_000));
    });

    it('waits for a lease to expire: a leased call is claimable at max(due, lease expiry)', async () => {
      const repository = context.repository;
      await repository.insertCalls([
        makeCall('c1', 'wa', { createdAt: at(0) }),
        makeCall('c2', 'wb', { createdAt: at(9_000) }),
      ]);
      await repository.claimDueCalls({ ...claimAll(at(100), 'lease'), leaseMs: 2_000 });
      expect(await repository.nextDueAt()).toEqual(at(2_100));
      // A resend's lease on a call due later than the lease ends: the due time counts.
      await repository.claimCall('c2', { now: at(200), leaseToken: 'resend', leaseMs: 100 });
      expect(await repository.nextDueAt()).toEqual(at(2_100));
      await repository.completeAttempt({
        callId: 'c1',
        leaseToken: 'lease',
        attempt: null,
        update: successUpdate(makeCall('c1', 'wa'), at(150)),
      });
      expect(await repository.nextDueAt()).toEqual(at(9_000));
    });
  });
}
