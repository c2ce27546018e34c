import { beforeEach, describe, expect, it } from 'vitest';
import type { Repository } from '../../repository/repository.js';
import type { CallQuery } from '../../schemas/call-query.js';
import type { WebhookCall } from '../../types.js';
import type { ConformanceContext } from './conformance-context.js';
import { at, claimAll, failedExchange, idsOf, makeCall, makeWebhook } from './fixtures.js';

const query = (overrides: Partial<CallQuery> = {}): CallQuery => ({
  orderBy: 'createdAt',
  direction: 'desc',
  limit: 30,
  offset: 0,
  ...overrides,
});

/**
 * Six calls whose fields make every filter and order distinguishable:
 * c1..c6 across two webhooks, some with null lastSentAt/nextRetryAt, and createdAt ties (c3, c4).
 */
function logCalls(): WebhookCall[] {
  return [
    makeCall('c1', 'wa', { createdAt: at(1_000) }),
    makeCall('c2', 'wb', {
      createdAt: at(2_000),
      status: 'success',
      lastSentAt: at(2_500),
      eventType: 'unpublish',
      attemptsCount: 1,
    }),
    makeCall('c4', 'wa', {
      createdAt: at(3_000),
      status: 'rescheduled',
      lastSentAt: at(3_100),
      nextRetryAt: at(9_000),
      attemptsCount: 1,
      ...failedExchange,
    }),
    makeCall('c3', 'wb', {
      createdAt: at(3_000),
      status: 'failed',
      lastSentAt: at(3_200),
      entityType: 'upload',
      eventType: 'create',
      attemptsCount: 8,
      attemptedAutoRetriesCount: 7,
    }),
    makeCall('c5', 'wa', {
      createdAt: at(4_000),
      status: 'rescheduled',
      lastSentAt: at(4_100),
      nextRetryAt: at(5_000),
      attemptsCount: 2,
      attemptedAutoRetriesCount: 1,
    }),
    makeCall('c6', 'wb', { createdAt: at(5_000), status: 'success', lastSentAt: at(5_001) }),
  ];
}

async function seedLog(repository: Repository): Promise<void> {
  await repository.insertWebhook(makeWebhook('wa'));
  await repository.insertWebhook(makeWebhook('wb', { createdAt: at(1) }));
  await repository.insertCalls(logCalls());
}

