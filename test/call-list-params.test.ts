import { describe, expect, it } from 'vitest';
import { callQueryParameterPath } from '../src/http/attribute-path.js';
import { readCallListParams } from '../src/http/call-list-params.js';

const read = (query: string) => readCallListParams(new URLSearchParams(query));

describe('readCallListParams', () => {
  it('reads DatoCMS’s paging, filters and ordering into a listCalls query', () => {
    const { query, issues } = read(
      'page[offset]=30&page[limit]=10&filter[ids]=a, b,&filter[fields][webhook_id][eq]=w1' +
        '&filter[fields][entity_type][eq]=item&filter[fields][event_type][eq]=publish' +
        '&filter[fields][status][eq]=failed&filter[fields][created_at][gt]=2026-01-01T00:00:00Z' +
        '&filter[fields][created_at][lt]=2026-02-01T00:00:00Z&filter[fields][next_retry_at][gt]=2026-03-01' +
        '&order_by=last_sent_at_asc&cache=1',
    );
    expect(issues).toEqual([]);
    expect(query).toEqual({
      offset: 30,
      limit: 10,
      ids: ['a', 'b'],
      webhookId: 'w1',
      entityType: 'item',
      eventType: 'publish',
      status: 'failed',
      createdAt: { gt: new Date('2026-01-01T00:00:00Z'), lt: new Date('2026-02-01T00:00:00Z') },
      nextRetryAt: { gt: new Date('2026-03-01') },
      orderBy: 'lastSentAt',
      direction: 'asc',
    });
  });

  it('names each parameter it cannot read', () => {
    expect(
      read(
        'page[limit]=ten&page[size]=3&filter[fields][status][in]=failed&filter[fields][last_sent_at][gt]=soon&order_by=id_desc',
      ).issues.map((issue) => issue.field),
    ).toEqual([
      'page[limit]',
      'page[size]',
      'filter[fields][status][in]',
      'filter[fields][last_sent_at][gt]',
      'order_by',
    ]);
  });
});

describe('callQueryParameterPath', () => {
  it('maps manager query paths back to the parameters that set them', () => {
    expect(callQueryParameterPath('limit')).toBe('page[limit]');
    expect(callQueryParameterPath('status')).toBe('filter[fields][status][eq]');
    expect(callQueryParameterPath('status[1]')).toBe('filter[fields][status][eq]');
    expect(callQueryParameterPath('createdAt.gt')).toBe('filter[fields][created_at][gt]');
  });
});
