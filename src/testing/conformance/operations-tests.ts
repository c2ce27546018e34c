import { describe, expect, it } from 'vitest';
import type { Repository, RepositoryChange } from '../../repository/repository.js';
import type { ConformanceContext } from './conformance-context.js';
import { at, callId, claimAll, deliverOnce, makeCall, makeWebhook } from './fixtures.js';

/** Resolves with the first change of `kind` the repository reports. */
function nextChange(repository: Repository, kind: RepositoryChange['kind']): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = repository.subscribe?.((change) => {
      if (change.kind !== kind) return;
      unsubscribe?.();
      resolve();
    });
  });
}

export function describeOperations(context: ConformanceContext): void {
  describe('pruneCalls', () => {
    it('deletes settled calls created before the cut-off, with their attempts', async () => {
      const repository = context.repository;
      await repository.insertWebhook(makeWebhook('wa'));
      const old = makeCall('old-success', 'wa', { createdAt: at(0), status: 'pending' });
      await repository.insertCalls([
        old,
        makeCall('old-failed', 'wa', { createdAt: at(10), status: 'failed' }),
        makeCall('old-pending', 'wa', { createdAt: at(20) }),
        makeCall('old-rescheduled', 'wa', {
          createdAt: at(30),
          status: 'rescheduled',
          nextRetryAt: at(99_999),
        }),
        makeCall('edge-success', 'wa', { createdAt: at(1_000), status: 'success' }),
        makeCall('new-failed', 'wa', { createdAt: at(2_000), status: 'failed' }),
        makeCall('resending', 'wa', { createdAt: at(40), status: 'success' }),
      ]);
      await deliverOnce(repository, old, at(50));
      // A resend under way holds its call; the lease ends far in the future.
      await repository.claimCall('resending', {
        now: new Date(),
        leaseToken: 'resend',
        leaseMs: 3_600_000,
      });
      expect(await repository.pruneCalls({ olderThan: at(1_000) })).toBe(2);
      expect(await repository.getCall('old-success')).toBeNull();
      expect(await repository.getCall('old-failed')).toBeNull();
      expect(await repository.listAttempts('old-success')).toEqual([]);
      const left = await repository.listCalls({
        orderBy: 'createdAt',
        direction: 'asc',
        limit: 30,
        offset: 0,
      });
      expect(left.calls.map((call) => call.id)).toEqual([
        'old-pending',
        'old-rescheduled',
        'resending',
        'edge-success',
        'new-failed',
      ]);
      expect(await repository.pruneCalls({ olderThan: at(1_000) })).toBe(0);
    });
  });

  describe('concurrent claimers', () => {
    it('never hand the same call to two claimers', async () => {
      const webhookCount = 5;
      const callCount = 200;
      const [first] = await context.siblings(1);
      if (!first) throw new Error('no repository');
      for (let w = 0; w < webhookCount; w += 1) {
        await first.insertWebhook(makeWebhook(`w${w}`, { createdAt: at(w) }));
      }
      await first.insertCalls(
        Array.from({ length: callCount }, (_, n) =>
          makeCall(callId(n), `w${n % webhookCount}`, { createdAt: at(n) }),
        ),
      );
      const claimers = await context.siblings(6);
      const seen = new Map<string, string>();
      let round = 0;
      while (seen.size < callCount && round < 50) {
        round += 1;
        const batches = await Promise.all(
          claimers.flatMap((claimer, index) =>
            [0, 1].map((lane) =>
              claimer
                .claimDueCalls({
                  ...claimAll(at(10_000), `lease-${round}-${index}-${lane}`, 7),
                  perWebhookLimit: 1_000,
                })
                .then((calls) => calls.map((call) => [call.id, `${index}-${lane}`] as const)),
            ),
          ),
        );
        for (const [id, claimer] of batches.flat()) {
          expect(seen.has(id), `${id} claimed by ${seen.get(id)} and ${claimer}`).toBe(false);
          seen.set(id, claimer);
        }
      }
      expect(seen.size).toBe(callCount);
      expect(await first.claimDueCalls(claimAll(at(10_000), 'late'))).toEqual([]);
    });

    it('let exactly one of several claimCall racers win a call', async () => {
      const [first] = await context.siblings(1);
      if (!first) throw new Error('no repository');
      await first.insertWebhook(makeWebhook('wa'));
      await first.insertCalls([makeCall('c1', 'wa', { status: 'success' })]);
      const racers = await context.siblings(4);
      const results = await Promise.all(
        racers.flatMap((racer, index) =>
          [0, 1, 2].map((lane) =>
            racer.claimCall('c1', { now: at(0), leaseToken: `${index}-${lane}`, leaseMs: 60_000 }),
          ),
        ),
      );
      expect(results.filter((result) => result !== null)).toHaveLength(1);
    });
  });

  describe('subscribe', () => {
    it('reports new calls and webhook changes, also from another instance', async (test) => {
      const repository = context.repository;
      if (!repository.subscribe) {
        test.skip('the repository does not implement the optional subscribe()');
        return;
      }
      const [other] = context.sharedStorage
        ? await context.siblings(2).then((r) => r.slice(1))
        : [repository];
      if (!other) throw new Error('no repository');
      const webhookChanged = nextChange(repository, 'webhooks');
      await other.insertWebhook(makeWebhook('wa'));
      await webhookChanged;
      const callsAdded = nextChange(repository, 'calls');
      await other.insertCalls([makeCall('c1', 'wa')]);
      await callsAdded;
      const webhookDeleted = nextChange(repository, 'webhooks');
      await other.deleteWebhook('wa');
      await webhookDeleted;
    });
  });
}
