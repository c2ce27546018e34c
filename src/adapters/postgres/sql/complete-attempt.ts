import { attemptColumns, callUpdateColumns } from '../../shared/row-codec.js';

const attemptTypes: Record<string, string> = {
  started_at: 'timestamptz',
  request_headers: 'json',
  response_headers: 'json',
  response_status: 'integer',
  duration_ms: 'double precision',
};
// INSERT ... SELECT does not infer parameter types from the target columns: cast each one.
const attemptBinds = attemptColumns.map(
  (column, index) => `$${index + 3}::${attemptTypes[column] ?? 'text'}`,
);
const updateOffset = 3 + attemptColumns.length;
const updateAssignments = callUpdateColumns.map((column, index) => {
  const cast = column.endsWith('_headers') ? '::json' : '';
  return `${column} = $${updateOffset + index}${cast}`;
});

/**
 * Records an attempt and settles the call in one round trip: the attempt is inserted whenever the
 * call exists, the update applies (and the lease is released) only while `$2` still holds it.
 * Returns the updated call, or no row. A call left waiting notifies sleeping workers.
 *
 * Binds: $1 call id, $2 lease token, then the attempt's columns (all null for no attempt), then the
 * call's new values, then the notification channel.
 */
export function completeAttemptSql(s: string, returning: string): string {
  const channel = `$${updateOffset + callUpdateColumns.length}`;
  return `
    WITH target AS (
      SELECT id FROM ${s}.calls WHERE id = $1
    ), recorded AS (
      INSERT INTO ${s}.attempts (${attemptColumns.map((c) => `"${c}"`).join(', ')})
      SELECT ${attemptBinds.join(', ')}
      FROM target WHERE $3::text IS NOT NULL
    ), updated AS (
      UPDATE ${s}.calls SET ${updateAssignments.join(', ')},
        lease_token = NULL, lease_expires_at = NULL
      WHERE id = $1 AND lease_token = $2
      RETURNING ${returning}
    )
    SELECT updated.*,
      CASE WHEN updated.status IN ('pending', 'rescheduled')
        THEN pg_notify(${channel}, 'calls') END AS notified
    FROM updated`;
}
