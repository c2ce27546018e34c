import { attemptColumns, callUpdateColumns } from '../../shared/row-codec.js';

const arrayTypes: Record<string, string> = {
  started_at: 'timestamptz[]',
  last_sent_at: 'timestamptz[]',
  next_retry_at: 'timestamptz[]',
  request_headers: 'json[]',
  response_headers: 'json[]',
  response_status: 'integer[]',
  attempted_auto_retries_count: 'integer[]',
  attempts_count: 'integer[]',
  duration_ms: 'double precision[]',
};

/** The input columns: the call and token, the attempt (`a_` prefix) and the call's new values. */
const attemptInputs = attemptColumns.filter((column) => column !== 'call_id');
const inputColumns = [
  'call_id',
  'lease_token',
  ...attemptInputs.map((column) => `a_${column}`),
  ...callUpdateColumns,
];
const arrayOf = (column: string) => arrayTypes[column.replace(/^a_/, '')] ?? 'text[]';

/** How many arrays `completeAttemptsSql` binds before the notification channel. */
export const completeAttemptsArrays = inputColumns.length;

/**
 * The batched form of `completeAttemptSql`: settles several calls, each under its own lease token,
 * in one statement and one commit. Each call appears at most once per batch. Binds one array per
 * input column (attempt columns all null for no attempt), then the notification channel.
 */
export function completeAttemptsSql(s: string, returning: string): string {
  const arrays = inputColumns.map((column, index) => `$${index + 1}::${arrayOf(column)}`);
  const channel = `$${inputColumns.length + 1}`;
  return `
    WITH input AS (
      SELECT * FROM unnest(${arrays.join(', ')}) AS i (${inputColumns.join(', ')})
    ), target AS (
      SELECT input.* FROM input JOIN ${s}.calls c ON c.id = input.call_id
    ), recorded AS (
      INSERT INTO ${s}.attempts (${attemptColumns.map((column) => `"${column}"`).join(', ')})
      SELECT ${attemptColumns.map((column) => (column === 'call_id' ? 'call_id' : `a_${column}`)).join(', ')}
      FROM target WHERE a_id IS NOT NULL
    ), updated AS (
      UPDATE ${s}.calls c SET ${callUpdateColumns.map((column) => `${column} = i.${column}`).join(', ')},
        lease_token = NULL, lease_expires_at = NULL
      FROM input i
      WHERE c.id = i.call_id AND c.lease_token = i.lease_token
      RETURNING ${returning}
    )
    SELECT updated.*,
      CASE WHEN updated.status IN ('pending', 'rescheduled')
        THEN pg_notify(${channel}, 'calls') END AS notified
    FROM updated`;
}
