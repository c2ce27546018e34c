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
 *
 * A call whose webhook is gone is skipped rather than failing the statement (which would abort the
 * host's transaction too). Joining the webhook `FOR KEY SHARE` makes that race-free under READ
 * COMMITTED: a webhook whose `DELETE` is still uncommitted holds the row, so the insert waits for it;
 * if the delete commits, PostgreSQL re-checks the row, finds it gone and drops the call, instead of
 * letting the foreign key check fail afterwards. The lock is the one the foreign key check takes
 * anyway, so a delete that comes later waits for this transaction and then cascades to its calls.
 * (Under REPEATABLE READ or SERIALIZABLE, PostgreSQL reports that concurrent delete as a
 * serialization failure instead, as it does for any row locked after the snapshot.)
 */
export function insertCallsSql(s: string): string {
  const arrays = callColumns.map(
    (column, index) => `$${index + 1}::${arrayTypes[column] ?? 'text[]'}`,
  );
  const names = callColumns.map((column) => `"${column}"`).join(', ');
  return `
    WITH inserted AS (
      INSERT INTO ${s}.calls (${names})
      SELECT new_call.* FROM unnest(${arrays.join(', ')}) AS new_call (${names})
      JOIN ${s}.webhooks AS webhook ON webhook.id = new_call.webhook_id
      FOR KEY SHARE OF webhook
      RETURNING 1
    )
    SELECT pg_notify($${callColumns.length + 1}, 'calls')
    FROM (SELECT 1 FROM inserted LIMIT 1) AS any_inserted`;
}