export function describeCalls(context: ConformanceContext): void {
  describe('calls', () => {
    beforeEach(async () => {
      await context.repository.insertWebhook(makeWebhook('w1', { createdAt: at(-10) }));
    });

    it('stores calls and returns them field for field, dates and JSON included', async () => {
      const plain = makeCall('c1', 'w1');
      const full = makeCall('c2', 'w1', {
        status: 'rescheduled',
        lastSentAt: at(1_000),
        nextRetryAt: at(121_000),
        attemptedAutoRetriesCount: 1,
        attemptsCount: 2,
        ...failedExchange,
      });
      await context.repository.insertCalls([plain, full]);
      const storedPlain = await context.repository.getCall('c1');
      const storedFull = await context.repository.getCall('c2');
      expect(storedPlain).toEqual(plain);
      expect(storedFull).toEqual(full);
      expect(storedFull?.event.triggeredAt).toBeInstanceOf(Date);
      expect(storedFull?.nextRetryAt?.getTime()).toBe(at(121_000).getTime());
      expect(JSON.stringify(storedFull?.event)).toBe(JSON.stringify(full.event));
      expect(JSON.stringify(storedFull?.responseHeaders)).toBe(
        JSON.stringify(full.responseHeaders),
      );
    });

    it('returns null for an unknown call', async () => {
      expect(await context.repository.getCall('missing')).toBeNull();
    });

    it('keeps copies of calls', async () => {
      const call = makeCall('c1', 'w1');
      await context.repository.insertCalls([call]);
      call.status = 'failed';
      call.event.entity.id = 'changed';
      const first = await context.repository.getCall('c1');
      if (!first) throw new Error('call missing');
      first.event.relatedEntities.length = 0;
      first.createdAt.setTime(0);
      expect(await context.repository.getCall('c1')).toEqual(makeCall('c1', 'w1'));
    });

    it('inserts a batch atomically: one bad call stores none of it', async () => {
      await context.repository.insertCalls([makeCall('c1', 'w1')]);
      await expect(
        context.repository.insertCalls([makeCall('c2', 'w1'), makeCall('c1', 'w1')]),
      ).rejects.toThrow();
      expect(await context.repository.getCall('c2')).toBeNull();
      expect((await context.repository.listCalls(query())).total).toBe(1);
    });

    it('skips, without an error, a call whose webhook does not exist, and stores the others', async () => {
      const repository = context.repository;
      // A webhook deleted after dispatch matched it, and one that never existed.
      await repository.insertWebhook(makeWebhook('w2', { createdAt: at(-5) }));
      expect(await repository.deleteWebhook('w2')).toBe(true);
      await repository.insertCalls([
        makeCall('c1', 'w1'),
        makeCall('c2', 'w2'),
        makeCall('c3', 'never'),
        makeCall('c4', 'w1'),
      ]);
      expect(await repository.getCall('c2')).toBeNull();
      expect(await repository.getCall('c3')).toBeNull();
      expect(await repository.getCall('c4')).toEqual(makeCall('c4', 'w1'));
      expect(idsOf((await repository.listCalls(query({ direction: 'asc' }))).calls)).toEqual([
        'c1',
        'c4',
      ]);
      const claimed = await repository.claimDueCalls(claimAll(at(60_000), 'lease'));
      expect(idsOf(claimed).sort()).toEqual(['c1', 'c4']);
      // A batch of skipped calls only is no error either.
      await repository.insertCalls([makeCall('c5', 'w2')]);
      expect((await repository.listCalls(query())).total).toBe(2);
    });
  });

  describe('listCalls', () => {
    beforeEach(async () => {
      await seedLog(context.repository);
    });

    const list = async (overrides: Partial<CallQuery>) =>
      idsOf((await context.repository.listCalls(query(overrides))).calls);

    it('lists newest first by default with the total', async () => {
      const result = await context.repository.listCalls(query());
      expect(idsOf(result.calls)).toEqual(['c6', 'c5', 'c3', 'c4', 'c2', 'c1']);
      expect(result.total).toBe(6);
      expect(result.calls[2]).toEqual(logCalls()[3]);
    });

    it('filters by ids, webhook, entity type and event type', async () => {
      expect(await list({ ids: ['c2', 'c5', 'missing'] })).toEqual(['c5', 'c2']);
      expect(await list({ ids: [] })).toEqual([]);
      expect(await list({ webhookId: 'wa' })).toEqual(['c5', 'c4', 'c1']);
      expect(await list({ entityType: 'upload' })).toEqual(['c3']);
      expect(await list({ eventType: 'unpublish' })).toEqual(['c2']);
      expect(await list({ webhookId: 'wb', eventType: 'publish' })).toEqual(['c6']);
    });

    it('filters by one status or several', async () => {
      expect(await list({ status: 'rescheduled' })).toEqual(['c5', 'c4']);
      expect(await list({ status: ['pending', 'failed'] })).toEqual(['c3', 'c1']);
      expect(await list({ status: [] })).toEqual([]);
    });

    it('filters by createdAt ranges, bounds exclusive or inclusive', async () => {
      expect(await list({ createdAt: { gt: at(3_000) } })).toEqual(['c6', 'c5']);
      expect(await list({ createdAt: { gte: at(3_000) } })).toEqual(['c6', 'c5', 'c3', 'c4']);
      expect(await list({ createdAt: { lt: at(3_000) } })).toEqual(['c2', 'c1']);
      expect(await list({ createdAt: { lte: at(3_000) } })).toEqual(['c3', 'c4', 'c2', 'c1']);
      expect(await list({ createdAt: { gt: at(1_000), lt: at(4_000) } })).toEqual([
        'c3',
        'c4',
        'c2',
      ]);
      expect(await list({ createdAt: { gte: at(3_001), lte: at(3_999) } })).toEqual([]);
    });

    it('filters by lastSentAt and nextRetryAt ranges, leaving out calls without one', async () => {
      expect(await list({ lastSentAt: { gte: at(0) } })).toEqual(['c6', 'c5', 'c3', 'c4', 'c2']);
      expect(await list({ lastSentAt: { gt: at(3_100), lte: at(4_100) } })).toEqual(['c5', 'c3']);
      expect(await list({ nextRetryAt: { lt: at(9_000) } })).toEqual(['c5']);
      expect(await list({ nextRetryAt: { gte: at(5_000) } })).toEqual(['c5', 'c4']);
      expect(
        await list({ status: 'rescheduled', nextRetryAt: { gt: at(5_000) }, webhookId: 'wa' }),
      ).toEqual(['c4']);
    });

    it('orders by createdAt both ways, ties by id ascending', async () => {
      expect(await list({ direction: 'asc' })).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
      expect(await list({ direction: 'desc' })).toEqual(['c6', 'c5', 'c3', 'c4', 'c2', 'c1']);
    });

    it('orders by lastSentAt and nextRetryAt with nulls last in both directions', async () => {
      expect(await list({ orderBy: 'lastSentAt', direction: 'asc' })).toEqual([
        'c2',
        'c4',
        'c3',
        'c5',
        'c6',
        'c1',
      ]);
      expect(await list({ orderBy: 'lastSentAt', direction: 'desc' })).toEqual([
        'c6',
        'c5',
        'c3',
        'c4',
        'c2',
        'c1',
      ]);
      expect(await list({ orderBy: 'nextRetryAt', direction: 'asc' })).toEqual([
        'c5',
        'c4',
        'c1',
        'c2',
        'c3',
        'c6',
      ]);
      expect(await list({ orderBy: 'nextRetryAt', direction: 'desc' })).toEqual([
        'c4',
        'c5',
        'c1',
        'c2',
        'c3',
        'c6',
      ]);
    });

    it('orders by webhookId both ways, ties by id ascending', async () => {
      expect(await list({ orderBy: 'webhookId', direction: 'asc' })).toEqual([
        'c1',
        'c4',
        'c5',
        'c2',
        'c3',
        'c6',
      ]);
      expect(await list({ orderBy: 'webhookId', direction: 'desc' })).toEqual([
        'c2',
        'c3',
        'c6',
        'c1',
        'c4',
        'c5',
      ]);
    });

    it('pages with limit and offset; the total ignores paging', async () => {
      const first = await context.repository.listCalls(query({ limit: 2 }));
      const second = await context.repository.listCalls(query({ limit: 2, offset: 2 }));
      const last = await context.repository.listCalls(query({ limit: 4, offset: 4 }));
      expect([idsOf(first.calls), idsOf(second.calls), idsOf(last.calls)]).toEqual([
        ['c6', 'c5'],
        ['c3', 'c4'],
        ['c2', 'c1'],
      ]);
      expect([first.total, second.total, last.total]).toEqual([6, 6, 6]);
      const past = await context.repository.listCalls(query({ offset: 10, webhookId: 'wa' }));
      expect(past).toEqual({ calls: [], total: 3 });
      const filtered = await context.repository.listCalls(
        query({ status: 'success', limit: 1, direction: 'asc' }),
      );
      expect(filtered).toEqual({ calls: [logCalls()[1]], total: 2 });
    });
  });
}
