import { callColumns } from '../../shared/row-codec.js';

const arrayTypes: Record<string, string> = {
  event: 'json[]',
  request_headers: 'json[]',
  response_headers: 'json[]',
  created_at: 'timestamptz[]',
  last_sent_at: 'timestamptz[]',
  next_retry_at: 'timestamptz[]',
  attempted_auto_retries_count: 'integer[]',
  attempts_count: 'integer[]',
  response_status: 'integer[]',
  duration_ms: 'double precision[]',
};

/**
 * Inserts any number of calls with one fixed statement (one array per column, unnested), so it is
 * prepared once, and notifies workers; the notification is delivered when the transaction commits.
 * Binds: one array per call column, then the notification channel.
 */
export function insertCallsSql(s: string): string {
  const arrays = callColumns.map(
    (column, index) => `$${index + 1}::${arrayTypes[column] ?? 'text[]'}`,
  );
  return `
    WITH inserted AS (
      INSERT INTO ${s}.calls (${callColumns.join(', ')})
      SELECT * FROM unnest(${arrays.join(', ')})
      RETURNING 1
    )
    SELECT pg_notify($${callColumns.length + 1}, 'calls')
    FROM (SELECT 1 FROM inserted LIMIT 1) AS any_inserted`;
}
