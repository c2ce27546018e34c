import type { CallOrderField, CallQuery, DateRange } from '../../schemas/call-query.js';

/** What differs between the SQL adapters when a call query becomes SQL. */
export interface SqlDialect {
  /** Binds a value and returns its placeholder. */
  bind(value: unknown): string;
  /** A condition: `column` equals one of `values`. */
  oneOf(column: string, values: readonly string[]): string;
  /** A date as the driver binds it. */
  date(value: Date): unknown;
}

const orderColumns: Record<CallOrderField, string> = {
  createdAt: 'created_at',
  lastSentAt: 'last_sent_at',
  nextRetryAt: 'next_retry_at',
  webhookId: 'webhook_id',
};

const rangeOperators = [
  ['gt', '>'],
  ['gte', '>='],
  ['lt', '<'],
  ['lte', '<='],
] as const;

function rangeConditions(column: string, range: DateRange | undefined, dialect: SqlDialect) {
  if (!range) return [];
  return rangeOperators.flatMap(([key, operator]) => {
    const bound = range[key];
    return bound === undefined
      ? []
      : [`${column} ${operator} ${dialect.bind(dialect.date(bound))}`];
  });
}

/** The `WHERE` clause of a call query (empty when nothing filters), binding values on the way. */
export function callWhereSql(query: CallQuery, dialect: SqlDialect): string {
  const conditions: string[] = [];
  if (query.ids) conditions.push(dialect.oneOf('id', query.ids));
  if (query.webhookId !== undefined) {
    conditions.push(`webhook_id = ${dialect.bind(query.webhookId)}`);
  }
  if (query.entityType !== undefined) {
    conditions.push(`entity_type = ${dialect.bind(query.entityType)}`);
  }
  if (query.eventType !== undefined) {
    conditions.push(`event_type = ${dialect.bind(query.eventType)}`);
  }
  if (query.status !== undefined) {
    const statuses = Array.isArray(query.status) ? query.status : [query.status];
    conditions.push(dialect.oneOf('status', statuses));
  }
  conditions.push(
    ...rangeConditions('created_at', query.createdAt, dialect),
    ...rangeConditions('last_sent_at', query.lastSentAt, dialect),
    ...rangeConditions('next_retry_at', query.nextRetryAt, dialect),
  );
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

/** The `ORDER BY` clause: nulls last in both directions, ties by id ascending. */
export function callOrderSql(query: CallQuery): string {
  const direction = query.direction === 'asc' ? 'ASC' : 'DESC';
  return `ORDER BY ${orderColumns[query.orderBy]} ${direction} NULLS LAST, id ASC`;
}
