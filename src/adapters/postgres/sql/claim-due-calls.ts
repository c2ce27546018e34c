/**
 * Leases up to `$2` due calls, earliest due first, at most `$4` per webhook counting what the claimer
 * already holds (`$5` webhook ids, `$6` counts). Each webhook's waiting calls are read from its own
 * index range, so a deep backlog on one webhook never hides another's due calls. `SKIP LOCKED`
 * lets concurrent claimers pass over each other's rows instead of queueing behind them, and a row
 * another claimer leased since this statement's snapshot is re-checked and dropped.
 *
 * Binds: $1 now, $2 limit, $3 lease token, $4 per-webhook limit, $5 held webhook ids,
 * $6 held counts, $7 lease expiry. `returning` lists the call columns to return, qualified by `c.`.
 */
export function claimDueCallsSql(s: string, returning: string): string {
  return `
    WITH held AS (
      SELECT * FROM unnest($5::text[], $6::integer[]) AS h (webhook_id, calls)
    ), picked AS (
      SELECT due.id FROM ${s}.webhooks w
      LEFT JOIN held ON held.webhook_id = w.id
      CROSS JOIN LATERAL (
        SELECT c.id, c.due_at FROM ${s}.calls c
        WHERE c.webhook_id = w.id
          AND c.status IN ('pending', 'rescheduled')
          AND c.due_at <= $1
          AND (c.lease_token IS NULL OR c.lease_expires_at <= $1)
        ORDER BY c.due_at, c.id
        LIMIT greatest($4 - coalesce(held.calls, 0), 0)
        FOR UPDATE OF c SKIP LOCKED
      ) due
      ORDER BY due.due_at, due.id
      LIMIT $2
    )
    UPDATE ${s}.calls c SET lease_token = $3, lease_expires_at = $7
    FROM picked WHERE c.id = picked.id
    RETURNING ${returning}`;
}

/**
 * Leases one call whatever its status, unless an unexpired lease holds it.
 * Binds: $1 id, $2 lease token, $3 lease expiry, $4 now.
 */
export function claimCallSql(s: string, returning: string): string {
  return `
    UPDATE ${s}.calls SET lease_token = $2, lease_expires_at = $3
    WHERE id = $1 AND (lease_token IS NULL OR lease_expires_at <= $4)
    RETURNING ${returning}`;
}

/**
 * The earliest moment a waiting call becomes claimable: its due time, or its lease's expiry when
 * that is later. Unleased calls: the earliest of each webhook's earliest, read from its index range
 * (as claiming does); leased calls are few (in flight, or left by a crashed process) and have their
 * own index.
 */
export function nextDueAtSql(s: string): string {
  return `
    SELECT least(
      (SELECT min(first.due_at) FROM ${s}.webhooks w
        CROSS JOIN LATERAL (
          SELECT c.due_at FROM ${s}.calls c
          WHERE c.webhook_id = w.id AND c.status IN ('pending', 'rescheduled')
            AND c.lease_token IS NULL
          ORDER BY c.due_at LIMIT 1
        ) first),
      (SELECT min(greatest(due_at, lease_expires_at)) FROM ${s}.calls
        WHERE lease_token IS NOT NULL AND status IN ('pending', 'rescheduled'))
    ) AS next_due_at`;
}
